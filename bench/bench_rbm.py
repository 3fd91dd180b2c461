"""RBM speed and quality: CD-1 epoch vs scikit-learn and vs bare matmuls; time to digits; AIS LL.

Three measurements, one JSON object on stdout (and in ``--out``):

1. ``epoch``: one CD-1 epoch, 784-500, batch 100, on the 5,000 shipped training digits
   (threshold-binarised, float32), η = 0.05, no momentum, no weight decay, for each thread count:
   * ``engine_cd1`` / ``engine_pcd1``: ``CDTrainer.step`` over the epoch's 50 updates (CD-1 and
     PCD-1; the per-update statistics the page plots are included; the end-of-epoch monitors are
     not, they are timed separately as ``engine_epoch_monitors``);
   * ``sklearn``: ``BernoulliRBM(n_components=500, learning_rate=0.05, batch_size=100,
     n_iter=1).fit(X)`` on the same float32 array (sklearn keeps float32; its algorithm is PCD-1,
     "stochastic maximum likelihood", the same cost per update as CD-1), BLAS threads limited
     with threadpoolctl; ``sklearn_float64``: the same on a float64 copy (what sklearn gets from a
     plain numpy array, e.g. ``images / 255``);
   * ``bare_matmuls``: only the five matrix products of each CD-1 update (v⁰W, hWᵀ, v¹W, v⁰ᵀp⁰,
     v¹ᵀp¹) with the same shapes — the floor an implementation can reach.
   Every variant gets a warm-up, then ``--repeats`` runs taken round-robin; the best is kept.
   Goals (issue 4): sklearn / engine_cd1 ≥ 3, engine_cd1 / bare_matmuls ≤ 1.5.
2. ``to_digits``: the default ``CDConfig`` (what the page's Train button starts) trained from
   scratch; every ``--check-every`` updates, 100 chains run 200 block-Gibbs steps from uniform
   noise and are scored. A sample is *digit-like* when, binarised at 0.5, its Hamming distance to
   the nearest training digit is within the 90th percentile of the same distance for real test
   digits AND at least 8 of its 10 nearest training digits carry the same label. The samples are
   *recognisable* when ≥ 70 % are digit-like, and *diverse* when moreover the labels of the
   digit-like samples have an effective number of classes exp(entropy) ≥ 5 (10 for balanced
   digits; chains stuck on one or two classes do not count). Reports the training
   seconds plus the sampling seconds when each first holds (CD-1 samples after 200 steps
   fluctuate from check to check; ``checks`` has them all).
3. ``ais``: AIS test log-likelihood of the shipped model (``assets/models/rbm_mnist.pt``) and of
   scikit-learn BernoulliRBMs trained as long (same hidden units, same epochs, same data): one with
   the shipped model's batch size and η, one with sklearn's defaults (η = 0.1, batch 10). Each
   sklearn model's ``components_``/``intercept_*`` become an RBM (W = components_ᵀ) and go through
   the same AIS (``--ais-runs`` runs, ``--ais-betas`` steps, base-rate base model) and reverse AIS.

The machine was shared with other jobs when the committed numbers were taken; ``machine``
records the load average. Run on a quiet machine for figures to quote.

Usage: python bench/bench_rbm.py [--repeats 3] [--threads 1,2] [--ais-runs 100] [--ais-betas 10000]
       [--skip epoch,to_digits,ais] [--out FILE.json]
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ebm_core.rbm import ais  # noqa: E402
from ebm_core.rbm.cd import CDConfig, CDTrainer  # noqa: E402
from ebm_core.io.checkpoint import load  # noqa: E402
from ebm_core.data import mnist  # noqa: E402
from ebm_core.rbm.model import RBM  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _machine import cpu_model, emit  # noqa: E402

MODEL = ROOT / "assets" / "models" / "rbm_mnist.pt"


def _data():
    tr = mnist.load("train", "shipped")
    te = mnist.load("test", "shipped")
    return (mnist.binarize(tr.images), tr.labels, mnist.binarize(te.images), te.labels)


def _threads(n: int):
    """Set torch's and the BLAS (numpy/sklearn) thread counts."""
    torch.set_num_threads(n)
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(n)
    except ImportError:
        pass


# ------------------------------------------------------------------------------ 1. epoch
def bench_epoch(X: torch.Tensor, repeats: int, threads: list[int]) -> dict:
    from sklearn.neural_network import BernoulliRBM

    X32 = X.numpy().astype(np.float32)
    rates = X.mean(0)
    bs, lr = 100, 0.05
    cfg = dict(n_hidden=500, k=1, lr=lr, momentum=0.0, weight_decay=0.0, batch_size=bs, epochs=1, seed=0)

    def engine(persistent):
        def run():
            # monitor_size=0: the epoch's updates and per-update statistics, no end-of-epoch monitors.
            t = CDTrainer(RBM(784, 500, seed=0, visible_rates=rates), X, CDConfig(persistent=persistent, **cfg),
                          monitor_size=0)
            t0 = time.perf_counter()
            t.epoch()
            return time.perf_counter() - t0
        return run

    def monitors():
        t = CDTrainer(RBM(784, 500, seed=0, visible_rates=rates), X, CDConfig(**cfg))
        t0 = time.perf_counter()
        t.monitor()
        return time.perf_counter() - t0

    X64 = X32.astype(np.float64)

    def sklearn(data):
        def run():
            m = BernoulliRBM(n_components=500, learning_rate=lr, batch_size=bs, n_iter=1, random_state=0)
            t0 = time.perf_counter()
            m.fit(data)
            return time.perf_counter() - t0
        return run

    W0 = torch.randn(784, 500) * 0.01
    H = torch.rand(bs, 500)

    def bare():
        W = W0.clone()
        t0 = time.perf_counter()
        for i in range(0, X.shape[0], bs):
            v0 = X[i:i + bs]
            a = v0 @ W
            v1 = H @ W.T
            a1 = v1 @ W
            _ = v0.T @ a, v1.T @ a1  # the two gradient products: timed, not used
        return time.perf_counter() - t0

    variants = {"engine_cd1": engine(False), "engine_pcd1": engine(True), "engine_epoch_monitors": monitors,
                "sklearn": sklearn(X32), "sklearn_float64": sklearn(X64), "bare_matmuls": bare}
    out = {}
    for n in threads:
        _threads(n)
        best = {k: math.inf for k in variants}
        for f in variants.values():
            f()  # warm-up
        for _ in range(repeats):
            for k, f in variants.items():
                best[k] = min(best[k], f())
        out[f"threads_{n}"] = {
            "seconds": best,
            "sklearn_over_engine_cd1": best["sklearn"] / best["engine_cd1"],
            "sklearn_over_engine_pcd1": best["sklearn"] / best["engine_pcd1"],
            "sklearn_float64_over_engine_cd1": best["sklearn_float64"] / best["engine_cd1"],
            "engine_cd1_over_bare": best["engine_cd1"] / best["bare_matmuls"],
            "engine_cd1_with_monitors_over_bare": (best["engine_cd1"] + best["engine_epoch_monitors"])
            / best["bare_matmuls"],
        }
    out["settings"] = {"n_visible": 784, "n_hidden": 500, "batch_size": bs, "lr": lr, "digits": int(X.shape[0]),
                       "dtype": "float32", "binarization": mnist.describe_binarization("threshold"),
                       "repeats": repeats, "goal": "sklearn/engine_cd1 >= 3, engine_cd1/bare <= 1.5"}
    return out


# -------------------------------------------------------------------------- 2. to digits
class DigitScore:
    """Nearest-training-digit test of samples (see the module docstring)."""

    def __init__(self, Xtr: torch.Tensor, ytr: np.ndarray, Xte: torch.Tensor, quantile: float = 0.9, k: int = 10):
        self.Xtr, self.ytr, self.k = Xtr, np.asarray(ytr), k
        self.threshold = float(np.quantile(self.nn(Xte[:1000])[0][:, 0], quantile))

    def nn(self, V: torch.Tensor):
        """Hamming distances and indices of the k nearest training digits: |a| + |b| − 2 a·b."""
        d = V.sum(1, keepdim=True) + self.Xtr.sum(1)[None, :] - 2 * V @ self.Xtr.T
        dist, idx = d.topk(self.k, dim=1, largest=False)
        return dist.numpy(), idx.numpy()

    def __call__(self, probs: torch.Tensor) -> dict:
        dist, idx = self.nn((probs > 0.5).float())
        knn = self.ytr[idx]                                   # (n, k) labels of the k nearest
        votes = np.stack([(knn == c).sum(1) for c in range(10)], 1)
        label, agree = votes.argmax(1), votes.max(1)
        # Digit-like: as close to some training digit as 90 % of real test digits are, and its
        # k nearest training digits agree (≥ 80 %) on what it is.
        ok = (dist[:, 0] <= self.threshold) & (agree >= 0.8 * self.k)
        counts = np.bincount(label[ok], minlength=10)
        # Effective number of classes exp(entropy) of the labels: 10 for balanced digits, 1 for one class.
        q = counts[counts > 0] / max(1, counts.sum())
        eff = float(np.exp(-(q * np.log(q)).sum())) if q.size else 0.0
        return {"digit_like": float(ok.mean()), "labels": int((counts > 0).sum()), "effective_classes": eff,
                "label_counts": counts.tolist(), "recognisable": bool(ok.mean() >= 0.7),
                "diverse": bool(ok.mean() >= 0.7 and eff >= 5)}


def bench_to_digits(Xtr, ytr, Xte, check_every: int, max_seconds: float, threads: int, png: str | None) -> dict:
    _threads(threads)
    cfg = CDConfig()
    score = DigitScore(Xtr, ytr, Xte)
    trainer = CDTrainer(RBM(784, cfg.n_hidden, seed=cfg.seed, visible_rates=Xtr.mean(0)), Xtr, cfg)
    checks, first, first_diverse = [], None, None
    g = torch.Generator().manual_seed(123)
    while not trainer.done and trainer.seconds < max_seconds:
        trainer.step(check_every)
        t0 = time.perf_counter()
        probs, _ = trainer.rbm.sample(100, 200, g)
        sample_s = time.perf_counter() - t0
        s = score(probs)
        checks.append({"updates": trainer.updates, "train_seconds": trainer.seconds, "sample_seconds": sample_s,
                       **{k: s[k] for k in ("digit_like", "labels", "effective_classes", "recognisable", "diverse")}})
        if s["recognisable"] and first is None:
            first = checks[-1]
            if png:
                _grid_png(probs, png.replace(".png", "_recognisable.png"))
        if s["diverse"] and first_diverse is None:
            first_diverse = checks[-1]
            if png:
                _grid_png(probs, png.replace(".png", "_diverse.png"))
    secs = lambda c: None if c is None else c["train_seconds"] + c["sample_seconds"]  # noqa: E731
    return {"config": cfg.to_dict(), "threads": threads, "check": "100 chains x 200 Gibbs steps from uniform noise",
            "digit_like_threshold_hamming": score.threshold,
            "criteria": "recognisable: >= 70% digit-like; diverse: also an effective number of classes "
                        "exp(entropy of their labels) >= 5",
            "first_recognisable": first, "seconds_to_recognisable": secs(first),
            "first_diverse": first_diverse, "seconds_to_diverse": secs(first_diverse),
            "goal_seconds": 30, "checks": checks}


def _grid_png(probs: torch.Tensor, path: str) -> None:
    from PIL import Image
    n = int(math.isqrt(probs.shape[0]))
    img = probs[:n * n].reshape(n, n, 28, 28).permute(0, 2, 1, 3).reshape(n * 28, n * 28)
    Image.fromarray((img.numpy() * 255).astype(np.uint8)).resize((n * 56, n * 56), Image.NEAREST).save(path)


# ------------------------------------------------------------------------------- 3. AIS
def _ais_of(rbm: RBM, Xtr, Xte, runs: int, betas: int, seed: int) -> dict:
    """The likelihood bracket the page and ``evaluate --ais`` report (ebm_core.rbm.ais.likelihood_bracket)."""
    br = ais.likelihood_bracket(rbm, Xte, Xtr, runs=runs, betas=betas, seed=seed)
    return {"log_z": br.log_z, "log_z_band": [br.log_z_low, br.log_z_ais_high], "log_z_reverse": br.log_z_reverse,
            "ess": br.ess, "log_z_std_err": br.log_z_std_err, "test_avg_log_likelihood": br.test_ll,
            "test_avg_log_likelihood_bracket": [br.test_ll_low, br.test_ll_high],
            "train_avg_log_likelihood": br.train_ll, "seconds": br.seconds}


def bench_ais(Xtr, Xte, runs: int, betas: int, threads: int) -> dict:
    from sklearn.neural_network import BernoulliRBM

    _threads(threads)
    ck = load(str(MODEL), "rbm")
    cfg, meta = ck["config"], ck["meta"]
    out = {"runs": runs, "betas": betas, "binarization": meta.get("binarization_description"),
           "base": "base-rate model from the training data",
           "shipped": {"file": str(MODEL.relative_to(ROOT)), "command": meta.get("command"),
                       **_ais_of(RBM.from_state(ck["state"]), Xtr, Xte, runs, betas, 1)}}
    epochs = int(meta["epochs"])
    X32 = Xtr.numpy().astype(np.float32)
    for name, kw in (("sklearn_same_settings", dict(learning_rate=cfg["lr"], batch_size=cfg["batch_size"])),
                     ("sklearn_defaults", dict(learning_rate=0.1, batch_size=10))):
        m = BernoulliRBM(n_components=int(cfg["n_hidden"]), n_iter=epochs, random_state=0, **kw)
        t0 = time.perf_counter()
        m.fit(X32)
        fit_s = time.perf_counter() - t0
        rbm = RBM.from_state({"W": torch.tensor(m.components_.T, dtype=torch.float32),
                              "b": torch.tensor(m.intercept_visible_, dtype=torch.float32),
                              "c": torch.tensor(m.intercept_hidden_, dtype=torch.float32)})
        out[name] = {"settings": {"n_components": int(cfg["n_hidden"]), "n_iter": epochs, **kw},
                     "fit_seconds": fit_s, **_ais_of(rbm, Xtr, Xte, runs, betas, 1)}
    out["shipped_minus_sklearn_same_settings"] = (out["shipped"]["test_avg_log_likelihood"]
                                                  - out["sklearn_same_settings"]["test_avg_log_likelihood"])
    out["shipped_minus_sklearn_defaults"] = (out["shipped"]["test_avg_log_likelihood"]
                                             - out["sklearn_defaults"]["test_avg_log_likelihood"])
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--threads", default="1,2", help="thread counts for the epoch benchmark")
    p.add_argument("--train-threads", type=int, default=1, help="threads for to_digits and ais")
    p.add_argument("--check-every", type=int, default=25, help="updates between sample checks")
    p.add_argument("--max-seconds", type=float, default=120.0)
    p.add_argument("--ais-runs", type=int, default=100)
    p.add_argument("--ais-betas", type=int, default=10000)
    p.add_argument("--skip", default="", help="comma list of parts to skip: epoch,to_digits,ais")
    p.add_argument("--png", default=None, help="write the first recognisable sample grid here")
    p.add_argument("--out", default=None)
    args = p.parse_args(argv)
    skip = {s for s in args.skip.split(",") if s}
    Xtr, ytr, Xte, yte = _data()
    result = {"machine": {"cpu": cpu_model(), "cores": os.cpu_count(), "torch": torch.__version__,
                          "numpy": np.__version__, "python": platform.python_version(),
                          "loadavg_1min_before": os.getloadavg()[0],
                          "note": "shared machine: other jobs were running; ratios are side by side in one run"}}
    try:
        import sklearn
        result["machine"]["sklearn"] = sklearn.__version__
    except ImportError:
        pass
    if "epoch" not in skip:
        result["epoch"] = bench_epoch(Xtr, args.repeats, [int(t) for t in args.threads.split(",")])
    if "to_digits" not in skip:
        result["to_digits"] = bench_to_digits(Xtr, ytr, Xte, args.check_every, args.max_seconds,
                                              args.train_threads, args.png)
    if "ais" not in skip:
        result["ais"] = bench_ais(Xtr, Xte, args.ais_runs, args.ais_betas, args.train_threads)
    result["machine"]["loadavg_1min_after"] = os.getloadavg()[0]
    emit(result, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
