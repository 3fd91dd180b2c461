"""RBM: contrastive divergence on MNIST, live; block-Gibbs chains; clamp and fill; AIS likelihoods."""

import streamlit as st

from ui.kit import classroom, jobs, live
from ui.kit.present import presenting
from ui.kit.share import share_box
from ui.kit import params as P
from ui.kit.i18n import lang, t
from ui.rbm import data, specs, tools, training, views

SPECS = specs.SPECS
st.title(t("rbm_title"))
st.caption(t("rbm_intro"))
views.style()
for n in P.sanitize_url(specs.ALL_SPECS):
    st.warning(n, icon=":material/warning:")

# --- controls (sidebar) --------------------------------------------------------------------
with st.sidebar:
    st.subheader(t("rbm_sidebar_train"))
    P.slider(SPECS["hidden"])
    P.slider(SPECS["k"])
    P.choice(SPECS["method"], format_func=specs.labels("rbm_method_", SPECS["method"]))
    P.slider(SPECS["lr"])
    P.slider(SPECS["momentum"], step=0.05)
    P.slider(SPECS["decay"])
    P.slider(SPECS["batch"])
    P.slider(SPECS["epochs"])
    P.slider(SPECS["digits"], help=t("rbm_digits_help", n=data.n_available()))
    P.choice(SPECS["binarization"], format_func=specs.labels("rbm_bin_", SPECS["binarization"]))
    P.number(SPECS["seed"])
    classroom.limits_note(specs.LIMITED)
    st.subheader(t("rbm_sidebar_sample"))
    P.slider(SPECS["gibbs"])
    P.slider(SPECS["T"])
    P.slider(SPECS["chains"], step=10)
s = specs.settings()
training.load_once()  # a fresh session opens with the shipped model and its picture

# --- two ways in: the shipped model, or train one live -------------------------------------
c_load, c_train = st.container(key=views.MODEL_SECTION).columns([1, 2], gap="medium")
with c_load:
    st.button(t("rbm_load_pretrained"), on_click=training.load_pretrained, key="rbm_load", width="stretch",
              type="primary" if training.job().get("rbm") is None else "secondary")
    if st.session_state.pop("rbm_missing_pretrained", False) or (data.pretrained() is None):
        st.caption(t("rbm_no_pretrained", path=str(data.PRETRAINED.relative_to(data.ROOT))))
with c_train:
    status = live.buttons(training.JOB)
    if status == live.RUNNING:
        training.start_training(s)
    diff = training.changed_settings(s)
    if diff or not presenting():  # (the help line is the presenter's, not the room's)
        st.caption(t("rbm_settings_differ", names=", ".join(diff)) if diff else t("rbm_train_help"))

with st.container(key=views.SECTION):
    jobs.ticking(training.JOB, training.PACE, tick=training.train_tick,
                 draw=lambda running: views.live_views(running, s, f"rbm_tabs_{lang()}"))

# --- using the model, and the theory -------------------------------------------------------
if not presenting():  # (a projector's first screen has no room for the rule's margins)
    st.divider()
tools.draw_tools(s)
share_box("rbm")
