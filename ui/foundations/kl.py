"""Panel 3, KL and maximum likelihood: one Gaussian fitted to p_T on the grid by KL(p‖q) (moment
matching) and by KL(q‖p) (Adam from a stated start), side by side with both KL values of each."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ebm_core.foundations import kl_fit as K
from ebm_core.landscapes.energies import get_energy
from ebm_core.mcmc.config import RANGES
from ebm_core.ranges import Range
from ui.foundations import common as C
from ui.kit import params as P
from ui.kit.i18n import t

START = Range(-4.0, 4.0)
LR = 0.05
SPECS = {
    "target": P.Spec("fd_kl_target", "fd_target", "mixture", options=C.TARGETS, kind="choice"),
    "T": P.among("fd_kl_T", "fd_kl_temperature", 1.0, RANGES["temperature"], (0.5, 0.7, 1.0, 1.5, 2.0), kind="float"),
    "x0": P.bounded("fd_kl_x0", "fd_kl_x0", 2.0, START, kind="float"),
    "y0": P.bounded("fd_kl_y0", "fd_kl_y0", -1.0, START, kind="float"),
    "steps": P.among("fd_kl_steps", "fd_kl_steps", 300, K.STEPS, (10, 50, 100, 300, 1000)),
}


def _fits(target: str, T: float, x0: float, y0: float, steps: int):
    grid_t = K.grid_target(get_energy(target), T)
    return grid_t, K.moment_match(grid_t), K.adam_fit(grid_t, "qp", (x0, y0), steps=steps, lr=LR)


def _ellipses(fig: go.Figure, fit: K.Fit, color: str, name: str) -> None:
    """1σ, 2σ and 3σ contours of q = N(μ, Σ) over the density."""
    w, v = np.linalg.eigh(fit.cov)
    a = np.linspace(0, 2 * np.pi, 120)
    circle = np.stack([np.cos(a), np.sin(a)])
    for k in (1, 2, 3):
        pts = fit.mean[:, None] + k * (v @ (np.sqrt(np.maximum(w, 0))[:, None] * circle))
        fig.add_scatter(x=pts[0], y=pts[1], mode="lines", line=dict(color=color, width=3 if k == 1 else 1.5),
                        name=name, showlegend=k == 1, legendgroup=name)
    fig.add_scatter(x=[fit.mean[0]], y=[fit.mean[1]], mode="markers", marker=dict(color=color, size=9, symbol="x"),
                    showlegend=False)


def render() -> None:
    for n in P.sanitize_url(list(SPECS.values())):
        st.warning(n, icon=":material/warning:")
    C.frame((r"D_{KL}(p\,\|\,q_\phi) = \mathbb{E}_{p}\left[\log\frac{p(x)}{q_\phi(x)}\right] = \text{constant} - L(\phi)",
             r"\mathbb{D}_{KL}(q_\phi\,\|\,p) = \mathbb{E}_{q_\phi}[\log q_\phi(x)] - \mathbb{E}_{q_\phi}[f(x)]"
             r" + \log Z"), "fd_kl_look", "fd_kl_departs")  # (one line each: side by side they overflow)
    c = C.control_columns(5)
    with c[0]:
        target = P.choice(SPECS["target"], format_func=lambda k: t(f"target_{k}"))
    with c[1]:
        T = float(P.slider(SPECS["T"]))
    with c[2]:
        x0 = float(P.slider(SPECS["x0"], step=0.5))
    with c[3]:
        y0 = float(P.slider(SPECS["y0"], step=0.5))
    with c[4]:
        steps = int(P.slider(SPECS["steps"]))
    _grid, fwd, rev = C.cached(("kl", target, T, x0, y0, steps), lambda: _fits(target, T, x0, y0, steps))
    left, right = st.columns(2)
    for col, fit, title, color in ((left, fwd, t("fd_kl_fwd"), "#ff4b4b"),
                                   (right, rev, t("fd_kl_rev", x=x0, y=y0), "#ffffff")):
        with col:
            fig = C.density_figure(target, title)
            if T != 1.0:  # the picture is p at T = 1; the fit's p_T has the same modes, wider or narrower
                fig.update_layout(title=f"{title} (p_T, T = {T:g}; background T = 1)")
            _ellipses(fig, fit, color, "q")
            if fit is rev:
                fig.add_scatter(x=[x0], y=[y0], mode="markers", marker=dict(color="#ffffff", size=9, symbol="circle-open"),
                                name="μ₀")
            st.plotly_chart(fig, key=f"fd_kl_fig_{color}")
            k = st.columns(2)
            k[0].metric("KL(p‖q)", f"{fit.kl_pq:.4f}")
            k[1].metric("KL(q‖p)", f"{fit.kl_qp:.4f}")
    fmt = lambda a: np.array2string(np.asarray(a), precision=3, suppress_small=True)  # noqa: E731
    st.dataframe(pd.DataFrame([(t("fd_kl_row_fwd"), fmt(fwd.mean), fmt(fwd.cov), fwd.kl_pq, fwd.kl_qp),
                               (t("fd_kl_row_rev"), fmt(rev.mean), fmt(rev.cov), rev.kl_pq, rev.kl_qp)],
                              columns=[t("fd_kl_table_q"), t("fd_kl_mean"), t("fd_kl_cov"), "KL(p‖q)", "KL(q‖p)"]),
                 hide_index=True)
    if rev.history.size:
        fig = go.Figure(go.Scatter(y=rev.history, mode="lines", name="KL(q‖p)"))
        fig.update_layout(title=t("fd_kl_history"), height=240, margin=dict(l=10, r=10, t=40, b=10))
        fig.update_xaxes(title=t("fd_kl_step"))
        st.plotly_chart(fig, key="fd_kl_hist")
