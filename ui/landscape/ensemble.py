"""The landscape page's ensemble panel: N chains from one corner, their histogram against p_T and
the TV distance against t, two samplers side by side (same seed).  Numbers come from
``ebm_core.mcmc.ensemble``; this module draws the controls and figures."""

from __future__ import annotations

import streamlit as st

from ebm_core.mcmc import ensemble as E
from ebm_core.mcmc.config import CHAINS, STEP_SIZE, STEPS
from ebm_core.mcmc.samplers import make_sampler
from ebm_core.viz import truth as fig

from ui.kit import params as P
from ui.kit.i18n import t
from ui.mcmc import controls as M
from ui.kit.tabs import url_expander

SAMPLERS = ("mh", "mala", "ula", "hmc")
STEPS_OPTIONS = P.within(STEP_SIZE, P.LOG_STEPS)
T_OPTIONS = (1, 2, 5, 10, 20, 50, 100, 200, 300, 500, 1000)
BINS = 40
FLOOR_DRAWS = 5
SPECS = {
    "a": P.Spec("ens_a", "ens_a", "mala", options=SAMPLERS, kind="choice", names="sampler_"),
    "sa": P.Spec("ens_sa", "ens_step_a", 0.2, options=STEPS_OPTIONS),
    "b": P.Spec("ens_b", "ens_b", "ula", options=("none", *SAMPLERS), kind="choice",
                     names="sampler_"),
    "sb": P.Spec("ens_sb", "ens_step_b", 0.2, options=STEPS_OPTIONS),
    "n": P.among("ens_n", "ens_chains", 10_000, CHAINS, (500, 1000, 2000, 5000, 10_000)),
    "k": P.among("ens_k", "ens_steps", 300, STEPS, (50, 100, 200, 300, 500, 1000)),
    "t": P.Spec("ens_t", "ens_t", 20, options=T_OPTIONS),
}


@st.cache_resource(max_entries=24, show_spinner=False)
def run_for(target: str, formula: str, T: float, sampler: str, step: float, chains: int, steps: int,
            seed: int) -> E.EnsembleRun:
    """One ensemble run (shared by every session: the same link computes once)."""
    energy = M.energy_for(target, formula)
    s = make_sampler(sampler, energy, step, T)
    snaps = (0, *[x for x in T_OPTIONS if x <= steps])
    return E.run_ensemble(s, E.corner_start(energy), chains, steps, seed, bins=BINS, snapshots=snaps,
                          floor_draws=FLOOR_DRAWS)


def _name(sampler: str, step: float) -> str:
    sym = "σ" if sampler == "mh" else "ε"
    return f"{sampler.upper()} {sym} = {step:g}"


def render(target: str, formula: str, T: float, seed: int) -> None:
    """The panel's body (call inside its expander)."""
    for n in P.sanitize_url(list(SPECS.values())):
        st.warning(n, icon=":material/warning:")
    st.caption(t("ens_intro"))
    c = st.columns(3)
    with c[0]:
        a = P.choice(SPECS["a"], format_func=lambda k: t(f"sampler_{k}"))
        sa = float(P.slider(SPECS["sa"]))
    with c[1]:
        b = P.choice(SPECS["b"], format_func=lambda k: t("ens_none") if k == "none" else t(f"sampler_{k}"))
        sb = float(P.slider(SPECS["sb"])) if b != "none" else None
    with c[2]:
        n = int(P.slider(SPECS["n"]))
        k = int(P.slider(SPECS["k"]))
    settings = [(a, sa)] + ([(b, sb)] if b != "none" else [])
    runs = []
    with st.spinner(t("ens_running", n=n, k=k)):
        for s, step in settings:
            runs.append(run_for(target, formula, float(T), s, step, n, k, int(seed)))
    t_show = int(P.slider(SPECS["t"]))
    t_show = max(x for x in T_OPTIONS if x <= min(t_show, k))  # (past the run's last step: its last snapshot)

    curves = [(_name(s, step), r.steps, r.tv) for (s, step), r in zip(settings, runs)]
    r0 = runs[0]
    m = st.columns(len(runs) + 1)
    for col, (name, _, tv), r in zip(m, curves, runs):
        col.metric(t("ens_final", name=name), f"{tv[-1]:.4f}")
        if r.diverged:
            st.warning(t("ens_diverged", name=name, k=r.diverged), icon=":material/warning:")
    m[-1].metric(t("ens_floor_metric"), f"{r0.tv_floor:.4f} ± {2 * r0.tv_floor_sd:.4f}")
    st.plotly_chart(fig.tv_figure(curves, r0.tv_floor, r0.tv_floor_sd,
                                  {"title": t("ens_tv_title"), "floor": t("ens_floor")}, mark_t=t_show),
                    key="ens_tv_chart")
    labels = {"title": t("ens_hist_title", t=t_show), "exact": t("ens_hist_exact")}
    st.plotly_chart(fig.ensemble_histogram_figure(r0.cells.box, [(name, r.snapshots[t_show])
                                                                 for (name, _, _), r in zip(curves, runs)],
                                                  r0.cells.mass, labels), key="ens_hist_chart")
    start = E.corner_start(M.energy_for(target, formula))
    st.caption(t("ens_caption", bins=BINS, box=tuple(round(v, 2) for v in r0.cells.box),
                 start=f"({start[0]:.2f}, {start[1]:.2f})", seed=seed, draws=FLOOR_DRAWS, n=n))
    st.caption(t("ens_try"))


def panel(target: str, formula: str, T: float, seed: int) -> None:
    """An expander that computes only while open (on_change="rerun": closed, it costs nothing);
    open, it is in the link (``ls_ensemble=true``)."""
    box = url_expander(t("ens_expander"), "ls_ensemble")
    if box.open:
        with box:
            render(target, formula, T, seed)
