"""EBM Lab for a class: ``streamlit run ebm_lab.py`` serves ``app.py`` warm.

The same app as ``streamlit run app.py``, but the server imports the engine and computes the
default MCMC link (``ui.kit.warmup``) before it accepts its first visitor, so that visitor sees
the picture in ~2 s instead of ~6 s (issue 16; figures in the README's "Serving a class").
"""

import asyncio
import contextlib

import streamlit as st


@contextlib.asynccontextmanager
async def _warm_first(_app):
    from ui.kit.warmup import warm

    await asyncio.to_thread(warm)
    yield


app = st.App("app.py", lifespan=_warm_first)
