"""ui.kit.jobs: the tick budget, a tick's bookkeeping (version, memo, DONE), changed settings."""

from __future__ import annotations

import pytest
import streamlit as st

from ui.kit import jobs


@pytest.fixture
def key():
    k = "test_jobs_job"
    yield k
    st.session_state.pop(k, None)


def test_budget_is_what_the_drawing_leaves_within_bounds():
    p = jobs.Pace(every_s=1.0, min_s=0.2, max_s=0.6)
    assert p.budget({}) == pytest.approx(0.5)  # 0.8 s - the 0.3 s guessed drawing
    assert p.budget({"draw_s": 0.05}) == 0.6
    assert p.budget({"draw_s": 0.7}) == 0.2
    assert jobs.Pace(every_s=0.4, min_s=0.25, max_s=0.25).budget({"draw_s": 0.0}) == 0.25


def test_tick_works_until_done_then_bumps_the_version_and_forgets_the_memo(key):
    j = jobs.replace(key, status=jobs.RUNNING, n=0)
    assert jobs.get(key) is j and j["version"] == 0
    assert jobs.memo(key, ("x",), lambda: 1) == 1 and j["memo"]
    units = []
    finished = jobs.tick(key, jobs.Pace(), work=lambda: units.append(1), done=lambda: len(units) >= 3, seconds=60)
    assert finished and len(units) == 3  # stopped by done(), long before the 60 s
    assert j["version"] == 1 and j["memo"] == {} and jobs.status(key) == jobs.DONE
    assert jobs.memo(key, ("x",), lambda: 2) == 2  # recomputed for the new version


def test_tick_on_a_finished_job_does_no_work(key):
    jobs.replace(key, status=jobs.RUNNING)
    assert jobs.tick(key, jobs.Pace(), work=lambda: pytest.fail("worked"), done=lambda: True)
    assert jobs.status(key) == jobs.DONE and jobs.get(key)["version"] == 0


def test_panel_ticks_only_while_running_and_times_the_drawing(key):
    jobs.replace(key, status=jobs.RUNNING)
    seen = []
    jobs.panel(key, True, tick=lambda: seen.append("tick"), draw=lambda running: seen.append(running))
    assert seen == ["tick", True] and "draw_s" in jobs.get(key)
    jobs.set_status(key, jobs.PAUSED)
    seen.clear()
    jobs.panel(key, False, tick=lambda: seen.append("tick"), draw=lambda running: seen.append(running))
    assert seen == [False]


def test_changed_names_the_controls_whose_config_keys_differ():
    fields = {"hidden": "n_hidden", "k": "k", "sizes": ("n_h1", "n_h2")}
    used = {"n_hidden": 200, "k": 5, "n_h1": 500, "n_h2": 500}
    assert jobs.changed(dict(used), used, fields) == []
    assert jobs.changed({**used, "k": 3, "n_h2": 1000}, used, fields) == ["k", "sizes"]
