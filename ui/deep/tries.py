"""The DBN / DBM page's things to try: each item's buttons set the whole state it needs (the model,
every control at its default, then the item's values, the tool tab that shows its effect) and
either load the shipped model or start training a fresh, small one from those settings (the
item's numbers were measured so, seed 0). ``tests/test_page_deep_tries.py`` clicks each button and
checks the item's claim with the numbers the page then shows.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from ui.deep import specs, training
from ui.kit import jobs, tries
from ui.kit.tries import Try

TOOLS = "deep_tools_{kind}_{{lang}}"  # the tool tabs' widget key (ui.deep.tools.draw_tools)


def train_afresh(kind: str) -> None:
    """Forget the current model and train a new one from the settings now set (as Train does)."""
    jobs.replace(training.JOBS[kind], rows=[], ais=[], status=jobs.RUNNING)


def _bound_now() -> None:
    training.load_pretrained("dbm")
    st.session_state["deep_bound_go"] = True  # as the page's "Estimate" button does


def _item(kind: str, label: str, tab: str, then, **state) -> Try:
    return Try(label, {"deep_model": kind, **state}, tabs=((TOOLS.format(kind=kind), tab),), then=then)


def _shipped(kind: str, label: str, tab: str, **state) -> Try:
    return _item(kind, label, tab, partial(training.load_pretrained, kind), **state)


def _trained(kind: str, label: str, tab: str, **state) -> Try:
    return _item(kind, label, tab, partial(train_afresh, kind), **state)


SMALL_DBN = {"deep_dbn_epochs": 3, "deep_dbn_ft": 2}  # ~7 s on one core
SMALL_DBM = {"deep_dbm_sizes": "200-200", "deep_dbm_pre": 1, "deep_dbm_epochs": 2, "deep_dbm_anneal": 0}  # ~2 s

#: model -> item text key -> its buttons; the state by the controls' URL keys.
TRIES: dict[str, dict[str, list[Try]]] = {
    "dbn": {
        "tries_dbn_1": [_shipped("dbn", "deep_try_20", "deep_tab_generate", deep_label="3", deep_gibbs=20),
                        _shipped("dbn", "deep_try_500", "deep_tab_generate", deep_label="3", deep_gibbs=500)],
        "tries_dbn_2": [_shipped("dbn", "try_it", "deep_tab_generate", deep_label="any")],
        "tries_dbn_3": [_trained("dbn", "try_it", "deep_tab_finetune", **SMALL_DBN)],
        "tries_dbn_4": [_trained("dbn", "deep_try_topk1", "deep_tab_generate", deep_dbn_topk=1, **SMALL_DBN),
                        _trained("dbn", "deep_try_topk5", "deep_tab_generate", deep_dbn_topk=5, **SMALL_DBN)],
        "tries_dbn_5": [_shipped("dbn", "try_it", "deep_tab_classify")],
    },
    "dbm": {
        "tries_dbm_1": [_shipped("dbm", "try_it", "deep_tab_meanfield", deep_digit=0)],
        "tries_dbm_2": [_trained("dbm", "deep_try_lr_small", "deep_tab_chains", deep_dbm_lr=0.001, **SMALL_DBM),
                        _trained("dbm", "deep_try_lr_big", "deep_tab_chains", deep_dbm_lr=0.005, **SMALL_DBM)],
        "tries_dbm_3": [_trained("dbm", "deep_try_pre0", "deep_tab_chains", **{**SMALL_DBM, "deep_dbm_pre": 0}),
                        _trained("dbm", "deep_try_pre1", "deep_tab_chains", **SMALL_DBM)],
        "tries_dbm_4": [_item("dbm", "deep_try_runs10", "deep_tab_bound", _bound_now, deep_ais_runs=10,
                              deep_ais_betas=200),
                        _item("dbm", "deep_try_runs100", "deep_tab_bound", _bound_now, deep_ais_runs=100,
                              deep_ais_betas=200)],
        "tries_dbm_5": [_shipped("dbm", "deep_try_200", "deep_tab_chains", deep_sweeps=200),
                        _shipped("dbm", "deep_try_2000", "deep_tab_chains", deep_sweeps=2000)],
    },
}


def draw(kind: str) -> None:
    tries.draw(TRIES[kind], specs.ALL_SPECS)
