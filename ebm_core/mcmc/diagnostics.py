"""Chain diagnostics: acceptance, autocorrelation, ESS, R-hat and the running estimate f_mn.

ESS (bulk and tail), rank-normalised split R-hat, the autocorrelation and the Monte-Carlo
standard error come from arviz-stats (Vehtari et al. 2021), not from hand-written code.  Burn-in follows the lecture: draws x₁ … x_m are
discarded and f_mn = 1/(n − m) Σ_{i=m+1}^{n} f(x_i).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from arviz_stats.base import array_stats

#: Functions f(x, y) whose running estimate f_mn the page can show (numpy-vectorised).
F_CHOICES = {
    "x": lambda x, y: x,
    "y": lambda x, y: y,
    "x^2": lambda x, y: x**2,
    "y^2": lambda x, y: y**2,
    "xy": lambda x, y: x * y,
    "r": lambda x, y: np.sqrt(x**2 + y**2),
    "1[x>0]": lambda x, y: (x > 0).astype(float),
    # the spread across the correlated Gaussian's narrow diagonal, where ULA's bias lies (issue 12)
    "(x-y)^2": lambda x, y: (x - y) ** 2,
}


def after_burn_in(positions: np.ndarray, m: int) -> np.ndarray:
    """Draws x_{m+1} … x_n of every chain: positions is (n+1, C, d) with x₀ at index 0."""
    m = int(np.clip(m, 0, positions.shape[0] - 2))
    return positions[m + 1:]


def acceptance_rate(accepted: np.ndarray, m: int = 0) -> float:
    """Share of accepted proposals among transitions m+1 … n (all chains)."""
    acc = accepted[int(m):]
    return float(acc.mean()) if acc.size else math.nan


def ess(draws: np.ndarray, method: str = "bulk") -> float:
    """Effective sample size of a (n, C) array of one scalar across chains."""
    arr = np.ascontiguousarray(draws.T, dtype=np.float64)  # (C, n): chains first
    if arr.shape[1] < 4 or not np.all(np.isfinite(arr)):
        return math.nan
    with warnings.catch_warnings():  # a stuck (constant) chain divides by zero: ESS is then nan
        warnings.simplefilter("ignore", RuntimeWarning)
        if method == "tail":
            return float(array_stats.ess(arr, chain_axis=0, draw_axis=1, method="tail", prob=(0.05, 0.95)))
        return float(array_stats.ess(arr, chain_axis=0, draw_axis=1, method=method))


def rhat(draws: np.ndarray) -> float:
    """Rank-normalised split R-hat of a (n, C) array; ≈ 1 when chains agree."""
    arr = np.ascontiguousarray(draws.T, dtype=np.float64)
    if arr.shape[1] < 4 or not np.all(np.isfinite(arr)):
        return math.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(array_stats.rhat(arr, chain_axis=0, draw_axis=1, method="rank"))


def autocorrelation(x: np.ndarray, max_lag: int = 100) -> np.ndarray:
    """Autocorrelation ρ(0 … max_lag) of one chain (arviz-stats: FFT, the biased estimator ESS uses)."""
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    max_lag = min(max_lag, n - 1)
    if n < 2 or not np.any(x - x.mean()):  # a stuck chain: ρ ≡ 1 by convention (0/0 otherwise)
        return np.ones(max_lag + 1) if n else np.zeros(0)
    return np.asarray(array_stats.autocorr(x))[: max_lag + 1]


def running_estimate(values: np.ndarray, m: int) -> np.ndarray:
    """f_mn for n = m+1 … N, pooled over chains: values is (N+1, C) of f(x_i)."""
    v = after_burn_in(values[..., None], m)[..., 0]  # (n - m, C)
    csum = np.cumsum(v.mean(axis=1))
    return csum / np.arange(1, csum.size + 1)


@dataclass
class Summary:
    acceptance: float
    ess_bulk: tuple[float, float]  # per coordinate (x, y)
    ess_tail: tuple[float, float]
    rhat: tuple[float, float]
    mean: np.ndarray
    cov: np.ndarray
    n_kept: int  # draws per chain after burn-in

    def as_dict(self) -> dict:
        return {
            "acceptance_rate": self.acceptance,
            "ess_bulk": list(self.ess_bulk),
            "ess_tail": list(self.ess_tail),
            "rhat": list(self.rhat),
            "sample_mean": self.mean.tolist(),
            "sample_cov": self.cov.tolist(),
            "draws_per_chain": self.n_kept,
        }


def summarise(positions: np.ndarray, accepted: np.ndarray, m: int) -> Summary:
    """All the numbers under the picture, for draws after burn-in m."""
    kept = after_burn_in(positions, m)  # (n - m, C, 2)
    flat = kept.reshape(-1, 2)
    finite = flat[np.all(np.isfinite(flat), axis=1)]
    mean = finite.mean(axis=0) if len(finite) else np.full(2, np.nan)
    cov = np.cov(finite.T) if len(finite) > 2 else np.full((2, 2), np.nan)
    return Summary(
        acceptance_rate(accepted, m),
        tuple(ess(kept[..., j]) for j in range(2)),
        tuple(ess(kept[..., j], "tail") for j in range(2)),
        tuple(rhat(kept[..., j]) for j in range(2)),
        mean, cov, kept.shape[0],
    )


def mc_standard_error(draws: np.ndarray) -> float:
    """Monte-Carlo standard error of the mean of a (n, C) scalar (arviz-stats: sd / sqrt(ESS_mean));
    inf when it cannot be estimated (too few draws, a non-finite draw, a stuck chain)."""
    arr = np.ascontiguousarray(draws.T, dtype=np.float64)  # (C, n): chains first
    if arr.shape[1] < 4 or not np.all(np.isfinite(arr)):
        return math.inf
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        se = float(array_stats.mcse(arr, chain_axis=0, draw_axis=1, method="mean"))
    return se if math.isfinite(se) and se > 0 else math.inf


def fraction_outside(positions: np.ndarray, box) -> np.ndarray:
    """Per chain, the share of its states x_0..x_n outside the drawn box (the canvas clips them)."""
    x0, x1, y0, y1 = box
    x, y = positions[..., 0], positions[..., 1]
    out = ~((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))  # NaN counts as outside
    return out.mean(axis=0)
