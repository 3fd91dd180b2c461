"""Hostile links on every page, in Chromium: each page finishes, shows no traceback, and shows what
the link carried as text, never as markup (no bold, no links or images from another host, no LaTeX).

Every URL key a page reads (its Spec lists, so a new key is covered without editing this file)
gets, in two links per page: Markdown, HTML and LaTeX in one value (``MIXED``: also not a number),
with the key given twice (the app reads the last); then 10,000 characters with markup before and
after the 80-character cut.  Keys that open a part of the page (a typed formula, typed points)
come twice too, a hostile value first and then the value that opens the part, so the text boxes
they open get the values as well.  Empty, NaN, inf and negative values in every key (and the keys
that open parts read hostile) are tests/test_page_hostile.py's, in-process: they are about the
server finishing, not about what the browser draws.
"""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

pytestmark = pytest.mark.slow  # 12 page loads: ~40 s on the 2-core machine

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


def _links(keys: list[str], opens: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """Two queries (key, value pairs) that give every key the hostile values above."""
    def query(value: str, first: str | None) -> list[tuple[str, str]]:
        out = []
        for k in keys:
            if k in opens:
                out += [(k, value), (k, opens[k])]
            else:
                out += ([(k, first)] if first is not None else []) + [(k, value)]
        return out

    return {"markup, each key twice": query(MIXED, first="-5"), "10,000 characters": query(HUGE, first=None)}


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
    page.goto(f"{url}/{path}?{urlencode(query)}")
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=60_000)  # the script has started
    wait_for_app_idle(page, timeout_ms=90_000)
    page.unroute(with_query)


@pytest.mark.parametrize("name", ["home", "mcmc", "landscape", "learn", "rbm", "deep"])
def test_hostile_links_finish_without_traceback_or_markup(name, streamlit_server, page, wait_for_app_idle):
    url = streamlit_server(APP)
    path, keys, opens = _pages()[name]
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))  # alert(1), were the <img> drawn
    t0 = time.monotonic()
    for what, query in _links(keys, opens).items():
        assert {k for k, _ in query} == set(keys)  # every key the page reads
        _open(page, url, path, query, wait_for_app_idle)
        where = f"{name}, {what}"
        assert page.locator("[data-testid='stException']").count() == 0, where
        body = page.locator("body").inner_text()
        assert "Traceback" not in body and "Error:" not in body, where
        assert page.evaluate(INJECTED_JS) == [], where
        alerts = page.locator("[data-testid='stAlert']").all_inner_texts()
        assert all(len(a) < 400 for a in alerts), (where, max(alerts, key=len)[:500])  # echoes are cut short
        if what.startswith("markup"):
            # the notes show the link's text as it was typed (as code), so the student sees what was wrong
            shown = page.locator("[data-testid='stAlert'] code").all_inner_texts()
            assert any(t.startswith("**x** [a](http://evil.example)") for t in shown), (where, shown)
    assert dialogs == []
    print(f"{name}: {time.monotonic() - t0:.1f} s")
