"""Every "things to try" item of the MCMC page is one click (``ui.mcmc.tries``), and its claim holds
with the numbers the page shows after that click (issue 12 §5, for the MCMC page)."""

import re

import pytest

from apppages import open_page
from ui.mcmc.tries import TRIES


def _tried(k: int, label: str):
    # start from some other state: the button must set the whole state the item needs
    at = open_page("mcmc", {"steps": "300", "m": "50", "chains": "2", "target": "banana", "sampler": "hmc"})
    at.session_state["mcmc_try"] = True
    at.run()
    at.button(key=f"try_{k}_{label}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _metric(at, prefix: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(prefix))


def _pair(at, prefix: str) -> tuple[float, float]:
    a, b = (float(v.replace(",", "")) for v in _metric(at, prefix).split(" / "))
    return a, b


def _estimate(at) -> tuple[float, float]:
    m = next(m for m in at.metric if m.label.startswith("f_mn vs exact"))
    return float(m.value), float(re.search(r"from the exact (-?\d+\.\d+)", m.delta).group(1))


def test_every_item_has_a_button_and_sets_its_whole_state():
    at = _tried(4, "try_ula")
    for k, v in TRIES[4][0][1].items():
        assert str(at.session_state[k]) == str(v), k
    assert at.session_state["chains"] == 4 and at.session_state["steps"] == 2000  # the rest: defaults
    labels = {b.key for b in at.button}
    assert {f"try_{k}_{label}" for k, bs in TRIES.items() for label, _ in bs} <= labels


def test_try_1_a_giant_step_collapses_the_acceptance_rate():
    at = _tried(1, "try_it")
    assert float(_metric(at, "Acceptance").rstrip("%")) < 6.0  # "about 3 %"


def test_try_2_cold_mixture_chains_stay_in_their_modes():
    at = _tried(2, "try_it")
    assert min(_pair(at, "R-hat")) > 1.5  # "about 2.4 / 1.7"


def test_try_3_gibbs_on_the_correlated_gaussian_keeps_about_a_tenth_of_the_draws():
    at = _tried(3, "try_it")
    draws = 4 * (2000 - 200)
    for ess in _pair(at, "ESS (bulk)"):
        assert 0.07 <= ess / draws <= 0.16, ess  # (1 − ρ²)/(1 + ρ²) = 0.105


@pytest.mark.parametrize("label, low, high", [("try_ula", 0.7, 0.95), ("try_mala", 0.17, 0.23)])
def test_try_4_ulas_bias_across_the_diagonal(label, low, high):
    est, exact = _estimate(_tried(4, label))
    assert exact == pytest.approx(0.2, abs=1e-4) and low <= est <= high, est


def test_try_5_burn_in_leaves_out_the_walk_in():
    at = _tried(5, "try_it")
    est, exact = _estimate(at)
    assert exact == pytest.approx(1.0, abs=1e-4) and est > 1.3  # the walk in from x² = 16 is counted
    at.slider(key="m").set_value(50).run()
    est, _ = _estimate(at)
    assert abs(est - 1.0) < 0.15, est


def test_try_6_ignoring_the_q_terms_biases_the_mean():
    est, exact = _estimate(_tried(6, "try_with_q"))
    assert exact == pytest.approx(-0.100, abs=1e-3) and abs(est - exact) < 0.1
    at = _tried(6, "try_without_q")
    assert at.toggle(key="noq__en").value is True
    est, _ = _estimate(at)
    assert est - exact > 0.25  # "about +0.2"
