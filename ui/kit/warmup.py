"""Work done once when the server starts, before it takes its first visitor (``ebm_lab.py``).

A fresh ``streamlit run app.py`` imports torch, Plotly and the engine, and computes the
default link's run and grids, inside its first visitor's first page run (~5 s of a core on
the 2-core class server), and the RBM page's default chains in its first visitor's (~2 s more).
Here that happens before the server listens.
"""

from __future__ import annotations

import importlib
import logging
import time

import torch

_LOG = logging.getLogger("ebm_lab.warmup")

#: The modules every page's first run imports (the pages themselves are scripts, run by Streamlit).
#: pandas and pyarrow first: Streamlit looks pandas up in ``sys.modules`` without importing it,
#: so a session that meets it half-imported by another session's thread fails with "partially
#: initialized module 'pandas'" (seen: 4 of 30 students, /landscape behind HAProxy).
MODULES = ("pandas", "pyarrow", "plotly.graph_objects", "altair", "ebm_core.mcmc.diagnostics", "ui.mcmc.controls",
           "ui.mcmc.runs", "ui.mcmc.numbers", "ui.mcmc.tune", "ui.mcmc.explain", "ui.mcmc.canvas",
           "ui.landscape.explore", "ui.rbm.lab", "ui.deep.page", "ui.lesson.bar")


def warm() -> dict[str, float]:
    """Import the app's modules and fill the default MCMC link's caches; returns the seconds
    each part took (logged).  A part that fails is logged and skipped: the app still serves."""
    torch.set_num_threads(1)  # as app.py: one thread per request
    took = {}
    t0 = time.perf_counter()
    for name in MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # (a page with a broken import still shows its own error to its visitor)
            _LOG.exception("warm-up: import %s failed", name)
    took["imports_s"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    try:
        from ui.mcmc import startup

        startup.warm()
    except Exception:
        _LOG.exception("warm-up: the MCMC page's default run failed")
    took["mcmc_s"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    try:
        from ui.rbm import startup as rbm_startup

        rbm_startup.warm()  # every session opens /rbm on these chains (~2 s of a core, issue 15)
    except Exception:
        _LOG.exception("warm-up: the RBM page's default chains failed")
    took["rbm_s"] = time.perf_counter() - t2
    _LOG.warning("EBM Lab warmed up in %.1f s (imports %.1f s, default MCMC link %.1f s, RBM chains %.1f s)",
                 time.perf_counter() - t0, took["imports_s"], took["mcmc_s"], took["rbm_s"])
    return took
