"""The MCMC page's linked diagnostics in Chromium: dragging a window on the x trace redraws the
histograms in the browser (their bars change) and the server's numbers follow for that window.

A brush reruns the panel's fragment only (no page run), and its answer is small: the chart comes
back as a reference to the copy the browser holds (Streamlit's message cache).  Printed with -s,
never asserted: the time from mouse-up to the server's answer, the panel's own server time (which
the page shows) and the bytes received."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from pagecheck import NEXT_FRAMES_JS, assert_no_errors

APP = Path(__file__).resolve().parents[2] / "app.py"

QUERIES = {  # (steps n, burn-in m, chains)
    "default": (1000, 100, 4),
    # The page's largest run: 1,667 of its 5,000 steps per chain go to the browser.
    "largest": pytest.param((5000, 500, 16), marks=pytest.mark.slow),
}
CHART = "[data-testid='stVegaLiteChart']"


def _bars(page) -> list[str]:
    """The histograms' bars (the SVG paths of the marks of the views named hist_…), in drawing order."""
    return page.evaluate(f"""() => [...document.querySelectorAll("{CHART} g.mark-rect.role-mark[class*='hist_'] path")]
                                   .map(p => (p.getAttribute('transform') || '') + p.getAttribute('d'))""")


def _window(page) -> str:
    box = page.locator("[data-testid='stMetric']").filter(
        has=page.locator("[data-testid='stMetricLabel']", has_text=re.compile(r"^\s*Window\s*$")))
    return box.locator("[data-testid='stMetricValue']").inner_text().strip()


@pytest.mark.parametrize("run", QUERIES.values(), ids=QUERIES.keys())
def test_brushing_the_trace_redraws_the_histograms(streamlit_server, page, wait_for_app_idle, wait_until, run):
    n, m, chains = run
    url = streamlit_server(APP)
    received: list[tuple[float, int, ForwardMsg]] = []  # (when, bytes, message)

    def on_frame(payload):
        if isinstance(payload, bytes):
            received.append((time.perf_counter(), len(payload), ForwardMsg.FromString(payload)))

    def on_ws(ws):
        ws.on("framereceived", on_frame)
    page.on("websocket", on_ws)
    page.goto(f"{url}/mcmc?mcmc_window=true&steps={n}&m={m}&chains={chains}")
    wait_for_app_idle(page, timeout_ms=90_000)
    wait_until(lambda: page.locator(CHART).count() == 1, timeout=60, message="the linked chart")
    chart = page.locator(CHART)
    chart.scroll_into_view_if_needed()
    wait_until(lambda: len(_bars(page)) > 10, timeout=30, message="the histogram bars")
    wait_for_app_idle(page)
    default = f"steps {m + 1:,} … {n:,}"
    assert _window(page) == default
    before = _bars(page)

    # Drag across the x trace: its plot area is the first line mark's group.
    trace_x = page.locator(f"{CHART} g.mark-line.role-mark").first
    trace_x.evaluate("g => g.scrollIntoView({block: 'center'})")  # (not under Streamlit's sticky header)
    page.evaluate(NEXT_FRAMES_JS)
    area = trace_x.bounding_box()
    y = area["y"] + area["height"] / 2
    x0, x1 = area["x"] + 0.02 * area["width"], area["x"] + 0.12 * area["width"]  # ≈ steps 20 … 120
    received.clear()
    page.mouse.move(x0, y)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, y, steps=5)
    page.mouse.move(x1, y, steps=5)
    page.mouse.up()
    t_up = time.perf_counter()
    page.evaluate(NEXT_FRAMES_JS)
    after = _bars(page)
    assert after != before, "the histograms did not change with the brush"
    wait_until(lambda: _window(page) != default, timeout=30, message="the window's numbers")
    wait_for_app_idle(page)
    # Fragment runs only (the panel's; a slow drag can be sent as two selections), never the page's.
    starts = [msg for _, _, msg in received if msg.WhichOneof("type") == "new_session"]
    assert starts and all(list(msg.metadata.run.fragment_ids) for msg in starts), "a run of the whole page"
    done = [(t, msg) for t, _, msg in received if msg.WhichOneof("type") == "script_finished"]
    assert {msg.script_finished for _, msg in done} == {ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
    a, b = (int(v.replace(",", "")) for v in re.findall(r"[\d,]+", _window(page)))
    assert 1 <= a < b <= 0.2 * n, (a, b)
    assert_no_errors(page)
    ms = re.search(r"took (\d+) ms", page.locator("[data-testid='stCaptionContainer']").filter(
        has_text="This panel took").inner_text())
    size = sum(b for _, b, _ in received)
    print(f"\n{n} steps × {chains} chains: {len(starts)} fragment run(s); mouse-up → the server's answer "
          f"finished {done[-1][0] - t_up:.2f} s; "
          f"panel on the server {ms.group(1)} ms; {size:,} bytes received in {len(received)} frames")
    assert size < 50_000, "the brush's rerun sent the chart's data again"
