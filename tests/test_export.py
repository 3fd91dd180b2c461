"""The MCMC clip as one HTML file that plays offline (ui/mcmc/export.py; issue 13 §5).

Here: what the file holds (the clip without its server-only keys, the canvas's code with its
entry named, the styles), that nothing from the clip can end the script early, and the page's
download button.  tests/browser/test_slide_exports.py plays the file in Chromium from file://.
"""

import json
import re

import numpy as np
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
    labels = [b.proto.label for b in at.get("download_button")]
    assert "This clip as an HTML file (plays offline)" in labels and "This clip as an animated GIF" in labels


def test_the_gif_shows_the_chains_walking():
    """The GIF's frames are the run's steps, evenly spaced; each frame has a dot (one colour,
    used nowhere else) wherever a chain was at that step."""
    import io

    from PIL import Image, ImageSequence

    from ui.mcmc import controls as M
    from ui.mcmc import runs as R
    from ui.mcmc import startup

    key = startup.default_key()
    trace = R.run(*key)
    pic = M.exact_grid(key[0], key[1], key[4], M.DISPLAY_GRID, picture=True, half=key[-1])
    data = EXP.clip_gif(trace.positions, pic.energy / key[4], pic.box,
                        {"step": "step {i} / {n}", "burn_in": "burn-in {i} / {n}", "m": 200})
    im = Image.open(io.BytesIO(data))
    frames = [np.asarray(f.convert("RGB")) for f in ImageSequence.Iterator(im)]
    n, size = trace.positions.shape[0] - 1, EXP.GIF_SIZE
    assert len(frames) == EXP.GIF_FRAMES and im.size == (size, size)
    steps = np.unique(np.linspace(0, n, EXP.GIF_FRAMES).round().astype(int))
    x0, x1, y0, y1 = pic.box

    def pixels(k):
        p = np.asarray(trace.positions[steps[k]], np.float64)
        px = np.rint(np.stack([(p[:, 0] - x0) / (x1 - x0) * (size - 1), (y1 - p[:, 1]) / (y1 - y0) * (size - 1)], 1))
        return [(int(x), int(y)) for x, y in px if 0 <= x < size and 24 <= y < size]  # (below the caption)

    dot = tuple(frames[0][pixels(0)[0][1], pixels(0)[0][0]])
    for k in (0, 60, EXP.GIF_FRAMES - 1):
        a = frames[k]
        assert pixels(k) and all(tuple(a[y, x]) == dot for x, y in pixels(k)), k
        assert (a == dot).all(axis=2).mean() < 0.01  # (a dot's colour, not the landscape's)


def test_gif_captions_in_chinese_need_a_font(monkeypatch):
    assert EXP.gif_font("en") is None
    monkeypatch.setattr(EXP, "cjk_font", lambda size: None)
    assert EXP.gif_font("zh") is None  # (then the page captions in English and says so)
