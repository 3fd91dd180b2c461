"""A page's "things to try" (issue 12 §5): each item a sentence with one or more buttons, each button
setting the whole state the item needs (every control back to its default, then the item's values
checked like URL values, the tabs it opens, the model it uses). The MCMC page has its own
(``ui.mcmc.tries``, with the picture's settings); the other pages share this one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import streamlit as st

from ui.kit.i18n import LANGS, S, t


@dataclass(frozen=True)
class Try:
    label: str  # the button's label key
    state: dict  # URL key -> value, parsed by the control's Spec as a link's value would be
    tabs: tuple[tuple[str, str], ...] = ()  # (tab widget key with "{lang}", tab label key) to open
    then: Callable[[], None] | None = field(default=None, compare=False)  # e.g. load the shipped model


def apply(specs: list, item: Try) -> None:
    """A button's callback (it runs before the widgets exist): defaults, the item's values, its tabs."""
    by_key = {s.key: s for s in specs}
    for s in specs:
        st.session_state[s.key] = s.default
    for k, v in item.state.items():
        value, _note = by_key[k].parse(str(v))
        st.session_state[k] = value
    for wkey, label in item.tabs:
        for lg in LANGS:  # both languages: switching language keeps the tab
            st.session_state[wkey.format(lang=lg)] = S[label].get(lg) or S[label]["en"]
    if item.then is not None:
        item.then()


def draw(items: dict[str, list[Try]], specs: list) -> None:
    """One row per item: its text (the item's string key) and its buttons (widget key ``<item>__<label>``)."""
    for k, buttons in items.items():
        text, cols = st.columns([5, 1 + len(buttons)], vertical_alignment="center")
        text.markdown(t(k))
        for b, item in zip(cols.columns(len(buttons)), buttons):
            b.button(t(item.label), key=f"{k}__{item.label}", on_click=apply, args=(specs, item))
