"""Pictures for the DBN and DBM: layer activities as grey tiles, mean-field convergence, training
curves and a confusion matrix. numpy + PIL + Plotly; labels come in from the caller (any language).

Activities use the digits' look (``ebm_core.viz.digits``): 1 → black ink, 0 → white paper, so a
hidden layer's activity reads like a picture of "which units are on".
"""

from __future__ import annotations

import io
import math

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from ebm_core.viz.style import ESTIMATE, EXACT, GUIDE, colour

PAD_GREY = 128


def _np(x) -> np.ndarray:
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    return np.asarray(x, dtype=np.float32)


def square_shape(n: int) -> tuple[int, int]:
    """(rows, cols) of a nearly square rectangle holding n cells: an exact fit when one is not too thin
    (500 → 20 × 25), else the square root rounded down (cols ≥ rows)."""
    n = max(1, int(n))
    root = int(math.floor(math.sqrt(n)))
    for r in range(root, max(1, math.ceil(root / 2)) - 1, -1):
        if n % r == 0:
            return r, n // r
    return root, math.ceil(n / root)


def as_tile(values, shape: tuple[int, int] | None = None) -> np.ndarray:
    """A vector of activities in [0, 1] as a 2-D tile (row-major); cells beyond n are NaN (drawn grey)."""
    v = np.clip(np.nan_to_num(_np(values).reshape(-1), nan=0.0), 0.0, 1.0)
    r, c = shape or (square_shape(v.size) if v.size != 784 else (28, 28))
    out = np.full(r * c, np.nan, dtype=np.float32)
    out[: v.size] = v[: r * c]
    return out.reshape(r, c)


def activity_image(rows: list[list[np.ndarray]], scale: int = 4, pad: int = 2) -> Image.Image:
    """A table of tiles: ``rows[i][j]`` a 2-D array in [0, 1] (NaN = grey). Columns are as wide as
    their widest tile and rows as tall as their tallest; each tile is upscaled by ``scale``."""
    if not rows or not rows[0]:
        raise ValueError("activity_image needs at least one tile")
    ncols = max(len(r) for r in rows)
    widths = [max((r[j].shape[1] for r in rows if j < len(r)), default=1) for j in range(ncols)]
    heights = [max(t.shape[0] for t in r) for r in rows]
    W = sum(w * scale + pad for w in widths) + pad
    H = sum(h * scale + pad for h in heights) + pad
    canvas = np.full((H, W), 255, dtype=np.uint8)
    y = pad
    for r, h in zip(rows, heights):
        x = pad
        for j, w in enumerate(widths):
            if j < len(r):
                tile = r[j]
                ink = np.where(np.isnan(tile), PAD_GREY, np.round(255.0 * (1.0 - np.nan_to_num(tile)))).astype(np.uint8)
                big = np.repeat(np.repeat(ink, scale, axis=0), scale, axis=1)
                canvas[y:y + big.shape[0], x:x + big.shape[1]] = big
            x += w * scale + pad
        y += h * scale + pad
    return Image.fromarray(canvas)


def activity_png(rows: list[list[np.ndarray]], scale: int = 4, pad: int = 2) -> bytes:
    buf = io.BytesIO()
    activity_image(rows, scale, pad).save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def mean_field_rows(v, history, recon, max_cols: int = 8) -> tuple[list[list[np.ndarray]], list[int]]:
    """(rows for ``activity_png``, the iterations shown) for ONE digit v.

    Rows: [v], then per shown iteration p(v | μ¹), μ¹ and μ² as tiles. ``history`` is MeanField.history
    for that digit ([(μ¹, μ²) after iterations 0, 1, …]); ``recon`` maps μ¹ to p(v | μ¹). At most
    ``max_cols`` iterations are shown: the first ones (where the means move) and the last (the fixed point).
    """
    k = len(history)
    picks = list(range(k)) if k <= max_cols else list(range(max_cols - 1)) + [k - 1]
    s1 = square_shape(_np(history[0][0]).size)
    s2 = square_shape(_np(history[0][1]).size)
    rows = [[as_tile(v, (28, 28))],
            [as_tile(recon(history[i][0]), (28, 28)) for i in picks],
            [as_tile(history[i][0], s1) for i in picks],
            [as_tile(history[i][1], s2) for i in picks]]
    return rows, picks


def _layout(fig: go.Figure, height: int, title: str | None = None) -> go.Figure:
    fig.update_layout(height=height, margin=dict(l=60, r=15, t=45 if title else 20, b=60), uirevision="keep",
                      font=dict(size=14), legend=dict(orientation="h", yanchor="top", y=-0.22, x=0))
    if title:
        fig.update_layout(title=dict(text=title, font=dict(size=16)))
    return fig


def convergence_figure(deltas: list[float], tol: float, labels: dict, height: int = 320) -> go.Figure:
    """max |Δμ| per mean-field iteration on a log axis, with the tolerance as a line."""
    x = np.arange(1, len(deltas) + 1, dtype=np.float32)
    y = np.maximum(np.asarray(deltas, dtype=np.float32), np.float32(1e-12))
    fig = go.Figure(go.Scatter(x=x, y=y, mode="lines+markers", line=dict(color=ESTIMATE, width=2.5),
                               name=labels["delta"]))
    fig.add_hline(y=float(tol), line=dict(color=EXACT, dash="dash"), annotation_text=labels["tol"],
                  annotation_position="top right")
    fig.update_yaxes(type="log", title_text=labels["delta"], exponentformat="power")
    fig.update_xaxes(title_text=labels["iteration"])
    return _layout(fig, height, labels.get("title"))


def curves_figure(series: list[tuple[str, list[float], list[float]]], labels: dict, height: int = 340,
                  phases: list[tuple[float, str]] | None = None) -> go.Figure:
    """Lines (name, x, y), e.g. per-epoch numbers against updates; ``phases`` marks where each begins."""
    fig = go.Figure()
    for i, (name, x, y) in enumerate(series):
        if len(x):
            fig.add_trace(go.Scatter(x=np.asarray(x, dtype=np.float32), y=np.asarray(y, dtype=np.float32),
                                     mode="lines+markers", name=name,
                                     line=dict(color=colour(i), width=2.5)))
    for x0, text in phases or []:
        fig.add_vline(x=float(x0), line=dict(color=GUIDE, dash="dot"), annotation_text=text,
                      annotation_position="top right", annotation_textangle=-90, annotation_font_size=12,
                      annotation_yanchor="top")
    fig.update_xaxes(title_text=labels["x"])
    fig.update_yaxes(title_text=labels["y"])
    return _layout(fig, height, labels.get("title"))


def confusion_figure(conf: np.ndarray, labels: dict, height: int = 420) -> go.Figure:
    """Counts of (true digit, predicted digit) as a heat map with the numbers written in."""
    conf = np.asarray(conf, dtype=np.int64)
    fig = go.Figure(go.Heatmap(z=conf.astype(np.float32), x=list(range(10)), y=list(range(10)), colorscale="Blues",
                               text=conf.astype(str), texttemplate="%{text}", showscale=False,
                               hovertemplate=labels["hover"] + "<extra></extra>"))
    fig.update_xaxes(title_text=labels["pred"], dtick=1)
    fig.update_yaxes(title_text=labels["true"], dtick=1, autorange="reversed")
    return _layout(fig, height, labels.get("title"))
