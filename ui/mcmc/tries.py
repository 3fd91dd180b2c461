"""The MCMC page's "things to try": each item is a sentence with its numbers and one or two buttons
that set the whole state it needs (target, sampler, T, step size, chains, steps, m, f, starts).

A button resets every control to its default first, so an item's state is exactly ``TRIES[...]``
whatever was set before; ``tests/test_page_mcmc_explain.py`` clicks each button and checks the
item's claim with the numbers the page then shows.
"""

from __future__ import annotations

import streamlit as st

from ui.kit.i18n import t
from ui.mcmc import controls as M

#: item -> [(button label key, state)], the state by the controls' keys (URL keys).
TRIES: dict[int, list[tuple[str, dict]]] = {
    1: [("try_it", {"sampler": "mh", "sigma": 8.0})],
    2: [("try_it", {"target": "mixture", "sampler": "mh", "T": 0.2})],
    3: [("try_it", {"target": "gaussian", "sampler": "gibbs"})],
    4: [("try_ula", {"target": "gaussian", "sampler": "ula", "eps": 0.3, "f": "(x-y)^2"}),
        ("try_mala", {"target": "gaussian", "sampler": "mala", "eps": 0.3, "f": "(x-y)^2"})],
    5: [("try_it", {"target": "gaussian", "sampler": "mh", "starts": "corner", "steps": 300, "m": 0, "f": "x^2"})],
    6: [("try_with_q", {"target": "mixture", "sampler": "mh-independent", "sigmaq": 1.5, "chains": 8, "steps": 5000,
                        "m": 200, "f": "y"}),
        ("try_without_q", {"target": "mixture", "sampler": "mh-independent", "sigmaq": 1.5, "chains": 8,
                           "steps": 5000, "m": 200, "f": "y", "noq": "1"})],
}
_SPECS = {s.key: s for s in M.ALL_SPECS}


def apply(state: dict) -> None:
    """Every control to its default, then the item's values (checked like URL values)."""
    M.reset_settings()
    for k, v in state.items():
        value, _note = _SPECS[k].parse(str(v))
        st.session_state[k] = value


def things_to_try() -> None:
    for k, buttons in TRIES.items():
        text, cols = st.columns([5, 1 + len(buttons)], vertical_alignment="center")
        text.markdown(f"{k}. {t(f'try_{k}')}")
        for b, (label, state) in zip(cols.columns(len(buttons)), buttons):
            b.button(t(label), key=f"try_{k}_{label}", on_click=apply, args=(state,))
