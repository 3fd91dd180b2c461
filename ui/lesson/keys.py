"""The presentation clicker's keys (PageDown/PageUp, → / ←) as a tiny Streamlit component (v2).

Its code is ``static/lesson_keys/keys.js`` (sent inline: it is ~2 KB), listening on the page's
document; a key press is the trigger ``nav`` = ``{"dir": "next" | "prev", "n": count}``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

JS_FILE = Path(__file__).resolve().parents[2] / "static" / "lesson_keys" / "keys.js"
_COMPONENT = None


def _component():
    global _COMPONENT
    if _COMPONENT is None:
        _COMPONENT = st.components.v2.component("ebm_lab.lesson_keys", js=JS_FILE.read_text(encoding="utf-8"),
                                                isolate_styles=True)
    return _COMPONENT


def lesson_keys(*, key: str, on_nav) -> None:
    """Mount the listener; ``on_nav`` runs (as a callback, before the script) on each key press,
    and reads the direction from ``st.session_state[key].nav``."""
    _component()(key=key, data={}, height=0, on_nav_change=on_nav)


def direction(key: str) -> str | None:
    """"next" / "prev" from the trigger just sent (None if none)."""
    result = st.session_state.get(key)
    value = result.get("nav") if hasattr(result, "get") else getattr(result, "nav", None)
    d = value.get("dir") if isinstance(value, dict) else None
    return d if d in ("next", "prev") else None
