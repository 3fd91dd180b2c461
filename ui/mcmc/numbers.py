"""The numbers and charts beside the MCMC picture, computed once per run for every session.

A slider move in a class lands, most of the time, on a run someone has already seen (the
shared link and its neighbours): its ESS / R-hat (arviz-stats, ~40 ms) and its Plotly
figures (~40 ms each) are the same for everyone, so they are kept in one server-wide cache
(``ui.kit.shared``), keyed by the run's settings, the burn-in and the figure's labels (the
language).  Figures are shared objects: callers hand them to ``st.plotly_chart`` unchanged.
"""

from __future__ import annotations

import numpy as np

from ebm_core.mcmc import diagnostics
from ebm_core.viz import mcmc as fig

from ui.kit.shared import SharedCache, budget_mb

NUMBERS = SharedCache("mcmc numbers and charts", budget_mb(48))


def _run_id(key: tuple, trace) -> tuple:
    return (*key, trace.n_steps)  # (the first steps of a run and the run differ)


def summary(key: tuple, trace, m: int) -> diagnostics.Summary:
    """Acceptance, ESS and R-hat of run ``key`` after burn-in ``m``."""
    return NUMBERS.get_or_compute(("summary", _run_id(key, trace), m),
                                  lambda: diagnostics.summarise(trace.positions, trace.accepted, m))


def estimate(key: tuple, trace, m: int, f_key: str, f) -> tuple[np.ndarray, float]:
    """f(x) at every draw of run ``key`` and the pooled estimate f_mn after burn-in ``m``."""
    def compute():
        fv = np.asarray(f(trace.positions))
        return fv, float(diagnostics.running_estimate(fv, m)[-1])
    return NUMBERS.get_or_compute(("estimate", _run_id(key, trace), m, f_key), compute)


def figure(kind: str, key: tuple, trace, m: int, labels: dict, *args):
    """One of the page's Plotly figures of run ``key``: ``kind`` names the function of
    ``ebm_core.viz.mcmc`` (``trace_figure``, ``acf_figure``, ``marginal_figure``,
    ``running_mean_figure``), called with ``(positions, m, *args, labels)``; ``args`` must be
    hashable or numpy arrays determined by the other parts of the key (the grid marginals)."""
    hashable = tuple(a for a in args if not isinstance(a, np.ndarray))
    memo = ("figure", kind, _run_id(key, trace), m, hashable, tuple(sorted(labels.items())))
    if kind == "running_mean_figure":
        make = lambda: fig.running_mean_figure(*args, labels)  # noqa: E731 - (f values, m, exact)
    else:
        make = lambda: getattr(fig, kind)(trace.positions, m, *args, labels)  # noqa: E731
    return NUMBERS.get_or_compute(memo, make)
