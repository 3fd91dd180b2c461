""""Explain one step": every number of a single transition, as the lecture writes it.

Each sampler explains its own step (``Sampler.explain(state, randoms)``): it runs the same
pure ``transition`` that ``step`` runs and reads the typed info record, so an explanation
cannot drift from what a chain does.  The numbers: for MH x, x', E(x), E(x'), the q terms,
α(x, x'), u and the decision (Algorithm 19.2); for Gibbs the two conditional draws of a sweep
(Algorithm 19.3); for Langevin the drift and noise terms; for HMC the energy error.

- ``explain_step(sampler, x, seed)``: one fresh transition of one chain from x, with its own seed
  (what the MCMC page's "explain one step" panel shows);
- ``explain_recorded(sampler, trace, chain, i, seed)``: step i of a chain of a recorded run,
  replayed with the random numbers that run drew (its ``x_new`` is ``trace.positions[i + 1]``);
  this is what the MCMC page's "explain one step" panel shows, so its x′, u and decision are
  those of the arrow drawn on the picture;
- ``detailed_balance(sampler, x, x')``: both sides of p(x) q(x′|x) α(x, x′) = p(x′) q(x|x′) α(x′, x),
  each factor computed by the sampler's own arithmetic (the reverse α by running its
  ``transition`` from x′ with the randoms that propose x).
"""

from __future__ import annotations

import math

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


def _side(sampler: Sampler, x_from: torch.Tensor, x_to: torch.Tensor, log_z: float) -> dict:
    """log p(x_from), log q(x_to | x_from), log α(x_from, x_to) and their sum (one chain)."""
    state = sampler.init(x_from)
    randoms = sampler.randoms_for(state, x_to)
    _, info = sampler.transition(state, randoms)
    s = sampler.proposal_scale
    # q is a Gaussian with covariance s² I in 2D; ξ is the standardised step that reaches x_to.
    log_q = float(-0.5 * (randoms.noise**2).sum() - math.log(2 * math.pi * s * s))
    log_p = float(-state.energy[0] / sampler.T - log_z)
    log_alpha = float(info.log_alpha[0])
    return {"log_p": log_p, "log_q": log_q, "log_alpha": log_alpha, "log_product": log_p + log_q + log_alpha}


def detailed_balance(sampler: Sampler, x, x_prime, log_z: float = 0.0) -> dict | None:
    """Both sides of detailed balance for the move x → x′ (Algorithm 19.2's proof):

        p(x) q(x′|x) α(x, x′)   and   p(x′) q(x|x′) α(x′, x),

    with p(x) = exp(−E(x)/T − log Z) (``log_z``: the grid's, or 0 for the unnormalised p̃: Z is on
    both sides) and q the normalised proposal density.  Equal for MH, MALA and the independence
    sampler (the accept step makes them so); for ULA (α ≡ 1) and the independence sampler without
    its q terms they differ, and then the chain does not sample p.  None for a sampler with no
    proposal density of x′ alone (Gibbs, HMC).
    """
    if not hasattr(sampler, "randoms_for"):
        return None
    a = torch.tensor([list(x)], dtype=torch.float64)
    b = torch.tensor([list(x_prime)], dtype=torch.float64)
    with torch.inference_mode():
        fwd, back = _side(sampler, a, b, log_z), _side(sampler, b, a, log_z)
    gap = fwd["log_product"] - back["log_product"]
    return {"forward": fwd, "backward": back, "log_ratio": gap,
            "equal": bool(math.isfinite(gap) and abs(gap) < 1e-9) or fwd["log_product"] == back["log_product"]}
