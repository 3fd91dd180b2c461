"""Linked diagnostics in Altair: brush a window of steps on the traces, and the histograms and the
running estimate f_mn redraw for that window in the browser (Vega-Lite filter and window
transforms driven by one interval selection, ``BRUSH``), with no server run.

The browser gets the draws thinned to at most ``MAX_POINTS`` steps per chain (every k-th step), so
its histograms and f_mn are of the thinned draws; the server's numbers for the window (ESS, R-hat,
f_mn: ``ebm_core.mcmc.window``) use every draw.  With no brush, the window is the page's: the draws
after burn-in, m+1 … n.  The spec is deterministic (fixed names, no random ids): the same run gives
the same bytes, which Streamlit sends once per browser (its message cache), not on every brush.
"""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from ebm_core.viz.style import EXACT, ESTIMATE, GUIDE, PALETTE, SAMPLES

#: Steps per chain sent to the browser at most (issue 16: bytes per interaction stay small).
MAX_POINTS = 2000
#: The interval selection's name: the server reads the window under this name.
BRUSH = "window"
BINS = 40
WIDTH = 620


def stride(n: int, max_points: int = MAX_POINTS) -> int:
    """Every k-th of the n draws x_1 … x_n is sent, so that at most ``max_points`` are."""
    return max(1, math.ceil(n / max(int(max_points), 1)))


def draws_table(positions: np.ndarray, f_values: np.ndarray, max_points: int = MAX_POINTS) -> pd.DataFrame:
    """Long table step, chain, x, y, f of the thinned draws (steps k, 2k, …, and n), float32."""
    n, c = positions.shape[0] - 1, positions.shape[1]
    k = stride(n, max_points)
    steps = np.arange(k, n + 1, k)
    if steps.size == 0 or steps[-1] != n:
        steps = np.append(steps, n)  # the last draw is always there (the window can end at n)
    pos = positions[steps]  # (S, C, 2)
    return pd.DataFrame({
        "step": np.repeat(steps.astype(np.int32), c),
        "chain": np.tile(np.arange(1, c + 1, dtype=np.int16), steps.size),
        "x": pos[..., 0].astype(np.float32).ravel(),
        "y": pos[..., 1].astype(np.float32).ravel(),
        "f": np.asarray(f_values[steps], dtype=np.float32).ravel(),
    })


def brush_param(views: list[str]) -> dict:
    """One interval selection on the step axis, drawn on either trace view.  Written as Vega-Lite
    rather than ``add_params`` on both traces: Altair 6 then lists view names of its own, not all of
    which are views of the chart."""
    return {"name": BRUSH, "select": {"type": "interval", "encodings": ["x"]}, "views": list(views)}


def _unit_names(node, out: list[str]) -> list[str]:
    """Names of the unit views of a spec, in order (Altair suffixes the names it is given)."""
    if isinstance(node, dict):
        if "mark" in node and "name" in node:
            out.append(node["name"])
        for k in ("vconcat", "hconcat", "layer"):
            for child in node.get(k, []):
                _unit_names(child, out)
    return out


def window_filter(m: int) -> dict:
    """Vega-Lite filter: draws in the brushed window, or, with no brush, the draws after burn-in.

    ``{"param": BRUSH, "empty": e}`` is "in the window" for a drawn brush and e for none, so
    (empty-true and not empty-false) holds exactly when no brush is drawn."""
    inside = {"param": BRUSH, "empty": False}
    no_brush = {"and": [{"param": BRUSH, "empty": True}, {"not": inside}]}
    return {"or": [inside, {"and": [no_brush, {"field": "step", "gt": int(m)}]}]}


def histogram_range(centres: np.ndarray, exact: np.ndarray) -> tuple[float, float]:
    """Where the exact marginal has all but 1e-4 of its mass each side (fixed: the bins stay put while
    the window moves); draws beyond it count in the density but are not drawn."""
    cdf = np.cumsum(exact)
    if not (cdf.size and np.isfinite(cdf[-1]) and cdf[-1] > 0):
        return float(centres[0]), float(centres[-1])
    cdf = cdf / cdf[-1]
    lo = float(centres[min(np.searchsorted(cdf, 1e-4), cdf.size - 1)])
    hi = float(centres[min(np.searchsorted(cdf, 1 - 1e-4), cdf.size - 1)])
    return (lo, hi) if hi > lo else (float(centres[0]), float(centres[-1]))


def _trace(base: alt.Chart, coord: str, m: int, n: int, labels: dict) -> alt.LayerChart:
    x = alt.X("step:Q", title=labels["step"], scale=alt.Scale(domain=[0, n], nice=False))
    lines = base.mark_line(strokeWidth=1, clip=True).encode(
        x=x, y=alt.Y(f"{coord}:Q", title=coord, scale=alt.Scale(zero=False)),
        color=alt.Color("chain:N", scale=alt.Scale(range=list(PALETTE)), legend=None),
        detail="chain:N",
    ).properties(name=f"trace_{coord}")  # the brush's views (``brush_param``)
    layers = [lines]
    if m > 0:  # burn-in, greyed as on the canvas
        shade = alt.Chart(alt.Data(values=[{"a": 0, "b": int(m)}])).mark_rect(color=GUIDE, opacity=0.18).encode(
            x="a:Q", x2="b:Q")
        layers.insert(0, shade)
    return alt.layer(*layers).properties(width=WIDTH, height=110, title=labels[f"trace_{coord}"])


def _histogram(base: alt.Chart, coord: str, m: int, centres, exact, labels: dict) -> alt.LayerChart:
    lo, hi = histogram_range(centres, exact)
    w = (hi - lo) / BINS
    # Bins of width w from lo, written out (Vega's bin transform picks its own step near the one asked).
    bars = base.transform_filter(window_filter(m)).transform_calculate(
        b0=f"{lo!r} + {w!r} * floor((datum.{coord} - {lo!r}) / {w!r})").transform_calculate(
        b1=f"datum.b0 + {w!r}").transform_aggregate(count="count()", groupby=["b0", "b1"]).transform_joinaggregate(
        total="sum(count)").transform_calculate(
        density=f"datum.count / (datum.total * {w!r})").mark_bar(color=SAMPLES, opacity=0.75, clip=True).encode(
        x=alt.X("b0:Q", bin="binned", title=coord, scale=alt.Scale(domain=[lo, hi], nice=False)),
        x2="b1:Q", y=alt.Y("density:Q", title=labels["density"])).properties(name=f"hist_{coord}")
    curve = alt.Chart(alt.NamedData(f"p_{coord}")).mark_line(color=EXACT, strokeWidth=2).encode(
        x=f"{coord}:Q", y="p:Q")
    return alt.layer(bars, curve).properties(width=WIDTH // 2 - 30, height=170, title=labels[f"hist_{coord}"])


def _running_mean(base: alt.Chart, m: int, n: int, exact_f: float, labels: dict) -> alt.LayerChart:
    """f_mn over the window as its end grows: mean over chains per step, then the cumulative mean."""
    run = base.transform_filter(window_filter(m)).transform_aggregate(
        fbar="mean(f)", groupby=["step"]).transform_window(
        fsum="sum(fbar)", k="count()", sort=[alt.SortField("step")], frame=[None, 0]).transform_calculate(
        fmn="datum.fsum / datum.k").mark_line(color=ESTIMATE, strokeWidth=2).encode(
        x=alt.X("step:Q", title=labels["step"], scale=alt.Scale(domain=[0, n], nice=False)),
        y=alt.Y("fmn:Q", title=labels["fmn"], scale=alt.Scale(zero=False)))
    layers = [run]
    if math.isfinite(exact_f):
        layers.append(alt.Chart().mark_rule(color=EXACT, strokeDash=[6, 4], strokeWidth=2).encode(
            y=alt.datum(float(exact_f))))
    return alt.layer(*layers).properties(width=WIDTH, height=130, title=labels["fmn_title"])


def linked_spec(positions: np.ndarray, f_values: np.ndarray, m: int, marginals, exact_f: float, labels: dict,
                max_points: int = MAX_POINTS, validate: bool = False) -> dict:
    """The Vega-Lite spec (built with Altair): traces of x and y (brush a window on either), the
    window's histograms of x and y against the exact marginals ``marginals = ((xs, p_x), (ys, p_y))``,
    and f_mn over the window against the exact E_p[f].  Its ``datasets`` hold pandas tables
    ("draws": ``draws_table``, "p_x", "p_y": the marginals where the histograms are drawn); the rest
    is plain JSON.  ``labels``: step, density, fmn, fmn_title, trace_x, trace_y, hist_x, hist_y.
    ``validate``: check the spec against Vega-Lite's schema (the tests do; ~60 ms of the ~200)."""
    n = positions.shape[0] - 1
    base = alt.Chart(alt.NamedData("draws"))
    (xs, px), (ys, py) = marginals
    spec = alt.vconcat(
        _trace(base, "x", m, n, labels),
        _trace(base, "y", m, n, labels),
        alt.hconcat(_histogram(base, "x", m, xs, px, labels), _histogram(base, "y", m, ys, py, labels)),
        _running_mean(base, m, n, exact_f, labels),
    ).resolve_scale(color="independent").to_dict(validate=validate)
    spec["params"] = [brush_param([v for v in _unit_names(spec, []) if v.startswith("trace_")])]
    spec["datasets"] = {"draws": draws_table(positions, f_values, max_points),
                        "p_x": _marginal_table("x", xs, px), "p_y": _marginal_table("y", ys, py)}
    return spec


def _marginal_table(coord: str, centres, exact) -> pd.DataFrame:
    lo, hi = histogram_range(np.asarray(centres), np.asarray(exact))
    inside = (np.asarray(centres) >= lo) & (np.asarray(centres) <= hi)
    return pd.DataFrame({coord: np.asarray(centres)[inside].astype(np.float32),
                         "p": np.asarray(exact)[inside].astype(np.float32)})
