"""Panel 4, EBM and classifiers: the logistic form with b = log ρ/(1−ρ) − log Z(θ) on a 2D two-class
example with the exact Z(θ), against the Bayes posterior; and the softmax over −E_c with three classes."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st
import torch

from ebm_core.foundations import classifier as CL
from ebm_core.landscapes.energies import Energy2D, get_energy
from ui.foundations import common as C
from ui.kit import params as P
from ui.kit.i18n import t

SPECS = {
    "target": P.Spec("fd_cl_target", "fd_target", "mixture", options=C.TARGETS, kind="choice"),
    "rho": P.bounded("fd_cl_rho", "fd_cl_rho", 0.5, CL.RHO, 0.05, 0.95, kind="float"),
    "s": P.among("fd_cl_s", "fd_cl_s", 3.0, CL.BASE_SD, (1.0, 1.5, 2.0, 3.0, 4.0, 6.0), kind="float"),
}
#: The three classes of the softmax example: the mixture target's components (T = 1), priors its weights.
MEANS = ((-2.0, -1.5), (2.0, -1.5), (0.0, 2.0))
PRIORS = (0.3, 0.3, 0.4)
SIGMA = 0.6
BOX = (-5.0, 5.0, -5.0, 5.0)


def _component(mu) -> Energy2D:
    m = torch.tensor(mu, dtype=torch.float64)
    return Energy2D(f"class at {mu}", lambda x: 0.5 * ((x - m.to(x.dtype)) ** 2).sum(-1) / SIGMA**2, BOX)


def _softmax() -> dict:
    return CL.softmax_classes([_component(mu) for mu in MEANS], PRIORS, BOX, n=150)


def render() -> None:
    for n in P.sanitize_url(list(SPECS.values())):
        st.warning(n, icon=":material/warning:")
    C.frame((r"p_\theta(x) = \frac{1}{Z_\theta}\exp(f_\theta(x))\,q(x),\quad "
             r"P(y=1\mid x) = \frac{\exp(f_\theta(x)+b)}{\exp(f_\theta(x)+b)+1},\quad "
             r"b = \log\frac{\rho}{1-\rho} - \log Z(\theta)",
             r"p(y=c\mid x) = \frac{\exp(f_{c,\theta}(x)+b_c)}{\sum_{c'=1}^{C}\exp(f_{c',\theta}(x)+b_{c'})},\quad "
             r"b_c = \log\rho_c - \log Z_{c,\theta}"),
            "fd_cl_look", "fd_cl_departs")
    c = C.control_columns(3)
    with c[0]:
        target = P.choice(SPECS["target"], format_func=lambda k: t(f"target_{k}"))
    with c[1]:
        rho = float(P.slider(SPECS["rho"], step=0.05))
    with c[2]:
        s = float(P.slider(SPECS["s"]))
    r = C.cached(("cl", target, rho, s), lambda: CL.two_class(get_energy(target), 1.0, rho, s, n=150))
    left, right = st.columns(2)
    with left:
        fig = go.Figure(go.Heatmap(x=r.xs, y=r.ys, z=r.logistic, zmin=0, zmax=1, colorscale="RdBu_r",
                                   colorbar=dict(title="P(y=1|x)")))
        fig.add_contour(x=r.xs, y=r.ys, z=r.logistic, contours=dict(start=0.5, end=0.5, coloring="none"),
                        line=dict(color="white", width=3), showscale=False, hoverinfo="skip")
        fig.update_layout(title=t("fd_cl_map"), height=420, margin=dict(l=10, r=10, t=40, b=10))
        fig.update_yaxes(scaleanchor="x", scaleratio=1)
        st.plotly_chart(fig, key="fd_cl_map")
    with right:
        soft = C.cached(("cl_soft",), _softmax)
        rgb = np.moveaxis(soft["softmax"], 0, -1)  # (n, n, 3): class c's probability in colour channel c
        fig = go.Figure(go.Image(z=(rgb * 255).astype(np.uint8)[::-1], x0=BOX[0], dx=(BOX[1] - BOX[0]) / rgb.shape[1],
                                 y0=BOX[3], dy=-(BOX[3] - BOX[2]) / rgb.shape[0]))
        fig.update_layout(title=t("fd_cl_soft"), height=420, margin=dict(l=10, r=10, t=40, b=10))
        fig.update_yaxes(autorange=True)
        st.plotly_chart(fig, key="fd_cl_soft")
        st.caption(t("fd_cl_soft_gap", g=soft["max_gap"], b=", ".join(f"{v:.3f}" for v in soft["b"])))
    k = st.columns(3)  # (under the pictures)
    k[0].metric(t("fd_cl_logz"), f"{r.log_z:.4f}")
    k[1].metric(t("fd_cl_b"), f"{r.b:.4f}")
    k[2].metric(t("fd_cl_gap"), f"{r.max_gap:.1e}")
