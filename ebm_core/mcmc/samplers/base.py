"""What every sampler shares: its state, the record of one step, and the MH accept test.

Following BlackJAX, a sampler is an ``init(position) -> state`` and
``step(state, generator) -> (state, info)`` pair, vectorised over chains: positions are
``(n_chains, 2)``.  Each ``step`` is split in two so that a step can be replayed exactly:

- ``draw(n_chains, generator) -> randoms``: every random number the step uses (a small
  dataclass of tensors, drawn in a fixed order that does not depend on the state);
- ``transition(state, randoms) -> (state, info)``: pure arithmetic, no generator.

``step`` is ``transition(state, draw(n, gen))``, and ``explain(state, randoms)`` runs the very
same ``transition`` and reads its ``info``: the "explain one step" panel cannot drift from
what was drawn.  ``info`` is a typed record per sampler (``Info`` and its subclasses below and
in each sampler's module): what happened in the step (proposal x', log α, accepted, energy,
divergence, and the sampler's own ingredients), exactly what an animation and an explanation
need.

The Metropolis–Hastings accept/reject (Algorithm 19.2 step (c)) is one component,
``Metropolis``, that every MH-type sampler holds (random walk, independence, MALA, HMC);
none inherits it from another sampler.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import torch

from ebm_core.landscapes.energies import Energy2D
from ebm_core.mcmc.config import checked
from ebm_core.ranges import TEMPERATURE

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
    """What one transition did, per chain (the fields every sampler records)."""

    proposal: torch.Tensor  #: (C, 2) the candidate x' (Gibbs: the end of the sweep)
    log_alpha: torch.Tensor  #: (C,) log α(x, x'); 0 for a sampler that always accepts
    accepted: torch.Tensor  #: (C,) bool: the chain moved to x'
    energy: torch.Tensor  #: (C,) E at the new state
    diverged: torch.Tensor  #: (C,) bool: the transition diverged (or the chain had)


@dataclass
class MHInfo(Info):
    """A Metropolis–Hastings step (random walk or independence proposal)."""

    u: torch.Tensor  #: (C,) the uniform draw of the accept test: accepted iff u < α
    proposal_energy: torch.Tensor  #: (C,) E(x')
    log_q_ratio: torch.Tensor  #: (C,) log q(x', x) - log q(x, x'); 0 for a symmetric walk


def take(randoms, chain: int):
    """The randoms of one chain (every tensor field sliced to ``[chain:chain+1]``)."""
    return dataclasses.replace(randoms, **{f.name: getattr(randoms, f.name)[chain:chain + 1]
                                           for f in dataclasses.fields(randoms)})


def clamp_log_alpha(log_ratio: torch.Tensor) -> torch.Tensor:
    """log α = min(0, log ratio); NaN (inf - inf) counts as a certain rejection."""
    return torch.nan_to_num(torch.clamp(log_ratio, max=0.0), nan=-float("inf"))


@dataclass(frozen=True)
class Metropolis:
    """The MH accept/reject of Algorithm 19.2 step (c), held by every MH-type sampler.

    Given the log of the Hastings ratio p(x')q(x', x) / (p(x)q(x, x')) and a uniform u per
    chain, accept when u < α = min(1, ratio) (compared in logs).  A chain that had diverged
    never moves; one whose accepted x' ran away is marked diverged and keeps its position.
    """

    def log_alpha(self, log_ratio: torch.Tensor) -> torch.Tensor:
        return clamp_log_alpha(log_ratio)

    def accept(self, log_alpha: torch.Tensor, u: torch.Tensor, state: State, proposal: torch.Tensor,
               sampler: "Sampler") -> tuple[torch.Tensor, torch.Tensor]:
        """(move, diverged): which chains move to x', and the sticky divergence flags after."""
        accepted = torch.log(u) < log_alpha
        accepted &= ~state.diverged
        return freeze_diverged(state, proposal, accepted, sampler)


def freeze_diverged(state: State, new_pos: torch.Tensor, accepted: torch.Tensor, sampler: "Sampler"):
    """Mark chains whose new position ran away; they keep their last good position."""
    went_bad = accepted & sampler.runaway(new_pos)
    diverged = state.diverged | went_bad
    move = accepted & ~diverged
    return diverged, move


def uniform(n_chains: int, gen: torch.Generator) -> torch.Tensor:
    """u ~ U(0, 1) per chain, for the accept test."""
    return torch.rand((n_chains,), generator=gen, dtype=torch.float64)


def normal(n_chains: int, gen: torch.Generator) -> torch.Tensor:
    """ξ ~ N(0, I) per chain, shape (C, 2)."""
    return torch.randn((n_chains, 2), generator=gen, dtype=torch.float64)


class Sampler:
    """Base class: holds the energy and the temperature T; a subclass adds ``draw``,
    ``transition`` and ``explain``."""

    name = "base"
    always_accepts = False
    #: Gradient-based samplers (Langevin, MALA, HMC) keep ∇E(x) in the state from ``init`` on.
    uses_gradient = False
    #: info fields ``run_chains(record=K)`` keeps: what a picture of the step needs beyond x and x'
    RECORDS: tuple[str, ...] = ()

    def __init__(self, energy: Energy2D, temperature: float = 1.0):
        self.energy = energy
        self.T = checked(TEMPERATURE, "temperature", temperature)
        x0, x1, y0, y1 = energy.box
        self._limit = RUNAWAY_BOXES * max(abs(x0), abs(x1), abs(y0), abs(y1), x1 - x0, y1 - y0)

    def _energy(self, x: torch.Tensor) -> torch.Tensor:
        # NaN energy (e.g. log of a negative number in a custom formula) means "no mass here".
        e = self.energy(x)
        return torch.nan_to_num(e, nan=float("inf"))

    def _energy_grad(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        e, g = self.energy.energy_and_grad(x)
        return torch.nan_to_num(e, nan=math.inf), g

    def init(self, position: torch.Tensor) -> State:
        x = position.to(torch.float64).clone()
        diverged = torch.zeros(x.shape[0], dtype=torch.bool)
        if self.uses_gradient:
            e, g = self._energy_grad(x)
            return State(x, e, g, diverged)
        return State(x, self._energy(x), None, diverged)

    def draw(self, n_chains: int, gen: torch.Generator):
        """Every random number one step of ``n_chains`` chains uses."""
        raise NotImplementedError

    def transition(self, state: State, randoms) -> tuple[State, Info]:
        """One step, given its random numbers: pure, no generator."""
        raise NotImplementedError

    def step(self, state: State, gen: torch.Generator) -> tuple[State, Info]:
        return self.transition(state, self.draw(state.position.shape[0], gen))

    def explain(self, state: State, randoms) -> dict:
        """Every number of the transition from ``state`` with ``randoms`` (one chain), as the
        lecture writes it: runs ``transition`` and reads its info."""
        new, info = self.transition(state, randoms)
        return self._common(state, new, info) | self._explain(state, randoms, new, info)

    def _explain(self, state, randoms, new, info) -> dict:
        return {}

    def _common(self, state: State, new: State, info: Info) -> dict:
        return {"kind": self.name, "T": self.T, "x": first_xy(state.position), "E_x": first(state.energy),
                "x_new": first_xy(new.position), "accepted": bool(info.accepted[0]), "diverged": bool(info.diverged[0])}

    def runaway(self, x: torch.Tensor) -> torch.Tensor:
        """Non-finite or absurdly far positions: the chain has diverged."""
        # NaN <= limit is False, so one comparison catches NaN, ±inf and far-away points.
        return ~(x.abs().amax(dim=1) <= self._limit)


def first(t) -> float:
    """Chain 0's value of a (C,) tensor, as a Python float (an explanation is about one chain)."""
    return float(t.reshape(-1)[0])


def first_xy(t) -> list[float]:
    """Chain 0's point of a (C, 2) tensor, as [x, y]."""
    return [float(v) for v in t.reshape(-1)[:2]]


def mh_numbers(info: MHInfo | Info) -> dict:
    """The accept test's numbers of chain 0: x', E(x'), log α, α, u."""
    la = first(info.log_alpha)
    return {"x_prop": first_xy(info.proposal), "E_prop": first(info.proposal_energy), "log_alpha": la,
            "alpha": math.exp(la), "u": first(info.u)}
