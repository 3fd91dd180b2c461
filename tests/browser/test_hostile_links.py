"""Hostile links on every page, in Chromium: each page finishes, shows no traceback, and shows what
the link carried as text, never as markup (no bold, no links or images from another host, no LaTeX).

One link per page sets every URL key the page reads (its Spec lists, so a new key is covered
without editing this file), each key twice (the app reads the last): every other key reads
Markdown, HTML and LaTeX in one value (``MIXED``: also not a number), the rest 10,000 characters
with markup before and after the 80-character cut.  Keys that open a part of the page (a typed
formula, typed points) read the value that opens it, after a hostile one, so the text boxes they
open get the values too.  Every key with every hostile value (empty, NaN, inf, negative as well)
is tests/test_page_hostile.py's, in-process: there it is about the server finishing; here, about
what the browser draws, which goes through the same few calls for every key.
"""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

pytestmark = pytest.mark.slow  # six page loads: 30-90 s on the shared 2-core machine

APP = Path(__file__).resolve().parents[2] / "app.py"
EVIL = "evil.example"
MIXED = (f"**x** [a](http://{EVIL}) ![i](http://{EVIL}/i.png) <b>x</b><img src=x onerror=alert(1)> $x^2$ "
         f"http://{EVIL}/auto")
HUGE = ("9" * 40 + " " + MIXED + " ") * 60  # markup before and after the 80-character cut …
HUGE = HUGE[:10_000]  # … 10,000 characters in all
APP_KEYS = ["lang", "present"]  # read by app.py on every page


def _pages() -> dict[str, tuple[str, list[str], dict[str, str]]]:
    """page -> (path, the URL keys it reads, keys that open its parts: the value that opens them)."""
    from ui.deep import specs as deep
    from ui.landscape import ebm2d, explore
    from ui.mcmc import controls as mcmc
    from ui.rbm import specs as rbm

    keys = lambda specs: APP_KEYS + [s.key for s in specs]  # noqa: E731
    return {
        "home": ("home", APP_KEYS, {}),
        "mcmc": ("mcmc", keys(mcmc.ALL_SPECS), {"target": "custom", "starts": "typed"}),
        "landscape": ("landscape", keys([explore.MODE, *explore.SPECS.values()]), {"energy": "custom", "cut": "typed"}),
        "learn": ("landscape", keys([explore.MODE, *ebm2d.SPECS.values()]), {"mode": "learn", "ml_neg": "persistent"}),
        "rbm": ("rbm", keys(rbm.ALL_SPECS), {}),
        "deep": ("deep", keys(deep.ALL_SPECS), {}),
    }


def _link(keys: list[str], opens: dict[str, str]) -> list[tuple[str, str]]:
    """The query (key, value pairs): every key twice, the page reading MIXED and HUGE by turns."""
    out = []
    for i, k in enumerate(keys):
        other, read = (HUGE, MIXED) if i % 2 == 0 else (MIXED, HUGE)
        out += [(k, read), (k, opens[k])] if k in opens else [(k, other), (k, read)]
    return out


# What must not be on the page: the link's markup drawn (a link or image to another host, an
# image from src=x, an onerror handler, bold "x", LaTeX in a note), or an exception box.
INJECTED_JS = f"""() => [
  ...document.querySelectorAll('a[href*="{EVIL}"], img[src*="{EVIL}"], img[src="x"], [onerror], '
                               + '[data-testid=stAlert] .katex, [data-testid=stCaptionContainer] .katex'),
  ...[...document.querySelectorAll('strong, b, em')].filter(e => e.textContent.trim() === 'x')
].map(e => e.outerHTML.slice(0, 200))"""


def _open(page, url: str, path: str, query: list[tuple[str, str]], wait_for_app_idle) -> None:
    """Open the link; the browser keeps it in its address bar, where the page reads it.  The
    request for the page's HTML goes out without the query: Streamlit's server answers a request
    line over ~100 KB with 400 (before any app code runs), and the app reads the query from the
    address bar over its websocket, not from that request."""
    with_query = lambda u: u.startswith(f"{url}/{path}?")  # noqa: E731
    page.route(with_query, lambda route: route.continue_(url=f"{url}/{path}"))
    page.goto(f"{url}/{path}?{urlencode(query)}", wait_until="commit")  # (the title below is the wait)
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=60_000)  # the script has started
    wait_for_app_idle(page, timeout_ms=90_000)
    page.unroute(with_query)


@pytest.mark.parametrize("name", ["home", "mcmc", "landscape", "learn", "rbm", "deep"])
def test_hostile_links_finish_without_traceback_or_markup(name, streamlit_server, page, wait_for_app_idle):
    url = streamlit_server(APP)
    path, keys, opens = _pages()[name]
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))  # alert(1), were the <img> drawn
    query = _link(keys, opens)
    assert {k for k, _ in query} == set(keys)  # every key the page reads
    t0 = time.monotonic()
    _open(page, url, path, query, wait_for_app_idle)
    assert page.locator("[data-testid='stException']").count() == 0
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "Error:" not in body
    assert page.evaluate(INJECTED_JS) == []
    alerts = page.locator("[data-testid='stAlert']").all_inner_texts()
    assert all(len(a) < 400 for a in alerts), max(alerts, key=len)[:500]  # echoes are cut short
    # the notes show the link's text as typed (as code), so the student sees what was wrong …
    shown = page.locator("[data-testid='stAlert'] code").all_inner_texts()
    assert any(t.startswith("**x** [a](http://evil.example) ![i]") for t in shown), shown
    assert any(t.startswith("9" * 40) and t.endswith("…") and len(t) == 80 for t in shown), shown  # … cut
    assert dialogs == []
    print(f"{name}: {time.monotonic() - t0:.1f} s")
