"""Many random-walk MH runs at once: one (T, σ) setting per block of chains, common random numbers.

A random-walk MH step draws its random numbers (ξ for the proposal, u for the accept test)
before it looks at the state, T or σ (``Sampler.draw``).  Runs that differ only in T and σ
and share a seed therefore use the very same ξ and u at every step: stacking them as blocks
of one big batch of chains, with T and σ per chain, gives each setting exactly the run
``run_chains`` gives it alone (same arithmetic, element by element — ``tests/test_plane.py``
checks bit equality), for the cost of one run: a step of 4 chains and a step of 1,000 chains
cost about the same handful of tiny torch operations.

This is what lets a server compute a shared link's whole T × σ plane (13 × 22 runs) in
about a second instead of a minute, so that a class moving the two sliders finds every
setting ready.  Only random-walk MH is stacked (the page's default sampler, and the one whose
step is nothing but those few operations); other samplers run one setting at a time.
"""

from __future__ import annotations

import torch

from ebm_core.mcmc.config import STEP_SIZE, checked
from ebm_core.mcmc.samplers import RandomWalkMH, Trace, run_chains
from ebm_core.ranges import TEMPERATURE

#: Samplers whose runs can be stacked this way.
STACKABLE = ("mh",)


def run_plane(energy, settings: list[tuple[float, float]], x0: torch.Tensor, n_steps: int, seed: int = 0,
              progress=None, progress_every: int = 25) -> list[Trace]:
    """Random-walk MH on ``energy`` from ``x0`` (C, 2) for every ``(T, σ)`` of ``settings``:
    the traces ``run_chains(RandomWalkMH(energy, T, σ), x0, n_steps, seed)`` would give, in
    the order of ``settings``.  ``progress(i, n)`` as in ``run_chains``."""
    if not settings:
        return []
    for T, sigma in settings:  # (every value range-checked as a single sampler would)
        checked(TEMPERATURE, "temperature", T)
        checked(STEP_SIZE, "step_size", sigma)
    c, b = x0.shape[0], len(settings)
    stacked = RandomWalkMH(energy, 1.0, 1.0)
    # T per chain (B·C,) and σ per chain as a column (B·C, 1): the sampler's arithmetic
    # (x + σ ξ, -(E' - E)/T) then runs per chain with each block's own values.
    stacked.T = torch.tensor([float(T) for T, _ in settings], dtype=torch.float64).repeat_interleave(c)
    stacked.step_size = torch.tensor([float(s) for _, s in settings],
                                     dtype=torch.float64).repeat_interleave(c)[:, None]
    draw = stacked.draw

    def common_draw(_n, gen):  # the C chains' randoms, the same for every block
        r = draw(c, gen)
        return type(r)(r.noise.repeat(b, 1), r.u.repeat(b))

    stacked.draw = common_draw
    whole = run_chains(stacked, x0.to(torch.float64).repeat(b, 1), n_steps, seed, progress=progress,
                       progress_every=progress_every)
    return [_block(whole, k, c) for k in range(b)]


def _block(whole: Trace, k: int, c: int) -> Trace:
    """Block ``k``'s chains of the stacked trace, as a run of its own (contiguous copies)."""
    cut = slice(k * c, (k + 1) * c)
    return Trace(whole.positions[:, cut].copy(), whole.proposals[:, cut].copy(), whole.accepted[:, cut].copy(),
                 whole.log_alpha[:, cut].copy(), whole.energies[:, cut].copy(), whole.diverged[:, cut].copy(),
                 None, "mh")
