"""Widgets bound to the URL, with range checks: a shared link restores the exact picture.

Each control is declared once (``Spec``): its URL key, default and allowed range.  Before
any widget is drawn, ``sanitize_url`` reads the raw query string; a value outside the range
is clamped (or replaced by the default when unreadable), written to session state, and a
visible note says what happened.  Widgets then write their values back to the URL
(``sync_url``: every value but the default, so a link restores the whole state).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import streamlit as st

from ebm_core.ranges import Range
from ui.kit.i18n import S, lang, t

LOG_STEPS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2, 0.3, 0.5, 0.8, 1.0, 1.5, 2.0,
             2.5, 3.0, 4.0, 5.0, 8.0]
TEMPERATURES = [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 20.0]


ECHO_MAX = 80  # characters of a URL or typed value shown back in a note


def plain(text, limit: int = ECHO_MAX) -> str:
    """User text (a URL value, a typed formula's refusal) for a Streamlit Markdown string
    (st.warning, st.error, st.caption …): an inline code span, so it reads as typed and
    nothing in it is markup.

    Not backslash escapes: Streamlit's Markdown turns http://…, www.… and a@b.c into links
    after parsing, escaped or not (seen in Chromium); inside a code span it makes nothing of
    links, **, <tags>, $…$ LaTeX or :red[…].  The fence is one backtick longer than any run
    of backticks in the text; a text that starts or ends with a backtick or a space is padded
    with one space each side, which Markdown strips (CommonMark; not from a text of spaces
    only, which shows as it is: an empty text shows as one space).  At most
    ``limit`` characters are kept ("…" marks a cut); newlines, tabs and other control
    characters become spaces, so the text stays on the note's one line.
    """
    text = "".join(" " if c.isspace() or not c.isprintable() else c for c in str(text))
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    if not text.strip(" "):
        return f"`{text or ' '}`"
    pad = " " if text[0] in "` " or text[-1] in "` " else ""
    return f"{fence}{pad}{text}{pad}{fence}"


@dataclass(frozen=True)
class Spec:
    key: str  # URL and session-state key
    label: str  # i18n key
    default: object
    lo: float | None = None
    hi: float | None = None
    options: tuple = field(default=())  # for choices and log-scale sliders
    kind: str = "int"  # int | float | choice | text
    names: str = ""  # a choice's i18n prefix of its options' labels ("" = label + "_"), for URL notes

    def parse(self, raw: str):
        """(value, note) for a raw URL string; note is None when the value was fine."""
        if self.kind == "text":
            return raw, None
        if self.kind == "choice":
            return (raw, None) if raw in self.options else (self.default, ("bad_value", raw, self.default))
        try:
            v = float(raw)
        except ValueError:
            return self.default, ("bad_value", raw, self.default)
        if not math.isfinite(v):
            return self.default, ("bad_value", raw, self.default)
        if self.options:  # a log-scale slider: snap to the nearest allowed value
            near = min(self.options, key=lambda o: abs(math.log(o) - math.log(max(v, 1e-12))))
            if v < self.options[0] or v > self.options[-1]:
                return near, ("clamped", raw, near)
            return near, None
        c = min(max(v, self.lo), self.hi)
        c = int(round(c)) if self.kind == "int" else c
        if c != v:
            return c, ("clamped", raw, c)
        return c, None


def within(r: Range, options) -> tuple:
    """``options`` (numbers, or numbers written as text), each checked to lie in the engine's range
    ``r``: a page offers a class-sized part of what the engine accepts, never more."""
    options = tuple(options)
    for o in options:
        if not r.ok(float(o) if isinstance(o, str) else o):
            raise ValueError(f"option {o!r} is outside the engine's range [{r.lo:g}, {r.hi:g}]")
    return options


def bounded(key: str, label: str, default, r: Range, lo: float | None = None, hi: float | None = None,
            kind: str = "int") -> Spec:
    """A slider or number box over [lo, hi], inside the engine's range ``r`` (all of it by default)."""
    b = r.within(r.lo if lo is None else lo, r.hi if hi is None else hi)
    return Spec(key, label, default, b.lo, b.hi, kind=kind)


def among(key: str, label: str, default, r: Range, options, kind: str = "int") -> Spec:
    """A log-scale slider or a select box whose options all lie in the engine's range ``r``."""
    return Spec(key, label, default, options=within(r, options), kind=kind)


def option_label(s: Spec, value) -> str:
    """A choice's value as its select box shows it (the option's label in this language), or the
    value itself where options have no labels (numbers, formulas such as x^2)."""
    if s.kind == "choice":
        key = f"{s.names or s.label + '_'}{value}"
        if key in S:
            return t(key)
    return str(value)


def sanitize_url(specs: list[Spec]) -> list[str]:
    """Clamp URL values into range before widgets exist; return the notes to show."""
    notes = []
    for s in specs:
        if s.key not in st.query_params or s.key in st.session_state.get("_url_checked", set()):
            continue
        raw = st.query_params.get(s.key)
        value, note = s.parse(raw)
        st.session_state[s.key] = value
        if note:
            kind, raw_v, used = note
            lo = s.options[0] if s.options else s.lo
            hi = s.options[-1] if s.options else s.hi
            # raw_v is the link's text: shown plain (never as Markdown) and cut short
            notes.append(t(kind, name=t(s.label), value=plain(raw_v), lo=lo, hi=hi, used=option_label(s, used)))
    st.session_state["_url_checked"] = st.session_state.get("_url_checked", set()) | {s.key for s in specs}
    return notes


def _init(s: Spec):
    if s.key not in st.session_state:
        st.session_state[s.key] = s.default


def slider(s: Spec, **kw):
    """A slider (a log-scale select slider when the spec has options), synced to the URL by hand.

    Not bind="query-params": Streamlit 1.67 leaves a select slider's first option, and any
    value equal to the widget's own default (its minimum), out of the URL, so a link could not
    restore T = 0.05 or one chain. ``sync_url`` writes every value but the spec's default.
    """
    _init(s)
    if s.options:
        value = st.select_slider(t(s.label), options=list(s.options), key=s.key, **kw)
    else:
        value = st.slider(t(s.label), min_value=s.lo, max_value=s.hi, key=s.key, **kw)
    sync_url(s, value)
    return value


def value(s: Spec):
    """A setting chosen by a control inside a component (not a Streamlit widget): kept in
    session state, range-checked like a URL value on every run, and synced to the URL."""
    _init(s)
    v, _note = s.parse(str(st.session_state[s.key]))
    st.session_state[s.key] = v
    sync_url(s, v)
    return v


def sync_url(s: Spec, value) -> None:
    """Write a choice's *key* (not its translated label) to the URL; drop it at the default."""
    if value == s.default or value is None:
        if s.key in st.query_params:
            del st.query_params[s.key]
    elif st.query_params.get(s.key) != str(value):
        st.query_params[s.key] = str(value)


def _copy(src: str, dst: str) -> None:
    # (a late event of a widget no longer drawn, e.g. from the page a lesson step just left,
    # arrives after Streamlit dropped its state: nothing to copy)
    if src in st.session_state:
        st.session_state[dst] = st.session_state[src]


def choice(s: Spec, format_func=str, **kw):
    # Not bind="query-params": Streamlit 1.67 would store the displayed (translated) label
    # in the URL, so links would change with the language and fail to restore.
    # The widget's key carries the language: Streamlit keeps a select box's option labels
    # when only format_func changes, so a new key makes it redraw them translated.  The
    # value itself lives under the plain key, shared by every language.
    _init(s)
    wkey = f"{s.key}__{lang()}"
    if st.session_state.get(wkey) != st.session_state[s.key]:
        st.session_state[wkey] = st.session_state[s.key]
    value = st.selectbox(t(s.label), options=list(s.options), key=wkey, format_func=format_func,
                         on_change=_copy, args=(wkey, s.key), **kw)
    sync_url(s, value)
    return value


def _copy_on(src: str, dst: str) -> None:
    if src in st.session_state:  # (see _copy)
        st.session_state[dst] = "1" if st.session_state[src] else "0"


def toggle(s: Spec, **kw) -> bool:
    """An on/off switch: a choice spec with options ("0", "1"), synced to the URL like ``choice``
    (the widget's key carries the language, so its label redraws translated)."""
    _init(s)
    wkey = f"{s.key}__{lang()}"
    on = st.session_state[s.key] == "1"
    if st.session_state.get(wkey) != on:
        st.session_state[wkey] = on
    value = st.toggle(t(s.label), key=wkey, on_change=_copy_on, args=(wkey, s.key), **kw)
    sync_url(s, "1" if value else "0")
    return bool(value)


def number(s: Spec, **kw):
    """An integer box synced to the URL by hand (see ``slider`` for why not bind)."""
    _init(s)
    value = st.number_input(t(s.label), min_value=s.lo, max_value=s.hi, key=s.key, step=1, **kw)
    sync_url(s, value)
    return value


def text(s: Spec, **kw):
    _init(s)
    value = st.text_input(t(s.label), key=s.key, max_chars=500, **kw)
    sync_url(s, value)
    return value


MAX_POINTS = 16


def parse_points(text: str, box) -> tuple[list[tuple[float, float]], str | None]:
    """Typed starting points "x, y; x, y; …" → (points, error key or None).

    Plain float parsing only (never eval); each point must lie within the box widened by
    its own size on every side, and at most ``MAX_POINTS`` are used.
    """
    x0, x1, y0, y1 = box
    wx, wy = x1 - x0, y1 - y0
    pts = []
    for chunk in text.replace("\n", ";").split(";"):
        chunk = chunk.strip().strip("()[]")
        if not chunk:
            continue
        parts = [p for p in chunk.replace(",", " ").split() if p]
        if len(parts) != 2:
            return [], "points_format"
        try:
            x, y = float(parts[0]), float(parts[1])
        except ValueError:
            return [], "points_format"
        if not (math.isfinite(x) and math.isfinite(y)) or not (x0 - wx <= x <= x1 + wx and y0 - wy <= y <= y1 + wy):
            return [], "points_range"
        pts.append((x, y))
    return pts[:MAX_POINTS], None
