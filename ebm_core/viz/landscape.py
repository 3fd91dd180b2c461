"""Plotly figures of an energy landscape: 3D surface, contour map, cross-section, log Z(T)
and basin masses.  Pure functions (labels arrive translated); arrays go out as float32.

Every figure has a fixed height and a ``uirevision``, so moving the temperature slider keeps
the user's camera angle and zoom: only the data change.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from ebm_core.viz.style import ACCENT, BLUE, EXACT, MARK, SAMPLES, TEMPLATE, colour

SURFACE_HEIGHT = 470
SMALL_HEIGHT = 270
COLORSCALE = "Viridis"
#: Basins past this many are pooled into one bar ("other").
MAX_BARS = 10
_A_B = (EXACT, BLUE)  # colours of the segment's end points A and B


def display_energy(energy: np.ndarray, quantile: float = 0.8) -> tuple[np.ndarray, float]:
    """E for drawing: clipped at its ``quantile`` over the finite cells (steep walls would
    otherwise flatten the valleys into one colour); +inf cells become the cap too."""
    fin = energy[np.isfinite(energy)]
    if fin.size == 0:
        return np.zeros_like(energy, dtype=np.float32), 0.0
    cap = float(np.quantile(fin, quantile))
    lo = float(fin.min())
    if not cap > lo:  # a flat landscape: nothing to clip
        cap = float(fin.max())
    return np.minimum(np.where(np.isfinite(energy), energy, cap), cap).astype(np.float32), cap


def coarsen(a: np.ndarray, k: int) -> np.ndarray:
    """Mean over k×k blocks (a drawn grid coarser than the computed one)."""
    if k == 1:
        return a
    ny, nx = a.shape
    return a[:ny - ny % k, :nx - nx % k].reshape(ny // k, k, nx // k, k).mean(axis=(1, 3))


def coarsen_axis(c: np.ndarray, k: int) -> np.ndarray:
    """Cell centres of the coarsened grid (the means of k consecutive centres)."""
    return c[:c.size - c.size % k].reshape(-1, k).mean(axis=1)


def surface_figure(xs: np.ndarray, ys: np.ndarray, z: np.ndarray, labels: dict, minima: np.ndarray | None = None,
                   minima_z: np.ndarray | None = None, height: int = SURFACE_HEIGHT) -> go.Figure:
    """z(x, y) as a 3D surface (E or p_T), basin minima as numbered markers."""
    fig = go.Figure(go.Surface(x=xs.astype(np.float32), y=ys.astype(np.float32), z=z.astype(np.float32),
                               colorscale=COLORSCALE, showscale=False,
                               hovertemplate="x=%{x:.2f}<br>y=%{y:.2f}<br>" + labels["z"] + "=%{z:.4g}<extra></extra>"))
    if minima is not None and len(minima):
        fig.add_trace(go.Scatter3d(x=minima[:, 0].astype(np.float32), y=minima[:, 1].astype(np.float32),
                                   z=np.asarray(minima_z, dtype=np.float32), mode="markers+text",
                                   text=[str(i + 1) for i in range(len(minima))], textposition="top center",
                                   marker=dict(size=4, color="white", line=dict(color="black", width=1)),
                                   textfont=dict(color="white", size=13), hoverinfo="skip", showlegend=False))
    fig.update_layout(
        template=TEMPLATE, title=dict(text=labels["title"], font=dict(size=16)), height=height,
        margin=dict(l=0, r=0, t=40, b=0),
        uirevision="landscape-surface", font=dict(size=13),
        scene=dict(xaxis_title="x", yaxis_title="y", zaxis_title=labels["z"], aspectmode="manual",
                   aspectratio=dict(x=1, y=float((ys[-1] - ys[0]) / (xs[-1] - xs[0])), z=0.6),
                   camera=dict(eye=dict(x=1.4, y=-1.5, z=1.0)), uirevision="landscape-camera"))
    return fig


def contour_figure(xs: np.ndarray, ys: np.ndarray, z: np.ndarray, labels: dict, *, minima: np.ndarray | None = None,
                   boundary: np.ndarray | None = None, segment=None, samples: np.ndarray | None = None,
                   height: int = SURFACE_HEIGHT) -> go.Figure:
    """Filled contours of z with the watershed lines between basins (grey dots), numbered
    minima, the cross-section segment A → B and MCMC samples (one colour per chain)."""
    fig = go.Figure(go.Contour(x=xs.astype(np.float32), y=ys.astype(np.float32), z=z.astype(np.float32),
                               colorscale=COLORSCALE, ncontours=22, line=dict(width=0.5, color="rgba(255,255,255,0.35)"),
                               colorbar=dict(title=dict(text=labels["z"], side="right"), thickness=12),
                               hovertemplate="x=%{x:.2f}<br>y=%{y:.2f}<br>" + labels["z"] + "=%{z:.4g}<extra></extra>"))
    if boundary is not None and len(boundary):
        fig.add_trace(go.Scatter(x=boundary[:, 0].astype(np.float32), y=boundary[:, 1].astype(np.float32), mode="markers",
                                 marker=dict(size=2, color="rgba(230,230,230,0.8)"), hoverinfo="skip",
                                 name=labels["boundary"], showlegend=False))
    if samples is not None and samples.size:
        for c in range(samples.shape[1]):
            fig.add_trace(go.Scatter(x=samples[:, c, 0].astype(np.float32), y=samples[:, c, 1].astype(np.float32),
                                     mode="markers", marker=dict(size=4, color=colour(c), opacity=0.85,
                                                                 line=dict(width=0.3, color="black")),
                                     name=f"{labels['chain']} {c + 1}", showlegend=False,
                                     hovertemplate=f"{labels['chain']} {c + 1}<extra></extra>"))
    if segment is not None:
        (ax, ay), (bx, by) = segment
        fig.add_trace(go.Scatter(x=[ax, bx], y=[ay, by], mode="lines+markers+text", text=["A", "B"],
                                 textposition="top center", textfont=dict(color="white", size=15),
                                 line=dict(color="white", width=2, dash="dash"),
                                 marker=dict(size=9, color=list(_A_B), line=dict(color="white", width=1.5)),
                                 hoverinfo="skip", showlegend=False))
    if minima is not None and len(minima):
        fig.add_trace(go.Scatter(x=minima[:, 0].astype(np.float32), y=minima[:, 1].astype(np.float32),
                                 mode="markers+text", text=[str(i + 1) for i in range(len(minima))],
                                 textposition="bottom center", textfont=dict(color="white", size=13),
                                 marker=dict(symbol="x", size=8, color="white"), hoverinfo="skip", showlegend=False))
    fig.update_layout(template=TEMPLATE, title=dict(text=labels["title"], font=dict(size=16)), height=height,
                      margin=dict(l=50, r=10, t=40, b=40), uirevision="landscape-contour", font=dict(size=13),
                      xaxis=dict(title="x", range=[float(xs[0]), float(xs[-1])]),
                      yaxis=dict(title="y", range=[float(ys[0]), float(ys[-1])], scaleanchor="x", scaleratio=1))
    return fig


def section_figure(section, temperature: float, labels: dict, pass_energy: float | None = None,
                   height: int = SMALL_HEIGHT) -> go.Figure:
    """E along A → B, the hill on it and the climb ΔE from the bottom of A's well; with
    ``pass_energy``, the lowest pass between the two basins over any path (dashed)."""
    e = np.where(np.isfinite(section.energy), section.energy, np.nan)
    fig = go.Figure(go.Scatter(x=section.s.astype(np.float32), y=e.astype(np.float32), mode="lines",
                               line=dict(color=ACCENT, width=2.5), name="E",
                               hovertemplate="s=%{x:.2f}<br>E=%{y:.4g}<extra></extra>"))
    fig.add_trace(go.Scatter(x=[section.s[0], section.s[-1]], y=[section.e_a, section.e_b], mode="markers+text",
                             text=["A", "B"], textposition="top center", marker=dict(size=10, color=list(_A_B)),
                             hoverinfo="skip", showlegend=False))
    top = section.e_top
    low = float(section.energy[section.i_low_a])
    if math.isfinite(top) and top > low:
        s_top = float(section.s[section.i_top])
        fig.add_trace(go.Scatter(x=[s_top, s_top], y=[low, top], mode="lines+markers",
                                 line=dict(color=MARK, width=2), marker=dict(symbol="triangle-up", size=9),
                                 hoverinfo="skip", showlegend=False))
        fig.add_trace(go.Scatter(x=[float(section.s[section.i_low_a]), s_top], y=[low, low], mode="lines",
                                 line=dict(color=MARK, width=1, dash="dot"), hoverinfo="skip", showlegend=False))
        fig.add_annotation(x=s_top, y=(low + top) / 2, text=labels["barrier"], showarrow=False, xanchor="left",
                           xshift=6, font=dict(color=MARK, size=13))
    if pass_energy is not None and math.isfinite(pass_energy):
        fig.add_hline(y=pass_energy, line_color="grey", line_dash="dot", line_width=1.5,
                      annotation_text=labels["pass"], annotation_position="top left")
    fig.update_layout(template=TEMPLATE, title=dict(text=labels["title"], font=dict(size=15)), height=height,
                      margin=dict(l=50, r=10, t=40, b=40), uirevision="landscape-section", showlegend=False,
                      font=dict(size=13), xaxis_title=labels["s"], yaxis_title="E")
    return fig


def log_z_figure(temperatures: np.ndarray, log_z: np.ndarray, temperature: float, log_z_now: float,
                 log_area: float, labels: dict, height: int = SMALL_HEIGHT) -> go.Figure:
    """log Z(T) on a log T axis, the current T marked, and log|box| (the T → ∞ limit)."""
    fig = go.Figure(go.Scatter(x=temperatures.astype(np.float32), y=log_z.astype(np.float32), mode="lines",
                               line=dict(color=BLUE, width=2.5), name="log Z(T)",
                               hovertemplate="T=%{x:.3g}<br>log Z=%{y:.4g}<extra></extra>"))
    fig.add_trace(go.Scatter(x=[temperature], y=[log_z_now], mode="markers", marker=dict(size=11, color=EXACT),
                             hovertemplate="T=%{x:.3g}<br>log Z=%{y:.4g}<extra></extra>", showlegend=False))
    fig.add_hline(y=log_area, line_color="grey", line_dash="dot", line_width=1.5,
                  annotation_text=labels["limit"], annotation_position="bottom right",
                  annotation_font=dict(size=11, color="grey"))
    fig.update_layout(template=TEMPLATE, title=dict(text=labels["title"], font=dict(size=15)), height=height,
                      margin=dict(l=50, r=10, t=40, b=40), uirevision="landscape-logz", showlegend=False,
                      font=dict(size=13), xaxis=dict(title="T", type="log"), yaxis_title="log Z(T)")
    return fig


def _pooled(values: np.ndarray, k: int = MAX_BARS) -> np.ndarray:
    """The first k-1 basins and the rest summed (when there are more than k)."""
    if values.shape[-1] <= k:
        return values
    return np.concatenate([values[..., :k - 1], values[..., k - 1:].sum(axis=-1, keepdims=True)], axis=-1)


def bar_names(n_basins: int, other: str) -> list[str]:
    names = [str(i + 1) for i in range(n_basins)]
    return names if n_basins <= MAX_BARS else names[:MAX_BARS - 1] + [other]


def masses_figure(masses: np.ndarray, area_fraction: np.ndarray, labels: dict,
                  shares: np.ndarray | None = None, height: int = SMALL_HEIGHT) -> go.Figure:
    """P_T(basin k) as bars; grey dashes: the basin's area share (the T → ∞ limit);
    diamonds: the share of MCMC samples in that basin."""
    names = bar_names(masses.size, labels["other"])
    fig = go.Figure(go.Bar(x=names, y=_pooled(masses).astype(np.float32), marker_color=SAMPLES,
                           name=labels["mass"], hovertemplate="%{x}: %{y:.4f}<extra></extra>"))
    fig.add_trace(go.Scatter(x=names, y=_pooled(area_fraction).astype(np.float32), mode="markers",
                             marker=dict(symbol="line-ew", size=26, line=dict(width=3, color="grey")),
                             name=labels["area"], hovertemplate="%{x}: %{y:.4f}<extra></extra>"))
    if shares is not None and shares.size == masses.size:
        fig.add_trace(go.Scatter(x=names, y=_pooled(shares).astype(np.float32), mode="markers",
                                 marker=dict(symbol="diamond", size=10, color=EXACT),
                                 name=labels["samples"], hovertemplate="%{x}: %{y:.3f}<extra></extra>"))
    fig.update_layout(template=TEMPLATE, title=dict(text=labels["title"], font=dict(size=15)), height=height,
                      margin=dict(l=50, r=10, t=40, b=40), uirevision="landscape-masses", font=dict(size=13),
                      xaxis=dict(title=None, type="category"), yaxis=dict(title="P", range=[0, 1.05]),
                      legend=dict(orientation="h", yanchor="top", y=-0.2, x=0, font=dict(size=11)), bargap=0.35)
    fig.update_layout(margin=dict(b=95))
    return fig


def masses_sweep_figure(temperatures: np.ndarray, masses: np.ndarray, temperature: float, labels: dict,
                        height: int = SMALL_HEIGHT) -> go.Figure:
    """P_T(basin k) against T (log axis), one line per basin, the current T marked."""
    pooled = _pooled(masses)
    names = bar_names(masses.shape[1], labels["other"])
    fig = go.Figure()
    for k, name in enumerate(names):
        fig.add_trace(go.Scatter(x=temperatures.astype(np.float32), y=pooled[:, k].astype(np.float32), mode="lines",
                                 line=dict(width=2, color=colour(k)), name=name,
                                 hovertemplate=name + ": %{y:.3f} (T=%{x:.3g})<extra></extra>"))
    fig.add_vline(x=temperature, line_color=EXACT, line_width=1.5, line_dash="dash")
    fig.update_layout(template=TEMPLATE, title=dict(text=labels["title"], font=dict(size=15)), height=height,
                      margin=dict(l=50, r=10, t=40, b=40), uirevision="landscape-sweep", font=dict(size=13),
                      xaxis=dict(title="T", type="log"), yaxis=dict(title="P", range=[0, 1.02]),
                      legend=dict(title=dict(text=labels["basin"]), orientation="v"))
    return fig
