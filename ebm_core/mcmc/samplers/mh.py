"""Metropolis–Hastings (Algorithm 19.2) with two proposal distributions q(x, x').

α(x, x') = min{1, p(x') q(x', x) / (p(x) q(x, x'))}, with p(x) ∝ exp(-E(x)/T).

* Random walk: q(x, x') = N(x' | x, σ² I) is symmetric, so the q terms cancel.
* Independence: q(x, x') = q(x') = N(x' | μ_q, σ_q² I) does not depend on x; the full
  Hastings ratio keeps the q terms.  ``hastings=False`` drops them — a deliberate bug that
  the tests (and the "things to try" list) use to show the chain is then biased.
"""

from __future__ import annotations

import torch

from ebm_core.mcmc.samplers.base import Info, Sampler, State, clamp_log_alpha, freeze_diverged, mh_accept


class RandomWalkMH(Sampler):
    name = "mh"

    def __init__(self, energy, temperature=1.0, step_size=0.5):
        super().__init__(energy, temperature)
        if not step_size > 0:
            raise ValueError("step size σ must be positive")
        self.sigma = float(step_size)

    def propose(self, state: State, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """x' ~ q(x, ·) and log q(x', x) - log q(x, x') (0 for a symmetric walk)."""
        noise = torch.randn(state.position.shape, generator=gen, dtype=torch.float64)
        return state.position + self.sigma * noise, torch.zeros(state.position.shape[0], dtype=torch.float64)

    def step(self, state: State, gen: torch.Generator) -> tuple[State, Info]:
        prop, log_q_ratio = self.propose(state, gen)
        e_prop = self._energy(prop)
        log_alpha = clamp_log_alpha(-(e_prop - state.energy) / self.T + log_q_ratio)
        accepted, u = mh_accept(log_alpha, gen)
        accepted &= ~state.diverged
        diverged, move = freeze_diverged(state, prop, accepted, self)
        pos = torch.where(move[:, None], prop, state.position)
        energy = torch.where(move, e_prop, state.energy)
        new = State(pos, energy, None, diverged)
        return new, Info(prop, log_alpha, move, energy, diverged, {"u": u, "proposal_energy": e_prop})


class IndependenceMH(RandomWalkMH):
    name = "mh-independent"

    def __init__(self, energy, temperature=1.0, step_size=2.0, mean=None, hastings=True):
        super().__init__(energy, temperature, step_size)
        x0, x1, y0, y1 = energy.box
        self.mean = torch.tensor(mean if mean is not None else [(x0 + x1) / 2, (y0 + y1) / 2], dtype=torch.float64)
        self.hastings = bool(hastings)

    def log_q(self, x: torch.Tensor) -> torch.Tensor:
        """log N(x | μ_q, σ_q² I) up to a constant that cancels in the ratio."""
        return -0.5 * ((x - self.mean) ** 2).sum(dim=1) / self.sigma**2

    def propose(self, state, gen):
        noise = torch.randn(state.position.shape, generator=gen, dtype=torch.float64)
        prop = self.mean + self.sigma * noise
        # q(x', x) / q(x, x') = q(x) / q(x'): the correction that makes the chain exact.
        ratio = self.log_q(state.position) - self.log_q(prop) if self.hastings else torch.zeros(prop.shape[0], dtype=torch.float64)
        return prop, ratio
