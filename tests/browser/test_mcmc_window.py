"""The MCMC page's linked diagnostics in Chromium: dragging a window on the x trace redraws the
histograms in the browser (their bars change) and the server's numbers follow for that window.

Also measured (printed with -s, never asserted as times): the bytes the browser receives for the
brush's rerun (the chart itself comes as a reference to the copy the browser holds) and the panel's
own server time, which the page shows."""

from __future__ import annotations

import re
import time
from pathlib import Path

from pagecheck import NEXT_FRAMES_JS, assert_no_errors

APP = Path(__file__).resolve().parents[2] / "app.py"
QUERY = "mcmc_window=true&steps=1000&m=100"
CHART = "[data-testid='stVegaLiteChart']"


def _bars(page) -> list[str]:
    """The histograms' bars (the SVG paths of the marks of the views named hist_…), in drawing order."""
    return page.evaluate(f"""() => [...document.querySelectorAll("{CHART} g.mark-rect.role-mark[class*='hist_'] path")]
                                   .map(p => (p.getAttribute('transform') || '') + p.getAttribute('d'))""")


def _window(page) -> str:
    box = page.locator("[data-testid='stMetric']").filter(
        has=page.locator("[data-testid='stMetricLabel']", has_text=re.compile(r"^\s*Window\s*$")))
    return box.locator("[data-testid='stMetricValue']").inner_text().strip()


def test_brushing_the_trace_redraws_the_histograms(streamlit_server, page, wait_for_app_idle, wait_until):
    url = streamlit_server(APP)
    received: list[int] = []

    def on_ws(ws):
        ws.on("framereceived", lambda payload: received.append(len(payload)))
    page.on("websocket", on_ws)
    page.goto(f"{url}/mcmc?{QUERY}")
    wait_for_app_idle(page, timeout_ms=90_000)
    wait_until(lambda: page.locator(CHART).count() == 1, timeout=60, message="the linked chart")
    chart = page.locator(CHART)
    chart.scroll_into_view_if_needed()
    wait_until(lambda: len(_bars(page)) > 10, timeout=30, message="the histogram bars")
    wait_for_app_idle(page)
    assert _window(page) == "steps 101 … 1,000"
    before = _bars(page)

    # Drag across the x trace: its plot area is the first line mark's group.
    trace_x = page.locator(f"{CHART} g.mark-line.role-mark").first
    trace_x.evaluate("g => g.scrollIntoView({block: 'center'})")  # (not under Streamlit's sticky header)
    page.evaluate(NEXT_FRAMES_JS)
    area = trace_x.bounding_box()
    y = area["y"] + area["height"] / 2
    x0, x1 = area["x"] + 0.02 * area["width"], area["x"] + 0.12 * area["width"]  # ≈ steps 20 … 120
    received.clear()
    t0 = time.perf_counter()
    page.mouse.move(x0, y)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, y, steps=5)
    page.mouse.move(x1, y, steps=5)
    page.mouse.up()
    page.evaluate(NEXT_FRAMES_JS)
    page.screenshot(path="/tmp/i14a_brush.png", full_page=False)
    after = _bars(page)
    assert after != before, "the histograms did not change with the brush"
    wait_until(lambda: _window(page) != "steps 101 … 1,000", timeout=30, message="the window's numbers")
    wait_for_app_idle(page)
    elapsed = time.perf_counter() - t0
    a, b = (int(v.replace(",", "")) for v in re.findall(r"[\d,]+", _window(page)))
    assert 1 <= a < b <= 200, (a, b)
    assert_no_errors(page)
    ms = re.search(r"took (\d+) ms", page.locator("[data-testid='stCaptionContainer']").filter(
        has_text="This panel took").inner_text())
    print(f"\nbrush → numbers: {elapsed:.2f} s in the browser; panel on the server {ms.group(1)} ms; "
          f"{sum(received):,} bytes received in {len(received)} frames")
    assert sum(received) < 50_000, "the brush's rerun sent the chart's data again"
