"""Analytic 2D energies E(x), x = (x, y), and their registry.

The lecture's Gibbs distribution is p_T(x) = exp(-E(x)/T) / Z(T).  Every energy here
takes a batch ``(n, 2)`` tensor and returns ``(n,)`` energies; gradients come from
autograd, so a user-typed formula (``expressions``) works with every sampler.

Each energy carries a plotting box that holds essentially all of its mass at T = 1;
the grid tools (``grid``) integrate over that box to get exact answers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import torch

Box = tuple[float, float, float, float]  # (x_min, x_max, y_min, y_max)

#: Batches up to this size take ∇E from a central-difference stencil (see energy_and_grad).
STENCIL_MAX_BATCH = 512
STENCIL_H = 1e-5
_STENCIL = torch.tensor([[STENCIL_H, 0.0], [-STENCIL_H, 0.0], [0.0, STENCIL_H], [0.0, -STENCIL_H]], dtype=torch.float64)


@dataclass(frozen=True)
class Energy2D:
    """A named energy function with the box it is drawn and integrated on."""

    name: str
    fn: Callable[[torch.Tensor], torch.Tensor]
    box: Box
    description: str = ""
    # Gaussian-only extras that let Gibbs use exact conditionals (Algorithm 19.3).
    gaussian: tuple[torch.Tensor, torch.Tensor] | None = field(default=None, compare=False)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return self.fn(x)

    def energy_and_grad(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """E(x) and ∇E(x) for a batch (works under inference_mode).

        Few chains: a central-difference stencil in float64 in one batched call (error
        ~1e-10), because autograd's fixed cost is 3x that for a handful of points and
        Langevin/HMC call this every step.  MALA and HMC stay exact with any smooth
        gradient field; the tests check the stencil against autograd.
        """
        if x.shape[0] <= STENCIL_MAX_BATCH and x.dtype == torch.float64:
            n = x.shape[0]
            pts = torch.cat([x, (x[:, None, :] + _STENCIL).reshape(-1, 2)])
            v = self.fn(pts)
            d = v[n:].reshape(n, 4)
            g = torch.stack([d[:, 0] - d[:, 1], d[:, 2] - d[:, 3]], dim=1) / (2 * STENCIL_H)
            return v[:n], g
        return self.autograd_energy_and_grad(x)

    def autograd_energy_and_grad(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """E(x) and ∇E(x) by reverse-mode autograd."""
        with torch.inference_mode(False), torch.enable_grad():
            xg = x.detach().clone().requires_grad_(True)
            e = self.fn(xg)
            (g,) = torch.autograd.grad(e.sum(), xg)
        return e.detach(), g.detach()


def _gaussian(mean: tuple[float, float], cov: list[list[float]]) -> Callable:
    mu = torch.tensor(mean, dtype=torch.float64)
    prec = torch.linalg.inv(torch.tensor(cov, dtype=torch.float64))

    def fn(x: torch.Tensor) -> torch.Tensor:
        d = x - mu.to(x.dtype)
        p = prec.to(x.dtype)
        return 0.5 * (d[:, 0] * (p[0, 0] * d[:, 0] + p[0, 1] * d[:, 1])
                      + d[:, 1] * (p[1, 0] * d[:, 0] + p[1, 1] * d[:, 1]))

    return fn


def gaussian_mixture(means: list[tuple[float, float]], sigmas: list[float], weights: list[float]) -> Callable:
    mu = torch.tensor(means, dtype=torch.float64)
    s2 = torch.tensor(sigmas, dtype=torch.float64) ** 2
    # log of w_k * N(x; mu_k, s_k^2 I) normalising constants, so exp(-E) is a density.
    logc = (torch.log(torch.tensor(weights, dtype=torch.float64)) - torch.log(2 * math.pi * s2))[:, None]
    mx, my, half_prec = mu[:, 0:1].clone(), mu[:, 1:2].clone(), (0.5 / s2)[:, None]

    def fn(x: torch.Tensor) -> torch.Tensor:
        # Components on the leading axis (K, n): torch reduces a size-3 trailing axis ~5x slower.
        a = x[:, 0] - mx.to(x.dtype)
        b = x[:, 1] - my.to(x.dtype)
        return -torch.logsumexp(logc.to(x.dtype) - half_prec.to(x.dtype) * (a * a + b * b), dim=0)

    return fn


def _banana(x: torch.Tensor) -> torch.Tensor:
    # x ~ N(0, 2^2); y | x ~ N(x^2/4 - 1.5, 0.6^2): a curved ridge.
    a, b = x[:, 0], x[:, 1]
    return 0.5 * (a / 2.0) ** 2 + 0.5 * ((b - 0.25 * a**2 + 1.5) / 0.6) ** 2


def _donut(x: torch.Tensor) -> torch.Tensor:
    r = torch.sqrt((x**2).sum(-1) + 1e-12)
    return 0.5 * ((r - 2.5) / 0.35) ** 2


def _funnel(x: torch.Tensor) -> torch.Tensor:
    # Neal's funnel in 2D: y ~ N(0, 1.2^2), x | y ~ N(0, e^y).  Scale 1.2 (Neal uses 3)
    # keeps the mass inside a drawable box; the neck still defeats fixed-step samplers.
    a, v = x[:, 0], x[:, 1]
    return 0.5 * (v / 1.2) ** 2 + 0.5 * a**2 * torch.exp(-v) + 0.5 * v


def _squiggle(x: torch.Tensor) -> torch.Tensor:
    a, b = x[:, 0], x[:, 1]
    return 0.5 * (a / 1.5) ** 2 + 0.5 * ((b - torch.sin(2.0 * a)) / 0.3) ** 2


def _u1(x: torch.Tensor) -> torch.Tensor:
    # Rezende & Mohamed (2015), Table 1, U1: a ring split in two.
    z1 = x[:, 0]
    r = torch.sqrt((x**2).sum(-1) + 1e-12)
    two = torch.stack([-0.5 * ((z1 - 2) / 0.6) ** 2, -0.5 * ((z1 + 2) / 0.6) ** 2], dim=-1)
    return 0.5 * ((r - 2) / 0.4) ** 2 - torch.logsumexp(two, dim=-1)


def _wall(z1: torch.Tensor) -> torch.Tensor:
    # U2/U3 are flat along z1 (improper); Rezende & Mohamed draw them on [-4, 4].  A soft
    # quadratic wall beyond |z1| = 3.5 makes them proper so every sampler can run on them.
    return 0.5 * (torch.relu(z1.abs() - 3.5) / 0.1) ** 2


def _u2(x: torch.Tensor) -> torch.Tensor:
    z1, z2 = x[:, 0], x[:, 1]
    w1 = torch.sin(2 * math.pi * z1 / 4)
    return 0.5 * ((z2 - w1) / 0.4) ** 2 + _wall(z1)


def _u3(x: torch.Tensor) -> torch.Tensor:
    z1, z2 = x[:, 0], x[:, 1]
    w1 = torch.sin(2 * math.pi * z1 / 4)
    w2 = 3 * torch.exp(-0.5 * ((z1 - 1) / 0.6) ** 2)
    two = torch.stack([-0.5 * ((z2 - w1) / 0.35) ** 2, -0.5 * ((z2 - w1 + w2) / 0.35) ** 2], dim=-1)
    return -torch.logsumexp(two, dim=-1) + _wall(z1)


_GAUSS_MEAN = (0.0, 0.0)
_GAUSS_COV = [[1.0, 0.9], [0.9, 1.0]]
_GAUSS_PARAMS = (torch.tensor(_GAUSS_MEAN, dtype=torch.float64), torch.tensor(_GAUSS_COV, dtype=torch.float64))

REGISTRY: dict[str, Energy2D] = {
    e.name: e
    for e in [
        Energy2D("gaussian", _gaussian(_GAUSS_MEAN, _GAUSS_COV), (-5.0, 5.0, -5.0, 5.0),
                 "correlated Gaussian, ρ = 0.9", gaussian=_GAUSS_PARAMS),
        Energy2D("mixture", gaussian_mixture([(-2.0, -1.5), (2.0, -1.5), (0.0, 2.0)], [0.6, 0.6, 0.6], [0.3, 0.3, 0.4]),
                 (-5.0, 5.0, -5.0, 5.0), "three well-separated Gaussian modes"),
        Energy2D("banana", _banana, (-7.0, 7.0, -4.5, 12.0), "curved ridge (banana)"),
        Energy2D("donut", _donut, (-4.5, 4.5, -4.5, 4.5), "ring of radius 2.5"),
        Energy2D("funnel", _funnel, (-10.0, 10.0, -5.0, 5.0), "Neal's funnel, y ~ N(0, 1.2²)"),
        Energy2D("squiggle", _squiggle, (-6.0, 6.0, -3.0, 3.0), "sine-shaped ridge"),
        Energy2D("u1", _u1, (-4.0, 4.0, -4.0, 4.0), "Rezende–Mohamed U1: split ring"),
        Energy2D("u2", _u2, (-4.0, 4.0, -4.0, 4.0), "Rezende–Mohamed U2: sine valley"),
        Energy2D("u3", _u3, (-4.0, 4.0, -4.0, 4.0), "Rezende–Mohamed U3: forked sine valley"),
    ]
}


def get_energy(name: str) -> Energy2D:
    """Look up a registry energy; a clear KeyError lists the valid names."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown target {name!r}; choose one of: {', '.join(REGISTRY)}, custom") from None
