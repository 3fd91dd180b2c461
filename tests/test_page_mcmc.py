"""The MCMC page through Streamlit's AppTest: every sampler, several targets, widgets that
change the picture, URL values clamped with a note, hostile formulas refused, both languages."""

import json

import numpy as np
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from apppages import open_page

ROOT = Path(__file__).resolve().parents[1]
PAGE = str(ROOT / "app_pages" / "mcmc.py")


def _open(query: dict | None = None, steps: int = 300) -> AppTest:
    # short runs keep the suite quick
    return open_page("mcmc", {"steps": str(steps), "m": "50", **(query or {})})


def _clip(at: AppTest) -> dict:
    comp = at.get("bidi_component")
    assert comp, "the chain canvas is missing"
    return json.loads(comp[0].proto.json)


def _tune(at: AppTest, **values) -> None:
    """Move the sliders drawn in the picture (T, the step size): they keep their values in
    session state (``ui.mcmc.tune.apply`` writes them there when the browser moves one)."""
    for k, v in values.items():
        at.session_state[k] = v
    at.run()
    assert not at.exception


def _metric(at: AppTest, prefix: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(prefix))


@pytest.mark.parametrize("sampler", ["mh", "mh-independent", "gibbs", "ula", "mala", "hmc"])
@pytest.mark.parametrize("target", ["mixture", "banana", "u1"])
def test_every_sampler_runs_on_several_targets(sampler, target):
    at = _open({"sampler": sampler, "target": target, "chains": "3", "L": "5"}, steps=100)
    clip = _clip(at)
    assert clip["n_steps"] == 100 and clip["n_chains"] == 3
    assert not at.error
    assert len(at.get("plotly_chart")) == 2  # only the open tab (traces) is drawn
    rate = float(_metric(at, "Acceptance").rstrip("%"))
    if sampler in ("gibbs", "ula"):
        assert rate == 100.0  # both always move
    else:
        assert 0.0 < rate <= 100.0  # HMC on smooth targets can accept all 300 proposals


def test_widgets_change_the_picture():
    at = _open()
    before = _clip(at)
    _tune(at, T=3.0)
    after_t = _clip(at)
    assert after_t["pos"] != before["pos"]  # the chains re-ran at the new temperature
    assert after_t["grid"] != before["grid"]  # and the landscape p_T reshaped with them
    _tune(at, sigma=5.0)
    assert float(_metric(at, "Acceptance").rstrip("%")) < 20.0  # giant steps: acceptance collapses
    at.session_state["tabs_en"] = "Histograms"  # open the histogram tab
    at.run()
    assert len(at.get("plotly_chart")) == 2
    hist_before = at.get("plotly_chart")[0].proto.spec
    at.slider(key="m").set_value(150).run()
    assert _clip(at)["burn_in"] == 150
    assert at.get("plotly_chart")[0].proto.spec != hist_before  # histograms leave out the new burn-in
    for label in ("Autocorrelation", "Running estimate f_mn"):
        at.session_state["tabs_en"] = label
        at.run()
        assert not at.exception and at.get("plotly_chart")


def test_url_values_are_clamped_with_a_visible_note():
    at = _open({"T": "999", "chains": "500", "sampler": "__import__('os')", "seed": "abc"})
    notes = " ".join(w.value for w in at.warning)
    assert "999" in notes and "500" in notes and "abc" in notes
    assert at.session_state["T"] == 20.0
    assert _clip(at)["tune"]["sliders"][0]["shown"][_clip(at)["tune"]["sliders"][0]["index"]] == "20.0"
    assert at.slider(key="chains").value == 16
    assert at.selectbox(key="sampler__en").value == "mh"


@pytest.mark.parametrize("formula", ["__import__('os').system('touch {pwned}')", "open('{pwned}', 'w').write('x')",
                                     "x.__class__", "9**9**9", "(" * 5000 + "x" + ")" * 5000, "lambda: 1"])
def test_hostile_formulas_are_refused_with_a_message(formula, tmp_path):
    pwned = tmp_path / "pwned"  # what the payload would create, were it ever run
    at = _open({"target": "custom", "formula": formula.format(pwned=pwned)})
    assert at.error, "a refused formula must say why"
    assert "not accepted" in at.error[0].value
    assert _clip(at)["n_steps"] == 300  # the page still shows the last valid formula
    assert tmp_path.is_dir() and not pwned.exists()


def test_custom_formula_runs():
    at = _open({"target": "custom", "formula": "(x**2 + y**2 - 4)**2 / 2 + 0.5*sin(3*x)"})
    assert not at.error
    assert _clip(at)["n_chains"] == 4


def test_diverging_chain_shows_a_message_and_a_reset():
    at = _open({"target": "gaussian", "sampler": "ula", "eps": "8.0"}, steps=100)
    assert any("diverged" in e.value for e in at.error)
    reset = next(b for b in at.button if "Reset" in b.label)
    reset.click().run()
    assert not any("diverged" in e.value for e in at.error)


def test_explain_one_step_shows_the_acceptance_probability():
    at = _open({"target": "gaussian"})
    tex = " ".join(x.value for x in at.get("latex"))
    assert "u =" not in tex  # closed: the panel is not built (no browser work per rerun)
    at.session_state["mcmc_explain"] = True  # the student opens it
    at.run()
    tex = " ".join(x.value for x in at.get("latex"))
    assert r"\alpha(x, x')" in tex and "u =" in tex


def test_things_to_try_fill_when_opened():
    at = _open({})
    assert not any("T = 0.2" in m.value for m in at.markdown)
    at.session_state["mcmc_try"] = True
    at.run()
    assert any(m.value.startswith("2. ") and "T = 0.2" in m.value for m in at.markdown)


def test_select_boxes_change_the_run_in_either_language():
    at = _open({"target": "gaussian"})
    at.selectbox(key="sampler__en").set_value("gibbs").run()
    assert float(_metric(at, "Acceptance").rstrip("%")) == 100.0
    at = _open({"target": "gaussian", "lang": "zh", "sampler": "gibbs"})
    assert at.selectbox(key="sampler__zh").value == "gibbs"
    assert float(_metric(at, "接受率").rstrip("%")) == 100.0


def test_language_switch_to_chinese():
    at = _open({"lang": "zh"})
    assert at.title[0].value.startswith("MCMC：")
    assert any("接受率" in m.label for m in at.metric)


def _first_positions(at: AppTest) -> list[tuple[float, float]]:
    import base64

    import numpy as np

    from ui.mcmc.canvas.clip import decode_points

    clip = _clip(at)
    codes = np.frombuffer(base64.b64decode(clip["pos"]), dtype="<u2").reshape(-1, 2)
    x0 = decode_points(codes[:clip["n_chains"]], clip["q"])  # (x_0 of every chain comes first)
    return [tuple(map(float, p)) for p in x0]  # (to one 16-bit step of the clip's range)


def test_typed_starting_points_are_used_and_bad_ones_refused():
    at = _open({"starts": "typed", "xy": "-3, 3; 3, -3", "chains": "4"})
    assert np.allclose(_first_positions(at), [(-3.0, 3.0), (3.0, -3.0), (-3.0, 3.0), (3.0, -3.0)], atol=1e-3)
    at = _open({"starts": "typed", "xy": "1, 2, 3; __import__('os')"})
    assert any("semicolons" in e.value for e in at.error)
    at = _open({"starts": "typed", "xy": "1e9, 0"})
    assert any("too far" in e.value for e in at.error)


def test_clicked_points_start_the_chains():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"steps": "100", "m": "10", "starts": "clicked", "chains": "2"})
    at.session_state["clicked"] = [[1.5, -0.5]]
    at.switch_page(PAGE)
    at.run()
    assert not at.exception
    assert np.allclose(_first_positions(at), [(1.5, -0.5), (1.5, -0.5)], atol=1e-3)


def test_prefetch_plan_puts_the_likely_next_move_first():
    from ui.mcmc import runs as R
    # first visit: T neighbours (up, then down), then σ neighbours
    assert R.prefetch_plan("mh", 1.0, 0.8, None) == [(1.5, 0.8), (0.7, 0.8), (1.0, 1.0), (1.0, 0.5)]
    # the user just lowered T: keep going down first, then two notches down, then the rest
    assert R.prefetch_plan("mh", 1.0, 0.8, (1.5, 0.8)) == [(0.7, 0.8), (0.5, 0.8), (1.5, 0.8), (1.0, 1.0),
                                                          (1.0, 0.5)]
    # the user just raised σ: σ first, upwards (0.8 -> 1.0 -> 1.5)
    assert R.prefetch_plan("mh", 1.0, 0.8, (1.0, 0.5))[:3] == [(1.0, 1.0), (1.0, 1.5), (1.0, 0.5)]
    # at the end of the slider there is no second notch on
    assert R.prefetch_plan("mh", 10.0, 0.8, (5.0, 0.8))[:2] == [(20.0, 0.8), (5.0, 0.8)]
    # Gibbs has no step size; the ends of the T slider have one neighbour
    assert R.prefetch_plan("gibbs", 20.0, 0.0, None) == [(10.0, 0.0)]
    # switching from MH (σ = 0.8) to Gibbs is not a step-size move (it crashed the plan)
    assert R.prefetch_plan("gibbs", 1.0, 0.0, (1.0, 0.8)) == [(1.5, 0.0), (0.7, 0.0)]


def test_neighbouring_slider_values_are_computed_ahead_and_sent_to_the_browser(monkeypatch):
    """A random-walk MH run comes with the runs one and two notches away on T and σ, computed
    in the same stacked run (ebm_core.mcmc.plane); the next run sends their clips with the
    picture when the browser asks (so it can switch to them with no server run), and moving
    there runs no chain in the rerun."""
    import threading

    from ui.mcmc import runs as R
    monkeypatch.setattr(R, "PREFETCH", True)  # off by default in page tests (tests/conftest.py)
    monkeypatch.setattr(R, "WARM_PLANE", False)  # (the whole plane: test_a_link_warms_its_plane)
    from ui.mcmc import tune as MT
    R.wait_prefetch_idle()  # earlier tests' speculative runs are finished before counting
    calls = []  # (thread, how many settings) of each chain computation
    real = R.run_plane
    monkeypatch.setattr(R, "run_plane", lambda e, settings, *a, **k: calls.append(
        (threading.current_thread().name, len(settings))) or real(e, settings, *a, **k))
    at = _open({"seed": "4242"}, steps=200)  # a seed no other test uses: nothing cached yet
    first = _clip(at)
    assert first["near"] == [] and (first["ready"], first["missing"]) == (4, 0)
    assert R.wait_prefetch_idle()
    # one stacked run on the page's thread: every setting up to two notches away on each slider
    assert calls == [(calls[0][0], 25)] and calls[0][0] != "ebm-prefetch"
    assert set(R.square("mh", 1.0, 0.8)) == {(t_, s_) for t_ in (0.5, 0.7, 1.0, 1.5, 2.0) for s_ in (0.3, 0.5, 0.8, 1.0, 1.5)}
    assert len(R.square("mh", 20.0, 100.0)) == 9  # (at the sliders' ends)
    at.run()
    clip = _clip(at)
    # T = 1.0 is notch 6 of 13, σ = 0.8 notch 13 of 22: the keys are the neighbours' notches
    assert clip["tune"]["key"] == "6|13" and (clip["ready"], clip["missing"]) == (4, 0)
    assert clip["near"] == []  # sent only when the browser asks (trigger "near": what it holds)
    ctx = clip["tune"]["ctx"]
    at.session_state[MT.ASKED] = (ctx, ["6|12"])
    at.run()
    clip = _clip(at)
    two = ["4|13", "6|11", "6|15", "8|13"]  # two notches away (stacked with the run too)
    assert sorted(k for k, _ in clip["near"]) == sorted(["5|13", "6|14", "7|13"] + two)  # not the one it holds
    at.session_state[MT.ASKED] = (ctx, [])
    at.run()
    near = dict(_clip(at)["near"])
    assert len(near) == 8
    # it holds this setting's clip too: the answer leaves it out (only its id and signature)
    at.session_state[MT.ASKED] = ("some other settings", [])  # asked before the page changed: ignored
    at.run()
    # (this session was sent the clip by the run before: it is left out, named by its signature)
    assert _clip(at)["near"] == [] and _clip(at)["held"] and _clip(at)["sig"] == clip["sig"]
    at.session_state[MT.ASKED] = (ctx, ["6|13", "5|13"])
    at.run()
    stub = _clip(at)
    assert stub["held"] is True and "pos" not in stub and "grid" not in stub
    assert (stub["id"], stub["sig"]) == (clip["id"], clip["sig"])
    assert sorted(k for k, _ in stub["near"]) == sorted(["6|12", "6|14", "7|13"] + two)
    assert near["7|13"]["id"] != clip["id"] and near["7|13"]["grid"]["id"] != first["grid"]["id"]  # T reshapes p_T
    assert near["6|14"]["grid"] == {"ref": first["grid"]["id"]}  # a new σ keeps the landscape: named, not sent
    for key, value, notch in (("T", 1.5, "7|13"), ("sigma", 1.0, "7|14")):
        n = len(calls)
        _tune(at, **{key: value})
        in_rerun = [name for name, _ in calls[n:] if name != "ebm-prefetch"]
        assert in_rerun == [], f"moving {key} to {value} ran the chains in the rerun"
        assert _clip(at)["tune"]["key"] == notch
        assert R.wait_prefetch_idle()
    # a move's answer brings the neighbours the browser lacks (it names those it holds): no
    # request of their own
    ctx = _clip(at)["tune"]["ctx"]
    held_now = ["6|14", "7|13", "8|13", "7|12", "5|13"]
    at.session_state[MT.TUNED] = True
    at.session_state[MT.HOLDS] = (ctx, [], [], held_now)
    _tune(at, T=1.5, sigma=1.0)
    answer = _clip(at)
    assert answer["tune"]["key"] == "7|14"
    one, two = R.near_settings("mh", 1.5, 1.0)
    from ui.mcmc import controls as M
    computed = [(t_, s_) for t_, s_ in one + two if R.is_cached("mixture", M.DEFAULT_FORMULA, "mh", s_, t_, 10, 4,
                                                                 200, 4242, "spread", (), M.CUSTOM_HALF)]
    lacking = {MT.tune_key("mh", t_, s_) for t_, s_ in computed} - set(held_now)
    assert {k for k, _ in answer["near"]} == lacking and len(lacking) >= 3
    # the clip the browser switched to is the very clip the server sends for that setting
    at = _open({"seed": "4242", "T": "0.7"}, steps=200)
    assert _clip(at)["sig"] == near["5|13"]["sig"]


def test_values_from_the_sliders_in_the_picture_are_range_checked():
    from ui.mcmc import tune as MT
    assert MT.updates({"T": 1.5, "sigma": 0.3}, "mh") == {"T": 1.5, "sigma": 0.3}
    assert MT.updates({"T": 1e9}, "mh") == {"T": 20.0}  # clamped to the slider's end
    assert MT.updates({"T": 1.49}, "ula") == {"T": 1.5}  # snapped to a notch
    assert MT.updates({"T": 0.5, "sigma": 0.2}, "gibbs") == {"T": 0.5}  # Gibbs has no step size
    assert MT.updates({"heps": 0.2}, "hmc") == {"heps": 0.2}
    # a step size from another sampler's slider (sent just before the page switched): ignored
    assert MT.updates({"T": 2.0, "sigma": 0.3}, "mala") == {"T": 2.0}
    for junk in (None, "T=2", [1, 2], {"T": "2"}, {"T": float("nan")}, {"T": True}, {"sigma": float("inf")},
                 {"T": 10 ** 400}):
        assert MT.updates(junk, "mh") == {}
    # what the browser says it holds, when it asks for the neighbours' clips
    assert MT.held_keys({"key": "6|13", "ctx": "abc", "have": ["6|12", "7|13"]}) == ("abc", ["6|12", "7|13"])
    assert MT.held_keys({"ctx": 5, "have": ["6|12", "__import__('os')", 5, "1" * 40, "-1|2"]}) == ("", ["6|12"])
    assert MT.held_keys({"have": ["1"] * 100}) == ("", ["1"] * 16)
    for junk in (None, "have", {"have": "6|12"}, {"key": "6|13"}):
        assert MT.held_keys(junk) is None


def test_every_value_reaches_the_share_link():
    """The lowest T and a single chain are in the URL (Streamlit's own binding left them out)."""
    at = _open(steps=100)
    _tune(at, T=0.05)
    at.slider(key="chains").set_value(1).run()
    assert not at.exception
    link = at.code[-1].value
    assert "T=0.05" in link and "chains=1" in link, link
    _tune(at, T=1.0)  # back at the default: dropped from the link
    assert "T=" not in at.code[-1].value


def test_a_typed_formula_gets_a_box_slider():
    """A ring of radius 6 does not fit the default [-4, 4]²: the chains walk out of the picture
    (said under it), while the exact numbers cover all of p_T either way (issue 12: the grid
    widens until p_T has no mass at its edge); widening the drawn box brings the chains in."""
    at = _open({"target": "custom", "formula": "(x**2 + y**2 - 36)**2 / 50"}, steps=100)
    assert not any("edge" in w.value for w in at.warning), [w.value for w in at.warning]
    assert any("outside the drawn box" in c.value for c in at.caption)
    exact = [c.value for c in at.caption if c.value.startswith("Exact (grid)")]
    assert _clip(at)["box"] == [-4.0, 4.0, -4.0, 4.0]
    at.slider(key="box").set_value(8.0).run()
    assert not at.exception
    assert _clip(at)["box"] == [-8.0, 8.0, -8.0, 8.0]
    assert not any("outside the drawn box" in c.value for c in at.caption)
    assert [c.value for c in at.caption if c.value.startswith("Exact (grid)")] == exact
    assert "box=8.0" in at.code[-1].value  # in the share link
    # out of range in a link: clamped with a note
    at2 = _open({"target": "custom", "box": "500"}, steps=100)
    assert _clip(at2)["box"] == [-20.0, 20.0, -20.0, 20.0]


def test_draws_outside_the_box_are_reported():
    """At T = 20 the chains wander past the mixture's box; the page says how far."""
    at = _open({"T": "20"}, steps=300)
    assert any("outside the drawn box" in c.value for c in at.caption)
    at = _open({}, steps=300)
    assert not any("outside the drawn box" in c.value for c in at.caption)


def test_a_cold_move_shows_the_same_first_steps_the_whole_run_has():
    """A slider move to settings never computed shows ``run_prefix`` at once; the whole run that
    follows must continue it exactly (same draws), and is then known to be cached."""
    import numpy as np

    from ui.mcmc import controls as M
    from ui.mcmc import runs as R
    key = ("mixture", M.DEFAULT_FORMULA, "mh", 0.8, 0.7, 10, 3, 600, 31337, "spread", (), M.CUSTOM_HALF)
    assert not R.is_cached(*key)
    first = R.run_prefix(*key)
    assert first.n_steps == R.PREFIX_STEPS
    whole = R.run(*key)
    np.testing.assert_array_equal(first.positions, whole.positions[: R.PREFIX_STEPS + 1])
    np.testing.assert_array_equal(first.accepted, whole.accepted[: R.PREFIX_STEPS])
    assert R.is_cached(*key)
    assert R.run(*key) is whole  # a hit is the run itself, read-only (shared by sessions)
    assert not whole.positions.flags.writeable
    assert R.clip_id(key, 200, "density") == R.clip_id(key, 200, "density") != R.clip_id(key, 300, "density")


def test_background_runs_pause_while_the_page_works_for_a_student(monkeypatch):
    """The prefetch thread waits (between steps) while a page or fragment run is on, goes on when
    it ends, and never waits forever on a run that was interrupted before saying so."""
    import threading
    import time

    from ui.mcmc import runs as R
    R.foreground()
    th = threading.Thread(target=R._wait_for_foreground)
    th.start()
    th.join(0.2)
    assert th.is_alive()
    R.foreground(False)
    th.join(2)
    assert not th.is_alive()
    monkeypatch.setattr(R, "FOREGROUND_MAX_S", 0.1)
    R.foreground()  # never ended
    t0 = time.monotonic()
    R._wait_for_foreground()
    assert 0.05 < time.monotonic() - t0 < 1.0


def test_a_slow_run_shows_its_first_steps_then_the_whole_run(monkeypatch):
    """HMC with L = 10 takes ~1.7 s for 2,000 steps: the page first sends its first steps (one
    script run), then reruns once and sends the whole run under the same clip id."""
    from ui.mcmc import runs as R
    sent = []
    real = R.run_prefix
    monkeypatch.setattr(R, "run_prefix", lambda *a: sent.append(a) or real(*a))
    at = _open({"sampler": "hmc", "seed": "777"}, steps=600)  # 600 x 10 leapfrog steps: ~0.5 s
    assert not at.exception
    assert len(sent) == 1  # the first steps went out once, and no more
    clip = _clip(at)  # the last script run's canvas: the whole run
    assert (clip["n_steps"], clip["n_total"]) == (600, 600)
    assert R.estimated_seconds("hmc", 10, 4, 600) > R.SLOW_RUN_S > R.estimated_seconds("mh", 10, 4, 600)
    assert R.is_cached(*sent[0])


def test_the_prefetch_worker_serves_the_newest_request_first():
    """One plan per session, replaced by its newest; the most recent session's plan first."""
    from ui.mcmc import runs as R
    assert R.wait_prefetch_idle()
    with R._cond:
        saved = list(R._plans.items())
        R._plans.clear()
        try:
            a1, a2, a3, b1 = (("banana", "", "hmc", 0.2, T, 10, 4, 2000, 0, "spread", (), 4.0)
                              for T in (1.0, 1.5, 2.0, 5.0))
            R._queue_locked("a", [a1, a2])
            R._queue_locked("b", [b1])
            R._queue_locked("a", [a3])  # session a moved again: its old plan is dropped
            assert [R._next_job_locked() for _ in range(3)] == [[a3], [b1], None]
            assert not R._plans  # finished plans are forgotten
            # random-walk MH runs of one context go out as one stacked job, PLANE_CHUNK at most
            mh = [("banana", "", "mh", s_, T, 10, 4, 200, 0, "spread", (), 4.0)
                  for T in R.TEMPERATURES for s_ in R._step_options("mh")]
            other = ("banana", "", "mh", 0.8, 1.0, 10, 4, 200, 1, "spread", (), 4.0)  # another seed
            R._queue_locked("c", [mh[0], other] + mh[1:])
            job = R._next_job_locked()
            assert job == mh[:R.PLANE_CHUNK] and R._plans["c"][0] == other
            assert R._next_job_locked() == [other]
        finally:
            R._plans.clear()
            R._plans.update(saved)


def test_slow_runs_have_their_neighbours_first_steps_computed_and_sent_ahead(monkeypatch):
    """HMC (600 x 10 leapfrog steps, ~0.5 s a run) is too slow to compute ahead whole: the worker
    computes the neighbours' first steps, the browser gets them as partial clips (it plays them
    and waits for the rest), and a move there computes only the rest of the run."""
    import threading

    from ui.mcmc import runs as R
    monkeypatch.setattr(R, "PREFETCH", True)  # off by default in page tests (tests/conftest.py)
    monkeypatch.setattr(R, "WARM_PLANE", False)
    from ui.mcmc import tune as MT
    assert R.wait_prefetch_idle()
    at = _open({"sampler": "hmc", "seed": "4343"}, steps=600)
    assert R.wait_prefetch_idle()
    at.session_state[MT.ASKED] = (_clip(at)["tune"]["ctx"], [])
    at.run()
    clip = _clip(at)
    assert (clip["ready"], clip["missing"]) == (4, 0)
    near = dict(clip["near"])
    assert sorted(near) == ["5|10", "6|11", "6|9", "7|10"]  # T = 1.0 (notch 6), ε = 0.2 (notch 10)
    assert all((c["n_steps"], c["n_total"]) == (R.PREFIX_STEPS, 600) for c in near.values())
    steps_run = []  # (thread, steps) of every chain computation from here on
    real = R._run
    monkeypatch.setattr(R, "_run", lambda *a, **k: steps_run.append((threading.current_thread().name, a[7]))
                        or real(*a, **k))
    _tune(at, T=1.5)
    assert [n for th, n in steps_run if th != "ebm-prefetch"] == [600]  # the first steps came from the cache
    assert _clip(at)["id"] == near["7|10"]["id"]  # the whole run plays on from the clip the browser held


def test_the_canvas_callbacks_store_checked_values(monkeypatch):
    """``apply`` (trigger "tune") and ``asked`` (trigger "near") read the canvas's result before
    the script runs; Streamlit presents it as a dict-like object in session state."""
    from types import SimpleNamespace

    from ui.mcmc import tune as MT

    class Result(dict):
        pass

    state = {"sampler": "mh", "T": 1.0, "sigma": 0.8}
    monkeypatch.setattr(MT, "st", SimpleNamespace(session_state=state))
    state[MT.CANVAS_KEY] = Result(tune={"T": 2.2, "sigma": 0.31}, near=None)
    MT.apply()
    assert (state["T"], state["sigma"], state[MT.TUNED]) == (2.0, 0.3, True)  # snapped to notches
    state[MT.CANVAS_KEY] = Result(tune={"T": "__import__('os')", "sigma": None}, near=None)
    MT.apply()
    assert (state["T"], state["sigma"]) == (2.0, 0.3)  # junk changes nothing
    # a move names the clip it holds (whole), the grids and every clip it holds (whole or not)
    state[MT.CANVAS_KEY] = Result(tune={"T": 1.5, "sigma": 0.8, "ctx": "c1", "have": ["7|13"], "grids": ["g1", 5],
                                        "near": ["7|12", "6|13", "../x", 3]}, near=None)
    MT.apply()
    assert state[MT.HOLDS] == ("c1", ["7|13"], ["g1"], ["7|12", "6|13"])
    state[MT.CANVAS_KEY] = Result(tune=None, near={"key": "7|12", "ctx": "c1", "have": ["7|12", "x"]})
    MT.asked()
    assert state[MT.ASKED] == ("c1", ["7|12"])
    del state[MT.ASKED]
    state[MT.CANVAS_KEY] = Result(tune=None, near="all of them")
    MT.asked()
    assert MT.ASKED not in state


def test_page_bounds_lie_inside_the_engine_ranges():
    """Each numeric control of the MCMC and landscape pages takes its bounds from the engine's
    declared range (``ebm_core.mcmc.config``, ``ebm_core.ranges``): a page may offer less, never more."""
    from ebm_core.mcmc import config as C
    from ebm_core.ranges import SEED, TEMPERATURE
    from ui.kit import params as P
    from ui.landscape import explore as X
    from ui.mcmc import controls as M

    engine = {"box": C.BOX, "T": TEMPERATURE, "L": C.N_LEAPFROG, "chains": C.CHAINS, "steps": C.STEPS,
              "m": C.BURN_IN, "seed": SEED, "temp": TEMPERATURE, "wseed": SEED}
    engine |= {spec.key: C.STEP_SIZE for spec in M.STEP_SPECS.values()}
    specs = list(M.ALL_SPECS) + [X.SPECS["temp"], X.SPECS["wseed"]]
    for spec in specs:
        if spec.kind in ("choice", "text"):
            continue
        r = engine.pop(spec.key, None)
        assert r is not None, f"{spec.key}: no engine range"
        lo, hi = (min(spec.options), max(spec.options)) if spec.options else (spec.lo, spec.hi)
        assert r.lo <= lo <= hi <= r.hi, (spec.key, lo, hi, r)
    assert not engine, f"engine ranges without a page control: {engine}"
    assert X.SPECS["walkers"].hi <= C.CHAINS.hi
    with pytest.raises(ValueError):
        P.within(C.STEP_SIZE, [1e-7, 0.1])  # a notch outside the engine's range fails at import


@pytest.mark.parametrize("formula, lang, says", [("", "en", "formula is empty"), (" \t\n ", "en", "formula is empty"),
                                                 ("", "zh", "公式为空")])
def test_an_empty_formula_is_explained_and_the_default_drawn(formula, lang, says):
    """An empty box raised the engine's ValueError (a traceback on the page): now a message in the
    page's language, and the chains run on the default formula."""
    from ui.mcmc import controls as M
    at = _open({"target": "custom", "formula": formula, "lang": lang})  # (open_page: no exception)
    assert any(says in e.value for e in at.error), [e.value for e in at.error]
    assert all(c.value.startswith("http") for c in at.code)  # the share link only: no empty caret box
    default = _open({"target": "custom", "formula": M.DEFAULT_FORMULA, "lang": lang})
    assert _clip(at)["id"] == _clip(default)["id"]  # the same run: the clip's id hashes the formula


def test_a_refused_formula_is_quoted_as_code_not_markup():
    """The engine's refusal quotes the formula ('__evil__' would be bold in Markdown): shown as code."""
    at = _open({"target": "custom", "formula": "__evil__ + x"})
    msg = at.error[0].value
    assert msg.startswith("This formula was not accepted: `")
    assert msg.endswith("`") and msg.count("`") == 2 and "'__evil__'" in msg


def test_a_link_warms_its_plane(monkeypatch):
    """The first view of a link queues every (T, step size) run of its other settings, nearest
    notches first, once per server and link, behind the students' own neighbour plans."""
    from ui.mcmc import runs as R
    monkeypatch.setattr(R, "PREFETCH", True)
    R.wait_prefetch_idle()
    queued = []
    monkeypatch.setattr(R, "_submit_worker", lambda ctx: queued.append(list(R._plans.get(R.WARM, []))))
    key = ("banana", "", "mh", 0.8, 1.0, 10, 2, 100, 777, "spread", (), 4.0)
    n = R.warm_plane(*key)
    plan = queued[-1]
    assert n == len(plan) == 13 * 22 - sum(k in R.RUNS for k in plan)  # every notch of T and σ
    assert {(k[4], k[3]) for k in plan} <= {(t_, s_) for t_ in R.TEMPERATURES for s_ in R._step_options("mh")}
    dist = [max(abs(R.TEMPERATURES.index(k[4]) - 6), abs(R._step_options("mh").index(k[3]) - 13)) for k in plan]
    assert dist == sorted(dist) and dist[0] <= 1  # nearest first
    assert R.warm_plane(*key) == 0  # once per link
    with R._cond:
        R._queue_locked("a student", [key])
        assert next(reversed(R._plans)) == "a student" and next(iter(R._plans)) == R.WARM  # students first
        R._plans.clear()


def test_a_first_view_holds_the_charts_back_until_the_picture_is_drawn():
    """The session's first picture goes out alone: no Plotly chart (plotly.js), no formula
    (KaTeX), metric or code block, which would delay it in the browser; the canvas says once
    that it has drawn, and the page then draws them."""
    from tests.apppages import open_page
    from ui.mcmc import tune as MT
    at = open_page("mcmc", {"steps": "200", "m": "50", "T": "999"}, drawn=False)
    assert at.get("plotly_chart") == [] and _clip(at)["ask_drawn"] is True
    assert at.metric == [] and at.latex == [] and at.code == []
    assert any("picture is drawn" in c.value for c in at.caption)
    assert any("999" in w.value for w in at.warning)  # the link's T was out of range
    at.session_state[MT.DRAWN] = at.session_state[MT.JUST_DRAWN] = True  # (what MT.drawn stores)
    at.run()
    assert len(at.get("plotly_chart")) == 2 and "ask_drawn" not in _clip(at)
    assert len(at.metric) == 5 and at.latex and "T=" in at.code[-1].value
    # the run that brings the charts still says what was wrong with the link (corrected by now)
    assert any("999" in w.value for w in at.warning)


def test_clicked_starting_points_live_in_the_link(monkeypatch):
    """Points clicked on the picture go into the link (pts=x,y;x,y) and come back from it: the
    chains start there; a refused value is a note, not an error, and leaves no points."""
    from tests.apppages import open_page
    from ui.mcmc import runs as R
    asked = []
    for name in ("run", "run_prefix"):
        real = getattr(R, name)
        monkeypatch.setattr(R, name, lambda *key, _real=real: asked.append(key) or _real(*key))
    at = open_page("mcmc", {"starts": "clicked", "pts": "1.5,-2;-0.25,3", "chains": "3", "steps": "100", "m": "10"})
    assert at.session_state["clicked"] == [[1.5, -2.0], [-0.25, 3.0]]
    assert asked[0][9:11] == ("clicked", ((1.5, -2.0), (-0.25, 3.0)))  # (the run's starts and points)
    assert at.query_params["pts"] == "1.5,-2;-0.25,3"
    assert "pts=1.5%2C-2%3B-0.25%2C3" in at.code[-1].value  # (the share link)
    # another start mode: the points stay in the session but leave the link
    at.sidebar.selectbox(key="starts__en").set_value("spread").run()
    assert "pts" not in at.query_params and at.session_state["clicked"] == [[1.5, -2.0], [-0.25, 3.0]]
    bad = open_page("mcmc", {"starts": "clicked", "pts": "1,2;oops"})
    assert any("x, y" in w.value for w in bad.warning) and bad.session_state["clicked"] == []
    far = open_page("mcmc", {"starts": "clicked", "pts": "1e6,0"})
    assert any("too far" in w.value for w in far.warning)
