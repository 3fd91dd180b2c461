"""A page's share link: its address with every setting that differs from the default (the
pages write their settings to the URL as they change: ``ui.kit.params.sync_url``)."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from ui.kit.i18n import t


def link(page: str) -> str:
    """This page's address and query (``page``: its URL path, when the address is not known)."""
    parts = urlsplit(st.context.url or f"http://localhost:8501/{page}")
    query = urlencode({k: st.query_params.get(k) for k in st.query_params})
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def share_box(page: str) -> None:
    """The "Share this exact picture" heading, its help and the link, as the MCMC page shows them."""
    st.subheader(t("share"))
    st.caption(t("share_help"))
    st.code(link(page), language=None)
