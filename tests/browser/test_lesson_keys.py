"""A lesson in a real browser, driven by the keys a presentation clicker sends: PageDown / → go
forward, PageUp / ← back, across pages; an arrow key on a focused slider moves the slider, not
the lesson; a question hides the numbers until "Reveal" is clicked."""

from __future__ import annotations

from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app.py"


def _query(page) -> str:
    return page.evaluate("() => location.search")


def _step(page) -> str | None:
    q = dict(p.split("=", 1) for p in _query(page).lstrip("?").split("&") if "=" in p)
    return q.get("step")


def _keys_ready(page) -> bool:
    return page.evaluate("() => !!(window.__ebmLessonKeys && window.__ebmLessonKeys.send)")


def _metric_hidden(page) -> bool:
    return page.evaluate("""() => {
        const m = document.querySelector("[data-testid='stMain'] [data-testid='stMetricValue']");
        return m ? getComputedStyle(m).visibility === "hidden" : null; }""")


def _press_and_wait(page, key, step, wait_until, wait_for_app_idle):
    page.keyboard.press(key)
    wait_until(lambda: _step(page) == step, timeout=60, message=f"{key} -> step {step}")
    wait_for_app_idle(page, timeout_ms=60_000)
    wait_until(lambda: _keys_ready(page), timeout=30, message="the key listener mounted")


@pytest.mark.slow
@pytest.mark.xfail(strict=False, reason="flaky on the merged main (about half the runs at load 2-4): after some "
                   "step changes the key listener's send is gone for > 30 s (window.__ebmLessonKeys.send null); "
                   "cause not found yet (not the MCMC page's charts-after-picture rerun: it fails without it too)")
def test_clicker_keys_walk_the_lesson(streamlit_server, page, wait_for_app_idle, wait_until):
    url = streamlit_server(APP)
    js_errors: list[str] = []
    page.on("pageerror", lambda e: js_errors.append(str(e)))
    page.goto(f"{url}/?lesson=lecture5&step=6")
    wait_until(lambda: _step(page) == "6" and "sampler=mh-independent" in _query(page), timeout=60,
               message="step 6 on /mcmc")
    wait_for_app_idle(page, timeout_ms=60_000)
    wait_until(lambda: _keys_ready(page), timeout=30, message="the key listener mounted")
    assert page.locator("h1").first.inner_text().startswith("MCMC")

    # PageDown: step 7 (σ = 8), a question: the numbers are hidden until "Reveal"
    _press_and_wait(page, "PageDown", "7", wait_until, wait_for_app_idle)
    wait_until(lambda: "sigma=8" in _query(page), timeout=30, message="sigma=8 in the URL")
    wait_until(lambda: _metric_hidden(page) is True, timeout=30, message="numbers hidden")
    page.get_by_role("button", name="Reveal the numbers").click()
    wait_until(lambda: _metric_hidden(page) is False, timeout=30, message="numbers revealed")
    wait_for_app_idle(page, timeout_ms=60_000)

    # → twice: steps 8, 9; ← and PageUp: back to 7
    _press_and_wait(page, "ArrowRight", "8", wait_until, wait_for_app_idle)
    _press_and_wait(page, "ArrowRight", "9", wait_until, wait_for_app_idle)
    assert "sampler=gibbs" in _query(page)
    _press_and_wait(page, "ArrowLeft", "8", wait_until, wait_for_app_idle)
    _press_and_wait(page, "PageUp", "7", wait_until, wait_for_app_idle)

    # an arrow key on a focused slider is the slider's (here: the sidebar's chains slider)
    thumb = page.locator("[data-testid='stSlider']").filter(
        has=page.locator("[data-testid='stWidgetLabel']", has_text="Chains")).locator("input[type='range']")
    thumb.focus()
    thumb.press("ArrowRight")
    wait_until(lambda: "chains=5" in _query(page), timeout=30, message="the slider moved")
    wait_for_app_idle(page, timeout_ms=60_000)
    assert _step(page) == "7"

    # across pages: from step 10 (/mcmc) to step 11 (/landscape) with the key
    page.goto(f"{url}/mcmc?lesson=lecture5&step=10")
    wait_until(lambda: _step(page) == "10", timeout=60, message="step 10")
    wait_for_app_idle(page, timeout_ms=60_000)
    wait_until(lambda: _keys_ready(page), timeout=30, message="the key listener mounted")
    # the step opened "Explain one step": the expander's own binding puts it in the link
    wait_until(lambda: "mcmc_explain=true" in _query(page), timeout=30, message="the open expander in the URL")
    _press_and_wait(page, "PageDown", "11", wait_until, wait_for_app_idle)
    assert "mcmc_explain" not in _query(page)
    wait_until(lambda: "/landscape" in page.evaluate("() => location.pathname"), timeout=30,
               message="switched to /landscape")
    wait_until(lambda: page.locator("h1").first.inner_text().startswith("Energy landscapes"), timeout=30,
               message="the landscape page")
    assert page.locator("[data-testid='stException']").count() == 0
    assert not js_errors, js_errors
