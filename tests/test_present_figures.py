"""Presentation mode's charts (issue 13 §3): ``ebm_core.viz.style.for_projector`` on the app's own
figures, and ``ui.kit.present`` handing a presenting session (only) its projector copy."""

from __future__ import annotations

import copy
import json

import numpy as np
import plotly.graph_objects as go
import pytest

from ebm_core.viz import landscape as LV
from ebm_core.viz import mcmc as MV
from ebm_core.viz.style import for_projector

MIN = 18.0


def _figures() -> dict:
    rng = np.random.default_rng(0)
    pos = rng.normal(size=(300, 3, 2))
    xs = ys = np.linspace(-3, 3, 21)
    z = np.exp(-(xs[None, :] ** 2 + ys[:, None] ** 2))
    lab = {"title": "t", "step": "i", "value": "x", "burn_in": "burn-in", "lag": "lag", "z": "p"}
    return {
        "trace (Prebuilt, annotation)": MV.trace_figure(pos, 50, 0, lab),
        "acf": MV.acf_figure(pos, 50, 0, lab),
        "surface (3D scene)": LV.surface_figure(xs, ys, z, lab, np.array([[0.0, 0.0]]), np.array([1.0])),
        "log Z (log axis)": LV.log_z_figure(np.geomspace(0.1, 10, 20), np.linspace(0, 3, 20), 1.0, 1.5, 3.5,
                                            {"title": "log Z", "limit": "limit"}),
    }


def _fonts(fig: go.Figure) -> list[tuple[str, float | None]]:
    """Every font size the figure sets for a text it shows (None: left to Plotly's default)."""
    L, keys = fig.layout, list(fig.to_dict()["layout"])  # (iterating L itself lists every property)
    out = [("font", L.font.size), ("title", L.title.font.size)]
    axes = [(k, L[k]) for k in keys if k.startswith(("xaxis", "yaxis"))]
    for s in [k for k in keys if k.startswith("scene")]:
        axes += [(f"{s}.{a}", L[s][a]) for a in ("xaxis", "yaxis", "zaxis")]
    for name, ax in axes:
        out += [(name + " ticks", ax.tickfont.size), (name + " title", ax.title.font.size)]
    out += [("annotation", a.font.size) for a in L.annotations]
    for tr in fig.data:
        if "colorbar" in tr:
            out += [(tr.type + " colour bar", tr.colorbar.tickfont.size)]
    return out


@pytest.mark.parametrize("name", list(_figures()))
def test_every_text_at_least_18_px_and_the_figure_unchanged(name):
    fig = _figures()[name]
    spec = fig.to_dict()
    before = copy.deepcopy(spec)
    out = for_projector(spec, MIN)
    assert json.dumps(spec, sort_keys=True, default=str) == json.dumps(before, sort_keys=True, default=str)
    shown = go.Figure(out)  # valid plotly
    small = [(w, s) for w, s in _fonts(shown) if s is None or s < MIN]
    assert not small, small
    # the normal figure does have text under 18 px (the test can fail)
    assert any(s is None or s < MIN for _, s in _fonts(go.Figure(before)))
    for a, b in zip(before["data"], shown.data):
        if a.get("type", "scatter") == "scatter" and "lines" in a.get("mode", "lines"):
            assert b.line.width == pytest.approx(1.6 * (a.get("line", {}).get("width") or 2))


def test_a_log_axis_gets_room_for_its_minor_labels():
    out = go.Figure(for_projector(_figures()["log Z (log axis)"].to_dict(), MIN))
    assert out.layout.xaxis.type == "log" and out.layout.xaxis.tickfont.size * 0.75 >= MIN


def test_data_arrays_are_shared_not_copied():
    fig = _figures()["trace (Prebuilt, annotation)"]
    spec = fig.to_dict()
    out = for_projector(spec, MIN)
    assert all(a["y"] is b["y"] for a, b in zip(spec["data"], out["data"]))


APP = """
import plotly.graph_objects as go
import streamlit as st
from ui.kit.present import dev_caption, install_plotly
from ebm_core.viz.style import Prebuilt
install_plotly()
st.session_state.setdefault("present", False)
fig = st.session_state.setdefault("fig", Prebuilt(go.Figure(go.Scatter(y=[1, 3, 2]), layout={"font": {"size": 12}, "height": 420}).to_dict()))
st.plotly_chart(fig, key="main")
st.columns(2)[1].plotly_chart(fig, key="col")
dev_caption("took 1.0 s")
"""


def test_only_a_presenting_session_gets_the_projector_copy():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(APP).run()
    sizes = lambda: [json.loads(c.proto.spec)["layout"]["font"]["size"] for c in at.get("plotly_chart")]  # noqa: E731
    assert sizes() == [12, 12] and len(at.caption) == 1
    cached = copy.deepcopy(at.session_state["fig"].to_dict())
    at.session_state["present"] = True
    at.run()
    assert sizes() == [MIN, MIN] and len(at.caption) == 0
    assert at.session_state["fig"].to_dict() == cached  # (the shared figure itself is untouched)
    at.session_state["present"] = False
    at.run()
    assert sizes() == [12, 12]
    # every session's camera button: the PNG drawn 960 CSS px wide at 2x (1,920 px), the figure's own height
    for c in at.get("plotly_chart"):
        assert json.loads(c.proto.config)["toImageButtonOptions"] == {"format": "png", "width": 960, "height": 420,
                                                                      "scale": 2}


def test_a_legend_title_is_at_least_the_minimum_too():
    """Plotly draws a legend's title at 7/8 of the legend's font: seen at 15.75 px on the
    landscape's temperature sweep in a 1280×720 browser."""
    from ebm_core.viz.style import for_projector

    for title in ("basin", {"text": "basin"}, {"text": "basin", "font": {"size": 10}}):
        spec = {"data": [{"type": "bar", "x": [1], "y": [2]}], "layout": {"legend": {"title": title}}}
        out = for_projector(spec, 18.0)
        assert out["layout"]["legend"]["title"] == {"text": "basin", "font": {"size": 18.0}}
    assert "title" not in for_projector({"data": [], "layout": {}}, 18.0)["layout"]["legend"]
