"""Tabs and expanders whose state lives in the link (issue 13: a link restores the open tab and
the open expanders too).  Expanders: ``<key>=true`` while open.

The URL carries a language-free name (``tab=hist``, ``rbm_view=filters``), the part of the tab's
label key after "tab_"; the first tab is the default and is left out of the URL.  A name the
page does not have is replaced by the first tab, with a note (as ``ui.kit.params`` does).
"""

from __future__ import annotations

import streamlit as st

from ui.kit import params as P
from ui.kit.i18n import t


def names(labels) -> list[str]:
    """"rbm_tab_filters" -> "filters" (the URL's name of each tab)."""
    return [lb.split("tab_", 1)[1] if "tab_" in lb else lb for lb in labels]


def url_tabs(url_key: str, labels, widget_key: str):
    """``st.tabs`` of these label keys (only the open one is drawn: ``on_change="rerun"``), opened
    on the link's tab when its widget has no state yet (a fresh session, a new language, a
    lesson step), and written back to the URL as it changes."""
    labels = tuple(labels)
    ns = names(labels)
    raw = st.query_params.get(url_key)
    if widget_key not in st.session_state and raw is not None:
        if raw in ns:
            st.session_state[widget_key] = t(labels[ns.index(raw)])
        else:
            st.warning(t("bad_value", name=t("url_tab"), value=P.plain(raw), used=t(labels[0])), icon=":material/warning:")
            del st.query_params[url_key]
    tabs = st.tabs([t(k) for k in labels], key=widget_key, on_change="rerun")
    i = next((k for k, tab in enumerate(tabs) if tab.open), 0)
    if i == 0:
        if url_key in st.query_params:
            del st.query_params[url_key]
    elif st.query_params.get(url_key) != ns[i]:
        st.query_params[url_key] = ns[i]
    return tabs


def url_expander(label: str, key: str):
    """``st.expander`` (filled only when open: ``on_change="rerun"``) whose open state is
    ``<key>=true`` in the URL.  Not Streamlit's ``bind="query-params"``: that writes the URL only
    on a click, so a state set by the script (a lesson step) would not reach the link."""
    raw = st.query_params.get(key)
    if key not in st.session_state and raw is not None:
        if raw in ("true", "false"):
            st.session_state[key] = raw == "true"
        else:
            st.warning(t("bad_value", name=label, value=P.plain(raw), used=t("url_closed")), icon=":material/warning:")
    exp = st.expander(label, key=key, on_change="rerun")
    if exp.open:
        if st.query_params.get(key) != "true":
            st.query_params[key] = "true"
    elif key in st.query_params:
        del st.query_params[key]
    return exp
