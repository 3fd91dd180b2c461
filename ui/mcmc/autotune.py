"""The MCMC page's step-size adaptation panel: dual averaging during burn-in towards a target
acceptance (``ebm_core.mcmc.tuning``), the step-size history, and a button that puts the
adapted step on the page's own step-size slider.

The run is the page's (target, sampler, T, L, chains, steps, burn-in m, seed, starting points),
started from the page's current step size; the adaptation happens in steps 1..m and the kept
steps use the frozen ε̄.  The slider has notches (``controls.STEP_OPTIONS``), so "use" sets
the notch nearest ε̄, range-checked and snapped like a URL value (``Spec.parse``).
"""

from __future__ import annotations

import streamlit as st

from ebm_core.mcmc.tuning import ADAPTABLE, DEFAULT_TARGET, TARGET_ACCEPT, run_adaptive
from ebm_core.viz.tuning import step_history_figure

from ui.kit import params as P
from ui.kit.i18n import t
from ui.mcmc import controls as M

#: Fewer burn-in steps than this leave dual averaging too little to average over.
MIN_BURN_IN = 100
#: One target slider per sampler (URL keys ta_mh, ta_mala, ta_hmc), each starting at its usual value.
SPECS = {s: P.bounded(f"ta_{s}", "at_target", DEFAULT_TARGET[s], TARGET_ACCEPT, 0.05, 0.95, kind="float")
         for s in ADAPTABLE}
LAST = "_at_last"  # the settings of the last adaptation the user asked for
USED = "_at_used"  # the step the "use" button put on the slider
REFUSED = {"ula": "at_not_ula", "mh-independent": "at_not_ind", "gibbs": "at_not_gibbs"}


@st.cache_resource(max_entries=8, show_spinner=False)
def adapt(target, formula, half, sampler, T, L, chains, steps, m, seed, starts, points, eps0, delta) -> dict:
    """The adaptation's numbers for these settings (no trace: the panel draws the history only)."""
    energy = M.energy_for(target, formula, half)
    x0 = M.starting_points(target, formula, starts, chains, seed, points, half)
    run = run_adaptive(sampler, energy, x0, steps, m, delta, seed, T, eps0, L)
    return {"step_size": run.step_size, "kept_acceptance": run.kept_acceptance(), "tried": run.steps_tried,
            "bar": run.step_bar, "accept": run.accept_prob, "target": run.target}


def snapped(sampler: str, eps: float) -> float | None:
    """ε on the page's step-size slider: the nearest notch (None if the value is refused)."""
    spec = M.STEP_SPECS[sampler]
    value, note = spec.parse(repr(float(eps)))
    return value if note is None or note[0] == "clamped" else None


def _use(key: str, value: float) -> None:
    # A callback: runs before the rerun, so the picture is drawn with the new step at once.
    st.session_state[key] = value
    st.session_state[USED] = value


def render(c: dict, T: float) -> None:
    """The panel's body; ``c`` holds the page's settings (target, formula, half, sampler, L, chains,
    steps, m, seed, starts, points)."""
    sampler = c["sampler"]
    if sampler not in ADAPTABLE:
        st.info(t(REFUSED.get(sampler, "at_not_gibbs")))
        return
    spec = SPECS[sampler]
    for n in P.sanitize_url([spec]):
        st.warning(n, icon=":material/warning:")
    st.caption(t("at_intro"))
    st.latex(r"\bar H_t = \big(1 - \tfrac{1}{t + t_0}\big)\bar H_{t-1} + \tfrac{\delta - \alpha_t}{t + t_0},\quad"
             r"\log\varepsilon_t = \mu - \tfrac{\sqrt t}{\gamma}\bar H_t,\quad"
             r"\log\bar\varepsilon_t = t^{-\kappa}\log\varepsilon_t + (1 - t^{-\kappa})\log\bar\varepsilon_{t-1}")
    delta = float(P.slider(spec))
    st.caption(t("at_usual"))
    m = int(c["m"])
    if m < MIN_BURN_IN:
        st.warning(t("at_need_burn_in", lo=MIN_BURN_IN, m=m))
        return
    page_eps = float(P.value(M.STEP_SPECS[sampler]))
    settings = (c["target"], c["formula"], c["half"], sampler, float(T), int(c["L"]), int(c["chains"]),
                int(c["steps"]), m, int(c["seed"]), c["starts"], tuple(c["points"]))
    if st.button(t("at_run"), key="at_run", type="primary"):
        st.session_state[LAST] = (settings, page_eps, delta)
    last = st.session_state.get(LAST)
    # The result stays on screen while the settings are those it was run with; ε₀ is the page's
    # step when the button was pressed ("use" changes the page's step, not the run shown).
    if not last or last[0] != settings or last[2] != delta:
        return
    eps0 = last[1]
    with st.spinner(t("at_running", m=m, k=c["steps"] - m)):
        r = adapt(*settings, eps0, delta)
    row = st.columns(3)
    row[0].metric(t("at_adapted"), f"{r['step_size']:.4g}")
    row[1].metric(t("at_reached", d=delta), f"{r['kept_acceptance']:.3f}",
                  delta=f"{r['kept_acceptance'] - delta:+.3f}", delta_color="off")
    row[2].metric(t("at_start"), f"{eps0:g}")
    if abs(r["kept_acceptance"] - delta) > 0.05:
        st.caption(t("at_off"))
    st.plotly_chart(step_history_figure(r["tried"], r["bar"], r["accept"], delta, r["step_size"],
                                        {k: t(f"at_{k}") for k in ("title", "tried", "bar", "accept", "step_axis",
                                                                    "accept_axis", "t_axis")}),
                    key="at_history_chart")
    value = snapped(sampler, r["step_size"])
    if value is None:
        return
    st.caption(t("at_snapped", e=r["step_size"], v=value))
    st.button(t("at_use", v=value), key="at_use", on_click=_use, args=(M.STEP_SPECS[sampler].key, value))
    if st.session_state.get(USED) == value == page_eps:
        st.success(t("at_used", v=value))


def panel(c: dict, T: float) -> None:
    """An expander that computes only while open."""
    box = st.expander(t("at_expander"), key="mcmc_autotune", on_change="rerun")
    if box.open:
        with box:
            render(c, T)
