"""The RBM page in a real browser: load the shipped model, generate chains (what the browser shows is
digits: dark ink on white paper), train a few ticks live, look at the filters, no error shown anywhere."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from pagecheck import assert_no_errors, captions, main_images

APP = Path(__file__).resolve().parents[2] / "app.py"
# A small, quick run: 1,000 digits, 50 hidden units, 3 epochs (60 updates); 20 chains x 100 steps.
QUERY = "rbm_digits=1000&rbm_hidden=50&rbm_epochs=3&rbm_chains=20&rbm_gibbs=100"


def _shown_pixels(page, index: int, path: Path) -> np.ndarray:
    """The grey levels of main-area picture ``index`` as the browser draws it (a screenshot of it)."""
    page.locator("[data-testid='stMain'] [data-testid='stImage'] img").nth(index).screenshot(path=str(path))
    return np.asarray(Image.open(path).convert("L"))


def test_load_generate_train(streamlit_server, page, wait_for_app_idle, wait_until, tmp_path):
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
    # the final grid (the second picture), as drawn: digits are dark strokes on white paper (the 20
    # chains' p(v | h) after 100 steps; binarised MNIST inks 5-30 % of its pixels), not a blank or
    # black or grey picture; the tiles' grey borders (128) count as neither
    px = _shown_pixels(page, 1, tmp_path / "final_grid.png")
    assert px.shape[1] >= 200, px.shape
    ink, paper = float((px < 64).mean()), float((px > 192).mean())
    assert 0.02 < ink < 0.4 and paper > 0.5, (ink, paper)

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
