"""Hamiltonian Monte Carlo: momentum p ~ N(0, I), L leapfrog steps of size ε, MH test.

H(x, p) = E(x)/T + |p|²/2.  Leapfrog is volume-preserving and reversible, so the
acceptance probability is α = min{1, exp(H(x, p) - H(x', p'))}.  A trajectory whose
energy error explodes (|ΔH| > 1000 or non-finite) is reported as divergent and rejected.
ε is ``step_size`` and L is ``n_leapfrog``; the accept test is the shared ``Metropolis``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from ebm_core.mcmc.config import N_LEAPFROG, STEP_SIZE, checked
from ebm_core.mcmc.samplers.base import Info, Metropolis, Sampler, first, first_xy, mh_numbers, normal, uniform

#: |ΔH| above this marks a divergent trajectory (as in Stan and BlackJAX).
MAX_ENERGY_ERROR = 1000.0


@dataclass
class HMCInfo(Info):
    """An HMC transition: one leapfrog trajectory and the MH test on H."""

    u: torch.Tensor  #: (C,) the uniform draw of the accept test
    proposal_energy: torch.Tensor  #: (C,) E at the end of the trajectory
    momentum: torch.Tensor  #: (C, 2) p drawn at the start
    path: torch.Tensor  #: (L+1, C, 2) the leapfrog positions, start included
    delta_h: torch.Tensor  #: (C,) H(x, p) - H(x', p'): 0 for exact dynamics


@dataclass
class HMCRandoms:
    momentum: torch.Tensor  #: (C, 2) p ~ N(0, I)
    u: torch.Tensor  #: (C,) U(0, 1) for the accept test


class HMC(Sampler):
    name = "hmc"
    uses_gradient = True
    always_accepts = False
    RECORDS = ("momentum", "path")

    def __init__(self, energy, temperature=1.0, step_size=0.2, n_leapfrog=10):
        super().__init__(energy, temperature)
        self.step_size = checked(STEP_SIZE, "step_size", step_size)
        self.n_leapfrog = checked(N_LEAPFROG, "n_leapfrog", n_leapfrog)
        self.metropolis = Metropolis()

    def leapfrog(self, x, p, grad, synced: list | None = None):
        """L leapfrog steps on U = E/T; returns the end point, its momentum, E, ∇E and the path.

        ``synced`` (a list, for "explain one step"): (E(x_k), p_k) at every point k = 1..L of the
        path is appended to it, p_k the momentum at x_k (the half kick done: p_{k-½} - (ε/2)∇U(x_k)),
        so that H(x_k, p_k) can be written along the path; p_L is the returned momentum."""
        step, T, n = self.step_size, self.T, self.n_leapfrog
        path = [x]
        e = None
        p = p - 0.5 * step * grad / T
        for i in range(n):
            x = x + step * p
            # Keep the arithmetic finite once a trajectory has blown up; it is rejected anyway.
            x = torch.nan_to_num(x, nan=1e300, posinf=1e300, neginf=-1e300)
            e, grad = self._energy_grad(x)
            grad = torch.nan_to_num(grad)
            path.append(x)
            if synced is not None:
                synced.append((e, p - 0.5 * step * grad / T))
            p = p - (step if i < n - 1 else 0.5 * step) * grad / T
        return x, p, e, grad, torch.stack(path)

    def energy_errors(self, state, momentum) -> tuple[torch.Tensor, torch.Tensor]:
        """(ΔH_k, path): H(x, p) - H(x_k, p_k) at the points k = 0..L of the leapfrog trajectory
        from ``state`` with initial ``momentum`` ((L+1, C) and (L+1, C, 2)): the same arithmetic
        as ``transition``, so ΔH_L is its ``delta_h`` and the path its ``path``."""
        synced = []
        *_, path = self.leapfrog(state.position, momentum, state.grad, synced)
        h0 = state.energy / self.T + 0.5 * (momentum**2).sum(dim=1)
        dh = [torch.zeros_like(h0)] + [h0 - (e / self.T + 0.5 * (p**2).sum(dim=1)) for e, p in synced]
        return torch.stack(dh), path

    def draw(self, n_chains, gen):
        return HMCRandoms(normal(n_chains, gen), uniform(n_chains, gen))

    def transition(self, state, r: HMCRandoms):
        p0 = r.momentum
        x1, p1, e1, g1, path = self.leapfrog(state.position, p0, state.grad)
        h0 = state.energy / self.T + 0.5 * (p0**2).sum(dim=1)
        h1 = e1 / self.T + 0.5 * (p1**2).sum(dim=1)
        delta = h0 - h1
        blown = ~torch.isfinite(delta) | (delta.abs() > MAX_ENERGY_ERROR) | self.runaway(x1)
        log_alpha = torch.where(blown, torch.full_like(delta, -math.inf), self.metropolis.log_alpha(delta))
        diverged, move = self.metropolis.accept(log_alpha, r.u, state, x1, self)
        # A divergent transition is rejected and reported; unlike a runaway ULA chain, the
        # HMC chain itself goes on from where it was.
        step_diverged = diverged | (blown & ~state.diverged)
        pos = torch.where(move[:, None], x1, state.position)
        energy = torch.where(move, e1, state.energy)
        grad = torch.where(move[:, None], g1, state.grad)
        info = HMCInfo(x1, log_alpha, move, energy, step_diverged, r.u, e1, p0, path, delta)
        return type(state)(pos, energy, grad, diverged), info

    def _explain(self, state, r, new, info):
        dh, _ = self.energy_errors(state, info.momentum)
        return mh_numbers(info) | {"step_size": self.step_size, "n_leapfrog": self.n_leapfrog,
                                   "delta_h": first(info.delta_h), "momentum": first_xy(info.momentum),
                                   "path": info.path[:, 0, :].tolist(), "delta_h_path": dh[:, 0].tolist()}
