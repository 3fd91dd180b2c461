"""'Explain one step' reports the numbers of a real transition, consistent with the lecture."""

import math

import pytest

from ebm_core.landscapes.energies import REGISTRY
from ebm_core.mcmc.explain import explain_step
from ebm_core.mcmc.samplers import make_sampler


@pytest.mark.parametrize("seed", range(6))
def test_mh_explanation_is_algorithm_19_2(seed):
    e = REGISTRY["mixture"]
    d = explain_step(make_sampler("mh", e, 1.5, temperature=0.5), (0.2, 0.1), seed)
    alpha = min(1.0, math.exp(-(d["E_prop"] - d["E_x"]) / 0.5))
    assert d["alpha"] == pytest.approx(alpha)
    assert d["accepted"] == (d["u"] < alpha)
    assert d["x_new"] == (d["x_prop"] if d["accepted"] else d["x"])


def test_independence_explanation_includes_the_hastings_terms():
    d = explain_step(make_sampler("mh-independent", REGISTRY["gaussian"], 2.0), (1.0, -1.0), 3)
    ratio = math.exp(-(d["E_prop"] - d["E_x"]) + d["log_q_x"] - d["log_q_prop"])
    assert d["alpha"] == pytest.approx(min(1.0, ratio))


def test_langevin_explanation_adds_up():
    d = explain_step(make_sampler("ula", REGISTRY["banana"], 0.1, temperature=2.0), (1.0, 0.5), 0)
    for j in range(2):
        assert d["drift"][j] == pytest.approx(-0.1 / (2 * 2.0) * d["grad"][j])
        assert d["x_prop"][j] == pytest.approx(d["x"][j] + d["drift"][j] + d["noise"][j])
    assert d["accepted"]


def test_gibbs_sweep_moves_one_coordinate_at_a_time():
    d = explain_step(make_sampler("gibbs", REGISTRY["gaussian"]), (2.0, -1.0), 1)
    assert d["half"][1] == -1.0 and d["half"][0] == d["x_new"][0]
    mean1, var1 = d["cond1"]
    assert mean1 == pytest.approx(0.9 * -1.0) and var1 == pytest.approx(1 - 0.81)


def test_hmc_explanation_reports_the_energy_error():
    d = explain_step(make_sampler("hmc", REGISTRY["gaussian"], 0.1, n_leapfrog=5), (0.5, 0.5), 2)
    assert len(d["path"]) == 6
    assert d["alpha"] == pytest.approx(min(1.0, math.exp(d["delta_h"])))
