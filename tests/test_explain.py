"""'Explain one step' reports the numbers of a real transition, consistent with the lecture."""

import math

import pytest

from ebm_core.landscapes.energies import REGISTRY
from ebm_core.mcmc.explain import explain_recorded, explain_step
from ebm_core.mcmc.samplers import make_sampler, run_chains, spread_starts


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


@pytest.mark.parametrize("name", ["mh", "mh-independent", "gibbs", "ula", "mala", "hmc"])
def test_a_recorded_step_explains_what_the_chain_did(name):
    """The explanation runs the sampler's own transition with the run's random numbers: its
    x' and decision are the recorded ones, bit for bit."""
    e = REGISTRY["mixture"]
    s = make_sampler(name, e, temperature=1.5)
    tr = run_chains(s, spread_starts(e, 3), 40, seed=21)
    for chain, i in ((0, 0), (2, 17), (1, 39)):
        d = explain_recorded(s, tr, chain, i, 21)
        assert d["x"] == tr.positions[i, chain].tolist()
        assert d["x_new"] == tr.positions[i + 1, chain].tolist()
        assert d["accepted"] == bool(tr.accepted[i, chain])
        if "log_alpha" in d:
            assert d["log_alpha"] == tr.log_alpha[i, chain]
        if "x_prop" in d:
            assert d["x_prop"] == tr.proposals[i, chain].tolist()


def test_parameters_have_one_name():
    e = REGISTRY["gaussian"]
    assert explain_step(make_sampler("mh", e, 0.7), (0.0, 0.0))["step_size"] == 0.7
    assert explain_step(make_sampler("mala", e, 0.3), (0.0, 0.0))["step_size"] == 0.3
    d = explain_step(make_sampler("hmc", e, 0.1, n_leapfrog=4), (0.0, 0.0))
    assert (d["step_size"], d["n_leapfrog"]) == (0.1, 4)
    assert not {"sigma", "eps", "L"} & set(d)
