"""Toy 2D data sets for learning an energy E_θ(x) by maximum likelihood.

``sample(name, n, seed) -> np.float32 (n, 2)``: seeded, deterministic, and always inside
the data set's fixed drawing box ``BOX[name]`` (a point that falls outside is drawn again,
so the data follow the generator's density truncated to the box; for the Gaussian-noise
sets the outside mass is far below one point in a million).  The 2D learning page and the
exact log-likelihood integrate over that same box.

Written for this project.  The shapes are the usual ones of the density-estimation
literature (8 Gaussians, two moons, rings, checkerboard, swiss roll, two spirals and the
pinwheel of Johnson et al., 2016); the constants below are our own choice, picked so each
set fills about two thirds of its box.
"""

from __future__ import annotations

import math

import numpy as np

Box = tuple[float, float, float, float]

NAMES = ("8gaussians", "moons", "rings", "checkerboard", "swissroll", "spirals", "pinwheel")

#: Every data set is drawn (and its model integrated) on [-4, 4]²: one scale for all, so
#: step sizes and learning rates carry over between data sets.
BOX: dict[str, Box] = {name: (-4.0, 4.0, -4.0, 4.0) for name in NAMES}

#: 8 Gaussians: centres on a circle of this radius, each N(centre, SIGMA² I).
GAUSS8_RADIUS = 2.5
GAUSS8_SIGMA = 0.3


def gauss8_centres() -> np.ndarray:
    """The eight mode centres (8, 2), at angles 0, π/4, …, 7π/4."""
    a = np.arange(8) * math.pi / 4
    return GAUSS8_RADIUS * np.stack([np.cos(a), np.sin(a)], axis=1)


def _gauss8(rng: np.random.Generator, n: int) -> np.ndarray:
    k = rng.integers(0, 8, n)
    return gauss8_centres()[k] + GAUSS8_SIGMA * rng.standard_normal((n, 2))


def _moons(rng: np.random.Generator, n: int) -> np.ndarray:
    # Two interleaved half circles of radius 1, shifted to the centre and scaled by 2.2.
    upper = rng.random(n) < 0.5
    t = math.pi * rng.random(n)
    x = np.where(upper, np.cos(t), 1.0 - np.cos(t))
    y = np.where(upper, np.sin(t), 0.5 - np.sin(t))
    pts = np.stack([x - 0.5, y - 0.25], axis=1) * 2.2
    return pts + 0.12 * rng.standard_normal((n, 2))


def _rings(rng: np.random.Generator, n: int) -> np.ndarray:
    # Three concentric circles; points per ring proportional to its length, so the density
    # along every ring is the same.
    radii = np.array([1.0, 2.0, 3.0])
    r = radii[rng.choice(3, size=n, p=radii / radii.sum())]
    a = 2 * math.pi * rng.random(n)
    return np.stack([r * np.cos(a), r * np.sin(a)], axis=1) + 0.08 * rng.standard_normal((n, 2))


def _checkerboard(rng: np.random.Generator, n: int) -> np.ndarray:
    # Uniform on the dark squares of a 4 × 4 board of side 1.5 centred at 0 ([-3, 3]²).
    i = rng.integers(0, 4, n)
    j = (2 * rng.integers(0, 2, n) + (i % 2)) % 4  # dark squares: i + j even
    u = rng.random((n, 2))
    return np.stack([(i + u[:, 0]) * 1.5 - 3.0, (j + u[:, 1]) * 1.5 - 3.0], axis=1)


def _swissroll(rng: np.random.Generator, n: int) -> np.ndarray:
    # The 2D swiss roll: (t cos t, t sin t) for t in [1.5π, 4.5π], scaled to radius ≤ 3.5.
    t = 1.5 * math.pi * (1 + 2 * rng.random(n))
    pts = np.stack([t * np.cos(t), t * np.sin(t)], axis=1) / (4.5 * math.pi) * 3.5
    return pts + 0.1 * rng.standard_normal((n, 2))


def _spirals(rng: np.random.Generator, n: int) -> np.ndarray:
    # Two interleaved Archimedean spirals r ∝ angle; sqrt spreads the points evenly by length.
    a = np.sqrt(rng.random(n)) * 3 * math.pi
    sign = np.where(rng.random(n) < 0.5, 1.0, -1.0)[:, None]
    pts = sign * np.stack([-np.cos(a) * a, np.sin(a) * a], axis=1) / 3.0
    return pts + 0.1 * rng.standard_normal((n, 2))


def _pinwheel(rng: np.random.Generator, n: int) -> np.ndarray:
    # Johnson et al. (2016): five arms; a point's angle grows with its radial coordinate.
    arms, radial_sd, tangential_sd, rate = 5, 0.3, 0.1, 0.25
    k = rng.integers(0, arms, n)
    f = rng.standard_normal((n, 2)) * np.array([radial_sd, tangential_sd]) + np.array([1.0, 0.0])
    ang = 2 * math.pi * k / arms + rate * np.exp(f[:, 0])
    c, s = np.cos(ang), np.sin(ang)
    pts = np.stack([c * f[:, 0] - s * f[:, 1], s * f[:, 0] + c * f[:, 1]], axis=1)
    return 1.8 * pts


_GENERATORS = {
    "8gaussians": _gauss8, "moons": _moons, "rings": _rings, "checkerboard": _checkerboard,
    "swissroll": _swissroll, "spirals": _spirals, "pinwheel": _pinwheel,
}

#: Largest sample the generators are asked for (the page's slider and the CLI stay below).
MAX_N = 1_000_000


def inside(points: np.ndarray, box: Box) -> np.ndarray:
    """Boolean (n,): the point lies in the closed box."""
    x0, x1, y0, y1 = box
    return (points[:, 0] >= x0) & (points[:, 0] <= x1) & (points[:, 1] >= y0) & (points[:, 1] <= y1)


def sample(name: str, n: int, seed: int = 0, split: int = 0) -> np.ndarray:
    """``n`` points of data set ``name`` as float32 (n, 2), the same for the same seed.

    ``split`` picks an independent stream for the same seed (0: training data; the
    held-out points of ``ebm_core.ebm.ebm2d`` use split 1).
    """
    if name not in _GENERATORS:
        raise KeyError(f"unknown data set {name!r}; choose one of: {', '.join(NAMES)}")
    n = int(n)
    if not 0 <= n <= MAX_N:
        raise ValueError(f"n must be between 0 and {MAX_N}, got {n}")
    if int(seed) < 0 or int(split) < 0:
        raise ValueError("seed and split must be non-negative")
    rng = np.random.default_rng([int(seed), NAMES.index(name), int(split)])
    gen, box = _GENERATORS[name], BOX[name]
    out = gen(rng, n)
    bad = ~inside(out, box)
    while bad.any():  # truncate to the box by redrawing the few strays
        out[bad] = gen(rng, int(bad.sum()))
        bad = ~inside(out, box)
    return out.astype(np.float32)
