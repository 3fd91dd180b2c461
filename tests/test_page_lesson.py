"""The lesson bar through Streamlit's AppTest: a link opens its step on its page with the step's
values, tabs and expanders; Next / Previous / the list move through the lesson; a question
hides the numbers until "Reveal"; hidden controls are hidden; bad names and steps get a clear
note; and (slow) every step of the shipped lesson opens with no exception and no "not valid"
or "outside" note, in English and in 中文."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from apppages import DRAWN, ROOT, assert_ok
from ui.lesson import schema

N_STEPS = len(schema.load("lecture5").steps)


def _k(title: str) -> int:
    """The number of the shipped step with this English title (steps get inserted: numbers move)."""
    return next(s.index for s in schema.load("lecture5").steps if s.title["en"] == title)


GIANT, TINY, GIBBS, LOW_E, COLD = (_k("A giant proposal width σ"), _k("A tiny proposal width σ"),
                                   _k("Gibbs sampling: one coordinate at a time"), _k("Low energy, high probability"),
                                   _k("Temperature: cold piles the mass into the deepest well"))
BAD_NOTES = ("not valid", "is outside", "无效", "超出范围")


def _open(step, lesson: str = "lecture5", **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state[DRAWN] = True  # (as a browser that has drawn the MCMC picture: the numbers follow it)
    at.query_params.update({"lesson": lesson, "step": str(step), **query})
    at.run()
    return assert_ok(at)


def _html(at: AppTest) -> str:
    return "\n".join(str(h.proto.body) for h in at.get("html"))


def _click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    return assert_ok(at)


def _no_bad_notes(at: AppTest, where) -> None:
    notes = [w.value for w in at.warning] + [e.value for e in at.error]
    assert not [n for n in notes if any(b in n for b in BAD_NOTES)], (where, notes)
    assert not at.error, (where, [e.value for e in at.error])


def test_a_link_opens_its_step_on_its_page():
    at = _open(GIANT)  # (app.py opens the home page first: the step switches to /mcmc)
    assert at.title[0].value.startswith("MCMC")
    assert at.session_state["sigma"] == 8.0 and at.session_state["target"] == "mixture"
    assert at.query_params["lesson"] == "lecture5" and at.query_params["step"] == str(GIANT)
    assert any("A giant proposal width σ" in m.value for m in at.markdown)
    assert any("Slide 15" in c.value for c in at.caption)
    assert r"q(x, x') = \mathcal{N}(x' \mid x, \sigma^2 I)" in at.latex[0].value
    _no_bad_notes(at, GIANT)
    # a question: the page's numbers are hidden until "Reveal" …
    assert "stMetricValue'] { visibility: hidden" in _html(at).replace("], [data-testid='stMain'] [data-testid='stMetricDelta'", "")
    at = _click(at, "lesson_reveal")
    assert "visibility: hidden" not in _html(at)
    assert any("A few per cent" in i.value for i in at.info)
    acceptance = float(next(m for m in at.metric if m.label == "Acceptance rate").value.rstrip("%"))
    assert acceptance < 10  # (what the answer says)


def test_next_previous_and_the_list():
    at = _open(GIANT)
    at = _click(at, "lesson_next")
    assert TINY == GIANT + 1 and at.query_params["step"] == str(TINY) and at.session_state["sigma"] == 0.1
    assert at.session_state["tabs_en"] == "Autocorrelation"  # the step's tab
    assert "visibility: hidden" in _html(at)  # the tiny σ has a question too: hidden again
    at = _click(at, "lesson_prev")
    assert at.query_params["step"] == str(GIANT) and at.session_state["sigma"] == 8.0
    assert "tabs_en" not in at.session_state or at.session_state["tabs_en"] == "Traces"  # back to the default tab
    at.selectbox(key="lesson_jump").select(LOW_E).run()
    assert_ok(at)
    assert at.title[0].value.startswith("Energy landscapes")  # another page: switched to it
    assert at.query_params["step"] == str(LOW_E) and at.query_params["view"] == "energy"
    assert "sigma" not in at.session_state  # the previous step's settings are gone (a step is a whole state)
    _no_bad_notes(at, LOW_E)


def test_hidden_controls_and_an_open_expander():
    at = _open(GIBBS)  # Gibbs on the Gaussian, the sampler hidden
    assert ".st-key-sampler__en" in _html(at) and "display: none" in _html(at)
    assert at.session_state["sampler"] == "gibbs"
    at = _click(at, "lesson_next")  # Algorithm 19.3: "Explain one step" open
    assert at.session_state["mcmc_explain"] is True
    assert "display: none" not in _html(at)
    assert any(r"p(x_1 \mid x_2) = \mathcal N" in lt.value for lt in at.latex)  # the explain panel drew


def test_a_tool_step_hides_the_rbm_views_above_it():
    at = _open(_k("Theorem 1: CD's bias shrinks as k grows"))
    assert ".st-key-rbm_views" in _html(at) and "display: none" in _html(at)
    assert ".st-key-rbm_model" in _html(at) and ".st-key-rbm_lab_controls" in _html(at)  # buttons, the lab's sliders
    at = _click(at, "lesson_prev")  # "Clamp half a digit": hidden too
    assert ".st-key-rbm_views" in _html(at) and ".st-key-rbm_model" in _html(at)
    at = _click(at, "lesson_prev")  # "Block Gibbs sampling": the chains are the picture, nothing hidden
    assert ".st-key-rbm_views" not in _html(at) and ".st-key-rbm_model" not in _html(at)


def test_a_bad_name_or_step_is_explained():
    at = _open(1, lesson="../secrets")
    assert "letters, digits" in at.error[0].value
    assert any("Lessons on this server: lecture5" in c.value for c in at.caption)
    assert at.title[0].value.startswith("EBM Lab")  # the page itself still works
    at = _open("99")
    assert any(f"Step `99` does not exist: this lesson has steps 1 … {N_STEPS}" in w.value for w in at.warning)
    assert at.query_params["step"] == str(N_STEPS)


def test_chinese():
    at = _open(COLD, lang="zh", present="true")  # (present is bound to the toggle: kept, never set)
    assert any("低温把概率质量堆进最深的谷" in m.value for m in at.markdown)
    # presentation mode: the compact bar, one line of step, slide and title
    assert any(m.value.startswith(f"{COLD}/{N_STEPS} · 第 26 页幻灯片 · **") for m in at.markdown)
    assert at.session_state["temp"] == 0.2 and at.session_state["present"] is True
    _no_bad_notes(at, COLD)


def _check_step(at: AppTest, k: int) -> None:
    step = schema.load("lecture5").steps[k - 1]
    assert at.query_params["step"] == str(k), k
    for key, raw in step.params.items():
        v = at.session_state[key]
        assert str(v) == raw or float(v) == float(raw), (k, key, v, raw)
    _no_bad_notes(at, k)


@pytest.mark.slow
def test_every_step_opens_cleanly_walking_with_next():
    """Walk the whole shipped lesson with Next: each step renders with no exception and no note
    about a refused value, with its values in the session and the URL."""
    at = _open(1)
    for k in range(1, N_STEPS + 1):
        _check_step(at, k)
        if k < N_STEPS:
            at = _click(at, "lesson_next")


@pytest.mark.slow
def test_every_step_opens_cleanly_from_its_link_in_chinese():
    """Each step's link on a fresh session, in 中文 (AppTest cannot rerun a page in 中文 after a
    click: it formats select boxes' values outside the script, in English)."""
    for k in range(1, N_STEPS + 1):
        _check_step(_open(k, lang="zh"), k)


def test_a_rerun_of_another_page_goes_back_to_the_steps_page():
    """A rerun of the previous page can cross a step's switch of page (in Chromium: a clicker key's
    trigger sent again while /mcmc switched to /landscape drew /mcmc with the landscape step's
    link).  The step's page wins: the bar switches back to it."""
    at = _open(GIANT)
    assert at.title[0].value.startswith("MCMC")
    at.switch_page("app_pages/landscape.py").run()  # (the link still names the lesson and the step)
    assert_ok(at)
    assert at.title[0].value.startswith("MCMC") and at.query_params["step"] == str(GIANT)
    assert at.session_state["sigma"] == 8.0
