"""The MCMC clip as one HTML file that plays offline (ui/mcmc/export.py; issue 13 §5).

Here: what the file holds (the clip without its server-only keys, the canvas's code with its
entry named, the styles), that nothing from the clip can end the script early, and the page's
download button.  tests/browser/test_export.py plays the file in Chromium from file://.
"""

import json
import re

import pytest

from ui.mcmc import export as EXP
from ui.mcmc.canvas import JS_FILES


def _page_clip():
    from tests.apppages import open_page
    at = open_page("mcmc", {"chains": "2", "steps": "120", "m": "20"})
    return at, json.loads(at.get("bidi_component")[0].proto.json)


def _data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="ebm-clip">(.*?)</script>', page, re.S)
    return json.loads(m.group(1))


def test_the_file_holds_the_clip_and_the_canvas_code():
    _at, clip = _page_clip()
    page = EXP.clip_html(clip, "EBM Lab: <test> & T = 1", "en")
    data = _data(page)
    assert data["pos"] == clip["pos"] and data["grid"] == clip["grid"] and data["id"] == clip["id"]
    assert not set(EXP.SERVER_ONLY) & set(data)  # no sliders that would ask a server
    assert "window.__ebmMount = function (" in page and "export default" not in page
    for name in JS_FILES:  # every file of the canvas, as the browser joins them
        first = next(l for l in (EXP.FRONTEND_DIR / name).read_text().splitlines() if l.strip())
        assert first in page
    assert "<title>EBM Lab: &lt;test&gt; &amp; T = 1</title>" in page and '<html lang="en">' in page
    assert '<html lang="zh-CN">' in EXP.clip_html(clip, "t", "zh")


def test_nothing_in_the_clip_ends_the_script_early():
    _at, clip = _page_clip()
    clip = dict(clip, labels={**clip["labels"], "play": "</script><script>alert(1)</script>"})
    page = EXP.clip_html(clip, "x", "en")
    assert page.lower().count("</script") == 2  # (the clip's and the code's own end tags only)
    assert _data(page)["labels"]["play"] == "</script><script>alert(1)</script>"


def test_a_clip_without_its_grid_is_refused():
    _at, clip = _page_clip()
    with pytest.raises(ValueError, match="grid"):
        EXP.clip_html(dict(clip, grid={"ref": clip["grid"]["id"]}), "x")
    with pytest.raises(ValueError):
        EXP.clip_html({"held": True, "id": "a", "sig": "b"}, "x")


def test_the_page_offers_the_file():
    at, _clip = _page_clip()
    [button] = [b for b in at.get("download_button") if "HTML" in b.proto.label]
    assert button.proto.label.startswith("This clip as an HTML file")
