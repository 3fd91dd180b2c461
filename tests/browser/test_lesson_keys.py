"""A lesson in a real browser, driven by the keys a presentation clicker sends: PageDown / → go
forward, PageUp / ← back, across pages; an arrow key on a focused slider moves the slider, not
the lesson; a question hides the numbers until "Reveal" is clicked."""

from __future__ import annotations

from pathlib import Path

import pytest

from ui.lesson import schema

APP = Path(__file__).resolve().parents[2] / "app.py"


def _k(title: str) -> str:
    """The shipped step with this English title, as the link's step= text (steps get inserted)."""
    return str(next(s.index for s in schema.load("lecture5").steps if s.title["en"] == title))


INDEP, BALANCE, GIANT, TINY, GIBBS, ALG193, LOW_E = (
    _k("An independence proposal: q(x, x′) = q(x′)"), _k("Detailed balance, checked pair by pair"), _k("A giant proposal width σ"), _k("A tiny proposal width σ"),
    _k("Gibbs sampling: one coordinate at a time"), _k("Algorithm 19.3: the two full conditionals"),
    _k("Low energy, high probability"))


def _query(page) -> str:
    return page.evaluate("() => location.search")


def _step(page) -> str | None:
    q = dict(p.split("=", 1) for p in _query(page).lstrip("?").split("&") if "=" in p)
    return q.get("step")


def _keys_ready(page) -> bool:
    return page.evaluate("() => !!(window.__ebmLessonKeys && window.__ebmLessonKeys.ready())")


def _metric_hidden(page) -> bool:
    return page.evaluate("""() => {
        const m = document.querySelector("[data-testid='stMain'] [data-testid='stMetricValue']");
        return m ? getComputedStyle(m).visibility === "hidden" : null; }""")


def _wait_query(page, text: str, wait_until) -> None:
    try:
        wait_until(lambda: text in _query(page), timeout=30, message=f"{text} in the URL")
    except AssertionError as e:
        raise AssertionError(f"{e}; the URL: {_query(page)}") from None


def _state(page) -> str:
    return page.evaluate("""() => location.pathname + location.search + " mounts: " + JSON.stringify(
        window.__ebmLessonKeys ? window.__ebmLessonKeys.mounts.map(m => [m.step, !m.parent || m.parent.isConnected])
                               : null)""")


def _press_and_wait(page, key, step, wait_until, wait_for_app_idle):
    page.keyboard.press(key)
    try:
        wait_until(lambda: _step(page) == step, timeout=60, message=f"{key} -> step {step}")
        wait_for_app_idle(page, timeout_ms=60_000)
        wait_until(lambda: _keys_ready(page), timeout=30, message="the key listener mounted")
    except AssertionError as e:
        raise AssertionError(f"{e}; {_state(page)}") from None


@pytest.mark.slow
def test_clicker_keys_walk_the_lesson(streamlit_server, page, wait_for_app_idle, wait_until):
    url = streamlit_server(APP)
    js_errors: list[str] = []
    page.on("pageerror", lambda e: js_errors.append(str(e)))
    page.goto(f"{url}/mcmc?lesson=lecture5&step={INDEP}")
    wait_until(lambda: _step(page) == INDEP and "sampler=mh-independent" in _query(page), timeout=60,
               message="the independence sampler's step on /mcmc")
    wait_for_app_idle(page, timeout_ms=60_000)
    wait_until(lambda: _keys_ready(page), timeout=30, message="the key listener mounted")
    assert page.locator("h1").first.inner_text().startswith("MCMC")

    # PageDown: detailed balance on /foundations (another page), PageDown: back on /mcmc, the giant
    # σ (= 8), a question: the numbers are hidden until "Reveal"
    assert int(BALANCE) == int(INDEP) + 1 and int(GIANT) == int(BALANCE) + 1
    _press_and_wait(page, "PageDown", BALANCE, wait_until, wait_for_app_idle)
    wait_until(lambda: page.locator("h1").first.inner_text().startswith("Foundations"), timeout=30,
               message="the Foundations page")
    _press_and_wait(page, "PageDown", GIANT, wait_until, wait_for_app_idle)
    _wait_query(page, "sigma=8", wait_until)
    wait_until(lambda: _metric_hidden(page) is True, timeout=30, message="numbers hidden")
    page.get_by_role("button", name="Reveal the numbers").click()
    wait_until(lambda: _metric_hidden(page) is False, timeout=30, message="numbers revealed")
    wait_for_app_idle(page, timeout_ms=60_000)

    # → twice: the tiny σ, Gibbs; ← and PageUp: back to the giant σ
    _press_and_wait(page, "ArrowRight", TINY, wait_until, wait_for_app_idle)
    _press_and_wait(page, "ArrowRight", GIBBS, wait_until, wait_for_app_idle)
    assert "sampler=gibbs" in _query(page)
    _press_and_wait(page, "ArrowLeft", TINY, wait_until, wait_for_app_idle)
    _press_and_wait(page, "PageUp", GIANT, wait_until, wait_for_app_idle)

    # an arrow key on a focused slider is the slider's (here: the sidebar's chains slider)
    thumb = page.locator("[data-testid='stSlider']").filter(
        has=page.locator("[data-testid='stWidgetLabel']", has_text="Chains")).locator("input[type='range']")
    thumb.focus()
    thumb.press("ArrowRight")
    _wait_query(page, "chains=5", wait_until)  # the slider moved
    wait_for_app_idle(page, timeout_ms=60_000)
    assert _step(page) == GIANT

    # across pages: from Algorithm 19.3 (/mcmc) to the first landscape step with the key
    assert int(LOW_E) == int(ALG193) + 1
    page.goto(f"{url}/mcmc?lesson=lecture5&step={ALG193}")
    wait_until(lambda: _step(page) == ALG193, timeout=60, message="Algorithm 19.3's step")
    wait_for_app_idle(page, timeout_ms=60_000)
    wait_until(lambda: _keys_ready(page), timeout=30, message="the key listener mounted")
    # the step opened "Explain one step": the expander's own binding puts it in the link
    wait_until(lambda: "mcmc_explain=true" in _query(page), timeout=30, message="the open expander in the URL")
    _press_and_wait(page, "PageDown", LOW_E, wait_until, wait_for_app_idle)
    assert "mcmc_explain" not in _query(page)
    wait_until(lambda: "/landscape" in page.evaluate("() => location.pathname"), timeout=30,
               message="switched to /landscape")
    wait_until(lambda: page.locator("h1").first.inner_text().startswith("Energy landscapes"), timeout=30,
               message="the landscape page")
    assert page.locator("[data-testid='stException']").count() == 0
    assert not js_errors, js_errors
