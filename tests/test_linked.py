"""Linked diagnostics (issue 14 §6): a window of steps a … b, its numbers from the engine on the
sliced draws, and the Altair spec whose interval selection drives the histograms and f_mn in the
browser.  The spec's filter is evaluated here with the predicate rules of Vega-Lite (param with
"empty", and / or / not, field comparison), so what the browser keeps is checked against the slice."""

from __future__ import annotations

import json
import math

import altair as alt
import numpy as np
import pytest
from arviz_stats.base import array_stats

from ebm_core.landscapes import grid
from ebm_core.landscapes.energies import REGISTRY
from ebm_core.mcmc import diagnostics
from ebm_core.mcmc import window as W
from ebm_core.mcmc.samplers import make_sampler, run_chains, spread_starts
from ebm_core.viz import linked

LABELS = {k: k for k in ("step", "density", "fmn", "fmn_title", "trace_x", "trace_y", "hist_x", "hist_y")}


@pytest.fixture(scope="module")
def run():
    """4 MH chains × 600 steps on the three-mode mixture, started spread out (they have not met at first)."""
    e = REGISTRY["mixture"]
    return e, run_chains(make_sampler("mh", e, 0.8, 1.0), spread_starts(e, 4, seed=3), 600, seed=3)


def test_bounds_round_inwards_and_stay_in_the_run():
    assert W.bounds(10.2, 20.7, 100) == (11, 20)
    assert W.bounds(20.7, 10.2, 100) == (11, 20)  # a brush drawn right to left
    assert W.bounds(-1e9, 1e12, 100) == (1, 100)  # x_0 is the start, not a draw
    assert W.bounds(7.0, 7.0, 100) == (7, 7)
    a, b = W.bounds(3.2, 3.8, 100)
    assert a > b  # between two steps: no draw
    a, b = W.bounds(150, 300, 100)
    assert a > b
    assert W.default_bounds(100, 20) == (21, 100)
    assert W.default_bounds(100, 500) == (100, 100)
    for bad in (math.nan, math.inf, -math.inf):
        with pytest.raises(ValueError):
            W.bounds(bad, 5, 100)


def test_window_is_draws_a_to_b():
    """x_i = i on every chain: f = x averages to (a + b)/2 exactly, acceptance counts moves a … b."""
    n, c = 50, 3
    pos = np.repeat(np.arange(n + 1, dtype=float)[:, None, None], c, axis=1).repeat(2, axis=2)
    acc = np.zeros((n, c), bool)
    acc[9] = True  # the move that made x_10
    nums = W.numbers(pos, acc, pos[..., 0], 10, 19)
    assert (nums.a, nums.b, nums.draws) == (10, 19, 10)
    assert nums.f_mn == pytest.approx(14.5)
    assert nums.acceptance == pytest.approx(0.1)
    empty = W.numbers(pos, acc, pos[..., 0], 20, 19)
    assert empty.draws == 0 and math.isnan(empty.f_mn) and all(math.isnan(v) for v in empty.rhat)


def test_window_numbers_equal_the_engine_on_the_slice(run):
    e, tr = run
    fv = tr.positions[..., 0] ** 2
    for a, b in ((1, 60), (137, 412), (451, 600)):
        nums = W.numbers(tr.positions, tr.accepted, fv, a, b)
        kept = tr.positions[a:b + 1]
        for j in range(2):
            draws = np.ascontiguousarray(kept[..., j].T)  # (chains, draws), as arviz-stats reads them
            assert nums.ess_bulk[j] == pytest.approx(array_stats.ess(draws, chain_axis=0, draw_axis=1, method="bulk"))
            assert nums.rhat[j] == pytest.approx(array_stats.rhat(draws, chain_axis=0, draw_axis=1, method="rank"))
        assert nums.f_mn == pytest.approx(float(fv[a:b + 1].mean()))
        assert nums.acceptance == pytest.approx(float(tr.accepted[a - 1:b].mean()))
    # No window: exactly the page's numbers after burn-in m.
    m = 100
    s = diagnostics.summarise(tr.positions, tr.accepted, m)
    d = W.numbers(tr.positions, tr.accepted, fv, *W.default_bounds(tr.n_steps, m))
    assert d.ess_bulk == s.ess_bulk and d.rhat == s.rhat and d.acceptance == s.acceptance
    assert d.f_mn == pytest.approx(diagnostics.running_estimate(fv, m)[-1])


def test_first_steps_have_not_mixed_and_a_late_window_matches_the_truth():
    """On the Gaussian, E[x²] over a late window is within 4 MCSE of the grid's; on the mixture, the
    first 40 steps of spread-out chains give R-hat far above 1."""
    e = REGISTRY["gaussian"]
    tr = run_chains(make_sampler("mh", e, 1.0, 1.0), spread_starts(e, 8, seed=1), 3000, seed=1)
    exact = grid.integrate(e, 1.0, n=400).expectation(lambda x, y: x ** 2)
    fv = tr.positions[..., 0] ** 2
    nums = W.numbers(tr.positions, tr.accepted, fv, 1001, 3000)
    se = diagnostics.mc_standard_error(fv[1001:3001])
    assert abs(nums.f_mn - exact) < 4 * se
    mix = REGISTRY["mixture"]
    tm = run_chains(make_sampler("mh", mix, 0.3, 0.3), spread_starts(mix, 4, seed=2), 200, seed=2)
    early = W.numbers(tm.positions, tm.accepted, tm.positions[..., 0], 1, 40)
    assert max(early.rhat) > 1.2


# --- the spec -------------------------------------------------------------------------------------

def _spec(tr, m, max_points=linked.MAX_POINTS):
    xs = np.linspace(-5, 5, 201)
    p = np.exp(-xs ** 2 / 2) / math.sqrt(2 * math.pi)
    # validate: Altair checks the spec against Vega-Lite's JSON schema
    return linked.linked_spec(tr.positions, tr.positions[..., 0], m, ((xs, p), (xs, p)), 0.5, LABELS, max_points,
                              validate=True)


def _views(node, out):
    """Every unit view (a dict with a mark) of a composed spec."""
    if isinstance(node, dict):
        if "mark" in node:
            out.append(node)
        for k in ("vconcat", "hconcat", "layer"):
            for child in node.get(k, []):
                _views(child, out)
    return out


def _holds(pred, row, brush):
    """Vega-Lite's predicate on one row; ``brush`` (lo, hi) on step, or None when none is drawn."""
    if "or" in pred:
        return any(_holds(p, row, brush) for p in pred["or"])
    if "and" in pred:
        return all(_holds(p, row, brush) for p in pred["and"])
    if "not" in pred:
        return not _holds(pred["not"], row, brush)
    if "param" in pred:
        assert pred["param"] == linked.BRUSH
        if brush is None:
            return pred.get("empty", True)
        return brush[0] <= row["step"] <= brush[1]
    if "gt" in pred:
        return row[pred["field"]] > pred["gt"]
    raise AssertionError(f"predicate not understood: {pred}")


def test_spec_brush_and_filters(run):
    e, tr = run
    m = 100
    spec = _spec(tr, m)
    # The whole spec, the brush written in by hand included, is valid Vega-Lite (Altair's schema check).
    alt.VConcatChart.from_dict({k: v for k, v in spec.items() if k != "datasets"}, validate=True)
    params = spec["params"]
    assert len(params) == 1 and params[0]["name"] == linked.BRUSH
    assert params[0]["select"]["type"] == "interval" and params[0]["select"]["encodings"] == ["x"]
    names = sorted(params[0]["views"])  # brush on either trace (Altair numbers the views it names)
    assert len(names) == 2 and names[0].startswith("trace_x") and names[1].startswith("trace_y")
    views = _views(spec, [])
    on_draws = [v for v in views if v.get("data", {}).get("name") == "draws"]
    traces = [v for v in on_draws if v.get("name") in names]
    derived = [v for v in on_draws if v not in traces]
    assert len(traces) == 2 and all(v["encoding"]["x"]["field"] == "step" for v in traces)
    assert len(derived) == 3  # two histograms and f_mn, all filtered by the window
    table = spec["datasets"]["draws"]
    rows = table.to_dict("records")
    for v in derived:
        pred = v["transform"][0]["filter"]
        assert json.dumps(pred).count(f'"param": "{linked.BRUSH}"') >= 2
        kept = sorted({r["step"] for r in rows if _holds(pred, r, None)})
        assert kept == list(range(m + 1, tr.n_steps + 1))  # no brush: the draws after burn-in
        kept = sorted({r["step"] for r in rows if _holds(pred, r, (137.4, 412.6))})
        assert kept == list(range(138, 413))  # a brush: the draws in it (every step is sent: n ≤ 2,000)
    hist = next(v for v in derived if v.get("name", "").startswith("hist_x"))
    # Fixed bins of one width from the range's left end (they stay put as the window moves).
    assert hist["transform"][1]["as"] == "b0" and "floor((datum.x - " in hist["transform"][1]["calculate"]
    fmn = next(v for v in derived if any("window" in t for t in v["transform"]))
    ops = fmn["transform"][1:]
    assert ops[0]["aggregate"][0]["op"] == "mean" and ops[0]["groupby"] == ["step"]
    assert ops[1]["frame"] == [None, 0] and [w["op"] for w in ops[1]["window"]] == ["sum", "count"]
    # That pipeline, run here on the kept rows, ends at the engine's f_mn of the window.
    sel = [r for r in rows if _holds(fmn["transform"][0]["filter"], r, (137.4, 412.6))]
    per_step = {}
    for r in sel:
        per_step.setdefault(r["step"], []).append(r["f"])
    fbar = [np.mean(per_step[s]) for s in sorted(per_step)]
    assert np.cumsum(fbar)[-1] / len(fbar) == pytest.approx(
        W.numbers(tr.positions, tr.accepted, tr.positions[..., 0], 138, 412).f_mn, rel=1e-5)


def test_data_sent_is_thinned_and_the_spec_is_the_same_bytes():
    class Run:  # a random walk of 5,000 steps stands in for a run (only the shapes matter here)
        positions = np.random.default_rng(0).normal(size=(5001, 3, 2)).cumsum(axis=0)
    tr = Run()
    spec = _spec(tr, 50)
    t = spec["datasets"]["draws"]
    steps = np.unique(t["step"])
    assert steps.size <= linked.MAX_POINTS and steps[0] >= 1 and steps[-1] == 5000
    assert linked.stride(5000) == 3 and np.all(np.diff(steps)[:-1] == 3)
    assert len(t) == steps.size * 3 and t["x"].dtype == np.float32 and t["f"].dtype == np.float32
    assert linked.stride(2000) == 1 and linked.stride(2001) == 2
    # Deterministic: Streamlit's message cache sends a chart once per browser when its bytes repeat.
    again = _spec(tr, 50)
    strip = lambda s: json.dumps({k: v for k, v in s.items() if k != "datasets"}, sort_keys=True)  # noqa: E731
    assert strip(spec) == strip(again) and spec["datasets"]["draws"].equals(again["datasets"]["draws"])
