"""Step sizes that tune themselves: dual averaging during burn-in, then a frozen step.

Dual averaging (Hoffman & Gelman 2014, the NUTS paper §3.2, its Algorithm 5's adaptation)
moves log ε after every burn-in step t = 1 … m so that the acceptance probability α_t comes
to average a target δ:

    H̄_t     = (1 − 1/(t + t₀)) H̄_{t−1} + (δ − α_t)/(t + t₀)
    log ε_t = μ − (√t / γ) H̄_t,                         μ = log(10 ε₀)
    log ε̄_t = t^(−κ) log ε_t + (1 − t^(−κ)) log ε̄_{t−1}

with γ = 0.05, t₀ = 10, κ = 0.75 (the paper's values).  ε_t is the step tried at step t + 1;
the averaged ε̄_m is the step kept.  With several chains, α_t is their mean acceptance
probability min(1, ratio) at step t (less noisy than one chain's).

A chain whose step size changes with its own past is not a Markov chain with p_T as its
stationary law, so adaptation is confined to burn-in: after step m the step is frozen and the
kept draws are a plain ``run_chains`` with ε̄_m from where burn-in ended — an exact MCMC run
(``tests/test_tuning.py`` checks it bit for bit and against the grid truth).  The burn-in
steps draw their random numbers from a generator of their own (``burn_in_seed``), the kept
run from ``seed``, so the kept chain's randoms do not already shape its starting point.
``randoms_at(frozen sampler, C, seed, i − m)`` replays kept step i.

Applies to the samplers whose acceptance falls as their step grows (``ADAPTABLE``: random
walk MH, MALA, HMC), which is what dual averaging assumes.  ULA has no accept test, so there
is no acceptance rate to aim at (its bias shrinks with ε, and no rate tells how small is small
enough).  The independence sampler's acceptance is not monotone in σ_q (too narrow misses the
tails, too wide wastes proposals): below its best σ_q a smaller step accepts *less*, and dual
averaging, pushing the wrong way, drove σ_q to the floor on every registry target we tried —
so it is refused rather than tuned wrongly.  Gibbs and PT have no single step to tune.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch

from ebm_core.landscapes.energies import Energy2D
from ebm_core.mcmc.config import DEFAULT_STEP, STEP_SIZE
from ebm_core.mcmc.samplers import Trace, make_sampler, run_chains
from ebm_core.ranges import Range, ranged, validate

#: Samplers whose step size dual averaging can tune (a step size and an MH accept test).
ADAPTABLE = ("mh", "mala", "hmc")
#: The target acceptance δ a user may ask for.
TARGET_ACCEPT = Range(0.05, 0.95)
#: A sampler's usual target: ~0.23 random walk, ~0.57 MALA, ~0.65 HMC (optimal-scaling results).
DEFAULT_TARGET = {"mh": 0.3, "mala": 0.57, "hmc": 0.65}


@dataclass
class DualAveraging:
    """The adaptation's state: feed it α_t with ``update``; ``step`` is ε_t, ``final`` is ε̄_t."""

    initial_step: float = ranged(0.1, STEP_SIZE.lo, STEP_SIZE.hi)
    target: float = ranged(0.65, TARGET_ACCEPT.lo, TARGET_ACCEPT.hi)
    gamma: float = ranged(0.05, 1e-4, 10.0)
    t0: float = ranged(10.0, 0.0, 1e4)
    kappa: float = ranged(0.75, 0.5, 1.0)  # (0.5, 1] for the averaging to converge
    t: int = 0
    h_bar: float = 0.0
    log_step: float = field(init=False)
    log_step_bar: float = field(init=False)

    def __post_init__(self):
        validate(self)
        self.mu = math.log(10.0 * self.initial_step)  # a bias towards larger steps than ε₀
        self.log_step = math.log(self.initial_step)
        self.log_step_bar = 0.0

    def update(self, accept_prob: float) -> float:
        """One adaptation step with this step's acceptance probability; returns the next ε."""
        a = float(accept_prob)
        a = 0.0 if not math.isfinite(a) else min(max(a, 0.0), 1.0)
        self.t += 1
        w = 1.0 / (self.t + self.t0)
        self.h_bar = (1.0 - w) * self.h_bar + w * (self.target - a)
        self.log_step = _clip_log(self.mu - math.sqrt(self.t) / self.gamma * self.h_bar)
        eta = self.t ** (-self.kappa)
        self.log_step_bar = eta * self.log_step + (1.0 - eta) * self.log_step_bar
        return self.step

    @property
    def step(self) -> float:
        return math.exp(self.log_step)

    @property
    def final(self) -> float:
        """ε̄: the averaged step, the one to freeze (ε₀ before any update)."""
        return math.exp(_clip_log(self.log_step_bar)) if self.t else self.initial_step


def _clip_log(log_step: float) -> float:
    """Keep ε inside the samplers' allowed step range (a sampler refuses anything else)."""
    return min(max(log_step, math.log(STEP_SIZE.lo)), math.log(STEP_SIZE.hi))


@dataclass
class AdaptiveRun:
    """An adapted run: the whole trace (burn-in then the frozen part) and the adaptation."""

    trace: Trace  #: steps 1..m ran with changing ε; steps m+1..n with ``step_size``
    step_size: float  #: ε̄_m, the frozen step of the kept draws
    steps_tried: np.ndarray  #: (m,) the ε step t used, t = 1..m
    accept_prob: np.ndarray  #: (m,) mean α over chains at burn-in step t
    step_bar: np.ndarray  #: (m,) ε̄_t, the running average
    target: float
    burn_in: int

    def kept_acceptance(self) -> float:
        """Acceptance rate of the kept (frozen-step) transitions, all chains."""
        return float(self.trace.accepted[self.burn_in:].mean())

    def summary(self, points: int = 12) -> dict:
        """The numbers a report needs: target, reached rate, ε̄ and a thinned step history."""
        m = self.burn_in
        idx = np.unique(np.linspace(0, m - 1, min(points, m)).round().astype(int)) if m else np.array([], int)
        return {"target_accept": self.target, "adapted_step_size": self.step_size,
                "kept_acceptance": self.kept_acceptance(),
                "burn_in_acceptance": float(self.accept_prob.mean()) if m else math.nan,
                "step_history": {"step": (idx + 1).tolist(), "step_size": self.steps_tried[idx].tolist(),
                                 "step_size_bar": self.step_bar[idx].tolist(),
                                 "accept_prob": self.accept_prob[idx].tolist()}}


def burn_in_seed(seed: int) -> int:
    """The burn-in's own generator seed, distinct from the kept run's ``seed``."""
    return (int(seed) * 1_000_003 + 0x5EED) % (2**63 - 1)


def check_adaptable(sampler_name: str) -> None:
    if sampler_name == "ula":
        raise ValueError("ula has no accept step, so there is no acceptance rate to tune its step size to "
                         "(use mala, which adds the test)")
    if sampler_name == "mh-independent":
        raise ValueError("mh-independent's acceptance is not monotone in its σ_q (too narrow and too wide both "
                         "accept little), so dual averaging cannot tune it; set σ_q by hand")
    if sampler_name not in ADAPTABLE:
        raise ValueError(f"step-size adaptation applies to {', '.join(ADAPTABLE)}; {sampler_name!r} has no "
                         "single step size with an accept test")


def run_adaptive(sampler_name: str, energy: Energy2D, x0: torch.Tensor, n_steps: int, burn_in: int,
                 target_accept: float, seed: int = 0, temperature: float = 1.0, initial_step: float | None = None,
                 n_leapfrog: int = 10, progress=None) -> AdaptiveRun:
    """Adapt the step size over the ``burn_in`` first of ``n_steps`` steps, then run the rest
    with the step frozen at ε̄ (a plain ``run_chains`` from where burn-in ended).

    ``initial_step`` is ε₀ (None: the sampler's ``DEFAULT_STEP``).  ``progress(i, n)`` as in
    ``run_chains``.
    """
    check_adaptable(sampler_name)
    if not 1 <= burn_in < n_steps:
        raise ValueError(f"adaptation needs a burn-in between 1 and steps - 1 = {n_steps - 1}, got {burn_in}")
    da = DualAveraging(DEFAULT_STEP[sampler_name] if initial_step is None else initial_step, target_accept)
    build = lambda eps: make_sampler(sampler_name, energy, eps, temperature, n_leapfrog)  # noqa: E731
    n_chains = x0.shape[0]
    gen = torch.Generator().manual_seed(burn_in_seed(seed))
    tried, alpha, bar = np.empty(burn_in), np.empty(burn_in), np.empty(burn_in)
    pos, en, prop, acc, la, div = [], [], [], [], [], []
    with torch.inference_mode():
        sampler = build(da.step)
        state = sampler.init(x0)
        pos.append(state.position)
        en.append(state.energy)
        for t in range(burn_in):
            sampler = build(da.step)
            # The draws do not depend on ε (base.py: draw before looking at the state), so a
            # fresh sampler per step changes only the arithmetic of ``transition``.
            state, info = sampler.transition(state, sampler.draw(n_chains, gen))
            # A diverged proposal is a rejection (α = 0); during burn-in the chain then goes
            # on from its last good point with the smaller step adaptation brings.
            state.diverged = torch.zeros_like(state.diverged)
            tried[t] = sampler.step_size
            alpha[t] = float(torch.exp(info.log_alpha).mean())
            da.update(alpha[t])
            bar[t] = da.final
            pos.append(state.position)
            en.append(state.energy)
            prop.append(info.proposal)
            acc.append(info.accepted)
            la.append(info.log_alpha)
            div.append(info.diverged)
            if progress is not None and (t % 250 == 0):
                progress(t + 1, n_steps)
        burn = [torch.stack(a).numpy() for a in (pos, prop, acc, la, en, div)]
    frozen = build(da.final)
    kept = run_chains(frozen, torch.from_numpy(burn[0][-1].copy()), n_steps - burn_in, seed,
                      progress=None if progress is None else (lambda i, n: progress(burn_in + i, n_steps)))
    trace = Trace(np.concatenate([burn[0], kept.positions[1:]]), np.concatenate([burn[1], kept.proposals]),
                  np.concatenate([burn[2], kept.accepted]),
                  np.concatenate([burn[3].astype(np.float64), kept.log_alpha]),
                  np.concatenate([burn[4], kept.energies[1:]]), np.concatenate([burn[5], kept.diverged]),
                  None, frozen.name, {"adapted_step_size": frozen.step_size, "target_accept": da.target})
    return AdaptiveRun(trace, frozen.step_size, tried, alpha, bar, da.target, burn_in)
