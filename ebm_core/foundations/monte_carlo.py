r"""Plain Monte Carlo against MCMC with the same budget of N draws (the lecture's "回顾：蒙特卡罗法").

    E_p[f] = ∫ f(x) p(x) dx ≈ (1/N) Σ_i f(x_i),   x_i ~ p  i.i.d.

In 2D the grid can draw exact i.i.d. samples (``ensemble.CellMasses.exact_sample``), which the
slides call impossible in general; a Metropolis–Hastings chain gets N draws after burn-in m instead,
f_mn = 1/(n−m) Σ_{i>m} f(x_i).  Both estimates are compared with the grid's exact E_p[f], each with its
Monte-Carlo standard error: sd/√N for i.i.d. draws, sd/√ESS for the chain (ESS from
``diagnostics.ess``, arviz-stats), which is why the chain's error bar is wider for the same N.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from ebm_core.landscapes import grid
from ebm_core.landscapes.energies import Energy2D
from ebm_core.mcmc import diagnostics, ensemble
from ebm_core.mcmc.samplers import make_sampler, run_chains
from ebm_core.ranges import Range

DRAWS = Range(50, 20_000, integer=True)
BURN_IN = Range(0, 5_000, integer=True)


@dataclass(frozen=True)
class Estimate:
    """One estimator's N draws, its estimate of E_p[f] and its Monte-Carlo standard error."""

    points: np.ndarray  # (N, 2) the draws used (after burn-in for a chain)
    values: np.ndarray  # (N,) f at the draws
    estimate: float
    mcse: float
    ess: float

    @property
    def n(self) -> int:
        return int(self.values.size)


@dataclass(frozen=True)
class Comparison:
    exact: float  # E_p[f] on the grid
    iid: Estimate
    chain: Estimate
    burn_in_path: np.ndarray  # (m+1, 2) the chain's x_0 … x_m, not used by f_mn
    acceptance: float

    def z(self, e: Estimate) -> float:
        """Error in units of the estimator's own MCSE."""
        return (e.estimate - self.exact) / e.mcse if e.mcse > 0 else math.nan


def iid_estimate(values: np.ndarray, points: np.ndarray) -> Estimate:
    """Plain Monte Carlo: the sample mean and sd/√N (independent draws: ESS = N)."""
    n = values.size
    return Estimate(points, values, float(values.mean()), float(values.std(ddof=1) / math.sqrt(n)), float(n))


def chain_estimate(values: np.ndarray, points: np.ndarray) -> Estimate:
    """f_mn and its MCSE sd/√ESS, with the ESS of the mean from arviz-stats."""
    ess = diagnostics.ess(values[:, None], "mean")
    sd = float(values.std(ddof=1))
    mcse = sd / math.sqrt(ess) if ess > 0 and math.isfinite(ess) else math.inf
    return Estimate(points, values, float(values.mean()), mcse, float(ess))


def compare(energy: Energy2D, temperature: float, f, n: int, m: int, step_size: float, seed: int,
            x0: tuple[float, float] | None = None) -> Comparison:
    """N exact i.i.d. draws from the grid beside one random-walk MH chain of m + N steps from ``x0``
    (default: a corner of the box, so that burn-in matters), f a numpy-vectorised f(x, y)."""
    n = DRAWS.check("draws", n)
    m = BURN_IN.check("burn-in", m)
    exact = grid.integrate(energy, temperature).expectation(f)
    cells = ensemble.cell_masses(energy, temperature, bins=50)  # a 400 x 400 fine grid under 50 x 50 cells
    gen = torch.Generator().manual_seed(int(seed))
    pts = cells.exact_sample(n, gen).numpy()
    iid = iid_estimate(np.asarray(f(pts[:, 0], pts[:, 1]), dtype=float), pts)
    sampler = make_sampler("mh", energy, step_size, temperature)
    start = torch.tensor([x0 or ensemble.corner_start(energy)], dtype=torch.float64)
    trace = run_chains(sampler, start, m + n, seed=int(seed) + 1)
    path = trace.positions[:, 0, :]  # (m+n+1, 2)
    kept = path[m + 1:]
    chain = chain_estimate(np.asarray(f(kept[:, 0], kept[:, 1]), dtype=float), kept)
    return Comparison(float(exact), iid, chain, path[:m + 1], float(trace.accepted[m:].mean()))
