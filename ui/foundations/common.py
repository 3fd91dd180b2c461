"""What the Foundations panels share: the server-wide cache, the targets, the panel's frame (formula,
what to look at, where the app departs from the slides) and the density picture under the points."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from ebm_core.landscapes import grid
from ebm_core.landscapes.energies import get_energy
from ui.kit.i18n import t
from ui.kit.present import presenting
from ui.kit.shared import SharedCache, budget_mb

#: One cache for every panel's results, shared by all sessions (a class opens the same links).
RESULTS = SharedCache("foundations panels", budget_mb(16))
#: Registry targets offered here (the ones whose shapes make each point; all live on a drawn box).
TARGETS = ("mixture", "gaussian", "banana", "donut")


def cached(key: tuple, compute):
    return RESULTS.get_or_compute(key, compute)


#: On a projector, the panel's "what to look at" and departures wait under its picture (``notes``).
DEFERRED = "_fd_deferred_notes"


def frame(formula, look_key: str, departs_key: str) -> None:
    """The panel's formula (or formulas, one line each) in the lecture's notation, one sentence on what
    to look at, and the departures (in presentation mode: under the picture, see :func:`notes`)."""
    lesson_bar = presenting() and "lesson" in st.query_params  # (on a projector the bar shows the step's formula)
    for f in () if lesson_bar else (formula,) if isinstance(formula, str) else formula:
        st.latex(f)
    if presenting():
        st.session_state[DEFERRED] = (look_key, departs_key)
        return
    _notes(look_key, departs_key)


def _notes(look_key: str, departs_key: str) -> None:
    st.info(f"**{t('fd_look')}:** {t(look_key)}", icon=":material/visibility:")
    st.caption(f"**{t('fd_departs')}:** {t(departs_key)}")


def notes() -> None:
    """The notes :func:`frame` held back on a projector (page.render calls it after the panel)."""
    held = st.session_state.pop(DEFERRED, None)
    if held:
        _notes(*held)


def control_columns(n: int) -> list:
    """Where a panel's controls go: n columns above the picture; on a projector the sidebar, which
    presentation mode tucks away (as on the other pages), so that the picture starts on the first screen."""
    return [st.sidebar] * n if presenting() else st.columns(n)


def picture(target: str):
    """p(x) at T = 1 on the target's drawn box (150 × 150), for the background of a plot."""
    return cached(("picture", target), lambda: grid.integrate(get_energy(target), 1.0, box=get_energy(target).box,
                                                              n=150))


def density_figure(target: str, title: str, height: int = 420) -> go.Figure:
    g = picture(target)
    fig = go.Figure(go.Heatmap(x=g.xs, y=g.ys, z=g.density, colorscale="Viridis", showscale=False,
                               hoverinfo="skip"))
    x0, x1, y0, y1 = g.box
    fig.update_layout(title=title, height=height, margin=dict(l=10, r=10, t=40, b=10), showlegend=True,
                      legend=dict(orientation="h", y=-0.05))
    fig.update_xaxes(range=[x0, x1], constrain="domain")
    fig.update_yaxes(range=[y0, y1], scaleanchor="x", scaleratio=1)
    return fig
