"""'Explain one step' reports the numbers of a real transition, consistent with the lecture."""

import math

import pytest
import torch

from ebm_core.landscapes import grid
from ebm_core.landscapes.energies import REGISTRY
from ebm_core.mcmc import diagnostics
from ebm_core.mcmc.explain import detailed_balance, explain_recorded, explain_step
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


@pytest.mark.parametrize("name", ["mh", "mh-independent", "gibbs", "ula", "mala", "hmc", "mh-independent-noq"])
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


# --- detailed balance with the numbers (issue 12) -------------------------------------------

def _pairs(n=6, seed=0):
    g = torch.Generator().manual_seed(seed)
    return [(tuple(a), tuple(b)) for a, b in zip((torch.randn(n, 2, generator=g, dtype=torch.float64) * 1.5).tolist(),
                                                   (torch.randn(n, 2, generator=g, dtype=torch.float64) * 1.5).tolist())]


@pytest.mark.parametrize("name, step", [("mh", 0.8), ("mh-independent", 2.0), ("mala", 0.3)])
@pytest.mark.parametrize("T", [0.5, 1.0, 5.0])
def test_detailed_balance_holds_with_the_accept_step(name, step, T):
    """p(x) q(x, x′) α(x, x′) = p(x′) q(x′, x) α(x′, x) for every pair, each factor from the sampler."""
    s = make_sampler(name, REGISTRY["mixture"], step, T)
    for x, xp in _pairs():
        d = detailed_balance(s, x, xp)
        assert d["equal"], d
        assert d["forward"]["log_product"] == pytest.approx(d["backward"]["log_product"], abs=1e-9)
        assert d["forward"]["log_alpha"] <= 0.0 and d["backward"]["log_alpha"] <= 0.0
        assert max(d["forward"]["log_alpha"], d["backward"]["log_alpha"]) == 0.0  # one direction always accepts


@pytest.mark.parametrize("name, step", [("ula", 0.3), ("mh-independent-noq", 2.0)])
def test_detailed_balance_fails_without_a_correct_accept_step(name, step):
    s = make_sampler(name, REGISTRY["mixture"], step, 1.0)
    gaps = [detailed_balance(s, x, xp)["log_ratio"] for x, xp in _pairs()]
    assert all(abs(g) > 1e-3 for g in gaps), gaps


def test_detailed_balance_factors_are_the_lecture_formulas():
    """Each factor by hand: p = exp(−E/T − log Z), q = N(x′ | x, σ²I) (MH) or
    N(x′ | x − ε∇E(x)/2T, εI) (Langevin), α = min(1, ratio)."""
    e, T, sig, eps = REGISTRY["banana"], 2.0, 0.7, 0.2
    x, xp = (0.4, -0.3), (1.1, 0.2)
    ex, exp_ = (float(e(torch.tensor([p], dtype=torch.float64))[0]) for p in (x, xp))
    d = detailed_balance(make_sampler("mh", e, sig, T), x, xp, log_z=1.7)
    r2 = (xp[0] - x[0]) ** 2 + (xp[1] - x[1]) ** 2
    assert d["forward"]["log_p"] == pytest.approx(-ex / T - 1.7)
    assert d["forward"]["log_q"] == pytest.approx(-r2 / (2 * sig**2) - math.log(2 * math.pi * sig**2))
    assert d["forward"]["log_alpha"] == pytest.approx(min(0.0, -(exp_ - ex) / T))
    s = make_sampler("ula", e, eps, T)
    _, g = e.autograd_energy_and_grad(torch.tensor([x], dtype=torch.float64))
    mean = [x[j] - eps / (2 * T) * float(g[0, j]) for j in range(2)]
    q = -((xp[0] - mean[0]) ** 2 + (xp[1] - mean[1]) ** 2) / (2 * eps) - math.log(2 * math.pi * eps)
    d = detailed_balance(s, x, xp)
    assert d["forward"]["log_q"] == pytest.approx(q, abs=1e-6)
    assert d["forward"]["log_alpha"] == 0.0 == d["backward"]["log_alpha"]


def test_gibbs_and_hmc_have_no_proposal_density_to_balance():
    for name in ("gibbs", "hmc"):
        assert detailed_balance(make_sampler(name, REGISTRY["mixture"]), (0.0, 0.0), (1.0, 1.0)) is None


def test_the_independence_sampler_without_q_terms_is_biased_against_the_exact_mean():
    """The page's "things to try" item 6, with the engine: mixture, σ_q = 1.5, 8 chains × 5,000 steps,
    f = y.  With the q terms f_mn is within 4 MCSE of the exact mean; without them it is not."""
    e = REGISTRY["mixture"]
    exact = grid.integrate(e, 1.0).mean[1]
    out = {}
    for name in ("mh-independent", "mh-independent-noq"):
        tr = run_chains(make_sampler(name, e, 1.5, 1.0), spread_starts(e, 8, 0), 5000, seed=0)
        y = diagnostics.after_burn_in(tr.positions, 200)[..., 1]
        out[name] = (y.mean() - exact) / diagnostics.mc_standard_error(y)
    assert abs(out["mh-independent"]) <= 4, out
    assert out["mh-independent-noq"] > 8, out  # pulled towards q's centre (0, 0), above the exact −0.10
