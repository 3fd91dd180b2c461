r"""An EBM is a classifier (the lecture's "能量模型 vs. 判别模型"), with the exact Z from the grid.

Two classes in 2D: positives from the EBM p_θ(x) = exp(f_θ(x)) q(x) / Z(θ), f_θ = −E/T, negatives from
the base measure q(x) = N(0, s² I); priors p(y=1) = ρ, p(y=0) = 1 − ρ.  Bayes' rule gives the logistic
form of the slides,

    P(y=1 | x) = exp(f_θ(x) + b) / (exp(f_θ(x) + b) + 1),   b = log ρ/(1−ρ) − log Z(θ),

and the same with C classes is the softmax over −E: p(y=c | x) = softmax_c(f_c(x) + b_c),
b_c = log ρ_c − log Z_c.  Here Z(θ) = ∫ exp(f_θ) q dx is integrated on the grid (``grid.integrate`` of
the energy E/T − log q), and the check is that the formula equals the Bayes posterior computed from
the two grid densities.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from ebm_core.landscapes import grid
from ebm_core.landscapes.energies import Energy2D
from ebm_core.ranges import Range

RHO = Range(0.01, 0.99)
BASE_SD = Range(0.5, 10.0)


def base_log_q(x: torch.Tensor, s: float) -> torch.Tensor:
    """log N(x; 0, s² I) in 2D."""
    return -0.5 * (x * x).sum(-1) / s**2 - math.log(2 * math.pi * s**2)


def tilted(energy: Energy2D, temperature: float, s: float) -> Energy2D:
    """The energy of exp(f_θ) q: E/T − log q, so that its Z at T = 1 is Z(θ)."""
    return Energy2D(f"{energy.name}·q(s={s:g})",
                    lambda x: energy(x) / temperature - base_log_q(x, s).to(x.dtype), energy.box)


@dataclass(frozen=True)
class TwoClass:
    xs: np.ndarray
    ys: np.ndarray
    f: np.ndarray  # f_θ(x) = −E(x)/T on the grid, [iy, ix]
    p_theta: np.ndarray  # the EBM's density (normalised on the grid)
    q: np.ndarray  # the base density N(0, s² I)
    log_z: float  # log Z(θ), Z(θ) = ∫ exp(f_θ) q dx
    b: float  # log ρ/(1−ρ) − log Z(θ)
    logistic: np.ndarray  # σ(f_θ + b)
    bayes: np.ndarray  # ρ p_θ / (ρ p_θ + (1−ρ) q)
    rho: float

    @property
    def max_gap(self) -> float:
        return float(np.nanmax(np.abs(self.logistic - self.bayes)))


def two_class(energy: Energy2D, temperature: float, rho: float, s: float, n: int = 200) -> TwoClass:
    rho = RHO.check("rho", rho)
    s = BASE_SD.check("s", s)
    g = grid.integrate(tilted(energy, temperature, s), 1.0, box=energy.box, n=n)
    _, _, pts = grid.grid_points(energy.box, n)
    with torch.inference_mode():
        f = (-energy(pts) / temperature).reshape(n, n).double().numpy()
        q = torch.exp(base_log_q(pts, s)).reshape(n, n).double().numpy()
    b = math.log(rho / (1 - rho)) - g.log_z
    logistic = 1.0 / (1.0 + np.exp(-(f + b)))
    bayes = rho * g.density / (rho * g.density + (1 - rho) * q)
    return TwoClass(g.xs, g.ys, f, g.density, q, g.log_z, b, logistic, bayes, rho)


def softmax_classes(energies: list[Energy2D], priors, box, n: int = 200) -> dict:
    """C classes with energies E_c (T = 1, no base measure): log Z_c on the grid, b_c = log ρ_c − log Z_c,
    p(y=c|x) = softmax_c(−E_c + b_c), and the Bayes posterior ρ_c p_c / Σ ρ_c' p_c' from the grid densities."""
    priors = np.asarray(priors, dtype=float)
    priors = priors / priors.sum()
    gs = [grid.integrate(e, 1.0, box=box, n=n) for e in energies]
    log_z = np.array([g.log_z for g in gs])
    b = np.log(priors) - log_z
    logits = np.stack([-g.energy + bc for g, bc in zip(gs, b)])  # (C, n, n)
    logits -= logits.max(axis=0, keepdims=True)
    soft = np.exp(logits) / np.exp(logits).sum(axis=0, keepdims=True)
    joint = np.stack([r * g.density for r, g in zip(priors, gs)])
    bayes = joint / joint.sum(axis=0, keepdims=True)
    return {"xs": gs[0].xs, "ys": gs[0].ys, "log_z": log_z, "b": b, "softmax": soft, "bayes": bayes,
            "max_gap": float(np.nanmax(np.abs(soft - bayes)))}
