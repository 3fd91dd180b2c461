"""Figures written as plotly dicts (ebm_core.viz.style.Prebuilt) draw what the plotly API builds."""

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from plotly.tools import return_figure_from_figure_or_data

from ebm_core.viz import mcmc as fig
from ebm_core.viz.style import colour

LABELS = {"title": "Trace of x", "step": "step i", "value": "x", "burn_in": "burn-in"}


def _trace_figure_the_usual_way(positions, m, coord, labels):
    n = positions.shape[0]
    every = -(-n // fig.MAX_POINTS)
    f = go.Figure()
    for c in range(positions.shape[1]):
        f.add_trace(go.Scatter(x0=0, dx=every, y=positions[::every, c, coord].astype(np.float32), mode="lines",
                               line=dict(width=1.2, color=colour(c)), name=f"{c + 1}"))
    if m > 0:
        f.add_vrect(x0=0, x1=m, fillcolor="grey", opacity=0.18, line_width=0, annotation_text=labels["burn_in"],
                    annotation_position="top left")
    return fig._layout(f, labels["title"], labels["step"], labels["value"])


@pytest.mark.parametrize("m, coord, shape", [(0, 0, (2001, 4, 2)), (200, 1, (2001, 4, 2)), (10, 0, (51, 16, 2))])
def test_the_trace_figure_is_the_figure_the_plotly_api_builds(m, coord, shape):
    positions = np.random.default_rng(m).normal(size=shape)
    usual = json.loads(pio.to_json(_trace_figure_the_usual_way(positions, m, coord, LABELS)))
    quick = fig.trace_figure(positions, m, coord, LABELS)
    # what Streamlit's st.plotly_chart sends (it calls to_dict, then to_json without validation)
    sent = json.loads(pio.to_json(return_figure_from_figure_or_data(quick, validate_figure=True), validate=False))
    assert sent == usual
    assert json.loads(pio.to_json(quick.full())) == usual  # and it is valid plotly
    assert len(usual["data"]) == shape[1] and ("shapes" in usual["layout"]) == (m > 0)
