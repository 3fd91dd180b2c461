"""The DBN / DBM page: ``render()`` puts the package's parts together.

    specs.py     controls: specs (bounds from the engine's ranges), sidebar, the configs they build
    data.py      MNIST as the page uses it, the shipped checkpoints
    training.py  the two model jobs (ui.kit.jobs): load, train live, fine-tune, one tick
    sampling.py  what is computed from a model: samples, classification, mean field, the bound
    views.py     the live section: model line, progress, live picture, curves
    tools.py     the tool tabs; theory.py (formulas), downloads.py (checkpoint, PNG, GIF, CLI lines)
"""

from __future__ import annotations

import streamlit as st

from ui.deep import data, specs, training, views
from ui.deep.tools import draw_tools
from ui.kit import jobs, live
from ui.kit.present import presenting
from ui.kit.share import share_box
from ui.kit import params as P
from ui.kit.i18n import t


def render() -> None:
    st.title(t("deep_title"))
    st.caption(t("deep_intro"))
    views.style()
    for n in P.sanitize_url(specs.ALL_SPECS):
        st.warning(n, icon=":material/warning:")

    with st.sidebar:
        kind = specs.sidebar()
    s = specs.settings()
    training.load_once(kind)  # a fresh session opens with the shipped model and its picture

    # --- two ways in: the shipped model, or train one live ---------------------------------
    key = training.JOBS[kind]
    c_load, c_train = st.columns([1, 2], gap="medium")
    with c_load:
        st.button(t("deep_load_pretrained", model=t(f"deep_short_{kind}")), on_click=training.load_pretrained,
                  args=(kind,), key=f"deep_load_{kind}", width="stretch",
                  type="primary" if training.job(kind).get("model") is None else "secondary")
        if st.session_state.pop("deep_missing_pretrained", None) == kind or data.pretrained(kind) is None:
            st.caption(t("deep_no_pretrained", path=str(data.PRETRAINED[kind].relative_to(data.ROOT))))
    with c_train:
        if live.buttons(key) == jobs.RUNNING:
            training.start_training(kind, s)
        diff = training.changed_settings(kind, s)
        if diff or not presenting():  # (the help line is the presenter's, not the room's)
            st.caption(t("deep_settings_differ", names=", ".join(diff)) if diff else t(f"deep_train_help_{kind}"))

    jobs.ticking(key, training.PACE, tick=lambda: training.train_tick(kind), draw=lambda running: views.draw_live(kind))

    st.divider()
    draw_tools(kind, s)
    share_box("deep")
