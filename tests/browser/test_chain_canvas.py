"""The chain canvas in a real browser: playback, controls, slider → new clip, click → data coords."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from conftest import APPS, wait_for_app_idle, wait_until

DEMO = APPS / "canvas_demo.py"
ROOT_SEL = "[data-testid='ebm-chain-canvas']"
SCREENSHOT = "/tmp/canvas_demo.png"


def _attr(page, name: str) -> str | None:
    return page.locator(ROOT_SEL).get_attribute(name)


def _int_attr(page, name: str) -> int:
    v = _attr(page, name)
    return int(v) if v is not None else -1


def test_chain_canvas_plays_and_responds(streamlit_server, page):
    url = streamlit_server(DEMO)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{url}/?steps=2000&chains=4&speed=60")
    page.wait_for_selector(ROOT_SEL, state="attached")
    wait_for_app_idle(page)
    wait_until(lambda: _int_attr(page, "data-rendered") >= 1, message="first render")
    root = page.locator(ROOT_SEL)
    assert root.get_attribute("data-n-steps") == "2000"

    # autoplay: the step counter advances while playing
    assert _attr(page, "data-playing") == "1"
    s0 = _int_attr(page, "data-step")
    wait_until(lambda: _int_attr(page, "data-step") >= s0 + 20, message="data-step to advance")
    assert _int_attr(page, "data-frames") > 0
    counter = page.locator("[data-testid='ebm-counter']").inner_text()
    assert re.fullmatch(r"step \d+ / 2000", counter), counter

    # Pause stops it
    page.locator("[data-testid='ebm-play']").click()
    wait_until(lambda: _attr(page, "data-playing") == "0", message="pause")
    paused_at = _int_attr(page, "data-step")
    time.sleep(0.4)
    assert _int_attr(page, "data-step") == paused_at

    # Step: one transition
    page.locator("[data-testid='ebm-step']").click()
    wait_until(lambda: _int_attr(page, "data-step") == paused_at + 1, message="step +1")
    assert _attr(page, "data-playing") == "0"

    # Reset: back to 0
    page.locator("[data-testid='ebm-reset']").click()
    wait_until(lambda: _int_attr(page, "data-step") == 0, message="reset to 0")
    assert page.locator("[data-testid='ebm-counter']").inner_text() == "step 0 / 2000"

    # Play again from 0, then Pause
    page.locator("[data-testid='ebm-play']").click()
    wait_until(lambda: _int_attr(page, "data-step") > 0, message="replay")
    page.locator("[data-testid='ebm-play']").click()
    wait_until(lambda: _attr(page, "data-playing") == "0", message="pause again")

    # Streamlit slider -> a new clip reaches the canvas and is drawn
    rendered = _int_attr(page, "data-rendered")
    # Streamlit 1.67's slider is react-aria: a visually hidden <input type="range"> per thumb
    thumb = page.locator("[data-testid='stSlider'] input[type='range']").first
    thumb.focus()
    thumb.press("ArrowRight")
    wait_until(lambda: _int_attr(page, "data-rendered") > rendered, timeout=30, message="re-render after slider")
    wait_for_app_idle(page)
    assert _int_attr(page, "data-rendered") == rendered + 1  # one payload, one render
    assert page.locator(ROOT_SEL).count() == 1  # the canvas is reused, not duplicated
    assert page.locator(f"{ROOT_SEL} canvas").count() == 1

    # Click at a known data point -> the app receives those coordinates
    plot = json.loads(_attr(page, "data-plot"))
    x0, x1, y0, y1 = plot["box"]
    tx, ty = 1.0, -0.5
    s = plot["width"] / (x1 - x0)
    cx = plot["left"] + (tx - x0) * s
    cy = plot["top"] + (y1 - ty) * s
    page.locator(f"{ROOT_SEL} canvas").click(position={"x": cx, "y": cy})
    md = page.get_by_text(re.compile(r"last click: -?\d+\.\d{4}, -?\d+\.\d{4}"))
    md.wait_for(timeout=30_000)
    wait_for_app_idle(page)
    got = [float(v) for v in re.findall(r"-?\d+\.\d{4}", md.inner_text())]
    tol = 1.5 / s  # a pixel and a half
    assert abs(got[0] - tx) < tol and abs(got[1] - ty) < tol, (got, (tx, ty), tol)
    # a click does not restart the clip (same data, no new render)
    assert _attr(page, "data-playing") == "0"

    # play to a mid point for the screenshot
    page.locator("[data-testid='ebm-reset']").click()
    for _ in range(150):
        page.locator("[data-testid='ebm-step']").click()
    assert _int_attr(page, "data-step") == 150

    assert page.locator("[data-testid='stException']").count() == 0
    assert not errors, errors
    page.screenshot(path=SCREENSHOT, full_page=True)
    assert Path(SCREENSHOT).stat().st_size > 10_000
