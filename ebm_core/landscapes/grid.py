"""Exact answers for a 2D Gibbs distribution p_T(x) = exp(-E(x)/T) / Z by grid integration.

In 2D we can afford what the lecture calls intractable: Z = ∫ exp(-E(x)/T) dx on a fine
grid.  The midpoint rule converges very fast for smooth densities that vanish at the box
edge, so these numbers are the ground truth for overlays, estimates and tests.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import torch

from ebm_core.landscapes.energies import Box, Energy2D

#: Mass in the outer band of the box above which the density is "not contained" (the default
#: box, ``support_box``, holds all but 1e-7 there unless p_T reaches past its widest).
EDGE_MASS_WARNING = 1e-5
#: Width of that outer band, as a fraction of the box side.
EDGE_BAND = 0.02


@dataclass(frozen=True)
class GridResult:
    """p_T tabulated on cell centres ``xs`` (nx,) by ``ys`` (ny,); arrays indexed [iy, ix]."""

    xs: np.ndarray
    ys: np.ndarray
    energy: np.ndarray  # E(x) (ny, nx); +inf where E was not finite
    density: np.ndarray  # p_T(x), integrates to 1 over the box
    log_z: float  # log ∫_box exp(-E/T) dx
    marginal_x: np.ndarray  # p(x) (nx,)
    marginal_y: np.ndarray  # p(y) (ny,)
    mean: np.ndarray  # (2,)
    cov: np.ndarray  # (2, 2)
    edge_mass: float  # probability in the outer EDGE_BAND of the box
    nonfinite_fraction: float  # share of grid points where E was NaN or ±inf
    temperature: float
    box: Box

    @property
    def cell_area(self) -> float:
        return float((self.xs[1] - self.xs[0]) * (self.ys[1] - self.ys[0]))

    def expectation(self, f) -> float:
        """E_p[f(x, y)] for a numpy-vectorised f(x, y)."""
        gx, gy = np.meshgrid(self.xs, self.ys)
        return float((f(gx, gy) * self.density).sum() * self.cell_area)

    def draw(self, n: int, seed: int = 0) -> np.ndarray:
        """``n`` independent draws (n, 2) from the tabulated p_T: a cell by its probability, then
        a point uniformly inside it.  Chains started here are in equilibrium from step 0, so a
        test can check that a sampler *keeps* p_T even where it cannot mix between modes."""
        rng = np.random.default_rng(seed)
        p = self.density.ravel() * self.cell_area
        idx = rng.choice(p.size, size=n, p=p / p.sum())
        iy, ix = np.divmod(idx, self.xs.size)
        hx, hy = self.xs[1] - self.xs[0], self.ys[1] - self.ys[0]
        return np.stack([self.xs[ix] + (rng.random(n) - 0.5) * hx, self.ys[iy] + (rng.random(n) - 0.5) * hy], axis=1)

    def warnings(self) -> list[str]:
        """Plain-English reasons to distrust the grid truth (keys for the i18n table)."""
        out = []
        if not math.isfinite(self.log_z):
            out.append("not_normalisable")
        elif self.edge_mass > EDGE_MASS_WARNING:
            out.append("mass_at_edge")
        if self.nonfinite_fraction > 0:
            out.append("nonfinite")
        return out


def grid_points(box: Box, n: int) -> tuple[np.ndarray, np.ndarray, torch.Tensor]:
    """Cell centres of an n×n grid on ``box`` and the flattened (n*n, 2) points."""
    x0, x1, y0, y1 = box
    xs = x0 + (np.arange(n) + 0.5) * (x1 - x0) / n
    ys = y0 + (np.arange(n) + 0.5) * (y1 - y0) / n
    gx, gy = np.meshgrid(xs, ys)
    pts = torch.from_numpy(np.stack([gx.ravel(), gy.ravel()], axis=1))
    return xs, ys, pts


def evaluate_on_grid(energy: Energy2D, box: Box | None = None, n: int = 400) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """E on an n×n grid (float64); NaN becomes +inf (zero density), never an exception."""
    box = box or energy.box
    xs, ys, pts = grid_points(box, n)
    with torch.inference_mode():
        e = energy(pts).reshape(n, n).double().numpy()
    e = np.where(np.isnan(e), np.inf, e)
    return xs, ys, e


def scaled_box(box: Box, k: float) -> Box:
    """``box`` stretched by ``k`` about its centre."""
    cx, cy = (box[0] + box[1]) / 2, (box[2] + box[3]) / 2
    hx, hy = k * (box[1] - box[0]) / 2, k * (box[3] - box[2]) / 2
    return (cx - hx, cx + hx, cy - hy, cy + hy)


def integration_box(box: Box, temperature: float) -> Box:
    """The energy's box, widened by sqrt(T) when T > 1: p_T spreads like sqrt(T) and the
    samplers are not confined to the box, so the exact answers must not be either."""
    return scaled_box(box, math.sqrt(max(temperature, 1.0)))


#: ``support_box`` widens until each outer band holds less than this: a tail cut off below it
#: moves no moment the pages show (4 decimals) and no test's 4 MCSE.
SUPPORT_EDGE_MASS = 1e-7
#: At most this many doublings of each side of the sqrt(T) box (32x): beyond, the grid warns.
SUPPORT_DOUBLINGS = 5
SUPPORT_SEARCH_GRID = 128


def _edge_masses(g: GridResult) -> tuple[float, float]:
    """Probability in the left+right and in the bottom+top outer bands of ``g``'s box."""
    if not math.isfinite(g.log_z):
        return 1.0, 1.0
    k = max(1, int(round(EDGE_BAND * g.xs.size)))
    p = g.density * g.cell_area
    return float(p[:, :k].sum() + p[:, -k:].sum()), float(p[:k].sum() + p[-k:].sum())


@functools.lru_cache(maxsize=256)
def support_box(energy: Energy2D, temperature: float) -> Box:
    """The box on which p_T is defined for every sampler and every exact number at T.

    Starts from ``integration_box`` (sqrt(T) wider than the drawn box when T > 1) and doubles
    each side while p_T still has mass at that edge: the sqrt(T) rule is right for Gaussian
    tails, but the banana's y spreads like T (at T = 20 its variance is 807; the sqrt(T) box
    gave 127) and the funnel's x faster still.  Gibbs draws its conditionals on this box and
    ``integrate`` integrates on it, so the two describe the same p_T; the other samplers are
    unconfined and agree as long as the mass beyond it is negligible (the grid warning checks).
    """
    box = integration_box(energy.box, temperature)
    for _ in range(SUPPORT_DOUBLINGS):
        mx, my = _edge_masses(integrate(energy, temperature, box=box, n=SUPPORT_SEARCH_GRID))
        if mx <= SUPPORT_EDGE_MASS and my <= SUPPORT_EDGE_MASS:
            break
        wide = scaled_box(box, 2.0)
        box = (wide[0], wide[1], box[2], box[3]) if mx > SUPPORT_EDGE_MASS else box
        box = (box[0], box[1], wide[2], wide[3]) if my > SUPPORT_EDGE_MASS else box
    return box


def integrate(energy: Energy2D, temperature: float = 1.0, box: Box | None = None, n: int = 400) -> GridResult:
    """Tabulate p_T and integrate: log Z, marginals, mean and covariance.

    ``box`` defaults to ``support_box(energy, T)`` (the box the samplers' p_T lives on); pass
    ``energy.box`` to tabulate exactly the drawn picture.
    """
    if not temperature > 0:
        raise ValueError("temperature must be positive")
    box = box or support_box(energy, float(temperature))
    xs, ys, e = evaluate_on_grid(energy, box, n)
    nonfinite = float(np.mean(~np.isfinite(e)))
    area = float((xs[1] - xs[0]) * (ys[1] - ys[0]))
    logw = -e / temperature
    logw = np.where(np.isnan(logw), -np.inf, logw)  # -inf - (-inf) style corner cases
    top = np.max(logw)
    if not np.isfinite(top):
        # Nothing finite to normalise (E = +inf everywhere, or -inf somewhere).
        log_z = float(top) if top == np.inf else -math.inf
        nan2 = np.full((2, 2), np.nan)
        zeros = np.zeros_like(e)
        return GridResult(xs, ys, e, zeros, log_z, np.zeros(n), np.zeros(n), np.full(2, np.nan), nan2,
                          1.0, nonfinite, temperature, box)
    w = np.exp(logw - top)
    s = w.sum()
    log_z = float(top + math.log(s * area))
    p = w / (s * area)
    mx = p.sum(axis=0) * (ys[1] - ys[0])
    my = p.sum(axis=1) * (xs[1] - xs[0])
    gx, gy = np.meshgrid(xs, ys)
    mean = np.array([(gx * p).sum() * area, (gy * p).sum() * area])
    dx, dy = gx - mean[0], gy - mean[1]
    cxy = (dx * dy * p).sum() * area
    cov = np.array([[(dx * dx * p).sum() * area, cxy], [cxy, (dy * dy * p).sum() * area]])
    k = max(1, int(round(EDGE_BAND * n)))
    inner = p[k:-k, k:-k].sum() * area
    return GridResult(xs, ys, e, p, log_z, mx, my, mean, cov, float(1.0 - inner), nonfinite, temperature, box)
