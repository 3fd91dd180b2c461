"""The landscape explorer in a real browser: the page opens with its five charts (the 3D
surface drawn by WebGL), the temperature slider moves the basin mass and the URL, no error."""

from __future__ import annotations

import pytest

import time
from pathlib import Path

from PIL import Image

APP = Path(__file__).resolve().parents[2] / "app.py"
CHARTS = "[data-testid='stPlotlyChart']"


def _slider(page, label: str):
    return page.locator("[data-testid='stSlider']").filter(
        has=page.locator("[data-testid='stWidgetLabel']", has_text=label)
    )


def _slider_value(page, label: str) -> str:
    return _slider(page, label).locator("[data-testid='stSliderThumbValue']").inner_text().strip()


def _query(page) -> str:
    """The address bar's query (evaluated in the page: ``page.url`` alone does not pump
    Playwright's event loop, so it can miss a later history.replaceState)."""
    return page.evaluate("() => location.search")


def _metric(page, label: str) -> str:
    m = page.locator("[data-testid='stMetric']").filter(has=page.get_by_text(label, exact=True))
    return m.locator("[data-testid='stMetricValue']").inner_text().strip()


def _assert_no_errors(page, js_errors) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    errs = page.locator("[data-testid='stAlertContentError']")
    assert errs.count() == 0, errs.all_inner_texts()
    assert not js_errors, js_errors


def _drawn(page) -> bool:
    """Five Plotly charts (the masses' closed tab is not drawn), each with its SVG layer, and
    the surface's WebGL canvas."""
    return (page.locator(f"{CHARTS} .main-svg").count() >= 5
            and page.locator(f"{CHARTS} .gl-container canvas").count() >= 1)


@pytest.mark.slow
def test_open_and_move_the_temperature(streamlit_server, page, wait_for_app_idle, wait_until, tmp_path):
    url = streamlit_server(APP)
    js_errors: list[str] = []
    page.on("pageerror", lambda e: js_errors.append(str(e)))
    page.goto(f"{url}/landscape?walkers=4")
    page.wait_for_selector(CHARTS, timeout=60_000)
    wait_for_app_idle(page, timeout_ms=60_000)
    wait_until(lambda: _drawn(page), timeout=30, message="five charts drawn")
    assert page.locator("h1").first.inner_text().startswith("Energy landscapes")
    assert _metric(page, "Mass in basin 1 (deepest)") == "0.4000"
    _assert_no_errors(page, js_errors)

    # T = 1 -> 0.05 by keyboard (Home = the slider's lowest stop): the deepest well takes the mass
    thumb = _slider(page, "Temperature T").locator("input[type='range']")
    thumb.focus()
    t0 = time.monotonic()
    thumb.press("Home")
    wait_until(lambda: _metric(page, "Mass in basin 1 (deepest)") != "0.4000", timeout=30, message="new masses")
    wait_for_app_idle(page)
    print(f"slider -> new numbers: {time.monotonic() - t0:.2f} s")
    assert float(_metric(page, "Mass in basin 1 (deepest)")) > 0.99
    wait_until(lambda: "temp=0.05" in _query(page), timeout=10, message="T = 0.05 in the URL")
    wait_until(lambda: _drawn(page), timeout=30, message="charts redrawn")

    # and up one stop (0.1): still concentrated, the page stays whole
    thumb.focus()
    thumb.press("ArrowRight")
    wait_until(lambda: "temp=0.1" in _query(page), timeout=30, message="T = 0.1 in the URL")
    assert _slider_value(page, "Temperature T") == "0.1"
    wait_for_app_idle(page)
    wait_until(lambda: float(_metric(page, "Mass in basin 1 (deepest)")) < 0.99999, timeout=30,
               message="masses at T = 0.1")
    _assert_no_errors(page, js_errors)
    assert page.locator(CHARTS).count() == 5

    vp = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": vp["width"], "height": max(vp["height"], min(int(height) + 40, 4000))})
    page.wait_for_timeout(800)  # plotly relayout
    shot = tmp_path / "app_landscape.png"
    page.screenshot(path=str(shot), full_page=True)
    page.set_viewport_size(vp)
    # a picture, not a blank page: a heat map and surfaces give thousands of colours
    colours = Image.open(shot).convert("RGB").getcolors(maxcolors=4096)
    assert colours is None or len(colours) > 500, f"only {len(colours)} colours in the screenshot"
