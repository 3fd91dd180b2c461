"""Plotly figure of a step-size adaptation (``ebm_core.mcmc.tuning``): the step tried at each
burn-in step and its running average ε̄ (log scale), and the acceptance against the target.
Pure function (labels arrive translated); arrays go out as float32; fixed height, ``uirevision``.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ebm_core.viz.style import BLUE, EXACT, GUIDE, ORANGE, TEMPLATE

HEIGHT = 420


def _f32(a) -> np.ndarray:
    return np.asarray(a, dtype=np.float32)


def running_mean(a: np.ndarray, window: int = 50) -> np.ndarray:
    """Mean of the last ``window`` values at each t (fewer at the start)."""
    c = np.cumsum(np.concatenate([[0.0], np.asarray(a, dtype=np.float64)]))
    t = np.arange(1, len(a) + 1)
    lo = np.maximum(0, t - window)
    return (c[t] - c[lo]) / (t - lo)


def step_history_figure(tried: np.ndarray, bar: np.ndarray, accept: np.ndarray, target: float, frozen: float,
                        labels: dict, height: int = HEIGHT) -> go.Figure:
    """Top: ε_t (thin) and ε̄_t (thick), log y, the frozen ε̄_m dashed.  Bottom: the acceptance
    probability's running mean over 50 steps, the target δ dashed."""
    t = np.arange(1, len(tried) + 1)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.6, 0.4], vertical_spacing=0.08)
    fig.add_trace(go.Scatter(x=t, y=_f32(tried), mode="lines", name=labels["tried"],
                             line=dict(color=GUIDE, width=1)), 1, 1)
    fig.add_trace(go.Scatter(x=t, y=_f32(bar), mode="lines", name=labels["bar"],
                             line=dict(color=ORANGE, width=2.5)), 1, 1)
    fig.add_hline(y=float(frozen), line=dict(color=EXACT, dash="dash", width=1), row=1, col=1)
    fig.add_trace(go.Scatter(x=t, y=_f32(running_mean(accept)), mode="lines", name=labels["accept"],
                             line=dict(color=BLUE, width=1.5)), 2, 1)
    fig.add_hline(y=float(target), line=dict(color=EXACT, dash="dash", width=1), row=2, col=1)
    fig.update_yaxes(type="log", title_text=labels["step_axis"], row=1, col=1)
    fig.update_yaxes(range=[0, 1], title_text=labels["accept_axis"], row=2, col=1)
    fig.update_xaxes(title_text=labels["t_axis"], row=2, col=1)
    fig.update_layout(template=TEMPLATE, title=dict(text=labels["title"], font=dict(size=15)), height=height,
                      margin=dict(l=60, r=10, t=40, b=40), uirevision="autotune", font=dict(size=13),
                      legend=dict(orientation="h", y=-0.18))
    return fig
