"""Command line: ``python -m ebm_core targets | sample | ensemble | ais2d | train {ebm2d,rbm,dbn,dbm} | generate | evaluate``.

Machine-readable by design (slides and tests script it): results go to ``.npz`` files and
one JSON object on stdout; a bad argument exits with status 2 and a one-line message.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ebm_core.cli import data, sample, truth
from ebm_core.cli.common import CliError, Parser, set_threads
from ebm_core.io.checkpoint import CheckpointError, load

#: Model commands live beside their models. Each module provides
#:   add_train_parser(train_subparsers) -> registers "train <kind>" (set_defaults(func=...)),
#:   generate(checkpoint, args) -> exit status, evaluate(checkpoint, args) -> exit status,
#: and raises CliError for a user mistake.
MODEL_COMMANDS = {
    "ebm2d": "ebm_core.cli.ebm2d",
    "rbm": "ebm_core.cli.rbm",
    "dbn": "ebm_core.cli.deep",
    "dbm": "ebm_core.cli.deep",
}


def _model_module(kind: str):
    return importlib.import_module(MODEL_COMMANDS[kind])


def _load_for_command(args):
    try:
        return load(args.checkpoint)
    except CheckpointError as e:
        raise CliError(f"{args.checkpoint}: {e}") from None


def cmd_generate(args) -> int:
    if not 1 <= args.n <= 100_000:
        raise CliError(f"--n must be between 1 and 100000, got {args.n}")
    set_threads(args)
    ck = _load_for_command(args)
    return _model_module(ck["kind"]).generate(ck, args)


def cmd_evaluate(args) -> int:
    set_threads(args)
    ck = _load_for_command(args)
    return _model_module(ck["kind"]).evaluate(ck, args)


def build_parser() -> argparse.ArgumentParser:
    p = Parser(prog="python -m ebm_core", description="EBM Lab engine: sample 2D energies from the command line.")
    sub = p.add_subparsers(dest="command", parser_class=Parser)
    sub.required = True
    sample.add_parsers(sub)
    truth.add_parsers(sub)  # ensemble, ais2d
    tr = sub.add_parser("train", help="train a model; JSON lines on stdout, a checkpoint in --out")
    tsub = tr.add_subparsers(dest="model", parser_class=Parser)
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
    g.add_argument("--threads", type=int, default=None,
                   help="torch threads (default: RBM/DBN/DBM the idle cores, from the 1-minute load average; ebm2d 1)")
    g.set_defaults(func=cmd_generate)

    e = sub.add_parser("evaluate", help="measure a checkpoint; one JSON object on stdout")
    e.add_argument("checkpoint", help="a .pt file written by 'train'")
    e.add_argument("--ais", action="store_true", help="RBM/DBM: estimate log Z by annealed importance sampling")
    e.add_argument("--runs", type=int, default=None, help="AIS runs")
    e.add_argument("--betas", type=int, default=None, help="AIS inverse temperatures")
    e.add_argument("--seed", type=int, default=0)
    e.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's own)")
    e.set_defaults(func=cmd_evaluate)

    data.add_data_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return args.func(args)
    except CliError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
