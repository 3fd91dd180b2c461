"""Plotly figures of samplers measured against the grid truth: parallel tempering's ladder and
cold chain, an ensemble's TV curve and histogram, AIS's log Z against the exact value.
Pure functions (labels arrive translated); arrays go out as float32; fixed heights, ``uirevision``.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ebm_core.viz.style import ACCENT, BLUE, EXACT, GUIDE, MARK, ORANGE, SAMPLES, TEMPLATE, colour

HEIGHT = 360
SMALL = 280
COLORSCALE = "Viridis"


def _f32(a) -> np.ndarray:
    return np.asarray(a, dtype=np.float32)


def _layout(fig: go.Figure, title: str, height: int, rev: str, **kw) -> go.Figure:
    fig.update_layout(template=TEMPLATE, title=dict(text=title, font=dict(size=15)), height=height,
                      margin=dict(l=50, r=10, t=40, b=40), uirevision=rev, font=dict(size=13), **kw)
    return fig


# --- parallel tempering ----------------------------------------------------------------------
def cold_chain_figure(xs, ys, density, cold: np.ndarray, swapped: np.ndarray, other: np.ndarray | None,
                      labels: dict, height: int = HEIGHT + 60) -> go.Figure:
    """p_T as a map, PT's cold chain as a path (the steps where it took a hotter replica's state
    marked), and for comparison a plain MH chain's path at the same T."""
    fig = go.Figure(go.Heatmap(x=_f32(xs), y=_f32(ys), z=_f32(density), colorscale=COLORSCALE, showscale=False,
                               hoverinfo="skip"))
    if other is not None:
        fig.add_trace(go.Scatter(x=_f32(other[:, 0]), y=_f32(other[:, 1]), mode="lines", name=labels["mh"],
                                 line=dict(color="white", width=1), opacity=0.7))
    fig.add_trace(go.Scatter(x=_f32(cold[:, 0]), y=_f32(cold[:, 1]), mode="lines", name=labels["cold"],
                             line=dict(color=ORANGE, width=0.8), opacity=0.6))
    idx = np.flatnonzero(swapped) + 1  # positions after a swap step
    if idx.size:
        fig.add_trace(go.Scatter(x=_f32(cold[idx, 0]), y=_f32(cold[idx, 1]), mode="markers", name=labels["swap"],
                                 marker=dict(size=3, color=EXACT), opacity=0.8))
    return _layout(fig, labels["title"], height, "pt-cold", xaxis=dict(title="x", range=[float(xs[0]), float(xs[-1])]),
                   yaxis=dict(title="y", range=[float(ys[0]), float(ys[-1])], scaleanchor="x", scaleratio=1),
                   legend=dict(orientation="h", y=-0.15))


def ladder_figure(ladder: np.ndarray, swap_rate: np.ndarray, local_acceptance: np.ndarray, labels: dict,
                  height: int = SMALL) -> go.Figure:
    """The swap rate of each neighbour pair (T_k ↔ T_k+1) as bars, each rung's local acceptance as dots."""
    pairs = [f"{k}↔{k + 1}" for k in range(len(ladder) - 1)]
    temps = [f"T = {ladder[k]:.3g} ↔ {ladder[k + 1]:.3g}" for k in range(len(ladder) - 1)]
    fig = make_subplots(rows=1, cols=2, column_widths=[0.55, 0.45], subplot_titles=(labels["swap"], labels["local"]))
    fig.update_annotations(font_size=12)
    fig.add_trace(go.Bar(x=pairs, y=_f32(swap_rate), marker_color=MARK, name=labels["swap"], customdata=temps,
                         hovertemplate="%{customdata}: %{y:.2f}<extra></extra>"), 1, 1)
    fig.add_trace(go.Scatter(x=[f"{v:.3g}" for v in ladder], y=_f32(local_acceptance), mode="markers+lines",
                             marker=dict(size=9, color=BLUE), name=labels["local"],
                             hovertemplate="T=%{x}: %{y:.2f}<extra></extra>"), 1, 2)
    fig.update_yaxes(range=[0, 1])
    fig.update_xaxes(title_text=labels["pair"], row=1, col=1)
    fig.update_xaxes(title_text="T_k", row=1, col=2, type="category")
    return _layout(fig, labels["title"], height, "pt-ladder", showlegend=False)


# --- an ensemble against p_T ---------------------------------------------------------------------
def tv_figure(curves: list[tuple[str, np.ndarray, np.ndarray]], floor: float, floor_sd: float, labels: dict,
              mark_t: int | None = None, height: int = HEIGHT) -> go.Figure:
    """TV(histogram of the N chains at t, p_T) against t, one curve per setting, and the floor
    (TV of an exact sample of the same size: mean ± 2 sd as a band)."""
    fig = go.Figure()
    t_max = max(int(s[-1]) for _, s, _ in curves)
    fig.add_trace(go.Scatter(x=[0, t_max, t_max, 0], y=[floor - 2 * floor_sd] * 2 + [floor + 2 * floor_sd] * 2,
                             mode="lines", fill="toself", fillcolor="rgba(213,94,0,0.15)", line=dict(width=0), hoverinfo="skip",
                             showlegend=False))
    fig.add_trace(go.Scatter(x=[0, t_max], y=[floor, floor], mode="lines", name=labels["floor"],
                             line=dict(color=EXACT, dash="dash", width=2)))
    for k, (name, steps, tv) in enumerate(curves):
        fig.add_trace(go.Scatter(x=_f32(steps), y=_f32(tv), mode="lines", name=name,
                                 line=dict(color=(BLUE, ACCENT, ORANGE)[k % 3], width=2.5),
                                 hovertemplate="t=%{x}<br>TV=%{y:.4f}<extra></extra>"))
    if mark_t is not None:
        fig.add_vline(x=mark_t, line_color=GUIDE, line_dash="dot")
    return _layout(fig, labels["title"], height, "ens-tv", xaxis_title="t", yaxis=dict(title="TV", type="log"),
                   legend=dict(orientation="h", y=-0.2))


def ensemble_histogram_figure(box, hists: list[tuple[str, np.ndarray]], exact: np.ndarray, labels: dict,
                              height: int = HEIGHT) -> go.Figure:
    """Each setting's histogram of the N chains at one t (share per cell) and the exact cell masses,
    side by side on one colour scale."""
    b = exact.shape[0]
    x0, x1, y0, y1 = box
    xs = x0 + (np.arange(b) + 0.5) * (x1 - x0) / b
    ys = y0 + (np.arange(b) + 0.5) * (y1 - y0) / b
    panels = [*hists, (labels["exact"], exact)]
    top = float(max(z.max() for _, z in panels))
    n = len(panels)
    fig = make_subplots(rows=1, cols=n, subplot_titles=[name for name, _ in panels], horizontal_spacing=0.04)
    for col, (_, z) in enumerate(panels, start=1):
        fig.add_trace(go.Heatmap(x=_f32(xs), y=_f32(ys), z=_f32(z), colorscale=COLORSCALE, zmin=0, zmax=top,
                                 showscale=col == n, colorbar=dict(thickness=12),
                                 hovertemplate="x=%{x:.2f}<br>y=%{y:.2f}<br>%{z:.4f}<extra></extra>"), 1, col)
        fig.update_xaxes(range=[x0, x1], row=1, col=col)
        fig.update_yaxes(range=[y0, y1], scaleanchor=f"x{col}" if col > 1 else "x", scaleratio=1, row=1, col=col,
                         showticklabels=col == 1)
    return _layout(fig, labels["title"], height, "ens-hist")


# --- AIS -------------------------------------------------------------------------------------
def ais_log_z_figure(ks: list[int], log_z: list[float], se: list[float], exact: float, labels: dict,
                     height: int = SMALL) -> go.Figure:
    """log Ẑ ± 2 se against the number of temperatures K (log axis), the grid's exact log Z as a line."""
    fig = go.Figure(go.Scatter(x=ks, y=_f32(log_z), mode="markers+lines", name=labels["ais"],
                               error_y=dict(type="data", array=_f32(2 * np.asarray(se)), visible=True),
                               marker=dict(size=9, color=BLUE), line=dict(color=BLUE, width=1.5),
                               hovertemplate="K=%{x}<br>log Ẑ=%{y:.4f}<extra></extra>"))
    fig.add_hline(y=exact, line_color=EXACT, line_dash="dash", line_width=2, annotation_text=labels["exact"],
                  annotation_position="bottom right", annotation_font=dict(size=11, color=EXACT))
    return _layout(fig, labels["title"], height, "ais-logz", xaxis=dict(title="K", type="log"),
                   yaxis_title="log Z", showlegend=False)


def ais_weights_figure(log_w: np.ndarray, labels: dict, height: int = SMALL) -> go.Figure:
    """The runs' normalised weights w_r / max w: a few runs near 1 and the rest near 0 is a warning."""
    w = np.exp(log_w - np.max(log_w))
    fig = go.Figure(go.Histogram(x=_f32(w), nbinsx=40, marker_color=SAMPLES, name=labels["weights"]))
    return _layout(fig, labels["title"], height, "ais-w", xaxis=dict(title=labels["axis"], range=[0, 1]),
                   yaxis_title=labels["count"], showlegend=False)


def ais_path_figure(xs, ys, densities: list[np.ndarray], betas: list[float], labels: dict,
                    height: int = SMALL) -> go.Figure:
    """f_β for a few β from the base (β = 0) to p_T (β = 1), each normalised on its own."""
    n = len(densities)
    fig = make_subplots(rows=1, cols=n, subplot_titles=[f"β = {b:g}" for b in betas], horizontal_spacing=0.03)
    for k, d in enumerate(densities):
        fig.add_trace(go.Heatmap(x=_f32(xs), y=_f32(ys), z=_f32(d), colorscale=COLORSCALE, showscale=False,
                                 hoverinfo="skip"), 1, k + 1)
        fig.update_xaxes(showticklabels=False, row=1, col=k + 1)
        fig.update_yaxes(showticklabels=False, scaleanchor=f"x{k + 1}" if k else "x", row=1, col=k + 1)
    return _layout(fig, labels["title"], height, "ais-path")


__all__ = ["cold_chain_figure", "ladder_figure", "tv_figure", "ensemble_histogram_figure", "ais_log_z_figure",
           "ais_weights_figure", "ais_path_figure", "colour"]
