"""First view on a freshly started server, in Chromium (issue 16, item 5: goal <= 3 s for /mcmc).

For each page: start a fresh ``streamlit run ebm_lab.py`` (``--app app.py``: the cold app,
without the start-up warm-up) (bench/load/server.py), wait for its health check (the start-up
time is reported: ``server_start_s``), then open the page in a new headless Chromium and time

- ``to_picture_s``: navigation start -> the page's main picture is drawn (``/mcmc``: the chain
  canvas's ``data-rendered`` >= 1; other pages: the first Plotly chart or image, or, for the
  home page, the title);
- ``to_idle_s``: navigation start -> the script run is over (``data-test-script-state``);
- ``canvas_drawn_s`` (``/mcmc``): navigation start -> the canvas drew its first picture, as the
  canvas itself notes it (``data-first-ms``): the waits above poll, and can only see the picture
  once the browser's main thread is free (it parses the charts' code right after).

Then the same page once more in a new browser context on the same server (``warm``: the
shared caches filled by the first visitor).  Prints JSON; ``--out`` writes it too.

    python bench/first_view.py                       # /mcmc, /, /landscape, /rbm, /deep
    python bench/first_view.py --pages mcmc --repeat 3
    python bench/first_view.py --pages mcmc --repeat 3 --app app.py   # without the warm-up
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _machine  # noqa: E402
from load.server import Server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
PICTURE = {  # what "the picture is there" means on each page
    "mcmc": "[data-testid='ebm-chain-canvas'][data-rendered]:not([data-rendered='0'])",
    "": "h1",
    "landscape": ".js-plotly-plot .main-svg, [data-testid='stImage'] img",
    "rbm": "[data-testid='stImage'] img, .js-plotly-plot .main-svg, [data-testid='stAlert']",
    "deep": "[data-testid='stImage'] img, .js-plotly-plot .main-svg, [data-testid='stAlert']",
}
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def visit(browser, url: str, picture: str, timeout_ms: int = 60_000) -> dict:
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    try:
        t0 = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.wait_for_selector(picture, state="attached", timeout=timeout_ms)
        t_pic = time.perf_counter() - t0
        page.wait_for_selector(IDLE, state="attached", timeout=timeout_ms)
        row = {"to_picture_s": round(t_pic, 3), "to_idle_s": round(time.perf_counter() - t0, 3)}
        # The canvas notes when it drew (ms since navigation start): the polling above only
        # sees it when the browser's main thread is free again (it loads the charts' code next).
        first = page.locator("[data-first-ms]").first
        if first.count():
            row["canvas_drawn_s"] = round(int(first.get_attribute("data-first-ms")) / 1000, 3)
        return row
    finally:
        ctx.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", nargs="+", default=["mcmc", "", "landscape", "rbm", "deep"])
    ap.add_argument("--repeat", type=int, default=1, help="fresh servers per page")
    ap.add_argument("--app", default="ebm_lab.py",
                    help="the script served: ebm_lab.py (warmed before it listens) or app.py (cold)")
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    from playwright.sync_api import sync_playwright

    out = {"app": a.app, "machine": {"cpu": _machine.cpu_model(), "cores": os.cpu_count(), "load_1min": os.getloadavg()[0]},
           "pages": {}}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            for name in a.pages:
                rows = []
                for _ in range(a.repeat):
                    srv = Server(app=a.app)
                    try:
                        started_s = srv.wait_healthy()
                        url = f"{srv.url}/{name}"
                        rows.append({"server_start_s": round(started_s, 3),
                                     "fresh": visit(browser, url, PICTURE[name]),
                                     "warm": visit(browser, url, PICTURE[name])})
                    finally:
                        srv.stop()
                out["pages"]["/" + name] = rows
        finally:
            browser.close()
    _machine.emit(out, a.out)


if __name__ == "__main__":
    main()
