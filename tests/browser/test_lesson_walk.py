"""Issue 13's "Done when": the whole shipped lesson, walked with the clicker key in Chromium at
1280×720 in presentation mode, in English and in 中文 — every step renders with no exception,
shows its picture (a canvas, a Plotly chart or an image below the lesson bar, with at least its
top 80 px on the first screen) and no visible text under 18 CSS px — and each step opened from its link on a fresh server shows
the same picture as stepping to it.

One page walks both languages on the session's server (PageDown from step 1 to the end).  The
links are opened on a second server, started by this test and visited only through links, once
per step: whatever it shows came from a link, never from state left by walking.  (A server per
step would cost ~40 server starts; each visit is a new session anyway, so the link alone sets the
session's state; the only thing the second server can share between visits is its caches of
results, which are keyed by the values in the links.)

What is compared, step by step, between walking and the link (the same language): the chain
canvas's clip signature (``data-sig-shown``, a hash of everything the canvas draws), a hash of
each Plotly chart's data (every trace's type, x, y, z), each image's source (Streamlit names a
media file by a hash of its bytes) and the text of every number (``st.metric``) on the page.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import StreamlitServer, new_page
from pagecheck import NEXT_FRAMES_JS
from present_check import TEXT_SIZES_JS
from ui.lesson import schema

APP = Path(__file__).resolve().parents[2] / "app.py"
MIN_PX = 18.0
W, H = 1280, 720
N = len(schema.load("lecture5").steps)
#: "Starts on the first screen": at least this much of the picture shows without scrolling.
FIRST_SCREEN_MARGIN = 80

#: The step's main picture: the first canvas, Plotly chart, Vega chart or image in the main
#: area below the lesson bar, with its box; and the page's fingerprint (see the module's note).
PICTURE_JS = r"""() => {
  const main = document.querySelector('[data-testid=stMain]');
  const bar = main.querySelector('.st-key-lesson_bar');
  const barBottom = bar ? bar.getBoundingClientRect().bottom : 0;
  const find = (root, sel) => {
    const hit = root.querySelector(sel);
    if (hit) return hit;
    for (const e of root.querySelectorAll('*')) if (e.shadowRoot) { const h = find(e.shadowRoot, sel); if (h) return h; }
    return null;
  };
  const hash = (s) => { let x = 2166136261; for (let i = 0; i < s.length; i++) { x ^= s.charCodeAt(i); x = Math.imul(x, 16777619); }
                        return (x >>> 0).toString(16); };
  const canvas = find(main, "[data-testid='ebm-chain-canvas']");
  const pics = [];
  if (canvas && +(canvas.getAttribute('data-rendered') || 0) >= 1) pics.push(canvas);
  for (const e of main.querySelectorAll(
      ".js-plotly-plot .main-svg, [data-testid=stVegaLiteChart] canvas, [data-testid=stVegaLiteChart] svg, " +
      "[data-testid=stImage] img")) {
    if (e.tagName === 'IMG' && !(e.complete && e.naturalWidth > 0)) continue;
    pics.push(e);
  }
  const boxes = pics.map(e => e.getBoundingClientRect())
    .filter(r => r.width > 20 && r.height > 20 && r.top >= barBottom - 1)
    .map(r => [r.left, r.top, r.right, r.bottom]).sort((a, b) => a[1] - b[1]);
  const arr = (v) => v == null ? null : Array.from(v, x => typeof x === 'number' ? +x.toPrecision(10) : x);
  const plots = [...main.querySelectorAll('.js-plotly-plot')].map(p =>
    hash(JSON.stringify((p.data || []).map(t => [t.type, arr(t.x), arr(t.y),
                                                  t.z == null ? null : Array.from(t.z, r => arr(r))]))));
  // (charts and images the page has but the browser has not drawn yet: a loaded machine lags)
  const shown = (e) => e.getClientRects().length > 0;  // (not in a part the step hides)
  const pending = [...main.querySelectorAll('[data-testid=stPlotlyChart]')].filter(c => shown(c) && !c.querySelector('.main-svg')).length
    + [...main.querySelectorAll('[data-testid=stImage] img')].filter(i => shown(i) && !(i.complete && i.naturalWidth > 0)).length;
  return {
    pending,
    picture: boxes.length ? boxes[0] : null,
    bar: bar ? [bar.getBoundingClientRect().top, barBottom] : null,
    fingerprint: {
      canvas: canvas ? canvas.getAttribute('data-sig-shown') : null,
      canvasSig: canvas ? canvas.getAttribute('data-sig') : null,
      plots,
      // (the path only: Streamlit writes the server's origin into it, and the second server has another port)
      images: [...main.querySelectorAll('[data-testid=stImage] img')].map(i => new URL(i.getAttribute('src') || '', location.href).pathname),
      numbers: [...main.querySelectorAll('[data-testid=stMetricValue]')].map(e => e.textContent.trim()),
    },
  };
}"""


#: How far the lesson bar's formula runs into what follows it (CSS px; > 0: they overlap): its lowest
#: glyph against the top of the next element (a fraction's denominator once ran into the sentence).
FORMULA_OVERLAP_JS = r"""() => {
  const kd = document.querySelector('[data-testid=stMain] .st-key-lesson_bar .katex-display');
  const box = kd && kd.closest('[data-testid=stElementContainer]');
  const next = box && box.nextElementSibling;
  if (!next) return null;
  let lowest = 0;
  for (const e of kd.querySelectorAll('*')) { const r = e.getBoundingClientRect(); if (r.height) lowest = Math.max(lowest, r.bottom); }
  return lowest - next.getBoundingClientRect().top;
}"""


def _query(page) -> dict:
    q = page.evaluate("() => location.search").lstrip("?")
    return dict(p.split("=", 1) for p in q.split("&") if "=" in p)


def _settled(page, k: int, wait_until, wait_for_app_idle) -> dict:
    """Step k on screen, the script idle, its picture and every chart and image drawn, and the page
    unchanged between two reads."""
    wait_until(lambda: _query(page).get("step") == str(k), timeout=90, message=f"step {k} in the URL")
    last = {}

    def steady():
        wait_for_app_idle(page, timeout_ms=90_000)
        page.evaluate(NEXT_FRAMES_JS)
        now = page.evaluate(PICTURE_JS)
        f = now["fingerprint"]
        ok = (now["picture"] is not None and f["canvas"] == f["canvasSig"] and not now["pending"] and now == last.get("v")
              and page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").count() == 1)
        last["v"] = now
        if page.locator("[data-testid='stException']").count():
            return now  # (an exception: no picture will come; _problems says so)
        return now if ok else None

    try:
        return wait_until(steady, timeout=90, interval=0.2, message=f"step {k}'s picture, settled")
    except AssertionError as e:
        state = page.evaluate("() => document.querySelector('[data-testid=stApp]').getAttribute('data-test-script-state')")
        raise AssertionError(f"{e}; {page.evaluate('() => location.pathname + location.search')}; script {state}; "
                             f"last read {last.get('v')}") from None


def _keys_ready(page) -> bool:
    return page.evaluate("() => !!(window.__ebmLessonKeys && window.__ebmLessonKeys.ready())")


def _problems(page, k: int, seen: dict, lang: str) -> list:
    """What is wrong with step k on screen (an empty list: nothing)."""
    where = (lang, k, schema.load("lecture5").steps[k - 1].title["en"])
    out = []
    if page.locator("[data-testid='stException']").count() or page.locator("[data-testid='stAlertContentError']").count():
        out.append((where, "an exception or an error box"))
    pic = seen["picture"]
    if pic is None:
        out.append((where, "no picture"))
    elif not pic[1] < H - FIRST_SCREEN_MARGIN:
        out.append((where, f"the picture starts at {pic[1]:.0f} px, below the first screen", seen["bar"]))
    overlap = page.evaluate(FORMULA_OVERLAP_JS)
    if overlap is not None and overlap > 0.5:
        out.append((where, f"the formula runs {overlap:.0f} px into the sentence below it"))
    small = sorted({(t["text"], t["px"]) for t in page.evaluate(TEXT_SIZES_JS) if t["px"] < MIN_PX - 0.01})
    if small:
        out.append((where, "text under 18 px", small[:5]))
    return out


@pytest.mark.slow
def test_the_lesson_walked_with_the_clicker_and_opened_from_fresh_links(streamlit_server, browser, wait_until,
                                                                       wait_for_app_idle):
    url = streamlit_server(APP)
    fresh = StreamlitServer(APP)  # (started now; it warms up while the walk runs)
    walked: dict[tuple[str, int], dict] = {}
    problems: list = []
    try:
        with new_page(browser, W, H, timeout_ms=60_000) as page:
            for lang in ("en", "zh"):
                page.goto(f"{url}/?lesson=lecture5&step=1&present=true&lang={lang}")
                for k in range(1, N + 1):
                    t0 = time.monotonic()
                    seen = _settled(page, k, wait_until, wait_for_app_idle)
                    problems += _problems(page, k, seen, lang)
                    print(f"{lang} {k:2d} {time.monotonic() - t0:5.1f} s bar {seen['bar']} picture {seen['picture']}")
                    walked[(lang, k)] = seen["fingerprint"]
                    if k < N:
                        wait_until(lambda: _keys_ready(page), timeout=30, message="the key listener")
                        page.keyboard.press("PageDown")
            assert not problems, "\n".join(map(str, problems))
            fresh.wait_healthy()
            differ = []
            for k in range(1, N + 1):
                t0 = time.monotonic()
                page.goto(f"{fresh.url}/?lesson=lecture5&step={k}&present=true&lang=en")
                seen = _settled(page, k, wait_until, wait_for_app_idle)
                print(f"link {k:2d} {time.monotonic() - t0:5.1f} s")
                if seen["fingerprint"] != walked[("en", k)]:
                    differ.append((k, seen["fingerprint"], walked[("en", k)]))
            assert not differ, "\n".join(map(str, differ))
    finally:
        fresh.stop()
