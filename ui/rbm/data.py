"""The RBM page's data: MNIST (shared, read-only, cached for every session), binarised as a model
was trained, and the shipped checkpoint."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
import torch

from ebm_core.data import mnist
from ebm_core.io import checkpoint

from ui.kit.i18n import t

ROOT = Path(__file__).resolve().parents[2]
PRETRAINED = ROOT / "assets" / "models" / "rbm_mnist.pt"
SUBSET_SEED = mnist.SUBSET_SEED
N_MONITOR = 500  # digits used for the free-energy histograms


@st.cache_resource(show_spinner=False)
def mnist_split(split: str):
    """MNIST (shared, read-only arrays): the full 70,000 when downloaded, else the shipped digits."""
    return mnist.load(split)


@st.cache_resource(max_entries=8, show_spinner=False)
def dataset(split: str, method: str, seed: int, n: int | None = None) -> torch.Tensor:
    """Binarised float32 digits {0, 1}; ``n`` a fixed random subset (the same for every seed)."""
    d = mnist_split(split)
    images = d.images
    if n is not None and n < len(d):
        images = images[mnist.subset_indices(len(d), n)]
    return mnist.binarize(images, method, seed=seed)


@st.cache_resource(max_entries=4, show_spinner=False)
def checkpoint_train(source: str, method: str, seed: int, n: int | None) -> torch.Tensor:
    """The training digits of a checkpoint, as ``python -m ebm_core evaluate`` loads them
    (``ebm_core.cli.common.load_binary``): its source, the fixed random subset of ``n``, its binarisation."""
    try:
        d = mnist.load("train", source)
    except mnist.MNISTError:
        d = mnist_split("train")
    images = d.images if n is None else d.images[mnist.subset_indices(len(d), n)]
    return mnist.binarize(images, method, seed=seed)


def n_available() -> int:
    return len(mnist_split("train"))


def test_seed(seed: int) -> int:
    # A stochastic binarisation of the test set must not reuse the training draw's stream.
    return seed + 1


def binarization_text(method: str, seed: int) -> str:
    """The binarisation, said in the page's language (what mnist.describe_binarization says in English)."""
    return t(f"rbm_bin_{method}") + (t("rbm_bin_seed", seed=seed) if method == "stochastic" else "")


@st.cache_resource(max_entries=2, show_spinner=False)
def _pretrained(path: str, mtime: float) -> dict:
    return checkpoint.load(path, "rbm")


def shipped_id() -> tuple[str, float] | None:
    """The shipped checkpoint as it is on disk now (path, modification time), or None when missing:
    part of the key of results every session showing it unchanged shares (``ui.rbm.sampling``)."""
    if not PRETRAINED.is_file():
        return None
    return str(PRETRAINED), PRETRAINED.stat().st_mtime


def pretrained(ident: tuple[str, float] | None = None) -> dict | None:
    """The shipped checkpoint (cached for every session; the page trains a copy, never this);
    ``ident``: the file as :func:`shipped_id` saw it."""
    ident = ident or shipped_id()
    return None if ident is None else _pretrained(*ident)


def train_meta(n: int, binarization: str, seed: int, k: int, persistent: bool) -> dict:
    """A page-trained model's ``meta``, with the keys of the CLI's checkpoints (ebm_core/cli/rbm.py),
    so that a downloaded model evaluates the same way."""
    d = mnist_split("train")
    return {"data": d.source, "data_source": "full" if d.source.startswith("full") else "shipped",
            "train_size": n, "train_subset": mnist.describe_subset(len(d), n),
            "test_data": mnist_split("test").source, "binarization": binarization,
            "binarization_description": mnist.describe_binarization(
                binarization, seed=seed if binarization == "stochastic" else None),
            "binarization_seed": seed, "seed": seed, "epochs": 0, "updates": 0,
            "algorithm": f"PCD-{k}" if persistent else f"CD-{k}", "source": "EBM Lab RBM page"}
