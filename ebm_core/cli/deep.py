"""``python -m ebm_core train dbn|dbm | generate FILE.pt | evaluate FILE.pt`` for deep Boltzmann models.

    python -m ebm_core train dbn --sizes 300,300,800 --epochs 10 --finetune-epochs 5 --seed 0 --out dbn.pt
    python -m ebm_core train dbm --sizes 500,500 --pretrain-epochs 20 --epochs 30 --seed 0 --out dbm.pt
    python -m ebm_core generate dbn.pt --n 20 --label 3 --gibbs-steps 200 --out threes.npy
    python -m ebm_core generate dbm.pt --n 20 --gibbs-steps 1000 --out samples.npy
    python -m ebm_core evaluate dbn.pt          # label accuracy on the test digits
    python -m ebm_core evaluate dbm.pt          # variational lower bound on test log p(v), AIS log Z (minutes)

``train`` prints one JSON object per epoch and a final one; ``generate`` writes an (N, 784) float32
array in [0, 1] and prints one JSON object; ``evaluate`` prints one JSON object. Every likelihood
comes with its binarisation and method. User mistakes raise ``CliError`` (one line, exit 2).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from ebm_core.deep import dbm as dbm_mod
from ebm_core.deep import dbm_likelihood
from ebm_core.io.checkpoint import save
from ebm_core.cli.common import (CliError, check_flag, generation_threads, load_binary, print_json, save_array,
                                  set_threads)
from ebm_core.deep.dbm import DBM
from ebm_core.deep.dbm_likelihood import AIS_BETAS, AIS_RUNS, BETAS, RUNS
from ebm_core.deep.dbm_training import DBMConfig, DBMTrainer
from ebm_core.deep.dbn import LAYER_UNITS, N_LABELS, N_LAYERS, SAMPLING_STEPS, DBN, DBNConfig, DBNTrainer
from ebm_core.ranges import SEED, TEMPERATURE, Range, ranges

DBN_GIBBS_STEPS = 200
DBM_SWEEPS = 1000
#: --train-size: a fixed random subset of the training digits.
TRAIN_SIZE = Range(2, 10_000_000, integer=True)


def _sizes(text: str, n_min: int, n_max: int) -> tuple[int, ...]:
    try:
        sizes = tuple(int(s) for s in text.split(","))
    except ValueError:
        raise CliError(f"--sizes must be comma-separated whole numbers, e.g. 300,300,800; got {text!r}") from None
    if not n_min <= len(sizes) <= n_max:
        want = f"{n_min}" if n_min == n_max else f"{n_min} to {n_max}"
        raise CliError(f"--sizes needs {want} layer sizes, got {len(sizes)}")
    for s in sizes:
        if not LAYER_UNITS.ok(s):
            raise CliError(f"--sizes must be between {LAYER_UNITS.lo:g} and {LAYER_UNITS.hi:g}, got {s}")
    return sizes


def _flag(p, flag: str, r: Range, default, help: str) -> None:
    """An option whose type parses and range-checks the value (``Range.argtype``)."""
    p.add_argument(flag, type=r.argtype(flag), default=default, help=help)


def _common(p, config) -> None:
    """The options DBN and DBM share; their ranges from ``config``'s fields."""
    r = ranges(config)
    _flag(p, "--lr", r["lr"], None, "learning rate η")
    _flag(p, "--momentum", r["momentum"], None, "momentum ν")
    _flag(p, "--weight-decay", r["weight_decay"], None, "weight decay λ")
    _flag(p, "--batch-size", r["batch_size"], None, "mini-batch size")
    p.add_argument("--propagate", choices=("probs", "samples"), default="probs",
                   help="what a pretrained RBM passes up as the next RBM's data: hidden probabilities (default) or "
                        "one sampled state per digit")
    p.add_argument("--binarization", choices=("threshold", "stochastic"), default="threshold",
                   help="threshold x/255 > 0.5, or a seeded Bernoulli(x/255) draw (default threshold)")
    p.add_argument("--data", default="auto",
                   help="auto (full MNIST when downloaded, else the shipped digits), shipped, full, or a folder "
                        "holding the IDX files")
    _flag(p, "--train-size", TRAIN_SIZE, None,
          "train on N of the digits (a fixed random subset, the same as the pages')")
    _flag(p, "--seed", r["seed"], 0, "random seed")
    p.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's own)")
    p.add_argument("--out", required=True, help="checkpoint to write (.pt)")


def add_train_parser(train_subparsers) -> None:
    n, r = DBNConfig(), ranges(DBNConfig)
    p = train_subparsers.add_parser(
        "dbn", help="train a deep belief net: greedy stacked RBMs (labels in the top one), then up-down",
        description="Greedy layer-wise training (CD for each RBM, the top RBM with the 10 label units), then "
                    "up-down fine-tuning; one JSON line per epoch, then a final one.")
    p.add_argument("--sizes", default=",".join(map(str, n.sizes)),
                   help=f"hidden layer sizes, the last is the top RBM's hidden layer ({N_LAYERS[0]} to {N_LAYERS[1]} of them; "
                        f"default {','.join(map(str, n.sizes))})")
    p.add_argument("--labels", action=argparse.BooleanOptionalAction, default=True,
                   help="the 10 label units in the top RBM (default on)")
    _flag(p, "--epochs", r["epochs"], n.epochs, f"greedy epochs per layer (default {n.epochs})")
    _flag(p, "--finetune-epochs", r["finetune_epochs"], n.finetune_epochs,
          f"up-down fine-tuning epochs (default {n.finetune_epochs})")
    _flag(p, "--k", r["k"], n.k, f"CD-k for the lower RBMs (default {n.k})")
    _flag(p, "--top-k", r["top_k"], n.top_k, f"CD-k for the top RBM (default {n.top_k})")
    _flag(p, "--finetune-lr", r["finetune_lr"], n.finetune_lr, f"up-down learning rate (default {n.finetune_lr:g})")
    _flag(p, "--finetune-k", r["finetune_k"], n.finetune_k,
          f"Gibbs steps in the top RBM per up-down update (default {n.finetune_k})")
    _common(p, DBNConfig)
    p.set_defaults(func=cmd_train_dbn)

    m, r = DBMConfig(), ranges(DBMConfig)
    q = train_subparsers.add_parser(
        "dbm", help="train a two-layer deep Boltzmann machine: doubled-input pretraining, then Algorithm 20.1",
        description="Greedy pretraining with the doubled-input correction, then variational stochastic maximum "
                    "likelihood (mean field + persistent two-block Gibbs chains); one JSON line per epoch.")
    q.add_argument("--sizes", default=f"{m.n_h1},{m.n_h2}", help=f"n1,n2 (default {m.n_h1},{m.n_h2})")
    _flag(q, "--pretrain-epochs", r["pretrain_epochs"], m.pretrain_epochs,
          f"CD epochs per pretraining RBM (default {m.pretrain_epochs})")
    _flag(q, "--epochs", r["epochs"], m.epochs, f"joint epochs, Algorithm 20.1 (default {m.epochs})")
    _flag(q, "--pretrain-lr", r["pretrain_lr"], m.pretrain_lr, f"pretraining learning rate (default {m.pretrain_lr:g})")
    _flag(q, "--gibbs-steps", r["gibbs_steps"], m.gibbs_steps,
          f"two-block Gibbs sweeps of the persistent chains per update (default {m.gibbs_steps})")
    _flag(q, "--chains", r["n_chains"], m.n_chains, f"persistent chains (default {m.n_chains})")
    _flag(q, "--mf-tol", r["mf_tol"], m.mf_tol, f"mean-field tolerance (default {m.mf_tol:g})")
    _flag(q, "--lr-decay", r["lr_decay"], m.lr_decay,
          f"η_t = η / (1 + decay · epoch) in the joint phase (default {m.lr_decay:g})")
    _flag(q, "--anneal-epochs", r["anneal_epochs"], m.anneal_epochs,
          "the last N joint epochs lower η linearly to 0, so the persistent chains end on the model's own "
          f"distribution (default {m.anneal_epochs})")
    _common(q, DBMConfig)
    q.set_defaults(func=cmd_train_dbm)


def _pick(value, default):
    return default if value is None else value


def _data(args, cfg_binarization, seed):
    train, d, resolved = load_binary("train", args.data, cfg_binarization, seed, args.train_size)
    try:
        test, dt, _ = load_binary("test", args.data, cfg_binarization, seed)
    except CliError:
        test, dt = None, None
    return train, d, resolved, test, dt


def _meta_common(args, cfg, d, dt, resolved, train, kind_args) -> dict:
    from ebm_core.data import mnist
    return {
        "data": d.source, "data_source": resolved, "train_size": int(train.shape[0]),
        "test_data": dt.source if dt is not None else None,
        "binarization": cfg.binarization,
        "binarization_description": mnist.describe_binarization(
            cfg.binarization, seed=cfg.seed if cfg.binarization == "stochastic" else None),
        "binarization_seed": cfg.seed, "seed": cfg.seed,
        "command": "python -m ebm_core train " + " ".join(kind_args),
    }


def _argv(args, kind: str, extra: list[str]) -> list[str]:
    out = [kind, "--sizes", args.sizes] + extra
    for flag, attr in (("--lr", "lr"), ("--momentum", "momentum"), ("--weight-decay", "weight_decay"),
                       ("--batch-size", "batch_size"), ("--train-size", "train_size")):
        if getattr(args, attr) is not None:
            out += [flag, f"{getattr(args, attr):g}" if isinstance(getattr(args, attr), float) else
                    str(getattr(args, attr))]
    return out + ["--propagate", args.propagate, "--binarization", args.binarization, "--data", args.data,
                  "--seed", str(args.seed), "--out", args.out]


def _write(path, kind, cfg: dict, state: dict, meta: dict) -> None:
    try:
        save(path, kind, cfg, state, meta)
    except OSError as e:
        raise CliError(f"cannot write {path}: {e.strerror or e}") from None


def _seed(args) -> None:
    check_flag("--seed", SEED, args.seed)  # generate/evaluate share main's --seed


def _engine_checked(cfg):
    """The engine's own check of a config (argparse has range-checked every flag already)."""
    try:
        cfg.check()
    except ValueError as e:
        raise CliError(str(e)) from None
    return cfg


def _train_data(args, cfg):
    """_data for training, with the batch size checked against the digits there are."""
    train, d, resolved, test, dt = _data(args, cfg.binarization, cfg.seed)
    if cfg.batch_size > train.shape[0]:
        raise CliError(f"--batch-size {cfg.batch_size} exceeds the {train.shape[0]} training digits")
    return train, d, resolved, test, dt


# ---------------------------------------------------------------------------------------- DBN
def dbn_config_from_args(args) -> DBNConfig:
    n = DBNConfig()
    cfg = DBNConfig(sizes=_sizes(args.sizes, *N_LAYERS), labels=bool(args.labels), epochs=args.epochs,
                    finetune_epochs=args.finetune_epochs, lr=_pick(args.lr, n.lr),
                    momentum=_pick(args.momentum, n.momentum), weight_decay=_pick(args.weight_decay, n.weight_decay),
                    batch_size=_pick(args.batch_size, n.batch_size), k=args.k, top_k=args.top_k,
                    finetune_lr=args.finetune_lr, finetune_k=args.finetune_k, propagate=args.propagate,
                    seed=args.seed, binarization=args.binarization)
    return _engine_checked(cfg)


def cmd_train_dbn(args) -> int:
    cfg = dbn_config_from_args(args)
    set_threads(args)
    train, d, resolved, test, dt = _train_data(args, cfg)
    labels = torch.tensor(np.asarray(d.labels))
    test_labels = torch.tensor(np.asarray(dt.labels)) if dt is not None else None
    net = DBN(train.shape[1], cfg.sizes, labels=cfg.labels, seed=cfg.seed)
    trainer = DBNTrainer(net, train, cfg, labels=labels if cfg.labels else None, test_data=test,
                         test_labels=test_labels)
    t0 = time.perf_counter()
    while not trainer.done:
        trainer.epoch_step()
        print_json(trainer.epochs_log[-1])
    wall = time.perf_counter() - t0
    extra = ["--labels" if cfg.labels else "--no-labels", "--epochs", str(cfg.epochs),
             "--finetune-epochs", str(cfg.finetune_epochs), "--k", str(cfg.k), "--top-k", str(cfg.top_k),
             "--finetune-lr", f"{cfg.finetune_lr:g}", "--finetune-k", str(cfg.finetune_k)]
    meta = _meta_common(args, cfg, d, dt, resolved, train, _argv(args, "dbn", extra))
    result = {"epochs": cfg.epochs, "finetune_epochs": cfg.finetune_epochs, "updates": trainer.updates,
              "train_seconds": trainer.seconds,
              "algorithm": f"greedy CD-{cfg.k} (top RBM CD-{cfg.top_k}) then up-down with CD-{cfg.finetune_k}",
              "propagated": "hidden probabilities" if cfg.propagate == "probs" else "sampled hidden states",
              "history": trainer.epochs_log}
    if cfg.labels and test is not None:
        result["test_accuracy"] = net.accuracy(test, test_labels)
        if trainer.greedy_state is not None:
            result["greedy_test_accuracy"] = DBN.from_state(trainer.greedy_state).accuracy(test, test_labels)
    meta.update(result)
    _write(args.out, "dbn", cfg.as_dict(), net.state(), meta)
    print_json({"done": True, "out": args.out, "seconds": wall, "data": d.source, "train_size": meta["train_size"],
            "binarization": meta["binarization_description"],
            **{k: v for k, v in result.items() if k != "history"}, "config": cfg.as_dict()})
    return 0


def _dbn_of(ck: dict) -> DBN:
    try:
        return DBN.from_state(ck["state"])
    except (ValueError, TypeError, KeyError) as e:
        raise CliError(f"checkpoint holds no valid DBN: {e}") from None


# ---------------------------------------------------------------------------------------- DBM
def dbm_config_from_args(args) -> DBMConfig:
    m = DBMConfig()
    n1, n2 = _sizes(args.sizes, 2, 2)
    cfg = DBMConfig(n_h1=n1, n_h2=n2, pretrain_epochs=args.pretrain_epochs, epochs=args.epochs,
                    pretrain_lr=args.pretrain_lr, lr=_pick(args.lr, m.lr), momentum=_pick(args.momentum, m.momentum),
                    weight_decay=_pick(args.weight_decay, m.weight_decay),
                    batch_size=_pick(args.batch_size, m.batch_size), n_chains=args.chains,
                    gibbs_steps=args.gibbs_steps, mf_tol=args.mf_tol, lr_decay=args.lr_decay,
                    anneal_epochs=args.anneal_epochs,
                    propagate=args.propagate, seed=args.seed, binarization=args.binarization)
    if cfg.pretrain_epochs + cfg.epochs < 1:
        raise CliError("nothing to train: --pretrain-epochs and --epochs are both 0")
    return _engine_checked(cfg)


def cmd_train_dbm(args) -> int:
    cfg = dbm_config_from_args(args)
    set_threads(args)
    train, d, resolved, test, dt = _train_data(args, cfg)
    from ebm_core.data import mnist
    probs = mnist.to_float(d.images) if cfg.binarization == "stochastic" else None
    net = DBM(train.shape[1], cfg.n_h1, cfg.n_h2, seed=cfg.seed, visible_rates=train.mean(0))
    trainer = DBMTrainer(net, train, cfg, test_data=test, data_probs=probs)
    t0 = time.perf_counter()
    while not trainer.done:
        trainer.epoch_step()
        print_json(trainer.epochs_log[-1])
    wall = time.perf_counter() - t0
    extra = ["--pretrain-epochs", str(cfg.pretrain_epochs), "--epochs", str(cfg.epochs),
             "--pretrain-lr", f"{cfg.pretrain_lr:g}", "--gibbs-steps", str(cfg.gibbs_steps),
             "--chains", str(cfg.n_chains), "--mf-tol", f"{cfg.mf_tol:g}", "--lr-decay", f"{cfg.lr_decay:g}",
             "--anneal-epochs", str(cfg.anneal_epochs)]
    meta = _meta_common(args, cfg, d, dt, resolved, train, _argv(args, "dbm", extra))
    meta.update({"pretrain_epochs": cfg.pretrain_epochs, "epochs": cfg.epochs, "updates": trainer.updates,
                 "train_seconds": trainer.seconds,
                 "algorithm": "doubled-input greedy pretraining (CD-1), then Algorithm 20.1 (mean field + "
                              f"{cfg.n_chains} persistent chains, {cfg.gibbs_steps} two-block sweep(s) per update)",
                 "history": trainer.epochs_log})
    state = net.state()
    if trainer.chains is not None:
        state.update(dbm_mod.chains_state(trainer.chains))  # generation continues these chains
    _write(args.out, "dbm", cfg.as_dict(), state, meta)
    last = trainer.epochs_log[-1] if trainer.epochs_log else {}
    print_json({"done": True, "out": args.out, "seconds": wall, "train_seconds": trainer.seconds, "data": d.source,
            "train_size": meta["train_size"], "binarization": meta["binarization_description"],
            "updates": trainer.updates, "algorithm": meta["algorithm"],
            "recon_error": last.get("recon_error"), "test_recon_error": last.get("test_recon_error"),
            "config": cfg.as_dict()})
    return 0


def _dbm_of(ck: dict) -> DBM:
    try:
        return DBM.from_state(ck["state"])
    except (ValueError, TypeError, KeyError) as e:
        raise CliError(f"checkpoint holds no valid DBM: {e}") from None


# ------------------------------------------------------------------------------ generate / evaluate
def _reject(args, kind: str, names: dict) -> None:
    for attr, flag in names.items():
        if getattr(args, attr, None) is not None:
            raise CliError(f"{flag} does not apply to a {kind.upper()} checkpoint")


def generate(ck: dict, args) -> int:
    kind = ck["kind"]
    _reject(args, kind, {"steps": "--steps", "step_size": "--step-size"})
    _seed(args)
    T = 1.0 if args.temperature is None else check_flag("--temperature", TEMPERATURE, args.temperature)
    threads = generation_threads(args)
    g = torch.Generator().manual_seed(int(args.seed))
    t0 = time.perf_counter()
    if kind == "dbn":
        net = _dbn_of(ck)
        steps = check_flag("--gibbs-steps", SAMPLING_STEPS, _pick(args.gibbs_steps, DBN_GIBBS_STEPS))
        if args.label is not None:
            if not net.labels:
                raise CliError("--label needs a DBN trained with --labels")
            if not 0 <= args.label < N_LABELS:
                raise CliError(f"--label must be between 0 and {N_LABELS - 1}, got {args.label}")
        images, _, labels = net.generate(args.n, steps, g, label=args.label, T=T)
        info = {"gibbs_steps": steps, "label": args.label,
                "labels": labels.tolist() if labels is not None else None,
                "start": "h^L ~ p(h^L | h^{L-1} = 0, y)" if args.label is not None else "h^{L-1} ~ sigmoid(b)",
                "values": "mean-field top-down pass of p(h^{L-1} | h^L) after the last Gibbs step"}
    else:
        if args.label is not None:
            raise CliError("--label does not apply to a DBM checkpoint (it has no label units)")
        net = _dbm_of(ck)
        steps = check_flag("--gibbs-steps", SAMPLING_STEPS, _pick(args.gibbs_steps, DBM_SWEEPS))
        chains = dbm_mod.chains_from_state(net, ck["state"], args.n)
        images, _, _ = net.sample(args.n, steps, g, T=T, chains=chains)
        info = {"gibbs_steps": steps, "sweeps": "two-block: {v, h2} | h1, then h1 | {v, h2}",
                "start": "the checkpoint's persistent chains" if chains is not None else "uniform noise, one up-pass",
                "values": "p(v | h1) after the last sweep"}
    seconds = time.perf_counter() - t0
    arr = images.to(torch.float32).clamp_(0.0, 1.0).numpy()
    save_array(args.out, arr)
    print_json({"out": args.out, "kind": kind, "shape": list(arr.shape), "n": args.n, "temperature": T, "seed": args.seed,
            **info, "mean_intensity": float(arr.mean()), "seconds": seconds, **threads})
    return 0


def evaluate(ck: dict, args) -> int:
    kind = ck["kind"]
    _seed(args)
    meta, cfg = ck.get("meta", {}), ck.get("config", {})
    method = meta.get("binarization", cfg.get("binarization", "threshold"))
    if method not in ("threshold", "stochastic"):
        raise CliError(f"checkpoint records binarisation {method!r}; evaluate needs threshold or stochastic")
    bseed = int(meta.get("binarization_seed", cfg.get("seed", 0)))
    source = meta.get("data_source", "auto")
    from ebm_core.data import mnist
    desc = meta.get("binarization_description") or mnist.describe_binarization(method)
    t0 = time.perf_counter()
    if kind == "dbn":
        if args.ais or args.runs is not None or args.betas is not None:
            raise CliError("--ais/--runs/--betas do not apply to a DBN checkpoint (its evaluation is label accuracy)")
        net = _dbn_of(ck)
        train, d, _ = load_binary("train", source, method, bseed, meta.get("train_size"))
        test, dt, _ = load_binary("test", source, method, bseed)
        out = {"checkpoint": args.checkpoint, "kind": "dbn", "sizes": list(net.sizes), "labels": net.labels,
               "fine_tuned": not net.tied, "binarization": desc, "train_data": d.source, "test_data": dt.source,
               "test_size": int(test.shape[0])}
        if net.labels:
            ytr = torch.tensor(np.asarray(d.labels))
            yte = torch.tensor(np.asarray(dt.labels))
            pred, _ = net.classify(test)
            out.update({"test_accuracy": float((pred == yte).float().mean()),
                        "train_accuracy": net.accuracy(train, ytr),
                        "test_confusion": torch.bincount(yte * 10 + pred, minlength=100).reshape(10, 10).tolist(),
                        "method": "argmin over labels of the top RBM's free energy F(h^{L-1}, y) after a recognition "
                                  "up-pass (probabilities)"})
            if "greedy_test_accuracy" in meta:
                out["greedy_test_accuracy"] = meta["greedy_test_accuracy"]
        else:
            h = net.up(test)[-1]
            out["test_recon_error"] = float(((test - net.down(net.top.p_in(net.top.p_top(h)))) ** 2).mean())
            out["method"] = "no label units: reconstruction error of an up-pass, one top-RBM step and a down-pass"
    else:
        net = _dbm_of(ck)
        runs = check_flag("--runs", RUNS, _pick(args.runs, AIS_RUNS))
        betas = check_flag("--betas", BETAS, _pick(args.betas, AIS_BETAS))
        train, d, _ = load_binary("train", source, method, bseed, meta.get("train_size"))
        test, dt, _ = load_binary("test", source, method, bseed)
        b = dbm_likelihood.dbm_bound(net, train, test, runs=runs, betas=betas, seed=int(args.seed))
        out = {"checkpoint": args.checkpoint, "kind": "dbm", "sizes": [net.n_h1, net.n_h2], "binarization": desc,
               "train_data": d.source, "test_data": dt.source, "test_size": b.n_test,
               "log_z": b.log_z, "log_z_low": b.log_z_low, "log_z_high": b.log_z_high,
               "runs": b.runs, "betas": b.betas, "ais_ess": b.ess,
               "log_z_bracket": [b.log_z_low, b.log_z_high], "log_z_ais_band": [b.log_z_low, b.log_z_ais_high],
               "log_z_reverse": b.log_z_reverse, "log_z_reverse_std_err": b.log_z_reverse_std_err,
               "log_z_half_betas": {"betas": b.betas_half, "log_z": b.log_z_half},
               "log_z_change_on_doubling": b.log_z_change, "stable_on_doubling": b.stable,
               "test_lower_bound": b.test, "train_lower_bound": b.train,
               # A larger log Z lowers the bound: the bracket follows the log Z bracket.
               "test_lower_bound_bracket": [b.test_low, b.test_high],
               "raise_test_avg_log_likelihood": b.raise_test, "raise_std_err": b.raise_test_std_err,
               "reverse_digits": b.reverse_digits, "base": b.base,
               "method": "mean-field variational lower bound L(Q) = −E_Q[E] + H(Q) − log Z per test digit "
                         f"(mean field to max |Δμ| < {dbm_mod.MF_TOL:g}); log Z by " + b.method,
               "note": "forward AIS tends to under-estimate log Z (the bound optimistic); reverse AIS from the test "
                       "digits' posteriors tends to over-estimate it, unless the model keeps mass where the data's "
                       "hidden states never go; RAISE's mean log p(v) is a conservative estimate"}
        warnings = []
        if b.low_ess:
            warnings.append(f"AIS effective sample size {b.ess:.1f} of {b.runs} runs: log Z is probably "
                            "under-estimated")
        if not b.stable:
            warnings.append(f"log Z moved {b.log_z_change:+.2f} nats when the inverse temperatures doubled from "
                            f"{b.betas_half} to {b.betas}: raise --betas (and --runs) until it moves less than "
                            f"{dbm_likelihood.STABLE_NATS:g}")
        if warnings:
            out["warning"] = "; ".join(warnings)
    out["seconds"] = time.perf_counter() - t0
    print_json(out)
    return 0

