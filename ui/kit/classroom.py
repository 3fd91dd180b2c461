"""What a student sees of sharing the server with the class: their place while waiting for a
training turn (``ui.kit.scheduler``), a full class, and the teacher's limits (``ui.kit.limits``)
on the controls they narrowed."""

from __future__ import annotations

import math

import streamlit as st

from ui.kit.i18n import t
from ui.kit.scheduler import Turn


def waiting(turn: Turn, trained: bool) -> None:
    """The note of a session waiting for its turn (``trained``: it has had turns before)."""
    text = t("class_waiting", place=turn.place, n=turn.waiting, s=max(1, math.ceil(turn.eta_s)))
    if not trained:
        text += "  \n" + t("class_waiting_first")
    st.info(text)


def full(n: int) -> None:
    st.warning(t("class_full", n=n), icon=":material/traffic:")


def limits_note(limited: dict[str, int]) -> None:
    """A caption under the controls that the class limits narrowed ({"epochs" | "hidden" | "width": n})."""
    if limited:
        what = t("class_limits_sep").join(t(f"class_limit_{k}", n=n) for k, n in limited.items())
        st.caption(t("class_limits", what=what))
