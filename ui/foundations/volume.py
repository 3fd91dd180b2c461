"""Panel 5, a distribution from any g ≥ 0 by its volume: the slides' Gaussian g and two more shapes,
the volume as a grid sum against the closed form (ebm_core.foundations.volume)."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from ebm_core.foundations import volume as V
from ebm_core.ranges import Range
from ui.foundations import common as C
from ui.kit import params as P
from ui.kit.i18n import t

SPECS = {
    "shape": P.Spec("fd_vol_shape", "fd_vol_shape", "gaussian", options=tuple(V.SHAPES), kind="choice"),
    "mu": P.bounded("fd_vol_mu", "fd_vol_mu", 0.0, Range(-3.0, 3.0), kind="float"),
    "sigma": P.among("fd_vol_sigma", "fd_vol_sigma", 1.0, V.SIGMA, (0.25, 0.5, 1.0, 2.0, 4.0), kind="float"),
    "w": P.among("fd_vol_w", "fd_vol_w", 5.0, V.HALF_WIDTH, (1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 50.0, 100.0), kind="float"),
    "cells": P.among("fd_vol_cells", "fd_vol_cells", 200, V.CELLS, (5, 10, 20, 50, 200, 1000, 10000)),
}


def render() -> None:
    for n in P.sanitize_url(list(SPECS.values())):
        st.warning(n, icon=":material/warning:")
    C.frame(r"p_\theta(\mathbf{x}) = \frac{1}{\mathrm{Volume}(g_\theta)}\, g_\theta(\mathbf{x}) = "
            r"\frac{g_\theta(\mathbf{x})}{\int g_\theta(\mathbf{x})\,d\mathbf{x}},\qquad "
            r"g_{(\mu,\sigma)}(x) = e^{-\frac{(x-\mu)^2}{2\sigma^2}},\quad \int e^{-\frac{(x-\mu)^2}{2\sigma^2}}dx = "
            r"\sqrt{2\pi\sigma^2}", "fd_vol_look", "fd_vol_departs")
    c = C.control_columns(5)
    with c[0]:
        shape = P.choice(SPECS["shape"], format_func=lambda k: t(f"fd_vol_shape_{k}"))
    with c[1]:
        mu = float(P.slider(SPECS["mu"], step=0.5))
    with c[2]:
        sigma = float(P.slider(SPECS["sigma"]))
    with c[3]:
        w = float(P.slider(SPECS["w"]))
    with c[4]:
        cells = int(P.slider(SPECS["cells"]))
    v = V.volume(shape, mu, sigma, w, cells)  # at most 10,000 cells: microseconds, nothing to cache
    fig = go.Figure()
    fig.add_scatter(x=v.xs, y=v.g, mode="lines", name="g(x)")
    fig.add_scatter(x=v.xs, y=v.p, mode="lines", name="p_θ(x)", fill="tozeroy")
    if cells <= 50:  # few cells: show them
        fig.add_bar(x=v.xs, y=v.g, width=(v.xs[1] - v.xs[0]) if cells > 1 else 1, opacity=0.3, name="Σ g Δx")
    fig.update_layout(title=t("fd_vol_plot"), height=360, margin=dict(l=10, r=10, t=40, b=10))
    fig.update_xaxes(title="x")
    st.plotly_chart(fig, key="fd_vol_fig")
    k = st.columns(3)  # (under the picture)
    k[0].metric(t("fd_vol_grid"), f"{v.volume:.6f}")
    k[1].metric(t("fd_vol_exact"), f"{v.exact:.6f}")
    k[2].metric(t("fd_vol_rel"), f"{v.relative_error:+.2e}")
