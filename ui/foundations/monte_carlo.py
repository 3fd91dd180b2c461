"""Panel 1, plain Monte Carlo vs MCMC: N exact i.i.d. draws from the grid beside an MH chain's N draws
(ebm_core.foundations.monte_carlo); estimates of E_p[f] with their MCSE against the exact value."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from ebm_core.foundations import monte_carlo as MC
from ebm_core.landscapes.energies import get_energy
from ebm_core.mcmc import diagnostics
from ebm_core.mcmc.config import SEED, STEP_SIZE
from ui.foundations import common as C
from ui.kit import params as P
from ui.kit.i18n import t

SPECS = {
    "target": P.Spec("fd_mc_target", "fd_target", "mixture", options=C.TARGETS, kind="choice"),
    "f": P.Spec("fd_mc_f", "fd_mc_f", "x", options=tuple(diagnostics.F_CHOICES), kind="choice"),
    "n": P.among("fd_mc_n", "fd_mc_n", 1000, MC.DRAWS, (100, 200, 500, 1000, 2000, 5000)),
    "m": P.bounded("fd_mc_m", "fd_mc_m", 200, MC.BURN_IN, 0, 2000),
    "sigma": P.among("fd_mc_sigma", "fd_mc_sigma", 1.0, STEP_SIZE, [v for v in P.LOG_STEPS if 0.05 <= v <= 8],
                     kind="float"),
    "seed": P.bounded("fd_mc_seed", "fd_seed", 0, SEED, 0, 9999),
}


def _running(v: np.ndarray) -> np.ndarray:
    return np.cumsum(v) / np.arange(1, v.size + 1)


def render() -> None:
    for n in P.sanitize_url(list(SPECS.values())):
        st.warning(n, icon=":material/warning:")
    C.frame(r"\mathbb{E}_{p(x)}[f(x)] = \int f(x)p(x)\,dx \approx \frac{1}{N}\sum_{i=1}^{N} f(x_i),\ x_i \sim p(x)"
            r"\qquad f_{mn} = \frac{1}{n-m}\sum_{i=m+1}^{n} f(x_i)", "fd_mc_look", "fd_mc_departs")
    c = C.control_columns(3)
    with c[0]:
        target = P.choice(SPECS["target"], format_func=lambda k: t(f"target_{k}"))
        f_key = P.choice(SPECS["f"])
    with c[1]:
        n = int(P.slider(SPECS["n"]))
        m = int(P.slider(SPECS["m"], step=50))
    with c[2]:
        sigma = float(P.slider(SPECS["sigma"]))
        seed = int(P.number(SPECS["seed"]))
    res = C.cached(("mc", target, f_key, n, m, sigma, seed), lambda: MC.compare(
        get_energy(target), 1.0, diagnostics.F_CHOICES[f_key], n, m, sigma, seed))
    st.caption(t("fd_mc_numbers", e=res.exact, a=res.acceptance))
    left, right = st.columns(2)
    for col, est, title in ((left, res.iid, "fd_mc_iid"), (right, res.chain, "fd_mc_chain")):
        with col:
            st.markdown(f"**{t(title)}**")
            fig = C.density_figure(target, "")
            if est is res.chain:
                b = res.burn_in_path
                fig.add_scatter(x=b[:, 0], y=b[:, 1], mode="lines", line=dict(color="rgba(255,255,255,0.35)", width=1),
                                name=t("fd_mc_burn"))
                fig.add_scatter(x=est.points[:, 0], y=est.points[:, 1], mode="lines+markers",
                                line=dict(color="rgba(255,140,0,0.5)", width=1), marker=dict(size=3, color="#ff8c00"),
                                name=t("fd_mc_draws"))
            else:
                fig.add_scatter(x=est.points[:, 0], y=est.points[:, 1], mode="markers",
                                marker=dict(size=3, color="#ff8c00"), name=t("fd_mc_draws"))
            st.plotly_chart(fig, key=f"fd_mc_fig_{title}")
            k = st.columns(4)  # (under the picture: the picture first, as on the other pages)
            k[0].metric(t("fd_mc_estimate"), f"{est.estimate:.4f}", f"{est.estimate - res.exact:+.4f}",
                        delta_color="off")
            k[1].metric(t("fd_mc_mcse"), f"{est.mcse:.4f}")
            k[2].metric(t("fd_mc_ess"), f"{est.ess:.0f} / {est.n}")
            k[3].metric(t("fd_mc_error"), f"{res.z(est):+.2f}")
    fig = go.Figure()
    xs = np.arange(1, n + 1)
    fig.add_scatter(x=xs, y=_running(res.iid.values), name=t("fd_mc_iid"))
    fig.add_scatter(x=xs, y=_running(res.chain.values), name=t("fd_mc_chain"))
    fig.add_hline(y=res.exact, line_dash="dash", annotation_text=t("fd_exact"))
    fig.update_layout(title=t("fd_mc_running"), height=320, margin=dict(l=10, r=10, t=40, b=10),
                      legend=dict(orientation="h", y=-0.2))
    fig.update_xaxes(type="log", title="N")
    st.plotly_chart(fig, key="fd_mc_running_fig")
