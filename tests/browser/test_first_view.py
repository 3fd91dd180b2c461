"""The class server's first view (issue 16, item 5): ``streamlit run ebm_lab.py`` starts warm,
and a student's first view of /mcmc shows the picture first, then the numbers, the formulas,
the charts and the share link (the canvas says it has drawn; that run brings them)."""

from __future__ import annotations

from pathlib import Path

from pagecheck import assert_no_errors

ENTRY = Path(__file__).resolve().parents[2] / "ebm_lab.py"
CANVAS = "[data-testid='ebm-chain-canvas']"


def test_the_warm_server_shows_the_picture_then_the_numbers(streamlit_server, page, wait_for_app_idle, wait_until):
    url = streamlit_server(ENTRY)
    page.goto(f"{url}/mcmc")
    wait_until(lambda: int(page.locator(CANVAS).get_attribute("data-rendered") or 0) >= 1, timeout=60,
               message="the first picture")
    drawn_ms = int(page.locator(CANVAS).get_attribute("data-first-ms"))
    assert 0 < drawn_ms < 60_000
    # then the rest of the page: five numbers, the formulas, the charts and the link
    wait_until(lambda: page.locator("[data-testid='stMetric']").count() == 5, timeout=60, message="the numbers")
    wait_until(lambda: page.locator(".js-plotly-plot").count() == 2, timeout=60, message="the trace charts")
    wait_for_app_idle(page)
    assert page.locator(".katex").count() >= 2
    assert "/mcmc" in page.locator("[data-testid='stCode']").last.inner_text()
    assert page.get_by_text("follow once the picture is drawn").count() == 0
    assert_no_errors(page)
