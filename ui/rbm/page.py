"""Streamlit helpers for the RBM page: controls, cached data and models, live CD training,
sampling clips, clamp-and-fill, AIS, and the page's Plotly figures.

The job (model, trainer, history) lives in ``st.session_state[JOB]`` (see ``ui/kit/jobs.py``).
Heavy shared things (MNIST arrays, the shipped checkpoint) are cached for every session;
per-model results (a sampling clip, the free energies) are memoised in the job itself under
the model's ``version``, which grows by one per training tick, so nothing stale is shown.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import streamlit as st
import torch

from ebm_core.rbm import ais
from ebm_core.io import checkpoint
from ebm_core.rbm import lab as rbm_lab
from ebm_core.rbm.cd import CDConfig, CDTrainer
from ebm_core.data import mnist
from ebm_core.rbm.model import RBM
from ebm_core.viz import digits

from ui.kit import jobs
from ui.kit.i18n import t
from ui.kit.params import Spec

ROOT = Path(__file__).resolve().parents[2]
PRETRAINED = ROOT / "assets" / "models" / "rbm_mnist.pt"
JOB = "rbm_job"
# Live training: a tick every second trains for 0.2-0.6 s (what the drawing leaves), then draws.
PACE = jobs.Pace(every_s=1.0, min_s=0.2, max_s=0.6)
EVERY_S = PACE.every_s
HEIGHT = 300

HIDDEN = (10, 15, 20, 25, 50, 100, 150, 200, 300, 400, 500, 750, 1000)
LRS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5)
# λ = 0 is a choice of its own, so the options are strings (a log-scale snap cannot hold 0).
DECAYS = ("0", "1e-05", "0.0001", "0.0002", "0.0005", "0.001", "0.01")
BATCHES = (10, 20, 50, 100, 200, 500)
DIGITS = (500, 1000, 2000, 5000, 10000, 20000, 60000)
GIBBS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)
TEMPS = (0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.5, 2.0, 3.0)
AIS_RUNS = (10, 20, 50, 100, 200, 500)
AIS_BETAS = (100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000)
PARTS = ("top", "bottom", "left", "right", "square")

# Defaults (784-200, CD-5, η = 0.05, ν = 0.5, λ = 1e-4, batch 50, 10 epochs on the 5,000 shipped digits):
# chains from noise show recognisable digits after two epochs (~5 s of live training on 2 busy cores),
# all ten epochs take ~25 s. CD-1 and PCD at these settings mostly collapse onto one or two classes.
# URL keys carry the page's prefix: session state is shared by every page of a session, and
# another page's "T" or "seed" has a different range.
SPECS = {
    "hidden": Spec("rbm_hidden", "rbm_hidden", 200, options=HIDDEN),
    "k": Spec("rbm_k", "rbm_k", 5, 1, 25),
    "method": Spec("rbm_method", "rbm_method", "cd", options=("cd", "pcd"), kind="choice"),
    "lr": Spec("rbm_lr", "rbm_lr", 0.05, options=LRS),
    "momentum": Spec("rbm_momentum", "rbm_momentum", 0.5, 0.0, 0.95, kind="float"),
    "decay": Spec("rbm_decay", "rbm_decay", "0.0001", options=DECAYS, kind="choice"),
    "batch": Spec("rbm_batch", "rbm_batch", 50, options=BATCHES),
    "epochs": Spec("rbm_epochs", "rbm_epochs", 10, 1, 100),
    "digits": Spec("rbm_digits", "rbm_digits", 5000, options=DIGITS),
    "binarization": Spec("rbm_bin", "rbm_binarization", "threshold", options=("threshold", "stochastic"),
                         kind="choice"),
    "seed": Spec("rbm_seed", "rbm_seed", 0, 0, 999_999),
    "gibbs": Spec("rbm_gibbs", "rbm_gibbs_steps", 200, options=GIBBS),
    "T": Spec("rbm_T", "rbm_temperature", 1.0, options=TEMPS),
    "chains": Spec("rbm_chains", "rbm_chains", 30, 10, 100),
    "ais_runs": Spec("rbm_ais_runs", "rbm_ais_runs", 50, options=AIS_RUNS),
    "ais_betas": Spec("rbm_ais_betas", "rbm_ais_betas", 1000, options=AIS_BETAS),
    "digit": Spec("rbm_digit", "rbm_digit", 0, 0, 9999),
    "part": Spec("rbm_part", "rbm_part", "bottom", options=PARTS, kind="choice"),
    "lab_hidden": Spec("rbm_lab_h", "rbm_lab_hidden", 4, 1, 8),
    "lab_train": Spec("rbm_lab_train", "rbm_lab_train_steps", 300, 0, 1000),
    "lab_runs": Spec("rbm_lab_runs", "rbm_lab_runs", 1000, options=(100, 200, 500, 1000, 2000)),
}
ALL_SPECS = list(SPECS.values())
FRAMES = 40  # frames per animated clip: smooth enough, and a GIF of a few hundred kB
SUBSET_SEED = mnist.SUBSET_SEED
N_MONITOR = 500  # digits used for the free-energy histograms


def settings() -> dict:
    """Current values of every control (after the widgets have been drawn)."""
    return {name: st.session_state.get(spec.key, spec.default) for name, spec in SPECS.items()}


def labels(prefix: str, spec: Spec):
    """A select box's format_func: the option labels in the language of this run (looked up now,
    so the function keeps working wherever it is called later)."""
    return {k: t(prefix + k) for k in spec.options}.get


def decay_value(text: str) -> float:
    return float(text)  # one of DECAYS: parsed from a fixed list, never user text


# ------------------------------------------------------------------------------------ data
@st.cache_resource(show_spinner=False)
def mnist_split(split: str):
    """MNIST (shared, read-only arrays): the full 70,000 when downloaded, else the shipped digits."""
    return mnist.load(split)


@st.cache_resource(max_entries=8, show_spinner=False)
def dataset(split: str, method: str, seed: int, n: int | None = None) -> torch.Tensor:
    """Binarised float32 digits {0, 1}; ``n`` a fixed random subset (the same for every seed)."""
    d = mnist_split(split)
    images = d.images
    if n is not None and n < len(d):
        images = images[mnist.subset_indices(len(d), n)]
    return mnist.binarize(images, method, seed=seed)


@st.cache_resource(max_entries=4, show_spinner=False)
def _checkpoint_train(source: str, method: str, seed: int, n: int | None) -> torch.Tensor:
    # As ebm_core.cli.rbm does for a checkpoint it trained: the first n digits of that source.
    try:
        d = mnist.load("train", source)
    except mnist.MNISTError:
        d = mnist_split("train")
    return mnist.binarize(d.images if n is None else d.images[:n], method, seed=seed)


def train_data() -> torch.Tensor:
    """The digits the current model was trained on, binarised as they were."""
    j = job()
    if j.get("trainer") is not None:
        return j["trainer"].data
    meta = j["meta"]
    method, seed = _bin()
    n = meta.get("train_size")
    return _checkpoint_train(str(meta.get("data_source", "auto")), method, seed, int(n) if n else None)


def n_available() -> int:
    return len(mnist_split("train"))


def test_seed(seed: int) -> int:
    # A stochastic binarisation of the test set must not reuse the training draw's stream.
    return seed + 1


def binarization_text(method: str, seed: int) -> str:
    """The binarisation, said in the page's language (what mnist.describe_binarization says in English)."""
    return t(f"rbm_bin_{method}") + (t("rbm_bin_seed", seed=seed) if method == "stochastic" else "")


# ---------------------------------------------------------------------------------- models
@st.cache_resource(max_entries=2, show_spinner=False)
def _pretrained(path: str, mtime: float) -> dict:
    return checkpoint.load(path, "rbm")


def pretrained() -> dict | None:
    """The shipped checkpoint (cached for every session; the page trains a copy, never this)."""
    if not PRETRAINED.is_file():
        return None
    return _pretrained(str(PRETRAINED), PRETRAINED.stat().st_mtime)


def job() -> dict:
    return jobs.get(JOB)


def _new_job(**fields) -> dict:
    return jobs.replace(JOB, batches=[], ais=[], **fields)


def load_pretrained() -> None:
    """Button callback: a private copy of the shipped model becomes this session's model."""
    ck = pretrained()
    if ck is None:
        st.session_state["rbm_missing_pretrained"] = True
        return
    _new_job(rbm=RBM.from_state(ck["state"]), trainer=None, source="pretrained", config=dict(ck["config"]),
             meta=dict(ck["meta"]))


def config_from(s: dict) -> CDConfig:
    return CDConfig(n_hidden=int(s["hidden"]), k=int(s["k"]), persistent=s["method"] == "pcd", lr=float(s["lr"]),
                    momentum=float(s["momentum"]), weight_decay=decay_value(s["decay"]),
                    batch_size=int(s["batch"]), epochs=int(s["epochs"]), seed=int(s["seed"]),
                    binarization=s["binarization"])


def start_training(s: dict) -> None:
    """Called once Start was pressed: a new RBM and trainer from the sidebar's settings, or, for
    "Train more" after the last epoch, the same trainer with ``epochs`` more epochs."""
    j = job()
    tr = j.get("trainer")
    if tr is not None:
        if tr.done:
            tr.config.epochs += int(s["epochs"])
        return
    cfg = config_from(s)
    n = min(int(s["digits"]), n_available())
    data = dataset("train", cfg.binarization, cfg.seed, n)
    test = dataset("test", cfg.binarization, test_seed(cfg.seed))
    rbm = RBM(784, cfg.n_hidden, seed=cfg.seed, visible_rates=data.mean(0))
    trainer = CDTrainer(rbm, data, cfg, test_data=test)
    d = mnist_split("train")
    # The keys of the CLI's checkpoints (ebm_core/cli_rbm.py), so a downloaded model evaluates the same way.
    meta = {"data": d.source, "data_source": "full" if d.source.startswith("full") else "shipped",
            "train_size": n, "train_subset": mnist.describe_subset(len(d), n),
            "test_data": mnist_split("test").source, "binarization": cfg.binarization,
            "binarization_description": mnist.describe_binarization(
                cfg.binarization, seed=cfg.seed if cfg.binarization == "stochastic" else None),
            "binarization_seed": cfg.seed, "seed": cfg.seed, "epochs": 0, "updates": 0,
            "algorithm": f"PCD-{cfg.k}" if cfg.persistent else f"CD-{cfg.k}", "source": "EBM Lab RBM page"}
    _new_job(status=jobs.RUNNING, rbm=rbm, trainer=trainer, source="trained", config=cfg.to_dict(), meta=meta)


def changed_settings(s: dict) -> list[str]:
    """Sidebar training settings that differ from the model being trained (names, translated)."""
    j = job()
    if j.get("trainer") is None:
        return []
    now = {**config_from(s).to_dict(), "train_size": min(int(s["digits"]), n_available())}
    used = {**j["config"], "train_size": j["trainer"].data.shape[0]}
    return [t(SPECS[name].label) for name in jobs.changed(now, used, CHANGED)]


# Sidebar control -> the config keys it sets (the order of the note).
CHANGED = {"hidden": "n_hidden", "k": "k", "lr": "lr", "momentum": "momentum", "decay": "weight_decay",
           "batch": "batch_size", "seed": "seed", "binarization": "binarization", "method": "persistent",
           "digits": "train_size"}


def train_tick() -> None:
    """About ``PACE.budget`` seconds of CD updates; the status turns DONE after the last epoch."""
    j = job()
    tr = j.get("trainer")
    if tr is None:
        jobs.set_status(JOB, jobs.DONE)
        return
    new: list[dict] = []
    jobs.tick(JOB, PACE, work=lambda: new.extend(tr.step(1)), done=lambda: tr.done)
    j["batches"].extend(new)
    j["meta"].update(epochs=tr.epoch_index, updates=tr.updates, history=list(tr.history), train_seconds=tr.seconds)


def memo(key: tuple, compute):
    """Per-model memo: results for this model version (cleared when the model changes)."""
    return jobs.memo(JOB, key, compute, size=17)


# -------------------------------------------------------------------------------- sampling
# Grids are sent small (one screen pixel per data pixel for GIFs: a 41-frame clip of 30 digits is then
# ~0.6 MB instead of ~1.9 MB at scale 2; the noisy first frames barely compress) and stretched to the column by the browser, with CSS keeping
# the pixels square (``style``): as large as the screen allows, on a laptop or a projector.
GIF_SCALE = 1
PNG_SCALE = 2


def _every(steps: int) -> int:
    return max(1, int(steps) // FRAMES)


def samples(n: int, steps: int, T: float, seed: int) -> dict:
    """n block-Gibbs chains from uniform noise, ``steps`` steps at temperature T (memoised per model).

    Returns the final p(v|h) (n, 784), the clip as a GIF, the final grid as a PNG, and timings.
    """
    rbm = job()["rbm"]

    def compute():
        g = torch.Generator().manual_seed(int(seed))
        t0 = time.perf_counter()
        final, frames = rbm.sample(int(n), int(steps), g, T=float(T), every=_every(steps))
        seconds = time.perf_counter() - t0
        return {"final": final, "start_ink": float(frames[0].mean()),
                "gif": digits.chain_gif(frames, ncols=10, scale=GIF_SCALE, duration_ms=90),
                "png": digits.grid_png(final, ncols=10, scale=PNG_SCALE), "seconds": seconds,
                "frames": len(frames), "every": _every(steps)}

    return memo(("samples", int(n), int(steps), float(T), int(seed)), compute)


def hide_mask(part: str) -> torch.Tensor:
    """bool (784,): True where a pixel stays visible (clamped), False where it is hidden."""
    m = torch.ones(28, 28, dtype=torch.bool)
    if part == "top":
        m[:14] = False
    elif part == "bottom":
        m[14:] = False
    elif part == "left":
        m[:, :14] = False
    elif part == "right":
        m[:, 14:] = False
    else:  # a centred 12x12 square: the middle of the stroke, hardest to guess
        m[8:20, 8:20] = False
    return m.reshape(-1)


N_FILL = 8  # chains per digit: the spread of the fills shows p(hidden part | visible part)


def clamp_fill(index: int, part: str, steps: int, T: float, seed: int, method: str, bin_seed: int) -> dict:
    """Gibbs sampling with the visible part of test digit ``index`` clamped, N_FILL chains from noise.

    Each frame is one row: the original, what the model is shown (hidden part grey), and the
    chains' p(v|h) (clamped pixels held at the digit)."""
    rbm = job()["rbm"]

    def compute():
        v = dataset("test", method, test_seed(bin_seed))[int(index)]
        mask = hide_mask(part)
        g = torch.Generator().manual_seed(int(seed))
        noise = (torch.rand(N_FILL, 784, generator=g) < 0.5).float()
        v0 = torch.where(mask, v, noise)
        _, frames = rbm.sample(N_FILL, int(steps), g, T=float(T), v0=v0, every=_every(steps), clamp_mask=mask)
        shown = torch.where(mask, v, torch.full_like(v, 0.5))
        rows = [torch.cat([v[None], shown[None], f]) for f in frames]
        return {"gif": digits.chain_gif(rows, ncols=N_FILL + 2, scale=GIF_SCALE, duration_ms=90),
                "png": digits.grid_png(rows[-1], ncols=N_FILL + 2, scale=PNG_SCALE),
                "label": int(mnist_split("test").labels[int(index)]),
                "error": float(((frames[-1] - v) ** 2)[:, ~mask].mean())}

    return memo(("clamp", int(index), part, int(steps), float(T), int(seed), method, int(bin_seed)), compute)


# --------------------------------------------------------------------------------- figures
# Okabe–Ito colours: data, test data, model.
C_TRAIN, C_TEST, C_MODEL, C_AIS = "#0072B2", "#009E73", "#D55E00", "#CC79A7"
MAX_POINTS = 600


def _layout(fig: go.Figure, height: int = HEIGHT) -> go.Figure:
    # The legend goes under the axes: above them it would cover the subplot titles.
    fig.update_layout(height=height, margin=dict(l=55, r=15, t=40, b=100), uirevision="keep", font=dict(size=14),
                      legend=dict(orientation="h", yanchor="top", y=-0.28, x=0), barmode="overlay")
    return fig


def _thinned(values: list[float]) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) with at most MAX_POINTS points: block means, so a noisy per-batch series stays readable."""
    y = np.asarray(values, dtype=np.float64)
    n = y.size
    if n <= MAX_POINTS:
        return np.arange(1, n + 1, dtype=np.float32), y.astype(np.float32)
    edges = np.linspace(0, n, MAX_POINTS + 1).astype(int)
    xs = np.array([(a + b) / 2 + 0.5 for a, b in zip(edges[:-1], edges[1:])], dtype=np.float32)
    ys = np.array([y[a:b].mean() for a, b in zip(edges[:-1], edges[1:])], dtype=np.float32)
    return xs, ys


def free_energy_figure(groups: list[tuple[str, np.ndarray, str]], title: str, xlabel: str) -> go.Figure:
    """Overlaid histograms of F(v), one per group (name, values, colour), on shared bins."""
    allv = np.concatenate([g[1] for g in groups])
    lo, hi = float(np.percentile(allv, 0.5)), float(np.percentile(allv, 99.5))
    size = max((hi - lo) / 60, 1e-6)
    fig = go.Figure()
    for name, vals, color in groups:
        fig.add_trace(go.Histogram(x=vals.astype(np.float32), name=name, marker_color=color, opacity=0.55,
                                   histnorm="probability density", xbins=dict(start=lo, end=hi, size=size)))
    fig.update_layout(title=dict(text=title, font=dict(size=16)), xaxis_title=xlabel,
                      yaxis_title=t("rbm_density"))
    return _layout(fig, 380)


def _finite(values: list[float]) -> np.ndarray:
    """float32 with ±inf as NaN (Plotly draws nothing there; JSON has no infinity)."""
    x = np.asarray(values, dtype=np.float32)
    return np.where(np.isfinite(x), x, np.nan).astype(np.float32)


def _epoch_x(history: list[dict], batches_per_epoch: int) -> np.ndarray:
    return np.array([h["epoch"] * batches_per_epoch for h in history], dtype=np.float32)


def curves_figure(batches: list[dict], history: list[dict], ais: list[dict], batches_per_epoch: int) -> go.Figure:
    """Reconstruction error | pseudo-LL and AIS LL | free-energy gap, against updates."""
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=3, subplot_titles=(t("rbm_curve_recon"), t("rbm_curve_ll"), t("rbm_curve_gap")),
                        horizontal_spacing=0.08)
    if batches:
        x, y = _thinned([b["recon_error"] for b in batches])
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines", line=dict(color=C_TRAIN, width=1), opacity=0.5,
                                 name=t("rbm_per_batch")), 1, 1)
    ex = _epoch_x(history, batches_per_epoch)
    if history:
        fig.add_trace(go.Scatter(x=ex, y=np.float32([h["recon_error"] for h in history]), mode="lines+markers",
                                 line=dict(color=C_TRAIN, width=2.5), name=t("rbm_train")), 1, 1)
        if "test_recon_error" in history[0]:
            fig.add_trace(go.Scatter(x=ex, y=np.float32([h["test_recon_error"] for h in history]), mode="lines+markers",
                                     line=dict(color=C_TEST, width=2.5), name=t("rbm_test")), 1, 1)
        fig.add_trace(go.Scatter(x=ex, y=np.float32([h["pseudo_log_likelihood"] for h in history]),
                                 mode="lines+markers", line=dict(color=C_TRAIN, width=2.5), showlegend=False,
                                 name=t("rbm_pll_train")), 1, 2)
        if "test_pseudo_log_likelihood" in history[0]:
            fig.add_trace(go.Scatter(x=ex, y=np.float32([h["test_pseudo_log_likelihood"] for h in history]),
                                     mode="lines+markers", line=dict(color=C_TEST, width=2.5), showlegend=False,
                                     name=t("rbm_pll_test")), 1, 2)
        if "free_energy_gap" in history[0]:
            fig.add_trace(go.Scatter(x=ex, y=np.float32([h["free_energy_gap"] for h in history]), mode="lines+markers",
                                     line=dict(color=C_MODEL, width=2.5), showlegend=False,
                                     name=t("rbm_gap_name")), 1, 3)
    if ais:
        fig.add_trace(go.Scatter(x=np.float32([a["updates"] for a in ais]), y=np.float32([a["test_ll"] for a in ais]),
                                 mode="markers", marker=dict(color=C_AIS, size=12, symbol="diamond"),
                                 name=t("rbm_ais_ll"),
                                 # The band of log Z, turned into one on the LL; an infinite side is not drawn.
                                 error_y=dict(type="data", symmetric=False,
                                              array=_finite([a["test_ll_high"] - a["test_ll"] for a in ais]),
                                              arrayminus=_finite([a["test_ll"] - a["test_ll_low"] for a in ais]))),
                      1, 2)
    for col in (1, 2, 3):
        fig.update_xaxes(title_text=t("rbm_updates"), row=1, col=col)
    return _layout(fig, 400)


def phase_figure(batches: list[dict]) -> go.Figure:
    """Positive (data) vs negative (model) phase statistics per update, and their free energies."""
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=3, subplot_titles=(t("rbm_phase_vh"), t("rbm_phase_units"), t("rbm_phase_fe")),
                        horizontal_spacing=0.08)
    pairs = [(1, "pos_vh", "neg_vh"), (2, "pos_h", "neg_h"), (3, "free_energy_data", "free_energy_neg")]
    for col, pos, neg in pairs:
        for key, color, name, dash in ((pos, C_TRAIN, t("rbm_positive"), None), (neg, C_MODEL, t("rbm_negative"), "dot")):
            x, y = _thinned([b[key] for b in batches])
            fig.add_trace(go.Scatter(x=x, y=y, mode="lines", line=dict(color=color, width=2, dash=dash), name=name,
                                     showlegend=col == 1), 1, col)
        if col == 2:
            x, y = _thinned([b["pos_v"] for b in batches])
            fig.add_trace(go.Scatter(x=x, y=y, mode="lines", line=dict(color=C_TEST, width=2), name=t("rbm_pos_v")),
                          1, col)
            x, y = _thinned([b["neg_v"] for b in batches])
            fig.add_trace(go.Scatter(x=x, y=y, mode="lines", line=dict(color=C_AIS, width=2, dash="dot"),
                                     name=t("rbm_neg_v")), 1, col)
        fig.update_xaxes(title_text=t("rbm_updates"), row=1, col=col)
    return _layout(fig, 400)


# ------------------------------------------------------------------------------- the views
TABS = ("rbm_tab_samples", "rbm_tab_filters", "rbm_tab_recon", "rbm_tab_fe", "rbm_tab_curves", "rbm_tab_phase")


def model_line() -> str:
    """One sentence: which model the page shows (shape, how it was trained, on what)."""
    j = job()
    rbm, cfg, meta = j["rbm"], j["config"], j["meta"]
    method = f"PCD-{cfg.get('k', '?')}" if cfg.get("persistent") else f"CD-{cfg.get('k', '?')}"
    key = "rbm_model_pretrained" if j["source"] == "pretrained" else "rbm_model_trained"
    method_b, seed = _bin()
    data = f"MNIST {meta.get('data', '')}" + (t("rbm_n_digits", n=int(meta["train_size"])) if "train_size" in meta else "")
    return t(key, v=rbm.n_visible, h=rbm.n_hidden, method=method, epochs=meta.get("epochs", cfg.get("epochs", "?")),
             data=data, binarization=binarization_text(method_b, seed))


def draw_progress() -> None:
    j = job()
    tr = j.get("trainer")
    if tr is None:
        return
    e = min(tr.epoch_index + 1, tr.config.epochs) if not tr.done else tr.config.epochs
    b = tr.batch_index if not tr.done else tr.batches_per_epoch
    st.progress(tr.progress, text=t("rbm_progress", epoch=e, epochs=tr.config.epochs, batch=b,
                                    batches=tr.batches_per_epoch, seconds=tr.seconds))
    c1, c2, c3, c4 = st.columns(4)
    last = j["batches"][-20:]
    if last:
        c1.metric(t("rbm_metric_recon"), f"{np.mean([b['recon_error'] for b in last]):.4f}",
                  help=t("rbm_metric_recon_help"))
    if tr.history:
        h = tr.history[-1]
        c2.metric(t("rbm_metric_pll"), f"{h['pseudo_log_likelihood']:.1f}",
                  help=t("rbm_metric_pll_help", b=binarization_text(*_bin())))
        if "free_energy_gap" in h:
            c3.metric(t("rbm_metric_gap"), f"{h['free_energy_gap']:+.2f}", help=t("rbm_metric_gap_help"))
    if tr.seconds > 0:
        c4.metric(t("rbm_metric_speed"), f"{tr.updates / tr.seconds:,.0f}", help=t("rbm_metric_speed_help"))


def draw_samples(running: bool, s: dict) -> None:
    j = job()
    tr = j.get("trainer")
    if running and tr is not None and tr.last_negatives is not None:
        # While training, the chains the gradient used right now (cheap: no extra sampling).
        neg = tr.last_negatives[: int(s["chains"])]
        st.image(digits.grid_png(neg, ncols=10, scale=PNG_SCALE), width="stretch",
                 caption=t("rbm_negatives_pcd" if tr.config.persistent else "rbm_negatives_cd", k=tr.config.k))
        return
    seed = int(s["seed"]) + int(st.session_state.get("rbm_sample_round", 0))
    with st.spinner(t("rbm_sampling", n=s["chains"], steps=s["gibbs"])):
        clip = samples(s["chains"], s["gibbs"], s["T"], seed)
    left, right = st.columns(2)
    left.image(clip["gif"], width="stretch", caption=t("rbm_chain_caption", n=s["chains"], steps=s["gibbs"], T=s["T"],
                                      every=clip["every"]))
    with right:
        st.image(clip["png"], width="stretch", caption=t("rbm_final_caption", steps=s["gibbs"]))
        st.caption(t("rbm_sample_time", seconds=clip["seconds"]))
        st.button(t("rbm_new_chains"), key="rbm_new_chains", on_click=_next_round, width="stretch")


def _next_round() -> None:
    st.session_state["rbm_sample_round"] = int(st.session_state.get("rbm_sample_round", 0)) + 1


def draw_filters() -> None:
    rbm = job()["rbm"]
    shown = min(rbm.n_hidden, 200)
    st.image(digits.filters_png(rbm.W, ncols=20, scale=PNG_SCALE, limit=shown), width="stretch",
             caption=t("rbm_filters_caption", shown=shown, h=rbm.n_hidden))


def _bin() -> tuple[str, int]:
    """(method, seed) of the data the current model is judged on: its own binarisation."""
    j = job()
    meta, cfg = j["meta"], j["config"]
    seed = meta.get("binarization_seed", meta.get("seed", cfg.get("seed", 0)))
    return meta.get("binarization", cfg.get("binarization", "threshold")), int(seed)


def draw_recon(s: dict) -> None:
    rbm = job()["rbm"]
    method, seed = _bin()
    test = dataset("test", method, test_seed(seed))
    v = test[:10]
    rec = rbm.reconstruct(v)
    st.image(digits.grid_png(torch.cat([v, rec]), ncols=10, scale=PNG_SCALE), width="stretch",
             caption=t("rbm_recon_caption"))
    err = float(((v - rec) ** 2).mean())
    st.caption(t("rbm_recon_error", err=err))


def free_energies(running: bool, s: dict) -> list[tuple[str, np.ndarray, str]]:
    j = job()
    rbm, tr = j["rbm"], j.get("trainer")
    method, seed = _bin()
    train = dataset("train", method, seed, min(N_MONITOR * 10, n_available()))[:N_MONITOR]
    test = dataset("test", method, test_seed(seed))[:N_MONITOR]
    groups = [(t("rbm_train"), rbm.free_energy(train).numpy(), C_TRAIN),
              (t("rbm_test"), rbm.free_energy(test).numpy(), C_TEST)]
    if running and tr is not None and tr.last_negatives is not None:
        groups.append((t("rbm_negatives_name"), rbm.free_energy(tr.last_negatives).numpy(), C_MODEL))
    else:
        seed_s = int(s["seed"]) + int(st.session_state.get("rbm_sample_round", 0))
        clip = samples(s["chains"], s["gibbs"], s["T"], seed_s)
        # The chains' last visible draw v ~ p(v | h), not the mean-field picture: p(v) ranks binary states,
        # and rounding p(v | h) would pick its mode, lower in F than any sample.
        g = torch.Generator().manual_seed(seed_s)
        v = (torch.rand(clip["final"].shape, generator=g) < clip["final"]).float()
        groups.append((t("rbm_samples_name", steps=s["gibbs"]), rbm.free_energy(v).numpy(), C_MODEL))
    return groups


def draw_free_energy(running: bool, s: dict) -> None:
    groups = free_energies(running, s)
    st.plotly_chart(free_energy_figure(groups, t("rbm_fe_title"), t("rbm_fe_axis")), key="rbm_fe")
    means = {name: float(np.mean(v)) for name, v, _ in groups}
    st.caption(t("rbm_fe_caption") + "  " + " · ".join(f"{k}: {v:.1f}" for k, v in means.items()))


def draw_curves() -> None:
    j = job()
    tr, meta = j.get("trainer"), j["meta"]
    if tr is not None:
        hist, bpe = tr.history, tr.batches_per_epoch
    else:  # a checkpoint made by the CLI keeps its per-epoch history
        hist = list(meta.get("history") or [])
        bpe = max(1, int(meta.get("updates", 0)) // max(1, int(meta.get("epochs", 1))))
    if not hist and not j["batches"] and not j["ais"]:
        st.info(t("rbm_no_curves"))
        return
    if tr is None and hist:
        st.caption(t("rbm_curves_pretrained", command=meta.get("command", "")))
    st.plotly_chart(curves_figure(j["batches"], hist, j["ais"], bpe), key="rbm_curves")
    st.caption(t("rbm_curves_caption", b=binarization_text(*_bin())))


def draw_phase() -> None:
    j = job()
    if not j["batches"]:
        st.info(t("rbm_no_phase"))
        return
    st.plotly_chart(phase_figure(j["batches"]), key="rbm_phase")
    st.caption(t("rbm_phase_caption"))


def draw_empty() -> None:
    """Before any model: what the data look like, and the two ways in."""
    d = mnist_split("train")
    st.info(t("rbm_empty", n=len(d), source=d.source))
    idx = np.random.default_rng(SUBSET_SEED).permutation(len(d))[:30]
    st.image(digits.grid_png(d.images[np.sort(idx)], ncols=10, scale=PNG_SCALE), width="stretch",
             caption=t("rbm_data_caption"))


def live_views(running: bool, s: dict, tab_key: str) -> None:
    """The live section's picture (``jobs.ticking`` trains a tick before it when running)."""
    j = job()
    if j.get("rbm") is None:
        draw_empty()
        return
    st.markdown(model_line())
    draw_progress()
    tabs = st.tabs([t(k) for k in TABS], key=tab_key, on_change="rerun")
    draw = [lambda: draw_samples(running, s), draw_filters, lambda: draw_recon(s),
            lambda: draw_free_energy(running, s), draw_curves, draw_phase]
    for i, (tab, fn) in enumerate(zip(tabs, draw)):
        # Only the open tab is drawn (tab.open is None before the first switch: the first tab).
        if tab.open or (tab.open is None and i == 0):
            with tab:
                fn()


# ------------------------------------------------------------------- using the model, theory
TOOL_TABS = ("rbm_tab_clamp", "rbm_tab_ais", "rbm_tab_lab", "rbm_tab_theory", "rbm_tab_downloads")


def style() -> None:
    # Digit grids are stretched to their column by the browser: keep the pixels square, not blurred.
    # While training ticks, every view is redrawn each second: Streamlit's fading of the previous
    # picture ("stale") would make the page blink, and the progress bar already says it is working.
    st.html("<style>[data-testid='stImage'] img { image-rendering: pixelated; }"
            "[data-testid='stMain'] [data-stale='true'] { opacity: 1 !important; }</style>")


def _need_model() -> bool:
    if job().get("rbm") is None:
        st.info(t("rbm_need_model"))
        return True
    return False


def _random_digit() -> None:
    st.session_state[SPECS["digit"].key] = int(np.random.default_rng().integers(0, len(mnist_split("test"))))


def draw_clamp(s: dict) -> None:
    st.markdown(t("rbm_clamp_intro"))
    if _need_model():
        return
    from ui.kit import params as P

    c1, c2, c3 = st.columns([2, 2, 1], vertical_alignment="bottom")
    with c1:
        index = P.number(SPECS["digit"])
    with c2:
        part = P.choice(SPECS["part"], format_func=labels("rbm_part_", SPECS["part"]))
    c3.button(t("rbm_random_digit"), on_click=_random_digit, key="rbm_random_digit", width="stretch")
    index = min(int(index), len(mnist_split("test")) - 1)
    method, seed = _bin()
    with st.spinner(t("rbm_sampling", n=N_FILL, steps=s["gibbs"])):
        res = clamp_fill(index, part, s["gibbs"], s["T"], int(s["seed"]), method, seed)
    st.image(res["gif"], width="stretch", caption=t("rbm_clamp_caption", label=res["label"], steps=s["gibbs"], T=s["T"], n=N_FILL))
    st.caption(t("rbm_clamp_error", err=res["error"]))
    st.latex(r"v_{\text{hidden}} \sim p(v_{\text{hidden}} \mid v_{\text{visible}}):\quad "
             r"h \sim p(h \mid v),\;\; v_{\text{hidden}} \sim p(v_{\text{hidden}} \mid h),\;\; "
             r"v_{\text{visible}} \equiv v^{\text{test}}_{\text{visible}}")


def draw_theory(s: dict) -> None:
    k, lr, mom, lam = int(s["k"]), float(s["lr"]), float(s["momentum"]), decay_value(s["decay"])
    T = float(s["T"])
    st.markdown(t("rbm_theory_energy"))
    st.latex(r"E(v, h) = -b^\top v - c^\top h - v^\top W h,\qquad p(v, h) = \frac{e^{-E(v, h)}}{Z},\qquad "
             r"Z = \sum_{v, h} e^{-E(v, h)}")
    st.markdown(t("rbm_theory_conditionals"))
    st.latex(r"p(h_j = 1 \mid v) = \sigma\Big(c_j + \sum_i v_i W_{ij}\Big),\qquad "
             r"p(v_i = 1 \mid h) = \sigma\Big(b_i + \sum_j W_{ij} h_j\Big)")
    st.latex(r"p(h \mid v) = \prod_j p(h_j \mid v),\qquad p(v \mid h) = \prod_i p(v_i \mid h),\qquad "
             r"\sigma(x) = \frac{1}{1 + e^{-x}}")
    st.markdown(t("rbm_theory_free_energy"))
    st.latex(r"p(v) = \frac{e^{-F(v)}}{Z},\qquad F(v) = -b^\top v - \sum_j \log\big(1 + e^{c_j + v^\top W_{:j}}\big)")
    st.markdown(t("rbm_theory_gradient"))
    st.latex(r"\begin{aligned}\frac{\partial \log p(v)}{\partial W_{ij}} &= \langle v_i h_j \rangle_{\text{data}} - "
             r"\langle v_i h_j \rangle_{\text{model}} \\ "
             r"\frac{\partial \log p(v)}{\partial b_i} &= \langle v_i \rangle_{\text{data}} - \langle v_i \rangle_{\text{model}}"
             r",\qquad \frac{\partial \log p(v)}{\partial c_j} = \langle h_j \rangle_{\text{data}} - "
             r"\langle h_j \rangle_{\text{model}}\end{aligned}")
    st.markdown(t("rbm_theory_cd", k=k))
    st.latex(rf"v^{{(0)}} \Rightarrow h^{{(0)}} \Rightarrow v^{{(1)}} \Rightarrow \cdots \Rightarrow v^{{({k})}},\qquad "
             rf"\Delta W_{{ij}} = p(H_j = 1 \mid v^{{(0)}})\, v_i^{{(0)}} - p(H_j = 1 \mid v^{{({k})}})\, v_i^{{({k})}}")
    st.markdown(t("rbm_theory_update"))
    st.latex(rf"\theta^{{(t+1)}} = \theta^{{(t)}} + \underbrace{{{lr:g}}}_{{\eta}}\, \widehat{{\nabla_\theta \log L}}"
             rf" - \underbrace{{{lam:g}}}_{{\lambda}}\, \theta^{{(t)}} + \underbrace{{{mom:g}}}_{{\nu}}\, \Delta\theta^{{(t-1)}}")
    st.markdown(t("rbm_theory_temperature", T=T))
    st.latex(rf"p_T(v, h) \propto e^{{-E(v, h)/T}}:\quad p(h_j = 1 \mid v) = \sigma\Big(\frac{{c_j + v^\top W_{{:j}}}}{{{T:g}}}\Big)")
    st.markdown(t("rbm_theory_ais"))
    st.latex(r"p_\beta(v) \propto p_A(v)^{1-\beta}\, p_B(v)^{\beta},\quad 0 = \beta_0 < \cdots < \beta_K = 1")
    st.latex(r"\log Z_B \approx \log Z_A + \log \frac{1}{M}\sum_{m=1}^{M} \prod_{k=1}^{K} "
             r"\frac{p^*_{\beta_k}(v_m^{(k-1)})}{p^*_{\beta_{k-1}}(v_m^{(k-1)})},\quad "
             r"v_m^{(0)} \sim p_A,\ v_m^{(k)} \sim T_{\beta_k}(\cdot \mid v_m^{(k-1)})")
    st.subheader(t("rbm_things_to_try"))
    st.markdown("\n".join(f"- {t(f'rbm_try_{i}')}" for i in range(1, 7)))


def draw_downloads(s: dict) -> None:
    if _need_model():
        return
    j = job()

    def ckpt() -> bytes:  # at click time: the weights as they are then (training may be running)
        meta = dict(j["meta"])
        meta.setdefault("source", "EBM Lab RBM page")
        return checkpoint.to_bytes("rbm", j["config"], j["rbm"].state(), meta)

    seed = int(s["seed"]) + int(st.session_state.get("rbm_sample_round", 0))
    clip = samples(s["chains"], s["gibbs"], s["T"], seed)
    c1, c2, c3 = st.columns(3)
    c1.download_button(t("rbm_dl_checkpoint"), data=ckpt, file_name="rbm.pt", mime="application/octet-stream",
                       on_click="ignore", key="rbm_dl_ckpt", width="stretch")
    c2.download_button(t("rbm_dl_png"), data=clip["png"], file_name="rbm_samples.png", mime="image/png",
                       on_click="ignore", key="rbm_dl_png", width="stretch")
    c3.download_button(t("rbm_dl_gif"), data=clip["gif"], file_name="rbm_chains.gif", mime="image/gif",
                       on_click="ignore", key="rbm_dl_gif", width="stretch")
    st.caption(t("rbm_dl_caption", n=s["chains"], steps=s["gibbs"], T=s["T"], seed=seed))
    st.code(f"python -m ebm_core generate rbm.pt --n {s['chains']} --gibbs-steps {s['gibbs']} --out samples.npy",
            language="bash")


# ------------------------------------------------------------------------------------- AIS
def run_ais(runs: int, betas: int, s: dict, bar) -> dict:
    """Forward AIS for log Z (optimistic LL), reverse AIS on ``runs`` test digits (pessimistic),
    and the exact log Z when the hidden layer is small enough; one record for the page."""
    j = job()
    rbm, tr = j["rbm"], j.get("trainer")
    method, seed = _bin()
    train = train_data()
    test = dataset("test", method, test_seed(seed))
    bA = ais.base_rate_bias(train)
    g = torch.Generator().manual_seed(seed)
    t0 = time.perf_counter()
    fwd = ais.ais_log_z(rbm, runs, betas, bA, g,
                        progress=lambda f: bar.progress(0.5 * f, text=t("rbm_ais_forward", pct=100 * f)))
    rev_digits = test[torch.randperm(test.shape[0], generator=g)[:runs]]
    rev = ais.reverse_ais(rbm, rev_digits, betas, bA, g,
                          progress=lambda f: bar.progress(0.5 + 0.5 * f, text=t("rbm_ais_reverse", pct=100 * f)))
    seconds = time.perf_counter() - t0
    exact = ais.exact_log_z(rbm) if min(rbm.n_hidden, rbm.n_visible) <= ais.MAX_EXACT_UNITS else None
    test_ll = ais.average_log_likelihood(rbm, test, fwd.log_z)
    rec = {
        "version": j["version"], "updates": tr.updates if tr is not None else int(j["meta"].get("updates", 0)),
        "log_z": fwd.log_z, "log_z_low": fwd.log_z_low, "log_z_high": fwd.log_z_high, "ess": fwd.ess,
        "log_z_reverse": rev.implied_log_z, "runs": runs, "betas": fwd.betas, "seconds": seconds,
        "test_ll": test_ll, "train_ll": ais.average_log_likelihood(rbm, train, fwd.log_z),
        # log p = −F − log Z: the band on log Z is a band on the LL, upside down.
        "test_ll_low": ais.average_log_likelihood(rbm, test, fwd.log_z_high),
        "test_ll_high": (ais.average_log_likelihood(rbm, test, fwd.log_z_low)
                         if math.isfinite(fwd.log_z_low) else math.inf),
        "test_ll_pessimistic": ais.average_log_likelihood(rbm, test, rev.implied_log_z),
        "exact_log_z": exact,
        "test_ll_exact": ais.average_log_likelihood(rbm, test, exact) if exact is not None else None,
        "binarization": binarization_text(method, seed), "n_test": test.shape[0], "n_train": train.shape[0],
        "base": t("rbm_ais_base_rate") if fwd.base.startswith("base-rate") else fwd.base,
    }
    j["ais"].append(rec)
    return rec


def _ais_clicked() -> None:
    st.session_state["rbm_ais_go"] = True


def draw_ais(s: dict) -> None:
    st.markdown(t("rbm_ais_intro"))
    if _need_model():
        return
    from ui.kit import params as P

    j = job()
    c1, c2, c3 = st.columns([2, 2, 2], vertical_alignment="bottom")
    with c1:
        runs = P.slider(SPECS["ais_runs"])
    with c2:
        betas = P.slider(SPECS["ais_betas"])
    c3.button(t("rbm_ais_button"), type="primary", on_click=_ais_clicked, key="rbm_ais_button", width="stretch")
    st.caption(t("rbm_ais_cost", h=j["rbm"].n_hidden, runs=runs, betas=betas))
    if st.session_state.pop("rbm_ais_go", False):
        bar = st.progress(0.0, text=t("rbm_ais_forward", pct=0))
        run_ais(int(runs), int(betas), s, bar)
        bar.empty()
    mine = [a for a in j["ais"] if a["version"] == j["version"]]
    if not mine:
        if j["ais"]:
            st.caption(t("rbm_ais_stale"))
        return
    a = mine[-1]
    band = lambda x: f"{x:.2f}" if math.isfinite(x) else ("+∞" if x > 0 else "−∞")  # noqa: E731
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("rbm_ais_logz"), f"{a['log_z']:.2f}", help=t("rbm_ais_logz_help"))
    m2.metric(t("rbm_ais_test_ll"), f"{a['test_ll']:.2f}", help=t("rbm_ais_ll_help", b=a["binarization"]))
    m3.metric(t("rbm_ais_train_ll"), f"{a['train_ll']:.2f}", help=t("rbm_ais_ll_help", b=a["binarization"]))
    if a["exact_log_z"] is not None:
        m4.metric(t("rbm_ais_exact"), f"{a['exact_log_z']:.2f}", delta=f"{a['log_z'] - a['exact_log_z']:+.3f} (AIS)",
                  delta_color="off")
    else:
        m4.metric(t("rbm_ais_ess"), f"{a['ess']:.0f} / {a['runs']}", help=t("rbm_ais_ess_help"))
    st.markdown("\n".join([
        "- " + t("rbm_ais_line_logz", z=a["log_z"], lo=band(a["log_z_low"]), hi=band(a["log_z_high"]),
                 runs=a["runs"], betas=a["betas"], base=a["base"]),
        "- " + t("rbm_ais_line_bracket", opt=a["test_ll"], pes=a["test_ll_pessimistic"], zr=a["log_z_reverse"],
                 b=a["binarization"]),
        "- " + t("rbm_ais_line_test", ll=a["test_ll"], lo=band(a["test_ll_low"]), hi=band(a["test_ll_high"]),
                 n=a["n_test"], b=a["binarization"]),
        "- " + t("rbm_ais_line_train", ll=a["train_ll"], n=a["n_train"], b=a["binarization"]),
    ] + (["- " + t("rbm_ais_line_exact", z=a["exact_log_z"], ll=a["test_ll_exact"], b=a["binarization"])]
         if a["exact_log_z"] is not None else [])))
    if a["ess"] < 0.1 * a["runs"] or not math.isfinite(a["log_z_low"]):
        # A few runs carry all the weight: Ẑ is then typically too small (an optimistic likelihood).
        st.warning(t("rbm_ais_unreliable", ess=a["ess"], runs=a["runs"], gap=a["log_z_reverse"] - a["log_z"]))
    st.caption(t("rbm_ais_time", seconds=a["seconds"]))


# --------------------------------------------------------------------------- the tiny lab
LAB_KS = (1, 2, 3, 5, 10, 25, 50)


@st.cache_data(max_entries=16, show_spinner=False)
def lab_curve(n_hidden: int, train_steps: int, seed: int, runs: int) -> dict:
    """Theorem 1 on 3x3 bars and stripes: exact and simulated CD-k bias for each k (shared cache)."""
    rbm, data = rbm_lab.make_lab(side=3, n_hidden=n_hidden, seed=seed, train_steps=train_steps)
    out = rbm_lab.bias_curve(rbm, data, ks=LAB_KS, runs=runs, seed=seed)
    out["patterns_png"] = digits.grid_png(data, ncols=7, scale=8, side=3)
    # The model's own view: how much of p(v) over the 512 states sits on the 14 patterns.
    p = rbm_lab.model_distribution(rbm)
    out["mass_on_patterns"] = float(p[rbm_lab.state_index(data)].sum())
    return out


def lab_figure(r: dict) -> go.Figure:
    """Left: ‖E[CD-k] − ∇L‖ / ‖∇L‖ against k (exact, simulated ± noise, |λ₂|^k). Right: cosines."""
    from plotly.subplots import make_subplots

    ks = np.asarray(r["ks"], dtype=np.float32)
    g = r["grad_norm"]
    fig = make_subplots(rows=1, cols=2, subplot_titles=(t("rbm_lab_bias_title"), t("rbm_lab_cos_title")),
                        horizontal_spacing=0.1)
    fig.add_trace(go.Scatter(x=ks, y=np.float32(r["exact_relative_bias"]), mode="lines+markers",
                             line=dict(color=C_MODEL, width=3), name=t("rbm_lab_exact")), 1, 1)
    # ‖mean of the runs − ∇L‖ holds the bias and the Monte-Carlo noise: it levels off at the noise
    # floor ‖s.e.‖ where the exact bias keeps falling.
    fig.add_trace(go.Scatter(x=ks, y=np.float32(r["mc_bias_norm"]) / g, mode="markers",
                             marker=dict(color=C_TRAIN, size=10), name=t("rbm_lab_mc", runs=r["runs"])), 1, 1)
    fig.add_trace(go.Scatter(x=ks, y=np.float32(r["mc_noise_norm"]) / g, mode="lines",
                             line=dict(color=C_TRAIN, width=1, dash="dash"), name=t("rbm_lab_noise")), 1, 1)
    lam = r["mixing"]
    ref = r["exact_relative_bias"][0] * lam ** (ks - ks[0])
    fig.add_trace(go.Scatter(x=ks, y=ref.astype(np.float32), mode="lines", line=dict(color="grey", dash="dot"),
                             name=t("rbm_lab_rate", lam=lam)), 1, 1)
    fig.add_trace(go.Scatter(x=ks, y=np.float32(r["exact_cosine"]), mode="lines+markers",
                             line=dict(color=C_MODEL, width=3), showlegend=False, name=t("rbm_lab_exact")), 1, 2)
    fig.add_trace(go.Scatter(x=ks, y=np.float32(r["single_run_cosine"]), mode="lines+markers",
                             line=dict(color=C_TEST, width=2), name=t("rbm_lab_single")), 1, 2)
    for col in (1, 2):
        fig.update_xaxes(type="log", title_text="k", tickvals=list(LAB_KS), row=1, col=col)
    fig.update_yaxes(rangemode="tozero", row=1, col=1)
    fig.update_yaxes(range=[-0.05, 1.05], row=1, col=2)
    return _layout(fig, 420)


def draw_lab(s: dict) -> None:
    from ui.kit import params as P

    st.markdown(t("rbm_lab_intro"))
    c1, c2, c3 = st.columns(3)
    with c1:
        h = P.slider(SPECS["lab_hidden"])
    with c2:
        steps = P.slider(SPECS["lab_train"], step=50)
    with c3:
        runs = P.slider(SPECS["lab_runs"])
    with st.spinner(t("rbm_lab_running")):
        r = lab_curve(int(h), int(steps), int(s["seed"]), int(runs))
    left, right = st.columns([1, 3], vertical_alignment="center")
    left.image(r["patterns_png"], width="stretch", caption=t("rbm_lab_patterns", n=r["n_patterns"]))
    with right:
        m1, m2, m3 = st.columns(3)
        m1.metric(t("rbm_lab_mixing"), f"{r['mixing']:.3f}", help=t("rbm_lab_mixing_help"))
        m2.metric(t("rbm_lab_ll"), f"{r['log_likelihood']:.3f}", help=t("rbm_lab_ll_help"))
        m3.metric(t("rbm_lab_mass"), f"{r['mass_on_patterns']:.1%}", help=t("rbm_lab_mass_help"))
    st.plotly_chart(lab_figure(r), key="rbm_lab_chart")
    st.caption(t("rbm_lab_caption", z=max(r["max_abs_z"])))
    st.latex(r"\begin{aligned}\frac{\partial \ln p(v^{(0)})}{\partial \theta} = &-\sum_h p(h \mid v^{(0)}) "
             r"\frac{\partial E(v^{(0)}, h)}{\partial \theta} + \mathbb{E}_{p(v^{(k)} \mid v^{(0)})}\Big[\sum_h "
             r"p(h \mid v^{(k)}) \frac{\partial E(v^{(k)}, h)}{\partial \theta}\Big] \\ &+ "
             r"\underbrace{\mathbb{E}_{p(v^{(k)} \mid v^{(0)})}\Big[\frac{\partial \ln p(v^{(k)})}{\partial \theta}"
             r"\Big]}_{\text{CD-}k\text{ drops this: its bias}\ \to 0\ (k \to \infty)}\end{aligned}")
