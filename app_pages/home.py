"""Home: the four topics of the lecture, in its order (and the Foundations before them)."""

import streamlit as st

from ui.kit.i18n import t

st.title(t("home_title"))
st.write(t("home_intro"))
st.caption(t("offline_note"))
# The slides the four topics take for granted (Monte Carlo, Markov chains, KL, ...), computed.
st.page_link("app_pages/foundations.py", label=t("home_foundations"), icon=":material/functions:")

cols = st.columns(2)
for i, (title, body, page) in enumerate([
    ("topic_mcmc", "topic_mcmc_body", "app_pages/mcmc.py"),
    ("topic_landscape", "topic_landscape_body", "app_pages/landscape.py"),
    ("topic_rbm", "topic_rbm_body", "app_pages/rbm.py"),
    ("topic_deep", "topic_deep_body", "app_pages/deep.py"),
]):
    with cols[i % 2].container(border=True):
        st.subheader(t(title))
        st.write(t(body))
        if page:
            st.page_link(page, label=t("open_page"), icon=":material/arrow_forward:")
