"""Command line: ``python -m ebm_core targets | sample | train {ebm2d,rbm,dbn,dbm} | generate | evaluate``.

Machine-readable by design (slides and tests script it): results go to ``.npz`` files and
one JSON object on stdout; a bad argument exits with status 2 and a one-line message.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch

from . import diagnostics, grid
from .atomic import write_atomic
from .energies import REGISTRY
from .expressions import FormulaError
from .samplers import DEFAULT_STEP, SAMPLERS, make_sampler, run_chains, spread_starts
from .targets import resolve_target, target_names

#: (low, high) accepted on the command line; the page uses tighter ranges (ui/params.py).
RANGES = {
    "steps": (1, 1_000_000),
    "chains": (1, 100_000),
    "step_size": (1e-6, 100.0),
    "temperature": (0.01, 100.0),
    "leapfrog": (1, 1000),
    "seed": (0, 2**63 - 1),
}


class CliError(Exception):
    """A user mistake: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse would print the whole usage; one line is enough
        raise CliError(message)


def _check(name: str, value):
    lo, hi = RANGES[name]
    if not (lo <= value <= hi) or (isinstance(value, float) and not math.isfinite(value)):
        raise CliError(f"--{name.replace('_', '-')} must be between {lo:g} and {hi:g}, got {value:g}")
    return value


def _jsonable(x):
    if isinstance(x, float) and not math.isfinite(x):
        return None  # strict JSON has no NaN/inf
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, np.ndarray):
        return _jsonable(x.tolist())
    if isinstance(x, np.generic):
        return _jsonable(x.item())
    return x


def save_npz_atomic(path: str, **arrays) -> None:
    """Write an .npz atomically (temporary file, then rename)."""
    write_atomic(path, lambda f: np.savez_compressed(f, **arrays), suffix=".npz")


def save_npy_atomic(path: str, array: np.ndarray) -> None:
    """Write an .npy atomically (temporary file, then rename)."""
    write_atomic(path, lambda f: np.save(f, array), suffix=".npy")


def cmd_targets(args) -> int:
    out = [{"name": e.name, "box": list(e.box), "description": e.description} for e in REGISTRY.values()]
    out.append({"name": "custom", "box": None, "description": "a typed formula in x, y (--formula)"})
    print(json.dumps({"targets": out}, ensure_ascii=False))
    return 0


def cmd_sample(args) -> int:
    for name in ("steps", "chains", "temperature", "leapfrog", "seed"):
        _check(name, getattr(args, name))
    if args.step_size is not None:
        _check("step_size", args.step_size)
    if not 0 <= args.burn_in < args.steps:
        raise CliError(f"--burn-in must be between 0 and steps - 1 = {args.steps - 1}, got {args.burn_in}")
    try:
        box = None
        if args.box is not None and args.target != "custom":
            raise CliError("--box applies to --target custom only (built-in targets have their own box)")
        if args.box is not None:
            if not (0.1 <= args.box <= 1000) or not math.isfinite(args.box):
                raise CliError(f"--box must be between 0.1 and 1000, got {args.box:g}")
            box = (-args.box, args.box, -args.box, args.box)
        energy = resolve_target(args.target, args.formula, box)
    except FormulaError as e:
        raise CliError(f"bad formula: {e}") from None
    except (KeyError, ValueError) as e:
        raise CliError(str(e.args[0] if e.args else e)) from None
    torch.set_num_threads(max(1, min(args.threads, os.cpu_count() or 1)))
    sampler = make_sampler(args.sampler, energy, args.step_size, args.temperature, args.leapfrog)
    x0 = spread_starts(energy, args.chains, args.seed)
    t0 = time.perf_counter()
    trace = run_chains(sampler, x0, args.steps, args.seed)
    seconds = time.perf_counter() - t0
    truth = grid.integrate(energy, args.temperature)
    s = diagnostics.summarise(trace.positions, trace.accepted, args.burn_in)
    result = {
        "target": energy.name, "formula": args.formula if args.target == "custom" else None,
        "sampler": args.sampler, "steps": args.steps, "chains": args.chains, "burn_in": args.burn_in,
        "step_size": sampler.sigma if hasattr(sampler, "sigma") else getattr(sampler, "eps", None),
        "temperature": args.temperature, "seed": args.seed,
        **s.as_dict(),
        "exact_mean": truth.mean.tolist(), "exact_cov": truth.cov.tolist(), "exact_log_z": truth.log_z,
        "grid_warnings": truth.warnings(),
        "diverged_chains": int(trace.diverged[-1].sum()),
        "seconds": seconds, "chain_steps_per_second": args.steps * args.chains / max(seconds, 1e-9),
    }
    if args.out:
        save_npz_atomic(args.out, positions=trace.positions, accepted=trace.accepted, energies=trace.energies,
                        proposals=trace.proposals, log_alpha=trace.log_alpha, diverged=trace.diverged)
        result["out"] = args.out
    print(json.dumps(_jsonable(result), ensure_ascii=False))
    return 0


#: Model commands live beside their models. Each module provides
#:   add_train_parser(train_subparsers) -> registers "train <kind>" (set_defaults(func=...)),
#:   generate(checkpoint, args) -> exit status, evaluate(checkpoint, args) -> exit status,
#: and raises CliError for a user mistake.
MODEL_COMMANDS = {
    "ebm2d": "ebm_core.cli_ebm2d",
    "rbm": "ebm_core.cli_rbm",
    "dbn": "ebm_core.cli_deep",
    "dbm": "ebm_core.cli_deep",
}


def _model_module(kind: str):
    import importlib
    return importlib.import_module(MODEL_COMMANDS[kind])


def _set_threads(args) -> None:
    if getattr(args, "threads", None) is not None:
        if args.threads < 1:
            raise CliError(f"--threads must be at least 1, got {args.threads}")
        torch.set_num_threads(min(args.threads, os.cpu_count() or 1))


def _load_for_command(args):
    from .checkpoint import CheckpointError, load
    try:
        return load(args.checkpoint)
    except CheckpointError as e:
        raise CliError(f"{args.checkpoint}: {e}") from None


def cmd_generate(args) -> int:
    if not 1 <= args.n <= 100_000:
        raise CliError(f"--n must be between 1 and 100000, got {args.n}")
    _set_threads(args)
    ck = _load_for_command(args)
    return _model_module(ck["kind"]).generate(ck, args)


def cmd_evaluate(args) -> int:
    _set_threads(args)
    ck = _load_for_command(args)
    return _model_module(ck["kind"]).evaluate(ck, args)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m ebm_core", description="EBM Lab engine: sample 2D energies from the command line.")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)
    sub.required = True
    t = sub.add_parser("targets", help="list the 2D targets as JSON")
    t.set_defaults(func=cmd_targets)
    s = sub.add_parser("sample", help="run MCMC chains on a 2D target; JSON summary on stdout")
    s.add_argument("--target", required=True, choices=target_names())
    s.add_argument("--formula", help="energy E(x, y) when --target custom, e.g. '(x**2 + y**2 - 4)**2 / 2'")
    s.add_argument("--box", type=float, default=None,
                   help="custom formula: draw and integrate on [-BOX, BOX]² (default 4)")
    s.add_argument("--sampler", default="mh", choices=list(SAMPLERS))
    s.add_argument("--steps", type=int, default=2000)
    s.add_argument("--chains", type=int, default=4)
    s.add_argument("--step-size", type=float, default=None,
                   help="σ for MH, ε for ULA/MALA/HMC (default per sampler: "
                        + ", ".join(f"{k} {v}" for k, v in DEFAULT_STEP.items() if k != "gibbs") + ")")
    s.add_argument("--temperature", type=float, default=1.0)
    s.add_argument("--leapfrog", type=int, default=10, help="HMC leapfrog steps L")
    s.add_argument("--burn-in", type=int, default=0, help="m: draws 1..m are left out of the estimates")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--threads", type=int, default=1, help="torch threads (default 1: cores are shared)")
    s.add_argument("--out", help="write positions/accepted/energies to this .npz")
    s.set_defaults(func=cmd_sample)

    tr = sub.add_parser("train", help="train a model; JSON lines on stdout, a checkpoint in --out")
    tsub = tr.add_subparsers(dest="model", parser_class=_Parser)
    tsub.required = True
    registered = set()
    for kind, module in MODEL_COMMANDS.items():
        if module in registered:
            continue
        registered.add(module)
        try:
            mod = _model_module(kind)
        except ModuleNotFoundError as err:  # while a model is being built; never hides a broken import
            if err.name != module:
                raise
            continue
        mod.add_train_parser(tsub)

    g = sub.add_parser("generate", help="sample from a checkpoint (.pt) into an .npy/.npz file")
    g.add_argument("checkpoint", help="a .pt file written by 'train'")
    g.add_argument("--n", type=int, default=16, help="how many samples")
    g.add_argument("--out", required=True, help="output file")
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--gibbs-steps", type=int, default=None, help="RBM/DBN/DBM: Gibbs steps per sample")
    g.add_argument("--label", type=int, default=None, help="DBN with labels: clamp this digit (0-9)")
    g.add_argument("--temperature", type=float, default=None, help="sample at this temperature T")
    g.add_argument("--steps", type=int, default=None, help="ebm2d: Langevin steps")
    g.add_argument("--step-size", type=float, default=None, help="ebm2d: Langevin step size ε")
    g.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's own)")
    g.set_defaults(func=cmd_generate)

    e = sub.add_parser("evaluate", help="measure a checkpoint; one JSON object on stdout")
    e.add_argument("checkpoint", help="a .pt file written by 'train'")
    e.add_argument("--ais", action="store_true", help="RBM/DBM: estimate log Z by annealed importance sampling")
    e.add_argument("--runs", type=int, default=None, help="AIS runs")
    e.add_argument("--betas", type=int, default=None, help="AIS inverse temperatures")
    e.add_argument("--seed", type=int, default=0)
    e.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's own)")
    e.set_defaults(func=cmd_evaluate)

    from .cli_data import add_data_parser  # here, not at the top: cli_data imports cli
    add_data_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return args.func(args)
    except CliError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
