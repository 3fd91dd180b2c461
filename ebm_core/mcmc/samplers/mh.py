"""Metropolis–Hastings (Algorithm 19.2) with two proposal distributions q(x, x').

α(x, x') = min{1, p(x') q(x', x) / (p(x) q(x, x'))}, with p(x) ∝ exp(-E(x)/T).

* Random walk: q(x, x') = N(x' | x, σ² I) is symmetric, so the q terms cancel.
* Independence: q(x, x') = q(x') = N(x' | μ_q, σ_q² I) does not depend on x; the full
  Hastings ratio keeps the q terms.  ``hastings=False`` drops them — a deliberate bug that
  the tests and the MCMC page's "ignore the q terms (wrong)" switch (``IndependenceNoQ``,
  sampler name ``mh-independent-noq``; a "things to try" item) use to show the chain is then
  biased: its stationary law is ∝ p(x) q(x), not p(x).

σ is ``step_size``.  Both samplers are a proposal plus the shared ``Metropolis`` accept.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ebm_core.mcmc.config import STEP_SIZE, checked
from ebm_core.mcmc.samplers.base import MHInfo, Metropolis, Sampler, State, first, mh_numbers, normal, uniform


@dataclass
class MHRandoms:
    noise: torch.Tensor  #: (C, 2) ξ ~ N(0, I): the proposal is built from σ ξ
    u: torch.Tensor  #: (C,) U(0, 1) for the accept test


class _MH(Sampler):
    """A Metropolis–Hastings sampler: ``propose`` (x' and the log q ratio) + ``Metropolis``."""

    def __init__(self, energy, temperature=1.0, step_size=0.5):
        super().__init__(energy, temperature)
        self.step_size = checked(STEP_SIZE, "step_size", step_size)
        self.metropolis = Metropolis()

    def propose(self, state: State, noise: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x' from q(x, ·) and log q(x', x) - log q(x, x')."""
        raise NotImplementedError

    def draw(self, n_chains, gen):
        return MHRandoms(normal(n_chains, gen), uniform(n_chains, gen))

    @property
    def proposal_scale(self) -> float:
        """The proposal's standard deviation per coordinate: x' = (centre) + scale · ξ."""
        return self.step_size

    def randoms_for(self, state: State, x_to: torch.Tensor, u: float = 0.5) -> MHRandoms:
        """The randoms whose proposal from ``state`` is ``x_to`` (for the reverse move of the
        detailed-balance check): ξ = (x_to − centre) / σ."""
        centre = self.propose(state, torch.zeros_like(state.position))[0]
        return MHRandoms((x_to - centre) / self.step_size, torch.full((x_to.shape[0],), u, dtype=torch.float64))

    def transition(self, state: State, r: MHRandoms) -> tuple[State, MHInfo]:
        prop, log_q_ratio = self.propose(state, r.noise)
        e_prop = self._energy(prop)
        log_alpha = self.metropolis.log_alpha(-(e_prop - state.energy) / self.T + log_q_ratio)
        diverged, move = self.metropolis.accept(log_alpha, r.u, state, prop, self)
        pos = torch.where(move[:, None], prop, state.position)
        energy = torch.where(move, e_prop, state.energy)
        new = State(pos, energy, None, diverged)
        return new, MHInfo(prop, log_alpha, move, energy, diverged, r.u, e_prop, log_q_ratio)

    def _explain(self, state, r, new, info):
        return mh_numbers(info) | {"step_size": self.step_size}


class RandomWalkMH(_MH):
    name = "mh"

    def propose(self, state, noise):
        return state.position + self.step_size * noise, torch.zeros(state.position.shape[0], dtype=torch.float64)


class _Independence(_MH):
    """The independence proposal q(x, x') = N(x' | μ_q, σ_q² I), with or without its q terms in α."""

    def __init__(self, energy, temperature=1.0, step_size=2.0, mean=None, hastings=True):
        super().__init__(energy, temperature, step_size)
        x0, x1, y0, y1 = energy.box
        self.mean = torch.tensor(mean if mean is not None else [(x0 + x1) / 2, (y0 + y1) / 2], dtype=torch.float64)
        self.hastings = bool(hastings)

    def log_q(self, x: torch.Tensor) -> torch.Tensor:
        """log N(x | μ_q, σ_q² I) up to a constant that cancels in the ratio."""
        return -0.5 * ((x - self.mean) ** 2).sum(dim=1) / self.step_size**2

    def propose(self, state, noise):
        prop = self.mean + self.step_size * noise
        # q(x', x) / q(x, x') = q(x) / q(x'): the correction that makes the chain exact.
        ratio = self.log_q(state.position) - self.log_q(prop) if self.hastings else torch.zeros(prop.shape[0], dtype=torch.float64)
        return prop, ratio

    def _explain(self, state, r, new, info):
        return super()._explain(state, r, new, info) | {
            "log_q_x": first(self.log_q(state.position)), "log_q_prop": first(self.log_q(info.proposal)),
            "hastings": self.hastings, "q_mean": [float(v) for v in self.mean]}


class IndependenceMH(_Independence):
    name = "mh-independent"


class IndependenceNoQ(_Independence):
    """The independence sampler with the q terms left out of α (``hastings=False``): wrong on
    purpose, to show what the Hastings correction is for."""

    name = "mh-independent-noq"

    def __init__(self, energy, temperature=1.0, step_size=2.0, mean=None):
        super().__init__(energy, temperature, step_size, mean, hastings=False)
