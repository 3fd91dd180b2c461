"""``python -m ebm_core ensemble`` and ``ais2d``: samplers and estimators measured against the grid truth.

``ensemble``: N chains from one point; the total-variation distance between their histogram
and the exact p_T after each step (``mcmc.ensemble``). JSON: ``steps``, ``tv``, ``tv_floor``
(the TV of an exact i.i.d. sample of the same size), to stdout and, with ``--out``, to a file.

``ais2d``: annealed importance sampling of log Z(T) from a broad Gaussian base
(``landscapes.ais2d``). JSON: ``log_z``, ``log_z_se``, ``exact_log_z`` (the grid's).
"""

from __future__ import annotations

import json
import math
import os

import torch

from ebm_core.cli.common import CliError, jsonable, print_json
from ebm_core.io.atomic import write_atomic
from ebm_core.landscapes import ais2d
from ebm_core.landscapes.expressions import FormulaError
from ebm_core.landscapes.targets import resolve_target, target_names
from ebm_core.mcmc import ensemble
from ebm_core.mcmc.config import CHAINS, RANGES, STEP_SIZE, STEPS
from ebm_core.mcmc.samplers import SAMPLERS, make_sampler
from ebm_core.ranges import SEED, TEMPERATURE, Range

EVERY = Range(1, 1_000_000, integer=True)


def _energy(args):
    if args.box is not None and args.target != "custom":
        raise CliError("--box applies to --target custom only (built-in targets have their own box)")
    try:
        box = None if args.box is None else (-args.box, args.box, -args.box, args.box)
        return resolve_target(args.target, args.formula, box)
    except FormulaError as e:
        raise CliError(f"bad formula: {e}") from None
    except (KeyError, ValueError) as e:
        raise CliError(str(e.args[0] if e.args else e)) from None


def _threads(args) -> None:
    torch.set_num_threads(max(1, min(args.threads, os.cpu_count() or 1)))


def cmd_ensemble(args) -> int:
    energy = _energy(args)
    _threads(args)
    if args.every > args.steps:
        raise CliError(f"--every must be at most --steps = {args.steps}, got {args.every}")
    if args.start and not all(math.isfinite(v) for v in args.start):
        raise CliError(f"--start must be two finite numbers, got {args.start}")
    start = tuple(args.start) if args.start else ensemble.corner_start(energy)
    try:
        sampler = make_sampler(args.sampler, energy, args.step_size, args.temperature, args.n_leapfrog)
        cells = ensemble.cell_masses(energy, args.temperature, args.bins)
    except ValueError as e:
        raise CliError(str(e)) from None
    run = ensemble.run_ensemble(sampler, start, args.chains, args.steps, args.seed, every=args.every, cells=cells)
    result = {"target": energy.name, "formula": args.formula if args.target == "custom" else None,
              "sampler": args.sampler, "step_size": getattr(sampler, "step_size", None),
              "temperature": args.temperature, "chains": args.chains, "seed": args.seed, "start": list(start),
              **run.as_dict(), "seconds": run.seconds,
              "chain_steps_per_second": args.chains * args.steps / max(run.seconds, 1e-9)}
    if args.out:
        try:
            write_atomic(args.out, lambda f: f.write(json.dumps(jsonable(result), ensure_ascii=False).encode()),
                         suffix=".json")
        except OSError as e:
            raise CliError(f"cannot write {args.out}: {e.strerror or e}") from None
        result["out"] = args.out
    print_json(result)
    return 0


def cmd_ais2d(args) -> int:
    energy = _energy(args)
    _threads(args)
    try:
        r = ais2d.ais_log_z(energy, args.temperature, args.betas, args.runs, args.seed, args.mh_steps)
    except ValueError as e:
        raise CliError(str(e)) from None
    print_json({"target": energy.name, "formula": args.formula if args.target == "custom" else None,
                "seed": args.seed, "mh_steps": args.mh_steps, **r.as_dict()})
    return 0


def _common(p) -> None:
    p.add_argument("--target", required=True, choices=target_names())
    p.add_argument("--formula", help="energy E(x, y) when --target custom")
    p.add_argument("--box", type=RANGES["box"].argtype("--box"), default=None,
                   help="custom formula: integrate on [-BOX, BOX]² (default 4)")
    p.add_argument("--temperature", type=TEMPERATURE.argtype("--temperature"), default=1.0)
    p.add_argument("--seed", type=SEED.argtype("--seed"), default=0)
    p.add_argument("--threads", type=int, default=1, help="torch threads (default 1: cores are shared)")


def add_parsers(sub) -> None:
    e = sub.add_parser("ensemble", help="N chains from one point: TV distance to the exact p_T against t (JSON)")
    _common(e)
    e.add_argument("--sampler", default="mh", choices=list(SAMPLERS))
    e.add_argument("--chains", type=CHAINS.argtype("--chains"), default=10_000)
    e.add_argument("--steps", type=STEPS.argtype("--steps"), default=300)
    e.add_argument("--step-size", type=STEP_SIZE.argtype("--step-size"), default=None,
                   help="σ for MH, ε for ULA/MALA/HMC (default per sampler)")
    e.add_argument("--n-leapfrog", type=RANGES["n_leapfrog"].argtype("--n-leapfrog"), default=10, help="HMC's L")
    e.add_argument("--start", type=float, nargs=2, metavar=("X", "Y"), default=None,
                   help="the one starting point (default: a corner of the box, 10 %% in)")
    e.add_argument("--bins", type=ensemble.BINS.argtype("--bins"), default=40, help="histogram cells per side")
    e.add_argument("--every", type=EVERY.argtype("--every"), default=1, help="measure TV every this many steps")
    e.add_argument("--out", help="also write the JSON to this file")
    e.set_defaults(func=cmd_ensemble)

    a = sub.add_parser("ais2d", help="AIS estimate of log Z(T) on a 2D target beside the grid's exact value (JSON)")
    _common(a)
    a.add_argument("--betas", type=ais2d.BETAS.argtype("--betas"), default=200, help="K annealing temperatures")
    a.add_argument("--runs", type=ais2d.RUNS.argtype("--runs"), default=500, help="R independent runs")
    a.add_argument("--mh-steps", type=ais2d.MH_STEPS.argtype("--mh-steps"), default=2,
                   help="MH steps per temperature")
    a.set_defaults(func=cmd_ais2d)
