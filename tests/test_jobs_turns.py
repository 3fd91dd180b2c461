"""ui.kit.jobs with the server's scheduler: a tick works only in a turn, which ends before the
drawing; a shorter budget while others wait; a paused job gives its place up at once."""

from __future__ import annotations

import uuid

import pytest
import streamlit as st

from ui.kit import jobs
from ui.kit.scheduler import SERVER


@pytest.fixture
def key():
    k = f"test_jobs_turns_{uuid.uuid4().hex}"  # a new participant: no turns served before
    yield k
    st.session_state.pop(k, None)
    SERVER.leave(jobs.participant(k))


@pytest.fixture
def busy():
    """Every slot held by another session, for as long as the test wants."""
    others = [("other", i) for i in range(SERVER.slots)]
    for who in others:
        assert SERVER.ask(who).granted
    yield others
    for who in others:
        SERVER.release(who)


def test_a_tick_works_only_in_a_turn_that_ends_before_the_drawing(key, busy):
    jobs.replace(key, status=jobs.RUNNING)
    seen = []

    def tick():
        seen.append(("tick", jobs.participant(key) in SERVER.snapshot()["holding"]))

    def draw(running):
        seen.append(("draw", jobs.participant(key) in SERVER.snapshot()["holding"]))

    jobs.panel(key, True, tick, draw, jobs.Pace(every_s=0.1))
    assert seen == []  # waiting and nothing trained yet: only the note, no tick, no picture
    assert SERVER.snapshot()["waiting"] == [jobs.participant(key)]
    for who in busy:
        SERVER.release(who)
    jobs.panel(key, True, tick, draw, jobs.Pace(every_s=0.1))
    assert seen == [("tick", True), ("draw", False)]  # the slot is held for the work only
    busy.clear()


def test_while_others_wait_the_turn_is_the_pace_s_shortest(key, busy):
    pace = jobs.Pace(every_s=1.0, min_s=0.2, max_s=0.6)
    j = jobs.replace(key, status=jobs.RUNNING, draw_s=0.0)
    budgets = []
    tick = lambda: budgets.append(pace.budget(jobs.get(key)))  # noqa: E731
    assert not jobs.take_turn(key, tick, short_s=pace.min_s).granted  # first in line
    assert SERVER.ask(("other", "behind")).place == 2
    for who in busy:
        SERVER.release(who)
    busy.clear()
    try:
        assert jobs.take_turn(key, tick, short_s=pace.min_s).granted
    finally:
        SERVER.leave(("other", "behind"))
    assert budgets == [0.2]  # someone waited: a short turn
    jobs.take_turn(key, tick, short_s=pace.min_s)
    assert budgets == [0.2, 0.6] and j["turn_s"] is None  # alone: the usual budget


def test_a_paused_job_leaves_the_queue_at_once(key, busy):
    jobs.replace(key, status=jobs.RUNNING)
    jobs.panel(key, True, lambda: None, lambda running: None)
    assert jobs.participant(key) in SERVER.snapshot()["waiting"]
    jobs.set_status(key, jobs.PAUSED)
    jobs.panel(key, False, lambda: None, lambda running: None)
    assert jobs.participant(key) not in SERVER.snapshot()["waiting"]
