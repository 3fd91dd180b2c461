"""The DBN / DBM page in a real browser: load the shipped DBN, generate a clamped digit, train a few
ticks live, switch to the DBM and load it; no error shown anywhere; screenshots of what a class sees
(under the test's tmp_path, for a human to look at)."""

from __future__ import annotations

import pytest

from pathlib import Path

from pagecheck import assert_no_errors, captions, main_images, screenshot_whole_page

APP = Path(__file__).resolve().parents[2] / "app.py"
# Quick: 10 samples, 100 Gibbs steps; a 2-layer DBN (784-300, top 800), 1 greedy epoch per layer, no fine-tuning.
QUERY = "deep_rows=1&deep_gibbs=100&deep_label=3&deep_dbn_sizes=300-800&deep_dbn_epochs=1&deep_dbn_ft=0"


def _main_text(page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


@pytest.mark.slow
def test_dbn_and_dbm_in_the_browser(streamlit_server, page, wait_for_app_idle, wait_until, tmp_path):
    url = streamlit_server(APP)
    js_errors: list[str] = []
    page.on("pageerror", lambda e: js_errors.append(str(e)))
    page.goto(f"{url}/deep?{QUERY}")
    wait_for_app_idle(page, timeout_ms=60_000)
    assert page.locator("h1").first.inner_text().startswith("Deep belief nets")
    assert_no_errors(page)

    # The shipped DBN: a clamped 3 forming, as an animation and a final grid.
    page.get_by_role("button", name="Load the pretrained DBN").click()
    wait_until(lambda: "Label: the digit 3; 100 Gibbs steps" in captions(page), timeout=60, message="the 3s")
    wait_for_app_idle(page)
    wait_until(lambda: len(main_images(page)) >= 3 and all(i["ok"] for i in main_images(page)), timeout=30,
               message="the DBN pictures decoded")
    imgs = main_images(page)
    assert "Pretrained DBN 784 – 300 – 300 (+10)" in _main_text(page)
    screenshot_whole_page(page, str(tmp_path / "deep_dbn.png"))

    # New samples: another animation.
    before = {i["src"] for i in imgs}
    page.get_by_role("button", name="New samples").click()
    wait_until(lambda: {i["src"] for i in main_images(page)} - before, timeout=60, message="new samples")
    wait_for_app_idle(page)
    assert_no_errors(page)

    # Train live: a few ticks, through RBM 1, then pause.
    page.get_by_role("button", name="▶ Train", exact=True).click()
    progress = page.locator("[data-testid='stMain'] [data-testid='stProgress']")
    seen = []

    def phase() -> str:
        text = progress.first.inner_text() if progress.count() else ""
        seen.append(text)
        return text

    wait_until(lambda: "Top RBM" in phase() or "Train more" in _main_text(page), timeout=90,
               message="training to reach the top RBM")
    assert any(": epoch 1 / 1" in x for x in seen), seen[-3:]
    page.get_by_role("button", name="Pause").click()
    wait_until(lambda: page.get_by_role("button", name="▶ Resume").count(), timeout=30, message="paused")
    wait_for_app_idle(page)
    metrics = page.locator("[data-testid='stMetric']").all_inner_texts()
    assert any("Reconstruction error" in m for m in metrics), metrics
    assert "Trained here DBN 784 – 300 (+10)" in _main_text(page)
    assert_no_errors(page)
    screenshot_whole_page(page, str(tmp_path / "deep_train.png"))

    # The DBM: switch the model, load the shipped one, see the persistent chains.
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(has_text="Model").click()
    page.get_by_role("option", name="Deep Boltzmann machine (DBM)").click()
    wait_for_app_idle(page, timeout_ms=60_000)
    page.get_by_role("button", name="Load the pretrained DBM").click()
    wait_until(lambda: "From the persistent chains" in captions(page), timeout=90, message="the DBM chains")
    wait_for_app_idle(page)
    wait_until(lambda: main_images(page) and all(i["ok"] for i in main_images(page)), timeout=30,
               message="the DBM pictures decoded")
    assert "Pretrained DBM 784 ⟷ 500 ⟷ 500" in _main_text(page)
    assert_no_errors(page)
    assert not js_errors, js_errors
    screenshot_whole_page(page, str(tmp_path / "deep_dbm.png"))
