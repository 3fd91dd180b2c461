"""Command line for the 2D EBM: ``train ebm2d``, and ``generate`` / ``evaluate`` of its checkpoints.

    python -m ebm_core train ebm2d --dataset 8gaussians --steps 2000 --seed 0 --out g8.pt
    python -m ebm_core generate g8.pt --n 1000 --out samples.npz
    python -m ebm_core evaluate g8.pt

``train`` prints one JSON object per line as it trains (every ``--log-every`` updates:
step, mean data energy, mean sample energy, and the exact held-out average log-likelihood
with log Z on the lines where it is evaluated), then a summary line with ``"done": true``.
"""

from __future__ import annotations

import os
import time

import numpy as np
import torch

from ebm_core.io import checkpoint as ckpt
from ebm_core.ebm import ebm2d
from ebm_core.cli.common import CliError, print_json, save_npy_atomic, save_npz_atomic
from ebm_core.data import toy2d
from ebm_core.ranges import SEED, TEMPERATURE, ranges

DEFAULTS = ebm2d.Config()
#: --steps (updates of train, Langevin steps of generate) and --log-every.
STEPS = ebm2d.STEPS
#: Langevin steps of ``generate`` when --steps is not given.
GENERATE_STEPS = 500
#: Grid cells per side for ``evaluate`` (finer than the training-time evaluations).
EVALUATE_GRID = 400


def add_train_parser(tsub) -> None:
    p = tsub.add_parser("ebm2d", help="learn a 2D energy E_θ (MLP) by maximum likelihood with Langevin negatives")
    p.add_argument("--dataset", default=DEFAULTS.dataset, choices=toy2d.NAMES)
    r = ranges(ebm2d.Config)

    def flag(name: str, field: str, default, help: str) -> None:  # type and range from the Config field
        p.add_argument(name, type=r[field].argtype(name), default=default, help=help)

    p.add_argument("--steps", type=STEPS.argtype("--steps"), default=2000, help="parameter updates")
    flag("--n-data", "n_data", DEFAULTS.n_data, "training points")
    flag("--width", "width", DEFAULTS.width, "hidden units per layer")
    flag("--depth", "depth", DEFAULTS.depth, "hidden SiLU layers")
    p.add_argument("--scheme", default=DEFAULTS.scheme, choices=ebm2d.SCHEMES,
                   help="negatives: persistent chains (replay buffer), short-run from noise, or cd (from the data)")
    flag("--langevin-steps", "langevin_steps", DEFAULTS.langevin_steps, "K: Langevin steps per update")
    flag("--step-size", "step_size", DEFAULTS.step_size, "Langevin step size ε")
    flag("--reinit", "reinit", DEFAULTS.reinit, "persistent: share restarted from noise")
    flag("--buffer", "buffer_size", DEFAULTS.buffer_size, "persistent: number of chains")
    flag("--batch", "batch", DEFAULTS.batch, "data points and negatives per update")
    flag("--lr", "lr", DEFAULTS.lr, "Adam learning rate")
    flag("--alpha", "alpha", DEFAULTS.alpha, "energy-magnitude regularisation α")
    flag("--eval-every", "eval_every", 100, "exact held-out log-likelihood every so many updates")
    p.add_argument("--log-every", type=STEPS.argtype("--log-every"), default=None,
                   help="a JSON line every so many updates (default: --eval-every)")
    flag("--grid", "grid_n", DEFAULTS.grid_n, "grid cells per side for log Z")
    flag("--seed", "seed", 0, "random seed")
    p.add_argument("--threads", type=int, default=1, help="torch threads (default 1: cores are shared)")
    p.add_argument("--out", required=True, help="checkpoint file (.pt)")
    p.set_defaults(func=cmd_train)


def _config(args) -> ebm2d.Config:
    try:  # the flags were range-checked by argparse; the Config checks what spans several of them
        return ebm2d.Config(dataset=args.dataset, n_data=args.n_data, width=args.width, depth=args.depth,
                            scheme=args.scheme, langevin_steps=args.langevin_steps, step_size=args.step_size,
                            buffer_size=args.buffer, reinit=args.reinit, batch=args.batch, lr=args.lr,
                            alpha=args.alpha, seed=args.seed, eval_every=args.eval_every, grid_n=args.grid).validate()
    except ValueError as e:
        # Config speaks in field names; the user typed options.
        msg = str(e)
        for field, opt in (("n_data", "--n-data"), ("langevin_steps", "--langevin-steps"), ("step_size", "--step-size"),
                           ("buffer_size", "--buffer"), ("eval_every", "--eval-every"), ("grid_n", "--grid")):
            msg = msg.replace(field, opt)
        if not msg.startswith("--") and not msg.startswith("unknown"):
            msg = "--" + msg
        raise CliError(msg) from None


def cmd_train(args) -> int:
    if args.threads < 1:
        raise CliError(f"--threads must be at least 1, got {args.threads}")
    torch.set_num_threads(min(args.threads, os.cpu_count() or 1))
    cfg = _config(args)
    out_dir = os.path.dirname(os.path.abspath(args.out))
    if not os.path.isdir(out_dir):
        raise CliError(f"--out: no such folder {out_dir}")
    log_every = args.log_every or cfg.eval_every
    trainer = ebm2d.Trainer(cfg)
    first = trainer.ll_history
    print_json({"step": 0, "heldout_ll": first["ll"][0], "log_z": first["log_z"][0], "edge_mass": first["edge_mass"][0]})
    t0 = time.perf_counter()
    done = 0
    while done < args.steps and not trainer.diverged:
        stats = trainer.step(min(log_every, args.steps - done))
        done += len(stats)
        if not stats:
            break
        last = stats[-1]
        line = {"step": trainer.updates, "data_energy": last["e_data"], "sample_energy": last["e_neg"],
                "loss": last["loss"]}
        if "ll" in last:
            line |= {"heldout_ll": last["ll"], "log_z": last["log_z"], "edge_mass": last["edge_mass"]}
        if last.get("diverged"):
            line["diverged"] = True
        print_json(line)
    seconds = time.perf_counter() - t0
    final = trainer.evaluate()
    kind, config, state, meta = trainer.checkpoint()
    meta["seconds"] = seconds
    ckpt.save(args.out, kind, config, state, meta)
    print_json({"done": True, "dataset": cfg.dataset, "steps": trainer.updates, "seed": cfg.seed,
            "heldout_ll": final["ll"], "initial_heldout_ll": first["ll"][0], "log_z": final["log_z"],
            "edge_mass": final["edge_mass"], "diverged": trainer.diverged, "seconds": seconds,
            "updates_per_second": trainer.updates / max(seconds, 1e-9), "out": args.out})
    return 1 if trainer.diverged else 0


def _model(ck: dict):
    try:
        return ebm2d.model_from_checkpoint(ck)
    except ValueError as e:
        raise CliError(str(e)) from None


def _one_thread_unless_asked(args) -> None:
    # torch's default (all cores) is 40x slower for these small batches when the cores are
    # busy with other work; cli.py has already applied an explicit --threads.
    if getattr(args, "threads", None) is None:
        torch.set_num_threads(1)


def generate(ck: dict, args) -> int:
    _one_thread_unless_asked(args)
    model, cfg = _model(ck)
    steps = GENERATE_STEPS if args.steps is None else args.steps
    eps = cfg.step_size if args.step_size is None else args.step_size
    temperature = 1.0 if args.temperature is None else args.temperature
    # generate's flags belong to main's shared parser: checked here against the same ranges
    for flag, r, value in (("--steps", STEPS, steps), ("--step-size", ranges(ebm2d.Config)["step_size"], eps),
                           ("--temperature", TEMPERATURE, temperature), ("--seed", SEED, args.seed)):
        if not r.ok(value):
            raise CliError(r.message(flag, value))
    if not args.out.endswith((".npz", ".npy")):
        raise CliError(f"--out must end in .npz or .npy, got {args.out}")
    t0 = time.perf_counter()
    frames = ebm2d.sample_frames(model, cfg.box, args.n, steps, eps, args.seed, frames=2, temperature=temperature)
    samples = frames[-1]
    seconds = time.perf_counter() - t0
    with torch.no_grad():
        energies = model(torch.from_numpy(samples)).numpy().astype(np.float32)
    if args.out.endswith(".npy"):
        save_npy_atomic(args.out, samples)
    else:
        save_npz_atomic(args.out, samples=samples, energies=energies, box=np.asarray(cfg.box, np.float32))
    print_json({"out": args.out, "n": int(samples.shape[0]), "steps": steps, "step_size": eps, "temperature": temperature,
            "seed": args.seed, "dataset": cfg.dataset, "mean_energy": float(energies.mean()),
            "sample_mean": samples.mean(axis=0), "seconds": seconds})
    return 0


def evaluate(ck: dict, args) -> int:
    _one_thread_unless_asked(args)
    model, cfg = _model(ck)
    test = ebm2d.held_out(cfg.dataset)
    r = ebm2d.exact_log_likelihood(model, test, cfg.box, EVALUATE_GRID)
    train = ebm2d.exact_log_likelihood(model, toy2d.sample(cfg.dataset, cfg.n_data, cfg.seed), cfg.box, EVALUATE_GRID)
    print_json({"dataset": cfg.dataset, "heldout_ll": r["ll"], "train_ll": train["ll"], "log_z": r["log_z"],
            "edge_mass": r["edge_mass"], "n_heldout": int(test.shape[0]), "grid": EVALUATE_GRID, "box": list(cfg.box),
            "steps": ck.get("meta", {}).get("steps")})
    return 0

