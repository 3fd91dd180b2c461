"""The diagnostics of a window of steps a … b: what the page's numbers say about those draws only.

Brushing a window on the trace asks "had the chains mixed by then?": the first hundred steps of a
mixture run give an R-hat far above 1, the steps after burn-in one close to 1.  The numbers are the
engine's own (``ebm_core.mcmc.diagnostics``) on the slice ``positions[a : b + 1]``: step i is the
draw x_i, and x_0 (the starting point) is no draw, so windows lie in 1 … n.  With no window, the
page's: the draws after burn-in, m+1 … n.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ebm_core.mcmc import diagnostics


def bounds(lo: float, hi: float, n: int) -> tuple[int, int]:
    """The draws i with lo ≤ i ≤ hi, as (a, b) within 1 … n (a > b: no draw lies in the window).

    A brush gives real numbers (it is drawn on a continuous step axis), in either order."""
    lo, hi = float(lo), float(hi)
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError("window bounds must be finite")
    lo, hi = min(lo, hi), max(lo, hi)
    a = int(math.ceil(min(max(lo, 1.0), n + 1.0)))
    b = int(math.floor(min(max(hi, 0.0), float(n))))
    return a, b


def default_bounds(n: int, m: int) -> tuple[int, int]:
    """No window chosen: the draws after burn-in, m+1 … n (as ``diagnostics.after_burn_in``)."""
    m = int(np.clip(m, 0, n - 1))
    return m + 1, n


@dataclass
class WindowNumbers:
    a: int
    b: int
    draws: int                    # per chain
    acceptance: float             # of the transitions into x_a … x_b
    ess_bulk: tuple[float, float]  # per coordinate (x, y)
    rhat: tuple[float, float]
    f_mn: float                   # 1/(b − a + 1) Σ_{i=a}^{b} f(x_i), pooled over chains


def numbers(positions: np.ndarray, accepted: np.ndarray, f_values: np.ndarray, a: int, b: int) -> WindowNumbers:
    """Bulk ESS, R-hat, acceptance and f_mn of draws a … b (``bounds``); positions (n+1, C, 2), accepted
    (n, C), f_values (n+1, C) of f(x_i).  Too short a window gives nan (ESS and R-hat need 4 draws)."""
    n = accepted.shape[0]
    a, b = max(int(a), 1), min(int(b), n)
    if a > b:
        nan2 = (math.nan, math.nan)
        return WindowNumbers(a, b, 0, math.nan, nan2, nan2, math.nan)
    kept = positions[a:b + 1]  # (b − a + 1, C, 2)
    fv = np.asarray(f_values[a:b + 1], dtype=np.float64)
    return WindowNumbers(
        a, b, kept.shape[0],
        float(accepted[a - 1:b].mean()),  # accepted[i − 1] is the move that made x_i
        tuple(diagnostics.ess(kept[..., j]) for j in range(2)),
        tuple(diagnostics.rhat(kept[..., j]) for j in range(2)),
        float(fv.mean()) if np.all(np.isfinite(fv)) else math.nan,
    )
