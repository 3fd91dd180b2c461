"""What the MCMC page's default link needs, computed when the server starts (``ebm_lab.py``).

The class opens one link; its first visitor should not wait for the run, its 24 neighbours,
the two grids and the numbers (issue 16: first picture on a fresh server <= 3 s).  The key is
built as the page builds it from its controls' defaults (``default_key``; a test checks that
the page's own first run finds it in the cache).
"""

from __future__ import annotations

from ui.mcmc import controls as M
from ui.mcmc import numbers as N
from ui.mcmc import runs as R


def default_key() -> tuple:
    """The run key of ``/mcmc`` opened without parameters (``app_pages/mcmc.py``'s ``key``)."""
    S = M.SPECS
    sampler = S["sampler"].default
    step = M.STEP_SPECS[sampler].default if sampler in M.STEP_SPECS else 0.0
    return (S["target"].default, M.DEFAULT_FORMULA, sampler, step, S["T"].default, 10, S["chains"].default,
            S["steps"].default, S["seed"].default, S["starts"].default, (), M.CUSTOM_HALF)


def warm(plane_s: float = 30.0) -> None:
    """The default run (with the runs around it), both grids and the numbers; then the whole
    (T, step size) plane, as a first visit would queue it, waited for up to ``plane_s`` seconds
    (a worker computing it would compete with the first visitors for the two cores)."""
    key = default_key()
    target, formula, _sampler, _step, T, *_rest, half = key
    trace = R.run(*key)
    M.exact_grid(target, formula, T, M.DISPLAY_GRID, picture=True, half=half)
    M.exact_grid(target, formula, T, M.EXACT_GRID, half=half)
    N.summary(key, trace, M.SPECS["m"].default)
    if R.warm_plane(*key):
        R.wait_prefetch_idle(plane_s)
