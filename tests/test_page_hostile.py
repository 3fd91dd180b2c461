"""Every page through Streamlit's AppTest with one hostile value in every URL key it reads: the
script finishes (no exception), and every note shows the value only inside a code span, cut short.

Each key a page reads comes from its Spec lists (a new key is covered without editing this file).
The keys that open a part of the page (a custom formula, typed points) are read hostile in one run
and set to open that part in another, so the text boxes they open get every value too.  What the
browser draws from such links is tests/browser/test_hostile_links.py's.
"""

from __future__ import annotations

import re

import pytest

from apppages import assert_ok, open_page

MIXED = "**x** [a](http://evil.example) ![i](http://evil.example/i.png) <b>x</b><img src=x onerror=alert(1)> $x$"
VALUES = {"empty": "", "spaces": "  \t ", "huge": "9" * 10_000, "word": "abc", "nan": "nan", "inf": "inf",
          "-inf": "-inf", "negative": "-5", "overflow": "1e309", "markup": MIXED}
APP_KEYS = ["lang", "present"]  # app.py's, read on every page


def _pages() -> dict[str, tuple[str, list[str], dict[str, str], dict[str, str]]]:
    """name -> (page file, the URL keys it reads, the values that open its parts, the values every
    run needs: the part of the page under test)."""
    from ui.deep import specs as deep
    from ui.landscape import ebm2d, explore
    from ui.mcmc import controls as mcmc
    from ui.rbm import specs as rbm

    keys = lambda specs: APP_KEYS + [s.key for s in specs]  # noqa: E731
    return {
        "home": ("home", APP_KEYS, {}, {}),
        "mcmc": ("mcmc", keys(mcmc.ALL_SPECS) + [mcmc.CLICKED_KEY], {"target": "custom", "starts": "typed"}, {}),
        "landscape": ("landscape", keys([explore.MODE, *explore.SPECS.values()]), {"energy": "custom", "cut": "typed"},
                      {}),
        # (the mode key itself is read hostile on "landscape")
        "learn": ("landscape", keys(ebm2d.SPECS.values()), {"ml_neg": "persistent"}, {"mode": "learn"}),
        "rbm": ("rbm", keys(rbm.ALL_SPECS), {}, {}),
        "deep": ("deep", keys(deep.ALL_SPECS), {}, {}),
    }


CASES = [(name, opened) for name in ("home", "mcmc", "landscape", "learn", "rbm", "deep")
         for opened in ((False, True) if name in ("mcmc", "landscape", "learn") else (False,))]


@pytest.mark.slow
@pytest.mark.parametrize("name, opened", CASES)
def test_every_key_takes_every_hostile_value(name, opened):
    page, keys, opens, needs = _pages()[name]
    for what, value in VALUES.items():
        query = {k: value for k in keys} | (opens if opened else {}) | needs
        at = assert_ok(open_page(page, query))  # (open_page: no exception)
        for el in [*at.warning, *at.error, *at.caption]:
            # the user's part of a note is a code span: take the spans out, no markup may be left
            outside = re.sub(r"(`+).*?\1", "", el.value)
            assert not re.search(r"\*\*x|evil\.example|<b>|<img|\$x\$|9{81}", outside), (name, what, el.value)
            if "`" in el.value:
                assert len(el.value) < 400, (name, what, el.value)  # a 10,000-character value cut short
