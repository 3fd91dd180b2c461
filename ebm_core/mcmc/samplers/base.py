"""What every sampler shares: its state, the record of one step, and the MH accept test.

Following BlackJAX, a sampler is an ``init(position) -> state`` and
``step(state, generator) -> (state, info)`` pair, vectorised over chains: positions are
``(n_chains, 2)``.  ``info`` records what happened in the step (proposal x', log α,
accepted, energy, divergence), which is exactly what an animation and the "explain one
step" panel need.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from ebm_core.landscapes.energies import Energy2D

#: A chain farther than this many box-widths from the origin has run away.
RUNAWAY_BOXES = 50.0


@dataclass
class State:
    position: torch.Tensor  # (C, 2)
    energy: torch.Tensor  # (C,)  E(x), not divided by T
    grad: torch.Tensor | None = None  # (C, 2) ∇E(x), for gradient-based samplers
    diverged: torch.Tensor | None = None  # (C,) bool, sticky: a diverged chain stops moving


@dataclass
class Info:
    proposal: torch.Tensor  # (C, 2) the candidate x'
    log_alpha: torch.Tensor  # (C,) log of the acceptance probability α(x, x') (0 when always accepted)
    accepted: torch.Tensor  # (C,) bool
    energy: torch.Tensor  # (C,) E at the new state
    diverged: torch.Tensor  # (C,) bool
    extra: dict = field(default_factory=dict)  # sampler-specific details (drift, noise, Gibbs half-step …)


class Sampler:
    """Base class: holds the energy, the temperature T and the tuning parameters."""

    name = "base"
    always_accepts = False

    def __init__(self, energy: Energy2D, temperature: float = 1.0):
        if not temperature > 0:
            raise ValueError("temperature must be positive")
        self.energy = energy
        self.T = float(temperature)
        x0, x1, y0, y1 = energy.box
        self._limit = RUNAWAY_BOXES * max(abs(x0), abs(x1), abs(y0), abs(y1), x1 - x0, y1 - y0)

    def _energy(self, x: torch.Tensor) -> torch.Tensor:
        # NaN energy (e.g. log of a negative number in a custom formula) means "no mass here".
        e = self.energy(x)
        return torch.nan_to_num(e, nan=float("inf"))

    def init(self, position: torch.Tensor) -> State:
        x = position.to(torch.float64).clone()
        diverged = torch.zeros(x.shape[0], dtype=torch.bool)
        return State(x, self._energy(x), None, diverged)

    def step(self, state: State, gen: torch.Generator) -> tuple[State, Info]:
        raise NotImplementedError

    def runaway(self, x: torch.Tensor) -> torch.Tensor:
        """Non-finite or absurdly far positions: the chain has diverged."""
        # NaN <= limit is False, so one comparison catches NaN, ±inf and far-away points.
        return ~(x.abs().amax(dim=1) <= self._limit)


def mh_accept(log_alpha: torch.Tensor, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Algorithm 19.2 step (c): draw u ~ U(0, 1), accept when u < α (compared in logs)."""
    u = torch.rand(log_alpha.shape, generator=gen, dtype=torch.float64)
    return torch.log(u) < log_alpha, u


def clamp_log_alpha(log_ratio: torch.Tensor) -> torch.Tensor:
    """log α = min(0, log ratio); NaN (inf - inf) counts as a certain rejection."""
    return torch.nan_to_num(torch.clamp(log_ratio, max=0.0), nan=-float("inf"))


def freeze_diverged(state: State, new_pos: torch.Tensor, accepted: torch.Tensor, sampler: Sampler):
    """Mark chains whose new position ran away; they keep their last good position."""
    went_bad = accepted & sampler.runaway(new_pos)
    diverged = state.diverged | went_bad
    move = accepted & ~diverged
    return diverged, move
