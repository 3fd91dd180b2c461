"""One model-job layer for the pages that train live (RBM, DBN / DBM, the 2D EBM).

A *job* is a plain dict in ``st.session_state[key]`` (so AppTests can read it), holding at least

- ``status``: IDLE / RUNNING / PAUSED / DONE (``ui.kit.live`` draws the buttons that set it);
- ``version``: grows by one per training tick; results computed from the model are memoised
  under it (``memo``), so nothing stale is ever shown;
- ``memo``: {(version, *what): result}, emptied when the model changes;
- ``draw_s``: how long the last running tick took to draw (it paces the next one);

and whatever the page keeps beside (model, trainer, source, config, meta, histories). The
page says what one unit of work is and when the job is done; this module runs the units for a
tick's budget, bumps the version and sets DONE. Usage, the RBM page's shape::

    PACE = jobs.Pace(every_s=1.0)
    jobs.replace(JOB, rbm=rbm, trainer=tr, status=jobs.RUNNING)      # Start: a new model
    status = live.buttons(JOB)                                      # Start / Pause / Stop / Reset
    jobs.ticking(JOB, PACE, tick=train_tick, draw=draw_views)       # ticks while RUNNING
    def train_tick():
        jobs.tick(JOB, PACE, work=lambda: tr.step(1), done=lambda: tr.done)

A running job ticks only in a *turn* of the server's scheduler (``ui.kit.scheduler``: at most a
few ticks at once, server-wide, turns rotating fairly among the sessions); a session waiting for
its turn sees its place and an estimate instead (``ui.kit.classroom``), and its page stays live.

Keep this API stable: other pages copy it (additive changes only).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Mapping

import streamlit as st
import torch
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui.kit import classroom, live, scheduler
from ui.kit.scheduler import Turn

IDLE, RUNNING, PAUSED, DONE = live.IDLE, live.RUNNING, live.PAUSED, live.DONE


@dataclass(frozen=True)
class Pace:
    """How a page ticks: a tick every ``every_s`` seconds, training for what is left of 80 % of
    that period after the last tick's drawing, within [``min_s``, ``max_s``].

    The browser asks for the next tick on a timer, so a tick that outlasts ``every_s`` overlaps
    the next one and Streamlit piles up stale copies of the charts. ``min_s == max_s`` gives a
    fixed budget."""

    every_s: float = 1.0
    min_s: float = 0.2
    max_s: float = 0.6
    #: assumed drawing time before the first tick has been measured
    draw_guess_s: float = 0.3

    def budget(self, job: Mapping) -> float:
        """Seconds of training for the next tick of ``job`` (at most its ``turn_s``, when set: a
        shorter turn while other sessions wait, see ``take_turn``)."""
        b = min(self.max_s, max(self.min_s, 0.8 * self.every_s - job.get("draw_s", self.draw_guess_s)))
        return min(b, job["turn_s"]) if job.get("turn_s") else b


def fresh(**fields) -> dict:
    """A new job dict: idle, version 0, an empty memo, plus ``fields`` (which may set status)."""
    return {"status": IDLE, "version": 0, "memo": {}, **fields}


def get(key: str) -> dict:
    """The job in session state (an idle, empty one when there is none yet)."""
    return live.state(key)


def replace(key: str, **fields) -> dict:
    """Make ``fresh(**fields)`` the session's job ``key`` (a new model); returns it."""
    j = fresh(**fields)
    st.session_state[key] = j
    return j


def set_status(key: str, status: str) -> None:
    live.set_status(key, status)


def status(key: str) -> str:
    return get(key)["status"]


def memo(key: str, what: tuple, compute: Callable[[], object], size: int = 24):
    """``compute()`` once per model version of job ``key`` (at most ``size`` results kept)."""
    return live.memo(key, what, compute, size=size)


def touch(key: str) -> None:
    """The model changed: a new version, and the memo forgotten."""
    j = get(key)
    j["version"] = j.get("version", 0) + 1
    j["memo"] = {}


def tick(key: str, pace: Pace, work: Callable[[], object], done: Callable[[], bool], *,
         seconds: float | None = None) -> bool:
    """One training tick of job ``key``: ``work()`` (one unit, e.g. one update) again and again for
    ``pace.budget(job)`` seconds (or ``seconds``) or until ``done()``; then ``touch``. The status
    turns DONE when ``done()`` (also when it already was, without any work). Returns ``done()``."""
    if done():
        set_status(key, DONE)
        return True

    def one() -> bool:
        work()
        return not done()

    live.for_seconds(pace.budget(get(key)) if seconds is None else seconds, one)
    touch(key)
    finished = bool(done())
    if finished:
        set_status(key, DONE)
    return finished


def participant(key: str) -> tuple:
    """The scheduler's id of job ``key`` of this session (one session may run jobs on two pages)."""
    ctx = get_script_run_ctx()
    return (ctx.session_id if ctx is not None else "local", key)


def take_turn(key: str, tick: Callable[[], object], wait_s: float = 0.0, short_s: float | None = None) -> Turn:
    """``tick()`` if the scheduler grants job ``key`` a turn now (on deck, wait up to ``wait_s`` for
    one); the turn ends when the tick's work does, before any drawing. While others wait, the
    turn trains at most ``short_s`` (the queue moves faster: everyone sees progress sooner). A
    full class pauses the job (nothing is lost: Resume asks again); ``class_full`` keeps the
    queue's size for the note."""
    who = participant(key)
    turn = scheduler.SERVER.ask(who, wait_s=wait_s)
    j = get(key)
    if turn.full:
        j["class_full"] = turn.waiting
        set_status(key, PAUSED)
        return turn
    j.pop("class_full", None)
    j["turn_s"] = short_s if turn.granted and turn.waiting else None
    if turn.granted:
        # torch's thread count is process-wide: a slot is THREADS_PER_TICK cores, whatever ran before.
        if torch.get_num_threads() != scheduler.THREADS_PER_TICK:
            torch.set_num_threads(scheduler.THREADS_PER_TICK)
        try:
            tick()
        finally:
            scheduler.SERVER.release(who)
    return turn


def panel(key: str, running: bool, tick: Callable[[], object], draw: Callable[[bool], object],
          pace: Pace | None = None, *, draw_untrained: bool = False) -> None:
    """A ticking fragment's body: ``tick()`` when running and granted a turn (``take_turn``; waiting
    up to half of ``pace.every_s`` when next in line), then ``draw(running)`` (running as it is after the
    tick), timed into the job's ``draw_s`` while it runs (see ``Pace``). A session waiting for
    its turn sees its place above the drawing; before its first turn only that note, unless
    ``draw_untrained`` (the untrained model's picture is cheap and part of the lesson)."""
    turn = None
    if running:
        # next in line: wait up to half a period inside the scheduler, so that a freed slot is
        # taken at once; the page's own reruns (a slider) wait no longer than that
        turn = take_turn(key, tick, wait_s=0.5 * pace.every_s if pace is not None else 0.0,
                         short_s=pace.min_s if pace is not None else None)
        running = status(key) == RUNNING
    else:
        scheduler.SERVER.leave(participant(key))
    j = get(key)
    trained = j.get("version", 0) > 0
    waiting = running and turn is not None and not turn.granted
    full = j.get("class_full") is not None and j["status"] == PAUSED
    if waiting:
        classroom.waiting(turn, trained)
    elif full:
        classroom.full(j["class_full"])
    if (waiting or full) and not trained and not draw_untrained:
        return  # a fresh model's pictures are noise, and costly: the note says they come with the first turn
    t0 = time.perf_counter()
    draw(running)
    if running:
        get(key)["draw_s"] = time.perf_counter() - t0


def ticking(key: str, pace: Pace, tick: Callable[[], object], draw: Callable[[bool], object], *,
            draw_untrained: bool = False) -> None:
    """The live section: ``panel`` now and, while the job runs, every ``pace.every_s`` seconds
    (``live.ticking``: only this fragment reruns, the rest of the page stays responsive)."""
    live.ticking(key, lambda running: panel(key, running, tick, draw, pace, draw_untrained=draw_untrained),
                 every_s=pace.every_s)


def changed(now: Mapping, used: Mapping, fields: Mapping[str, str | tuple[str, ...]]) -> list[str]:
    """The names (keys of ``fields``, in order) whose config keys differ between ``now`` (the
    sidebar's settings as a config dict) and ``used`` (the config the job was built with).
    A name may stand for several config keys (a tuple), e.g. {"sizes": ("n_h1", "n_h2")}."""
    out = []
    for name, keys in fields.items():
        keys = (keys,) if isinstance(keys, str) else tuple(keys)
        if any(now.get(k) != used.get(k) for k in keys):
            out.append(name)
    return out
