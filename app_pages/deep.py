"""DBN and DBM: greedy stacking, labels, up-down fine-tuning; mean field, persistent chains, the bound."""

from ui.deep.page import render

render()
