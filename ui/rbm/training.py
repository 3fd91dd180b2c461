"""The RBM page's model job (``ui.kit.jobs``): the shipped model or one trained here by CD / PCD in
ticks. The job ``st.session_state[JOB]`` holds {status, version, memo, rbm, trainer, source,
config, meta, batches (per-update statistics), ais (likelihood records)}; per-model results are
memoised under the model's ``version``, which grows by one per training tick."""

from __future__ import annotations

import streamlit as st
import torch

from ebm_core.rbm.cd import CDTrainer
from ebm_core.rbm.model import RBM

from ui.kit import jobs
from ui.kit.i18n import t
from ui.rbm import data as D
from ui.rbm.specs import CHANGED, SPECS, config_from

JOB = "rbm_job"
# Live training: a tick every second trains for 0.2-0.6 s (what the drawing leaves), then draws.
PACE = jobs.Pace(every_s=1.0, min_s=0.2, max_s=0.6)


def job() -> dict:
    return jobs.get(JOB)


def _new_job(**fields) -> dict:
    return jobs.replace(JOB, batches=[], ais=[], **fields)


def load_pretrained() -> None:
    """Button callback: a private copy of the shipped model becomes this session's model."""
    ident = D.shipped_id()
    ck = D.pretrained(ident)
    if ck is None:
        st.session_state["rbm_missing_pretrained"] = True
        return
    _new_job(rbm=RBM.from_state(ck["state"]), trainer=None, source="pretrained", config=dict(ck["config"]),
             meta=dict(ck["meta"]), shipped=ident)


def shipped() -> tuple[str, float] | None:
    """The shipped checkpoint's identity (``D.shipped_id``) while this session's model is that
    checkpoint unchanged (loaded, never trained: no trainer, version 0); None for any other model.
    Results keyed by it are shared by every session (``ui.rbm.sampling.SHARED``)."""
    j = job()
    if j.get("source") == "pretrained" and j.get("trainer") is None and j.get("version", 0) == 0:
        return j.get("shipped")
    return None


def load_once() -> None:
    """The shipped model, on a session's first view of the page (after that, Reset leaves the
    page empty and the button loads it again)."""
    if not st.session_state.get("_rbm_loaded_once"):
        st.session_state["_rbm_loaded_once"] = True
        if job().get("rbm") is None:
            load_pretrained()


def start_training(s: dict) -> None:
    """Called once Start was pressed: a new RBM and trainer from the sidebar's settings, or, for
    "Train more" after the last epoch, the same trainer with ``epochs`` more epochs."""
    tr = job().get("trainer")
    if tr is not None:
        if tr.done:
            tr.config.epochs += int(s["epochs"])
        return
    cfg = config_from(s)
    n = min(int(s["digits"]), D.n_available())
    data = D.dataset("train", cfg.binarization, cfg.seed, n)
    test = D.dataset("test", cfg.binarization, D.test_seed(cfg.seed))
    rbm = RBM(784, cfg.n_hidden, seed=cfg.seed, visible_rates=data.mean(0))
    trainer = CDTrainer(rbm, data, cfg, test_data=test)
    _new_job(status=jobs.RUNNING, rbm=rbm, trainer=trainer, source="trained", config=cfg.to_dict(),
             meta=D.train_meta(n, cfg.binarization, cfg.seed, cfg.k, cfg.persistent))


def changed_settings(s: dict) -> list[str]:
    """Sidebar training settings that differ from the model being trained (names, translated)."""
    j = job()
    if j.get("trainer") is None:
        return []
    now = {**config_from(s).to_dict(), "train_size": min(int(s["digits"]), D.n_available())}
    used = {**j["config"], "train_size": j["trainer"].data.shape[0]}
    return [t(SPECS[name].label) for name in jobs.changed(now, used, CHANGED)]


def train_tick() -> None:
    """About ``PACE.budget`` seconds of CD updates; the status turns DONE after the last epoch."""
    j = job()
    tr = j.get("trainer")
    if tr is None:
        jobs.set_status(JOB, jobs.DONE)
        return
    new: list[dict] = []
    jobs.tick(JOB, PACE, work=lambda: new.extend(tr.step(1)), done=lambda: tr.done)
    j["batches"].extend(new)
    j["meta"].update(epochs=tr.epoch_index, updates=tr.updates, history=list(tr.history), train_seconds=tr.seconds)


def memo(key: tuple, compute):
    """Per-model memo: results for this model version (cleared when the model changes)."""
    return jobs.memo(JOB, key, compute, size=17)


def model_binarization() -> tuple[str, int]:
    """(method, seed) of the data the current model is judged on: its own binarisation."""
    j = job()
    meta, cfg = j["meta"], j["config"]
    seed = meta.get("binarization_seed", meta.get("seed", cfg.get("seed", 0)))
    return meta.get("binarization", cfg.get("binarization", "threshold")), int(seed)


def train_data() -> torch.Tensor:
    """The digits the current model was trained on, binarised as they were."""
    j = job()
    if j.get("trainer") is not None:
        return j["trainer"].data
    meta = j["meta"]
    method, seed = model_binarization()
    n = meta.get("train_size")
    return D.checkpoint_train(str(meta.get("data_source", "auto")), method, seed, int(n) if n else None)


def test_data() -> torch.Tensor:
    """The test digits, binarised as the current model's data."""
    method, seed = model_binarization()
    return D.dataset("test", method, D.test_seed(seed))


def need_model() -> bool:
    """True (and a note) when there is no model yet."""
    if job().get("rbm") is None:
        st.info(t("rbm_need_model"))
        return True
    return False
