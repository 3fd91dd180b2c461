"""``python -m ebm_core targets`` and ``sample``: MCMC chains on a 2D target, checked against the grid.

``sample`` writes ``positions`` (steps+1, chains, 2) and ``accepted`` (steps, chains) to ``--out``
and prints one JSON object: the diagnostics beside the grid-exact mean, covariance and log Z.
With ``--sampler pt`` (parallel tempering: ``--ladder K --t-max T_MAX``) the positions are the
cold chain's; the JSON adds the ladder and the swap rate of each neighbour pair, the .npz the
whole ladder (``replicas`` (steps+1, chains, K, 2)).
With ``--target-accept A`` the step size is tuned by dual averaging during ``--burn-in`` and
then frozen (``ebm_core.mcmc.tuning``); the JSON adds ``adapted_step_size``, the acceptance
reached after burn-in and a thinned ``step_history``.
"""

from __future__ import annotations

import json
import os
import time

import torch

from ebm_core.cli.common import CliError, jsonable, save_npz_atomic
from ebm_core.landscapes import grid
from ebm_core.landscapes.energies import REGISTRY
from ebm_core.landscapes.expressions import FormulaError
from ebm_core.landscapes.targets import resolve_target, target_names
from ebm_core.mcmc import diagnostics
from ebm_core.mcmc.config import DEFAULT_STEP, RANGES, SampleConfig
from ebm_core.mcmc.samplers import SAMPLERS, make_sampler, run_chains, spread_starts
from ebm_core.mcmc.samplers.pt import LADDER, LOCAL_MOVES
from ebm_core.mcmc.tuning import TARGET_ACCEPT, check_adaptable, run_adaptive
from ebm_core.ranges import TEMPERATURE

def cmd_targets(args) -> int:
    out = [{"name": e.name, "box": list(e.box), "description": e.description} for e in REGISTRY.values()]
    out.append({"name": "custom", "box": None, "description": "a typed formula in x, y (--formula)"})
    print(json.dumps({"targets": out}, ensure_ascii=False))
    return 0


def cmd_sample(args) -> int:
    # Each flag was range-checked by argparse (``Range.argtype`` of ``SampleConfig``'s fields);
    # what is left is what relates two flags.
    if not 0 <= args.burn_in < args.steps:
        raise CliError(f"--burn-in must be between 0 and steps - 1 = {args.steps - 1}, got {args.burn_in}")
    if args.box is not None and args.target != "custom":
        raise CliError("--box applies to --target custom only (built-in targets have their own box)")
    config = SampleConfig(args.sampler, args.step_size, args.temperature, args.n_leapfrog, args.chains, args.steps,
                          args.burn_in, args.seed, args.box)
    try:
        box = None if config.box is None else (-config.box, config.box, -config.box, config.box)
        energy = resolve_target(args.target, args.formula, box)
    except FormulaError as e:
        raise CliError(f"bad formula: {e}") from None
    except (KeyError, ValueError) as e:
        raise CliError(str(e.args[0] if e.args else e)) from None
    torch.set_num_threads(max(1, min(args.threads, os.cpu_count() or 1)))
    sampler = make_sampler(config.sampler, energy, config.step_size, config.temperature, config.n_leapfrog,
                           **_pt_options(args))
    x0 = spread_starts(energy, args.chains, args.seed)
    t0 = time.perf_counter()
    adapted = None
    if args.target_accept is not None:  # dual averaging during burn-in, then the frozen step
        try:
            check_adaptable(args.sampler)
        except ValueError as e:
            raise CliError(f"--target-accept: {e}") from None
        if args.burn_in < 1:
            raise CliError("--target-accept adapts the step size during burn-in: give --burn-in of at least 1")
        adapted = run_adaptive(args.sampler, energy, x0, args.steps, args.burn_in, args.target_accept, args.seed,
                               config.temperature, config.step_size, config.n_leapfrog)
        trace = adapted.trace
    else:
        trace = run_chains(sampler, x0, args.steps, args.seed)
    seconds = time.perf_counter() - t0
    truth = grid.integrate(energy, args.temperature)
    s = diagnostics.summarise(trace.positions, trace.accepted, args.burn_in)
    result = {
        "target": energy.name, "formula": args.formula if args.target == "custom" else None,
        "sampler": args.sampler, "steps": args.steps, "chains": args.chains, "burn_in": args.burn_in,
        "step_size": adapted.step_size if adapted else getattr(sampler, "step_size", None),
        "temperature": args.temperature, "seed": args.seed,
        **s.as_dict(),
        "exact_mean": truth.mean.tolist(), "exact_cov": truth.cov.tolist(), "exact_log_z": truth.log_z,
        "grid_warnings": truth.warnings(),
        "diverged_chains": int(trace.diverged[-1].sum()),
        "seconds": seconds, "chain_steps_per_second": args.steps * args.chains / max(seconds, 1e-9),
    }
    if adapted is not None:  # the kept draws used adapted_step_size; the history is thinned
        result |= adapted.summary() | {"initial_step_size": sampler.step_size}
    pt_arrays = {}
    if args.sampler == "pt":  # positions are the cold chain's; the ladder's numbers beside them
        meta = trace.meta
        result |= {"ladder": meta["ladder"], "t_max": sampler.t_max, "local": sampler.local,
                   "swap_rate": meta["swap_rate"], "swap_attempts": meta["swap_attempts"],
                   "local_acceptance": meta["local_acceptance"], "cold_swaps": int(meta["swapped_cold"].sum())}
        pt_arrays = {"replicas": meta["replicas"], "ladder": meta["ladder"], "swapped_cold": meta["swapped_cold"]}
    if args.out:
        save_npz_atomic(args.out, positions=trace.positions, accepted=trace.accepted, energies=trace.energies,
                        proposals=trace.proposals, log_alpha=trace.log_alpha, diverged=trace.diverged, **pt_arrays)
        result["out"] = args.out
    print(json.dumps(jsonable(result), ensure_ascii=False))
    return 0


def _pt_options(args) -> dict:
    """PT's ladder flags (K, T_max, local move); a mistake when given to another sampler."""
    given = [f for f, v in (("--ladder", args.ladder), ("--t-max", args.t_max), ("--local", args.local)) if v is not None]
    if args.sampler != "pt":
        if given:
            raise CliError(f"{', '.join(given)} applies to --sampler pt only")
        return {}
    t_max = args.t_max if args.t_max is not None else min(TEMPERATURE.hi, 25 * args.temperature)
    if not t_max > args.temperature:
        raise CliError(f"--t-max must be above --temperature {args.temperature:g}, got {t_max:g}")
    return {"n_temps": args.ladder or 6, "t_max": t_max, "local": args.local or "mh"}


def _arg(name: str, flag: str):
    """argparse ``type=`` for a ``SampleConfig`` field: parsed and range-checked in one place."""
    return RANGES[name].argtype(flag)


def add_parsers(sub) -> None:
    t = sub.add_parser("targets", help="list the 2D targets as JSON")
    t.set_defaults(func=cmd_targets)
    s = sub.add_parser("sample", help="run MCMC chains on a 2D target; JSON summary on stdout")
    s.add_argument("--target", required=True, choices=target_names())
    s.add_argument("--formula", help="energy E(x, y) when --target custom, e.g. '(x**2 + y**2 - 4)**2 / 2'")
    s.add_argument("--box", type=_arg("box", "--box"), default=None,
                   help="custom formula: draw and integrate on [-BOX, BOX]² (default 4)")
    s.add_argument("--sampler", default="mh", choices=list(SAMPLERS))
    s.add_argument("--steps", type=_arg("steps", "--steps"), default=2000)
    s.add_argument("--chains", type=_arg("chains", "--chains"), default=4)
    s.add_argument("--step-size", type=_arg("step_size", "--step-size"), default=None,
                   help="σ for MH, ε for ULA/MALA/HMC (default per sampler: "
                        + ", ".join(f"{k} {v}" for k, v in DEFAULT_STEP.items() if k != "gibbs") + ")")
    s.add_argument("--temperature", type=_arg("temperature", "--temperature"), default=1.0)
    s.add_argument("--n-leapfrog", "--leapfrog", dest="n_leapfrog", type=_arg("n_leapfrog", "--n-leapfrog"),
                   default=10, help="HMC leapfrog steps L (--leapfrog: the older name)")
    s.add_argument("--ladder", type=LADDER.argtype("--ladder"), default=None,
                   help="pt: K replicas on the temperature ladder, the cold one included (default 6)")
    s.add_argument("--t-max", type=TEMPERATURE.argtype("--t-max"), default=None,
                   help="pt: the hottest replica's temperature (default 25 T, at most 100)")
    s.add_argument("--local", choices=list(LOCAL_MOVES), default=None,
                   help="pt: each replica's local move (default mh; --step-size is the cold replica's σ or ε)")
    s.add_argument("--burn-in", type=_arg("burn_in", "--burn-in"), default=0,
                   help="m: draws 1..m are left out of the estimates")
    s.add_argument("--target-accept", type=TARGET_ACCEPT.argtype("--target-accept"), default=None,
                   help="tune the step size by dual averaging during --burn-in towards this acceptance rate "
                        "(mh, mala, hmc; e.g. 0.3, 0.57, 0.65), then freeze it; --step-size is the start")
    s.add_argument("--seed", type=_arg("seed", "--seed"), default=0)
    s.add_argument("--threads", type=int, default=1, help="torch threads (default 1: cores are shared)")
    s.add_argument("--out", help="write positions/accepted/energies to this .npz")
    s.set_defaults(func=cmd_sample)
