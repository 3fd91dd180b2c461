"""The MCMC page's "explain one step" panel and the independence sampler's q-terms switch
(issue 12), through Streamlit's AppTest: the panel replays the step of the run on the picture,
and its numbers are the engine's."""

import re

import pytest

from apppages import open_page
from ebm_core.landscapes.energies import REGISTRY
from ebm_core.mcmc.samplers import make_sampler, randoms_at, run_chains, spread_starts, take


def _explained(query: dict, chain: int, i: int):
    at = open_page("mcmc", {"steps": "300", "m": "50", **query})
    at.session_state["mcmc_explain"] = True
    at.session_state["ex_chain"] = chain
    at.session_state["ex_step"] = i
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _pair(tex: str, name: str) -> tuple[float, float]:
    m = re.search(name + r" = \((-?\d+\.\d+),\\ (-?\d+\.\d+)\)", tex)
    assert m, (name, tex)
    return float(m.group(1)), float(m.group(2))


@pytest.mark.parametrize("sampler, query, step", [("mh", {}, 0.8), ("mala", {"eps": "0.3"}, 0.3)])
def test_the_panel_replays_the_recorded_step(sampler, query, step):
    """Step i of chain c is the move x_{i−1} → x_i of the very run on the picture: the same x, x′,
    u and decision as the engine's run with the page's settings."""
    chain, i = 2, 17
    at = _explained({"sampler": sampler, "chains": "3", **query}, chain, i)
    e = REGISTRY["mixture"]
    s = make_sampler(sampler, e, step, 1.0)
    tr = run_chains(s, spread_starts(e, 3, 0), 300, seed=0)
    c = chain - 1
    tex = " ".join(x.value for x in at.get("latex"))
    assert _pair(tex, r"x_\{i-1\} = x") == pytest.approx(tuple(tr.positions[i - 1, c]), abs=6e-4)
    xp = re.search(r"x' = \((-?\d+\.\d+),\\ (-?\d+\.\d+)\),\\ E\(x'\)", tex)
    assert xp and (float(xp.group(1)), float(xp.group(2))) == pytest.approx(tuple(tr.proposals[i - 1, c]), abs=6e-4)
    u = float(take(randoms_at(s, 3, 0, i - 1), c).u[0])
    assert f"u = {u:.4f}" in tex
    accepted = bool(tr.accepted[i - 1, c])
    said = " ".join(m.value for m in (at.success if accepted else at.info))
    assert ("x_i = x′" if accepted else "x_i = x_(i−1)") in said
    assert f"Step i = {i} of chain {chain}" in " ".join(m.value for m in at.markdown)


def test_detailed_balance_is_shown_equal_for_mh_and_unequal_for_ula():
    at = _explained({"sampler": "mh", "chains": "2"}, 1, 5)
    tex = " ".join(x.value for x in at.get("latex"))
    assert r"p(x)\,q(x, x')\,\alpha(x, x')" in tex
    assert any(s.value.startswith("Equal") for s in at.success)
    at = _explained({"sampler": "ula", "chains": "2", "eps": "0.3"}, 1, 5)
    assert any(w.value.startswith("Not equal") and "ULA" in w.value for w in at.warning)


def test_mala_shows_alpha_with_its_q_terms():
    at = _explained({"sampler": "mala", "chains": "2"}, 1, 3)
    tex = " ".join(x.value for x in at.get("latex"))
    assert r"q(x, x') = \mathcal N\big(x' \mid x - \tfrac{\varepsilon}{2T}\nabla E(x)" in tex
    assert re.search(r"e\^\{-?\d+\.\d+ - \(-?\d+\.\d+\)\}", tex), tex  # log q(x′, x) − log q(x, x′), plugged in


def _estimate(at) -> tuple[float, float]:
    m = next(m for m in at.metric if m.label.startswith("f_mn vs exact"))
    exact = float(re.search(r"from the exact (-?\d+\.\d+)", m.delta).group(1))
    return float(m.value), exact


def test_the_q_terms_switch_biases_the_mean_and_breaks_detailed_balance():
    """Things to try, item 6, with the numbers the page shows: independence MH on the mixture,
    σ_q = 1.5, 8 chains × 5,000 steps, f = y.  (The engine test in test_explain.py checks the
    same runs against 4 MCSE.)"""
    state = {"sampler": "mh-independent", "sigmaq": "1.5", "chains": "8", "steps": "5000", "m": "200", "f": "y"}
    right = open_page("mcmc", state)
    est, exact = _estimate(right)
    assert exact == pytest.approx(-0.100, abs=1e-3) and abs(est - exact) < 0.1
    wrong = open_page("mcmc", state | {"noq": "1"})
    assert wrong.toggle(key="noq__en").value is True
    est_wrong, _ = _estimate(wrong)
    assert est_wrong > 0.1 and est_wrong - exact > 0.25  # "moves to about +0.2"
    assert r"\frac{p(x')}{p(x)}\right\} \;\neq\;" in " ".join(x.value for x in wrong.get("latex"))
    wrong.session_state["mcmc_explain"] = True
    wrong.run()
    assert any(w.value.startswith("Not equal") for w in wrong.warning)


def test_the_switch_is_only_offered_for_the_independence_sampler():
    at = open_page("mcmc", {"steps": "100", "m": "20", "noq": "1"})
    assert not [w for w in at.toggle if w.key == "noq__en"]  # random-walk MH: no q terms to ignore
    at = open_page("mcmc", {"steps": "100", "m": "20", "sampler": "mh-independent"})
    assert at.toggle(key="noq__en").value is False



def test_the_switch_in_chinese():
    """(AppTest cannot rerun a 中文 page whose select boxes format their labels: one run only.)"""
    at = open_page("mcmc", {"steps": "100", "m": "20", "sampler": "mh-independent", "noq": "1", "lang": "zh"})
    assert at.toggle(key="noq__zh").value is True and at.toggle(key="noq__zh").label == "在 α 中忽略 q 项（错误做法）"
    assert any(r"\neq" in x.value for x in at.get("latex"))



def test_hmc_shows_the_energy_error_along_the_leapfrog_path_of_the_recorded_step():
    """Issue 14: ΔH_k along the path; its end ΔH_L is the engine's for that very transition."""
    import torch

    at = _explained({"sampler": "hmc", "chains": "2", "L": "6"}, 2, 9)
    e = REGISTRY["mixture"]
    s = make_sampler("hmc", e, 0.2, 1.0, 6)
    tr = run_chains(s, spread_starts(e, 2, 0), 300, seed=0, record=20)
    with torch.inference_mode():
        state = s.init(torch.from_numpy(tr.positions[8, 1:2].copy()))
        dh, _ = s.energy_errors(state, torch.from_numpy(tr.records["momentum"][8, 1:2].copy()))
    tex = " ".join(x.value for x in at.get("latex"))
    assert rf"\Delta H_L = {float(dh[-1, 0]):.4f}" in tex and r"L = 6" in tex
    assert any("Energy error along the leapfrog path" in m.value for m in at.markdown)
    assert any(c.value.startswith("ΔH_k = H(x, p)") for c in at.caption)


def test_mala_names_its_proposal_circle():
    at = _explained({"sampler": "mala", "chains": "2", "eps": "0.3"}, 1, 5)
    assert any("√ε = 0.5477" in c.value for c in at.caption)  # the circle drawn on the picture
