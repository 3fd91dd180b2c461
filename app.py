"""EBM Lab: streamlit run app.py"""

import streamlit as st
import torch

from ui.i18n import LANGS, t
from ui.layout import apply_style

# Two cores serve every session: one torch thread per request keeps sessions from fighting.
torch.set_num_threads(1)

st.set_page_config(page_title="EBM Lab", page_icon="⚡", layout="wide")

with st.sidebar:
    if "lang" not in st.session_state:
        st.session_state["lang"] = "en"
    st.segmented_control(t("language"), options=list(LANGS), format_func=LANGS.get, key="lang",
                         bind="query-params", persist_state="session")
    if not st.session_state.get("lang"):  # a segmented control can be cleared: keep a language
        st.session_state["lang"] = "en"
    presenting = st.toggle(t("presentation"), key="present", bind="query-params", persist_state="session")

apply_style(presenting)

home = st.Page("pages/home.py", title=t("page_home"), icon="🏠", default=True, url_path="home")
mcmc = st.Page("pages/mcmc.py", title=t("page_mcmc"), icon="🎲", url_path="mcmc")
st.navigation([home, mcmc]).run()
