"""GIF captions in Chinese (issue 12 §6): a CJK font found at run time draws them; without one they
stay English and the page says so."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageFont

from ebm_core.viz import ebm2d as V
from ebm_core.viz import fonts

_FONT = fonts.cjk_font(12)
needs_font = pytest.mark.skipif(_FONT is None, reason="no CJK font on this machine (apt-get install fonts-noto-cjk)")


def _caption_bar(gif: bytes, height: int) -> np.ndarray:
    im = Image.open(io.BytesIO(gif))
    return np.asarray(im.convert("L"))[:height]


@needs_font
def test_the_found_font_draws_chinese_and_the_default_one_does_not():
    assert fonts._has_glyphs(_FONT)
    assert not fonts._has_glyphs(ImageFont.load_default(12))  # (boxes: every character the same)
    assert _FONT.getname()[0].endswith("SC") or "Noto" not in _FONT.getname()[0]  # Simplified Chinese face


@needs_font
def test_a_chinese_caption_is_drawn_in_glyphs():
    frames = np.zeros((2, 3, 2), np.float32)
    box = (-1.0, 1.0, -1.0, 1.0)
    with_font = _caption_bar(V.gif_bytes(frames, box, captions=["第 1 帧", "第 2 帧"], font=_FONT), 17)
    tofu = _caption_bar(V.gif_bytes(frames, box, captions=["第 1 帧", "第 2 帧"]), 17)
    other = _caption_bar(V.gif_bytes(frames, box, captions=["第 1 次更新", "x"], font=_FONT), 17)
    ink = (with_font < 128).sum()
    assert ink > 20 and not np.array_equal(with_font, tofu) and not np.array_equal(with_font, other)


def test_the_font_search_honours_the_environment(monkeypatch, tmp_path):
    missing = tmp_path / "none.ttf"
    monkeypatch.setenv("EBM_CJK_FONT", str(missing))
    assert fonts.font_files()[0] == str(missing)  # tried first (and skipped: it cannot be opened)
    fonts.cjk_font.cache_clear()
    try:
        assert (fonts.cjk_font(12) is None) == (_FONT is None)
    finally:
        fonts.cjk_font.cache_clear()


def test_captions_fall_back_to_english_without_a_font(monkeypatch):
    from ui.landscape import ebm2d as page
    monkeypatch.setattr(page, "lang", lambda: "zh")
    monkeypatch.setattr(page, "cjk_font", lambda size: None)
    assert page._gif_captions("frame", [3]) == (["frame 3"], None)
    assert page._gif_captions("sigma", [0.5]) == (["sigma = 0.50"], None)
    monkeypatch.setattr(page, "cjk_font", lambda size: "a font")
    assert page._gif_captions("update", [40]) == (["第 40 次更新"], "a font")
    monkeypatch.setattr(page, "lang", lambda: "en")
    assert page._gif_captions("update", [40]) == (["update 40"], None)  # (English needs no font)
