"""The DBN / DBM page's data: MNIST as the page trains and tests on it, and the shipped checkpoints
(cached once per server, shared by every session)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import streamlit as st
import torch

from ebm_core.data import mnist
from ebm_core.io import checkpoint

from ui.kit.i18n import t

ROOT = Path(__file__).resolve().parents[2]
PRETRAINED = {"dbn": ROOT / "assets" / "models" / "dbn_mnist.pt", "dbm": ROOT / "assets" / "models" / "dbm_mnist.pt"}
N_TRAIN = 5000  # digits trained on: the shipped 5,000, or a fixed random 5,000 of the full set
N_TEST_EVAL = 2000  # test digits for the per-epoch accuracy during live training
BINARIZATION = "threshold"


@st.cache_resource(show_spinner=False)
def mnist_split(split: str):
    return mnist.load(split)


@st.cache_resource(max_entries=4, show_spinner=False)
def dataset(split: str) -> tuple[torch.Tensor, torch.Tensor]:
    """(binary digits, labels): threshold x/255 > 0.5; the training split cut to a fixed random N_TRAIN
    (``ebm_core.data.mnist.subset_indices``, the same subset as the CLI's --train-size)."""
    d = mnist_split(split)
    images, labels = d.images, d.labels
    if split == "train" and len(d) > N_TRAIN:
        idx = mnist.subset_indices(len(d), N_TRAIN)
        images, labels = images[idx], labels[idx]
    return mnist.binarize(images, BINARIZATION), torch.tensor(np.asarray(labels))


def binarization_text() -> str:
    return t("deep_bin_threshold")


def meta(cfg) -> dict:
    """A trained-here checkpoint's meta: the data, the binarisation, the seed."""
    d = mnist_split("train")
    return {"data": d.source, "data_source": "full" if d.source.startswith("full") else "shipped",
            "train_size": min(N_TRAIN, len(d)), "test_data": mnist_split("test").source,
            "binarization": BINARIZATION, "binarization_description": mnist.describe_binarization(BINARIZATION),
            "binarization_seed": cfg.seed, "seed": cfg.seed, "source": "EBM Lab deep page"}


@st.cache_resource(max_entries=2, show_spinner=False)
def _pretrained(path: str, mtime: float) -> dict:
    return checkpoint.load(path)


def pretrained(kind: str) -> dict | None:
    """The shipped checkpoint of ``kind`` ("dbn" or "dbm"), or None when it is missing."""
    p = PRETRAINED[kind]
    if not p.is_file():
        return None
    ck = _pretrained(str(p), p.stat().st_mtime)
    return ck if ck["kind"] == kind else None
