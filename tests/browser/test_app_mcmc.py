"""The real app in a browser: sidebar navigation, playback, a slider, 中文, share links, URL checks."""

from __future__ import annotations

import pytest

import json
import re
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from PIL import Image

from conftest import new_page
from pagecheck import COMPOSITE_JS, NEXT_FRAMES_JS, assert_no_errors, screenshot_whole_page

APP = Path(__file__).resolve().parents[2] / "app.py"
ROOT_SEL = "[data-testid='ebm-chain-canvas']"
SHARE_QUERY = "target=banana&sampler=mala&eps=0.1&T=2.0&chains=3&steps=500&m=100&seed=7"


def _attr(page, name: str) -> str | None:
    return page.locator(ROOT_SEL).get_attribute(name)


def _int_attr(page, name: str) -> int:
    v = _attr(page, name)
    return int(v) if v is not None else -1


def _slider(page, label: str):
    """The stSlider (slider or select_slider) whose label is ``label``."""
    return page.locator("[data-testid='stSlider']").filter(
        has=page.locator("[data-testid='stWidgetLabel']", has_text=label)
    )


def _slider_value(page, label: str) -> str:
    return _slider(page, label).locator("[data-testid='stSliderThumbValue']").inner_text().strip()


def _href(page) -> str:
    # Not page.url: the sync API updates it only while it talks to the browser, so a loop that
    # polls it alone never sees a history.pushState.
    return page.evaluate("location.href")


def _tune(page, name: str):
    """A slider drawn in the picture: "T" or "step" (the step size of the chosen sampler)."""
    return page.locator(f"[data-testid='ebm-tune-{name}']")


def _tune_value(page, name: str) -> str | None:
    return _tune(page, name).get_attribute("aria-valuetext")


def _press_tune(page, name: str, key: str, in_link: str, wait_until, wait_for_app_idle) -> None:
    """Press ``key`` on an in-picture slider; wait for a new clip, ``in_link`` in the address
    (the server's run) and the idle app."""
    rendered = _int_attr(page, "data-rendered")
    thumb = _tune(page, name)
    thumb.focus()
    thumb.press(key)
    wait_until(lambda: _int_attr(page, "data-rendered") > rendered, timeout=30, message=f"a new clip after {name}")
    wait_until(lambda: in_link in _href(page), timeout=30, message=f"{in_link} in the link")
    wait_for_app_idle(page)


def _selectbox_text(page, label: str) -> str:
    box = page.locator("[data-testid='stSelectbox']").filter(has=page.get_by_text(label, exact=True))
    return box.locator("input").input_value()


def _title(page) -> str:
    return page.locator("h1").first.inner_text().strip()


def _wait_canvas_drawn(page, wait_for_app_idle, wait_until) -> None:
    page.wait_for_selector(ROOT_SEL, state="attached", timeout=60_000)
    wait_for_app_idle(page, timeout_ms=60_000)
    wait_until(lambda: _int_attr(page, "data-rendered") >= 1, timeout=30, message="first render")


def _pause(page, wait_until) -> None:
    if _attr(page, "data-playing") == "1":
        page.locator("[data-testid='ebm-play']").click()
    wait_until(lambda: _attr(page, "data-playing") == "0", message="pause")


def test_navigate_play_temperature_language(streamlit_server, page, wait_for_app_idle, wait_until, tmp_path):
    url = streamlit_server(APP)
    js_errors: list[str] = []
    page.on("pageerror", lambda e: js_errors.append(str(e)))
    page.goto(f"{url}/")
    wait_for_app_idle(page, timeout_ms=60_000)
    assert _title(page).startswith("EBM Lab")

    # to the MCMC page through the sidebar navigation, not the address bar
    page.locator("[data-testid='stSidebarNavLink']", has_text="MCMC samplers").click()
    _wait_canvas_drawn(page, wait_for_app_idle, wait_until)
    assert page.url.split("?")[0].endswith("/mcmc")
    assert _title(page).startswith("MCMC:")
    # the trace charts, held back until the picture was drawn, follow it
    wait_until(lambda: page.locator("[data-testid='stPlotlyChart']").count() == 2, timeout=30,
               message="the trace charts after the first picture")

    # Play / Pause: the step counter advances while playing and stands still when paused
    if _attr(page, "data-playing") != "1":
        page.locator("[data-testid='ebm-play']").click()
    s0 = _int_attr(page, "data-step")
    wait_until(lambda: _int_attr(page, "data-step") >= s0 + 10, message="data-step to advance")
    page.locator("[data-testid='ebm-play']").click()
    wait_until(lambda: _attr(page, "data-playing") == "0", message="pause")
    paused_at = _int_attr(page, "data-step")
    time.sleep(0.3)
    assert _int_attr(page, "data-step") == paused_at

    # Temperature T (drawn in the picture) by keyboard -> a new clip; the server's run follows
    assert _tune_value(page, "T") == "1.0"
    assert page.locator(".ebm-tune-label").first.inner_text() == "Temperature T"
    acceptance = page.locator("[data-testid='stMetric']").first.inner_text()
    _press_tune(page, "T", "ArrowRight", "T=1.5", wait_until, wait_for_app_idle)
    assert _tune_value(page, "T") == "1.5"
    # the numbers follow (in the page run the picture's fragment run asks for: idle may be seen between)
    wait_until(lambda: page.locator("[data-testid='stMetric']").first.inner_text() != acceptance, timeout=30,
               message="the numbers of T = 1.5")
    assert page.locator(ROOT_SEL).count() == 1
    assert_no_errors(page)
    # "Explain one step" is built only when opened: α(x, x') with the numbers appears
    explain = page.locator("[data-testid='stExpander']", has_text="Explain one step")
    assert explain.locator(".katex").count() == 0
    explain.locator("summary").click()
    wait_until(lambda: explain.locator(".katex", has_text="α").count() > 0, timeout=30,
               message="the explain panel's formulas")
    wait_for_app_idle(page)
    assert_no_errors(page)
    _pause(page, wait_until)
    screenshot_whole_page(page, str(tmp_path / "app_mcmc_en.png"))

    # 中文 with the sidebar's segmented control: the page title, the canvas stays
    lang = page.locator("[data-testid='stSidebar'] [data-testid='stButtonGroup']")
    lang.get_by_role("radio", name="中文").click()
    wait_until(lambda: _title(page).startswith("MCMC："), timeout=30, message="Chinese MCMC title")
    wait_for_app_idle(page)
    _wait_canvas_drawn(page, wait_for_app_idle, wait_until)
    assert page.locator(ROOT_SEL).count() == 1
    wait_until(lambda: "播放" in page.locator("[data-testid='ebm-play']").inner_text()
               or "暂停" in page.locator("[data-testid='ebm-play']").inner_text(), message="canvas labels in 中文")
    assert _tune_value(page, "T") == "1.5"  # the setting survives the language switch
    assert page.locator(".ebm-tune-label").first.inner_text() == "温度 T"
    assert_no_errors(page)
    _pause(page, wait_until)
    screenshot_whole_page(page, str(tmp_path / "app_mcmc_zh.png"))

    # the language persists across pages
    page.locator("[data-testid='stSidebarNavLink']", has_text="首页").click()
    wait_until(lambda: _title(page).startswith("EBM 实验室"), timeout=30, message="Chinese home title")
    wait_for_app_idle(page)
    assert page.locator(ROOT_SEL).count() == 0
    assert lang.get_by_role("radio", name="中文").is_checked()
    assert_no_errors(page)
    assert not js_errors, js_errors
    for name in ("app_mcmc_en.png", "app_mcmc_zh.png"):  # a picture, not a blank page
        colours = Image.open(tmp_path / name).convert("RGB").getcolors(maxcolors=4096)
        assert colours is None or len(colours) > 500, f"{name}: only {len(colours)} colours"


# A digest of the plot area's pixels (heatmap, contours, paths, markers).  The axis titles
# around it are left out: canvas text drawn before the web font has loaded keeps the
# fallback font, so "x₁" may differ between two page loads of the very same clip.
PLOT_DIGEST_JS = """root => {
  const c = (""" + COMPOSITE_JS + """)(root);
  const p = JSON.parse(root.getAttribute('data-plot'));
  const k = c.width / c.cssWidth;
  const px = c.getContext('2d').getImageData(Math.round(p.left * k), Math.round(p.top * k),
                                             Math.round(p.width * k), Math.round(p.height * k)).data;
  let h = 0x811c9dc5 >>> 0, nonBlank = 0;
  for (let i = 0; i < px.length; i++) { h = Math.imul(h ^ px[i], 16777619) >>> 0; }
  for (let i = 3; i < px.length; i += 4) if (px[i]) nonBlank++;
  return px.length + ':' + nonBlank + ':' + h.toString(16);
}"""


def _check_shared_widgets(page) -> None:
    assert _selectbox_text(page, "Target p(x) ∝ exp(−E(x)/T)") == "Banana (curved ridge)"
    assert _selectbox_text(page, "Sampler") == "MALA (Langevin + MH test)"
    assert _tune_value(page, "step") == "0.1"
    assert page.locator(".ebm-tune-label").nth(1).inner_text() == "Step size ε (= Δt)"
    assert _tune_value(page, "T") == "2.0"
    assert _slider_value(page, "Chains") == "3"
    assert _slider_value(page, "Steps n") == "500"
    assert _slider_value(page, "Burn-in m") == "100"
    assert page.locator("[data-testid='stNumberInput'] input").first.input_value() == "7"
    assert _attr(page, "data-n-steps") == "500"
    assert_no_errors(page)
    warnings = page.locator("[data-testid='stAlertContentWarning']")
    assert warnings.count() == 0, warnings.all_inner_texts()  # nothing was clamped or rejected


def _open_shared(page, url, wait_for_app_idle, wait_until) -> tuple[str, list[str]]:
    """Open the share link, check the widgets, play the clip to its end.

    Returns a digest of the plot's pixels at the last step and the metric texts.
    """
    page.goto(f"{url}/mcmc?{SHARE_QUERY}")
    _wait_canvas_drawn(page, wait_for_app_idle, wait_until)
    _check_shared_widgets(page)
    # the whole clip: Reset, full speed, Play until the last step
    _pause(page, wait_until)
    page.locator("[data-testid='ebm-reset']").click()
    wait_until(lambda: _int_attr(page, "data-step") == 0, message="reset")
    speed = page.locator("[data-testid='ebm-speed']")
    speed.focus()
    speed.press("End")
    page.locator("[data-testid='ebm-play']").click()
    wait_until(lambda: _int_attr(page, "data-step") == 500, timeout=20, message="play to the end")
    wait_until(lambda: _attr(page, "data-playing") == "0", message="stopped at the end")
    page.mouse.move(5, 5)  # no hover highlight
    # The trail is drawn a frame's worth of steps at a time while playing, so where one frame's
    # strokes meet the next depends on timing.  A resize redraws the whole trail in one go.
    vp = page.viewport_size
    page.set_viewport_size({"width": vp["width"] - 40, "height": vp["height"]})
    page.evaluate(NEXT_FRAMES_JS)
    page.set_viewport_size(vp)
    page.evaluate(NEXT_FRAMES_JS)
    assert _int_attr(page, "data-step") == 500
    digest = page.locator(ROOT_SEL).evaluate(PLOT_DIGEST_JS)
    # The numbers come in the run that follows the canvas's "drawn", which waits until the app is
    # quiet (static/chain_canvas/send.js): on a loaded machine that may be after the clip's end.
    metrics = page.locator("[data-testid='stMetric']")
    wait_until(lambda: metrics.count() == 5, timeout=30, message="the numbers")
    wait_for_app_idle(page)
    return digest, metrics.all_inner_texts()


@pytest.mark.slow
def test_share_link_restores_the_same_picture(streamlit_server, browser, page, wait_for_app_idle, wait_until):
    url = streamlit_server(APP)
    first = _open_shared(page, url, wait_for_app_idle, wait_until)
    with new_page(browser) as other:
        second = _open_shared(other, url, wait_for_app_idle, wait_until)
    assert int(first[0].split(":")[1]) > 0, first  # something was drawn
    assert first == second, "the same link drew a different picture in a fresh browser context"


def _start_digest(page, wait_until) -> str:
    """Paused at step 0: the landscape layer and the starting points, as pixels."""
    _pause(page, wait_until)
    page.locator("[data-testid='ebm-reset']").click()
    wait_until(lambda: _int_attr(page, "data-step") == 0, message="reset")
    page.mouse.move(5, 5)
    page.evaluate(NEXT_FRAMES_JS)
    return page.locator(ROOT_SEL).evaluate(PLOT_DIGEST_JS)


@pytest.mark.slow
def test_a_step_size_move_draws_what_a_fresh_page_draws(streamlit_server, browser, page, wait_for_app_idle,
                                                         wait_until):
    """Moving ε one notch keeps the landscape layer (same T, same grid), shows the run's first
    steps, then the whole run: the result must be the very picture a fresh page draws."""
    url = streamlit_server(APP)
    page.goto(f"{url}/mcmc?{SHARE_QUERY.replace('eps=0.1', 'eps=0.08')}")
    _wait_canvas_drawn(page, wait_for_app_idle, wait_until)
    _press_tune(page, "step", "ArrowRight", "eps=0.1", wait_until, wait_for_app_idle)
    assert _tune_value(page, "step") == "0.1"
    # (the whole run follows the first steps in a rerun, which may start after the idle check)
    wait_until(lambda: _attr(page, "data-n-steps") == "500", timeout=30, message="the whole run")
    moved = _start_digest(page, wait_until)
    with new_page(browser) as fresh:
        fresh.goto(f"{url}/mcmc?{SHARE_QUERY}")
        _wait_canvas_drawn(fresh, wait_for_app_idle, wait_until)
        wait_until(lambda: _int_attr(fresh, "data-rendered") >= 1, message="fresh render")
        assert moved == _start_digest(fresh, wait_until)
    assert_no_errors(page)


# Move an in-picture slider one notch from inside the page, as a key press does, and report
# whether the canvas had drawn the new clip before this JavaScript task ended: if so, no server
# run can have taken part (its answer could only arrive in a later task).
MOVE_NOW_JS = """([name, delta]) => {
  const root = document.querySelector("[data-testid='stApp']");
  const host = [...document.querySelectorAll('*')].find((e) => e.shadowRoot &&
                e.shadowRoot.querySelector("[data-testid='ebm-chain-canvas']"));
  const canvas = host.shadowRoot.querySelector("[data-testid='ebm-chain-canvas']");
  const input = host.shadowRoot.querySelector(`[data-testid='ebm-tune-${name}']`);
  const before = Number(canvas.getAttribute('data-rendered'));
  input.value = String(Number(input.value) + delta);
  input.dispatchEvent(new Event('input', { bubbles: true }));
  const drawnNow = Number(canvas.getAttribute('data-rendered')) > before;
  const state = root.getAttribute('data-test-script-state');
  input.dispatchEvent(new Event('change', { bubbles: true }));
  return { drawnNow, shown: canvas.getAttribute('data-tune-shown'), state };
}"""


def test_a_held_neighbour_is_drawn_before_the_server_answers(streamlit_server, page, wait_for_app_idle, wait_until):
    """The page sends the clips one notch away on T and σ (the browser asks once the server has
    computed them).  Moving there draws the new clip in the very same task, with the app idle;
    then the server's run brings the numbers and the link, and the clip it sends is the one
    shown (same signature: no redraw, no restart).  A move further on, to a clip not held,
    dims the picture until the server's clip arrives."""
    url = streamlit_server(APP)
    page.goto(f"{url}/mcmc?chains=3&steps=600&m=50&seed=99")
    _wait_canvas_drawn(page, wait_for_app_idle, wait_until)
    wait_until(lambda: _attr(page, "data-near") == "4" and _attr(page, "data-near-pending") == "0",
               timeout=60, message="the four neighbours' clips in the browser")
    assert _attr(page, "data-tune") == "6|13"  # T = 1.0, σ = 0.8
    acceptance = page.locator("[data-testid='stMetric']").first.inner_text()
    got = page.evaluate(MOVE_NOW_JS, ["T", 1])
    assert got == {"drawnNow": True, "shown": "7|13", "state": "notRunning"}, got
    rendered = _int_attr(page, "data-rendered")
    wait_until(lambda: "T=1.5" in _href(page), timeout=30, message="the server's run after the move")
    # (the link changes early in the server's run, and "idle" may be seen between the picture's
    # fragment run and the page run it asks for: wait for the clip itself)
    wait_until(lambda: _attr(page, "data-tune") == "7|13", timeout=30, message="the server's clip for T = 1.5")
    wait_for_app_idle(page)
    assert _tune_value(page, "T") == "1.5"
    wait_until(lambda: page.locator("[data-testid='stMetric']").first.inner_text() != acceptance, timeout=30,
               message="the numbers of the new run")
    # the neighbour held was its first 250 steps; the server's answer is the whole run under the
    # same clip id: drawn once more, to add the rest (not a new clip from the start)
    assert _int_attr(page, "data-n-steps") == 600
    assert _int_attr(page, "data-rendered") <= rendered + 1
    # two notches on before the neighbours of T = 1.5 are all in: not held, so the picture waits
    got = page.evaluate(MOVE_NOW_JS, ["step", 3])
    assert got["drawnNow"] is False and got["shown"] == "7|13", got
    assert _attr(page, "data-waiting") == "1"
    wait_until(lambda: _attr(page, "data-tune-shown") == "7|16", timeout=30, message="the server's clip")
    assert _attr(page, "data-waiting") == "0"
    wait_until(lambda: "sigma=2.0" in _href(page), timeout=30, message="σ in the link")
    wait_for_app_idle(page)
    assert_no_errors(page)


def test_clicking_the_picture_adds_a_start(streamlit_server, page, wait_for_app_idle, wait_until):
    """The canvas sits in the picture's fragment: a click reruns that fragment, and the point
    must still reach the page (it did not, for a while, when the fragment reran the page first)."""
    url = streamlit_server(APP)
    page.goto(f"{url}/mcmc?starts=clicked&chains=2&steps=300&m=50")
    _wait_canvas_drawn(page, wait_for_app_idle, wait_until)
    sidebar = page.locator("[data-testid='stSidebar']")
    assert sidebar.get_by_text("(0 so far)").count() == 1
    _pause(page, wait_until)
    rendered = _int_attr(page, "data-rendered")
    plot = json.loads(_attr(page, "data-plot"))
    x0, x1, y0, y1 = plot["box"]
    s = plot["width"] / (x1 - x0)
    page.locator("[data-testid='ebm-chain-canvas-canvas']").click(
        position={"x": plot["left"] + (1.0 - x0) * s, "y": plot["top"] + (y1 - (-0.5)) * s})
    wait_until(lambda: sidebar.get_by_text("(1 so far)").count() == 1, timeout=30, message="the click is counted")
    wait_until(lambda: _int_attr(page, "data-rendered") > rendered, timeout=30, message="chains from the click")
    wait_for_app_idle(page)
    assert_no_errors(page)
    # The chain starts where the click was: "Explain one step" at step 1 (x₀ → x₁) shows x₀ of chain 1
    # (to the click's precision: one pixel).
    explain = page.locator("[data-testid='stExpander']", has_text="Explain one step")
    explain.locator("summary").click()
    wait_until(lambda: explain.locator(".katex").count() > 0, timeout=30, message="the explain panel")
    wait_for_app_idle(page)
    step_i = explain.locator("[data-testid='stNumberInput']").filter(has_text="Step i").locator("input")
    step_i.fill("1")
    step_i.press("Enter")
    start = re.compile(r"x = \((-?\d+\.\d+),\\ (-?\d+\.\d+)\),\\ E\(x\)")

    def x0():
        for tex in explain.locator(".katex-mathml annotation").all_text_contents():
            m = start.search(tex)
            if m:
                return float(m.group(1)), float(m.group(2))
        return None

    wait_until(lambda: "step i = 1 of chain 1" in explain.inner_text().lower(),
               timeout=30, message="step 1 explained")
    wait_for_app_idle(page)
    got = x0()
    assert got is not None, explain.inner_text()
    assert abs(got[0] - 1.0) <= 1.5 / s and abs(got[1] - (-0.5)) <= 1.5 / s, (got, 1 / s)


def test_share_link_shown_on_the_page_round_trips(streamlit_server, page, wait_for_app_idle, wait_until):
    url = streamlit_server(APP)
    page.goto(f"{url}/mcmc?{SHARE_QUERY}")
    _wait_canvas_drawn(page, wait_for_app_idle, wait_until)
    link = page.locator("[data-testid='stCode']").last.inner_text().strip()
    assert link.startswith(f"{url}/mcmc"), link
    got = dict(parse_qsl(urlsplit(link).query))
    assert got == dict(parse_qsl(SHARE_QUERY)), link
    page.goto(link)  # a new session, as for whoever receives the link
    _wait_canvas_drawn(page, wait_for_app_idle, wait_until)
    _check_shared_widgets(page)


def test_out_of_range_url_values_are_clamped_with_a_note(streamlit_server, page, wait_for_app_idle, wait_until):
    url = streamlit_server(APP)
    page.goto(f"{url}/mcmc?T=999&chains=500")
    _wait_canvas_drawn(page, wait_for_app_idle, wait_until)
    warnings = page.locator("[data-testid='stAlertContentWarning']")
    texts = warnings.all_inner_texts()
    t_note = [s for s in texts if "999" in s]
    assert t_note and "Temperature T" in t_note[0] and "20.0" in t_note[0], texts
    assert warnings.filter(has_text=re.compile(r"Chains.*500.*16")).first.is_visible(), texts
    assert warnings.filter(has_text="999").first.is_visible()
    assert _tune_value(page, "T") == "20.0"
    assert _slider_value(page, "Chains") == "16"
    assert_no_errors(page)


def test_select_boxes_follow_the_language_switch(streamlit_server, page, wait_for_app_idle, wait_until):
    url = streamlit_server(APP)
    page.goto(f"{url}/mcmc")
    _wait_canvas_drawn(page, wait_for_app_idle, wait_until)
    assert _selectbox_text(page, "Sampler") == "Metropolis–Hastings (random walk)"
    page.locator("[data-testid='stSidebar'] [data-testid='stButtonGroup']").get_by_role("radio", name="中文").click()
    wait_until(lambda: _title(page).startswith("MCMC："), timeout=30, message="Chinese MCMC title")
    wait_for_app_idle(page)
    assert _selectbox_text(page, "采样方法") == "Metropolis–Hastings（随机游走）"
    assert _selectbox_text(page, "目标分布 p(x) ∝ exp(−E(x)/T)") == "高斯混合（3 个模式）"


def test_fast_presses_end_in_a_consistent_page(streamlit_server, page, wait_for_app_idle, wait_until):
    """Five presses faster than the server can answer (a key held down): whatever clips were
    held or not, the page ends showing the last value's clip, with the link and numbers for it."""
    url = streamlit_server(APP)
    page.goto(f"{url}/mcmc?chains=2&steps=400&m=50&seed=5")
    _wait_canvas_drawn(page, wait_for_app_idle, wait_until)
    thumb = _tune(page, "T")
    thumb.focus()
    for _ in range(5):
        thumb.press("ArrowRight", delay=10)
    wait_until(lambda: "T=10.0" in _href(page), timeout=60, message="the last T in the link")
    wait_until(lambda: _attr(page, "data-tune") == _attr(page, "data-tune-shown") == "11|13"
               and _attr(page, "data-waiting") == "0", timeout=60, message="the last value's clip")
    wait_for_app_idle(page)
    assert _tune_value(page, "T") == "10.0"
    assert _attr(page, "data-sig-shown") == _attr(page, "data-sig")  # the very clip the server sent last
    link = page.locator("[data-testid='stCode']").last.inner_text()
    assert "T=10.0" in link, link
    assert_no_errors(page)


def _choose(page, label: str, option: str) -> None:
    page.locator("[data-testid='stSelectbox']").filter(has=page.get_by_text(label, exact=True)).click()
    page.get_by_role("option", name=option).click()


def test_a_new_sampler_right_after_a_move_leaves_consistent_sliders(streamlit_server, page, wait_for_app_idle,
                                                                     wait_until):
    """A sampler without a step size (Gibbs) chosen, and T moved on the old picture before the
    page has answered: no answer ever comes for the old sampler's (T, σ), the page changed under
    the move.  The picture must still end on Gibbs's clip at the new T, with one slider in the
    picture, showing that T, and a move to a neighbour must keep working."""
    url = streamlit_server(APP)
    page.goto(f"{url}/mcmc?chains=2&steps=300&m=50&seed=6")
    _wait_canvas_drawn(page, wait_for_app_idle, wait_until)
    _tune(page, "T").focus()
    _choose(page, "Sampler", "Gibbs (one coordinate at a time)")
    assert _attr(page, "data-tune") == "6|13"  # (the old sampler's picture is still there)
    page.evaluate(MOVE_NOW_JS, ["T", 1])
    wait_until(lambda: _attr(page, "data-tune") == _attr(page, "data-tune-shown") == "7"
               and _attr(page, "data-waiting") == "0", timeout=5,  # (less than the 6 s a choice is trusted)
               message="Gibbs's clip at T = 1.5")
    wait_for_app_idle(page)
    assert page.locator("[data-testid^='ebm-tune-']").count() == 1
    assert _tune_value(page, "T") == "1.5" and _attr(page, "data-sig-shown") == _attr(page, "data-sig")
    thumb = _tune(page, "T")
    thumb.focus()
    thumb.press("ArrowLeft")
    wait_until(lambda: _attr(page, "data-tune") == _attr(page, "data-tune-shown") == "6"
               and "T=" not in _href(page), timeout=60, message="back to T = 1.0 on Gibbs")
    wait_for_app_idle(page)
    assert_no_errors(page)
