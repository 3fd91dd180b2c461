"""Every sampler samples the p_T the "exact" numbers describe, at every temperature.

Issue 12: Gibbs at T = 20 drew its conditionals on the drawn box while the grid truth was
integrated on a box √T wider, so the page compared Gibbs' variance 6.7 with an "exact" 11.5.
Here every sampler runs at T ∈ {0.2, 1, 5, 20} on three non-Gaussian targets (a multimodal
mixture, the banana whose y spreads like T, and a typed formula) and its pooled mean and
second moments must lie within 4 MCSE of ``grid.integrate`` (the same call the page and the CLI
make).

The chains start from exact draws of p_T (``GridResult.draw``): they are in equilibrium from
step 0, so the check is that each sampler's kernel *keeps* p_T, which it must at every T,
even at T = 0.2 where no chain crosses between the mixture's modes (from any other start the
pooled estimate would measure where the chains began, not the kernel).  The MCSE (arviz-stats,
ESS-based) counts the chains that stay in one mode.  ``test_the_sweep_catches_*`` shows the check
fails for kernels that do not keep p_T (the old box-bound Gibbs, the independence sampler
without its q terms, ULA with a large ε): it is not a check that passes whatever the sampler does.
"""

import math

import numpy as np
import pytest
import torch

from ebm_core.landscapes import grid
from ebm_core.landscapes.energies import REGISTRY
from ebm_core.landscapes.expressions import custom_energy
from ebm_core.mcmc import diagnostics
from ebm_core.mcmc.samplers import IndependenceMH, make_sampler, run_chains

torch.set_num_threads(1)

TEMPERATURES = (0.2, 1.0, 5.0, 20.0)
TYPED = "(x**2 - 1)**2 + (y - 0.5*x)**2 / 2"  # a tilted double well, typed as on the page
TARGETS = {
    "mixture": REGISTRY["mixture"],
    "banana": REGISTRY["banana"],
    "typed": custom_energy(TYPED, (-3.0, 3.0, -3.0, 3.0)),
}
CHAINS, STEPS, BURN_IN = 48, 300, 50


def _sampler(name: str, energy, T: float, truth: grid.GridResult):
    """A reasonable setting at T: proposal scales grow like √T (p_T's width), ULA's ε like T
    (its relative bias ~ ε λ / 4T stays fixed), the independence q centred on p_T and wider."""
    r = math.sqrt(T)
    if name == "mh":
        return make_sampler("mh", energy, 0.8 * r, T)
    if name == "mh-independent":
        sd = float(np.sqrt(np.diag(truth.cov)).max())
        return IndependenceMH(energy, T, 1.5 * sd, mean=truth.mean.tolist())
    if name == "gibbs":
        return make_sampler("gibbs", energy, None, T)
    if name == "ula":
        return make_sampler("ula", energy, 0.002 * T, T)
    if name == "mala":
        return make_sampler("mala", energy, 0.05 * T, T)
    return make_sampler("hmc", energy, 0.15 * r, T, n_leapfrog=8)


def _misses(sampler, energy, T: float, truth: grid.GridResult, seed: int = 0) -> tuple[list[str], object]:
    """The moments whose pooled estimate lies farther than 4 MCSE from the grid truth."""
    x0 = torch.from_numpy(truth.draw(CHAINS, seed))
    trace = run_chains(sampler, x0, STEPS, seed=seed + 1)
    kept = diagnostics.after_burn_in(trace.positions, BURN_IN)
    mu = truth.mean
    dx, dy = kept[..., 0] - mu[0], kept[..., 1] - mu[1]
    checks = {"mean_x": (kept[..., 0], mu[0]), "mean_y": (kept[..., 1], mu[1]), "var_x": (dx * dx, truth.cov[0, 0]),
              "var_y": (dy * dy, truth.cov[1, 1]), "cov_xy": (dx * dy, truth.cov[0, 1])}
    out = []
    for k, (f, exact) in checks.items():
        se = diagnostics.mc_standard_error(f)
        if not abs(f.mean() - exact) <= 4 * se:
            out.append(f"{k}: {f.mean():.4f} vs exact {exact:.4f} (MCSE {se:.4f})")
    return out, trace


@pytest.mark.slow
@pytest.mark.parametrize("T", TEMPERATURES)
@pytest.mark.parametrize("target", list(TARGETS))
@pytest.mark.parametrize("name", ["mh", "mh-independent", "gibbs", "ula", "mala", "hmc"])
def test_every_sampler_keeps_p_T_at_every_temperature(name, target, T):
    energy = TARGETS[target]
    truth = grid.integrate(energy, T)
    assert not truth.warnings(), truth.warnings()  # the truth covers p_T's mass at this T
    misses, trace = _misses(_sampler(name, energy, T, truth), energy, T, truth)
    assert not misses, misses
    if name != "hmc":  # (an HMC divergence is a reported rejection: the chain goes on)
        assert not trace.diverged.any()
    # The chains did move (a kernel that never moves would keep any start): some proposals
    # accepted, and the chains' positions changed over the run.
    assert trace.accepted[BURN_IN:].mean() > 0.01
    assert np.mean(np.any(trace.positions[-1] != trace.positions[0], axis=1)) > 0.5


def test_the_sweep_catches_gibbs_confined_to_the_drawn_box():
    """The bug of issue 12: conditionals drawn on the drawn box at T = 20 (mixture)."""
    energy = TARGETS["mixture"]
    truth = grid.integrate(energy, 20.0)
    old = make_sampler("gibbs", energy, None, 20.0)
    old.line = energy.box  # what Gibbs did before: the picture's box, not the support of p_T
    misses, _ = _misses(old, energy, 20.0, truth)
    assert any(m.startswith("var_x") for m in misses) and any(m.startswith("var_y") for m in misses), misses


def test_the_sweep_catches_the_independence_sampler_without_q_terms():
    energy = TARGETS["typed"]
    truth = grid.integrate(energy, 1.0)
    sd = float(np.sqrt(np.diag(truth.cov)).max())
    wrong = IndependenceMH(energy, 1.0, 1.5 * sd, mean=truth.mean.tolist(), hastings=False)
    misses, _ = _misses(wrong, energy, 1.0, truth)
    assert any(m.startswith("var_") for m in misses), misses


def test_the_sweep_catches_ula_with_a_large_step():
    energy = TARGETS["typed"]
    truth = grid.integrate(energy, 1.0)
    misses, _ = _misses(make_sampler("ula", energy, 0.1, 1.0), energy, 1.0, truth)
    assert misses


def test_the_exact_numbers_cover_p_T_where_sqrt_T_is_not_enough():
    """The banana's y spreads like T, not √T: at T = 20, y = x²/4 − 1.5 + noise with
    x ~ N(0, 4T) has mean 4T/4 − 1.5 and variance 2(4T)²/16 + 0.36 T (closed form)."""
    T = 20.0
    g = grid.integrate(REGISTRY["banana"], T)
    assert not g.warnings()
    assert g.mean[1] == pytest.approx(T - 1.5, rel=1e-3)
    assert g.cov[0, 0] == pytest.approx(4 * T, rel=1e-3)
    assert g.cov[1, 1] == pytest.approx(2 * (4 * T) ** 2 / 16 + 0.36 * T, rel=2e-3)
    # The sqrt(T)-wide box alone gave var(y) ≈ 127.
    assert grid.integrate(REGISTRY["banana"], T, box=grid.integration_box(REGISTRY["banana"].box, T)).cov[1, 1] < 200


def test_gibbs_draws_on_the_box_the_truth_integrates():
    for target, T in (("mixture", 20.0), ("banana", 5.0), ("typed", 0.2)):
        energy = TARGETS[target]
        assert make_sampler("gibbs", energy, None, T).line == grid.integrate(energy, T, n=50).box


def test_exact_draws_have_the_grid_moments():
    truth = grid.integrate(TARGETS["mixture"], 1.0)
    d = truth.draw(200_000, seed=3)
    np.testing.assert_allclose(d.mean(axis=0), truth.mean, atol=0.02)
    np.testing.assert_allclose(np.cov(d.T), truth.cov, atol=0.04)
