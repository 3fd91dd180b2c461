r"""A distribution from any g ≥ 0 by its volume (the lecture's "构造概率分布"):

    p_θ(x) = g_θ(x) / Volume(g_θ),   Volume(g_θ) = ∫ g_θ(x) dx.

The slides' example is g_(μ,σ)(x) = exp(−(x−μ)²/(2σ²)), whose volume is √(2πσ²), so p_θ is the
Gaussian.  The volume here is a midpoint sum on a 1D grid over [μ − W, μ + W], against the closed form;
a heavy-tailed g (the Cauchy shape) shows what a finite grid misses.  Errata: the slide writes the
volume as ∫ exp(−(x−μ)/(2σ²)) dx (the square is missing) and p_θ(x) with a stray ∫.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ebm_core.ranges import Range

SIGMA = Range(0.1, 5.0)
HALF_WIDTH = Range(0.5, 100.0)
CELLS = Range(4, 100_000, integer=True)

#: name -> (g(x; μ, σ), closed-form volume(σ))
SHAPES = {
    "gaussian": (lambda x, mu, s: np.exp(-((x - mu) ** 2) / (2 * s * s)), lambda s: math.sqrt(2 * math.pi * s * s)),
    "laplace": (lambda x, mu, s: np.exp(-np.abs(x - mu) / s), lambda s: 2 * s),
    "cauchy": (lambda x, mu, s: 1.0 / (1.0 + ((x - mu) / s) ** 2), lambda s: math.pi * s),
}


@dataclass(frozen=True)
class Volume:
    xs: np.ndarray  # cell centres
    g: np.ndarray
    p: np.ndarray  # g / volume on the grid
    volume: float  # Σ g Δx
    exact: float  # the closed form over the whole line

    @property
    def relative_error(self) -> float:
        return self.volume / self.exact - 1.0


def volume(shape: str, mu: float, sigma: float, half_width: float, cells: int) -> Volume:
    g_fn, exact = SHAPES[shape]
    sigma = SIGMA.check("sigma", sigma)
    half_width = HALF_WIDTH.check("half_width", half_width)
    cells = CELLS.check("cells", cells)
    dx = 2 * half_width / cells
    xs = mu - half_width + (np.arange(cells) + 0.5) * dx
    g = g_fn(xs, mu, sigma)
    v = float(g.sum() * dx)
    return Volume(xs, g, g / v, v, exact(sigma))
