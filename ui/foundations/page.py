"""The Foundations page: five panels as tabs (the open one is in the link and is the only one drawn)."""

from __future__ import annotations

import streamlit as st

from ui.kit.i18n import lang, t
from ui.kit.share import share_box
from ui.kit.tabs import url_tabs

TABS = ("fd_tab_mc", "fd_tab_markov", "fd_tab_kl", "fd_tab_classifier", "fd_tab_volume")
#: (the open tab's URL key, the st.tabs widget key): what a lesson step would set on this page
TAB_URL, TAB_KEY = "fd_tab", "fd_tabs_{lang}"


def all_specs() -> tuple:
    """Every URL spec of the page's panels (for a lesson file's checks: ui.lesson.pages)."""
    from ui.foundations import classifier, kl, markov, monte_carlo, volume

    return (*monte_carlo.SPECS.values(), *markov.ENTRIES.values(), *markov.SPECS.values(), *kl.SPECS.values(),
            *classifier.SPECS.values(), *volume.SPECS.values())


def render() -> None:
    from ui.foundations import classifier, kl, markov, monte_carlo, volume

    from ui.foundations import common as C
    from ui.kit.present import intro

    st.title(t("fd_title"))
    intro(t("fd_intro"))
    tabs = url_tabs(TAB_URL, TABS, TAB_KEY.format(lang=lang()))
    for i, (tab, panel) in enumerate(zip(tabs, (monte_carlo, markov, kl, classifier, volume))):
        if tab.open or (tab.open is None and i == 0):
            with tab:
                panel.render()
                C.notes()
    share_box("foundations")
