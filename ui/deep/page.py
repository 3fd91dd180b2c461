"""Streamlit helpers for the DBN / DBM page: controls, cached data and models, live training in ticks,
label-clamped generation, classification, up-down before vs after, mean-field pictures, the DBM's
persistent chains and its likelihood bound.

Each model has its own job in ``st.session_state`` (``ui/live.py``): {status, model, trainer, source,
config, meta, version, memo}. ``version`` grows with every training tick; results computed from a
model (samples, accuracy, mean field) are memoised in the job under it, so nothing stale is shown.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
import streamlit as st
import torch

from ebm_core.io import checkpoint
from ebm_core.deep import dbm as D
from ebm_core.data import mnist
from ebm_core.deep.dbm import DBM, DBMConfig, DBMTrainer
from ebm_core.deep.dbn import DBN, DBNConfig, DBNTrainer
from ebm_core.viz import deep as V
from ebm_core.viz import digits

from ui.kit import live
from ui.kit import params as P
from ui.kit.i18n import t
from ui.kit.params import Spec

ROOT = Path(__file__).resolve().parents[2]
PRETRAINED = {"dbn": ROOT / "assets" / "models" / "dbn_mnist.pt", "dbm": ROOT / "assets" / "models" / "dbm_mnist.pt"}
JOBS = {"dbn": "deep_dbn_job", "dbm": "deep_dbm_job"}
EVERY_S = 1.0  # a training tick per second: ~0.5 s of updates, then the pictures
TICK_MIN_S, TICK_MAX_S = 0.2, 0.6
N_TRAIN = 5000  # digits trained on: the shipped 5,000, or a fixed random 5,000 of the full set
SUBSET_SEED = mnist.SUBSET_SEED  # the same fixed subset as the CLI (ebm_core.data.mnist.subset_indices)
N_TEST_EVAL = 2000  # test digits for the per-epoch accuracy during live training
FRAMES = 40
GIF_SCALE, PNG_SCALE = 1, 2

DBN_SIZES = ("300-300-800", "200-200-500", "500-500-1000", "300-800")
DBM_SIZES = ("500-500", "300-300", "200-200", "500-1000")
LABELS = ("each", "any") + tuple(str(k) for k in range(10))
GIBBS = (10, 20, 50, 100, 200, 500, 1000)
SWEEPS = (10, 20, 50, 100, 200, 500, 1000, 2000)
DBN_LRS = (0.01, 0.02, 0.05, 0.1)
DBM_LRS = (0.0005, 0.001, 0.002, 0.005)
AIS_RUNS = (10, 20, 50, 100)
AIS_BETAS = (200, 500, 1000, 2000, 5000, 10000, 20000, 30000)

# Defaults: recognisable digits in well under two minutes on 2 busy cores (see bench/bench_deep.py).
SPECS = {
    "model": Spec("deep_model", "deep_model", "dbn", options=("dbn", "dbm"), kind="choice"),
    "dbn_sizes": Spec("deep_dbn_sizes", "deep_dbn_sizes", DBN_SIZES[0], options=DBN_SIZES, kind="choice"),
    "dbn_epochs": Spec("deep_dbn_epochs", "deep_dbn_epochs", 10, 1, 50),
    "dbn_ft": Spec("deep_dbn_ft", "deep_dbn_ft", 5, 0, 30),
    "dbn_lr": Spec("deep_dbn_lr", "deep_dbn_lr", 0.05, options=DBN_LRS),
    "dbn_topk": Spec("deep_dbn_topk", "deep_dbn_topk", 5, 1, 10),
    "dbm_sizes": Spec("deep_dbm_sizes", "deep_dbm_sizes", DBM_SIZES[0], options=DBM_SIZES, kind="choice"),
    "dbm_pre": Spec("deep_dbm_pre", "deep_dbm_pre", 10, 0, 50),
    "dbm_epochs": Spec("deep_dbm_epochs", "deep_dbm_epochs", 20, 1, 200),
    "dbm_lr": Spec("deep_dbm_lr", "deep_dbm_lr", 0.001, options=DBM_LRS),
    "dbm_k": Spec("deep_dbm_k", "deep_dbm_k", 1, 1, 10),
    "seed": Spec("deep_seed", "deep_seed", 0, 0, 999_999),
    "label": Spec("deep_label", "deep_label", "each", options=LABELS, kind="choice"),
    "gibbs": Spec("deep_gibbs", "deep_gibbs", 200, options=GIBBS),
    "sweeps": Spec("deep_sweeps", "deep_sweeps", 200, options=SWEEPS),
    "rows": Spec("deep_rows", "deep_rows", 2, 1, 5),
    "ft_more": Spec("deep_ft_more", "deep_ft_more", 3, 1, 20),
    "ais_runs": Spec("deep_ais_runs", "deep_ais_runs", 20, options=AIS_RUNS),
    "ais_betas": Spec("deep_ais_betas", "deep_ais_betas", 2000, options=AIS_BETAS),
    "digit": Spec("deep_digit", "deep_digit", 0, 0, 9999),
}
ALL_SPECS = list(SPECS.values())
TRAIN_KEYS = {"dbn": ("dbn_sizes", "dbn_epochs", "dbn_ft", "dbn_lr", "dbn_topk", "seed"),
              "dbm": ("dbm_sizes", "dbm_pre", "dbm_epochs", "dbm_lr", "dbm_k", "seed")}


def settings() -> dict:
    return {name: st.session_state.get(spec.key, spec.default) for name, spec in SPECS.items()}


def fmt(prefix: str, spec: Spec):
    """format_func for a choice: option labels in this run's language."""
    return {k: t(prefix + k) for k in spec.options}.get


def style() -> None:
    # Digit grids stretch to their column: keep pixels square. While training ticks, the views are
    # redrawn every second; Streamlit's "stale" fading would make the page blink.
    st.html("<style>[data-testid='stImage'] img { image-rendering: pixelated; }"
            "[data-testid='stMain'] [data-stale='true'] { opacity: 1 !important; }</style>")


def sidebar() -> str:
    """Draw the controls; returns the chosen model ("dbn" or "dbm")."""
    kind = P.choice(SPECS["model"], format_func=fmt("deep_model_", SPECS["model"]))
    st.subheader(t("deep_sidebar_train"))
    if kind == "dbn":
        P.choice(SPECS["dbn_sizes"], help=t("deep_dbn_sizes_help"))
        P.slider(SPECS["dbn_epochs"])
        P.slider(SPECS["dbn_ft"])
        P.slider(SPECS["dbn_lr"])
        P.slider(SPECS["dbn_topk"])
    else:
        P.choice(SPECS["dbm_sizes"])
        P.slider(SPECS["dbm_pre"])
        P.slider(SPECS["dbm_epochs"])
        P.slider(SPECS["dbm_lr"])
        P.slider(SPECS["dbm_k"])
    P.number(SPECS["seed"])
    st.subheader(t("deep_sidebar_sample"))
    if kind == "dbn":
        P.choice(SPECS["label"], format_func={k: label_text(k) for k in LABELS}.get)
        P.slider(SPECS["gibbs"])
    else:
        P.slider(SPECS["sweeps"])
    P.slider(SPECS["rows"])
    return kind


def label_text(k: str) -> str:
    return t("deep_label_each") if k == "each" else t("deep_label_any") if k == "any" else t("deep_label_digit", d=k)


# ------------------------------------------------------------------------------------ data
@st.cache_resource(show_spinner=False)
def mnist_split(split: str):
    return mnist.load(split)


@st.cache_resource(max_entries=4, show_spinner=False)
def dataset(split: str) -> tuple[torch.Tensor, torch.Tensor]:
    """(binary digits, labels): threshold x/255 > 0.5; the training split cut to a fixed random N_TRAIN."""
    d = mnist_split(split)
    images, labels = d.images, d.labels
    if split == "train" and len(d) > N_TRAIN:
        idx = mnist.subset_indices(len(d), N_TRAIN)
        images, labels = images[idx], labels[idx]
    return mnist.binarize(images, "threshold"), torch.tensor(np.asarray(labels))


def binarization_text() -> str:
    return t("deep_bin_threshold")


# ---------------------------------------------------------------------------------- models
@st.cache_resource(max_entries=2, show_spinner=False)
def _pretrained(path: str, mtime: float) -> dict:
    return checkpoint.load(path)


def pretrained(kind: str) -> dict | None:
    p = PRETRAINED[kind]
    if not p.is_file():
        return None
    ck = _pretrained(str(p), p.stat().st_mtime)
    return ck if ck["kind"] == kind else None


def job(kind: str) -> dict:
    return live.state(JOBS[kind])


def _fresh(**fields) -> dict:
    return {"status": live.IDLE, "version": 0, "memo": {}, "rows": [], "ais": [], **fields}


def load_pretrained(kind: str) -> None:
    """Button callback: a private copy of the shipped model becomes this session's model."""
    ck = pretrained(kind)
    if ck is None:
        st.session_state["deep_missing_pretrained"] = kind
        return
    model = DBN.from_state(ck["state"]) if kind == "dbn" else DBM.from_state(ck["state"])
    chains = D.chains_from_state(model, ck["state"]) if kind == "dbm" else None
    st.session_state[JOBS[kind]] = _fresh(model=model, trainer=None, source="pretrained", config=dict(ck["config"]),
                                          meta=dict(ck["meta"]), chains=chains)


def _sizes(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split("-"))  # one of the fixed options, never user text


def dbn_config(s: dict) -> DBNConfig:
    return DBNConfig(sizes=_sizes(s["dbn_sizes"]), labels=True, epochs=int(s["dbn_epochs"]),
                     finetune_epochs=int(s["dbn_ft"]), lr=float(s["dbn_lr"]), top_k=int(s["dbn_topk"]),
                     seed=int(s["seed"]))


def dbm_config(s: dict) -> DBMConfig:
    n1, n2 = _sizes(s["dbm_sizes"])
    return DBMConfig(n_h1=n1, n_h2=n2, pretrain_epochs=int(s["dbm_pre"]), epochs=int(s["dbm_epochs"]),
                     lr=float(s["dbm_lr"]), gibbs_steps=int(s["dbm_k"]), seed=int(s["seed"]))


def _meta(kind: str, cfg) -> dict:
    d = mnist_split("train")
    return {"data": d.source, "data_source": "full" if d.source.startswith("full") else "shipped",
            "train_size": min(N_TRAIN, len(d)), "test_data": mnist_split("test").source,
            "binarization": "threshold", "binarization_description": mnist.describe_binarization("threshold"),
            "binarization_seed": cfg.seed, "seed": cfg.seed, "source": "EBM Lab deep page"}


def start_training(kind: str, s: dict) -> None:
    """Start pressed: a new model and trainer from the sidebar, or more epochs for a finished one."""
    j = job(kind)
    tr = j.get("trainer")
    if tr is not None:
        if tr.done:
            if kind == "dbn":
                tr.extend_finetune(max(1, int(s["dbn_ft"])))
            else:
                tr.extend(int(s["dbm_epochs"]))
        return
    x, y = dataset("train")
    xt, yt = dataset("test")
    if kind == "dbn":
        cfg = dbn_config(s)
        model = DBN(784, cfg.sizes, labels=True, seed=cfg.seed)
        trainer = DBNTrainer(model, x, cfg, labels=y, test_data=xt, test_labels=yt, eval_size=N_TEST_EVAL)
    else:
        cfg = dbm_config(s)
        model = DBM(784, cfg.n_h1, cfg.n_h2, seed=cfg.seed, visible_rates=x.mean(0))
        trainer = DBMTrainer(model, x, cfg, test_data=xt[:N_TEST_EVAL])
    st.session_state[JOBS[kind]] = _fresh(status=live.RUNNING, model=model, trainer=trainer, source="trained",
                                          config=cfg.as_dict(), meta=_meta(kind, cfg), chains=None)


def start_finetune(s: dict) -> None:
    """Button callback: up-down fine-tuning of the current DBN (loaded or trained) for a few epochs."""
    j = job("dbn")
    model = j.get("model")
    if model is None:
        return
    tr = j.get("trainer")
    if tr is not None and not tr.done:
        return
    x, y = dataset("train")
    xt, yt = dataset("test")
    cfg = DBNConfig(**{**{k: v for k, v in j["config"].items() if k in DBNConfig.__dataclass_fields__},
                       "sizes": tuple(model.sizes), "finetune_epochs": int(s["ft_more"])})
    j["trainer"] = DBNTrainer(model, x, cfg, labels=y, test_data=xt, test_labels=yt, eval_size=N_TEST_EVAL,
                              finetune_only=True)
    j["config"] = cfg.as_dict()
    j["status"] = live.RUNNING


def changed_settings(kind: str, s: dict) -> list[str]:
    j = job(kind)
    if j.get("trainer") is None or j["source"] != "trained":
        return []
    now = (dbn_config(s) if kind == "dbn" else dbm_config(s)).as_dict()
    used = j["config"]
    names = {"dbn": {"dbn_sizes": "sizes", "dbn_lr": "lr", "dbn_topk": "top_k", "seed": "seed"},
             "dbm": {"dbm_sizes": ("n_h1", "n_h2"), "dbm_lr": "lr", "dbm_k": "gibbs_steps", "seed": "seed"}}[kind]
    out = []
    for name, key in names.items():
        keys = key if isinstance(key, tuple) else (key,)
        if any(now[k] != used.get(k) for k in keys):
            out.append(t(SPECS[name].label))
    return out


def tick_budget(kind: str) -> float:
    return min(TICK_MAX_S, max(TICK_MIN_S, 0.8 * EVERY_S - job(kind).get("draw_s", 0.3)))


def train_tick(kind: str) -> None:
    j = job(kind)
    tr = j.get("trainer")
    if tr is None or tr.done:
        live.set_status(JOBS[kind], live.DONE)
        return
    new: list[dict] = []

    def one() -> bool:
        new.extend(tr.step(1))
        return not tr.done

    live.for_seconds(tick_budget(kind), one)
    j["rows"].extend(new)
    j["version"] += 1
    j["memo"] = {}
    j["meta"].update(updates=tr.updates, train_seconds=tr.seconds, history=list(tr.epochs_log))
    if kind == "dbm":
        j["chains"] = tr.chains
    if tr.done:
        if kind == "dbn" and j["model"].labels:
            xt, yt = dataset("test")
            j["meta"]["test_accuracy"] = j["model"].accuracy(xt, yt)
            if tr.greedy_state is not None:
                j["meta"]["greedy_test_accuracy"] = memo("dbn", ("greedy_acc",),
                                                         lambda: DBN.from_state(tr.greedy_state).accuracy(xt, yt))
        live.set_status(JOBS[kind], live.DONE)


def memo(kind: str, key: tuple, compute):
    """Per-model memo of the DBN's or DBM's job (see ``live.memo``)."""
    return live.memo(JOBS[kind], key, compute, size=25)


# ------------------------------------------------------------------------------ generation
def _every(steps: int) -> int:
    return max(1, int(steps) // FRAMES)


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
    return {"images": images, "labels": lab, "seconds": seconds, "frames": len(frames), "every": _every(steps),
            "gif": digits.chain_gif(frames, ncols=10, scale=GIF_SCALE, duration_ms=90),
            "png": digits.grid_png(images, ncols=10, scale=PNG_SCALE)}


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
            "from_chains": start is not None,
            "gif": digits.chain_gif(frames, ncols=10, scale=GIF_SCALE, duration_ms=90),
            "png": digits.grid_png(images, ncols=10, scale=PNG_SCALE)}


def sample_seed(s: dict) -> int:
    return int(s["seed"]) + int(st.session_state.get("deep_round", 0))


def _next_round() -> None:
    st.session_state["deep_round"] = int(st.session_state.get("deep_round", 0)) + 1


def current_samples(kind: str, s: dict) -> dict:
    j = job(kind)
    seed = sample_seed(s)
    if kind == "dbn":
        return memo(kind, ("gen", s["label"], int(s["rows"]), int(s["gibbs"]), seed),
                    lambda: dbn_samples(j["model"], s["label"], s["rows"], s["gibbs"], seed))
    return memo(kind, ("gen", int(s["rows"]), int(s["sweeps"]), seed),
                lambda: dbm_samples(j["model"], j.get("chains"), s["rows"], s["sweeps"], seed))


# --------------------------------------------------------------------------------- the views
def model_line(kind: str) -> str:
    j = job(kind)
    m, meta = j["model"], j["meta"]
    src = t("deep_src_pretrained") if j["source"] == "pretrained" else t("deep_src_trained")
    data = t("deep_data_line", data=meta.get("data", "MNIST"), n=int(meta.get("train_size", N_TRAIN)),
             b=binarization_text())
    if kind == "dbn":
        arch = "784 – " + " – ".join(str(s) for s in m.sizes[:-1]) + f" (+10) ⟷ {m.sizes[-1]}"
        state = t("deep_dbn_tied") if m.tied else t("deep_dbn_untied")
        return t("deep_model_line_dbn", src=src, arch=arch, state=state, data=data)
    return t("deep_model_line_dbm", src=src, arch=f"784 ⟷ {m.n_h1} ⟷ {m.n_h2}", data=data)


def phase_text(kind: str, tr) -> str:
    p = tr.phase
    if kind == "dbn":
        if p.startswith("layer"):
            l = int(p[5:])
            dims = tr.dbn.dims
            name = t("deep_phase_layer", l=l, a=dims[l - 1], b=dims[l])
        else:
            name = t(f"deep_phase_{p}")
    else:
        name = t(f"deep_phase_{p}")
    e = min(tr.epoch + 1, tr.phase_epochs[p]) if not tr.done else tr.phase_epochs[p]
    return t("deep_progress", phase=name, epoch=e, epochs=tr.phase_epochs[p], seconds=tr.seconds)


def draw_progress(kind: str) -> None:
    j = job(kind)
    tr = j.get("trainer")
    if tr is None:
        return
    st.progress(tr.progress, text=phase_text(kind, tr))
    log = tr.epochs_log
    c1, c2, c3 = st.columns(3)
    rows = j["rows"][-20:]
    if rows:
        c1.metric(t("deep_metric_recon"), f"{np.mean([r['recon_error'] for r in rows]):.4f}",
                  help=t("deep_metric_recon_help"))
    acc = [e["test_accuracy"] for e in log if "test_accuracy" in e]
    if kind == "dbn" and acc:
        c2.metric(t("deep_metric_acc"), f"{acc[-1]:.1%}", help=t("deep_metric_acc_help", n=N_TEST_EVAL))
    if kind == "dbm" and rows and "mf_iters" in rows[-1]:
        c2.metric(t("deep_metric_mf"), f"{np.mean([r['mf_iters'] for r in rows]):.1f}",
                  help=t("deep_metric_mf_help", tol=tr.config.mf_tol))
    if tr.seconds > 0:
        c3.metric(t("deep_metric_speed"), f"{tr.updates / tr.seconds:,.1f}", help=t("deep_metric_speed_help"))


def live_picture(kind: str, running: bool, s: dict) -> None:
    """What the model holds right now: generated digits (DBN) or the persistent chains (DBM);
    before the top level exists, the first layer's filters."""
    j = job(kind)
    tr = j.get("trainer")
    m = j["model"]
    if kind == "dbn":
        if tr is not None and tr.phase.startswith("layer") and not tr.done:
            W = tr.layer_rbm.W if tr.phase == "layer1" else m.R[0]  # RBM 1 while it learns, then frozen
            st.image(digits.filters_png(W, ncols=20, scale=PNG_SCALE, limit=100), width="stretch",
                     caption=t("deep_live_filters"))
            return
        res = memo(kind, ("live",), lambda: dbn_samples(m, "each", 1, 100, 0))
        st.image(res["png"], width="stretch", caption=t("deep_live_dbn"))
        return
    chains = j.get("chains")
    if chains is not None:
        st.image(digits.grid_png(m.p_v(chains[1][:20]), ncols=10, scale=PNG_SCALE), width="stretch",
                 caption=t("deep_live_chains", n=chains[0].shape[0]))
    else:
        st.image(digits.filters_png(m.W1, ncols=20, scale=PNG_SCALE, limit=100), width="stretch",
                 caption=t("deep_live_filters"))


def curves(kind: str) -> None:
    j = job(kind)
    tr = j.get("trainer")
    log = tr.epochs_log if tr is not None else j["meta"].get("history", [])
    if not log:
        return
    x = [e["updates"] for e in log]
    series = [(t("deep_curve_recon"), x, [e.get("recon_error", math.nan) for e in log])]
    if kind == "dbm" and any("test_recon_error" in e for e in log):
        xs = [e["updates"] for e in log if "test_recon_error" in e]
        series.append((t("deep_curve_test_recon"), xs, [e["test_recon_error"] for e in log if "test_recon_error" in e]))
    starts = []  # (updates where a phase begins, its short name, the phase)
    for i, e in enumerate(log):
        if i == 0 or e["phase"] != log[i - 1]["phase"]:
            p = e["phase"]
            name = t("deep_phase_short_layer", l=p[5:]) if p.startswith("layer") else t(f"deep_phase_short_{p}")
            starts.append((log[i - 1]["updates"] if i else 0, name, p))
    fig = V.curves_figure(series, {"x": t("deep_updates"), "y": t("deep_curve_recon_axis"),
                                   "title": t("deep_curve_title")}, phases=[(a, b) for a, b, _ in starts])
    left, right = st.columns(2)
    left.plotly_chart(fig, key=f"deep_{kind}_curve")
    if kind == "dbn":
        acc = [(e["updates"], e["test_accuracy"]) for e in log if "test_accuracy" in e]
        if acc:
            fig2 = V.curves_figure([(t("deep_metric_acc"), [a for a, _ in acc], [b for _, b in acc])],
                                   {"x": t("deep_updates"), "y": t("deep_acc_axis"), "title": t("deep_acc_title")},
                                   phases=[(a, b) for a, b, p in starts if p in ("top", "finetune")])
            right.plotly_chart(fig2, key="deep_dbn_acc_curve")
    else:
        el = [(e["updates"], e["test_elbo_unnormalised"]) for e in log if "test_elbo_unnormalised" in e]
        if el:
            fig2 = V.curves_figure([(t("deep_curve_elbo"), [a for a, _ in el], [b for _, b in el])],
                                   {"x": t("deep_updates"), "y": t("deep_curve_elbo_axis"),
                                    "title": t("deep_curve_elbo_title")})
            right.plotly_chart(fig2, key="deep_dbm_elbo_curve")


def draw_empty(kind: str) -> None:
    d = mnist_split("train")
    st.info(t("deep_empty", model=t(f"deep_model_{kind}"), n=len(d), source=d.source))


def live_panel(kind: str, running: bool, s: dict) -> None:
    """The fragment's body: a bounded training tick when running, then the live views."""
    if running:
        train_tick(kind)
        running = job(kind)["status"] == live.RUNNING
    t0 = time.perf_counter()
    j = job(kind)
    if j.get("model") is None:
        draw_empty(kind)
        return
    st.markdown(model_line(kind))
    draw_progress(kind)
    left, right = st.columns([2, 3])
    with left:
        live_picture(kind, running, s)
    with right:
        curves(kind)
    if running:
        j["draw_s"] = time.perf_counter() - t0


# ------------------------------------------------------------------------------- tool tabs
TOOLS = {"dbn": ("deep_tab_generate", "deep_tab_classify", "deep_tab_finetune", "deep_tab_theory", "deep_tab_downloads"),
         "dbm": ("deep_tab_chains", "deep_tab_meanfield", "deep_tab_bound", "deep_tab_theory", "deep_tab_downloads")}


def _need_model(kind: str) -> bool:
    if job(kind).get("model") is None:
        st.info(t("deep_need_model"))
        return True
    if job(kind)["status"] == live.RUNNING:
        st.info(t("deep_wait_training"))
        return True
    return False


def draw_generate(kind: str, s: dict) -> None:
    st.markdown(t("deep_generate_intro_dbn" if kind == "dbn" else "deep_generate_intro_dbm"))
    if _need_model(kind):
        return
    st.button(t("deep_new_samples"), on_click=_next_round, key=f"deep_new_{kind}")
    steps = s["gibbs"] if kind == "dbn" else s["sweeps"]
    with st.spinner(t("deep_sampling", n=10 * int(s["rows"]), steps=steps)):
        res = current_samples(kind, s)
    left, right = st.columns(2)
    if kind == "dbn":
        cap = t("deep_gen_caption_dbn", label=label_text(s["label"]), steps=steps, every=res["every"])
    else:
        cap = t("deep_gen_caption_dbm_chains" if res["from_chains"] else "deep_gen_caption_dbm_noise", steps=steps,
                every=res["every"])
    left.image(res["gif"], width="stretch", caption=cap)
    right.image(res["png"], width="stretch", caption=t("deep_final_caption", steps=steps, seconds=res["seconds"]))


def classification(model: DBN) -> dict:
    xt, yt = dataset("test")
    pred, probs = model.classify(xt)
    conf = torch.bincount(yt * 10 + pred, minlength=100).reshape(10, 10).numpy()
    return {"acc": float((pred == yt).float().mean()), "conf": conf, "pred": pred, "n": int(yt.shape[0])}


def draw_classify(s: dict) -> None:
    st.markdown(t("deep_classify_intro"))
    if _need_model("dbn"):
        return
    j = job("dbn")
    res = memo("dbn", ("classify",), lambda: classification(j["model"]))
    xt, yt = dataset("test")
    c1, c2 = st.columns([1, 2])
    c1.metric(t("deep_test_acc"), f"{res['acc']:.2%}", help=t("deep_test_acc_help", n=res["n"], b=binarization_text()))
    wrong = torch.nonzero(res["pred"] != yt).reshape(-1)[:20]
    if wrong.numel():
        c1.image(digits.grid_png(xt[wrong], ncols=5, scale=PNG_SCALE), width="stretch",
                 caption=t("deep_wrong_caption", pairs=", ".join(f"{int(yt[i])}→{int(res['pred'][i])}"
                                                                 for i in wrong[:10])))
    fig = V.confusion_figure(res["conf"], {"pred": t("deep_pred"), "true": t("deep_true"), "title": t("deep_conf_title"),
                                           "hover": t("deep_conf_hover")})
    c2.plotly_chart(fig, key="deep_conf")


def draw_finetune(s: dict) -> None:
    st.markdown(t("deep_ft_intro"))
    j = job("dbn")
    if j.get("model") is None:
        st.info(t("deep_need_model"))
        return
    tr = j.get("trainer")
    running = j["status"] == live.RUNNING
    c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
    with c1:
        more = P.slider(SPECS["ft_more"])
    c2.button(t("deep_ft_button", n=more), on_click=start_finetune, args=(s,), key="deep_ft_go", type="primary",
              disabled=running, width="stretch")
    if tr is None or tr.greedy_state is None:
        if "greedy_test_accuracy" in j["meta"]:
            st.caption(t("deep_ft_meta", before=j["meta"]["greedy_test_accuracy"], after=j["meta"].get("test_accuracy")))
        st.caption(t("deep_ft_none"))
        return
    if running:
        st.info(t("deep_wait_training"))
        return
    before = memo("dbn", ("greedy_model",), lambda: DBN.from_state(tr.greedy_state))
    xt, yt = dataset("test")
    acc_b = memo("dbn", ("acc_before",), lambda: before.accuracy(xt, yt))
    acc_a = memo("dbn", ("acc_after",), lambda: j["model"].accuracy(xt, yt))
    seed = sample_seed(s)
    gen_b = memo("dbn", ("gen_before", seed), lambda: dbn_samples(before, "each", 2, 200, seed))
    gen_a = memo("dbn", ("gen_after", seed), lambda: dbn_samples(j["model"], "each", 2, 200, seed))
    ft_epochs = sum(1 for e in tr.epochs_log if e["phase"] == "finetune")
    left, right = st.columns(2)
    left.metric(t("deep_ft_before"), f"{acc_b:.2%}")
    left.image(gen_b["png"], width="stretch", caption=t("deep_ft_before_caption"))
    right.metric(t("deep_ft_after", n=ft_epochs), f"{acc_a:.2%}", delta=f"{100 * (acc_a - acc_b):+.2f} pp")
    right.image(gen_a["png"], width="stretch", caption=t("deep_ft_after_caption"))
    st.caption(t("deep_ft_same_seed", seed=seed, n=len(xt), b=binarization_text()))


def mean_field_view(model: DBM, index: int) -> dict:
    xt, yt = dataset("test")
    v = xt[int(index) % xt.shape[0]][None]
    mf = model.mean_field(v, tol=D.MF_TOL, max_iter=D.MF_MAX_ITER, record=True)
    hist = [(a[0], b[0]) for a, b in mf.history]
    rows, picks = V.mean_field_rows(v[0], hist, lambda mu1: model.p_v(mu1[None])[0], max_cols=8)
    many = model.mean_field(xt[:200], tol=D.MF_TOL, max_iter=D.MF_MAX_ITER)
    return {"png": V.activity_png(rows, scale=3), "picks": picks, "deltas": mf.deltas, "converged": mf.converged,
            "label": int(yt[int(index) % xt.shape[0]]), "mu1": float(mf.mu1.mean()), "mu2": float(mf.mu2.mean()),
            "many_iters": many.iterations, "many_converged": many.converged}


def _random_digit() -> None:
    st.session_state[SPECS["digit"].key] = int(np.random.default_rng().integers(0, 10_000))


def draw_meanfield(s: dict) -> None:
    st.markdown(t("deep_mf_intro"))
    if _need_model("dbm"):
        return
    j = job("dbm")
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    with c1:
        idx = P.number(SPECS["digit"])
    c2.button(t("deep_mf_random"), on_click=_random_digit, key="deep_mf_rand", width="stretch")
    res = memo("dbm", ("mf", int(idx)), lambda: mean_field_view(j["model"], int(idx)))
    left, right = st.columns([3, 2])
    left.image(res["png"], width="stretch",
               caption=t("deep_mf_caption", label=res["label"], its=", ".join(str(i) for i in res["picks"]),
                         n1=j["model"].n_h1, n2=j["model"].n_h2))
    fig = V.convergence_figure(res["deltas"], D.MF_TOL, {"delta": t("deep_mf_delta"), "tol": t("deep_mf_tol", tol=D.MF_TOL),
                                                        "iteration": t("deep_mf_iteration"), "title": t("deep_mf_curve_title")})
    right.plotly_chart(fig, key="deep_mf_curve")
    right.caption(t("deep_mf_numbers", n=len(res["deltas"]), ok=t("deep_yes") if res["converged"] else t("deep_no"),
                    m=res["many_iters"]))


N_BOUND = 2000  # digits per split for the page's bound (the CLI's evaluate uses them all)


def run_bound(model: DBM, runs: int, betas: int, seed: int, bar) -> dict:
    x, _ = dataset("train")
    xt, _ = dataset("test")
    pick = torch.randperm(x.shape[0], generator=torch.Generator().manual_seed(SUBSET_SEED))[:N_BOUND]
    x_eval, xt = x[pick], xt[:N_BOUND]  # the training file is sorted by digit: a random subset
    g = torch.Generator().manual_seed(int(seed))
    t0 = time.perf_counter()
    bar.progress(0.0, text=t("deep_bound_rates"))
    rates = D.base_rates_from(model, x_eval)
    res = D.ais_log_z(model, runs=int(runs), betas=int(betas), generator=g, base_rates=rates,
                      progress=lambda f: bar.progress(0.9 * f, text=t("deep_bound_ais", pct=100 * f)))
    bar.progress(0.9, text=t("deep_bound_mf"))
    test_b = float(D.lower_bound(model, xt, res.log_z).mean())
    train_b = float(D.lower_bound(model, x_eval, res.log_z).mean())
    return {"log_z": res.log_z, "log_z_low": res.log_z_low, "log_z_high": res.log_z_high, "runs": res.runs,
            "ess": res.ess,
            "betas": res.betas, "test": test_b, "train": train_b,
            "test_low": test_b + res.log_z - res.log_z_high, "test_high": test_b + res.log_z - res.log_z_low,
            "seconds": time.perf_counter() - t0, "n_test": int(xt.shape[0]), "n_train": int(x_eval.shape[0])}


def _bound_clicked() -> None:
    st.session_state["deep_bound_go"] = True


def draw_bound(s: dict) -> None:
    st.markdown(t("deep_bound_intro"))
    if _need_model("dbm"):
        return
    j = job("dbm")
    c1, c2, c3 = st.columns(3, vertical_alignment="bottom")
    with c1:
        runs = P.slider(SPECS["ais_runs"])
    with c2:
        betas = P.slider(SPECS["ais_betas"])
    c3.button(t("deep_bound_button"), type="primary", on_click=_bound_clicked, key="deep_bound_btn", width="stretch")
    if st.session_state.pop("deep_bound_go", False):
        bar = st.progress(0.0)
        rec = run_bound(j["model"], runs, betas, int(s["seed"]), bar)
        bar.empty()
        rec["version"] = j["version"]
        j["ais"].append(rec)
    mine = [a for a in j["ais"] if a["version"] == j["version"]]
    if not mine:
        st.caption(t("deep_bound_cost", runs=runs, betas=betas))
        return
    a = mine[-1]
    band = lambda x: f"{x:.2f}" if math.isfinite(x) else "−∞"  # noqa: E731
    m1, m2, m3 = st.columns(3)
    m1.metric(t("deep_bound_logz"), f"{a['log_z']:.2f}")
    m2.metric(t("deep_bound_test"), f"{a['test']:.2f}", help=t("deep_bound_help", b=binarization_text()))
    m3.metric(t("deep_bound_train"), f"{a['train']:.2f}", help=t("deep_bound_help", b=binarization_text()))
    st.markdown("\n".join([
        "- " + t("deep_bound_line_logz", z=a["log_z"], lo=band(a["log_z_low"]), hi=band(a["log_z_high"]),
                 runs=a["runs"], betas=a["betas"], ess=a["ess"]),
        "- " + t("deep_bound_line_test", b=a["test"], lo=band(a["test_low"]), hi=band(a["test_high"]), n=a["n_test"],
                 bin=binarization_text()),
        "- " + t("deep_bound_method"),
    ]))
    if a["ess"] < 0.1 * a["runs"]:
        st.warning(t("deep_bound_low_ess", ess=a["ess"], runs=a["runs"]), icon="⚠️")
    st.caption(t("deep_bound_time", seconds=a["seconds"]))


def draw_theory(kind: str, s: dict) -> None:
    if kind == "dbn":
        st.markdown(t("deep_th_dbn_joint"))
        st.latex(r"p(v, h^1, h^2, h^3) = p(v \mid h^1)\, p(h^1 \mid h^2)\, p(h^2, h^3)")
        st.latex(r"p(h^{(k)}_i = 1 \mid h^{(k+1)}) = \sigma\big(b^{(k)}_i + W^{(k+1)\top}_{:,i} h^{(k+1)}\big),\qquad "
                 r"P(h^{(l)}, h^{(l-1)}) \propto \exp\big(b^{(l)\top} h^{(l)} + b^{(l-1)\top} h^{(l-1)} + "
                 r"h^{(l-1)\top} W^{(l)} h^{(l)}\big)")
        st.markdown(t("deep_th_dbn_greedy"))
        st.latex(r"\mathbb{E}_{v \sim p_{\text{data}}}\, \mathbb{E}_{h^{(1)} \sim p^{(1)}(h^{(1)} \mid v)} "
                 r"\log p^{(2)}(h^{(1)})")
        st.markdown(t("deep_th_dbn_labels"))
        st.latex(r"F(x, y) = -b^\top x - d_y - \sum_j \log\big(1 + e^{c_j + x^\top W_{:j} + U_{yj}}\big),\qquad "
                 r"p(y \mid x) = \frac{e^{-F(x, y)}}{\sum_{y'} e^{-F(x, y')}}")
        st.markdown(t("deep_th_dbn_updown"))
        st.latex(r"\text{wake: } \Delta G^{(l)} \propto \big(s^{(l)} - \sigma(g^{(l)} + G^{(l)} s^{(l+1)})\big)\, "
                 r"s^{(l+1)\top},\qquad \text{sleep: } \Delta R^{(l)} \propto \tilde s^{(l)} \big(\tilde s^{(l+1)} - "
                 r"\sigma(r^{(l)} + R^{(l)\top} \tilde s^{(l)})\big)^{\top}")
        tries = ("deep_try_dbn_1", "deep_try_dbn_2", "deep_try_dbn_3", "deep_try_dbn_4", "deep_try_dbn_5")
    else:
        st.markdown(t("deep_th_dbm_energy"))
        st.latex(r"E(v, h^{1}, h^{2}) = -v^\top W^{1} h^{1} - h^{1\top} W^{2} h^{2} - b^\top v - c^{1\top} h^{1} "
                 r"- c^{2\top} h^{2},\qquad P(v, h^1, h^2) = \frac{1}{Z(\theta)} e^{-E(v, h^1, h^2)}")
        st.markdown(t("deep_th_dbm_gibbs"))
        st.latex(r"p(h^1_j = 1 \mid v, h^2) = \sigma\Big(c^1_j + \sum_i v_i W^1_{ij} + \sum_k W^2_{jk} h^2_k\Big),\quad "
                 r"p(v_i = 1 \mid h^1) = \sigma\Big(b_i + \sum_j W^1_{ij} h^1_j\Big),\quad "
                 r"p(h^2_k = 1 \mid h^1) = \sigma\Big(c^2_k + \sum_j h^1_j W^2_{jk}\Big)")
        st.markdown(t("deep_th_dbm_mf"))
        st.latex(r"\hat h^{(1)}_j = \sigma\Big(\sum_i v_i W^{(1)}_{ij} + \sum_k W^{(2)}_{jk} \hat h^{(2)}_k\Big),\qquad "
                 r"\hat h^{(2)}_k = \sigma\Big(\sum_j W^{(2)}_{jk} \hat h^{(1)}_j\Big)")
        st.latex(r"\mathcal{L}(Q, \theta) = \sum_{i,j} v_i W^{(1)}_{ij} \hat h^{(1)}_j + \sum_{j,k} \hat h^{(1)}_j "
                 r"W^{(2)}_{jk} \hat h^{(2)}_k - \log Z(\theta) + \mathcal{H}(Q) \;\le\; \log p(v)")
        st.markdown(t("deep_th_dbm_alg"))
        st.latex(r"\Delta W^{(1)} = \tfrac{1}{m}\big(V^\top \hat H^{(1)} - \tilde V^\top \tilde H^{(1)}\big),\qquad "
                 r"\Delta W^{(2)} = \tfrac{1}{m}\big(\hat H^{(1)\top} \hat H^{(2)} - \tilde H^{(1)\top} \tilde H^{(2)}\big)")
        st.markdown(t("deep_th_dbm_pretrain"))
        st.latex(r"p(h^1 \mid v) = \sigma(c + 2\, v^\top W^{1}),\qquad p(h^1 \mid h^2) = \sigma(a + 2\, W^{2} h^2)"
                 r"\ \ \Rightarrow\ \ p(h^1 \mid v, h^2) = \sigma\big(\tfrac{c + a}{2} + v^\top W^1 + W^2 h^2\big)")
        tries = ("deep_try_dbm_1", "deep_try_dbm_2", "deep_try_dbm_3", "deep_try_dbm_4", "deep_try_dbm_5")
    st.subheader(t("deep_things_to_try"))
    st.markdown("\n".join(f"- {t(k)}" for k in tries))


def draw_downloads(kind: str, s: dict) -> None:
    if _need_model(kind):
        return
    j = job(kind)

    def ckpt() -> bytes:
        state = j["model"].state()
        if kind == "dbm" and j.get("chains") is not None:
            state.update(D.chains_state(j["chains"]))
        return checkpoint.to_bytes(kind, j["config"], state, dict(j["meta"]))

    res = current_samples(kind, s)
    c1, c2, c3 = st.columns(3)
    c1.download_button(t("deep_dl_checkpoint"), data=ckpt, file_name=f"{kind}.pt", mime="application/octet-stream",
                       on_click="ignore", key=f"deep_dl_ck_{kind}", width="stretch")
    c2.download_button(t("deep_dl_png"), data=res["png"], file_name=f"{kind}_samples.png", mime="image/png",
                       on_click="ignore", key=f"deep_dl_png_{kind}", width="stretch")
    c3.download_button(t("deep_dl_gif"), data=res["gif"], file_name=f"{kind}_chains.gif", mime="image/gif",
                       on_click="ignore", key=f"deep_dl_gif_{kind}", width="stretch")
    if kind == "dbn":
        lab = "" if s["label"] in ("each", "any") else f" --label {s['label']}"
        cmd = f"python -m ebm_core generate {kind}.pt --n {10 * int(s['rows'])}{lab} --gibbs-steps {s['gibbs']} --out samples.npy"
    else:
        cmd = f"python -m ebm_core generate {kind}.pt --n {10 * int(s['rows'])} --gibbs-steps {s['sweeps']} --out samples.npy"
    st.code(cmd + f"\npython -m ebm_core evaluate {kind}.pt", language="bash")


def draw_tools(kind: str, s: dict) -> None:
    from ui.kit.i18n import lang

    tabs = st.tabs([t(k) for k in TOOLS[kind]], key=f"deep_tools_{kind}_{lang()}", on_change="rerun")
    if kind == "dbn":
        draws = (lambda: draw_generate("dbn", s), lambda: draw_classify(s), lambda: draw_finetune(s),
                 lambda: draw_theory("dbn", s), lambda: draw_downloads("dbn", s))
    else:
        draws = (lambda: draw_generate("dbm", s), lambda: draw_meanfield(s), lambda: draw_bound(s),
                 lambda: draw_theory("dbm", s), lambda: draw_downloads("dbm", s))
    for i, (tab, draw) in enumerate(zip(tabs, draws)):
        if tab.open or (tab.open is None and i == 0):
            with tab:
                draw()
