"""Learning a 2D EBM in a real browser: the landscape page's learn mode, another data set,
live training ticks, a live slider, pause; no error shown.  (Sampling, annealing, reset and
中文 are covered by tests/test_page_ebm2d.py.)"""

from __future__ import annotations

import pytest

import time
from pathlib import Path

from pagecheck import assert_no_errors, screenshot_whole_page

APP = Path(__file__).resolve().parents[2] / "app.py"


def _metric(page, label: str) -> str:
    m = page.locator("[data-testid='stMetric']").filter(
        has=page.locator("[data-testid='stMetricLabel']", has_text=label))
    return m.locator("[data-testid='stMetricValue']").first.inner_text().strip()


def _updates(page) -> int:
    try:
        return int(_metric(page, "Updates").replace(",", ""))
    except Exception:  # between two ticks the metric is being redrawn
        return -1


def _href(page) -> str:
    # page.url is a cached property: a polling loop of it never lets the sync API process the
    # browser's history events, so ask the page itself.
    return page.evaluate("() => location.href")


def _slider(page, label: str):
    return page.locator("[data-testid='stSlider']").filter(
        has=page.locator("[data-testid='stWidgetLabel']", has_text=label))


@pytest.mark.slow
def test_learn_mode_trains_live(streamlit_server, page, wait_for_app_idle, wait_until, tmp_path):
    url = streamlit_server(APP)
    js_errors: list[str] = []
    page.on("pageerror", lambda e: js_errors.append(str(e)))
    page.goto(f"{url}/landscape")
    wait_for_app_idle(page, timeout_ms=60_000)

    # the mode switch at the top of the page
    page.get_by_text("Learn an EBM from data", exact=True).click()
    wait_until(lambda: page.get_by_text("Learning an energy-based model by maximum likelihood").count() > 0,
               timeout=30, message="the learn mode")
    wait_for_app_idle(page)
    # it opens with the shipped model on screen (issue 13 §2)
    wait_until(lambda: _updates(page) == 2000, timeout=30, message="the shipped model")
    assert page.get_by_text("On screen: the shipped model", exact=False).count() == 1

    # another data set through the sidebar select box
    box = page.locator("[data-testid='stSelectbox']").filter(has=page.get_by_text("Data set", exact=True))
    box.click()
    page.get_by_role("option", name="Two moons").click()
    wait_until(lambda: box.locator("input").input_value() == "Two moons", timeout=30, message="moons chosen")
    # the server's rerun puts the choice in the address bar (idle may be seen before it starts)
    wait_until(lambda: "ml_data=moons" in _href(page), timeout=30, message="moons in the URL")
    wait_for_app_idle(page)

    # Train: the fragment ticks on its own and the counter climbs
    page.get_by_role("button", name="▶ Train").click()
    wait_until(lambda: _updates(page) > 0, timeout=30, message="the first tick")
    first = _updates(page)
    wait_until(lambda: _updates(page) > first, timeout=30, message="more ticks")

    # A live slider (ε) while training: the model carries on, it is not restarted
    eps = _slider(page, "Langevin step size ε")
    value = lambda: eps.locator("[data-testid='stSliderThumbValue']").inner_text()  # noqa: E731
    assert value() == "0.02"
    for _ in range(3):  # a key press can land while the tick redraws the page: try again
        thumb = eps.locator("input[type='range']")
        thumb.focus()
        thumb.press("ArrowLeft")
        try:
            wait_until(lambda: value() == "0.01", timeout=5, message="ε to move")
            break
        except AssertionError:
            continue
    wait_until(lambda: "ml_eps=0.01" in _href(page), timeout=30, message="ε in the URL")
    wait_until(lambda: page.get_by_text("ε = 0.01, α").count() == 1, timeout=30, message="the model uses the new ε")
    before = max(_updates(page), first)
    wait_until(lambda: _updates(page) > before, timeout=30, message="ticks after the slider")

    # Pause: the counter stands still
    page.get_by_role("button", name="Pause").click()
    wait_until(lambda: page.get_by_role("button", name="▶ Resume").count() == 1, timeout=30, message="paused")
    wait_for_app_idle(page)
    paused = _updates(page)
    time.sleep(1.0)  # 2.5 tick periods
    assert _updates(page) == paused > first
    assert_no_errors(page)
    assert not js_errors, js_errors
    # The landscape as the class sees it: the energy heatmap under the data and the negative samples.
    landscape = page.locator("[data-testid='stPlotlyChart']").first
    assert landscape.locator(".heatmaplayer image").count() == 1
    assert landscape.locator(".scatterlayer path.point").count() > 500  # 1,500 data points drawn + negatives
    screenshot_whole_page(page, str(tmp_path / "app_ebm2d.png"), settle_ms=400)  # for a human to look at
