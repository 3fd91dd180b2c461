r"""A whole ensemble of chains measured against the exact p_T: what burn-in means, in numbers.

N chains start from one point x₀ and make K transitions each.  After step t the N positions
x_t^{(1)} … x_t^{(N)} are N independent draws from the chain's law at time t, π_t (each chain
has its own random numbers).  Their histogram on a B×B grid of cells is compared with the
exact cell masses P_j = ∫_{cell j} p_T (the fine grid of ``landscapes.grid``, summed into blocks):

    TV_t = ½ Σ_j |n_j/N − P_j| + ½ (share of chains outside the grid),

the total-variation distance between the histogram and p_T on those cells.  It falls as π_t
approaches p_T; it never reaches 0, because N draws from p_T itself have a histogram that
differs from P by Monte-Carlo noise.  That **floor** is measured the same way: ``floor_draws``
exact samples of size N (inverse CDF on the fine grid, uniform within the cell), their TV.
An exact sampler (MH, MALA) comes down to the floor; ULA, whose law is biased by its step ε,
levels off above it.

With one seed, two samplers that draw the same random numbers (MH and MALA: ξ then u) see the
same noise: common random numbers, for a side-by-side comparison.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch

from ebm_core.landscapes import grid
from ebm_core.landscapes.energies import Energy2D
from ebm_core.mcmc.samplers import Sampler
from ebm_core.ranges import Range

#: Cells per side of the histogram (a coarse grid: the floor must stay well below the early TV).
BINS = Range(4, 200, integer=True)
#: Fine grid cells per histogram cell, per side, for the exact masses.
REFINE = 8


@dataclass(frozen=True)
class CellMasses:
    """Exact p_T mass of each of B×B cells on ``box`` (indexed [iy, ix]) and the fine grid under it."""

    box: tuple[float, float, float, float]
    bins: int
    mass: np.ndarray  # (B, B), sums to 1
    fine_mass: np.ndarray  # (B·REFINE, B·REFINE), for exact draws
    log_z: float

    def __post_init__(self):
        # The histogram has a one-cell border that collects every point outside the box (exact
        # mass 0 there), so TV is one fused pass: a few in-place ops and one bincount per step.
        x0, x1, y0, y1 = self.box
        b = self.bins
        scale = torch.tensor([b / (x1 - x0), b / (y1 - y0)], dtype=torch.float64)
        padded = np.zeros((b + 2, b + 2))
        padded[1:-1, 1:-1] = self.mass
        object.__setattr__(self, "_scale", scale)
        object.__setattr__(self, "_offset", -torch.tensor([x0, y0], dtype=torch.float64) * scale)
        object.__setattr__(self, "_padded", torch.from_numpy(padded.reshape(-1)))

    def _counts(self, x: torch.Tensor) -> torch.Tensor:
        """Counts (B+2)² of the points in each cell of the bordered grid."""
        b = self.bins
        u = torch.addcmul(self._offset, x.to(torch.float64), self._scale).floor_()
        u = u.nan_to_num_(nan=-1.0, posinf=float(b), neginf=-1.0).clamp_(-1, b).add_(1)
        return torch.bincount(u[:, 1].mul(b + 2).add_(u[:, 0]).long(), minlength=(b + 2) ** 2)

    def histogram(self, x: torch.Tensor) -> tuple[torch.Tensor, int]:
        """(counts (B·B,) of the points in each cell, points outside the grid)."""
        b = self.bins
        c = self._counts(x).reshape(b + 2, b + 2)
        inner = c[1:-1, 1:-1].reshape(-1)
        return inner, int(x.shape[0] - int(inner.sum()))

    def tv(self, x: torch.Tensor) -> float:
        """½ Σ |histogram − P| + ½ · share outside: TV between the points' histogram and p_T."""
        d = self._counts(x).double().div_(x.shape[0]).sub_(self._padded)
        return 0.5 * float(d.abs_().sum())

    def exact_sample(self, n: int, gen: torch.Generator) -> torch.Tensor:
        """n i.i.d. draws from p_T on the fine grid: inverse CDF over the cells, uniform inside one."""
        fine = self.fine_mass.reshape(-1)
        cdf = torch.from_numpy(np.cumsum(fine))
        u = torch.rand(n, generator=gen, dtype=torch.float64) * cdf[-1]
        cell = torch.searchsorted(cdf, u, right=True).clamp(max=fine.size - 1)
        nf = self.bins * REFINE
        x0, x1, y0, y1 = self.box
        jitter = torch.rand(n, 2, generator=gen, dtype=torch.float64)
        ix, iy = cell % nf, cell // nf
        return torch.stack([x0 + (ix + jitter[:, 0]) * (x1 - x0) / nf, y0 + (iy + jitter[:, 1]) * (y1 - y0) / nf], 1)


def cell_masses(energy: Energy2D, temperature: float, bins: int = 40) -> CellMasses:
    """Exact masses of B×B cells on the grid truth's box (widened by √T when T > 1)."""
    bins = BINS.check("bins", bins)
    g = grid.integrate(energy, temperature, n=bins * REFINE)
    fine = g.density * g.cell_area  # (nf, nf), sums to 1 on the box
    if not np.isfinite(fine).all() or fine.sum() <= 0:
        raise ValueError("p_T cannot be normalised on the grid (no finite mass)")
    fine = fine / fine.sum()
    mass = fine.reshape(bins, REFINE, bins, REFINE).sum(axis=(1, 3))
    return CellMasses(tuple(g.box), bins, mass, fine, g.log_z)


def tv_floor(cells: CellMasses, n: int, seed: int, draws: int = 5) -> tuple[float, float]:
    """(mean, sd) over ``draws`` exact samples of size n of their TV to p_T: the Monte-Carlo floor."""
    gen = torch.Generator().manual_seed(int(seed) + 104_729)
    v = np.array([cells.tv(cells.exact_sample(n, gen)) for _ in range(draws)])
    return float(v.mean()), float(v.std(ddof=1)) if draws > 1 else 0.0


@dataclass
class EnsembleRun:
    """TV_t at ``steps`` (0 = the start), the floor, and histograms at a few times."""

    steps: np.ndarray  # (S,) the t at which TV was measured
    tv: np.ndarray  # (S,)
    tv_floor: float
    tv_floor_sd: float
    acceptance: float  # over all chains and steps
    cells: CellMasses
    snapshots: dict[int, np.ndarray] = field(default_factory=dict)  # t -> (B, B) histogram / N
    seconds: float = 0.0
    diverged: int = 0

    def as_dict(self) -> dict:
        return {"steps": self.steps.tolist(), "tv": self.tv.tolist(), "tv_floor": self.tv_floor,
                "tv_floor_sd": self.tv_floor_sd, "acceptance_rate": self.acceptance, "bins": self.cells.bins,
                "box": list(self.cells.box), "diverged_chains": self.diverged}


def record_schedule(n_steps: int, every: int = 1) -> np.ndarray:
    """0, every, 2·every, …, and always the last step."""
    s = np.arange(0, n_steps + 1, max(1, int(every)))
    return s if s[-1] == n_steps else np.append(s, n_steps)


def run_ensemble(sampler: Sampler, x0, chains: int, n_steps: int, seed: int = 0, bins: int = 40, every: int = 1,
                 snapshots=(), record: bool = True, floor_draws: int = 5, cells: CellMasses | None = None,
                 progress=None) -> EnsembleRun:
    """``chains`` chains of ``sampler`` from the one point ``x0`` (x, y), ``n_steps`` steps each;
    TV to p_T every ``every`` steps (``record=False``: none, for the benchmark's reference run).

    Only the current state is kept (not the trajectories): 10,000 chains × 1,000 steps would
    otherwise hold 160 MB of positions.
    """
    import time

    if n_steps < 1 or chains < 1:
        raise ValueError("chains and steps must be at least 1")
    cells = cells or cell_masses(sampler.energy, sampler.T, bins)
    when = set(record_schedule(n_steps, every).tolist()) if record else set()
    snap_at = {int(t) for t in snapshots if 0 <= int(t) <= n_steps}
    gen = torch.Generator().manual_seed(int(seed))
    start = torch.as_tensor(x0, dtype=torch.float64).reshape(1, 2).expand(chains, 2).clone()
    steps, tvs, snaps, n_acc = [], [], {}, 0
    t0 = time.perf_counter()
    with torch.inference_mode():
        state = sampler.init(start)
        for t in range(n_steps + 1):
            if t > 0:
                state, info = sampler.step(state, gen)
                n_acc += int(info.accepted.sum())
            if t in when:
                steps.append(t)
                tvs.append(cells.tv(state.position))
            if t in snap_at:
                counts, _ = cells.histogram(state.position)
                snaps[t] = (counts.double() / chains).reshape(cells.bins, cells.bins).numpy()
            if progress is not None and t % 25 == 0:
                progress(t, n_steps)
    seconds = time.perf_counter() - t0
    fmean, fsd = tv_floor(cells, chains, seed, floor_draws) if record else (math.nan, math.nan)
    return EnsembleRun(np.array(steps, dtype=np.int64), np.array(tvs), fmean, fsd, n_acc / (chains * n_steps),
                       cells, snaps, seconds, int(state.diverged.sum()))


def corner_start(energy: Energy2D) -> tuple[float, float]:
    """One corner of the drawn box (10 % in), as the MCMC page's "all in one corner"."""
    x0, x1, y0, y1 = energy.box
    return (x0 + 0.1 * (x1 - x0), y0 + 0.1 * (y1 - y0))
