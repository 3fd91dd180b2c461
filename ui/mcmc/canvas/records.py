"""What the sampler did, for the canvas: HMC's leapfrog paths and momenta, Langevin's drift and
noise (payload key ``rec``), and i.i.d. draws from the exact p_T (payload key ``exact``).

Both are optional and absent by default: the random-walk MH clip (the page's default) is
exactly what it was.  The points come from the run itself (``run_chains(record=K)``, whose
records ``tests/test_sampler_records.py`` replays against the transitions), packed as the
clip's other points (uint16 codes in its ``q`` extent):

- HMC, per (step, chain), L points: the L − 1 inner leapfrog points x_1 … x_{L−1} (x_0 is the
  draw x_i and x_L the proposal x′, both sent already), then the tip of the momentum arrow
  x_i + Lε·p (where p alone, without the force, would carry x in the trajectory's time Lε);
- ULA / MALA, per (step, chain), 1 point: x_i + drift, drift = −(ε/2T)∇E(x_i).  The noise
  arrow is from there to x′ (x′ − x_i − drift = √ε ξ), and MALA's proposal
  q(x_i, ·) = N(x_i + drift, ε I) has its 1-σ circle there, radius √ε (``sigma``).

Bounds (issue 16 counts bytes per move): at most ``REC_POINTS`` record points per clip, so
only the first K = ⌊REC_POINTS / (C · points per step)⌋ transitions carry records (HMC, 4
chains, L = 10: 204 steps; ULA/MALA, 4 chains: 2,048 steps), ≤ 44 KB of base64; at most
``EXACT_POINTS`` exact draws (the chains' C·(N − m) post-burn-in draws, 7,200 at the
defaults, ≤ 88 KB).
"""

from __future__ import annotations

import functools
import math

import numpy as np
import torch

from ebm_core.mcmc.ensemble import cell_masses

#: record points per clip (4 bytes each before base64)
REC_POINTS = 8192
#: exact draws per clip
EXACT_POINTS = 16384
#: histogram cells per side of the exact p_T the draws come from (× ensemble.REFINE fine cells)
EXACT_BINS = 40


def points_per_step(sampler: str, n_leapfrog: int = 10) -> int:
    """Record points per (step, chain) in the payload (0: nothing recorded for this sampler)."""
    if sampler == "hmc":
        return int(n_leapfrog)
    return 1 if sampler in ("ula", "mala") else 0


def record_steps(sampler: str, chains: int, n_leapfrog: int = 10) -> int:
    """How many first transitions of a run to record for its clip (``run_chains(record=...)``)."""
    per = points_per_step(sampler, n_leapfrog)
    return REC_POINTS // (max(1, int(chains)) * per) if per else 0


def rec_points(sampler: str, records: dict | None, positions: np.ndarray, step_size: float,
               temperature: float, n_leapfrog: int = 10) -> dict | None:
    """The ``rec`` entry before coding: ``{"kind", "points": (K, C, P, 2), "scale", "sigma", "T"}``,
    or None when the run has no records."""
    if not records or points_per_step(sampler, n_leapfrog) == 0:
        return None
    x = np.asarray(positions, dtype=np.float64)
    if sampler == "hmc":
        path, p = np.asarray(records["path"]), np.asarray(records["momentum"])
        k = min(path.shape[0], x.shape[0] - 1)
        scale = n_leapfrog * step_size  # the momentum arrow is Lε·p
        inner = np.moveaxis(path[:k, 1:-1], 1, 2)  # (K, C, L−1, 2)
        tip = (x[:k] + scale * p[:k])[:, :, None, :]
        return {"kind": "hmc", "points": np.concatenate([inner, tip], axis=2), "scale": scale,
                "sigma": None, "T": temperature}
    drift = np.asarray(records["drift"])
    k = min(drift.shape[0], x.shape[0] - 1)
    return {"kind": sampler, "points": (x[:k] + drift[:k])[:, :, None, :], "scale": None,
            "sigma": math.sqrt(step_size), "T": temperature}


def exact_count(chains: int, steps: int, burn_in: int) -> tuple[int, int]:
    """(draws sent, the chains' post-burn-in draws C·(N − m)): the same count, up to EXACT_POINTS."""
    n = int(chains) * max(0, int(steps) - int(burn_in))
    return min(n, EXACT_POINTS), n


@functools.lru_cache(maxsize=16)
def _cells(energy, temperature: float):
    # (the exact p_T on a 320 x 320 grid, ~0.1 s: kept for the slider's moves back and forth)
    return cell_masses(energy, temperature, bins=EXACT_BINS)


def exact_draws(energy, temperature: float, chains: int, steps: int, burn_in: int, seed: int) -> dict:
    """``pack_clip``'s ``exact`` and ``exact_of``: as many i.i.d. draws from p_T as the chains'
    post-burn-in draws (up to EXACT_POINTS), by the landscape page's sampler of the exact
    grid (``ensemble.CellMasses.exact_sample``: inverse CDF over the cells, uniform inside one)."""
    n, of = exact_count(chains, steps, burn_in)
    gen = torch.Generator().manual_seed(int(seed) + 7_777)
    return {"exact": _cells(energy, float(temperature)).exact_sample(n, gen).numpy(), "exact_of": of}
