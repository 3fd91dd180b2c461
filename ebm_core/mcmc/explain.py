""""Explain one step": every number of a single transition, as the lecture writes it.

``explain_step`` takes one fresh transition of one chain from position x with its own
seed and returns plain floats: for MH x, x', E(x), E(x'), the q terms, α(x, x'), u and
the decision (Algorithm 19.2); for Gibbs the two conditional draws of a sweep
(Algorithm 19.3); for Langevin the drift and noise terms; for HMC the energy error.
"""

from __future__ import annotations

import math

import torch

from ebm_core.mcmc.samplers import HMC, MALA, ULA, Gibbs, IndependenceMH, RandomWalkMH, Sampler


def _f(t) -> float:
    return float(t.reshape(-1)[0])


def _xy(t) -> list[float]:
    return [float(v) for v in t.reshape(-1)[:2]]


def explain_step(sampler: Sampler, x: tuple[float, float], seed: int = 0) -> dict:
    """Run one transition from x and return its ingredients (all plain Python numbers)."""
    gen = torch.Generator().manual_seed(int(seed))
    with torch.inference_mode():
        state = sampler.init(torch.tensor([x], dtype=torch.float64))
        new, info = sampler.step(state, gen)
    out = {"kind": sampler.name, "T": sampler.T, "x": _xy(state.position), "E_x": _f(state.energy),
           "x_new": _xy(new.position), "accepted": bool(info.accepted[0]), "diverged": bool(info.diverged[0])}
    if isinstance(sampler, Gibbs):
        out.update(kind="gibbs", half=_xy(info.extra["half"]), E_new=_f(new.energy), exact=sampler.exact)
        if sampler.exact:
            s, mu, T = sampler.cov, sampler.mu, sampler.T
            x0, half = state.position[0], info.extra["half"][0]
            out["cond1"] = (float(mu[0] + s[0, 1] / s[1, 1] * (x0[1] - mu[1])), float(T * (s[0, 0] - s[0, 1] ** 2 / s[1, 1])))
            out["cond2"] = (float(mu[1] + s[1, 0] / s[0, 0] * (half[0] - mu[0])), float(T * (s[1, 1] - s[0, 1] ** 2 / s[0, 0])))
        return out
    out.update(x_prop=_xy(info.proposal), E_prop=_f(info.extra.get("proposal_energy", info.energy)),
               log_alpha=_f(info.log_alpha), alpha=math.exp(_f(info.log_alpha)))
    if "u" in info.extra:
        out["u"] = _f(info.extra["u"])
    if isinstance(sampler, IndependenceMH):
        out.update(kind="mh-independent", log_q_x=_f(sampler.log_q(state.position)),
                   log_q_prop=_f(sampler.log_q(info.proposal)), hastings=sampler.hastings, sigma=sampler.sigma,
                   q_mean=[float(v) for v in sampler.mean])
    elif isinstance(sampler, RandomWalkMH):
        out.update(sigma=sampler.sigma)
    elif isinstance(sampler, HMC):
        out.update(eps=sampler.eps, L=sampler.L, delta_h=_f(info.extra["delta_h"]),
                   momentum=_xy(info.extra["momentum"]), path=info.extra["path"][:, 0, :].tolist())
    elif isinstance(sampler, ULA):  # ULA and MALA share the Langevin proposal
        out.update(eps=sampler.eps, grad=_xy(state.grad), drift=_xy(info.extra["drift"]), noise=_xy(info.extra["noise"]))
        if isinstance(sampler, MALA):
            out["log_q_forward"] = _f(sampler.log_q(info.proposal, state.position, state.grad))
    return out
