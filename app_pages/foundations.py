"""Foundations: the lecture's slides behind MCMC and EBMs as live panels (issue 13 §4)."""

from ui.foundations.page import render

render()
