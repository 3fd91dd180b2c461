"""The presentation clicker's keys (PageDown/PageUp, → / ←) as a tiny Streamlit component (v2).

Its code is ``static/lesson_keys/keys.js`` (sent inline: it is ~2 KB), listening on the page's
document; a key press is the trigger ``nav`` = ``{"dir": "next" | "prev", "from": k, "n": count}``,
sent again while the page still shows step k (see keys.js: a trigger can be swallowed by a fragment run).
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


def lesson_keys(*, key: str, step: int, on_nav) -> None:
    """Mount the listener for the page showing ``step``; ``on_nav`` runs (as a callback, before
    the script) on each key press, and reads it with :func:`move`."""
    _component()(key=key, data={"step": int(step)}, height=0, on_nav_change=on_nav)


def move(key: str) -> tuple[str, int] | None:
    """("next" | "prev", the step it moves from) from the trigger just sent (None if none or unreadable)."""
    result = st.session_state.get(key)
    value = result.get("nav") if hasattr(result, "get") else getattr(result, "nav", None)
    if not isinstance(value, dict) or value.get("dir") not in ("next", "prev"):
        return None
    k = value.get("from")
    return (value["dir"], k) if isinstance(k, int) and not isinstance(k, bool) else None
