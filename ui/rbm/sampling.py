"""Sampling from the page's RBM: block-Gibbs chains from noise as a clip, and clamp-and-fill of a
test digit. Results are memoised in the job under the model's version; those of the shipped model,
unchanged, are also kept server-wide (``SHARED``): every student's first view of the page shows its
chains (30 × 1,000 steps, ~2 s of a core), and a class should pay for them once."""

from __future__ import annotations

import time

import streamlit as st
import torch

from ebm_core.viz import digits

from ui.kit.shared import SharedCache, budget_mb
from ui.rbm import data as D
from ui.rbm.training import job, memo, shipped

FRAMES = 40  # frames per animated clip: smooth enough, and a GIF of a few hundred kB
# Grids are sent small (one screen pixel per data pixel for GIFs: a 41-frame clip of 30 digits is then
# ~0.6 MB instead of ~1.9 MB at scale 2; the noisy first frames barely compress) and stretched to the
# column by the browser, with CSS keeping the pixels square (``views.style``): as large as the screen
# allows, on a laptop or a projector.
GIF_SCALE = 1
PNG_SCALE = 2
N_FILL = 8  # chains per digit: the spread of the fills shows p(hidden part | visible part)
#: The shipped model's results, keyed by its file (``D.shipped_id``) and the settings: a session with
#: a model of its own (trained, or another checkpoint) never reads them. A clip of 30 chains is ~0.7 MB.
SHARED = SharedCache("rbm shipped samples", budget_mb(16))


def every(steps: int) -> int:
    """Gibbs steps between two frames of a clip of ``steps`` steps."""
    return max(1, int(steps) // FRAMES)


def sample_seed(s: dict) -> int:
    """The chains' seed: the sidebar's, moved on by each "New chains"."""
    return int(s["seed"]) + int(st.session_state.get("rbm_sample_round", 0))


def next_round() -> None:
    st.session_state["rbm_sample_round"] = int(st.session_state.get("rbm_sample_round", 0)) + 1


def _memo_shared(what: tuple, compute):
    """Per-session memo of ``compute()``; for the shipped model also shared by every session."""
    ident = shipped()
    if ident is None:
        return memo(what, compute)
    return memo(what, lambda: SHARED.get_or_compute((ident, *what), compute))


def _what(n: int, steps: int, T: float, seed: int) -> tuple:
    return "samples", int(n), int(steps), float(T), int(seed)


def shared_key(ident: tuple[str, float], n: int, steps: int, T: float, seed: int) -> tuple:
    """The ``SHARED`` key of :func:`samples` for the shipped checkpoint ``ident`` (the warm-up's too)."""
    return ident, *_what(n, steps, T, seed)


def chains(rbm, n: int, steps: int, T: float, seed: int) -> dict:
    """n block-Gibbs chains of ``rbm`` from uniform noise, ``steps`` steps at temperature T.

    Returns the final p(v|h) (n, 784), the clip as a GIF, the final grid as a PNG, and timings.
    """
    g = torch.Generator().manual_seed(int(seed))
    t0 = time.perf_counter()
    final, frames = rbm.sample(int(n), int(steps), g, T=float(T), every=every(steps))
    seconds = time.perf_counter() - t0
    return {"final": final, "start_ink": float(frames[0].mean()),
            "gif": digits.chain_gif(frames, ncols=10, scale=GIF_SCALE, duration_ms=90),
            "png": digits.grid_png(final, ncols=10, scale=PNG_SCALE), "seconds": seconds,
            "frames": len(frames), "every": every(steps)}


def samples(n: int, steps: int, T: float, seed: int) -> dict:
    """:func:`chains` of the page's model (memoised per model; the shipped one's shared)."""
    rbm = job()["rbm"]
    return _memo_shared(_what(n, steps, T, seed), lambda: chains(rbm, n, steps, T, seed))


def hide_mask(part: str) -> torch.Tensor:
    """bool (784,): True where a pixel stays visible (clamped), False where it is hidden."""
    m = torch.ones(28, 28, dtype=torch.bool)
    if part == "top":
        m[:14] = False
    elif part == "bottom":
        m[14:] = False
    elif part == "left":
        m[:, :14] = False
    elif part == "right":
        m[:, 14:] = False
    else:  # a centred 12x12 square: the middle of the stroke, hardest to guess
        m[8:20, 8:20] = False
    return m.reshape(-1)


def clamp_fill(index: int, part: str, steps: int, T: float, seed: int, method: str, bin_seed: int) -> dict:
    """Gibbs sampling with the visible part of test digit ``index`` clamped, N_FILL chains from noise.

    Each frame is one row: the original, what the model is shown (hidden part grey), and the
    chains' p(v|h) (clamped pixels held at the digit)."""
    rbm = job()["rbm"]

    def compute():
        v = D.dataset("test", method, D.test_seed(bin_seed))[int(index)]
        mask = hide_mask(part)
        g = torch.Generator().manual_seed(int(seed))
        noise = (torch.rand(N_FILL, 784, generator=g) < 0.5).float()
        v0 = torch.where(mask, v, noise)
        _, frames = rbm.sample(N_FILL, int(steps), g, T=float(T), v0=v0, every=every(steps), clamp_mask=mask)
        shown = torch.where(mask, v, torch.full_like(v, 0.5))
        rows = [torch.cat([v[None], shown[None], f]) for f in frames]
        fills = frames[-1][:, ~mask] > 0.5  # each chain's completion of the hidden part, as ink or not
        pairs = [(a, b) for a in range(N_FILL) for b in range(a + 1, N_FILL)]
        spread = sum(float((fills[a] != fills[b]).float().mean()) for a, b in pairs) / len(pairs)
        return {"gif": digits.chain_gif(rows, ncols=N_FILL + 2, scale=GIF_SCALE, duration_ms=90),
                "spread": spread, "wrong": float((fills != (v[~mask] > 0.5)).float().mean()),
                "ink": float((v[~mask] > 0.5).float().mean()),  # what a blank completion would get wrong
                "png": digits.grid_png(rows[-1], ncols=N_FILL + 2, scale=PNG_SCALE),
                "label": int(D.mnist_split("test").labels[int(index)]),
                "error": float(((frames[-1] - v) ** 2)[:, ~mask].mean())}

    return _memo_shared(("clamp", int(index), part, int(steps), float(T), int(seed), method, int(bin_seed)), compute)
