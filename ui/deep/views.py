"""The DBN / DBM page's live section: the model line, training progress, the live picture (digits,
chains or first-layer filters) and the training curves, redrawn on every tick."""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from ebm_core.viz import deep as V
from ebm_core.viz import digits

from ui.deep import data
from ui.deep.sampling import PNG_SCALE, dbn_samples, spread, test_spread
from ui.deep.training import job, memo, status
from ui.kit import jobs
from ui.kit.i18n import t
from ui.kit.sources import mnist_source


def style() -> None:
    # Digit grids stretch to their column: keep pixels square. While training ticks, the views are
    # redrawn every second; Streamlit's "stale" fading would make the page blink.
    st.html("<style>[data-testid='stImage'] img { image-rendering: pixelated; }"
            "[data-testid='stMain'] [data-stale='true'] { opacity: 1 !important; }</style>")


def model_line(kind: str) -> str:
    j = job(kind)
    m, meta = j["model"], j["meta"]
    src = t("deep_src_pretrained") if j["source"] == "pretrained" else t("deep_src_trained")
    line = t("deep_data_line", data=mnist_source(meta.get("data", "MNIST")), n=int(meta.get("train_size", data.N_TRAIN)),
             b=data.binarization_text())
    if kind == "dbn":
        arch = "784 – " + " – ".join(str(s) for s in m.sizes[:-1]) + f" (+10) ⟷ {m.sizes[-1]}"
        state = t("deep_dbn_tied") if m.tied else t("deep_dbn_untied")
        return t("deep_model_line_dbn", src=src, arch=arch, state=state, data=line)
    return t("deep_model_line_dbm", src=src, arch=f"784 ⟷ {m.n_h1} ⟷ {m.n_h2}", data=line)


def phase_text(kind: str, tr) -> str:
    p = tr.phase
    if kind == "dbn" and p.startswith("layer"):
        l = int(p[5:])  # noqa: E741 (the lecture's layer index)
        name = t("deep_phase_layer", l=l, a=tr.dbn.dims[l - 1], b=tr.dbn.dims[l])
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
        c2.metric(t("deep_metric_acc"), f"{acc[-1]:.1%}", help=t("deep_metric_acc_help", n=data.N_TEST_EVAL))
    if kind == "dbm" and rows and "mf_iters" in rows[-1]:  # (the last 20 rows may begin in the pretraining)
        c2.metric(t("deep_metric_mf"), f"{np.mean([r['mf_iters'] for r in rows if 'mf_iters' in r]):.1f}",
                  help=t("deep_metric_mf_help", tol=tr.config.mf_tol))
    if tr.seconds > 0:
        c3.metric(t("deep_metric_speed"), f"{tr.updates / tr.seconds:,.1f}", help=t("deep_metric_speed_help"))


def live_picture(kind: str) -> None:
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
        pictures = m.p_v(chains[1][:20])
        st.image(digits.grid_png(pictures, ncols=10, scale=PNG_SCALE), width="stretch",
                 caption=t("deep_live_chains", n=chains[0].shape[0]))
        st.caption(t("deep_spread_caption", d=spread(pictures), dt=test_spread()))
    else:
        st.image(digits.filters_png(m.W1, ncols=20, scale=PNG_SCALE, limit=100), width="stretch",
                 caption=t("deep_live_filters"))


def _phase_starts(log: list[dict]) -> list[tuple]:
    """(updates where a phase begins, its short name, the phase) for each phase in ``log``."""
    starts = []
    for i, e in enumerate(log):
        if i == 0 or e["phase"] != log[i - 1]["phase"]:
            p = e["phase"]
            name = t("deep_phase_short_layer", l=p[5:]) if p.startswith("layer") else t(f"deep_phase_short_{p}")
            starts.append((log[i - 1]["updates"] if i else 0, name, p))
    return starts


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
    starts = _phase_starts(log)
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


def need_model(kind: str) -> bool:
    """True (and a note shown) when there is no model to use, or it is training."""
    if job(kind).get("model") is None:
        st.info(t("deep_need_model"))
        return True
    if status(kind) == jobs.RUNNING:
        st.info(t("deep_wait_training"))
        return True
    return False


def draw_empty(kind: str) -> None:
    d = data.mnist_split("train")
    st.info(t("deep_empty", model=t(f"deep_model_{kind}"), n=len(d), source=mnist_source(d.source)))


def draw_live(kind: str) -> None:
    """The ticking fragment's drawing (``jobs.ticking``): the model, its progress, picture and curves."""
    if job(kind).get("model") is None:
        draw_empty(kind)
        return
    st.markdown(model_line(kind))
    draw_progress(kind)
    left, right = st.columns([2, 3])
    with left:
        live_picture(kind)
    with right:
        curves(kind)
