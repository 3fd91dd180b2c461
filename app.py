"""EBM Lab: streamlit run app.py"""

import pandas  # noqa: F401  (imported whole before any session: Streamlit peeks at sys.modules["pandas"],
import pyarrow  # noqa: F401  and a half-imported module there fails another session's run)
import streamlit as st
import torch

from ui.kit import params as P
from ui.kit.i18n import LANGS, t
from ui.kit.layout import apply_style
from ui.kit.present import install_plotly
from ui.lesson.bar import lesson_bar

# Two cores serve every session: one torch thread per request keeps sessions from fighting.
torch.set_num_threads(1)

# Presentation mode (?present=true) opens with the controls tucked away.
# (A lesson's page switch carries no present= in its link, the toggle writes it back afterwards:
# the session's own value counts too, or the switch opened the sidebar over the picture.)
_present_url = (str(st.query_params.get("present", "")).lower() == "true"
                or st.session_state.get("present") is True)
st.set_page_config(page_title="EBM Lab", page_icon=":material/bolt:", layout="wide",
                   initial_sidebar_state="collapsed" if _present_url else "auto")

LANG = P.Spec("lang", "language", "en", options=tuple(LANGS), kind="choice")
PRESENT = P.Spec("present", "presentation", "false", options=("true", "false"), kind="choice")
url_notes = P.sanitize_url([LANG, PRESENT])
with st.sidebar:
    if not st.session_state.get("lang"):  # first visit, or the segmented control was cleared
        st.session_state["lang"] = "en"
    st.segmented_control(t("language"), options=list(LANGS), format_func=LANGS.get, key="lang",
                         persist_state="session")
    P.sync_url(LANG, st.session_state.get("lang"))
    st.session_state.setdefault("present", False)
    if isinstance(st.session_state["present"], str):  # came from the URL as text
        st.session_state["present"] = st.session_state["present"] == "true"
    presenting = st.toggle(t("presentation"), key="present", bind="query-params", persist_state="session")
    for n in url_notes:
        st.warning(n)

apply_style(presenting)
install_plotly()  # presentation mode: charts' fonts and lines too (ui/kit/present.py)

# (file, title key, icon, url path) in the lecture's order.  (Icons from Streamlit's own icon font:
# an emoji needs the viewer's system font, and a bare Linux projector box draws empty boxes.)
PAGES = [
    ("app_pages/home.py", "page_home", ":material/home:", "home"),
    ("app_pages/foundations.py", "page_foundations", ":material/functions:", "foundations"),
    ("app_pages/mcmc.py", "page_mcmc", ":material/casino:", "mcmc"),
    ("app_pages/landscape.py", "landscape_page_title", ":material/landscape:", "landscape"),
    ("app_pages/rbm.py", "rbm_page_title", ":material/grid_on:", "rbm"),
    ("app_pages/deep.py", "deep_page_title", ":material/layers:", "deep"),
]
pages = [st.Page(f, title=t(k), icon=i, url_path=u, default=(u == "home")) for f, k, i, u in PAGES]
nav = st.navigation(pages)
# The browser tab's title, in the page's language (the call above runs before the language is known).
st.set_page_config(page_title=t("tab_title", page=nav.title))
# ?lesson=<name>&step=<k>: a lesson's step, on any page (above the page; may switch page)
lesson_bar(next((u for (_f, _k, _i, u), p in zip(PAGES, pages) if p is nav), "home"))
nav.run()
