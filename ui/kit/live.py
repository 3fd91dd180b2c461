"""Live work in ticks (training, sampling chains) that never blocks the page.

The pattern: the job's state lives in ``st.session_state[key]`` (its ``status`` and whatever
the page stores beside it); ``buttons`` draws Start / Pause / Resume / Stop / Reset; ``ticking``
runs a fragment that re-executes every ``every_s`` seconds while the status is "running"
(``st.fragment(run_every=...)``), so only that fragment reruns and the rest of the page, its
sliders included, stays responsive. A tick should do a bounded amount of work (``for_seconds``)
and then draw. No ``while True``: pausing simply stops the ticks.
"""

from __future__ import annotations

import time
from typing import Callable

import streamlit as st

from ui.kit.i18n import t

IDLE, RUNNING, PAUSED, DONE = "idle", "running", "paused", "done"


def state(key: str) -> dict:
    """The job's dict in session state (created idle)."""
    s = st.session_state.get(key)
    if not isinstance(s, dict) or "status" not in s:
        s = {"status": IDLE}
        st.session_state[key] = s
    return s


def set_status(key: str, status: str) -> None:
    state(key)["status"] = status


def memo(key: str, what: tuple, compute, size: int = 24):
    """``compute()`` once per model version of the job ``key`` (its "version" field; results are
    forgotten when the model changes); at most ``size`` results are kept."""
    j = state(key)
    full = (j.get("version"),) + what
    cache = j.setdefault("memo", {})
    if full not in cache:
        if len(cache) >= size:
            cache.clear()
        cache[full] = compute()
    return cache[full]


def reset(key: str) -> None:
    """Forget the job (model, history); the page starts from scratch."""
    st.session_state[key] = {"status": IDLE}


def buttons(key: str, *, on_reset: Callable[[], None] | None = None, disabled: bool = False) -> str:
    """Start / Pause / Resume / Stop / Reset for job ``key``; returns the status after clicks."""
    s = state(key)["status"]
    c1, c2, c3 = st.columns(3)
    if s in (IDLE, DONE):
        c1.button(t("live_start") if s == IDLE else t("live_more"), key=f"{key}__start", type="primary",
                  on_click=set_status, args=(key, RUNNING), disabled=disabled, width="stretch")
    elif s == RUNNING:
        c1.button(t("live_pause"), key=f"{key}__pause", on_click=set_status, args=(key, PAUSED), width="stretch")
    else:
        c1.button(t("live_resume"), key=f"{key}__resume", type="primary", on_click=set_status,
                  args=(key, RUNNING), width="stretch")
    c2.button(t("live_stop"), key=f"{key}__stop", on_click=set_status, args=(key, DONE),
              disabled=s not in (RUNNING, PAUSED), width="stretch")

    def _reset():
        reset(key)
        if on_reset:
            on_reset()

    c3.button(t("live_reset"), key=f"{key}__reset", on_click=_reset, width="stretch")
    return state(key)["status"]


def ticking(key: str, body: Callable[[bool], None], every_s: float = 0.5) -> None:
    """Run ``body(running)`` now and, while the job runs, again every ``every_s`` seconds.

    ``body`` does one bounded tick of work when ``running`` is True and draws the current
    picture either way. When it sets the status to DONE (e.g. the last epoch finished), the
    whole page reruns once so that the buttons and the ticking stop.
    """
    running = state(key)["status"] == RUNNING

    @st.fragment(run_every=every_s if running else None)
    def _tick():
        now_running = state(key)["status"] == RUNNING
        body(now_running)
        if now_running and state(key)["status"] != RUNNING:
            st.rerun(scope="app")

    _tick()


def for_seconds(seconds: float, step: Callable[[], bool], max_calls: int = 1_000_000) -> int:
    """Call ``step()`` until ``seconds`` have passed or it returns False; returns the calls made."""
    t0 = time.perf_counter()
    n = 0
    while n < max_calls:
        n += 1
        if step() is False or time.perf_counter() - t0 >= seconds:
            break
    return n
