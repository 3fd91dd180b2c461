"""The RBM page in a real browser: load the shipped model, generate chains, train a few ticks live,
look at the filters, no error shown anywhere; a screenshot of what a student sees."""

from __future__ import annotations

from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app.py"
SHOT = "/tmp/app_rbm_en.png"
SHOT_PRETRAINED = "/tmp/app_rbm_pretrained.png"
# A small, quick run: 1,000 digits, 50 hidden units, 3 epochs (60 updates); 20 chains x 100 steps.
QUERY = "rbm_digits=1000&rbm_hidden=50&rbm_epochs=3&rbm_chains=20&rbm_gibbs=100"
NEXT_FRAMES_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50))))"


def _assert_no_errors(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    errs = page.locator("[data-testid='stAlertContentError']")
    assert errs.count() == 0, errs.all_inner_texts()


def _main_images(page) -> list[dict]:
    """Every picture in the main area: its source and whether the browser decoded it."""
    return page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=stMain] [data-testid=stImage] img')]"
        ".map(i => ({src: i.currentSrc, ok: i.complete && i.naturalWidth > 0, w: i.clientWidth}))")


def _captions(page) -> str:
    return " ".join(page.locator("[data-testid='stMain'] [data-testid='stImageCaption']").all_inner_texts())


def _screenshot_whole_page(page, path: str) -> None:
    vp = page.viewport_size
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], [data-testid=stSidebarContent]')]"
        ".map(e => e.scrollHeight), 0)")
    page.mouse.move(5, 5)
    page.set_viewport_size({"width": vp["width"], "height": max(vp["height"], min(int(height) + 40, 4000))})
    page.evaluate(NEXT_FRAMES_JS)
    page.wait_for_timeout(300)
    page.screenshot(path=path, full_page=True)
    page.set_viewport_size(vp)


def test_load_generate_train(streamlit_server, page, wait_for_app_idle, wait_until):
    url = streamlit_server(APP)
    js_errors: list[str] = []
    page.on("pageerror", lambda e: js_errors.append(str(e)))
    page.goto(f"{url}/rbm?{QUERY}")
    wait_for_app_idle(page, timeout_ms=60_000)
    assert page.locator("h1").first.inner_text().startswith("Restricted Boltzmann machine")
    _assert_no_errors(page)

    # the shipped model: the Gibbs-chain clip and the final grid appear and decode
    page.get_by_role("button", name="Load the pretrained model").click()
    wait_until(lambda: "chains from uniform noise" in _captions(page), timeout=60, message="the chain clip")
    wait_for_app_idle(page)
    imgs = _main_images(page)
    assert len(imgs) >= 2 and all(i["ok"] for i in imgs), imgs
    assert all(i["w"] >= 200 for i in imgs), imgs  # stretched to the column, not postage stamps
    assert "pretrained RBM 784" in page.locator("[data-testid='stMain']").inner_text()
    _screenshot_whole_page(page, SHOT_PRETRAINED)

    # generate: new chains, a new clip
    before = {i["src"] for i in imgs}
    page.get_by_role("button", name="New chains").click()
    wait_until(lambda: {i["src"] for i in _main_images(page)} - before, timeout=60, message="new chains")
    wait_for_app_idle(page)
    _assert_no_errors(page)

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
    wait_until(lambda: "hidden units, each on its own scale" in _captions(page), timeout=30, message="filters")
    wait_for_app_idle(page)
    page.get_by_role("tab", name="Gibbs chains").click()
    wait_until(lambda: "chains from uniform noise" in _captions(page), timeout=60, message="chains after training")
    wait_for_app_idle(page)
    assert all(i["ok"] for i in _main_images(page))
    _assert_no_errors(page)
    assert not js_errors, js_errors
    _screenshot_whole_page(page, SHOT)
    assert Path(SHOT).stat().st_size > 20_000 and Path(SHOT_PRETRAINED).stat().st_size > 20_000
