"""Hamiltonian Monte Carlo: momentum p ~ N(0, I), L leapfrog steps of size ε, MH test.

H(x, p) = E(x)/T + |p|²/2.  Leapfrog is volume-preserving and reversible, so the
acceptance probability is α = min{1, exp(H(x, p) - H(x', p'))}.  A trajectory whose
energy error explodes (|ΔH| > 1000 or non-finite) is reported as divergent and rejected.
"""

from __future__ import annotations

import math

import torch

from ebm_core.mcmc.samplers.base import Info, clamp_log_alpha, freeze_diverged, mh_accept
from ebm_core.mcmc.samplers.langevin import ULA

#: |ΔH| above this marks a divergent trajectory (as in Stan and BlackJAX).
MAX_ENERGY_ERROR = 1000.0


class HMC(ULA):
    name = "hmc"
    always_accepts = False

    def __init__(self, energy, temperature=1.0, step_size=0.2, n_leapfrog=10):
        super().__init__(energy, temperature, step_size)
        if not 1 <= int(n_leapfrog) <= 1000:
            raise ValueError("leapfrog steps L must be between 1 and 1000")
        self.L = int(n_leapfrog)

    def leapfrog(self, x, p, grad):
        """L leapfrog steps on U = E/T; returns the end point, its momentum, E, ∇E and the path."""
        eps, T = self.eps, self.T
        path = [x]
        e = None
        p = p - 0.5 * eps * grad / T
        for i in range(self.L):
            x = x + eps * p
            # Keep the arithmetic finite once a trajectory has blown up; it is rejected anyway.
            x = torch.nan_to_num(x, nan=1e300, posinf=1e300, neginf=-1e300)
            e, grad = self._energy_grad(x)
            grad = torch.nan_to_num(grad)
            path.append(x)
            p = p - (eps if i < self.L - 1 else 0.5 * eps) * grad / T
        return x, p, e, grad, torch.stack(path)

    def step(self, state, gen):
        p0 = torch.randn(state.position.shape, generator=gen, dtype=torch.float64)
        x1, p1, e1, g1, path = self.leapfrog(state.position, p0, state.grad)
        h0 = state.energy / self.T + 0.5 * (p0**2).sum(dim=1)
        h1 = e1 / self.T + 0.5 * (p1**2).sum(dim=1)
        delta = h0 - h1
        blown = ~torch.isfinite(delta) | (delta.abs() > MAX_ENERGY_ERROR) | self.runaway(x1)
        log_alpha = torch.where(blown, torch.full_like(delta, -math.inf), clamp_log_alpha(delta))
        accepted, u = mh_accept(log_alpha, gen)
        accepted &= ~state.diverged
        diverged, move = freeze_diverged(state, x1, accepted, self)
        # A divergent transition is rejected and reported; unlike a runaway ULA chain, the
        # HMC chain itself goes on from where it was.
        step_diverged = diverged | (blown & ~state.diverged)
        pos = torch.where(move[:, None], x1, state.position)
        energy = torch.where(move, e1, state.energy)
        grad = torch.where(move[:, None], g1, state.grad)
        info = Info(x1, log_alpha, move, energy, step_diverged,
                    {"u": u, "path": path, "momentum": p0, "delta_h": delta, "proposal_energy": e1})
        return type(state)(pos, energy, grad, diverged), info
