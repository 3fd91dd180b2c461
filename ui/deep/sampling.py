"""What the DBN / DBM page computes from a model: generated digits with their frames, classification,
mean field for one digit, and the DBM's likelihood bound (``ebm_core.deep.dbm_likelihood.dbm_bound``, the same
function as ``python -m ebm_core evaluate dbm.pt``)."""

from __future__ import annotations

import time

import streamlit as st
import torch

from ebm_core.deep import dbm as D
from ebm_core.deep import dbm_likelihood
from ebm_core.deep.dbm import DBM
from ebm_core.deep.dbn import DBN
from ebm_core.viz import deep as V
from ebm_core.viz import digits

from ui.deep import data
from ui.deep.training import job, memo

FRAMES = 40
GIF_SCALE, PNG_SCALE = 1, 2
N_BOUND = 2000  # digits per split for the page's bound (``dbm_bound``'s n_eval; the CLI's evaluate uses them all)


def _every(steps: int) -> int:
    return max(1, int(steps) // FRAMES)


def _pictures(images, frames) -> dict:
    return {"gif": digits.chain_gif(frames, ncols=10, scale=GIF_SCALE, duration_ms=90),
            "png": digits.grid_png(images, ncols=10, scale=PNG_SCALE)}


def dbn_labels(label: str, rows: int) -> tuple[torch.Tensor | None, int]:
    """(clamped labels or None, number of chains) for the label control."""
    if label == "each":
        return torch.arange(10).repeat(int(rows)), 10 * int(rows)
    if label == "any":
        return None, 10 * int(rows)
    return torch.full((10 * int(rows),), int(label)), 10 * int(rows)


def dbn_samples(model: DBN, label: str, rows: int, steps: int, seed: int) -> dict:
    """Label-clamped (or free) generation with frames: the GIF, the final PNG and the labels."""
    labels, n = dbn_labels(label, rows)
    g = torch.Generator().manual_seed(int(seed))
    t0 = time.perf_counter()
    images, frames, lab = model.generate(n, int(steps), g, label=labels, every=_every(steps))
    seconds = time.perf_counter() - t0
    read, _ = model.classify((images > 0.5).float()) if model.labels else (None, None)
    return {"images": images, "labels": lab, "seconds": seconds, "frames": len(frames), "every": _every(steps),
            "read": read, **_pictures(images, frames)}


def dbm_samples(model: DBM, chains, rows: int, sweeps: int, seed: int) -> dict:
    """Two-block Gibbs from the persistent chains (or from noise when there are none), with frames."""
    n = 10 * int(rows)
    g = torch.Generator().manual_seed(int(seed))
    start = None
    if chains is not None:
        idx = torch.arange(n) % chains[0].shape[0]
        start = tuple(c[idx].clone() for c in chains)
    t0 = time.perf_counter()
    images, frames, _ = model.sample(n, int(sweeps), g, chains=start, every=_every(sweeps))
    seconds = time.perf_counter() - t0
    return {"images": images, "seconds": seconds, "frames": len(frames), "every": _every(sweeps),
            "from_chains": start is not None, "spread": spread(images), **_pictures(images, frames)}


def spread(images: torch.Tensor) -> float:
    """Mean distance between two of the pictures (pixel space): near 0 when the chains share one mode."""
    n = images.shape[0]
    return float(torch.cdist(images[None].float(), images[None].float())[0].sum() / max(1, n * (n - 1)))


def test_spread(n: int = 20) -> float:
    """The same for the first ``n`` test digits: what a varied set of real digits gives."""
    return spread(data.dataset("test")[0][:n])


def top_confusions(conf, k: int = 3) -> list[tuple[int, int, int]]:
    """The ``k`` most frequent mistakes (true, predicted, count) of a confusion matrix conf[true, pred]."""
    off = [(int(conf[a, b]), a, b) for a in range(conf.shape[0]) for b in range(conf.shape[1]) if a != b]
    return [(a, b, c) for c, a, b in sorted(off, reverse=True)[:k]]


def sample_seed(s: dict) -> int:
    return int(s["seed"]) + int(st.session_state.get("deep_round", 0))


def next_round() -> None:
    """Button callback: new samples (the seed moves on by one)."""
    st.session_state["deep_round"] = int(st.session_state.get("deep_round", 0)) + 1


def current_samples(kind: str, s: dict) -> dict:
    j = job(kind)
    seed = sample_seed(s)
    if kind == "dbn":
        return memo(kind, ("gen", s["label"], int(s["rows"]), int(s["gibbs"]), seed),
                    lambda: dbn_samples(j["model"], s["label"], s["rows"], s["gibbs"], seed))
    return memo(kind, ("gen", int(s["rows"]), int(s["sweeps"]), seed),
                lambda: dbm_samples(j["model"], j.get("chains"), s["rows"], s["sweeps"], seed))


def classification(model: DBN) -> dict:
    xt, yt = data.dataset("test")
    pred, probs = model.classify(xt)
    conf = torch.bincount(yt * 10 + pred, minlength=100).reshape(10, 10).numpy()
    return {"acc": float((pred == yt).float().mean()), "conf": conf, "pred": pred, "n": int(yt.shape[0])}


def mean_field_view(model: DBM, index: int) -> dict:
    xt, yt = data.dataset("test")
    v = xt[int(index) % xt.shape[0]][None]
    mf = model.mean_field(v, tol=D.MF_TOL, max_iter=D.MF_MAX_ITER, record=True)
    hist = [(a[0], b[0]) for a, b in mf.history]
    rows, picks = V.mean_field_rows(v[0], hist, lambda mu1: model.p_v(mu1[None])[0], max_cols=8)
    many = model.mean_field(xt[:200], tol=D.MF_TOL, max_iter=D.MF_MAX_ITER)
    return {"png": V.activity_png(rows, scale=3), "picks": picks, "deltas": mf.deltas, "converged": mf.converged,
            "label": int(yt[int(index) % xt.shape[0]]), "mu1": float(mf.mu1.mean()), "mu2": float(mf.mu2.mean()),
            "many_iters": many.iterations, "many_converged": many.converged}


def bound(model: DBM, runs: int, betas: int, seed: int, progress=None) -> dbm_likelihood.DBMBound:
    """The page's bound: ``dbm_bound`` on the page's digits, ``N_BOUND`` per split.
    ``progress(fraction, stage)`` as in ``dbm_bound``."""
    x, _ = data.dataset("train")
    xt, _ = data.dataset("test")
    return dbm_likelihood.dbm_bound(model, x, xt, runs=int(runs), betas=int(betas), seed=int(seed), n_eval=N_BOUND,
                       progress=progress)
