"""DBN and DBM: seconds of training to recognisable digits with the page's defaults, chain samples per
second, and the DBN's label accuracy.

"Recognisable" is judged by an independent classifier, a multinomial logistic regression trained
(torch, L-BFGS) on the shipped 5,000 training digits, never by eye:

* DBN: after every epoch of the top RBM and of fine-tuning, generate 10 digits per label (label
  clamped, 200 Gibbs steps in the top RBM as on the page, mean-field down-pass); recognisable once the classifier
  agrees with the clamped label on at least ``--agree`` (default 0.8) of them. Chance is 0.1.
* DBM: after every joint epoch, look at the 100 persistent chains' p(v | h̃¹); recognisable once the
  classifier is as confident on them as on real test digits (fraction of images with top class
  probability ≥ 0.9 at least 0.9 × the test digits' fraction) and they cover ≥ 8 of the 10 classes
  (a chain population collapsed onto one digit is confident but not a digit generator).

Seconds are training seconds (updates only; the checks are not counted), with the page's settings:
one torch thread (the app sets torch.set_num_threads(1) for every session), 5,000 digits binarised
at x/255 > 0.5. Chain throughput: DBN top-level Gibbs steps × chains per second (generate, 100
chains × 200 steps, with the final down-pass); DBM two-block sweeps × chains per second (100 chains
× 200 sweeps). Label accuracy: the shipped DBN and the bench's DBN on all 10,000 test digits.

Usage: python bench/bench_deep.py [--out FILE.json] [--dbn-epochs 10] [--dbn-ft 5] [--dbm-pre 10] [--dbm-epochs 20]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import cpu_model, emit  # noqa: E402

from ebm_core.io import checkpoint  # noqa: E402
from ebm_core.data import mnist  # noqa: E402
from ebm_core.deep.dbm import DBM  # noqa: E402
from ebm_core.deep.dbm_training import DBMConfig, DBMTrainer  # noqa: E402
from ebm_core.deep.dbn import DBN, DBNConfig, DBNTrainer  # noqa: E402


def classifier(x: torch.Tensor, y: torch.Tensor):
    """Multinomial logistic regression, L2 1e-4, L-BFGS: returns z -> class probabilities."""
    W = torch.zeros(784, 10, requires_grad=True)
    b = torch.zeros(10, requires_grad=True)
    opt = torch.optim.LBFGS([W, b], max_iter=100, history_size=20, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(x @ W + b, y) + 1e-4 * (W ** 2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    W, b = W.detach(), b.detach()
    return lambda z: torch.softmax(torch.as_tensor(z, dtype=torch.float32) @ W + b, 1)


def dbn_agreement(dbn: DBN, clf, seed: int = 0, steps: int = 200) -> float:
    labels = torch.arange(10).repeat_interleave(10)
    images, _, _ = dbn.generate(100, steps, torch.Generator().manual_seed(seed), label=labels)
    return float((clf(images).argmax(1) == labels).float().mean())


def confident(clf, images) -> tuple[float, int]:
    p = clf(images)
    return float((p.max(1).values >= 0.9).float().mean()), int(p.argmax(1).unique().numel())


def bench_dbn(x, y, xt, yt, clf, args) -> dict:
    cfg = DBNConfig(sizes=(300, 300, 800), epochs=args.dbn_epochs, finetune_epochs=args.dbn_ft, lr=0.05, top_k=5,
                    seed=0)
    net = DBN(784, cfg.sizes, labels=True, seed=0)
    tr = DBNTrainer(net, x, cfg, labels=y, test_data=xt, test_labels=yt)
    log, reached = [], None
    while not tr.done:
        tr.epoch_step()
        e = dict(tr.epochs_log[-1])
        if tr.epochs_log[-1]["phase"] in ("top", "finetune"):
            e["agreement"] = dbn_agreement(net, clf)
            if reached is None and e["agreement"] >= args.agree:
                reached = tr.seconds
        log.append({k: e[k] for k in ("phase", "epoch", "seconds", "agreement", "test_accuracy") if k in e})
    return {"config": cfg.as_dict(), "seconds_to_recognisable": reached, "train_seconds": tr.seconds,
            "test_accuracy_10k": net.accuracy(xt, yt),
            "greedy_test_accuracy_10k": DBN.from_state(tr.greedy_state).accuracy(xt, yt) if tr.greedy_state else None,
            "final_agreement": log[-1].get("agreement"), "epochs": log}, net


def bench_dbm(x, xt, clf, real_conf, args) -> dict:
    cfg = DBMConfig(n_h1=500, n_h2=500, pretrain_epochs=args.dbm_pre, epochs=args.dbm_epochs, lr=0.001, seed=0)
    net = DBM(784, 500, 500, seed=0, visible_rates=x.mean(0))
    tr = DBMTrainer(net, x, cfg, test_data=xt[:2000])
    log, reached = [], None
    while not tr.done:
        tr.epoch_step()
        e = {k: tr.epochs_log[-1][k] for k in ("phase", "epoch", "seconds")}
        if tr.phase == "joint" and tr.chains is not None:
            frac, classes = confident(clf, net.p_v(tr.chains[1]))
            e.update(confident_fraction=frac, classes=classes)
            if reached is None and frac >= 0.9 * real_conf and classes >= 8:
                reached = tr.seconds
        log.append(e)
    # The frozen model's own chains: 1,000 more sweeps from the persistent chains.
    pv, _, _ = net.sample(100, 1000, torch.Generator().manual_seed(1), chains=tr.chains)
    frac, classes = confident(clf, pv)
    return {"config": cfg.as_dict(), "seconds_to_recognisable": reached, "train_seconds": tr.seconds,
            "after_1000_frozen_sweeps": {"confident_fraction": frac, "classes": classes}, "epochs": log}, net


def throughput(dbn: DBN, dbm: DBM, repeats: int = 3) -> dict:
    out = {}
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        dbn.generate(100, 200, torch.Generator().manual_seed(0), label=torch.arange(10).repeat(10))
        best = min(best, time.perf_counter() - t0)
    out["dbn_top_gibbs_chain_steps_per_second"] = 100 * 200 / best
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        dbm.sample(100, 200, torch.Generator().manual_seed(0))
        best = min(best, time.perf_counter() - t0)
    out["dbm_two_block_chain_sweeps_per_second"] = 100 * 200 / best
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dbn-epochs", type=int, default=10)
    ap.add_argument("--dbn-ft", type=int, default=5)
    ap.add_argument("--dbm-pre", type=int, default=10)
    ap.add_argument("--dbm-epochs", type=int, default=20)
    ap.add_argument("--agree", type=float, default=0.8)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", default=None)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    t_all = time.perf_counter()
    tr, te = mnist.load("train", "shipped"), mnist.load("test", "shipped")
    x, xt = mnist.binarize(tr.images), mnist.binarize(te.images)
    y, yt = torch.tensor(np.asarray(tr.labels)), torch.tensor(np.asarray(te.labels))
    torch.manual_seed(0)
    clf = classifier(mnist.to_float(tr.images), y)
    clf_acc = float((clf(mnist.to_float(te.images)).argmax(1) == yt).float().mean())
    real_conf, _ = confident(clf, mnist.to_float(te.images))
    dbn_res, dbn = bench_dbn(x, y, xt, yt, clf, args)
    dbm_res, dbm = bench_dbm(x, xt, clf, real_conf, args)
    res = {
        "machine": {"cpu": cpu_model(), "cores": os.cpu_count(), "torch": torch.__version__,
                    "python": platform.python_version(), "threads": torch.get_num_threads(),
                    "loadavg_1min_before": os.getloadavg()[0]},
        "data": "shipped 5,000 training digits, 10,000 test digits, threshold x/255 > 0.5",
        "judge": {"kind": "logistic regression on the shipped training digits", "test_accuracy": clf_acc,
                  "real_test_confident_fraction": real_conf},
        "dbn": dbn_res, "dbm": dbm_res, "throughput": throughput(dbn, dbm),
    }
    shipped = ROOT / "assets" / "models" / "dbn_mnist.pt"
    if shipped.is_file():
        res["shipped_dbn_test_accuracy_10k"] = DBN.from_state(checkpoint.load(shipped, "dbn")["state"]).accuracy(xt, yt)
        res["shipped_dbn_label_agreement"] = dbn_agreement(DBN.from_state(checkpoint.load(shipped, "dbn")["state"]),
                                                           clf)
    res["machine"]["loadavg_1min_after"] = os.getloadavg()[0]
    res["wall_seconds"] = time.perf_counter() - t_all
    emit(res, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
