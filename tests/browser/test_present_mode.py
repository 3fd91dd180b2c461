"""Presentation mode (``?present=true``, issue 13 §3) in Chromium, in English and 中文.

At 1280×720 and 1920×1080 the page's main picture and the controls that drive it lie within
the first screen (no scrolling), and at 1280×720 every visible text (the page's, the chain
canvas's and Plotly's SVG text, measured as computed font sizes), every font size Plotly is
asked to draw (its ``_fullLayout``: ticks, axis titles, legends, colour bars, 3D scenes) and the
chain canvas's own labels (``data-label-px``, the size its smallest label is drawn at) are at
least 18 CSS px.  Screenshots of the first screen go to ``EBM_PRESENT_SHOTS`` when it is set.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import new_page
from pagecheck import NEXT_FRAMES_JS, assert_no_errors
from present_check import BOX_JS, PLOTLY_SIZES_JS, TEXT_SIZES_JS

APP = Path(__file__).resolve().parents[2] / "app.py"
MIN_PX = 18.0
CANVAS = "[data-testid='ebm-chain-canvas']"
PLOTS = "[data-testid=stMain] .js-plotly-plot .main-svg"
SCREENS = ((1280, 720), (1920, 1080))


@pytest.fixture
def screen(browser):
    with new_page(browser, *SCREENS[0], timeout_ms=60_000) as pg:
        yield pg


def _shot(page, name: str) -> None:
    where = os.environ.get("EBM_PRESENT_SHOTS")
    if where:
        page.mouse.move(5, 5)
        page.screenshot(path=str(Path(where) / f"{name}.png"))


def _small_texts(page) -> list[tuple]:
    return sorted({(t["text"], t["px"]) for t in page.evaluate(TEXT_SIZES_JS) if t["px"] < MIN_PX - 0.01})


def _small_plotly(page) -> list:
    charts = page.evaluate(PLOTLY_SIZES_JS)
    assert charts and all(c["sizes"] for c in charts), charts
    return [(what, px) for c in charts for what, px in c["sizes"] if px < MIN_PX]


def _outside(page, selectors: list[str]) -> dict:
    """The selectors whose element is missing or not wholly within the first screen."""
    vp = page.viewport_size
    bad = {}
    for sel in selectors:
        b = page.evaluate(BOX_JS, sel)
        if b is None or b[0] < -0.5 or b[1] < -0.5 or b[2] > vp["width"] + 0.5 or b[3] > vp["height"] + 0.5 \
                or b[2] - b[0] < 20 or b[3] - b[1] < 10:
            bad[sel] = b
    return bad


def _each_screen(page, selectors: list[str], name: str) -> dict:
    """Fit on each screen size; back at 1280×720 at the end. Returns the picture's size per screen."""
    sizes = {}
    for w, h in SCREENS:
        page.set_viewport_size({"width": w, "height": h})
        page.evaluate(NEXT_FRAMES_JS)
        page.wait_for_timeout(250)  # (Plotly's own resize handler)
        assert page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTop") == 0
        assert not _outside(page, selectors), (w, h, _outside(page, selectors))
        b = page.evaluate(BOX_JS, selectors[0])
        sizes[(w, h)] = (round(b[2] - b[0]), round(b[3] - b[1]))
        _shot(page, f"{name}-{w}x{h}")
    page.set_viewport_size({"width": 1280, "height": 720})
    return sizes


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_mcmc_in_presentation_mode(streamlit_server, screen, wait_for_app_idle, wait_until, lang):
    page = screen
    page.goto(f"{streamlit_server(APP)}/mcmc?present=true&lang={lang}")
    canvas = page.locator(CANVAS)
    wait_until(lambda: int(canvas.get_attribute("data-rendered") or 0) >= 1, timeout=60, message="the picture")
    wait_until(lambda: page.locator("[data-testid='stMetric']").count() == 5, timeout=60, message="the numbers")
    wait_until(lambda: page.locator(PLOTS).count() >= 2, timeout=60, message="the trace charts")
    wait_for_app_idle(page)
    page.evaluate(NEXT_FRAMES_JS)
    assert_no_errors(page)
    # the canvas's labels: drawn 1.5 times larger (its smallest, the colour bar's ticks, 12 -> 18 px)
    assert float(canvas.get_attribute("data-label-px")) >= MIN_PX
    assert not _small_texts(page), _small_texts(page)
    assert not _small_plotly(page), _small_plotly(page)
    # the picture with its T and step-size sliders, play / step / reset and the speed
    sizes = _each_screen(page, [CANVAS, ".ebm-tune", ".ebm-stage", "[data-testid='ebm-play']",
                                "[data-testid='ebm-reset']", "[data-testid='ebm-speed']"], f"mcmc-{lang}")
    assert sizes[(1920, 1080)][1] > sizes[(1280, 720)][1]  # (the picture grows with the screen)
    # the controls' column stays below the sliders (a taller column once spilled over them)
    assert page.evaluate(BOX_JS, "[data-testid='ebm-play']")[1] >= page.evaluate(BOX_JS, ".ebm-tune")[3] - 0.5
    # ... and the page makes room for it: nothing below is laid over the picture
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.evaluate(NEXT_FRAMES_JS)
    below = page.evaluate(BOX_JS, "[data-testid='stMetric']")[1]
    assert below >= page.evaluate(BOX_JS, CANVAS)[3], "the numbers are drawn over the picture"
    page.set_viewport_size({"width": 1280, "height": 720})


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_landscape_in_presentation_mode(streamlit_server, screen, wait_for_app_idle, wait_until, lang):
    page = screen
    page.goto(f"{streamlit_server(APP)}/landscape?present=true&lang={lang}")
    wait_until(lambda: page.locator(PLOTS).count() >= 5, timeout=60, message="five charts")
    wait_until(lambda: page.locator("[data-testid=stMain] .gl-container canvas").count() >= 1, timeout=30,
               message="the 3D surface")
    wait_for_app_idle(page)
    page.evaluate(NEXT_FRAMES_JS)
    assert_no_errors(page)
    assert not _small_texts(page), _small_texts(page)
    assert not _small_plotly(page), _small_plotly(page)
    # the two pictures and the controls that drive them (T, what is drawn, the walkers)
    _each_screen(page, [".st-key-ls_contour", ".st-key-ls_surface", ".st-key-temp", f".st-key-view__{lang}",
                        ".st-key-walkers"], f"landscape-{lang}")


@pytest.mark.slow  # (with the four above, past the file's ~40 s on a shared machine)
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("path", ["rbm", "deep"])
def test_rbm_and_deep_in_presentation_mode(streamlit_server, screen, wait_for_app_idle, wait_until, path, lang):
    """The RBM and DBN/DBM pages (their shipped model loaded, ``training.load_once``): every text
    and every Plotly font at least 18 px, and their first picture (the Gibbs chains; the digits
    0–9 drawn now) within the first screen.  (Their sampling controls are in the sidebar, which
    presentation mode tucks away.)"""
    page = screen
    page.goto(f"{streamlit_server(APP)}/{path}?present=true&lang={lang}")
    wait_until(lambda: page.locator("[data-testid=stMain] [data-testid=stImage] img").count() >= 1, timeout=60,
               message="the model's picture")
    wait_for_app_idle(page, timeout_ms=60_000)
    page.evaluate(NEXT_FRAMES_JS)
    assert_no_errors(page)
    assert not _small_texts(page), _small_texts(page)
    charts = page.evaluate(PLOTLY_SIZES_JS)
    assert not [(w, px) for c in charts for w, px in c["sizes"] if px < MIN_PX]
    assert not _outside(page, ["[data-testid=stMain] [data-testid=stImage] img"])
    _shot(page, f"{path}-{lang}-1280x720")
