"""A class sharing the server, through Streamlit's AppTest: while other sessions hold every training
slot, a student who presses Train sees their place and an estimate (no frozen page, no half-drawn
untrained model) and trains as soon as a slot frees; a full class pauses the job without losing
it; the teacher's class limits narrow the sliders and say so, in English and 中文."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from apppages import assert_ok, open_page
from ui.kit.limits import ClassLimits
from ui.kit.scheduler import SERVER

SMALL = {"rbm_chains": "10", "rbm_gibbs": "50", "rbm_hidden": "25", "rbm_digits": "500", "rbm_epochs": "2"}


@pytest.fixture
def others():
    """Other sessions of the class: ``hold()`` takes every slot, ``queue(name)`` waits ahead of us.
    Everything they hold is given back after the test, so no other test waits behind them."""
    held, queued = [], []

    class Others:
        def hold(self):
            for i in range(SERVER.slots):
                assert SERVER.ask(("other", i)).granted
                held.append(("other", i))

        def queue(self, name):
            assert not SERVER.ask(("other", name)).granted  # asking again keeps the place fresh
            if ("other", name) not in queued:
                queued.append(("other", name))

        def leave(self):
            for who in queued:
                SERVER.leave(who)
            for who in held:
                SERVER.release(who)
            held.clear()
            queued.clear()

    o = Others()
    yield o
    o.leave()


def _job(at: AppTest) -> dict:
    return at.session_state["rbm_job"]


def _button(at: AppTest, text: str):
    return next(b for b in at.button if text in b.label)


def test_a_student_waiting_for_a_turn_sees_their_place_then_trains_when_a_slot_frees(others):
    at = assert_ok(open_page("rbm", SMALL), errors=True)
    others.hold()
    others.queue("ahead")
    _button(at, "Train").click().run()
    assert_ok(at, errors=True)
    j = _job(at)
    assert j["status"] == "running" and j["trainer"].updates == 0 and j["batches"] == []
    note = at.info[0].value
    assert "Waiting for a training turn: place 2 of 2, about" in note, note
    assert "the pictures appear with your first turn" in note
    assert not at.progress  # nothing trained yet: no progress bar, no pictures of a random model
    assert any("Pause" in b.label for b in at.button)  # the page is live: the job can be paused
    at.session_state["lang"] = "zh"
    others.queue("ahead")
    at.run()
    assert "正在排队等待训练：第 2 位，共 2 位" in at.info[0].value
    at.session_state["lang"] = "en"
    # the slots free up: the next tick trains and draws
    others.leave()
    at.run()
    assert_ok(at, errors=True)
    assert _job(at)["trainer"].updates > 0 and at.progress[0].value > 0
    assert not any("Waiting for a training turn" in i.value for i in at.info)
    assert SERVER.snapshot()["holding"] == []  # the turn ended with the tick


def test_a_full_class_pauses_the_job_and_nothing_is_lost(others, monkeypatch):
    at = assert_ok(open_page("rbm", SMALL), errors=True)
    others.hold()
    monkeypatch.setattr(SERVER, "max_queue", 0)
    _button(at, "Train").click().run()
    assert_ok(at, errors=True)
    j = _job(at)
    assert j["status"] == "paused" and j["trainer"] is not None  # kept, with its settings
    assert "The class is full" in at.warning[0].value and "Resume" in at.warning[0].value
    assert any("Resume" in b.label for b in at.button)
    assert SERVER.snapshot()["waiting"] == []  # not queued
    monkeypatch.setattr(SERVER, "max_queue", None)
    others.leave()
    _button(at, "Resume").click().run()
    assert_ok(at, errors=True)
    assert _job(at)["trainer"] is j["trainer"] and j["trainer"].updates > 0
    assert not any("class is full" in w.value for w in at.warning)



def test_class_limits_cap_the_sliders_and_a_caption_says_so(class_limits):
    class_limits(ClassLimits(max_epochs=3, max_hidden_units=100))
    at = open_page("rbm", {**SMALL, "rbm_epochs": "50"})  # a link from a class without limits
    assert at.slider(key="rbm_epochs").max == 3 and at.slider(key="rbm_epochs").value == 3
    assert at.warning[0].value == "Epochs: `50` is outside 1 … 3; using 3."
    assert max(at.select_slider(key="rbm_hidden").options, key=int) == "100"
    caps = " ".join(c.value for c in at.caption)
    assert "Class limits set by your teacher: at most 3 epochs, at most 100 hidden units per layer." in caps
    at.session_state["lang"] = "zh"
    at.run()
    assert "老师设定的课堂限制：最多 3 轮、每层最多 100 个隐单元" in " ".join(c.value for c in at.caption)
    deep = open_page("deep", {"deep_model": "dbm", "deep_rows": "1", "deep_sweeps": "20"})
    assert deep.slider(key="deep_dbm_epochs").max == 3 and deep.slider(key="deep_dbm_pre").max == 3
    assert "at most 3 epochs, at most 100 hidden units per layer" in " ".join(c.value for c in deep.caption)
    class_limits(ClassLimits(max_hidden_units=64))
    land = open_page("landscape")
    land.radio(key="mode__en").set_value("learn").run()
    assert_ok(land)
    assert land.select_slider(key="ml_width").options == ["16", "32", "64"]
    assert "a network at most 64 units wide" in " ".join(c.value for c in land.caption)
