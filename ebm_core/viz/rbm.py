"""Pictures of an RBM's training and of the tiny CD-k lab: free-energy histograms, training curves,
positive vs negative phase, CD's bias against k. Pure Plotly + numpy (no Streamlit); every label
comes in from the caller, in the page's language (``labels`` dicts, keys listed per function).

Colours are Okabe–Ito: training data, test data, the model (its chains), AIS estimates.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ebm_core.viz.style import ACCENT, DATA, MARK, NEGATIVES

C_TRAIN, C_TEST, C_MODEL, C_AIS = DATA, ACCENT, NEGATIVES, MARK
MAX_POINTS = 600  # points per per-update series (block means beyond that)
HEIGHT = 300


def layout(fig: go.Figure, height: int = HEIGHT) -> go.Figure:
    """Fixed height, kept zoom (``uirevision``), and the legend under the axes (above them it would
    cover the subplot titles)."""
    fig.update_layout(height=height, margin=dict(l=55, r=15, t=40, b=100), uirevision="keep", font=dict(size=14),
                      legend=dict(orientation="h", yanchor="top", y=-0.28, x=0), barmode="overlay")
    return fig


def thinned(values: list[float]) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) float32 with at most MAX_POINTS points (x counts from 1): block means, so a noisy
    per-batch series stays readable."""
    y = np.asarray(values, dtype=np.float64)
    n = y.size
    if n <= MAX_POINTS:
        return np.arange(1, n + 1, dtype=np.float32), y.astype(np.float32)
    edges = np.linspace(0, n, MAX_POINTS + 1).astype(int)
    xs = np.array([(a + b) / 2 + 0.5 for a, b in zip(edges[:-1], edges[1:])], dtype=np.float32)
    ys = np.array([y[a:b].mean() for a, b in zip(edges[:-1], edges[1:])], dtype=np.float32)
    return xs, ys


def finite(values: list[float]) -> np.ndarray:
    """float32 with ±inf as NaN (Plotly draws nothing there; JSON has no infinity)."""
    x = np.asarray(values, dtype=np.float32)
    return np.where(np.isfinite(x), x, np.nan).astype(np.float32)


def free_energy_figure(groups: list[tuple[str, np.ndarray, str]], title: str, xlabel: str,
                       ylabel: str) -> go.Figure:
    """Overlaid histograms of F(v), one per group (name, values, colour), on shared bins."""
    allv = np.concatenate([g[1] for g in groups])
    lo, hi = float(np.percentile(allv, 0.5)), float(np.percentile(allv, 99.5))
    size = max((hi - lo) / 60, 1e-6)
    fig = go.Figure()
    for name, vals, color in groups:
        fig.add_trace(go.Histogram(x=np.asarray(vals).astype(np.float32), name=name, marker_color=color, opacity=0.55,
                                   histnorm="probability density", xbins=dict(start=lo, end=hi, size=size)))
    fig.update_layout(title=dict(text=title, font=dict(size=16)), xaxis_title=xlabel, yaxis_title=ylabel)
    return layout(fig, 380)


def _epoch_x(history: list[dict], batches_per_epoch: int) -> np.ndarray:
    return np.array([h["epoch"] * batches_per_epoch for h in history], dtype=np.float32)


def curves_figure(batches: list[dict], history: list[dict], ais: list[dict], batches_per_epoch: int,
                  labels: dict) -> go.Figure:
    """Reconstruction error | pseudo-LL and AIS LL | free-energy gap, against updates.

    ``batches``: per-update statistics (``recon_error``); ``history``: per-epoch ones
    (``epoch``, ``recon_error``, ``pseudo_log_likelihood``, optionally their ``test_`` versions and
    ``free_energy_gap``); ``ais``: records with ``updates``, ``test_ll``, ``test_ll_low``,
    ``test_ll_high`` (drawn as ◆ with the bracket as error bars). ``labels``: recon, ll, gap
    (titles), per_batch, train, test, pll_train, pll_test, gap_name, ais_ll, updates.
    """
    L = labels
    fig = make_subplots(rows=1, cols=3, subplot_titles=(L["recon"], L["ll"], L["gap"]), horizontal_spacing=0.08)
    if batches:
        x, y = thinned([b["recon_error"] for b in batches])
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines", line=dict(color=C_TRAIN, width=1), opacity=0.5,
                                 name=L["per_batch"]), 1, 1)
    ex = _epoch_x(history, batches_per_epoch)
    if history:
        fig.add_trace(go.Scatter(x=ex, y=np.float32([h["recon_error"] for h in history]), mode="lines+markers",
                                 line=dict(color=C_TRAIN, width=2.5), name=L["train"]), 1, 1)
        if "test_recon_error" in history[0]:
            fig.add_trace(go.Scatter(x=ex, y=np.float32([h["test_recon_error"] for h in history]), mode="lines+markers",
                                     line=dict(color=C_TEST, width=2.5), name=L["test"]), 1, 1)
        fig.add_trace(go.Scatter(x=ex, y=np.float32([h["pseudo_log_likelihood"] for h in history]),
                                 mode="lines+markers", line=dict(color=C_TRAIN, width=2.5), showlegend=False,
                                 name=L["pll_train"]), 1, 2)
        if "test_pseudo_log_likelihood" in history[0]:
            fig.add_trace(go.Scatter(x=ex, y=np.float32([h["test_pseudo_log_likelihood"] for h in history]),
                                     mode="lines+markers", line=dict(color=C_TEST, width=2.5), showlegend=False,
                                     name=L["pll_test"]), 1, 2)
        if "free_energy_gap" in history[0]:
            fig.add_trace(go.Scatter(x=ex, y=np.float32([h["free_energy_gap"] for h in history]), mode="lines+markers",
                                     line=dict(color=C_MODEL, width=2.5), showlegend=False,
                                     name=L["gap_name"]), 1, 3)
    if ais:
        fig.add_trace(go.Scatter(x=np.float32([a["updates"] for a in ais]), y=np.float32([a["test_ll"] for a in ais]),
                                 mode="markers", marker=dict(color=C_AIS, size=12, symbol="diamond"),
                                 name=L["ais_ll"],
                                 # The bracket of log Z, turned into one on the LL; an infinite side is not drawn.
                                 error_y=dict(type="data", symmetric=False,
                                              array=finite([a["test_ll_high"] - a["test_ll"] for a in ais]),
                                              arrayminus=finite([a["test_ll"] - a["test_ll_low"] for a in ais]))),
                      1, 2)
    for col in (1, 2, 3):
        fig.update_xaxes(title_text=L["updates"], row=1, col=col)
    return layout(fig, 400)


def phase_figure(batches: list[dict], labels: dict) -> go.Figure:
    """Positive (data) vs negative (model) phase statistics per update, and their free energies.

    ``batches``: per-update ``pos_vh``/``neg_vh``, ``pos_h``/``neg_h``, ``pos_v``/``neg_v``,
    ``free_energy_data``/``free_energy_neg``. ``labels``: vh, units, fe (titles), positive,
    negative, pos_v, neg_v, updates.
    """
    L = labels
    fig = make_subplots(rows=1, cols=3, subplot_titles=(L["vh"], L["units"], L["fe"]), horizontal_spacing=0.08)
    pairs = [(1, "pos_vh", "neg_vh"), (2, "pos_h", "neg_h"), (3, "free_energy_data", "free_energy_neg")]
    for col, pos, neg in pairs:
        for key, color, name, dash in ((pos, C_TRAIN, L["positive"], None), (neg, C_MODEL, L["negative"], "dot")):
            x, y = thinned([b[key] for b in batches])
            fig.add_trace(go.Scatter(x=x, y=y, mode="lines", line=dict(color=color, width=2, dash=dash), name=name,
                                     showlegend=col == 1), 1, col)
        if col == 2:
            x, y = thinned([b["pos_v"] for b in batches])
            fig.add_trace(go.Scatter(x=x, y=y, mode="lines", line=dict(color=C_TEST, width=2), name=L["pos_v"]),
                          1, col)
            x, y = thinned([b["neg_v"] for b in batches])
            fig.add_trace(go.Scatter(x=x, y=y, mode="lines", line=dict(color=C_AIS, width=2, dash="dot"),
                                     name=L["neg_v"]), 1, col)
        fig.update_xaxes(title_text=L["updates"], row=1, col=col)
    return layout(fig, 400)


def lab_figure(r: dict, labels: dict) -> go.Figure:
    """The tiny lab (``ebm_core.rbm.lab.bias_curve``'s result ``r``). Left: ‖E[CD-k] − ∇L‖ / ‖∇L‖
    against k (exact, simulated, the Monte-Carlo noise floor, |λ₂|^k). Right: cosines to ∇L.

    ``labels``: bias_title, cos_title, exact, mc, noise, rate, single.
    """
    L = labels
    ks = np.asarray(r["ks"], dtype=np.float32)
    g = r["grad_norm"]
    fig = make_subplots(rows=1, cols=2, subplot_titles=(L["bias_title"], L["cos_title"]), horizontal_spacing=0.1)
    fig.add_trace(go.Scatter(x=ks, y=np.float32(r["exact_relative_bias"]), mode="lines+markers",
                             line=dict(color=C_MODEL, width=3), name=L["exact"]), 1, 1)
    # ‖mean of the runs − ∇L‖ holds the bias and the Monte-Carlo noise: it levels off at the noise
    # floor ‖s.e.‖ where the exact bias keeps falling.
    fig.add_trace(go.Scatter(x=ks, y=np.float32(r["mc_bias_norm"]) / g, mode="markers",
                             marker=dict(color=C_TRAIN, size=10), name=L["mc"]), 1, 1)
    fig.add_trace(go.Scatter(x=ks, y=np.float32(r["mc_noise_norm"]) / g, mode="lines",
                             line=dict(color=C_TRAIN, width=1, dash="dash"), name=L["noise"]), 1, 1)
    lam = r["mixing"]
    ref = r["exact_relative_bias"][0] * lam ** (ks - ks[0])
    fig.add_trace(go.Scatter(x=ks, y=ref.astype(np.float32), mode="lines", line=dict(color="grey", dash="dot"),
                             name=L["rate"]), 1, 1)
    fig.add_trace(go.Scatter(x=ks, y=np.float32(r["exact_cosine"]), mode="lines+markers",
                             line=dict(color=C_MODEL, width=3), showlegend=False, name=L["exact"]), 1, 2)
    fig.add_trace(go.Scatter(x=ks, y=np.float32(r["single_run_cosine"]), mode="lines+markers",
                             line=dict(color=C_TEST, width=2), name=L["single"]), 1, 2)
    for col in (1, 2):
        fig.update_xaxes(type="log", title_text="k", tickvals=[int(k) for k in r["ks"]], row=1, col=col)
    fig.update_yaxes(rangemode="tozero", row=1, col=1)
    fig.update_yaxes(range=[-0.05, 1.05], row=1, col=2)
    return layout(fig, 420)
