"""The RBM page in a real browser: load the shipped model, generate chains, train a few ticks live,
look at the filters, no error shown anywhere; a screenshot of what a student sees."""

from __future__ import annotations

from pathlib import Path

from pagecheck import assert_no_errors, captions, main_images, screenshot_whole_page

APP = Path(__file__).resolve().parents[2] / "app.py"
SHOT = "/tmp/app_rbm_en.png"
SHOT_PRETRAINED = "/tmp/app_rbm_pretrained.png"
# A small, quick run: 1,000 digits, 50 hidden units, 3 epochs (60 updates); 20 chains x 100 steps.
QUERY = "rbm_digits=1000&rbm_hidden=50&rbm_epochs=3&rbm_chains=20&rbm_gibbs=100"


def test_load_generate_train(streamlit_server, page, wait_for_app_idle, wait_until):
    url = streamlit_server(APP)
    js_errors: list[str] = []
    page.on("pageerror", lambda e: js_errors.append(str(e)))
    page.goto(f"{url}/rbm?{QUERY}")
    wait_for_app_idle(page, timeout_ms=60_000)
    assert page.locator("h1").first.inner_text().startswith("Restricted Boltzmann machine")
    assert_no_errors(page)

    # the shipped model: the Gibbs-chain clip and the final grid appear and decode
    page.get_by_role("button", name="Load the pretrained model").click()
    wait_until(lambda: "chains from uniform noise" in captions(page), timeout=60, message="the chain clip")
    wait_for_app_idle(page)
    imgs = main_images(page)
    assert len(imgs) >= 2 and all(i["ok"] for i in imgs), imgs
    assert all(i["w"] >= 200 for i in imgs), imgs  # stretched to the column, not postage stamps
    assert "pretrained RBM 784" in page.locator("[data-testid='stMain']").inner_text()
    screenshot_whole_page(page, SHOT_PRETRAINED)

    # generate: new chains, a new clip
    before = {i["src"] for i in imgs}
    page.get_by_role("button", name="New chains").click()
    wait_until(lambda: {i["src"] for i in main_images(page)} - before, timeout=60, message="new chains")
    wait_for_app_idle(page)
    assert_no_errors(page)

    # train live: the progress bar advances and the run ends with "Train more"
    page.get_by_role("button", name="▶ Train", exact=True).click()
    progress = page.locator("[data-testid='stMain'] [data-testid='stProgress']")
    wait_until(lambda: progress.count() and "Epoch" in progress.first.inner_text(), timeout=60,
               message="the training progress bar")
    wait_until(lambda: page.get_by_role("button", name="Train more").count(), timeout=90,
               message="training to finish")
    wait_for_app_idle(page)
    assert "Epoch 3 / 3 · batch 20 / 20" in progress.first.inner_text()
    metrics = page.locator("[data-testid='stMetric']").all_inner_texts()
    assert any("Reconstruction error" in m for m in metrics), metrics
    assert "trained here" in page.locator("[data-testid='stMain']").inner_text()

    # the filters of the model just trained
    page.get_by_role("tab", name="Filters W").click()
    wait_until(lambda: "hidden units, each on its own scale" in captions(page), timeout=30, message="filters")
    wait_for_app_idle(page)
    page.get_by_role("tab", name="Gibbs chains").click()
    wait_until(lambda: "chains from uniform noise" in captions(page), timeout=60, message="chains after training")
    wait_for_app_idle(page)
    assert all(i["ok"] for i in main_images(page))
    assert_no_errors(page)
    assert not js_errors, js_errors
    screenshot_whole_page(page, SHOT)
    assert Path(SHOT).stat().st_size > 20_000 and Path(SHOT_PRETRAINED).stat().st_size > 20_000
