"""The MCMC page's parallel-tempering panel: the ladder, the swap rate per pair, the cold chain's path
beside a plain MH chain's, and both against the grid's exact moments.

A panel rather than a sampler choice: PT has its own controls (K, T_max, the local move) and a
state the page's canvas, prefetch and "explain one step" do not carry (the whole ladder).  The
chains are the page's (target, T, chains, steps, burn-in m, seed, starting points); the numbers
come from ``ebm_core.mcmc.samplers.pt`` through ``run_chains``.
"""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from ebm_core.mcmc import diagnostics
from ebm_core.mcmc.samplers import make_sampler, run_chains
from ebm_core.mcmc.samplers.pt import LADDER, LOCAL_MOVES
from ebm_core.mcmc.config import DEFAULT_STEP, STEP_SIZE
from ebm_core.ranges import TEMPERATURE
from ebm_core.viz import truth as fig

from ui.kit import params as P
from ui.kit.i18n import t
from ui.mcmc import controls as M

SPECS = {
    "k": P.bounded("pt_k", "pt_ladder", 6, LADDER, 2, 12),
    "tmax": P.Spec("pt_tmax", "pt_tmax", 5.0, options=P.within(TEMPERATURE, (0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 50.0))),
    "local": P.Spec("pt_local", "pt_local", "mh", options=LOCAL_MOVES, kind="choice"),
    "step": P.Spec("pt_step", "pt_step", 0.5, options=P.within(STEP_SIZE, P.LOG_STEPS)),
}


@st.cache_resource(max_entries=16, show_spinner=False)
def runs_for(target, formula, half, T, k, t_max, local, step, chains, steps, seed, starts, points):
    """(PT trace, plain MH trace with the cold σ) from the page's starting points; shared by sessions."""
    energy = M.energy_for(target, formula, half)
    x0 = M.starting_points(target, formula, starts, chains, seed, points, half)
    pt = run_chains(make_sampler("pt", energy, step, T, n_temps=k, t_max=t_max, local=local), x0, steps, seed)
    mh = run_chains(make_sampler("mh", energy, mh_sigma(local, step), T), x0, steps, seed)
    # The whole ladder (steps × chains × K × 2 floats, up to 15 MB) is for replaying a step; the
    # panel draws the cold chain only, so the shared cache does not keep it.
    pt.meta.pop("replicas", None)
    return pt, mh


def mh_sigma(local: str, step: float) -> float:
    """The plain MH chain's σ: the cold replica's own with local MH; with MALA (whose ε is no σ) the
    MH page's default."""
    return step if local == "mh" else DEFAULT_STEP["mh"]


def _rhat(trace, m) -> str:
    r = diagnostics.summarise(trace.positions, trace.accepted, m).rhat
    return " / ".join("–" if not math.isfinite(v) else f"{v:.3f}" for v in r)


def render(c: dict, T: float) -> None:
    """The panel's body; ``c`` holds the page's settings (target, formula, half, chains, steps, m, seed,
    starts, points)."""
    for n in P.sanitize_url(list(SPECS.values())):
        st.warning(n, icon=":material/warning:")
    st.caption(t("pt_intro"))
    st.latex(r"T_k = T\,(T_{\max}/T)^{k/(K-1)},\qquad \alpha_{\mathrm{swap}} = \min\Big\{1,\ "
             r"e^{(1/T_k - 1/T_{k+1})\,(E(x_k) - E(x_{k+1}))}\Big\}")
    cols = st.columns(4)
    with cols[0]:
        k = int(P.slider(SPECS["k"]))
    with cols[1]:
        t_max = float(P.slider(SPECS["tmax"]))
    with cols[2]:
        local = P.choice(SPECS["local"], format_func=lambda v: t(f"pt_local_{v}"))
    with cols[3]:
        step = float(P.slider(SPECS["step"]))
    if not t_max > T:
        used = next((v for v in SPECS["tmax"].options if v > T), TEMPERATURE.hi)
        st.caption(t("pt_tmax_low", T=T, used=used))
        t_max = used
    with st.spinner(t("pt_running", k=k, c=c["chains"], n=c["steps"])):
        pt, mh = runs_for(c["target"], c["formula"], c["half"], float(T), k, t_max, local, step, c["chains"],
                          c["steps"], c["seed"], c["starts"], c["points"])
    m = c["m"]
    meta = pt.meta
    row = st.columns(3)
    row[0].metric(t("pt_rhat"), _rhat(pt, m))
    row[1].metric(t("pt_rhat_mh", s=mh_sigma(local, step)), _rhat(mh, m))
    row[2].metric(t("pt_swaps"), f"{int(meta['swapped_cold'].sum()):,}")
    g = M.exact_grid(c["target"], c["formula"], float(T), M.DISPLAY_GRID, picture=True, half=c["half"])
    left, right = st.columns([1, 1])
    with left:
        st.plotly_chart(fig.cold_chain_figure(g.xs, g.ys, g.density, pt.positions[:, 0], meta["swapped_cold"][:, 0],
                                              mh.positions[:, 0],
                                              {"title": t("pt_cold_title"), "cold": t("pt_cold"), "mh": t("pt_mh"),
                                               "swap": t("pt_swap_mark")}), key="pt_cold_chart")
    with right:
        st.plotly_chart(fig.ladder_figure(meta["ladder"], np.nan_to_num(meta["swap_rate"]), meta["local_acceptance"],
                                          {"title": t("pt_ladder_title"), "swap": t("pt_swap_rate"),
                                           "local": t("pt_local_rate"), "pair": t("pt_pair")}), key="pt_ladder_chart")
    truth = M.exact_grid(c["target"], c["formula"], float(T), M.EXACT_GRID, half=c["half"])
    st.caption(t("pt_moments", m=m))
    st.dataframe(_moments(pt, mh, m, truth), hide_index=True, key="pt_moments_table")
    st.caption(t("pt_try"))


def _moments(pt, mh, m, truth) -> list[dict]:
    """Mean and covariance entries: exact, PT, MH, and PT's error in MCSE (f with the exact μ)."""
    mu = truth.mean
    rows = []
    for name, f, exact in (("E[x]", lambda p: p[..., 0], mu[0]), ("E[y]", lambda p: p[..., 1], mu[1]),
                           ("Var x", lambda p: (p[..., 0] - mu[0]) ** 2, truth.cov[0, 0]),
                           ("Var y", lambda p: (p[..., 1] - mu[1]) ** 2, truth.cov[1, 1]),
                           ("Cov xy", lambda p: (p[..., 0] - mu[0]) * (p[..., 1] - mu[1]), truth.cov[0, 1])):
        fp = f(diagnostics.after_burn_in(pt.positions, m))
        fm = f(diagnostics.after_burn_in(mh.positions, m))
        se = diagnostics.mc_standard_error(fp)
        rows.append({t("pt_col_what"): name, t("pt_col_exact"): round(M.tidy(float(exact)), 4),
                     t("pt_col_pt"): round(float(fp.mean()), 4), t("pt_col_mh"): round(float(fm.mean()), 4),
                     t("pt_col_z"): round(float((fp.mean() - exact) / se), 2) if math.isfinite(se) else None})
    return rows


def panel(c: dict, T: float) -> None:
    """An expander that computes only while open."""
    box = st.expander(t("pt_expander"), key="mcmc_pt", on_change="rerun")
    if box.open:
        with box:
            render(c, T)
