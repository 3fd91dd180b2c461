"""RBM: contrastive divergence on MNIST, live; block-Gibbs chains; clamp and fill; AIS likelihoods."""

import streamlit as st

from ui.kit import jobs, live
from ui.kit import params as P
from ui.rbm import page as R
from ui.kit.i18n import lang, t

st.title(t("rbm_title"))
st.caption(t("rbm_intro"))
R.style()
for n in P.sanitize_url(R.ALL_SPECS):
    st.warning(n, icon="⚠️")

# --- controls (sidebar) --------------------------------------------------------------------
with st.sidebar:
    st.subheader(t("rbm_sidebar_train"))
    P.slider(R.SPECS["hidden"])
    P.slider(R.SPECS["k"])
    P.choice(R.SPECS["method"], format_func=R.labels("rbm_method_", R.SPECS["method"]))
    P.slider(R.SPECS["lr"])
    P.slider(R.SPECS["momentum"], step=0.05)
    P.slider(R.SPECS["decay"])
    P.slider(R.SPECS["batch"])
    P.slider(R.SPECS["epochs"])
    P.slider(R.SPECS["digits"], help=t("rbm_digits_help", n=R.n_available()))
    P.choice(R.SPECS["binarization"], format_func=R.labels("rbm_bin_", R.SPECS["binarization"]))
    P.number(R.SPECS["seed"])
    st.subheader(t("rbm_sidebar_sample"))
    P.slider(R.SPECS["gibbs"])
    P.slider(R.SPECS["T"])
    P.slider(R.SPECS["chains"], step=10)
s = R.settings()

# --- two ways in: the shipped model, or train one live -------------------------------------
c_load, c_train = st.columns([1, 2], gap="medium")
with c_load:
    st.button(t("rbm_load_pretrained"), on_click=R.load_pretrained, key="rbm_load", width="stretch",
              type="primary" if R.job().get("rbm") is None else "secondary")
    if st.session_state.pop("rbm_missing_pretrained", False) or (R.pretrained() is None):
        st.caption(t("rbm_no_pretrained", path=str(R.PRETRAINED.relative_to(R.ROOT))))
with c_train:
    status = live.buttons(R.JOB)
    if status == live.RUNNING:
        R.start_training(s)
    diff = R.changed_settings(s)
    st.caption(t("rbm_settings_differ", names=", ".join(diff)) if diff else t("rbm_train_help"))

jobs.ticking(R.JOB, R.PACE, tick=R.train_tick, draw=lambda running: R.live_views(running, s, f"rbm_tabs_{lang()}"))

# --- using the model, and the theory -------------------------------------------------------
st.divider()
tabs = st.tabs([t(k) for k in R.TOOL_TABS], key=f"rbm_tools_{lang()}", on_change="rerun")
for i, (tab, draw) in enumerate(zip(tabs, (R.draw_clamp, R.draw_ais, R.draw_lab, R.draw_theory, R.draw_downloads))):
    if tab.open or (tab.open is None and i == 0):
        with tab:
            draw(s)
