"""Exact answers for a 2D Gibbs distribution p_T(x) = exp(-E(x)/T) / Z by grid integration.

In 2D we can afford what the lecture calls intractable: Z = ∫ exp(-E(x)/T) dx on a fine
grid.  The midpoint rule converges very fast for smooth densities that vanish at the box
edge, so these numbers are the ground truth for overlays, estimates and tests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from ebm_core.landscapes.energies import Box, Energy2D

#: Mass in the outer band of the box above which the density is "not contained".
EDGE_MASS_WARNING = 1e-3
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


def integration_box(box: Box, temperature: float) -> Box:
    """The energy's box, widened by sqrt(T) when T > 1: p_T spreads like sqrt(T) and the
    samplers are not confined to the box, so the exact answers must not be either."""
    k = math.sqrt(max(temperature, 1.0))
    cx, cy = (box[0] + box[1]) / 2, (box[2] + box[3]) / 2
    hx, hy = k * (box[1] - box[0]) / 2, k * (box[3] - box[2]) / 2
    return (cx - hx, cx + hx, cy - hy, cy + hy)


def integrate(energy: Energy2D, temperature: float = 1.0, box: Box | None = None, n: int = 400) -> GridResult:
    """Tabulate p_T and integrate: log Z, marginals, mean and covariance.

    ``box`` defaults to ``integration_box(energy.box, T)``; pass ``energy.box`` to tabulate
    exactly the drawn picture.
    """
    if not temperature > 0:
        raise ValueError("temperature must be positive")
    box = box or integration_box(energy.box, temperature)
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
