"""MCMC samplers for 2D energies and a driver that records whole chains.

``make_sampler(name, energy, ...)`` builds one of ``SAMPLERS``; ``run_chains`` runs it from
given starting points and returns a ``Trace`` of numpy arrays ready for plotting,
diagnostics and the ``.npz`` files of the command line.  ``randoms_at`` gives back the random
numbers step i of such a run drew, so that one recorded transition can be replayed
(``Sampler.explain``) exactly.  ``run_chains(..., record=K)`` also keeps, for the first K
transitions, the fields of the info records that draw what the sampler did (the sampler's
``RECORDS``: HMC's momentum and leapfrog path, Langevin's drift and noise) in ``Trace.records``;
off by default, when the loop is exactly what it was.

Every sampler's info record (``Info`` and its subclasses ``MHInfo``, ``GibbsInfo``,
``LangevinInfo``, ``MALAInfo``, ``HMCInfo``, ``PTInfo``) is a dataclass with documented fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from ebm_core.landscapes.energies import Energy2D
from ebm_core.mcmc.config import DEFAULT_STEP
from ebm_core.mcmc.samplers.base import Info, Metropolis, MHInfo, Sampler, State, take
from ebm_core.mcmc.samplers.gibbs import Gibbs, GibbsInfo
from ebm_core.mcmc.samplers.hmc import HMC, HMCInfo
from ebm_core.mcmc.samplers.langevin import MALA, ULA, LangevinInfo, MALAInfo
from ebm_core.mcmc.samplers.mh import IndependenceMH, IndependenceNoQ, RandomWalkMH
from ebm_core.mcmc.samplers.pt import ParallelTempering, PTInfo

SAMPLERS: dict[str, type[Sampler]] = {
    "mh": RandomWalkMH,
    "mh-independent": IndependenceMH,
    "gibbs": Gibbs,
    "ula": ULA,
    "mala": MALA,
    "hmc": HMC,
    "pt": ParallelTempering,
    "mh-independent-noq": IndependenceNoQ,  # the deliberate bug: q terms left out (issue 12)
}


def make_sampler(name: str, energy: Energy2D, step_size: float | None = None, temperature: float = 1.0,
                 n_leapfrog: int = 10, **kw) -> Sampler:
    """Build a sampler by CLI name; ``step_size`` is σ for MH and ε for Langevin/HMC (None:
    ``DEFAULT_STEP[name]``), ``n_leapfrog`` is HMC's L (the others ignore it)."""
    if name not in SAMPLERS:
        raise KeyError(f"unknown sampler {name!r}; choose one of: {', '.join(SAMPLERS)}")
    step_size = DEFAULT_STEP[name] if step_size is None else step_size
    if name == "gibbs":
        return Gibbs(energy, temperature, **kw)
    if name == "hmc":
        return HMC(energy, temperature, step_size, n_leapfrog)
    if name == "pt":  # kw: n_temps (K), t_max, local ("mh" or "mala")
        return ParallelTempering(energy, temperature, step_size, **kw)
    return SAMPLERS[name](energy, temperature, step_size, **kw)


def spread_starts(energy: Energy2D, n_chains: int, seed: int = 0) -> torch.Tensor:
    """Over-dispersed starting points: corners and edges of the box, then random points.

    Starting far apart is what lets a student see chains from different starts reach one
    distribution, and what makes R-hat meaningful.
    """
    x0, x1, y0, y1 = energy.box
    fx = lambda t: x0 + t * (x1 - x0)  # noqa: E731
    fy = lambda t: y0 + t * (y1 - y0)  # noqa: E731
    fixed = [(0.15, 0.85), (0.85, 0.15), (0.85, 0.85), (0.15, 0.15), (0.5, 0.9), (0.5, 0.1), (0.1, 0.5), (0.9, 0.5)]
    pts = [(fx(a), fy(b)) for a, b in fixed[:n_chains]]
    if n_chains > len(fixed):
        g = torch.Generator().manual_seed(seed + 7919)
        r = torch.rand(n_chains - len(fixed), 2, generator=g, dtype=torch.float64)
        pts += [(fx(a), fy(b)) for a, b in r.tolist()]
    return torch.tensor(pts, dtype=torch.float64)


@dataclass
class Trace:
    """A whole run: index 0 of ``positions``/``energies`` is the start x₀."""

    positions: np.ndarray  # (N+1, C, 2)
    proposals: np.ndarray  # (N, C, 2)
    accepted: np.ndarray  # (N, C) bool
    log_alpha: np.ndarray  # (N, C)
    energies: np.ndarray  # (N+1, C)
    diverged: np.ndarray  # (N, C) bool: the transition diverged (or the chain had)
    half: np.ndarray | None = None  # (N, C, 2) Gibbs: the point after updating x₁ only
    sampler: str = ""
    meta: dict = field(default_factory=dict)
    #: ``run_chains(record=K)``: name -> (K, ...) array, the info field ``name`` of the first K
    #: transitions (step axis first), for the sampler's ``RECORDS``; None when not recorded
    records: dict | None = None

    @property
    def n_steps(self) -> int:
        return self.accepted.shape[0]

    @property
    def n_chains(self) -> int:
        return self.accepted.shape[1]


def run_chains(sampler: Sampler, x0: torch.Tensor, n_steps: int, seed: int = 0,
               progress=None, progress_every: int = 250, record: int = 0) -> Trace:
    """Run ``n_steps`` transitions of every chain from ``x0`` (C, 2) with a fixed seed.

    ``record`` > 0 keeps the info fields ``sampler.RECORDS`` of the first ``record`` transitions
    in ``Trace.records`` (what the canvas draws: a leapfrog path, the drift and noise arrows);
    the draws and the arithmetic are the same either way, only copies are kept.

    ``progress(i, n)`` is called every ``progress_every`` steps and after the last (for a
    progress bar, or for a background run to pause while the user waits on another).
    """
    if n_steps < 1:
        raise ValueError("steps must be at least 1")
    gen = torch.Generator().manual_seed(int(seed))
    gibbs = isinstance(sampler, Gibbs)
    # A sampler with more state than its chains' positions (PT's ladder) records it itself.
    rec = sampler.recorder() if hasattr(sampler, "recorder") else None
    # Per-step records go into lists and are stacked once at the end: with a few chains a
    # step is ~40 tiny torch ops, and six indexed copies per step were a fifth of the cost.
    pos, en, prop, acc, la, div, half = [], [], [], [], [], [], []
    keep = tuple(sampler.RECORDS) if record > 0 else ()
    kept: dict[str, list] = {name: [] for name in keep}
    with torch.inference_mode():
        state = sampler.init(x0)
        pos.append(state.position)
        en.append(state.energy)
        if rec is not None:
            rec.start(state)
        for i in range(n_steps):
            state, info = sampler.step(state, gen)
            pos.append(state.position)
            en.append(state.energy)
            prop.append(info.proposal)
            acc.append(info.accepted)
            la.append(info.log_alpha)
            div.append(info.diverged)
            if gibbs:
                half.append(info.half)
            if keep and i < record:
                for name in keep:
                    kept[name].append(getattr(info, name))
            if rec is not None:
                rec.add(state, info)
            if progress is not None and (i % progress_every == 0 or i == n_steps - 1):
                progress(i + 1, n_steps)
        arrays = [torch.stack(a).numpy() for a in (pos, prop, acc, la, en, div)]
        arrays[3] = arrays[3].astype(np.float64, copy=False)
        half_arr = torch.stack(half).numpy() if gibbs else None
        records = {name: torch.stack(v).numpy() for name, v in kept.items()} if keep else None
    return Trace(*arrays, half_arr, sampler.name, rec.finish() if rec is not None else {}, records)


def randoms_at(sampler: Sampler, n_chains: int, seed: int, i: int):
    """The random numbers that step ``i`` (0-based) of ``run_chains(sampler, x0, n, seed)`` with
    ``n_chains`` chains drew.  A sampler's draws never depend on the state, so the stream is
    replayed without running the chains (``i + 1`` small draws)."""
    gen = torch.Generator().manual_seed(int(seed))
    for _ in range(i):
        sampler.draw(n_chains, gen)
    return sampler.draw(n_chains, gen)


def state_at(sampler: Sampler, trace: Trace, i: int, chain: int) -> State:
    """Chain ``chain``'s state before step ``i`` of ``trace`` (energy and gradient recomputed)."""
    if hasattr(sampler, "state_at"):  # PT: the whole ladder, from the run's record
        return sampler.state_at(trace, i, chain)
    state = sampler.init(torch.from_numpy(np.array(trace.positions[i, chain:chain + 1])))
    if i > 0:
        state.diverged = torch.from_numpy(np.array(trace.diverged[i - 1, chain:chain + 1]))
    return state


__all__ = ["SAMPLERS", "DEFAULT_STEP", "make_sampler", "spread_starts", "run_chains", "randoms_at", "state_at",
           "take", "Trace", "Sampler", "State", "Metropolis", "Info", "MHInfo", "GibbsInfo", "LangevinInfo",
           "MALAInfo", "HMCInfo", "RandomWalkMH", "IndependenceMH", "IndependenceNoQ", "Gibbs", "ULA", "MALA", "HMC",
           "ParallelTempering", "PTInfo"]
