"""Dual averaging of the step size (``ebm_core.mcmc.tuning``): reaches the target acceptance,
and the chain after burn-in is exact (frozen step, a plain ``run_chains``).

Acceptance is measured on the kept (post burn-in) transitions only; the moments are checked
against the grid truth within 4 MCSE as in ``tests/test_samplers.py``.
"""

import json
import math
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from ebm_core.cli.main import main
from ebm_core.landscapes.energies import REGISTRY
from ebm_core.mcmc.samplers import make_sampler, randoms_at, run_chains, spread_starts
from ebm_core.mcmc.tuning import DualAveraging, burn_in_seed, run_adaptive
from tests.test_samplers import _check_against_grid

torch.set_num_threads(1)

CHAINS, STEPS, BURN_IN = 16, 2000, 1000
CASES = [(s, target) for s in ("mh", "mala") for target in ("gaussian", "donut")]
GOAL = {"mh": 0.3, "mala": 0.57}


def test_dual_averaging_solves_a_known_acceptance_curve():
    # α(ε) = exp(-ε) has the exact answer ε* = -log δ; noise-free, ε̄ must land on it.
    for delta in (0.2, 0.5, 0.8):
        da = DualAveraging(initial_step=1.0, target=delta)
        for _ in range(3000):
            da.update(math.exp(-da.step))
        assert da.final == pytest.approx(-math.log(delta), rel=0.02)


def test_a_larger_acceptance_asks_for_a_larger_step():
    da = DualAveraging(initial_step=0.5, target=0.5)
    assert da.update(1.0) > 0.5 * 10 * 0.99  # μ = log(10 ε₀) with H̄ < 0: above 5
    before = da.step
    assert da.update(0.0) < before


@pytest.mark.parametrize("sampler, target", CASES)
def test_adaptation_reaches_the_target_and_the_kept_chain_is_exact(sampler, target):
    energy = REGISTRY[target]
    steps = {}
    for T in (1.0, 0.3):
        run = run_adaptive(sampler, energy, spread_starts(energy, CHAINS, seed=3), STEPS, BURN_IN, GOAL[sampler],
                           seed=21, temperature=T)
        assert abs(run.kept_acceptance() - GOAL[sampler]) <= 0.05, (T, run.summary())
        assert not run.trace.diverged[BURN_IN:].any()
        assert run.trace.positions.shape == (STEPS + 1, CHAINS, 2)
        _check_against_grid(run.trace, energy, BURN_IN, temperature=T)
        steps[T] = run.step_size
    # A colder target is narrower: the tuned step must shrink with T.
    assert steps[0.3] < steps[1.0]


def test_the_frozen_part_is_run_chains_with_the_final_step_bit_for_bit():
    energy = REGISTRY["banana"]
    run = run_adaptive("mala", energy, spread_starts(energy, 5, seed=1), 600, 250, 0.57, seed=9)
    frozen = make_sampler("mala", energy, run.step_size)
    x_m = torch.from_numpy(run.trace.positions[250].copy())
    plain = run_chains(frozen, x_m, 350, seed=9)
    for name in ("positions", "proposals", "accepted", "log_alpha", "energies", "diverged"):
        # positions/energies start at x_m, the per-step records at step m + 1: both [250:].
        assert np.array_equal(getattr(run.trace, name)[250:], getattr(plain, name)), name
    # Kept step i is replayed by randoms_at with index i - m (the kept run's own stream).
    state = frozen.init(torch.from_numpy(run.trace.positions[300].copy()))
    new, _ = frozen.transition(state, randoms_at(frozen, 5, 9, 300 - 250))
    assert torch.equal(new.position, torch.from_numpy(run.trace.positions[301]))
    # Burn-in used the adapted steps, from a generator of its own, and the history says so.
    assert run.steps_tried[0] == pytest.approx(0.1) and len(set(run.steps_tried.round(12))) > 100
    assert burn_in_seed(9) != 9
    assert run.step_bar[-1] == run.step_size


def test_hmc_adapts_too():
    energy = REGISTRY["banana"]
    run = run_adaptive("hmc", energy, spread_starts(energy, 8, seed=3), 500, 300, 0.8, seed=4)
    assert abs(run.kept_acceptance() - 0.8) <= 0.08, run.summary()


@pytest.mark.parametrize("name, match", [("ula", "no accept step"), ("mh-independent", "not monotone"),
                                         ("gibbs", "applies to"), ("pt", "applies to")])
def test_samplers_without_a_tunable_step_are_refused(name, match):
    energy = REGISTRY["gaussian"]
    with pytest.raises(ValueError, match=match):
        run_adaptive(name, energy, spread_starts(energy, 2), 100, 50, 0.5)


def test_target_and_burn_in_are_range_checked():
    energy = REGISTRY["gaussian"]
    with pytest.raises(ValueError, match="target"):
        run_adaptive("mh", energy, spread_starts(energy, 2), 100, 50, 0.99)
    with pytest.raises(ValueError, match="burn-in"):
        run_adaptive("mh", energy, spread_starts(energy, 2), 100, 0, 0.3)


@pytest.fixture
def _cli(capsys):
    """The ``sample`` command in this process: (returncode, stdout, stderr)."""
    def run(*args):
        code = main(["sample", *args])
        out = capsys.readouterr()
        return SimpleNamespace(returncode=code, stdout=out.out, stderr=out.err)
    return run


def test_cli_target_accept(_cli):
    p = _cli("--target", "gaussian", "--sampler", "mh", "--chains", "8", "--steps", "1200", "--burn-in", "600",
             "--target-accept", "0.4", "--seed", "3")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["step_size"] == out["adapted_step_size"] != out["initial_step_size"]
    assert out["acceptance_rate"] == out["kept_acceptance"] and abs(out["kept_acceptance"] - 0.4) <= 0.06
    assert out["step_history"]["step"][-1] == 600 and out["step_history"]["step_size_bar"][-1] == out["step_size"]
    bad = _cli("--target", "gaussian", "--sampler", "ula", "--burn-in", "10", "--target-accept", "0.5")
    assert bad.returncode == 2 and "no accept step" in bad.stderr
    bad = _cli("--target", "gaussian", "--burn-in", "10", "--target-accept", "1.2")
    assert bad.returncode == 2 and "between 0.05 and 0.95" in bad.stderr
