"""Gibbs sampling (Algorithm 19.3): update one coordinate at a time from p(x_j | x_-j).

Every draw comes from the true full conditional, so Gibbs accepts every move.  One
``step`` is a full sweep: x₁ from p(x₁ | x₂), then x₂ from p(x₂ | x₁_new); ``GibbsInfo.half``
keeps the half-way point so the animation can draw the axis-parallel zig-zag.

* Gaussian targets: the exact conditional N(μ₁ + Σ₁₂/Σ₂₂ (x₂ − μ₂), T (Σ₁₁ − Σ₁₂²/Σ₂₂)).
* Any other target: inverse-CDF sampling of the 1D conditional tabulated on a grid
  (piecewise-constant density, uniform within the chosen cell).  The line is the one the
  grid truth integrates over at this T, ``grid.support_box(energy, T)`` (wider than the drawn
  box when T > 1, or when p_T has tails beyond it), so Gibbs samples the very p_T the "exact"
  numbers describe; it once used the drawn box and at T = 20 on the mixture gave variances
  6.7 where p_T has 11.5.  Because that line can be long, it is tabulated twice: a coarse pass
  over the whole line finds where the conditional's mass lies, a fine pass over that window
  is drawn from; the resolution then follows the conditional's width, not the box's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from ebm_core.landscapes.grid import support_box
from ebm_core.mcmc.samplers.base import Info, Sampler, State, first, first_xy

#: The coarse pass keeps the cells between these tail masses (plus one cell either side).
WINDOW_TAIL = 1e-12


@dataclass
class GibbsInfo(Info):
    """A Gibbs sweep (always accepted; ``log_alpha`` is 0)."""

    half: torch.Tensor  #: (C, 2) the point after updating x₁ only


@dataclass
class GibbsRandoms:
    """Exact Gaussian conditionals: ``a`` = z₁, ``b`` = z₂ ~ N(0, 1) (C,), ``c``, ``d`` unused (0, 0).
    Grid conditionals: per coordinate j a uniform picking the cell (C, 1) and one placing the
    point inside it (C,): ``a``, ``b`` for x₁ and ``c``, ``d`` for x₂."""

    a: torch.Tensor
    b: torch.Tensor
    c: torch.Tensor
    d: torch.Tensor


class Gibbs(Sampler):
    name = "gibbs"
    always_accepts = True

    def __init__(self, energy, temperature=1.0, n_grid=512, exact_gaussian=True):
        super().__init__(energy, temperature)
        self.n_grid = int(n_grid)
        self.exact = energy.gaussian is not None and exact_gaussian
        if self.exact:
            self.mu, self.cov = (t.to(torch.float64) for t in energy.gaussian)
        else:  # (x_min, x_max, y_min, y_max) of the lines the conditionals live on
            self.line = support_box(energy, float(self.T))
        # A quarter of the cells locate the mass, the rest resolve it.
        self.n_coarse = self.n_grid // 4
        self._tails = torch.tensor([[WINDOW_TAIL, 1 - WINDOW_TAIL]], dtype=torch.float64)
        self._fine_cells = torch.arange(self.n_grid - self.n_coarse, dtype=torch.float64) + 0.5

    @property
    def line(self):
        return self._line

    @line.setter
    def line(self, box):
        """Setting the lines (tests set the drawn box, to show what Gibbs did before) re-tabulates
        the coarse cell centres."""
        self._line = tuple(box)
        nc = self.n_grid // 4
        cells = torch.arange(nc, dtype=torch.float64) + 0.5
        self._coarse_centres = [self._line[2 * j] + cells * (self._line[2 * j + 1] - self._line[2 * j]) / nc
                                for j in range(2)]

    def draw(self, n_chains, gen):
        if self.exact:  # z for x₁, then z for x₂
            z1 = torch.randn(n_chains, generator=gen, dtype=torch.float64)
            z2 = torch.randn(n_chains, generator=gen, dtype=torch.float64)
            return GibbsRandoms(z1, z2, z1[:0], z2[:0])
        cells, jitters = [], []
        for _ in range(2):  # the cell, then the point inside it, for x₁ then x₂
            cells.append(torch.rand(n_chains, 1, generator=gen, dtype=torch.float64))
            jitters.append(torch.rand(n_chains, generator=gen, dtype=torch.float64))
        return GibbsRandoms(cells[0], jitters[0], cells[1], jitters[1])

    # --- exact Gaussian conditionals -------------------------------------------------
    def gaussian_conditional(self, x: torch.Tensor, j: int) -> tuple[torch.Tensor, float]:
        """Mean (C,) and variance of p_T(x_j | x_-j) for a Gaussian target."""
        k = 1 - j
        s = self.cov
        mean = self.mu[j] + s[j, k] / s[k, k] * (x[:, k] - self.mu[k])
        var = self.T * (s[j, j] - s[j, k] ** 2 / s[k, k])
        return mean, var

    def _gaussian_draw(self, x: torch.Tensor, j: int, z: torch.Tensor) -> torch.Tensor:
        mean, var = self.gaussian_conditional(x, j)
        return mean + math.sqrt(var) * z

    # --- 1D inverse CDF on a grid ----------------------------------------------------
    def _line_log_weights(self, x: torch.Tensor, j: int, centres: torch.Tensor) -> torch.Tensor:
        """-E/T at every chain's points (C, n) whose coordinate j is ``centres`` (C, n)."""
        c, n = centres.shape
        pts = torch.empty((c * n, 2), dtype=torch.float64)
        pts[:, j] = centres.reshape(-1)
        pts[:, 1 - j] = x[:, 1 - j].repeat_interleave(n)  # each chain's other coordinate, held fixed
        return -self._energy(pts).reshape(c, n) / self.T  # (_energy: NaN is +inf, no mass)

    @staticmethod
    def _cdf(logw: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(unnormalised CDF over the cells (C, n), dead): a chain whose whole line has no mass is dead."""
        top = logw.amax(dim=1, keepdim=True)
        dead = ~torch.isfinite(top[:, 0])
        return torch.cumsum(torch.exp(logw - torch.where(dead[:, None], 0.0, top)), dim=1), dead

    def _grid_draw(self, x: torch.Tensor, j: int, u: torch.Tensor, jitter: torch.Tensor) -> torch.Tensor:
        lo, hi = self.line[2 * j], self.line[2 * j + 1]
        nc, nf, c = self.n_coarse, self.n_grid - self.n_coarse, x.shape[0]
        # Coarse pass over the whole line: the window [a, b] holding all but ~1e-12 of the mass.
        hc = (hi - lo) / nc
        cdf, dead = self._cdf(self._line_log_weights(x, j, self._coarse_centres[j].expand(c, nc)))
        tails = cdf[:, -1:] * self._tails
        ends = torch.searchsorted(cdf, tails)  # (C, 2): first and last cell holding mass
        a = lo + (ends[:, 0] - 1).clamp(min=0).to(torch.float64) * hc
        b = lo + (ends[:, 1] + 2).clamp(max=nc).to(torch.float64) * hc
        # Fine pass over the window, drawn from: pick a cell by its CDF, a point uniformly in it.
        h = (b - a) / nf
        cdf, dead_window = self._cdf(self._line_log_weights(x, j, a[:, None] + self._fine_cells * h[:, None]))
        idx = torch.searchsorted(cdf, u * cdf[:, -1:]).clamp(max=nf - 1).squeeze(1)
        new = a + (idx.to(torch.float64) + jitter) * h
        return torch.where(dead | dead_window, x[:, j], new)

    def conditional(self, x: torch.Tensor, j: int, r: GibbsRandoms) -> torch.Tensor:
        """Draw x_j ~ p_T(x_j | x_-j) for every chain, with the sweep's randoms."""
        if self.exact:
            return self._gaussian_draw(x, j, r.a if j == 0 else r.b)
        return self._grid_draw(x, j, *((r.a, r.b) if j == 0 else (r.c, r.d)))

    def transition(self, state: State, r: GibbsRandoms) -> tuple[State, GibbsInfo]:
        x = state.position.clone()
        x[:, 0] = self.conditional(x, 0, r)
        half = x.clone()
        x[:, 1] = self.conditional(x, 1, r)
        frozen = state.diverged
        x = torch.where(frozen[:, None], state.position, x)
        e = self._energy(x)
        c = x.shape[0]
        accepted = ~frozen
        info = GibbsInfo(x, torch.zeros(c, dtype=torch.float64), accepted, e, frozen.clone(), half)
        return State(x, e, None, frozen.clone()), info

    def _explain(self, state, r, new, info):
        out = {"half": first_xy(info.half), "E_new": first(new.energy), "exact": self.exact}
        if self.exact:
            (m1, v1), (m2, v2) = self.gaussian_conditional(state.position, 0), self.gaussian_conditional(info.half, 1)
            out["cond1"], out["cond2"] = (first(m1), float(v1)), (first(m2), float(v2))
        return out
