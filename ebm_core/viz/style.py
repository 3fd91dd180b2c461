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


# --- projector mode ------------------------------------------------------------------------
#: Traces whose ``line`` is a drawn curve and whose ``marker`` a dot: thickened on a projector.
_LINED = {"scatter", "scattergl", "scatter3d", "scatterpolar"}
_FONTED = ("title", "legend", "hoverlabel")


def _font(d: dict | None, size: float) -> dict:
    """``d`` (a dict holding ``font``) with its font at least ``size``; ``d`` is left as it was."""
    d = dict(d or {})
    f = dict(d.get("font") or {})
    f["size"] = max(size, float(f.get("size") or 0))
    d["font"] = f
    return d


def _axis(ax: dict | None, size: float) -> dict:
    ax = dict(ax or {})
    if ax.get("type") == "log" and ax.get("tickvals") is None:
        size = size / 0.75  # (Plotly writes a log axis's 2, 5 between the decades at 3/4 of the size)
    ax["tickfont"] = {**(ax.get("tickfont") or {}), "size": max(size, float((ax.get("tickfont") or {}).get("size") or 0))}
    title = ax.get("title")
    ax["title"] = _font({"text": title} if isinstance(title, str) else title, size)
    ax["automargin"] = True  # (larger tick labels need the room)
    return ax


def _colorbar(cb: dict | None, size: float) -> dict:
    cb = dict(cb or {})
    cb["tickfont"] = {**(cb.get("tickfont") or {}), "size": max(size, float((cb.get("tickfont") or {}).get("size") or 0))}
    title = cb.get("title")
    cb["title"] = _font({"text": title} if isinstance(title, str) else title, size)
    return cb


def for_projector(spec: dict, min_font: float = 18.0, thicken: float = 1.6) -> dict:
    """A new plotly dict of ``spec`` (``fig.to_dict()``) for presentation mode: every text Plotly
    draws (title, axis ticks and titles, legend, colour bars, annotations, 3D scenes) at least
    ``min_font`` px, lines ``thicken`` times wider, markers ~√thicken larger.

    ``spec`` is never changed (figures are shared by every session through the caches): only the
    parts edited are copied, the data arrays are shared.  Sizes are written explicitly, since
    Streamlit's own Plotly theme sets tick and axis-title sizes that a layout font alone would not
    override."""
    layout = dict(spec.get("layout") or {})
    layout["font"] = {**(layout.get("font") or {}), "size": max(min_font, float((layout.get("font") or {}).get("size") or 0))}
    for k in _FONTED:
        title = layout.get(k)
        layout[k] = _font({"text": title} if isinstance(title, str) else title,
                          min_font + 2 if k == "title" else min_font)
    legend_title = layout["legend"].get("title")
    if legend_title:  # (Plotly draws a legend's own title at 7/8 of the legend's font otherwise)
        layout["legend"]["title"] = _font({"text": legend_title} if isinstance(legend_title, str) else legend_title,
                                          min_font)
    data = []
    axes = {"xaxis", "yaxis"}
    for tr in spec.get("data") or []:
        tr = dict(tr)
        kind = tr.get("type", "scatter")
        axes.add("xaxis" + str(tr.get("xaxis", "x"))[1:])
        axes.add("yaxis" + str(tr.get("yaxis", "y"))[1:])
        if kind in _LINED:
            line = dict(tr.get("line") or {})
            line["width"] = float(line.get("width", 2)) * thicken
            tr["line"] = line
            mk = dict(tr.get("marker") or {})
            if not isinstance(mk.get("size"), (list, tuple)) and not hasattr(mk.get("size"), "shape"):
                mk["size"] = float(mk.get("size") or 6) * thicken ** 0.5
            tr["marker"] = mk
        if kind in ("heatmap", "contour", "surface", "histogram2d", "histogram2dcontour") or "colorbar" in tr \
                or (isinstance(tr.get("marker"), dict) and "colorbar" in tr["marker"]):
            if isinstance(tr.get("marker"), dict) and "colorbar" in tr["marker"]:
                tr["marker"] = {**tr["marker"], "colorbar": _colorbar(tr["marker"]["colorbar"], min_font)}
            else:
                tr["colorbar"] = _colorbar(tr.get("colorbar"), min_font)
        if isinstance(tr.get("textfont"), dict) or kind in _LINED and "text" in str(tr.get("mode", "")):
            tr["textfont"] = {**(tr.get("textfont") or {}),
                              "size": max(min_font, float((tr.get("textfont") or {}).get("size") or 0))}
        data.append(tr)
    for k in list(layout):  # every axis the layout names (xaxis2, yaxis3 ...) and every trace uses
        if k[:5] in ("xaxis", "yaxis") and k[5:].isdigit():
            axes.add(k)
    for k in axes:
        layout[k] = _axis(layout.get(k), min_font)
    for k in [k for k in layout if k.startswith("scene")]:
        scene = dict(layout[k] or {})
        for a in ("xaxis", "yaxis", "zaxis"):
            scene[a] = _axis(scene.get(a), min_font)
            scene[a].pop("automargin", None)  # (not a 3D axis property)
        layout[k] = scene
    if isinstance(layout.get("coloraxis"), dict):
        layout["coloraxis"] = {**layout["coloraxis"], "colorbar": _colorbar(layout["coloraxis"].get("colorbar"), min_font)}
    if layout.get("annotations"):
        layout["annotations"] = [_font(a, min_font) for a in layout["annotations"]]
    return {"data": data, "layout": layout}
