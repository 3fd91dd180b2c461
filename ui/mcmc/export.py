"""The MCMC clip for slides (issue 13 §5): one HTML file that plays offline, with no server,
and an animated GIF.

The file holds the clip the canvas was sent, the canvas's own code and styles (the files in
``static/chain_canvas/``, joined as the browser joins them) and ``static/chain_canvas/export.html``
around them.  No Streamlit here: the page hands over the packed clip (``ui.mcmc.tune.clip``).
"""

from __future__ import annotations

import html
import json
import re

import numpy as np

from ebm_core.viz.ebm2d import gif_bytes
from ebm_core.viz.fonts import cjk_font
from ui.mcmc.canvas import CSS_FILE, FRONTEND_DIR, JS_FILES

#: the clip's keys that only make sense with a server behind the page
SERVER_ONLY = ("tune", "near", "ready", "missing", "eta_ms", "ask_drawn", "held", "assets")
ENTRY = "export default function ("  # main.js's one export: named here, the page calls it


def _code() -> str:
    code = "\n".join((FRONTEND_DIR / name).read_text(encoding="utf-8") for name in JS_FILES)
    if code.count(ENTRY) != 1:
        raise RuntimeError(f"expected one {ENTRY!r} in the canvas's code")
    return code.replace(ENTRY, "window.__ebmMount = function (")


def _safe_in(element: str, text: str) -> str:
    # (inside <script> or <style>, "</script" or "</style" would end it early; "<!--" and
    # "<script" change how a script's text is read)
    low = text.lower()
    if f"</{element}" in low or "<!--" in low or "<script" in low:
        raise ValueError(f"the canvas's code or styles cannot go inside <{element}> as they are")
    return text


def clip_html(clip: dict, title: str, lang: str = "en") -> str:
    """One self-contained HTML page that plays ``clip`` (a packed clip with its grid in full)."""
    if "pos" not in clip or "ref" in (clip.get("grid") or {}):
        raise ValueError("the clip must be whole, with its grid (not a reference)")
    data = {k: v for k, v in clip.items() if k not in SERVER_ONLY}
    data_json = json.dumps(data, separators=(",", ":")).replace("<", "\\u003c")
    slots = {"__CODE__": _safe_in("script", _code()),
             "__CSS__": _safe_in("style", (FRONTEND_DIR / CSS_FILE).read_text(encoding="utf-8")),
             "__DATA__": data_json, "__TITLE__": html.escape(title), "__LANG__": "zh-CN" if lang == "zh" else "en"}
    page = (FRONTEND_DIR / "export.html").read_text(encoding="utf-8")
    # one pass: a slot's value is never searched for the other slots
    return re.sub("|".join(slots), lambda m: slots[m.group(0)], page)


GIF_FRAMES = 120  # frames of a GIF (evenly spaced steps): ~12 s at 10 frames a second
GIF_SIZE = 480  # px square: readable on a slide, ~1-2 MB


def gif_font(lang: str, size: int = 16):
    """The font for a GIF's captions: PIL's default one draws English only, so Chinese needs one
    found on this machine (``cjk_font``); None means: caption in English."""
    return None if lang == "en" else cjk_font(size)


def clip_gif(positions, energy, box, captions: dict, font=None) -> bytes:
    """The chains walking the landscape as an animated GIF: ``positions`` (n+1, C, 2), the
    landscape's ``energy`` on the picture's grid (low energy bright), ``captions``: the
    ``step`` and ``burn_in`` templates (``{i}``, ``{n}``) in the language ``font`` can draw."""
    pos = np.asarray(positions, np.float32)
    n = pos.shape[0] - 1
    steps = np.unique(np.linspace(0, n, min(GIF_FRAMES, n + 1)).round().astype(int))
    m = int(captions.get("m", 0))
    texts = [(captions["burn_in"] if i <= m and m > 0 else captions["step"]).format(i=i, n=n) for i in steps]
    return gif_bytes(pos[steps], box, backgrounds=np.asarray(energy, np.float64), captions=texts, size=GIF_SIZE,
                     font=font)
