"""Langevin dynamics, as the lecture writes it, and its Metropolis-adjusted version (MALA).

With f(x) = -E(x)/T the lecture's update x_{t+Δt} = x_t + (Δt/2) ∇f(x_t) + √Δt e_t reads

    x' = x - (ε/2) ∇E(x)/T + √ε ξ,   ξ ~ N(0, I),   ε = Δt = step_size.

ULA (unadjusted) always moves: it samples p_T only as ε → 0, with a bias that grows with
ε.  MALA uses the same x' (the ``Langevin`` proposal, which both hold) and accepts it with
the shared ``Metropolis`` test, where q(x, x') = N(x' | x - (ε/2)∇E(x)/T, ε I) is not
symmetric; that removes the bias.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from ebm_core.mcmc.config import STEP_SIZE, checked
from ebm_core.mcmc.samplers.base import (Info, Metropolis, Sampler, State, first, first_xy, freeze_diverged,
                                         mh_numbers, normal, uniform)


@dataclass
class LangevinInfo(Info):
    """A ULA step: x' = x + drift + noise."""

    drift: torch.Tensor  #: (C, 2) -(ε/2) ∇E(x)/T, the pull downhill
    noise: torch.Tensor  #: (C, 2) √ε ξ


@dataclass
class MALAInfo(LangevinInfo):
    """A MALA step: the Langevin proposal and the MH test."""

    u: torch.Tensor  #: (C,) the uniform draw of the accept test
    proposal_energy: torch.Tensor  #: (C,) E(x')
    log_q_forward: torch.Tensor  #: (C,) log q(x, x') (up to a constant that cancels)
    log_q_backward: torch.Tensor  #: (C,) log q(x', x)


@dataclass
class ULARandoms:
    noise: torch.Tensor  #: (C, 2) ξ ~ N(0, I)


@dataclass
class MALARandoms:
    noise: torch.Tensor  #: (C, 2) ξ ~ N(0, I)
    u: torch.Tensor  #: (C,) U(0, 1) for the accept test


@dataclass(frozen=True)
class Langevin:
    """The Langevin proposal x' = x - (ε/2) ∇E(x)/T + √ε ξ and its density q(x, x')."""

    step_size: float
    T: float

    def drift(self, grad: torch.Tensor) -> torch.Tensor:
        """-(ε/2) ∇E(x)/T: the pull downhill."""
        return -0.5 * self.step_size * grad / self.T

    def propose(self, state: State, xi: torch.Tensor):
        """(x', drift, noise)."""
        noise = math.sqrt(self.step_size) * xi
        drift = self.drift(state.grad)
        return state.position + drift + noise, drift, noise

    def log_q(self, x_to, x_from, grad_from):
        """log q(x_from, x_to) = log N(x_to | x_from - (ε/2)∇E(x_from)/T, ε I) + const."""
        mean = x_from - 0.5 * self.step_size * grad_from / self.T
        return -((x_to - mean) ** 2).sum(dim=1) / (2 * self.step_size)


class _LangevinSampler(Sampler):
    uses_gradient = True
    RECORDS = ("drift", "noise")

    def __init__(self, energy, temperature=1.0, step_size=0.05):
        super().__init__(energy, temperature)
        self.step_size = checked(STEP_SIZE, "step_size", step_size)
        self.langevin = Langevin(self.step_size, self.T)

    @property
    def proposal_scale(self) -> float:
        """The proposal's standard deviation per coordinate: x' = x + drift + √ε ξ."""
        return math.sqrt(self.step_size)

    def randoms_for(self, state: State, x_to: torch.Tensor, u: float = 0.5):
        """The randoms whose proposal from ``state`` is ``x_to`` (for the reverse move of the
        detailed-balance check): ξ = (x_to − x − drift(x)) / √ε."""
        xi = (x_to - state.position - self.langevin.drift(state.grad)) / self.proposal_scale
        if isinstance(self, MALA):
            return MALARandoms(xi, torch.full((x_to.shape[0],), u, dtype=torch.float64))
        return ULARandoms(xi)

    def _explain(self, state, r, new, info):
        return {"step_size": self.step_size, "grad": first_xy(state.grad), "drift": first_xy(info.drift),
                "noise": first_xy(info.noise), "x_prop": first_xy(info.proposal)}


class ULA(_LangevinSampler):
    name = "ula"
    always_accepts = True

    def draw(self, n_chains, gen):
        return ULARandoms(normal(n_chains, gen))

    def transition(self, state, r: ULARandoms):
        prop, drift, noise = self.langevin.propose(state, r.noise)
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
        info = LangevinInfo(prop, torch.zeros(c, dtype=torch.float64), move, energy, diverged, drift, noise)
        return State(pos, energy, grad, diverged), info

    def _explain(self, state, r, new, info):
        return super()._explain(state, r, new, info) | {
            "E_prop": first(info.energy), "log_alpha": 0.0, "alpha": 1.0}


class MALA(_LangevinSampler):
    name = "mala"
    always_accepts = False

    def __init__(self, energy, temperature=1.0, step_size=0.1):
        super().__init__(energy, temperature, step_size)
        self.metropolis = Metropolis()

    def log_q(self, x_to, x_from, grad_from):
        return self.langevin.log_q(x_to, x_from, grad_from)

    def draw(self, n_chains, gen):
        return MALARandoms(normal(n_chains, gen), uniform(n_chains, gen))

    def transition(self, state, r: MALARandoms):
        prop, drift, noise = self.langevin.propose(state, r.noise)
        safe = torch.where(torch.isfinite(prop), prop, state.position)
        e_prop, g_prop = self._energy_grad(safe)
        log_back = self.log_q(state.position, safe, g_prop)
        log_fwd = self.log_q(safe, state.position, state.grad)
        log_ratio = -(e_prop - state.energy) / self.T + log_back - log_fwd
        log_alpha = self.metropolis.log_alpha(log_ratio)
        log_alpha = torch.where(torch.isfinite(prop).all(dim=1), log_alpha, torch.full_like(log_alpha, -math.inf))
        diverged, move = self.metropolis.accept(log_alpha, r.u, state, prop, self)
        pos = torch.where(move[:, None], prop, state.position)
        energy = torch.where(move, e_prop, state.energy)
        grad = torch.where(move[:, None], g_prop, state.grad)
        info = MALAInfo(prop, log_alpha, move, energy, diverged, drift, noise, r.u, e_prop, log_fwd, log_back)
        return State(pos, energy, grad, diverged), info

    def _explain(self, state, r, new, info):
        return super()._explain(state, r, new, info) | mh_numbers(info) | {
            "log_q_forward": first(info.log_q_forward), "log_q_backward": first(info.log_q_backward)}
