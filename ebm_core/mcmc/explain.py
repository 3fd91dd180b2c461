""""Explain one step": every number of a single transition, as the lecture writes it.

Each sampler explains its own step (``Sampler.explain(state, randoms)``): it runs the same
pure ``transition`` that ``step`` runs and reads the typed info record, so an explanation
cannot drift from what a chain does.  The numbers: for MH x, x', E(x), E(x'), the q terms,
α(x, x'), u and the decision (Algorithm 19.2); for Gibbs the two conditional draws of a sweep
(Algorithm 19.3); for Langevin the drift and noise terms; for HMC the energy error.

- ``explain_step(sampler, x, seed)``: one fresh transition of one chain from x, with its own seed
  (what the MCMC page's "explain one step" panel shows);
- ``explain_recorded(sampler, trace, chain, i, seed)``: step i of a chain of a recorded run,
  replayed with the random numbers that run drew (its ``x_new`` is ``trace.positions[i + 1]``).
"""

from __future__ import annotations

import torch

from ebm_core.mcmc.samplers import Sampler, Trace, randoms_at, state_at, take


def explain_step(sampler: Sampler, x: tuple[float, float], seed: int = 0) -> dict:
    """Run one transition from x and return its ingredients (all plain Python numbers)."""
    gen = torch.Generator().manual_seed(int(seed))
    with torch.inference_mode():
        state = sampler.init(torch.tensor([x], dtype=torch.float64))
        return sampler.explain(state, sampler.draw(1, gen))


def explain_recorded(sampler: Sampler, trace: Trace, chain: int, i: int, seed: int) -> dict:
    """Step ``i`` (0-based: from ``positions[i]`` to ``positions[i + 1]``) of chain ``chain`` of
    ``trace = run_chains(sampler, x0, n, seed)``, replayed with the randoms it drew."""
    with torch.inference_mode():
        randoms = take(randoms_at(sampler, trace.n_chains, seed, i), chain)
        return sampler.explain(state_at(sampler, trace, i, chain), randoms)
