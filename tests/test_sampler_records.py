"""The per-step records the canvas draws (``run_chains(record=K)``) are what the sampler did.

HMC: replaying leapfrog from the recorded x_i and momentum p gives the recorded path, whose
end is the recorded proposal x'; ULA/MALA: x_i + drift + noise is x', the drift is −(ε/2T)∇E(x_i)
and the noise √ε ξ with the very ξ the run drew.  In every case the next draw x_{i+1} is x'
when accepted and x_i otherwise, and recording changes nothing in the run (bit for bit).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from ebm_core.landscapes.energies import REGISTRY
from ebm_core.mcmc.plane import run_plane
from ebm_core.mcmc.samplers import RandomWalkMH, make_sampler, randoms_at, run_chains, spread_starts

torch.set_num_threads(1)

N, K, C = 60, 40, 3  # steps, steps recorded, chains


def _run(name: str, record: int, target: str = "mixture", T: float = 0.7, step=None, L: int = 7):
    energy = REGISTRY[target]
    s = make_sampler(name, energy, step, T, L)
    return s, run_chains(s, spread_starts(energy, C, 1), N, seed=5, record=record)


def _next_is_the_decision(tr, k: int) -> None:
    acc = tr.accepted[:k]
    moved = np.where(acc[..., None], tr.proposals[:k], tr.positions[:k])
    np.testing.assert_array_equal(tr.positions[1:k + 1], moved)


@pytest.mark.parametrize("name", ["hmc", "ula", "mala"])
def test_recording_changes_nothing_in_the_run(name):
    _, plain = _run(name, 0)
    _, rec = _run(name, K)
    assert plain.records is None
    for f in ("positions", "proposals", "accepted", "log_alpha", "energies", "diverged"):
        np.testing.assert_array_equal(getattr(plain, f), getattr(rec, f), err_msg=f)
    assert set(rec.records) == set(make_sampler(name, REGISTRY["mixture"]).RECORDS)
    assert all(v.shape[0] == K for v in rec.records.values())


def test_a_sampler_with_nothing_to_record_and_the_stacked_plane_are_unchanged():
    energy = REGISTRY["mixture"]
    x0 = spread_starts(energy, C, 0)
    tr = run_chains(RandomWalkMH(energy, 1.0, 0.8), x0, N, seed=2, record=K)
    assert tr.records is None
    (pl,) = run_plane(energy, [(1.0, 0.8)], x0, N, seed=2)
    np.testing.assert_array_equal(tr.positions, pl.positions)


def test_hmc_records_replay_to_the_path_and_the_proposal():
    s, tr = _run("hmc", K, step=0.25, L=7)
    path, mom = tr.records["path"], tr.records["momentum"]
    assert path.shape == (K, s.n_leapfrog + 1, C, 2) and mom.shape == (K, C, 2)
    for i in range(K):
        # the momentum is the one the run drew at step i
        np.testing.assert_array_equal(mom[i], randoms_at(s, C, 5, i).momentum.numpy())
        with torch.inference_mode():
            state = s.init(torch.from_numpy(tr.positions[i].copy()))
            x1, *_, replay = s.leapfrog(state.position, torch.from_numpy(mom[i].copy()), state.grad)
        np.testing.assert_allclose(replay.numpy(), path[i], rtol=0, atol=1e-12)
        np.testing.assert_array_equal(path[i, 0], tr.positions[i])  # it starts at x_i
        np.testing.assert_allclose(path[i, -1], tr.proposals[i], rtol=0, atol=1e-12)  # it ends at x'
    _next_is_the_decision(tr, K)
    assert 0 < tr.accepted[:K].mean() < 1  # both branches of the decision were checked


def test_hmc_energy_error_along_the_path_ends_at_the_accept_test():
    s, tr = _run("hmc", K, step=0.25, L=7)
    for i in (0, 3, K - 1):
        with torch.inference_mode():
            state = s.init(torch.from_numpy(tr.positions[i, :1].copy()))
            dh, path = s.energy_errors(state, torch.from_numpy(tr.records["momentum"][i, :1].copy()))
        assert dh.shape == (s.n_leapfrog + 1, 1) and float(dh[0, 0]) == 0.0
        np.testing.assert_allclose(path[:, 0].numpy(), tr.records["path"][i, :, 0], rtol=0, atol=1e-12)
        # ΔH_L is the exponent of the accept test: log α = min(0, ΔH_L)
        assert math.isclose(min(0.0, float(dh[-1, 0])), float(tr.log_alpha[i, 0]), abs_tol=1e-12)


def test_hmc_energy_error_is_second_order_in_the_step():
    """On E = |x|²/2 (T = 1) leapfrog's energy error shrinks as ε² (halving ε: ~¼)."""
    energy = REGISTRY["gaussian"]
    errs = []
    for eps in (0.2, 0.1):
        s = make_sampler("hmc", energy, eps, 1.0, int(round(1.6 / eps)))
        with torch.inference_mode():
            state = s.init(torch.tensor([[1.0, -0.5]], dtype=torch.float64))
            dh, _ = s.energy_errors(state, torch.tensor([[0.3, 0.8]], dtype=torch.float64))
        errs.append(float(dh.abs().max()))
    assert 0.15 < errs[1] / errs[0] < 0.35, errs


@pytest.mark.parametrize("name", ["ula", "mala"])
def test_langevin_records_add_up_to_the_proposal(name):
    T, eps = 0.7, 0.08
    s, tr = _run(name, K, T=T, step=eps)
    drift, noise = tr.records["drift"], tr.records["noise"]
    np.testing.assert_array_equal(tr.positions[:K] + drift + noise, tr.proposals[:K])
    energy = REGISTRY["mixture"]
    with torch.inference_mode():
        _, grad = energy.energy_and_grad(torch.from_numpy(tr.positions[:K].reshape(-1, 2).copy()))
    np.testing.assert_allclose(drift, -(eps / (2 * T)) * grad.numpy().reshape(K, C, 2), rtol=1e-12, atol=1e-14)
    for i in range(K):
        np.testing.assert_allclose(noise[i], math.sqrt(eps) * randoms_at(s, C, 5, i).noise.numpy(), rtol=1e-14)
    _next_is_the_decision(tr, K)
    if name == "mala":
        assert 0 < tr.accepted[:K].mean() < 1
