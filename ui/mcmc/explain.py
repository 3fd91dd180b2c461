"""The MCMC page's "explain one step" panel: the recorded transition x_{i−1} → x_i of one chain.

It replays step i of the very run on the picture (``explain_recorded``: the same x, x′, u and
decision as the arrow drawn there), writes α as the lecture does with the numbers plugged in
(for MALA and the independence sampler with their q terms), and puts the two sides of detailed
balance next to each other (``detailed_balance``): equal for MH, MALA and the independence
sampler, different for ULA and for the independence sampler without its q terms.
"""

from __future__ import annotations

import math

import streamlit as st

from ebm_core.mcmc.explain import detailed_balance, explain_recorded
from ebm_core.mcmc.samplers import make_sampler

from ui.kit.i18n import t
from ui.mcmc.controls import CUSTOM_HALF, energy_for


def _v(p) -> str:
    return f"({p[0]:.3f},\\ {p[1]:.3f})"


def _e(log_value: float) -> str:
    """exp(log_value) for LaTeX, in scientific notation when small or large."""
    if not math.isfinite(log_value):
        return "0" if log_value < 0 else r"\infty"
    v = math.exp(log_value)
    if 1e-3 <= v < 1e4:
        return f"{v:.5f}"
    mant, exp = f"{v:.4e}".split("e")
    return rf"{mant} \times 10^{{{int(exp)}}}"


def step_pair(trace) -> tuple[int, int]:
    """The chain and step i (1-based: the move x_{i−1} → x_i) the student chose."""
    c1, c2 = st.columns(2)
    chain = c1.number_input(t("explain_chain"), 1, trace.n_chains, 1, key="ex_chain") - 1
    i = c2.number_input(t("explain_step_i"), 1, trace.n_steps, min(10, trace.n_steps), key="ex_step")
    return int(chain), int(i)


def explain_panel(trace, target, formula, sampler, step, T, L, seed, half=CUSTOM_HALF, log_z: float = 0.0) -> None:
    """Step i of one chain of ``trace`` (the run ``R.run`` made with these settings)."""
    chain, i = step_pair(trace)
    s = make_sampler(sampler, energy_for(target, formula, half), step if sampler != "gibbs" else None, T, L)
    d = explain_recorded(s, trace, chain, i - 1, seed)
    st.write(t("explain_recorded", c=chain + 1, i=i, seed=seed))
    v = _v
    if d["kind"] == "gibbs":
        st.latex(rf"x_{{i-1}} = {v(d['x'])} \;\to\; x_1 \sim p(x_1 \mid x_2) \;\to\; {v(d['half'])}"
                 rf"\;\to\; x_2 \sim p(x_2 \mid x_1) \;\to\; x_i = {v(d['x_new'])}")
        if d.get("exact"):
            (m1, v1), (m2, v2) = d["cond1"], d["cond2"]
            st.latex(rf"p(x_1 \mid x_2) = \mathcal N({m1:.3f},\ {v1:.3f}),\quad p(x_2 \mid x_1) = \mathcal N({m2:.3f},\ {v2:.3f})")
        else:
            st.caption(t("gibbs_grid"))
        st.info(t("gibbs_always"))
        return
    if d["kind"] in ("ula", "mala"):
        st.latex(rf"\nabla E(x_{{i-1}}) = {v(d['grad'])},\quad -\tfrac{{\varepsilon}}{{2T}}\nabla E = {v(d['drift'])},\quad"
                 rf"\sqrt{{\varepsilon}}\,\xi = {v(d['noise'])}")
        st.latex(rf"x' = x_{{i-1}} - \tfrac{{\varepsilon}}{{2T}}\nabla E(x_{{i-1}}) + \sqrt{{\varepsilon}}\,\xi = {v(d['x'])} + {v(d['drift'])} + {v(d['noise'])} = {v(d['x_prop'])}")
        if d["kind"] == "mala":
            st.caption(t("mala_circle_note", s=math.sqrt(d["step_size"])))
    if d["kind"] == "hmc":
        st.latex(rf"p \sim \mathcal N(0, I) = {v(d['momentum'])},\ L = {d['n_leapfrog']},\ \varepsilon = {d['step_size']:g},"
                 rf"\ H - H' = {d['delta_h']:.4f}")
        st.caption(t("hmc_note"))
        _energy_error_path(d)
    if d["kind"] == "ula":
        st.latex(rf"x_i = x' = {v(d['x_new'])}")
        st.info(t("ula_always"))
    else:
        _accept_test(d)
    _balance(s, d, log_z)


def _energy_error_path(d: dict) -> None:
    """ΔH_k along the replayed leapfrog path (the sampler's ``energy_errors``), k = 0 … L."""
    dh = d.get("delta_h_path")
    if not dh:
        return
    st.markdown(f"**{t('hmc_dh_title')}**")
    finite = [v if math.isfinite(v) else None for v in dh]
    st.line_chart({"ΔH_k": finite}, x_label=t("hmc_dh_k"), y_label="ΔH_k", height=180)
    worst = max((abs(v) for v in dh), default=0.0)
    st.latex(rf"\Delta H_L = {dh[-1]:.4f},\qquad \max_k |\Delta H_k| = {worst:.4f},\qquad L = {len(dh) - 1}")
    st.caption(t("hmc_dh_caption"))


def _accept_test(d: dict) -> None:
    """α(x, x′) as the lecture writes it for this sampler, the numbers plugged in; u; the decision."""
    v, T = _v, d["T"]
    st.latex(rf"x_{{i-1}} = x = {v(d['x'])},\ E(x) = {d['E_x']:.3f};\qquad x' = {v(d['x_prop'])},\ E(x') = {d['E_prop']:.3f};\qquad T = {T:g}")
    dE = rf"e^{{-({d['E_prop']:.3f} - {d['E_x']:.3f})/{T:g}}}"
    if d["kind"] == "mh-independent" and d.get("hastings", True):
        st.latex(rf"\alpha(x, x') = \min\Big\{{1, \frac{{p(x')\,q(x)}}{{p(x)\,q(x')}}\Big\}} = "
                 rf"\min\{{1,\ {dE}\, e^{{{d['log_q_x']:.3f} - ({d['log_q_prop']:.3f})}}\}} = {d['alpha']:.4f}")
    elif d["kind"] in ("mh", "mh-independent-noq", "mh-independent"):  # (the last: without its q terms)
        st.latex(rf"\alpha(x, x') = \min\Big\{{1, \frac{{p(x')}}{{p(x)}}\Big\}} = \min\{{1,\ {dE}\}} = {d['alpha']:.4f}")
        if d["kind"] != "mh":
            st.warning(t("noq_alpha_wrong"))
    elif d["kind"] == "mala":
        # log q up to the constant −log(2πε), which cancels in the ratio
        st.latex(r"\alpha(x, x') = \min\Big\{1, \frac{p(x')\,q(x', x)}{p(x)\,q(x, x')}\Big\},\quad"
                 r"q(x, x') = \mathcal N\big(x' \mid x - \tfrac{\varepsilon}{2T}\nabla E(x),\ \varepsilon I\big)")
        st.latex(rf"= \min\{{1,\ {dE}\; e^{{{d['log_q_backward']:.3f} - ({d['log_q_forward']:.3f})}}\}} = {d['alpha']:.4f}")
    else:  # HMC: the ratio is exp(H − H′)
        st.latex(rf"\alpha = \min\{{1,\ e^{{H(x,p) - H(x',p')}}\}} = \min\{{1,\ e^{{{d['delta_h']:.4f}}}\}} = {d['alpha']:.4f}")
    st.latex(rf"u = {d['u']:.4f}")
    (st.success if d["accepted"] else st.info)(t("decision_accept" if d["accepted"] else "decision_reject"))


def _balance(sampler, d: dict, log_z: float) -> None:
    """The two sides of detailed balance for this x and x′, with their numbers."""
    b = detailed_balance(sampler, d["x"], d.get("x_prop", d["x_new"]), log_z)
    if b is None:
        return
    st.markdown(f"**{t('balance_title')}**")
    f, r = b["forward"], b["backward"]
    st.latex(r"p(x)\,q(x, x')\,\alpha(x, x') \;\overset{?}{=}\; p(x')\,q(x', x)\,\alpha(x', x)")
    st.latex(rf"{_e(f['log_p'])} \cdot {_e(f['log_q'])} \cdot {_e(f['log_alpha'])} = {_e(f['log_product'])}")
    st.latex(rf"{_e(r['log_p'])} \cdot {_e(r['log_q'])} \cdot {_e(r['log_alpha'])} = {_e(r['log_product'])}")
    if b["equal"]:
        st.success(t("balance_equal"))
    else:
        ratio = math.exp(b["log_ratio"]) if math.isfinite(b["log_ratio"]) else float("inf")
        st.warning(t(f"balance_differs_{'ula' if d['kind'] == 'ula' else 'noq'}", ratio=f"{ratio:.4g}"))
