"""The "learn an EBM" mode's things to try: each item's buttons set the whole state it needs (the
mode, every control of the page at its default, then the item's values) and start from a fresh,
untrained model, so the item's numbers are those of its claim. ``tests/test_page_ebm2d_tries.py``
clicks each button, trains as many updates as the claim names, and checks it with the numbers the
page then shows. (``ui.landscape.ebm2d`` draws them, passing its controls and its fresh-model reset.)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from ui.kit import tries
from ui.kit.tries import Try


def _try(label: str, **state) -> Try:
    return Try(label, {"mode": "learn", **state})


#: item text key -> its buttons; the state by the controls' URL keys.
TRIES: dict[str, list[Try]] = {
    "tries_ebm2d_1": [_try("try_it")],
    "tries_ebm2d_2": [_try("ebm2d_try_reinit0", ml_reinit=0.0), _try("ebm2d_try_reinit1", ml_reinit=1.0)],
    "tries_ebm2d_3": [_try("try_it", ml_neg="cd", ml_k=1)],
    "tries_ebm2d_4": [_try("ebm2d_try_alpha0", ml_alpha=0.0), _try("ebm2d_try_eps", ml_eps=0.3)],
}


def draw(specs: list, fresh_model: Callable[[], None]) -> None:
    """The items; ``specs``: every control of the page (a try resets them all); ``fresh_model``:
    drops the trained model, so the next run builds an untrained one from the item's settings."""
    tries.draw({k: [dataclasses.replace(b, then=fresh_model) for b in bs] for k, bs in TRIES.items()}, specs)
