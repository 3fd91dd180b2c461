"""The RBM page's tiny lab: Theorem 1 on 3×3 bars and stripes, CD-k's exact and simulated bias
against k (``ebm_core.rbm.lab``), drawn by ``ebm_core.viz.rbm.lab_figure``."""

from __future__ import annotations

import streamlit as st

from ebm_core.rbm import lab
from ebm_core.viz import digits
from ebm_core.viz import rbm as V

from ui.kit import params as P
from ui.kit.i18n import t
from ui.kit.present import intro
from ui.rbm.specs import SPECS

LAB_KS = (1, 2, 3, 5, 10, 25, 50)


@st.cache_data(max_entries=16, show_spinner=False)
def lab_curve(n_hidden: int, train_steps: int, seed: int, runs: int) -> dict:
    """Theorem 1 on 3x3 bars and stripes: exact and simulated CD-k bias for each k (shared cache)."""
    rbm, data = lab.make_lab(side=3, n_hidden=n_hidden, seed=seed, train_steps=train_steps)
    out = lab.bias_curve(rbm, data, ks=LAB_KS, runs=runs, seed=seed)
    out["patterns_png"] = digits.grid_png(data, ncols=7, scale=8, side=3)
    # The model's own view: how much of p(v) over the 512 states sits on the 14 patterns.
    p = lab.model_distribution(rbm)
    out["mass_on_patterns"] = float(p[lab.state_index(data)].sum())
    return out


#: the tool's three sliders (keyed, so that a lesson step can hide the row whole: ui.lesson.pages)
CONTROLS = "rbm_lab_controls"


def draw_lab(s: dict) -> None:
    intro(t("rbm_lab_intro"))
    c1, c2, c3 = st.container(key=CONTROLS).columns(3)
    with c1:
        h = P.slider(SPECS["lab_hidden"])
    with c2:
        steps = P.slider(SPECS["lab_train"], step=50)
    with c3:
        runs = P.slider(SPECS["lab_runs"])
    with st.spinner(t("rbm_lab_running")):
        r = lab_curve(int(h), int(steps), int(s["seed"]), int(runs))
    # The chart first: it is the theorem (a projector's first screen shows it); its data and numbers below.
    st.plotly_chart(V.lab_figure(r, {
        "bias_title": t("rbm_lab_bias_title"), "cos_title": t("rbm_lab_cos_title"), "exact": t("rbm_lab_exact"),
        "mc": t("rbm_lab_mc", runs=r["runs"]), "noise": t("rbm_lab_noise"), "rate": t("rbm_lab_rate", lam=r["mixing"]),
        "single": t("rbm_lab_single")}), key="rbm_lab_chart")
    st.caption(t("rbm_lab_caption", z=max(r["max_abs_z"])))
    left, right = st.columns([1, 3], vertical_alignment="center")
    left.image(r["patterns_png"], width="stretch", caption=t("rbm_lab_patterns", n=r["n_patterns"]))
    with right:
        m1, m2, m3 = st.columns(3)
        m1.metric(t("rbm_lab_mixing"), f"{r['mixing']:.3f}", help=t("rbm_lab_mixing_help"))
        m2.metric(t("rbm_lab_ll"), f"{r['log_likelihood']:.3f}", help=t("rbm_lab_ll_help"))
        m3.metric(t("rbm_lab_mass"), f"{r['mass_on_patterns']:.1%}", help=t("rbm_lab_mass_help"))
    st.latex(r"\begin{aligned}\frac{\partial \ln p(v^{(0)})}{\partial \theta} = &-\sum_h p(h \mid v^{(0)}) "
             r"\frac{\partial E(v^{(0)}, h)}{\partial \theta} + \mathbb{E}_{p(v^{(k)} \mid v^{(0)})}\Big[\sum_h "
             r"p(h \mid v^{(k)}) \frac{\partial E(v^{(k)}, h)}{\partial \theta}\Big] \\ &+ "
             r"\underbrace{\mathbb{E}_{p(v^{(k)} \mid v^{(0)})}\Big[\frac{\partial \ln p(v^{(k)})}{\partial \theta}"
             r"\Big]}_{\text{CD-}k\text{ drops this: its bias}\ \to 0\ (k \to \infty)}\end{aligned}")
