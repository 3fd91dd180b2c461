"""The MCMC page's linked-diagnostics panel through Streamlit's AppTest: closed, it builds nothing;
open (from the link), it shows the Altair chart with its brush and the window's numbers, in both
languages; a brush (the selection state the browser sends) gives the engine's numbers for that
window, and a crafted state (outside the run, not numbers, no numbers at all) never breaks the page.

AppTest has no API for a chart's selection: ``_select`` sends the state as the browser does (a
string widget value under the chart's id) through AppTest's own run method."""

from __future__ import annotations

import json
import math

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetStates

from apppages import assert_ok, open_page

from ebm_core.mcmc import window as W
from ebm_core.viz import linked
from ui.mcmc import controls as M
from ui.mcmc import runs as R

QUERY = {"mcmc_window": "true", "steps": "1000", "m": "100"}


def _chart(at):
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    return charts[0]


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label))


def _select(at, state: str):
    """Rerun with the chart's selection state ``state`` (a JSON string, as the browser sends it)."""
    ws = WidgetStates()
    ws.CopyFrom(at._tree.get_widget_states())
    w = ws.widgets.add()
    w.id = _chart(at).proto.id
    w.string_value = state
    at._run(ws)
    return assert_ok(at)


def _trace():
    """The page's run for QUERY (the defaults otherwise), as the page computed it (the shared cache)."""
    d = {k: s.default for k, s in M.SPECS.items()}
    return R.run(d["target"], M.DEFAULT_FORMULA, d["sampler"], M.STEP_SPECS["mh"].default, d["T"], d["L"],
                 d["chains"], int(QUERY["steps"]), d["seed"], d["starts"], (), M.CUSTOM_HALF)


@pytest.fixture(scope="module")
def page():
    return open_page("mcmc", QUERY)


def test_closed_panel_builds_nothing():
    at = open_page("mcmc", {"steps": "1000"})
    assert "Diagnostics of a window of steps (brush the trace)" in [e.label for e in at.expander]
    assert not at.get("vega_lite_chart")
    assert not [m for m in at.metric if m.label == "Window"]


def test_open_panel_shows_the_brush_and_the_pages_numbers(page):
    spec = json.loads(_chart(page).proto.spec)
    assert spec["params"][0]["name"] == linked.BRUSH and spec["params"][0]["select"]["type"] == "interval"
    assert {d.name for d in _chart(page).proto.datasets} == {"draws", "p_x", "p_y"}
    assert _metric(page, "Window") == "steps 101 … 1,000"  # no brush: after burn-in, as beside the picture
    # The window's ESS and R-hat are the page's own (the first of each label is the page's).
    assert [m.value for m in page.metric if m.label.startswith("R-hat")] == [_metric(page, "R-hat")] * 2
    assert [m.value for m in page.metric if m.label.startswith("ESS (bulk)")] == [_metric(page, "ESS (bulk)")] * 2
    assert any("every step (1,000 per chain)" in c.value for c in page.caption)


def test_a_brush_gives_the_engines_numbers_for_that_window(page):
    _select(page, json.dumps({"selection": {linked.BRUSH: {"step": [12.3, 80.9]}}}))
    assert _metric(page, "Window") == "steps 13 … 80"
    assert not page.warning
    rh = [m.value for m in page.metric if m.label.startswith("R-hat")]
    # The numbers are the engine's on draws 13 … 80 of the run the page drew.
    trace = _trace()
    fv = trace.positions[..., 0]
    nums = W.numbers(trace.positions, trace.accepted, fv, 13, 80)
    assert rh[1] == " / ".join(f"{v:.3f}" for v in nums.rhat)
    assert _metric(page, "f_mn in the window") == f"{nums.f_mn:.4f}"


@pytest.mark.parametrize("state, note", [
    ({"step": [-1e9, 1e12]}, "cut to the run"),  # outside the run: cut to 1 … n
    ({"step": [5000, 6000]}, None),  # wholly past the end: no draw in it
    ({"step": ["a", "b"]}, "not understood"),
    ({"step": [1]}, "not understood"),
    ({"step": [True, 40]}, "not understood"),
    ({"step": "40"}, "not understood"),
    ({"other": [1, 2]}, "not understood"),
    ("x", "not understood"),
    ([1, 2], "not understood"),
])
def test_crafted_selections_never_break_the_page(page, state, note):
    _select(page, json.dumps({"selection": {linked.BRUSH: state}}))
    warnings = " ".join(w.value for w in page.warning)
    if note:
        assert note in warnings
    if state == {"step": [5000, 6000]}:
        assert any("ESS and R-hat need at least 4" in c.value for c in page.caption)
        assert _metric(page, "f_mn in the window") == "–"
    assert page.get("vega_lite_chart")


@pytest.mark.parametrize("raw", ['{"selection": {}}', "{}", json.dumps({"selection": {linked.BRUSH: {}}}),
                                 json.dumps({"selection": {linked.BRUSH: {"step": [float("nan"), 3]}}}),
                                 json.dumps({"selection": {linked.BRUSH: {"step": [float("inf"), 3]}}})])
def test_empty_or_non_finite_states_give_the_default_window(page, raw):
    _select(page, raw)
    assert page.get("vega_lite_chart")
    assert _metric(page, "Window") == "steps 101 … 1,000"


def test_a_new_burn_in_redraws_the_chart_without_the_old_brush():
    """The redrawn chart has no brush in the browser: the numbers go back to the default window too."""
    at = open_page("mcmc", QUERY)
    _select(at, json.dumps({"selection": {linked.BRUSH: {"step": [12.3, 80.9]}}}))
    assert _metric(at, "Window") == "steps 13 … 80"
    next(s for s in at.slider if s.label == "Burn-in m").set_value(200).run()
    assert_ok(at)
    assert _metric(at, "Window") == "steps 201 … 1,000"


def test_panel_in_chinese():
    at = open_page("mcmc", {**QUERY, "lang": "zh"})
    assert "某一段步数的诊断（在轨迹图上框选）" in [e.label for e in at.expander]
    assert _metric(at, "窗口") == "第 101 … 1,000 步"
    spec = json.loads(_chart(at).proto.spec)
    assert "x 的轨迹（拖动以选择窗口）" in json.dumps(spec, ensure_ascii=False)
    assert math.isfinite(float(_metric(at, "窗口内的 f_mn").replace(",", "")))
