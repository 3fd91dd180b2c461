"""``python -m ebm_core train rbm | generate FILE.pt | evaluate FILE.pt`` for RBM checkpoints.

    python -m ebm_core train rbm --hidden 500 --epochs 5 --k 1 --seed 0 --out rbm.pt
    python -m ebm_core generate rbm.pt --n 64 --gibbs-steps 1000 --out samples.npy
    python -m ebm_core evaluate rbm.pt --ais --runs 100 --betas 10000

``train`` prints one JSON object per epoch and a final one; ``generate`` writes an (N, 784)
float32 array in [0, 1] (the mean-field p(v|h) of the last Gibbs step) and prints one JSON
object; ``evaluate`` prints one JSON object. Every number comes with the binarisation it was
measured on. User mistakes raise ``CliError`` (one line, exit status 2).
"""

from __future__ import annotations

import time

import torch

from ebm_core.rbm import ais
from ebm_core.rbm.cd import TRAIN_SIZE, CDConfig, CDTrainer
from ebm_core.io.checkpoint import save
from ebm_core.cli.common import (CliError, check_flag, generation_threads, load_binary, print_json, save_array,
                                  set_threads)
from ebm_core.rbm.model import GIBBS_STEPS, RBM
from ebm_core.ranges import SEED, TEMPERATURE, ranges

# Every range below is declared in the engine (CDConfig's ``ranged`` fields, ebm_core.ranges,
# ebm_core.rbm.*); argparse types derive from them (``Range.argtype``).
CD = ranges(CDConfig)
DEFAULT_GIBBS_STEPS = 1000
DEFAULT_RUNS = 100
DEFAULT_BETAS = 10_000


# ---------------------------------------------------------------------------------- train
def add_train_parser(train_subparsers) -> None:
    d = CDConfig()
    p = train_subparsers.add_parser(
        "rbm", help="train a Bernoulli-Bernoulli RBM on MNIST by CD-k or PCD",
        description="Train an RBM by CD-k (or PCD with --pcd); one JSON line per epoch, then a final one.")
    p.add_argument("--hidden", type=CD["n_hidden"].argtype("--hidden"), default=d.n_hidden,
                   help=f"hidden units (default {d.n_hidden})")
    p.add_argument("--epochs", type=CD["epochs"].argtype("--epochs"), default=d.epochs,
                   help=f"passes over the data (default {d.epochs})")
    p.add_argument("--k", type=CD["k"].argtype("--k"), default=d.k, help=f"Gibbs steps per update, CD-k (default {d.k})")
    p.add_argument("--pcd", action="store_true", help="persistent chains (PCD) instead of restarting at the data")
    p.add_argument("--chains", type=CD["n_chains"].argtype("--chains"), default=None,
                   help="PCD: number of persistent chains (default: batch size)")
    p.add_argument("--lr", type=CD["lr"].argtype("--lr"), default=d.lr, help=f"learning rate η (default {d.lr:g})")
    p.add_argument("--lr-final", type=CD["lr_final"].argtype("--lr-final"), default=None,
                   help="η falls linearly from --lr to this at the last update (weight decay scaled alike); "
                        "default: constant η")
    p.add_argument("--momentum", type=CD["momentum"].argtype("--momentum"), default=d.momentum,
                   help=f"momentum ν (default {d.momentum:g})")
    p.add_argument("--weight-decay", type=CD["weight_decay"].argtype("--weight-decay"), default=d.weight_decay,
                   help=f"weight decay λ on W, per update (default {d.weight_decay:g})")
    p.add_argument("--batch-size", type=CD["batch_size"].argtype("--batch-size"), default=d.batch_size,
                   help=f"mini-batch size (default {d.batch_size})")
    p.add_argument("--binarization", choices=("threshold", "stochastic"), default=d.binarization,
                   help="threshold x/255 > 0.5, or a seeded Bernoulli(x/255) draw (default threshold)")
    p.add_argument("--data", default="auto",
                   help="auto (full MNIST when downloaded, else the shipped digits), shipped, full, "
                        "or a folder holding the IDX files")
    p.add_argument("--train-size", type=TRAIN_SIZE.argtype("--train-size"), default=None,
                   help="train on N of the digits (a fixed random subset, the same as the page's)")
    p.add_argument("--seed", type=CD["seed"].argtype("--seed"), default=0)
    p.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's own)")
    p.add_argument("--out", required=True, help="checkpoint to write (.pt)")
    p.set_defaults(func=cmd_train)


def config_from_args(args) -> CDConfig:
    cfg = CDConfig(n_hidden=args.hidden, k=args.k, persistent=bool(args.pcd), lr=args.lr, momentum=args.momentum,
                   weight_decay=args.weight_decay, batch_size=args.batch_size, epochs=args.epochs, seed=args.seed,
                   binarization=args.binarization, n_chains=args.chains,
                   lr_final=args.lr_final)
    if args.chains is not None and not args.pcd:
        raise CliError("--chains only applies with --pcd")
    try:
        return cfg.validate()  # argparse checked each number already (a config built in code gets here)
    except ValueError as e:
        raise CliError(str(e)) from None


def cmd_train(args) -> int:
    cfg = config_from_args(args)
    set_threads(args)
    train, d, resolved = load_binary("train", args.data, cfg.binarization, cfg.seed, args.train_size)
    try:
        test, dt, _ = load_binary("test", args.data, cfg.binarization, cfg.seed)
    except CliError:
        test, dt = None, None  # a folder with only training files: train anyway, no test monitors
    if cfg.batch_size > train.shape[0]:
        raise CliError(f"--batch-size {cfg.batch_size} exceeds the {train.shape[0]} training digits")
    from ebm_core.data import mnist
    # b starts at the log-odds of the pixel rates (Hinton's guide §8): W ≈ 0 then models the base rates.
    rbm = RBM(train.shape[1], cfg.n_hidden, seed=cfg.seed, init_std=cfg.init_std, visible_rates=train.mean(0))
    trainer = CDTrainer(rbm, train, cfg, test_data=test)
    t0 = time.perf_counter()
    while not trainer.done:
        summary = trainer.epoch()
        print_json({"epoch": summary["epoch"], "of": cfg.epochs, **{k: v for k, v in summary.items() if k != "epoch"}})
    wall = time.perf_counter() - t0
    meta = {
        "data": d.source, "data_source": resolved, "train_size": int(train.shape[0]),
        "train_subset": mnist.describe_subset(len(d.images), int(train.shape[0])),
        "test_data": dt.source if dt is not None else None,
        "binarization": cfg.binarization,
        "binarization_description": mnist.describe_binarization(
            cfg.binarization, seed=cfg.seed if cfg.binarization == "stochastic" else None),
        "binarization_seed": cfg.seed, "epochs": cfg.epochs, "updates": trainer.updates, "seed": cfg.seed,
        "algorithm": f"PCD-{cfg.k}" if cfg.persistent else f"CD-{cfg.k}",
        "train_seconds": trainer.seconds, "history": trainer.history,
        "command": "python -m ebm_core train rbm " + " ".join(_argv_of(args)),
    }
    try:
        save(args.out, "rbm", cfg.to_dict(), rbm.state(), meta)
    except OSError as e:
        raise CliError(f"cannot write {args.out}: {e.strerror or e}") from None
    last = trainer.history[-1]
    print_json({"done": True, "out": args.out, "algorithm": meta["algorithm"], "epochs": cfg.epochs,
            "updates": trainer.updates, "seconds": wall, "train_seconds": trainer.seconds,
            "data": d.source, "train_size": meta["train_size"], "binarization": meta["binarization_description"],
            "recon_error": last["recon_error"], "pseudo_log_likelihood": last["pseudo_log_likelihood"],
            "free_energy_gap": last.get("free_energy_gap"), "config": cfg.to_dict()})
    return 0


def _argv_of(args) -> list[str]:
    """The training flags as they would be typed (recorded in the checkpoint's meta)."""
    out = ["--hidden", str(args.hidden), "--epochs", str(args.epochs), "--k", str(args.k)]
    if args.pcd:
        out.append("--pcd")
        if args.chains is not None:
            out += ["--chains", str(args.chains)]
    out += ["--lr", f"{args.lr:g}"]
    if args.lr_final is not None:
        out += ["--lr-final", f"{args.lr_final:g}"]
    out += ["--momentum", f"{args.momentum:g}", "--weight-decay", f"{args.weight_decay:g}",
            "--batch-size", str(args.batch_size), "--binarization", args.binarization, "--data", args.data]
    if args.train_size is not None:
        out += ["--train-size", str(args.train_size)]
    out += ["--seed", str(args.seed), "--out", args.out]
    return out


# ---------------------------------------------------------------------------- from a checkpoint
def _rbm_of(ck: dict) -> RBM:
    try:
        return RBM.from_state(ck["state"])
    except (ValueError, TypeError) as e:
        raise CliError(f"checkpoint holds no valid RBM: {e}") from None


def _reject(args, names: dict) -> None:
    for attr, flag in names.items():
        if getattr(args, attr, None) is not None:
            raise CliError(f"{flag} does not apply to an RBM checkpoint")


def generate(ck: dict, args) -> int:
    _reject(args, {"label": "--label", "steps": "--steps", "step_size": "--step-size"})
    steps = DEFAULT_GIBBS_STEPS if args.gibbs_steps is None else args.gibbs_steps
    check_flag("--gibbs-steps", GIBBS_STEPS, steps)
    T = 1.0 if args.temperature is None else args.temperature
    check_flag("--temperature", TEMPERATURE, T)
    check_flag("--seed", SEED, args.seed)
    rbm = _rbm_of(ck)
    threads = generation_threads(args)
    g = torch.Generator().manual_seed(int(args.seed))
    t0 = time.perf_counter()
    probs, _ = rbm.sample(args.n, steps, g, T=T)
    seconds = time.perf_counter() - t0
    arr = probs.to(torch.float32).clamp_(0.0, 1.0).numpy()
    save_array(args.out, arr)
    print_json({"out": args.out, "shape": list(arr.shape), "n": args.n, "gibbs_steps": steps, "temperature": T,
            "seed": args.seed, "start": "uniform noise", "values": "mean-field p(v|h) of the last Gibbs step",
            "mean_intensity": float(arr.mean()), "seconds": seconds, **threads})
    return 0


def evaluate(ck: dict, args) -> int:
    check_flag("--seed", SEED, args.seed)
    runs = DEFAULT_RUNS if args.runs is None else args.runs
    betas = DEFAULT_BETAS if args.betas is None else args.betas
    if not args.ais and (args.runs is not None or args.betas is not None):
        raise CliError("--runs and --betas need --ais")
    check_flag("--runs", ais.RUNS, runs)
    check_flag("--betas", ais.BETAS, betas)
    rbm = _rbm_of(ck)
    meta, cfg = ck.get("meta", {}), ck.get("config", {})
    method = meta.get("binarization", cfg.get("binarization", "threshold"))
    if method not in ("threshold", "stochastic"):
        raise CliError(f"checkpoint records binarisation {method!r}; evaluate needs threshold or stochastic")
    bseed = int(meta.get("binarization_seed", cfg.get("seed", 0)))
    source = meta.get("data_source", "auto")
    train, d, _ = load_binary("train", source, method, bseed, meta.get("train_size"))
    test, dt, _ = load_binary("test", source, method, bseed)
    if train.shape[1] != rbm.n_visible:
        raise CliError(f"the RBM has {rbm.n_visible} visible units but the data have {train.shape[1]} pixels")
    from ebm_core.data import mnist
    g = torch.Generator().manual_seed(int(args.seed))
    neg_f_test = -float(rbm.free_energy(test).double().mean())
    neg_f_train = -float(rbm.free_energy(train).double().mean())
    out = {
        "checkpoint": args.checkpoint, "n_visible": rbm.n_visible, "n_hidden": rbm.n_hidden,
        "binarization": meta.get("binarization_description") or mnist.describe_binarization(method),
        "train_data": d.source, "train_size": int(train.shape[0]), "test_data": dt.source,
        "test_size": int(test.shape[0]),
        "test_recon_error": rbm.reconstruction_error(test),
        "train_pseudo_log_likelihood": rbm.pseudo_log_likelihood(train, g),
        "test_pseudo_log_likelihood": rbm.pseudo_log_likelihood(test, g),
        "free_energy_train": -neg_f_train, "free_energy_test": -neg_f_test,
        "free_energy_gap": neg_f_train - neg_f_test,
    }
    t0 = time.perf_counter()
    if args.ais:
        # The protocol the page reports too (ebm_core.rbm.ais.likelihood_bracket), from its own
        # generator seeded by --seed.
        br = ais.likelihood_bracket(rbm, test, train, runs=runs, betas=betas, seed=int(args.seed))
        exact = br.exact
    else:
        br, exact = None, ais.exact_likelihoods(rbm, test, train)
    if exact is not None:
        out.update(exact_log_z=exact.log_z, exact_test_avg_log_likelihood=exact.test_ll,
                   exact_train_avg_log_likelihood=exact.train_ll)
        if br is None:
            out.update(log_z=exact.log_z, log_z_low=exact.log_z, log_z_high=exact.log_z, method="exact enumeration",
                       test_avg_log_likelihood=exact.test_ll, train_avg_log_likelihood=exact.train_ll)
    if br is not None:
        out.update({
            "log_z": br.log_z, "log_z_low": br.log_z_low, "log_z_high": br.log_z_high,
            "log_z_ais_band": [br.log_z_low, br.log_z_ais_high], "log_z_reverse_ais": br.log_z_reverse,
            "log_z_reverse_ais_std_err": br.log_z_reverse_std_err, "ais_ess": br.ess,
            "log_z_std_err": br.log_z_std_err,
            "test_avg_log_likelihood": br.test_ll, "train_avg_log_likelihood": br.train_ll,
            "test_avg_log_likelihood_bracket": [br.test_ll_low, br.test_ll_high],
            "reverse_ais_test_avg_log_likelihood": br.reverse_ll, "reverse_ais_digits": br.reverse_digits,
            "runs": br.runs, "betas": br.betas, "base": br.base, "method": br.method,
        })
    out["seconds"] = time.perf_counter() - t0
    print_json(out)
    return 0
