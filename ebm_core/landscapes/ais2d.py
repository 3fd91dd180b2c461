r"""Annealed importance sampling (Neal 2001) on a 2D target, where the grid knows log Z exactly.

The RBM page estimates an intractable log Z by AIS; here the same method runs where the answer
is on screen.  From a broad Gaussian base q = N(c, s² I) (normalised: Z_0 = 1), centred on the
box, to the target's unnormalised p*_T(x) = exp(−E(x)/T), through

    log f_β(x) = (1 − β) log q(x) + β (−E(x)/T),   0 = β_0 < β_1 < … < β_K = 1.

Each run draws x ~ q exactly, then for k = 1 … K adds log f_{β_k}(x) − log f_{β_{k−1}}(x) =
(β_k − β_{k−1}) (−E(x)/T − log q(x)) to its log weight and moves x by ``mh_steps``
Metropolis–Hastings steps that leave f_{β_k} invariant.  The mean of the weights is an unbiased
estimate of Z = ∫ exp(−E/T) dx:

    log Ẑ = log mean_r w_r,    se(log Ẑ) ≈ sd(w) / (mean(w) √R)   (delta method),

and log Ẑ tends to log Z as K grows (Jensen: E[log Ẑ] ≤ log Z, so too few temperatures read low).
The MH step size moves from the base's s to σ_T = ``step_size``·√T along the path, geometrically.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from ebm_core.landscapes import grid
from ebm_core.landscapes.energies import Energy2D
from ebm_core.ranges import TEMPERATURE, Range

BETAS = Range(1, 100_000, integer=True)  # K, the number of annealing steps
RUNS = Range(2, 100_000, integer=True)  # R
MH_STEPS = Range(1, 100, integer=True)
STEP_SIZE = Range(1e-6, 100.0)  # σ of the MH moves at β = 1, before the √T


def beta_schedule(k: int) -> np.ndarray:
    """β_0 = 0 … β_K = 1: geometric from 1e-4 (the base dominates early; most change happens at
    small β, where log f moves fastest relative to its spread), with β_0 = 0."""
    if k == 1:
        return np.array([0.0, 1.0])
    return np.concatenate([[0.0], np.geomspace(1e-4, 1.0, k)])


@dataclass(frozen=True)
class Base:
    """The normalised base q = N(c, s² I) in 2D."""

    centre: tuple[float, float]
    scale: float

    def log_q(self, x: torch.Tensor) -> torch.Tensor:
        c = torch.tensor(self.centre, dtype=x.dtype)
        return -((x - c) ** 2).sum(1) / (2 * self.scale**2) - math.log(2 * math.pi * self.scale**2)

    def sample(self, n: int, gen: torch.Generator) -> torch.Tensor:
        c = torch.tensor(self.centre, dtype=torch.float64)
        return c + self.scale * torch.randn(n, 2, generator=gen, dtype=torch.float64)


def broad_base(energy: Energy2D, temperature: float) -> Base:
    """Centred on the box, s = half the box's larger side (× √T above T = 1): it covers p_T."""
    x0, x1, y0, y1 = energy.box
    return Base(((x0 + x1) / 2, (y0 + y1) / 2), 0.5 * max(x1 - x0, y1 - y0) * math.sqrt(max(temperature, 1.0)))


@dataclass
class AIS2DResult:
    log_z: float
    log_z_se: float
    exact_log_z: float
    log_w: np.ndarray  # (R,) each run's log weight
    betas: np.ndarray  # (K+1,)
    ess: float  # (Σw)² / Σw²: how many runs effectively count
    acceptance: float
    final: np.ndarray  # (R, 2) each run's last point (≈ draws from p_T)
    temperature: float

    def as_dict(self) -> dict:
        return {"log_z": self.log_z, "log_z_se": self.log_z_se, "exact_log_z": self.exact_log_z,
                "error": self.log_z - self.exact_log_z, "runs": int(self.log_w.size), "betas": int(self.betas.size - 1),
                "ess": self.ess, "acceptance_rate": self.acceptance, "temperature": self.temperature}


def log_mean_exp_se(log_w: np.ndarray) -> tuple[float, float, float]:
    """(log mean w, delta-method se of it, ESS) from log weights, without overflow."""
    top = float(np.max(log_w))
    w = np.exp(log_w - top)
    m = float(w.mean())
    se = float(w.std(ddof=1) / (m * math.sqrt(w.size))) if w.size > 1 else math.inf
    return top + math.log(m), se, float(w.sum() ** 2 / (w**2).sum())


def ais_log_z(energy: Energy2D, temperature: float = 1.0, betas: int = 200, runs: int = 500, seed: int = 0,
              mh_steps: int = 2, step_size: float = 0.8, base: Base | None = None, exact: bool = True) -> AIS2DResult:
    """AIS estimate of log Z(T) = log ∫ exp(−E(x)/T) dx with its standard error, beside the grid's."""
    T = TEMPERATURE.check("temperature", temperature)
    k = BETAS.check("betas", betas)
    r = RUNS.check("runs", runs)
    mh_steps = MH_STEPS.check("mh_steps", mh_steps)
    STEP_SIZE.check("step_size", step_size)
    base = base or broad_base(energy, T)
    bs = beta_schedule(k)
    gen = torch.Generator().manual_seed(int(seed))

    def log_target(x):
        return -torch.nan_to_num(energy(x), nan=math.inf) / T

    sigma_T = step_size * math.sqrt(T)
    n_acc = 0
    with torch.inference_mode():
        x = base.sample(r, gen)
        lq, lp = base.log_q(x), log_target(x)
        log_w = torch.zeros(r, dtype=torch.float64)
        for j in range(1, k + 1):
            b, b_old = float(bs[j]), float(bs[j - 1])
            log_w += (b - b_old) * (lp - lq)
            sigma = base.scale ** (1 - b) * sigma_T**b
            for _ in range(mh_steps):  # MH leaving f_b invariant
                prop = x + sigma * torch.randn(r, 2, generator=gen, dtype=torch.float64)
                lq_p, lp_p = base.log_q(prop), log_target(prop)
                log_ratio = (1 - b) * (lq_p - lq) + b * (lp_p - lp)
                u = torch.rand(r, generator=gen, dtype=torch.float64)
                acc = torch.log(u) < torch.nan_to_num(log_ratio, nan=-math.inf)
                x = torch.where(acc[:, None], prop, x)
                lq, lp = torch.where(acc, lq_p, lq), torch.where(acc, lp_p, lp)
                n_acc += int(acc.sum())
    lw = log_w.numpy()
    if not np.isfinite(lw).any():
        raise ValueError("every AIS run has zero weight: p_T has no mass where the base puts it")
    lw = np.where(np.isfinite(lw), lw, -np.inf)
    log_z, se, ess = log_mean_exp_se(lw)
    exact_log_z = grid.integrate(energy, T).log_z if exact else math.nan
    return AIS2DResult(log_z, se, exact_log_z, lw, bs, ess, n_acc / (r * k * mh_steps), x.numpy(), T)


def intermediate_log_density(energy: Energy2D, temperature: float, beta: float, base: Base | None = None,
                             n: int = 120, box=None):
    """(xs, ys, normalised density of f_β on an n×n grid): the path of distributions AIS walks."""
    base = base or broad_base(energy, temperature)
    xs, ys, e = grid.evaluate_on_grid(energy, box or energy.box, n)
    gx, gy = np.meshgrid(xs, ys)
    lq = -((gx - base.centre[0]) ** 2 + (gy - base.centre[1]) ** 2) / (2 * base.scale**2)
    lf = (1 - beta) * lq + beta * (-e / temperature)
    lf = np.where(np.isfinite(lf), lf, -np.inf)
    p = np.exp(lf - lf.max())
    return xs, ys, p / p.sum()
