"""What the RBM page's first view needs, computed when the server starts (``ui.kit.warmup``).

Every session opens ``/rbm`` on the shipped model's Gibbs chains at the page's defaults (30 chains ×
1,000 steps: ~2 s of a core). They are the same for every student, so the warm-up puts them in the
server-wide cache (``ui.rbm.sampling.SHARED``) under the key the page builds (``default_key``; a
test checks that the page's first run finds them there).
"""

from __future__ import annotations

from ebm_core.rbm.model import RBM

from ui.rbm import data as D
from ui.rbm import sampling
from ui.rbm.specs import SPECS


def _defaults() -> tuple:
    """(chains, steps, T, seed) of ``/rbm`` opened without parameters (``ui.rbm.views.draw_samples``:
    the sidebar's defaults; the seed moved on by no "New chains")."""
    return SPECS["chains"].default, SPECS["gibbs"].default, SPECS["T"].default, SPECS["seed"].default


def default_key(ident: tuple[str, float]) -> tuple:
    """The ``SHARED`` key of that first view on the shipped checkpoint ``ident``."""
    return sampling.shared_key(ident, *_defaults())


def warm() -> bool:
    """The shipped model's default chains, into the shared cache; False when there is no shipped model."""
    ident = D.shipped_id()
    if ident is None:
        return False
    rbm = RBM.from_state(D.pretrained(ident)["state"])
    sampling.SHARED.get_or_compute(default_key(ident), lambda: sampling.chains(rbm, *_defaults()))
    return True
