"""DBN and DBM: greedy stacking, labels, up-down fine-tuning; mean field, persistent chains, the bound."""

import streamlit as st

from ui.deep import page as DP
from ui.kit import live
from ui.kit import params as P
from ui.kit.i18n import t

st.title(t("deep_title"))
st.caption(t("deep_intro"))
DP.style()
for n in P.sanitize_url(DP.ALL_SPECS):
    st.warning(n, icon="⚠️")

with st.sidebar:
    kind = DP.sidebar()
s = DP.settings()

# --- two ways in: the shipped model, or train one live -------------------------------------
job = DP.JOBS[kind]
c_load, c_train = st.columns([1, 2], gap="medium")
with c_load:
    st.button(t("deep_load_pretrained", model=t(f"deep_short_{kind}")), on_click=DP.load_pretrained, args=(kind,),
              key=f"deep_load_{kind}", width="stretch",
              type="primary" if DP.job(kind).get("model") is None else "secondary")
    if st.session_state.pop("deep_missing_pretrained", None) == kind or DP.pretrained(kind) is None:
        st.caption(t("deep_no_pretrained", path=str(DP.PRETRAINED[kind].relative_to(DP.ROOT))))
with c_train:
    status = live.buttons(job)
    if status == live.RUNNING:
        DP.start_training(kind, s)
    diff = DP.changed_settings(kind, s)
    st.caption(t("deep_settings_differ", names=", ".join(diff)) if diff else t(f"deep_train_help_{kind}"))

live.ticking(job, lambda running: DP.live_panel(kind, running, s), every_s=DP.EVERY_S)

st.divider()
DP.draw_tools(kind, s)
