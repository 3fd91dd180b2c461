"""The MCMC clip as one HTML file that plays offline, with no server (issue 13 §5).

The file holds the clip the canvas was sent, the canvas's own code and styles (the files in
``static/chain_canvas/``, joined as the browser joins them) and ``static/chain_canvas/export.html``
around them.  No Streamlit here: the page hands over the packed clip (``ui.mcmc.tune.clip``).
"""

from __future__ import annotations

import html
import json
import re

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
