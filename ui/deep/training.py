"""The DBN's and the DBM's model jobs (``ui.kit.jobs``): load the shipped model, start or extend live
training, fine-tune, and one training tick.

Each model has its own job in ``st.session_state`` (``JOBS``): the ``jobs`` fields (status, version,
memo, draw_s) and {model, trainer, source, config, meta, chains (DBM), rows (per-update stats),
ais (bound records)}. Results computed from a model are memoised under its version (``memo``).
"""

from __future__ import annotations

import streamlit as st

from ebm_core.deep import dbm as D
from ebm_core.deep.dbm import DBM
from ebm_core.deep.dbm_training import DBMTrainer
from ebm_core.deep.dbn import DBN, DBNConfig, DBNTrainer

from ui.deep import data
from ui.deep.specs import MODEL_SETTINGS, SPECS
from ui.deep.specs import config as config_of
from ui.kit.i18n import t
from ui.kit import jobs

JOBS = {"dbn": "deep_dbn_job", "dbm": "deep_dbm_job"}
PACE = jobs.Pace(every_s=1.0, min_s=0.2, max_s=0.6)  # a tick per second: ~0.5 s of updates, then the pictures
MEMO_SIZE = 25


def job(kind: str) -> dict:
    return jobs.get(JOBS[kind])


def status(kind: str) -> str:
    return jobs.status(JOBS[kind])


def memo(kind: str, key: tuple, compute):
    """Per-model memo of the DBN's or DBM's job (``jobs.memo``)."""
    return jobs.memo(JOBS[kind], key, compute, size=MEMO_SIZE)


def _replace(kind: str, **fields) -> dict:
    return jobs.replace(JOBS[kind], rows=[], ais=[], **fields)


def load_pretrained(kind: str) -> None:
    """Button callback: a private copy of the shipped model becomes this session's model."""
    ck = data.pretrained(kind)
    if ck is None:
        st.session_state["deep_missing_pretrained"] = kind
        return
    model = DBN.from_state(ck["state"]) if kind == "dbn" else DBM.from_state(ck["state"])
    chains = D.chains_from_state(model, ck["state"]) if kind == "dbm" else None
    _replace(kind, model=model, trainer=None, source="pretrained", config=dict(ck["config"]), meta=dict(ck["meta"]),
             chains=chains)


def load_once(kind: str) -> None:
    """The shipped ``kind`` model, on a session's first view of it (after that, Reset leaves it
    empty and the button loads it again)."""
    flag = f"_deep_{kind}_loaded_once"
    if not st.session_state.get(flag):
        st.session_state[flag] = True
        if job(kind).get("model") is None:
            load_pretrained(kind)


def start_training(kind: str, s: dict) -> None:
    """Start pressed: a new model and trainer from the sidebar, or more epochs for a finished one."""
    tr = job(kind).get("trainer")
    if tr is not None:
        if tr.done:
            if kind == "dbn":
                tr.extend_finetune(max(1, int(s["dbn_ft"])))
            else:
                tr.extend(int(s["dbm_epochs"]))
        return
    x, y = data.dataset("train")
    xt, yt = data.dataset("test")
    cfg = config_of(kind, s)
    if kind == "dbn":
        model = DBN(784, cfg.sizes, labels=True, seed=cfg.seed)
        trainer = DBNTrainer(model, x, cfg, labels=y, test_data=xt, test_labels=yt, eval_size=data.N_TEST_EVAL)
    else:
        model = DBM(784, cfg.n_h1, cfg.n_h2, seed=cfg.seed, visible_rates=x.mean(0))
        trainer = DBMTrainer(model, x, cfg, test_data=xt[:data.N_TEST_EVAL])
    _replace(kind, status=jobs.RUNNING, model=model, trainer=trainer, source="trained", config=cfg.as_dict(),
             meta=data.meta(cfg), chains=None)


def start_finetune(s: dict) -> None:
    """Button callback: up-down fine-tuning of the current DBN (loaded or trained) for a few epochs."""
    j = job("dbn")
    model = j.get("model")
    if model is None:
        return
    tr = j.get("trainer")
    if tr is not None and not tr.done:
        return
    x, y = data.dataset("train")
    xt, yt = data.dataset("test")
    cfg = DBNConfig(**{**{k: v for k, v in j["config"].items() if k in DBNConfig.__dataclass_fields__},
                       "sizes": tuple(model.sizes), "finetune_epochs": int(s["ft_more"])})
    j["trainer"] = DBNTrainer(model, x, cfg, labels=y, test_data=xt, test_labels=yt, eval_size=data.N_TEST_EVAL,
                              finetune_only=True)
    j["config"] = cfg.as_dict()
    jobs.set_status(JOBS["dbn"], jobs.RUNNING)


def changed_settings(kind: str, s: dict) -> list[str]:
    """Sidebar settings that differ from those the model in training was built with."""
    j = job(kind)
    if j.get("trainer") is None or j.get("source") != "trained":
        return []
    names = jobs.changed(config_of(kind, s).as_dict(), j["config"], MODEL_SETTINGS[kind])
    return [t(SPECS[name].label) for name in names]


def train_tick(kind: str) -> None:
    """One tick: updates for the pace's budget (``jobs.tick``), their stats kept; at the end the DBN's
    test accuracy, before and after fine-tuning."""
    key, j = JOBS[kind], job(kind)
    tr = j.get("trainer")
    if tr is None or tr.done:
        jobs.set_status(key, jobs.DONE)
        return
    new: list[dict] = []
    finished = jobs.tick(key, PACE, work=lambda: new.extend(tr.step(1)), done=lambda: tr.done)
    j["rows"].extend(new)
    j["meta"].update(updates=tr.updates, train_seconds=tr.seconds, history=list(tr.epochs_log))
    if kind == "dbm":
        j["chains"] = tr.chains
    if finished and kind == "dbn" and j["model"].labels:
        xt, yt = data.dataset("test")
        j["meta"]["test_accuracy"] = j["model"].accuracy(xt, yt)
        if tr.greedy_state is not None:
            j["meta"]["greedy_test_accuracy"] = memo("dbn", ("greedy_acc",),
                                                     lambda: DBN.from_state(tr.greedy_state).accuracy(xt, yt))
