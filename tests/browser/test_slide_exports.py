"""Exports for slides in Chromium (issue 13 §5): the picture's PNG button saves the frame shown
1920 px wide; the page's HTML file plays the clip offline, opened from file:// with no server."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from pagecheck import assert_no_errors

APP = Path(__file__).resolve().parents[2] / "app.py"
CANVAS = "[data-testid='ebm-chain-canvas']"


def _attr(page, name):
    return page.locator(CANVAS).get_attribute(name)


def test_png_and_offline_html(streamlit_server, browser, page, wait_for_app_idle, wait_until, tmp_path):
    url = streamlit_server(APP)
    page.goto(f"{url}/mcmc?chains=2&steps=300&m=50&seed=3")
    wait_until(lambda: int(_attr(page, "data-rendered") or 0) >= 1, timeout=60, message="the picture")
    wait_until(lambda: page.locator("[data-testid='stDownloadButton']").count() >= 1, timeout=60,
               message="the rest of the page")
    wait_for_app_idle(page)
    page.locator("[data-testid='ebm-play']").click()  # (pause: the PNG is of the frame shown)
    page.locator("[data-testid='ebm-play']").click()
    with page.expect_download() as dl:
        page.locator("[data-testid='ebm-png']").click()
    png = tmp_path / "frame.png"
    dl.value.save_as(png)
    w, h = Image.open(png).size
    assert w == 1920 and h > 600, (w, h)  # the picture drawn again at 1920 px, not a screen grab
    assert _attr(page, "data-export-size") == f"{w}x{h}"
    assert int(_attr(page, "data-rendered")) >= 1

    with page.expect_download() as dl:
        page.get_by_text("This clip as an HTML file").click()
    html = tmp_path / "clip.html"
    dl.value.save_as(html)
    assert html.stat().st_size > 20_000

    offline = browser.new_context(viewport={"width": 1280, "height": 720}, offline=True).new_page()
    errors = []
    offline.on("pageerror", lambda e: errors.append(str(e)))
    offline.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    offline.goto(html.as_uri())
    host = offline.locator(CANVAS)  # (inside the file's shadow root: Playwright pierces it)
    wait_until(lambda: int(host.get_attribute("data-rendered") or 0) >= 1, timeout=30, message="offline picture")
    if host.get_attribute("data-playing") == "1":  # (it plays by itself, as on the page)
        offline.locator("[data-testid='ebm-play']").click()
    wait_until(lambda: host.get_attribute("data-playing") == "0", message="paused, offline")
    step0 = int(host.get_attribute("data-step") or 0)
    offline.locator("[data-testid='ebm-step']").click()
    wait_until(lambda: int(host.get_attribute("data-step") or 0) == step0 + 1, message="a step, offline")
    offline.locator("[data-testid='ebm-play']").click()
    wait_until(lambda: int(host.get_attribute("data-step") or 0) > step0 + 5, message="playing, offline")
    assert offline.locator("[data-testid^='ebm-tune-']").count() == 0  # (no server: no sliders)
    assert not errors, errors
    offline.context.close()
    assert_no_errors(page)


def test_a_charts_camera_saves_it_at_projector_width(streamlit_server, page, wait_for_app_idle, wait_until,
                                                           tmp_path):
    """Any Plotly picture as a PNG for a slide: the chart toolbar's camera (ui/kit/present.png_config)."""
    url = streamlit_server(APP)
    page.goto(f"{url}/landscape?lang=zh")
    chart = page.locator("[data-testid='stPlotlyChart']").first
    wait_until(lambda: chart.locator(".main-svg").count() >= 1, timeout=60, message="the first chart")
    wait_for_app_idle(page)
    chart.scroll_into_view_if_needed()
    plot = chart.locator(".js-plotly-plot").first
    box = plot.bounding_box()
    chart.hover()
    camera = chart.locator(".modebar-btn[data-title*='png' i], .modebar-btn[data-title*='PNG']").first
    wait_until(lambda: camera.count() == 1, message="the camera button")
    with page.expect_download() as dl:
        camera.click()
    png = tmp_path / "chart.png"
    dl.value.save_as(png)
    w, h = Image.open(png).size
    height_css = page.evaluate("el => el.layout.height || 0", plot.element_handle())
    assert w == 1920 and h == 2 * (height_css or 540), (w, h, height_css, box)  # drawn again, not a screen grab
    assert_no_errors(page)
