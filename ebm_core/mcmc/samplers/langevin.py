"""Langevin dynamics, as the lecture writes it, and its Metropolis-adjusted version (MALA).

With f(x) = -E(x)/T the lecture's update x_{t+Δt} = x_t + (Δt/2) ∇f(x_t) + √Δt e_t reads

    x' = x - (ε/2) ∇E(x)/T + √ε ξ,   ξ ~ N(0, I),   ε = Δt.

ULA (unadjusted) always moves: it samples p_T only as ε → 0, with a bias that grows with
ε.  MALA uses the same x' as a proposal and accepts it with the MH ratio, where
q(x, x') = N(x' | x - (ε/2)∇E(x)/T, ε I) is not symmetric; that removes the bias.
"""

from __future__ import annotations

import math

import torch

from ebm_core.mcmc.samplers.base import Info, Sampler, State, clamp_log_alpha, freeze_diverged, mh_accept


class ULA(Sampler):
    name = "ula"
    always_accepts = True

    def __init__(self, energy, temperature=1.0, step_size=0.05):
        super().__init__(energy, temperature)
        if not step_size > 0:
            raise ValueError("step size ε must be positive")
        self.eps = float(step_size)

    def init(self, position):
        s = super().init(position)
        s.energy, s.grad = self._energy_grad(s.position)
        return s

    def _energy_grad(self, x):
        e, g = self.energy.energy_and_grad(x)
        return torch.nan_to_num(e, nan=math.inf), g

    def drift(self, state: State) -> torch.Tensor:
        """-(ε/2) ∇E(x)/T: the pull downhill."""
        return -0.5 * self.eps * state.grad / self.T

    def propose(self, state, gen):
        noise = math.sqrt(self.eps) * torch.randn(state.position.shape, generator=gen, dtype=torch.float64)
        drift = self.drift(state)
        return state.position + drift + noise, drift, noise

    def step(self, state, gen):
        prop, drift, noise = self.propose(state, gen)
        e_prop, g_prop = self._energy_grad(torch.where(torch.isfinite(prop), prop, state.position))
        accepted = ~state.diverged
        diverged, move = freeze_diverged(state, prop, accepted, self)
        # A NaN gradient would poison the chain forever: treat it as a divergence too.
        nan_grad = move & ~torch.isfinite(g_prop).all(dim=1)
        diverged, move = diverged | nan_grad, move & ~nan_grad
        pos = torch.where(move[:, None], prop, state.position)
        energy = torch.where(move, e_prop, state.energy)
        grad = torch.where(move[:, None], g_prop, state.grad)
        c = pos.shape[0]
        info = Info(prop, torch.zeros(c, dtype=torch.float64), move, energy, diverged, {"drift": drift, "noise": noise})
        return State(pos, energy, grad, diverged), info


class MALA(ULA):
    name = "mala"
    always_accepts = False

    def log_q(self, x_to, x_from, grad_from):
        """log q(x_from, x_to) = log N(x_to | x_from - (ε/2)∇E(x_from)/T, ε I) + const."""
        mean = x_from - 0.5 * self.eps * grad_from / self.T
        return -((x_to - mean) ** 2).sum(dim=1) / (2 * self.eps)

    def step(self, state, gen):
        prop, drift, noise = self.propose(state, gen)
        safe = torch.where(torch.isfinite(prop), prop, state.position)
        e_prop, g_prop = self._energy_grad(safe)
        log_ratio = (-(e_prop - state.energy) / self.T
                     + self.log_q(state.position, safe, g_prop) - self.log_q(safe, state.position, state.grad))
        log_alpha = clamp_log_alpha(log_ratio)
        log_alpha = torch.where(torch.isfinite(prop).all(dim=1), log_alpha, torch.full_like(log_alpha, -math.inf))
        accepted, u = mh_accept(log_alpha, gen)
        accepted &= ~state.diverged
        diverged, move = freeze_diverged(state, prop, accepted, self)
        pos = torch.where(move[:, None], prop, state.position)
        energy = torch.where(move, e_prop, state.energy)
        grad = torch.where(move[:, None], g_prop, state.grad)
        info = Info(prop, log_alpha, move, energy, diverged,
                    {"drift": drift, "noise": noise, "u": u, "proposal_energy": e_prop})
        return State(pos, energy, grad, diverged), info
