"""Gibbs sampling (Algorithm 19.3): update one coordinate at a time from p(x_j | x_-j).

Every draw comes from the true full conditional, so Gibbs accepts every move.  One
``step`` is a full sweep: x₁ from p(x₁ | x₂), then x₂ from p(x₂ | x₁_new); ``info.extra``
keeps the half-way point so the animation can draw the axis-parallel zig-zag.

* Gaussian targets: the exact conditional N(μ₁ + Σ₁₂/Σ₂₂ (x₂ − μ₂), T (Σ₁₁ − Σ₁₂²/Σ₂₂)).
* Any other target: inverse-CDF sampling of the 1D conditional tabulated on a fine grid
  over the box (piecewise-constant density, uniform within the chosen cell).  The
  conditional is therefore restricted to the box, where the grid truth lives too.
"""

from __future__ import annotations

import math

import torch

from ebm_core.mcmc.samplers.base import Info, Sampler, State


class Gibbs(Sampler):
    name = "gibbs"
    always_accepts = True

    def __init__(self, energy, temperature=1.0, n_grid=512, exact_gaussian=True):
        super().__init__(energy, temperature)
        self.n_grid = int(n_grid)
        self.exact = energy.gaussian is not None and exact_gaussian
        if self.exact:
            self.mu, self.cov = (t.to(torch.float64) for t in energy.gaussian)

    # --- exact Gaussian conditionals -------------------------------------------------
    def _gaussian_conditional(self, x: torch.Tensor, j: int, gen: torch.Generator) -> torch.Tensor:
        k = 1 - j
        s = self.cov
        mean = self.mu[j] + s[j, k] / s[k, k] * (x[:, k] - self.mu[k])
        var = self.T * (s[j, j] - s[j, k] ** 2 / s[k, k])
        return mean + math.sqrt(var) * torch.randn(x.shape[0], generator=gen, dtype=torch.float64)

    # --- 1D inverse CDF on a grid ----------------------------------------------------
    def _grid_conditional(self, x: torch.Tensor, j: int, gen: torch.Generator) -> torch.Tensor:
        lo, hi = self.energy.box[2 * j], self.energy.box[2 * j + 1]
        n, c = self.n_grid, x.shape[0]
        h = (hi - lo) / n
        centres = lo + (torch.arange(n, dtype=torch.float64) + 0.5) * h
        pts = x.repeat_interleave(n, dim=0)  # (c*n, 2): each chain's row, varying x_j
        pts[:, j] = centres.repeat(c)
        logw = -self._energy(pts).reshape(c, n) / self.T
        # A chain whose whole line has no mass stays put (its conditional is undefined).
        dead = ~torch.isfinite(logw.amax(dim=1))
        logw = torch.nan_to_num(logw, nan=-math.inf)
        w = torch.softmax(torch.where(dead[:, None], torch.zeros_like(logw), logw), dim=1)
        cdf = torch.cumsum(w, dim=1)
        u = torch.rand(c, 1, generator=gen, dtype=torch.float64)
        idx = torch.searchsorted(cdf, u * cdf[:, -1:]).clamp(max=n - 1).squeeze(1)
        jitter = torch.rand(c, generator=gen, dtype=torch.float64)
        new = lo + (idx.to(torch.float64) + jitter) * h
        return torch.where(dead, x[:, j], new)

    def conditional(self, x: torch.Tensor, j: int, gen: torch.Generator) -> torch.Tensor:
        """Draw x_j ~ p_T(x_j | x_-j) for every chain."""
        return self._gaussian_conditional(x, j, gen) if self.exact else self._grid_conditional(x, j, gen)

    def step(self, state: State, gen: torch.Generator) -> tuple[State, Info]:
        x = state.position.clone()
        x[:, 0] = self.conditional(x, 0, gen)
        half = x.clone()
        x[:, 1] = self.conditional(x, 1, gen)
        frozen = state.diverged
        x = torch.where(frozen[:, None], state.position, x)
        e = self._energy(x)
        c = x.shape[0]
        accepted = ~frozen
        info = Info(x, torch.zeros(c, dtype=torch.float64), accepted, e, frozen.clone(), {"half": half})
        return State(x, e, None, frozen.clone()), info
