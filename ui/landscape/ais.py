"""The landscape page's AIS panel: log Ẑ ± se against the number of temperatures K, beside the grid's
exact log Z; the runs' weights; the path of intermediate distributions.  Numbers come from
``ebm_core.landscapes.ais2d``; this module draws the controls and figures."""

from __future__ import annotations

import streamlit as st

from ebm_core.landscapes import ais2d as A
from ebm_core.viz import truth as fig

from ui.kit import params as P
from ui.kit.i18n import t
from ui.mcmc import controls as M
from ui.kit.tabs import url_expander

K_ALL = (1, 3, 10, 30, 100, 300, 1000)
PATH_BETAS = (0.0, 0.001, 0.01, 0.1, 1.0)
MH_STEPS = 2
SPECS = {
    "r": P.among("ais_r", "ais_runs", 500, A.RUNS, (100, 200, 500, 1000, 2000)),
    "k": P.among("ais_k", "ais_kmax", 300, A.BETAS, (10, 30, 100, 300, 1000)),
}


@st.cache_resource(max_entries=24, show_spinner=False)
def estimates_for(target: str, formula: str, T: float, runs: int, k_max: int, seed: int) -> list[A.AIS2DResult]:
    """AIS with K = 1, 3, 10, … up to ``k_max`` temperatures (one seed), shared by every session."""
    energy = M.energy_for(target, formula)
    return [A.ais_log_z(energy, T, k, runs, seed, MH_STEPS, exact=(k == k_max)) for k in K_ALL if k <= k_max]


@st.cache_resource(max_entries=24, show_spinner=False)
def path_for(target: str, formula: str, T: float):
    energy = M.energy_for(target, formula)
    out = [A.intermediate_log_density(energy, T, b, n=80) for b in PATH_BETAS]
    return out[0][0], out[0][1], [d for _, _, d in out]


def render(target: str, formula: str, T: float, seed: int) -> None:
    """The panel's body (call inside its expander)."""
    for n in P.sanitize_url(list(SPECS.values())):
        st.warning(n, icon=":material/warning:")
    st.caption(t("ais_intro"))
    c = st.columns(2)
    with c[0]:
        runs = int(P.slider(SPECS["r"]))
    with c[1]:
        k_max = int(P.slider(SPECS["k"]))
    with st.spinner(t("ais_running", r=runs)):
        res = estimates_for(target, formula, float(T), runs, k_max, int(seed))
    last = res[-1]
    err = last.log_z - last.exact_log_z
    m = st.columns(4)
    m[0].metric(t("ais_estimate", k=k_max), f"{last.log_z:.4f} ± {last.log_z_se:.4f}")
    m[1].metric(t("ais_exact"), f"{M.tidy(last.exact_log_z):.4f}")
    m[2].metric(t("ais_error"), f"{err / last.log_z_se:+.2f}" if last.log_z_se > 0 else "–")
    m[3].metric(t("ais_ess"), f"{last.ess:.0f} / {runs}")
    left, right = st.columns(2)
    with left:
        ks = [int(r.betas.size - 1) for r in res]
        st.plotly_chart(fig.ais_log_z_figure(ks, [r.log_z for r in res], [r.log_z_se for r in res], last.exact_log_z,
                                             {"title": t("ais_logz_title"), "ais": t("ais_label"),
                                              "exact": t("ais_line_exact")}), key="ais_logz_chart")
    with right:
        st.plotly_chart(fig.ais_weights_figure(last.log_w, {"title": t("ais_weights_title", k=k_max),
                                                            "weights": "w", "axis": t("ais_weights_axis"),
                                                            "count": t("ais_count")}), key="ais_weights_chart")
    xs, ys, dens = path_for(target, formula, float(T))
    st.plotly_chart(fig.ais_path_figure(xs, ys, dens, list(PATH_BETAS), {"title": t("ais_path_title")}),
                    key="ais_path_chart")
    base = A.broad_base(M.energy_for(target, formula), float(T))
    st.caption(t("ais_caption", cx=base.centre[0], cy=base.centre[1], s=base.scale, mh=MH_STEPS, seed=seed))


def panel(target: str, formula: str, T: float, seed: int) -> None:
    """An expander that computes only while open (on_change="rerun": closed, it costs nothing);
    open, it is in the link (``ls_ais=true``)."""
    box = url_expander(t("ais_expander"), "ls_ais")
    if box.open:
        with box:
            render(target, formula, T, seed)
