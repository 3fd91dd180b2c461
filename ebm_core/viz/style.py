"""One palette and one Plotly template for every figure the app draws.

Okabe–Ito colours: they stay distinct for colour-blind students and on a washed-out projector.
Each colour has one role across the pages (the exact answer is always vermilion, a sample
histogram always sky blue), so a student who learned the code on one page reads the next.
The chain canvas (``ui/mcmc/canvas``) draws its chains in ``PALETTE``'s order too.
"""

from __future__ import annotations

import plotly.graph_objects as go

BLUE = "#0072B2"
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
VERMILION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#999999"
BLACK = "#000000"

#: Chains, basins, classes: the k-th series takes PALETTE[k % len(PALETTE)].
PALETTE = (ORANGE, SKY, GREEN, YELLOW, BLUE, VERMILION, PURPLE, GREY)
#: Roles shared by every page.
EXACT = VERMILION      # the exact answer (grid integral, enumeration, a marked current value)
SAMPLES = SKY          # histograms of draws
ESTIMATE = BLUE        # a running estimate or a curve being learned
DATA = BLUE            # training data
NEGATIVES = VERMILION  # MCMC negatives / model samples
ACCENT = GREEN         # a single curve of its own (an energy profile, a log-likelihood)
MARK = PURPLE          # annotations (barriers, saddles)
GUIDE = GREY           # reference lines

#: Layout every figure starts from: the palette as its colour cycle, readable fonts.
TEMPLATE = go.layout.Template(layout=go.Layout(
    colorway=list(PALETTE), font=dict(size=14), title=dict(font=dict(size=15)),
    hoverlabel=dict(font=dict(size=14)), margin=dict(l=50, r=10, t=40, b=40),
))


def colour(k: int) -> str:
    """The k-th series' colour."""
    return PALETTE[k % len(PALETTE)]


class Prebuilt(go.Figure):
    """A figure written as its finished plotly dict, for the charts redrawn on every slider move.

    Building a ``go.Figure`` trace by trace validates every property (~40 ms for a trace
    chart of four chains), and Streamlit's ``plotly_chart`` only ever asks for ``to_dict()``:
    this figure hands back the dict it was given (which must be valid plotly: the tests
    compare it with the same figure built the usual way).  ``full()`` is the ordinary,
    validated figure, for anything that wants to read or change the figure's parts.
    """

    def __init__(self, spec: dict):
        super().__init__()
        self._spec = spec

    def to_dict(self) -> dict:
        return {"data": [dict(t) for t in self._spec["data"]], "layout": dict(self._spec["layout"])}

    def to_plotly_json(self) -> dict:
        return self.to_dict()

    def full(self) -> go.Figure:
        return go.Figure(self.to_dict())
