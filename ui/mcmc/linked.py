"""The MCMC page's linked-diagnostics panel: brush a window of steps on the traces; the histograms and
f_mn redraw in the browser (Altair selections: ``ebm_core.viz.linked``), and the server adds the
window's ESS, R-hat and f_mn on every draw (``ebm_core.mcmc.window``).

Costs (issue 16, a class on one server): nothing until the expander is opened; then the chart is built
once per run, burn-in, f and language for everyone (``ui.mcmc.numbers.NUMBERS``) and, being the same
bytes, sent once per browser (Streamlit's message cache); a brush reruns this fragment only, whose
work is the window's ESS and R-hat (cached per window too).
"""

from __future__ import annotations

import copy
import hashlib
import math
import time

import streamlit as st
from streamlit.dataframe_util import convert_anything_to_arrow_bytes

from ebm_core.mcmc import window as W
from ebm_core.viz import linked as fig

from ui.kit.i18n import lang, t
from ui.kit.params import plain
from ui.kit.tabs import url_expander
from ui.mcmc.numbers import NUMBERS

CHART_KEY = "mcmc_window_chart"


def window_of(selection, n: int, m: int) -> tuple[int, int, str | None]:
    """(a, b, note) from the browser's selection state ``{BRUSH: {"step": [lo, hi]}}``: the brushed
    draws, cut to the run 1 … n; no brush: the draws after burn-in.  The state comes from the browser,
    so anything else (a crafted message) gives the default window and a note, never an exception."""
    default = W.default_bounds(n, m)
    try:
        brush = selection.get(fig.BRUSH) if selection is not None else None
    except AttributeError:
        return (*default, t("lw_bad", what=plain(type(selection).__name__)))
    if not brush:  # no brush drawn (or cleared)
        return (*default, None)
    try:
        lo, hi = brush["step"]
        lo, hi = _number(lo), _number(hi)
        a, b = W.bounds(lo, hi, n)
    except (TypeError, ValueError, KeyError) as e:
        return (*default, t("lw_bad", what=plain(str(e) or type(e).__name__, 40)))
    if min(lo, hi) < 1 or max(lo, hi) > n:
        return a, b, t("lw_clamped", n=n)
    return a, b, None


def _number(v) -> float:
    """A JSON number as float (not a bool or a string, which float() would take)."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise TypeError(f"not a number: {v!r}"[:40])
    v = float(v)
    if not math.isfinite(v):
        raise ValueError("not finite")
    return v


def _chart(key: tuple, trace, m: int, f_key: str, fv, truth, exact_f: float) -> tuple[dict, dict]:
    """(spec without its data, {dataset name: Arrow bytes}), built once per run, burn-in, f and
    language for every session: a brush then costs no chart building nor serialising (~250 ms)."""
    labels = {"step": t("step"), "density": t("density"), "fmn": f"f_mn, f = {f_key}",
              "fmn_title": t("lw_fmn_title"), **{f"{p}_{c}": t(f"lw_{p}_{c}") for p in ("trace", "hist")
                                                   for c in ("x", "y")}}

    def build():
        spec = fig.linked_spec(trace.positions, fv, m, ((truth.xs, truth.marginal_x), (truth.ys, truth.marginal_y)),
                               exact_f, labels)
        data = {name: convert_anything_to_arrow_bytes(df) for name, df in spec.pop("datasets").items()}
        return spec, data
    return NUMBERS.get_or_compute(_chart_id(key, trace, m, f_key), build)


def _chart_id(key: tuple, trace, m: int, f_key: str) -> tuple:
    return ("linked chart", *key, trace.n_steps, m, f_key, lang())


def chart_key(key: tuple, trace, m: int, f_key: str) -> str:
    """The chart's widget key, new with every new chart: a redrawn chart has no brush in the browser,
    so the server must forget the old one too (else its numbers would be for a window not shown)."""
    return f"{CHART_KEY}_{hashlib.sha1(repr(_chart_id(key, trace, m, f_key)).encode()).hexdigest()[:12]}"


@st.fragment
def _body(key: tuple, trace, m: int, f_key: str, fv, truth, exact_f: float) -> None:
    """The chart and the window's numbers; a brush reruns only this."""
    t0 = time.perf_counter()
    n, c = trace.n_steps, trace.n_chains
    k = fig.stride(n)
    st.caption(t("lw_intro"))
    st.caption(t("lw_thinned", k=k, s=len(range(k, n + 1, k)) + (n % k != 0), n=n, cap=fig.MAX_POINTS)
               if k > 1 else t("lw_all", n=n))
    spec, data = _chart(key, trace, m, f_key, fv, truth, exact_f)
    # Streamlit takes datasets already in Arrow bytes as they are; it empties the spec's "datasets", so
    # each call gets its own copy of the (small) JSON part of the shared spec.
    # (A state that is not JSON, or whose "selection" is no object, fails in Streamlit's own reading,
    # before this script runs: every selection widget shares that; what reaches here is checked.)
    event = st.vega_lite_chart({**copy.deepcopy(spec), "datasets": dict(data)}, key=chart_key(key, trace, m, f_key),
                               on_select="rerun", selection_mode=[fig.BRUSH], width="content")
    a, b, note = window_of(event.get("selection") if hasattr(event, "get") else None, n, m)
    if note:
        st.warning(note, icon=":material/warning:")
    nums = NUMBERS.get_or_compute(("window", *key, n, a, b, f_key),
                                  lambda: W.numbers(trace.positions, trace.accepted, fv, a, b))
    two = lambda v, f: " / ".join("–" if not math.isfinite(x) else format(x, f) for x in v)  # noqa: E731
    cols = st.columns(5)
    cols[0].metric(t("lw_window"), t("lw_window_value", a=a, b=b), help=t("lw_window_help", d=nums.draws, c=c))
    cols[1].metric(t("ess_bulk"), two(nums.ess_bulk, ",.0f"), help=t("ess_help"))
    cols[2].metric(t("rhat"), two(nums.rhat, ".3f"), help=t("rhat_help"))
    cols[3].metric(t("lw_fmn", f=f_key), "–" if not math.isfinite(nums.f_mn) else f"{nums.f_mn:.4f}",
                   delta=t("vs_exact", d=nums.f_mn - exact_f, e=exact_f) if math.isfinite(nums.f_mn) else None,
                   delta_color="off")
    cols[4].metric(t("lw_acceptance"), "–" if not math.isfinite(nums.acceptance) else f"{nums.acceptance:.1%}")
    if (a, b) == W.default_bounds(n, m):
        st.caption(t("lw_default"))
    if nums.draws < 4:
        st.caption(t("lw_too_short", d=nums.draws))
    st.caption(t("lw_server_ms", ms=1000 * (time.perf_counter() - t0)))


def panel(key: tuple, trace, m: int, f_key: str, fv, truth, exact_f: float) -> None:
    """An expander (its open state in the link) that builds nothing while closed."""
    box = url_expander(t("lw_expander"), "mcmc_window")
    if box.open:
        with box:
            _body(key, trace, m, f_key, fv, truth, exact_f)
