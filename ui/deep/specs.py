"""The DBN / DBM page's controls: their specs (URL keys, defaults, bounds), the sidebar, and the
engine configs the settings build.

Every bound derives from the engine's declaration (``ebm_core.ranges``): a slider's lo/hi is the
config field's ``Range.within(lo, hi)`` (a narrower range for a class), a choice's options are
checked to lie inside the field's range when this module is imported.
"""

from __future__ import annotations

import streamlit as st

from ebm_core.deep.dbm_likelihood import BETAS, RUNS
from ebm_core.deep.dbm_training import DBMConfig
from ebm_core.deep.dbn import LAYER_UNITS, N_LAYERS, SAMPLING_STEPS, DBNConfig
from ebm_core.ranges import SEED, ranges

from ui.kit import classroom, limits
from ui.kit import params as P
from ui.kit.i18n import t
from ui.kit.params import Spec

DBN_SIZES = ("300-300-800", "200-200-500", "500-500-1000", "300-800")
DBM_SIZES = ("500-500", "300-300", "200-200", "500-1000")
LABELS = ("each", "any") + tuple(str(k) for k in range(10))
GIBBS = (10, 20, 50, 100, 200, 500, 1000)
SWEEPS = (10, 20, 50, 100, 200, 500, 1000, 2000)
DBN_LRS = (0.01, 0.02, 0.05, 0.1)
DBM_LRS = (0.0005, 0.001, 0.002, 0.005)
AIS_RUNS = (10, 20, 50, 100)
AIS_BETAS = (200, 500, 1000, 2000, 5000, 10000, 20000, 30000)
N_TEST_DIGITS = 10_000  # the mean-field tab picks one of the test digits

_DBN, _DBM = ranges(DBNConfig), ranges(DBMConfig)


def sizes(text: str) -> tuple[int, ...]:
    """"300-300-800" -> (300, 300, 800); one of the fixed options, never user text."""
    return tuple(int(x) for x in text.split("-"))


def _sizes_ok(options: tuple, n_layers: tuple[int, int]) -> tuple:
    for o in options:
        s = sizes(o)
        if not (n_layers[0] <= len(s) <= n_layers[1] and all(LAYER_UNITS.ok(u) for u in s)):
            raise ValueError(f"layer sizes {o} outside the engine's range")
    return options


def _choice(name: str, default, options: tuple) -> Spec:
    return Spec(f"deep_{name}", f"deep_{name}", default, options=options, kind="choice")


# Defaults: recognisable digits in well under two minutes on 2 busy cores (see bench/bench_deep.py).
SPECS = {
    "model": _choice("model", "dbn", ("dbn", "dbm")),
    "dbn_sizes": _choice("dbn_sizes", DBN_SIZES[0], _sizes_ok(DBN_SIZES, N_LAYERS)),
    "dbn_epochs": P.bounded("deep_dbn_epochs", "deep_dbn_epochs", 10, _DBN["epochs"], 1, 50),
    "dbn_ft": P.bounded("deep_dbn_ft", "deep_dbn_ft", 5, _DBN["finetune_epochs"], 0, 30),
    "dbn_lr": P.among("deep_dbn_lr", "deep_dbn_lr", 0.05, _DBN["lr"], DBN_LRS),
    "dbn_topk": P.bounded("deep_dbn_topk", "deep_dbn_topk", 5, _DBN["top_k"], 1, 10),
    "dbm_sizes": _choice("dbm_sizes", DBM_SIZES[0], _sizes_ok(DBM_SIZES, (2, 2))),
    "dbm_pre": P.bounded("deep_dbm_pre", "deep_dbm_pre", 10, _DBM["pretrain_epochs"], 0, 50),
    "dbm_epochs": P.bounded("deep_dbm_epochs", "deep_dbm_epochs", 20, _DBM["epochs"], 1, 200),
    "dbm_lr": P.among("deep_dbm_lr", "deep_dbm_lr", 0.001, _DBM["lr"], DBM_LRS),
    "dbm_k": P.bounded("deep_dbm_k", "deep_dbm_k", 1, _DBM["gibbs_steps"], 1, 10),
    # 5 of the 20 default joint epochs: measured (README, issue 15) to turn 9 classes with 33 % ones into all 10.
    "dbm_anneal": P.bounded("deep_dbm_anneal", "deep_dbm_anneal", 5, _DBM["anneal_epochs"], 0, 50),
    "seed": P.bounded("deep_seed", "deep_seed", 0, SEED, 0, 999_999),
    "label": _choice("label", "each", LABELS),
    "gibbs": P.among("deep_gibbs", "deep_gibbs", 200, SAMPLING_STEPS, GIBBS),
    "sweeps": P.among("deep_sweeps", "deep_sweeps", 200, SAMPLING_STEPS, SWEEPS),
    "rows": Spec("deep_rows", "deep_rows", 2, 1, 5),  # rows of 10 digits: a page-only number
    "ft_more": P.bounded("deep_ft_more", "deep_ft_more", 3, _DBN["finetune_epochs"], 1, 20),
    "ais_runs": P.among("deep_ais_runs", "deep_ais_runs", 20, RUNS, AIS_RUNS),
    "ais_betas": P.among("deep_ais_betas", "deep_ais_betas", 2000, BETAS, AIS_BETAS),
    "digit": Spec("deep_digit", "deep_digit", 0, 0, N_TEST_DIGITS - 1),  # a test digit's index
}
ALL_SPECS = list(SPECS.values())
BASE = dict(SPECS)  # the page's own ranges, before the class limits narrow them
EPOCH_SPECS = ("dbn_epochs", "dbn_ft", "dbm_pre", "dbm_epochs", "dbm_anneal", "ft_more")
SIZE_SPECS = ("dbn_sizes", "dbm_sizes")

#: the class limits that narrow this page's controls ({"epochs" | "hidden": limit}), for the caption
LIMITED: dict[str, int] = {}


def largest_layer(text: str) -> int:
    return max(sizes(text))


def apply_limits(lim: limits.ClassLimits) -> None:
    """Narrow the epochs and the layer sizes to the class limits (``ui.kit.limits``). In place: the
    page's modules hold SPECS and ALL_SPECS themselves, and a test applies other limits."""
    SPECS.update(BASE)
    for name in EPOCH_SPECS:
        SPECS[name] = limits.cap(BASE[name], lim.max_epochs)
    for name in SIZE_SPECS:
        SPECS[name] = limits.cap(BASE[name], lim.max_hidden_units, size=largest_layer)
    ALL_SPECS[:] = SPECS.values()
    LIMITED.clear()
    for names, key, n in ((EPOCH_SPECS, "epochs", lim.max_epochs), (SIZE_SPECS, "hidden", lim.max_hidden_units)):
        if any(SPECS[name] != BASE[name] for name in names):
            LIMITED[key] = n


apply_limits(limits.CLASS)


def settings() -> dict:
    return {name: st.session_state.get(spec.key, spec.default) for name, spec in SPECS.items()}


def fmt(prefix: str, spec: Spec):
    """format_func for a choice: option labels in this run's language."""
    return {k: t(prefix + k) for k in spec.options}.get


def label_text(k: str) -> str:
    return t("deep_label_each") if k == "each" else t("deep_label_any") if k == "any" else t("deep_label_digit", d=k)


def sidebar() -> str:
    """Draw the controls; returns the chosen model ("dbn" or "dbm")."""
    kind = P.choice(SPECS["model"], format_func=fmt("deep_model_", SPECS["model"]))
    st.subheader(t("deep_sidebar_train"))
    if kind == "dbn":
        P.choice(SPECS["dbn_sizes"], help=t("deep_dbn_sizes_help"))
        P.slider(SPECS["dbn_epochs"])
        P.slider(SPECS["dbn_ft"])
        P.slider(SPECS["dbn_lr"])
        P.slider(SPECS["dbn_topk"])
    else:
        P.choice(SPECS["dbm_sizes"])
        P.slider(SPECS["dbm_pre"])
        P.slider(SPECS["dbm_epochs"])
        P.slider(SPECS["dbm_lr"])
        P.slider(SPECS["dbm_k"])
        P.slider(SPECS["dbm_anneal"], help=t("deep_dbm_anneal_help"))
    P.number(SPECS["seed"])
    classroom.limits_note(LIMITED)
    st.subheader(t("deep_sidebar_sample"))
    if kind == "dbn":
        P.choice(SPECS["label"], format_func={k: label_text(k) for k in LABELS}.get)
        P.slider(SPECS["gibbs"])
    else:
        P.slider(SPECS["sweeps"])
    P.slider(SPECS["rows"])
    return kind


def dbn_config(s: dict) -> DBNConfig:
    return DBNConfig(sizes=sizes(s["dbn_sizes"]), labels=True, epochs=int(s["dbn_epochs"]),
                     finetune_epochs=int(s["dbn_ft"]), lr=float(s["dbn_lr"]), top_k=int(s["dbn_topk"]),
                     seed=int(s["seed"]))


def dbm_config(s: dict) -> DBMConfig:
    n1, n2 = sizes(s["dbm_sizes"])
    return DBMConfig(n_h1=n1, n_h2=n2, pretrain_epochs=int(s["dbm_pre"]), epochs=int(s["dbm_epochs"]),
                     lr=float(s["dbm_lr"]), gibbs_steps=int(s["dbm_k"]), seed=int(s["seed"]),
                     anneal_epochs=int(s["dbm_anneal"]))


def config(kind: str, s: dict):
    return dbn_config(s) if kind == "dbn" else dbm_config(s)


#: The sidebar settings that decide a model, and the config keys they set (``jobs.changed``).
MODEL_SETTINGS = {"dbn": {"dbn_sizes": ("sizes",), "dbn_lr": ("lr",), "dbn_topk": ("top_k",), "seed": ("seed",)},
                  "dbm": {"dbm_sizes": ("n_h1", "n_h2"), "dbm_lr": ("lr",), "dbm_k": ("gibbs_steps",),
                          "seed": ("seed",)}}
