"""Stacked random-walk MH runs (ebm_core.mcmc.plane) are the runs run_chains gives one by one."""

import numpy as np
import pytest
import torch

from ebm_core.landscapes.targets import resolve_target
from ebm_core.mcmc.plane import run_plane
from ebm_core.mcmc.samplers import make_sampler, run_chains, spread_starts

FIELDS = ("positions", "proposals", "accepted", "log_alpha", "energies", "diverged")


@pytest.mark.parametrize("target, formula", [("mixture", None), ("banana", None),
                                             ("custom", "(x**2 + y**2 - 4)**2 / 2 + 0.5*sin(3*x)")])
def test_every_stacked_run_is_bit_for_bit_the_run_alone(target, formula):
    energy = resolve_target(target, formula) if formula else resolve_target(target)
    x0 = spread_starts(energy, 3, 5)
    # low T with a big σ (mostly rejected), high T, a tiny σ, and σ = 30 whose proposals leave the box
    settings = [(0.2, 3.0), (20.0, 0.8), (1.0, 0.01), (5.0, 30.0), (1.0, 0.8)]
    stacked = run_plane(energy, settings, x0, 300, seed=11)
    assert len(stacked) == len(settings)
    for (T, sigma), got in zip(settings, stacked):
        alone = run_chains(make_sampler("mh", energy, sigma, T), x0, 300, seed=11)
        for f in FIELDS:
            assert np.array_equal(getattr(got, f), getattr(alone, f)), (T, sigma, f)
        assert got.sampler == "mh" and got.positions.flags.c_contiguous
    # the settings really differ (not one run copied five times)
    assert len({float(tr.accepted.mean()) for tr in stacked}) == len(settings)


def test_a_stacked_run_checks_every_setting():
    energy = resolve_target("mixture")
    x0 = torch.zeros(2, 2, dtype=torch.float64)
    with pytest.raises(ValueError, match="temperature"):
        run_plane(energy, [(1.0, 0.8), (0.0, 0.8)], x0, 10)
    with pytest.raises(ValueError, match="step_size"):
        run_plane(energy, [(1.0, -1.0)], x0, 10)
    assert run_plane(energy, [], x0, 10) == []
