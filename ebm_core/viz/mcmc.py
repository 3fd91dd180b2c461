"""Plotly figures under the MCMC picture: traces, autocorrelation, marginals, f_mn.

Labels arrive as arguments (the caller translates them).  Long chains are thinned for
drawing only (at most ``MAX_POINTS`` per line): a 1,000-pixel chart cannot show more, and
SVG cost grows with points.  Every statistic is computed on the full chains.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from _plotly_utils.utils import to_typed_array_spec  # (base64 float32, as go.Figure sends arrays)

from ebm_core.mcmc import diagnostics
from ebm_core.viz.style import ESTIMATE, EXACT, PALETTE, SAMPLES, TEMPLATE, Prebuilt, colour  # noqa: F401 (PALETTE: the canvas's chains)

TEMPLATE_DICT = TEMPLATE.to_plotly_json()

MAX_POINTS = 600
HEIGHT = 260


def _thin(n: int) -> np.ndarray:
    return np.unique(np.linspace(0, n - 1, min(n, MAX_POINTS)).round().astype(int))


def _layout(fig: go.Figure, title: str, xlabel: str, ylabel: str, height: int = HEIGHT) -> go.Figure:
    fig.update_layout(template=TEMPLATE, title=dict(text=title, font=dict(size=16)), height=height,
                      margin=dict(l=50, r=10, t=40, b=40),
                      xaxis_title=xlabel, yaxis_title=ylabel, uirevision="keep", showlegend=False,
                      font=dict(size=14))
    return fig


def trace_figure(positions: np.ndarray, m: int, coord: int, labels: dict) -> Prebuilt:
    """x_i (or y_i) against i for every chain, burn-in shaded.

    Written as plotly's dict (``Prebuilt``): it is redrawn for every new setting a student
    moves to, and validating it trace by trace cost more than the rest of the page."""
    n = positions.shape[0]
    every = -(-n // MAX_POINTS)  # every k-th draw, evenly: x is then x0 + i dx, not sent as an array
    data = [{"type": "scatter", "x0": 0, "dx": every, "y": to_typed_array_spec(positions[::every, c, coord].astype(np.float32)),
             "mode": "lines", "line": {"width": 1.2, "color": colour(c)}, "name": f"{c + 1}"}
            for c in range(positions.shape[1])]
    layout = _layout_dict(labels["title"], labels["step"], labels["value"])
    if m > 0:  # (what fig.add_vrect writes: a rectangle over the whole height, and its label)
        layout["shapes"] = [{"type": "rect", "x0": 0, "x1": m, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain",
                             "fillcolor": "grey", "opacity": 0.18, "line": {"width": 0}}]
        layout["annotations"] = [{"text": labels["burn_in"], "x": 0, "xanchor": "left", "xref": "x",
                                  "y": 1, "yanchor": "top", "yref": "y domain", "showarrow": False}]
    return Prebuilt({"data": data, "layout": layout})


def _layout_dict(title: str, xlabel: str, ylabel: str, height: int = HEIGHT) -> dict:
    """``_layout`` as a plain dict (for ``Prebuilt`` figures)."""
    return {"template": TEMPLATE_DICT, "title": {"text": title, "font": {"size": 16}}, "height": height,
            "margin": {"l": 50, "r": 10, "t": 40, "b": 40}, "xaxis": {"title": {"text": xlabel}},
            "yaxis": {"title": {"text": ylabel}}, "uirevision": "keep", "showlegend": False,
            "font": {"size": 14}}


def acf_figure(positions: np.ndarray, m: int, coord: int, labels: dict, max_lag: int = 100) -> go.Figure:
    """Autocorrelation ρ(k) of each chain after burn-in."""
    kept = diagnostics.after_burn_in(positions, m)
    fig = go.Figure()
    for c in range(kept.shape[1]):
        ac = diagnostics.autocorrelation(kept[:, c, coord], max_lag)
        fig.add_trace(go.Scatter(x=np.arange(ac.size), y=ac.astype(np.float32), mode="lines",
                                 line=dict(width=1.5, color=colour(c))))
    fig.add_hline(y=0, line_color="grey", line_width=1)
    fig.update_yaxes(range=[-0.3, 1.02])
    return _layout(fig, labels["title"], labels["lag"], "ρ(k)")


def _marginal_range(centres: np.ndarray, exact: np.ndarray, kept: np.ndarray) -> tuple[float, float]:
    """Where the exact marginal has mass (all but 1e-5 each side), stretched to the middle
    99.8% of the draws: the grid's box can be far wider than p_T at this T (it widens until
    nothing is cut off), and 60 bins over all of it would hide the shape."""
    cdf = np.cumsum(exact)
    if not (cdf.size and np.isfinite(cdf[-1]) and cdf[-1] > 0):
        return float(centres[0]), float(centres[-1])
    cdf = cdf / cdf[-1]
    lo = float(centres[min(np.searchsorted(cdf, 1e-5), cdf.size - 1)])
    hi = float(centres[min(np.searchsorted(cdf, 1 - 1e-5), cdf.size - 1)])
    if kept.size:
        a, b = np.percentile(kept, [0.1, 99.9])
        lo, hi = max(min(lo, float(a)), float(centres[0])), min(max(hi, float(b)), float(centres[-1]))
    return (lo, hi) if hi > lo else (float(centres[0]), float(centres[-1]))


def marginal_figure(positions: np.ndarray, m: int, coord: int, centres: np.ndarray, exact: np.ndarray,
                    labels: dict) -> go.Figure:
    """Histogram of the kept draws (all chains) with the exact grid marginal on top."""
    kept = diagnostics.after_burn_in(positions, m)[..., coord].ravel()
    kept = kept[np.isfinite(kept)]
    lo, hi = _marginal_range(centres, exact, kept)
    inside = (centres >= lo) & (centres <= hi)
    centres, exact = centres[inside], exact[inside]
    counts, edges = np.histogram(kept, bins=60, range=(lo, hi))
    width = edges[1] - edges[0]
    dens = counts / max(kept.size, 1) / width
    fig = go.Figure()
    fig.add_trace(go.Bar(x=(edges[:-1] + width / 2).astype(np.float32), y=dens.astype(np.float32), width=width,
                         marker_color=SAMPLES, opacity=0.75, name=labels["samples"]))
    fig.add_trace(go.Scatter(x=centres.astype(np.float32), y=exact.astype(np.float32), mode="lines",
                             line=dict(color=EXACT, width=2.5), name=labels["exact"]))
    fig.update_layout(showlegend=True, legend=dict(orientation="h", y=1.02, x=1, xanchor="right"))
    fig = _layout(fig, labels["title"], labels["axis"], labels["density"])
    fig.update_layout(showlegend=True)
    return fig


def running_mean_figure(values: np.ndarray, m: int, exact: float, labels: dict) -> go.Figure:
    """f_mn as n grows (pooled over chains), against the exact E_p[f]."""
    est = diagnostics.running_estimate(values, m)
    n = np.arange(m + 1, m + 1 + est.size)
    idx = _thin(est.size)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=n[idx], y=est[idx].astype(np.float32), mode="lines", line=dict(color=ESTIMATE, width=2),
                             name="f_mn"))
    fig.add_hline(y=exact, line_color=EXACT, line_dash="dash", line_width=2,
                  annotation_text=labels["exact"], annotation_position="bottom right")
    return _layout(fig, labels["title"], "n", labels["value"])
