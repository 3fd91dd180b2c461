"""The MCMC page draws what the sampler did (issue 14 §1), in a real browser: HMC's leapfrog path
and momentum arrow, MALA's drift and noise arrows and proposal circle, and the exact-samples
switch's draws from p_T, with no error in the console or on the page."""

from __future__ import annotations

from pathlib import Path

from pagecheck import assert_no_errors

APP = Path(__file__).resolve().parents[2] / "app.py"
ROOT_SEL = "[data-testid='ebm-chain-canvas']"
OVERLAY = "[data-testid='ebm-chain-canvas-canvas']"

# pixels of one colour (±40 per channel) on the overlay canvas (the layer of the current step)
COUNT_JS = """(el, rgb) => {
  const c = el, d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3] > 200 && Math.abs(d[i] - rgb[0]) < 40 && Math.abs(d[i + 1] - rgb[1]) < 40 && Math.abs(d[i + 2] - rgb[2]) < 40) n++;
  }
  return n;
}"""
MOMENTUM, DRIFT, NOISE = (255, 95, 210), (0, 224, 255), (255, 210, 63)


def _attr(page, name: str) -> str | None:
    return page.locator(ROOT_SEL).get_attribute(name)


def _open(streamlit_server, page, wait_for_app_idle, wait_until, query: str) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    # (Streamlit itself probes <page>/_stcore/health on a deep link and logs its 404: not ours)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error"
            and not m.text.startswith("Failed to load resource") else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400
            and "_stcore" not in r.url else None)
    page.goto(f"{streamlit_server(APP)}/mcmc?{query}")
    page.wait_for_selector(ROOT_SEL, state="attached", timeout=60_000)
    wait_for_app_idle(page, timeout_ms=60_000)
    wait_until(lambda: int(_attr(page, "data-rendered") or 0) >= 1, timeout=30, message="first render")
    wait_until(lambda: int(_attr(page, "data-n-steps") or 0) == 300, timeout=60, message="the whole run")
    return errors


def _at_step(page, wait_until, i: int) -> None:
    """Pause, back to the start, then Step i times: the overlay shows transition i."""
    if _attr(page, "data-playing") == "1":
        page.locator("[data-testid='ebm-play']").click()
    wait_until(lambda: _attr(page, "data-playing") == "0", message="pause")
    page.locator("[data-testid='ebm-reset']").click()
    for _ in range(i):
        page.locator("[data-testid='ebm-step']").click()
    wait_until(lambda: _attr(page, "data-step") == str(i), message=f"step {i}")
    page.wait_for_timeout(150)  # (two animation frames)


def _count(page, rgb) -> int:
    return page.locator(OVERLAY).evaluate(COUNT_JS, list(rgb))


def test_hmc_path_momentum_and_exact_draws(streamlit_server, page, wait_for_app_idle, wait_until):
    errors = _open(streamlit_server, page, wait_for_app_idle, wait_until,
                   "sampler=hmc&L=8&chains=2&steps=300&m=100&exact=1")
    # 2 chains x L = 8 points per step: 8192 // 16 = 512 >= 300, the whole run carries its paths
    wait_until(lambda: _attr(page, "data-rec") is not None, message="the records drawn")
    assert _attr(page, "data-exact") == str(2 * (300 - 100))  # as many as the chains' draws after burn-in
    _at_step(page, wait_until, 3)
    assert _attr(page, "data-rec") == "hmc:300"
    assert _count(page, MOMENTUM) > 20  # the momentum arrows
    legend = page.locator(".ebm-legend").inner_text()
    assert "leapfrog path" in legend and "momentum p" in legend and "400 exact draws" in legend
    page.locator("[data-testid='ebm-reset']").click()
    wait_until(lambda: _attr(page, "data-step") == "0", message="reset")
    page.wait_for_timeout(150)
    assert _count(page, MOMENTUM) == 0  # step 0: no transition, no path
    # played slowly (4 steps/s), each transition grows along its leapfrog path: frames go on being drawn
    page.locator("[data-testid='ebm-speed']").evaluate(
        "(el) => { el.value = String(Math.round(1000 * Math.log(4) / Math.log(500))); el.dispatchEvent(new Event('input')); }")
    page.locator("[data-testid='ebm-play']").click()
    wait_until(lambda: int(_attr(page, "data-step") or 0) >= 2, timeout=10, message="slow play")
    assert int(_attr(page, "data-frames") or 0) > 10
    page.locator("[data-testid='ebm-play']").click()
    assert_no_errors(page)
    assert not errors, errors


def test_mala_drift_noise_and_circle(streamlit_server, page, wait_for_app_idle, wait_until):
    errors = _open(streamlit_server, page, wait_for_app_idle, wait_until, "sampler=mala&eps=0.5&chains=2&steps=300")
    _at_step(page, wait_until, 5)
    assert _attr(page, "data-rec") == "mala:300"
    assert _attr(page, "data-exact") == "0"  # the switch is off by default
    assert _count(page, DRIFT) > 10 and _count(page, NOISE) > 10
    legend = page.locator(".ebm-legend").inner_text()
    assert "drift" in legend and "noise" in legend and "1-σ circle" in legend
    # 中文: the legend follows the language
    page.locator("[data-testid='stSidebar'] [data-testid='stButtonGroup']").get_by_role("radio", name="中文").click()
    wait_until(lambda: "漂移" in page.locator(".ebm-legend").inner_text(), timeout=30, message="the legend in 中文")
    assert_no_errors(page)
    assert not errors, errors
