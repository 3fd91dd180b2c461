"""The RBM page's controls: each one's URL key, default and allowed values, the sidebar's settings,
and the CD config they make.

Ranges are the engine's (``ebm_core.ranges``): a slider's bounds are ``Range.within`` of the
config field it sets, and every option of a select slider is checked to lie in that range, so
the page can never offer what the engine or the CLI would refuse.
"""

from __future__ import annotations

import streamlit as st

from ebm_core import ranges as R
from ebm_core.rbm import ais, lab
from ebm_core.rbm.cd import TRAIN_SIZE, CDConfig
from ebm_core.rbm.model import GIBBS_STEPS

from ui.kit.i18n import t
from ui.kit import limits
from ui.kit import params as P
from ui.kit.params import Spec

CD = R.ranges(CDConfig)

HIDDEN = (10, 15, 20, 25, 50, 100, 150, 200, 300, 400, 500, 750, 1000)
LRS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5)
# λ = 0 is a choice of its own, so the options are strings (a log-scale snap cannot hold 0).
DECAYS = ("0", "1e-05", "0.0001", "0.0002", "0.0005", "0.001", "0.01")
BATCHES = (10, 20, 50, 100, 200, 500)
DIGITS = (500, 1000, 2000, 5000, 10000, 20000, 60000)
GIBBS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)
TEMPS = (0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.5, 2.0, 3.0)
AIS_RUNS = (10, 20, 50, 100, 200, 500)
AIS_BETAS = (100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000)
PARTS = ("top", "bottom", "left", "right", "square")
LAB_RUNS = (100, 200, 500, 1000, 2000)


# Defaults (784-200, CD-5, η = 0.05, ν = 0.5, λ = 1e-4, batch 50, 10 epochs on the 5,000 shipped digits):
# chains from noise show recognisable digits after two epochs (~5 s of live training on 2 busy cores),
# all ten epochs take ~25 s. CD-1 and PCD at these settings mostly collapse onto one or two classes.
# URL keys carry the page's prefix: session state is shared by every page of a session, and
# another page's "T" or "seed" has a different range.
SPECS = {
    "hidden": P.among("rbm_hidden", "rbm_hidden", 200, CD["n_hidden"], HIDDEN),
    "k": P.bounded("rbm_k", "rbm_k", 5, CD["k"], 1, 25),
    "method": Spec("rbm_method", "rbm_method", "cd", options=("cd", "pcd"), kind="choice"),
    "lr": P.among("rbm_lr", "rbm_lr", 0.05, CD["lr"], LRS),
    "momentum": P.bounded("rbm_momentum", "rbm_momentum", 0.5, CD["momentum"], 0.0, 0.95, kind="float"),
    "decay": P.among("rbm_decay", "rbm_decay", "0.0001", CD["weight_decay"], DECAYS, kind="choice"),
    "batch": P.among("rbm_batch", "rbm_batch", 50, CD["batch_size"], BATCHES),
    "epochs": P.bounded("rbm_epochs", "rbm_epochs", 10, CD["epochs"], 1, 100),
    "digits": P.among("rbm_digits", "rbm_digits", 5000, TRAIN_SIZE, DIGITS),
    "binarization": Spec("rbm_bin", "rbm_binarization", "threshold", options=("threshold", "stochastic"),
                         kind="choice", names="rbm_bin_"),
    "seed": P.bounded("rbm_seed", "rbm_seed", 0, CD["seed"], 0, 999_999),
    # 1,000 steps, as ``generate``: the shipped model's chains then show every digit (after 200 they are
    # still a third 8s, issue 15); tests/test_generated_digits.py judges samples at this default.
    "gibbs": P.among("rbm_gibbs", "rbm_gibbs_steps", 1000, GIBBS_STEPS, GIBBS),
    "T": P.among("rbm_T", "rbm_temperature", 1.0, R.TEMPERATURE, TEMPS, kind="float"),
    "chains": Spec("rbm_chains", "rbm_chains", 30, 10, 100),
    "ais_runs": P.among("rbm_ais_runs", "rbm_ais_runs", 50, ais.RUNS, AIS_RUNS),
    "ais_betas": P.among("rbm_ais_betas", "rbm_ais_betas", 1000, ais.BETAS, AIS_BETAS),
    "digit": Spec("rbm_digit", "rbm_digit", 0, 0, 9999),
    "part": Spec("rbm_part", "rbm_part", "bottom", options=PARTS, kind="choice"),
    "lab_hidden": P.bounded("rbm_lab_h", "rbm_lab_hidden", 4, lab.LAB_HIDDEN, 1, 8),
    "lab_train": Spec("rbm_lab_train", "rbm_lab_train_steps", 300, 0, 1000),
    "lab_runs": Spec("rbm_lab_runs", "rbm_lab_runs", 1000, options=LAB_RUNS),
}
ALL_SPECS = list(SPECS.values())
BASE = dict(SPECS)  # the page's own ranges, before the class limits narrow them

#: the class limits that narrow this page's controls ({"epochs" | "hidden": limit}), for the caption
LIMITED: dict[str, int] = {}


def apply_limits(lim: limits.ClassLimits) -> None:
    """Narrow the training controls to the class limits (``ui.kit.limits``). In place: the page and
    the training module hold SPECS and ALL_SPECS themselves, and a test applies other limits."""
    SPECS.update(BASE)
    SPECS["epochs"] = limits.cap(BASE["epochs"], lim.max_epochs)
    SPECS["hidden"] = limits.cap(BASE["hidden"], lim.max_hidden_units)
    ALL_SPECS[:] = SPECS.values()
    LIMITED.clear()
    for name, n in (("epochs", lim.max_epochs), ("hidden", lim.max_hidden_units)):
        if SPECS[name] != BASE[name]:
            LIMITED[name] = n


apply_limits(limits.CLASS)

# Sidebar control -> the config keys it sets ("train_size": the digits), in the order of the note
# that says which settings differ from the model being trained.
CHANGED = {"hidden": "n_hidden", "k": "k", "lr": "lr", "momentum": "momentum", "decay": "weight_decay",
           "batch": "batch_size", "seed": "seed", "binarization": "binarization", "method": "persistent",
           "digits": "train_size"}


def settings() -> dict:
    """Current values of every control (after the widgets have been drawn)."""
    return {name: st.session_state.get(spec.key, spec.default) for name, spec in SPECS.items()}


def labels(prefix: str, spec: Spec):
    """A select box's format_func: the option labels in the language of this run (looked up now,
    so the function keeps working wherever it is called later)."""
    return {k: t(prefix + k) for k in spec.options}.get


def decay_value(text: str) -> float:
    return float(text)  # one of DECAYS: parsed from a fixed list, never user text


def config_from(s: dict) -> CDConfig:
    """The CD config the sidebar's settings ``s`` describe (the trainer validates it)."""
    return CDConfig(n_hidden=int(s["hidden"]), k=int(s["k"]), persistent=s["method"] == "pcd", lr=float(s["lr"]),
                    momentum=float(s["momentum"]), weight_decay=decay_value(s["decay"]),
                    batch_size=int(s["batch"]), epochs=int(s["epochs"]), seed=int(s["seed"]),
                    binarization=s["binarization"])
