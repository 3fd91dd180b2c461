"""An MCMC run on a 2D energy landscape, played in the browser (Streamlit components v2).

The server packs the whole clip once (:func:`pack_clip`, in ``clip.py``, whose docstring
lists the payload) and mounts it with :func:`chain_canvas`; the browser then animates it with
``requestAnimationFrame`` and the server does nothing while it plays.

No build step: the front end is the plain files in the app's ``static/chain_canvas/`` folder
(Streamlit serves it at ``app/static/``, ``server.enableStaticServing``).  Only ``loader.js``
goes inline with each message; it fetches the other JavaScript files once per page, joined in
:data:`JS_FILES` order into one ES module (they share one scope and ``main.js`` holds its only
export), so the ~45 KB of code is not repeated in every message.

=============  ===============================================================================
file           role
=============  ===============================================================================
loader.js      sent inline: loads the files below (once per page) and hands each mount on
decode.js      the payload (base64 arrays) into typed arrays: ``decodeClip``
draw.js        the picture: heatmap, contours, axes, colour bar, trail and overlay canvases
records.js     what the sampler did (HMC's leapfrog path and momentum, Langevin's drift and
               noise, MALA's proposal circle) and exact draws from p_T: ``records.py``
player.js      the DOM and state, play / pause / step / reset, the animation loop, controls
sliders.js     the sliders in the picture (T, step size), the clips held and asked for
export.js      the picture as a PNG at projector resolution (a button in the controls)
main.js        the entry the loader calls on each mount and data change
canvas.css     the styles (inline; inside the component's shadow root: ``isolate_styles``)
=============  ===============================================================================
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ui.mcmc.canvas.clip import DEFAULT_LABELS, EMPTY, MAX_GRID_SIDE, PALETTE, pack_clip

__all__ = ["DEFAULT_LABELS", "EMPTY", "MAX_GRID_SIDE", "PALETTE", "pack_clip", "chain_canvas",
           "JS_FILES", "CSS_FILE", "FRONTEND_DIR"]

#: the app's static folder (next to app.py), where Streamlit serves files from
FRONTEND_DIR = Path(__file__).resolve().parents[3] / "static" / "chain_canvas"
#: Joined in this order.  Only top-level constants evaluated at load could depend on it (none
#: reads another file's today: functions are hoisted); the entry comes last, as in one file.
JS_FILES = ("decode.js", "draw.js", "records.js", "player.js", "sliders.js", "export.js", "send.js", "main.js")
CSS_FILE = "canvas.css"
LOADER_FILE = "loader.js"


def _read(name: str) -> str:
    return (FRONTEND_DIR / name).read_text(encoding="utf-8")


_JS = "\n".join(_read(name) for name in JS_FILES)  # (what the loader builds in the browser)
_CSS = _read(CSS_FILE)
_LOADER = _read(LOADER_FILE)
#: where the loader finds the files (relative to the page), and their version (cache busting)
ASSETS = {"base": "app/static/chain_canvas/", "files": list(JS_FILES),
          "v": hashlib.blake2b(_JS.encode(), digest_size=6).hexdigest()}

_COMPONENT = None


def _component():
    global _COMPONENT
    if _COMPONENT is None:
        import streamlit as st

        _COMPONENT = st.components.v2.component(
            "ebm_lab.chain_canvas", css=_CSS, js=_LOADER, isolate_styles=True
        )
    return _COMPONENT


def _noop() -> None:
    pass


def chain_canvas(data: dict, *, key: str, height: int = 560, on_tune=None, on_near=None, on_drawn=None):
    """Mount the chain player.  ``data`` comes from :func:`pack_clip` (plus, optionally, the
    page's ``tune`` / ``near`` / ``missing`` / ``eta_ms``: see ``clip.py``'s docstring).

    Returns Streamlit's ``ComponentResult``: ``result.click`` is ``[x, y]`` in data coordinates
    on the script run triggered by a click on the plot, ``result.tune`` the ``{name: value}``
    chosen on the in-picture sliders (``on_tune`` is called first, before the script runs), and
    ``result.near`` = ``{"key": …, "have": [keys held]}`` when the browser asks for the clips
    one notch away (``on_near`` is called first; else ``None``).  With ``data["ask_drawn"]``
    the browser says once, by the trigger ``drawn`` (``on_drawn``), that the picture is on screen.
    """
    return _component()(
        key=key,
        data={**data, "assets": ASSETS},
        height=int(height),
        width="stretch",
        on_click_change=_noop,
        on_tune_change=on_tune or _noop,
        on_near_change=on_near or _noop,
        on_drawn_change=on_drawn or _noop,
    )
