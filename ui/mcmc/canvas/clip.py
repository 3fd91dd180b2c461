"""The clip the chain canvas plays: a whole MCMC run packed once, on the server (:func:`pack_clip`).

The browser decodes it in ``decode.js`` (``decodeClip``); ``tests/test_canvas_contract.py``
binds the keys below to the names the JavaScript reads.

Payload (the ``data`` dict; every array is little-endian base64, O(steps) in size):

========== ============================================================================
key        meaning
========== ============================================================================
v          format version (1)
id         hash of the arrays, box and burn-in: same id means the same clip, so the
           browser keeps the play head when only labels/colours/speed change
sig        hash of everything below: same sig, nothing to decode or redraw
n_steps    N transitions; positions hold N + 1 draws
n_total    the whole run's N when this clip is only its first steps (else n_steps)
n_chains   C
box        [x0, x1, y0, y1] (data coordinates of the heatmap)
burn_in    m: transitions i < m are drawn faded
pos        float32 (N+1, C, 2) base64
acc        uint8 (N, C) base64 flags: bit 0 = accepted, bit 1 = the proposal x' equals
           the next draw x_{i+1} (so it is not sent again)
prop       float32 (K, 2) base64: the proposals whose bit 1 is 0, in (step, chain) order
half       float32 (N, C, 2) base64 or None: Gibbs half-steps
grid       {nx, ny, q: uint8 (ny, nx) base64 with 0..254 = colour, 255 = empty,
           vmin, vmax (of the quantised values), log: bool (values are log10)}
levels     number of contour levels
colors     a CSS colour per chain
labels     UI strings (see DEFAULT_LABELS)
speed      initial steps per second
autoplay   start playing as soon as it is drawn
tune       optional (added by the page): the sliders drawn above the picture that choose
           this clip, ``{ctx, key, sliders: [{name, role, label, options, shown, index}]}``;
           ``key`` is the slider indices joined by "|", ``ctx`` names everything else
near       optional: ``[[key, clip], ...]`` clips one notch away, for instant moves (sent
           when the browser asks, trigger ``near`` = ``{key, ctx, have: [keys it holds]}``)
held       optional: true when the answer to ``near`` leaves out the clip itself because
           the browser holds it (then only ``v``, ``id``, ``sig`` and the page's keys)
ready      optional: how many of the neighbours the server has computed
missing    optional: how many it is still computing
eta_ms     optional: in about how many ms the next of those should be ready (0: none missing)
========== ============================================================================
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any, Mapping, Sequence

import numpy as np

#: Colour-blind-safe palette (Okabe & Ito, black swapped for white so every colour shows
#: on the dark end of viridis), cycled over the chains.
PALETTE = (
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#CC79A7",  # reddish purple
    "#FFFFFF",  # white
    "#F0E442",  # yellow
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
)

DEFAULT_LABELS: dict[str, str] = {
    "play": "Play",
    "pause": "Pause",
    "step": "Step",
    "reset": "Reset",
    "speed": "Speed",
    "speed_unit": "steps/s",
    "step_counter": "step {i} / {n}",
    "burn_in_note": "faded: burn-in (m = {m})",
    "accepted": "accepted",
    "rejected": "rejected",
    "start": "start",
    "x_axis": "x₁",
    "y_axis": "x₂",
    "colorbar": "",
}

#: Heatmaps larger than this per side are subsampled (cell centres, every k-th).
MAX_GRID_SIDE = 320
EMPTY = 255  # the quantised value of inf / nan cells


def _b64(arr: np.ndarray, dtype: str) -> str:
    return base64.b64encode(np.ascontiguousarray(arr, dtype=dtype).tobytes()).decode("ascii")


def _as_array(a: Any) -> np.ndarray:
    if hasattr(a, "detach"):  # torch tensor
        a = a.detach().cpu().numpy()
    return np.asarray(a)


def _quantise(values: np.ndarray, log_scale: bool) -> tuple[np.ndarray, float, float]:
    v = np.asarray(values, dtype=np.float64)
    if log_scale:
        with np.errstate(divide="ignore", invalid="ignore"):
            v = np.where(v > 0, np.log10(np.where(v > 0, v, 1.0)), np.nan)
    finite = np.isfinite(v)
    if finite.any():
        vmin = float(v[finite].min())
        vmax = float(v[finite].max())
    else:
        vmin, vmax = 0.0, 1.0
    span = vmax - vmin
    q = np.full(v.shape, EMPTY, dtype=np.uint8)
    if span > 0:
        q[finite] = np.clip(np.rint((v[finite] - vmin) / span * 254.0), 0, 254).astype(np.uint8)
    else:
        q[finite] = 127
    return q, vmin, vmax


def pack_clip(
    positions,
    proposals,
    accepted,
    grid_values,
    box: Sequence[float],
    burn_in: int,
    *,
    half=None,
    colors: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    speed: float = 60,
    autoplay: bool = True,
    log_scale: bool = False,
    clip_id: str | None = None,
    n_total: int | None = None,
) -> dict:
    """Build the JSON-able ``data`` dict for :func:`chain_canvas` from numpy arrays.

    positions (N+1, C, 2), proposals (N, C, 2), accepted (N, C) bool, grid_values (ny, nx)
    on cell centres of ``box`` = (x0, x1, y0, y1), row 0 at y0 (as ``ebm_core.landscapes.grid``);
    inf/nan show in the "empty" colour.  ``half`` (N, C, 2): Gibbs half-steps, drawn as
    x_i → half_i → x_{i+1}.  ``log_scale`` colours log10 of grid_values (for densities).

    ``clip_id`` names the clip (default: a hash of its content).  A clip whose id equals the
    one playing continues from the current step instead of restarting: this is how the first
    steps of a run are shown at once and the whole run follows.  ``n_total`` is the length
    of the whole run when this clip is only its first steps (the counter shows it, and play
    resumes when the rest arrives).
    """
    pos = _as_array(positions).astype(np.float64)
    if pos.ndim == 2 and pos.shape[1] == 2:  # one chain given as (N+1, 2)
        pos = pos[:, None, :]
    if pos.ndim != 3 or pos.shape[2] != 2 or pos.shape[0] < 1:
        raise ValueError(f"positions must be (N+1, C, 2), got {pos.shape}")
    n_steps, n_chains = pos.shape[0] - 1, pos.shape[1]

    def steps_array(a, name: str, tail: tuple[int, ...], dtype) -> np.ndarray:
        arr = _as_array(a).astype(dtype)
        if arr.size == 0 and n_steps == 0:
            return np.zeros((0, n_chains, *tail), dtype)
        if n_chains == 1 and arr.ndim == 1 + len(tail):  # one chain without its axis
            arr = arr[:, None]
        if arr.shape != (n_steps, n_chains, *tail):
            raise ValueError(f"{name} must be {(n_steps, n_chains, *tail)}, got {arr.shape}")
        return arr

    prop = steps_array(proposals, "proposals", (2,), np.float64)
    acc = steps_array(accepted, "accepted", (), bool)
    hf = None if half is None else steps_array(half, "half", (2,), np.float64)

    x0, x1, y0, y1 = (float(b) for b in box)
    if not (x1 > x0 and y1 > y0):
        raise ValueError(f"box must be (x0, x1, y0, y1) with x0 < x1 and y0 < y1, got {box}")

    g = _as_array(grid_values).astype(np.float64)
    if g.ndim != 2 or min(g.shape) < 2:
        raise ValueError(f"grid_values must be a 2D (ny, nx) array, got {g.shape}")
    sy = -(-g.shape[0] // MAX_GRID_SIDE)
    sx = -(-g.shape[1] // MAX_GRID_SIDE)
    if sy > 1 or sx > 1:
        g = g[sy // 2 :: sy, sx // 2 :: sx]
    q, vmin, vmax = _quantise(g, log_scale)

    # An accepted proposal is (almost always) the next draw: send only the others.
    pos32, prop32 = pos.astype("<f4"), prop.astype("<f4")
    same = np.all(prop32 == pos32[1:], axis=-1)
    flags = acc.astype(np.uint8) | (same.astype(np.uint8) << 1)
    pos_b64 = _b64(pos32, "<f4")
    prop_b64 = _b64(prop32[~same], "<f4")
    acc_b64 = _b64(flags, "u1")
    half_b64 = None if hf is None else _b64(hf, "<f4")
    grid_b64 = _b64(q, "u1")

    total = int(max(n_steps, n_total if n_total is not None else n_steps))
    m = int(max(0, min(int(burn_in), total)))  # of the whole run, when this clip is its first steps
    h = hashlib.blake2b(digest_size=8)
    for part in (pos_b64, prop_b64, acc_b64, half_b64 or "", grid_b64):
        h.update(part.encode("ascii"))
        h.update(b"|")
    h.update(json.dumps([x0, x1, y0, y1, m, vmin, vmax, bool(log_scale)]).encode())

    if colors is None:
        cols = [PALETTE[c % len(PALETTE)] for c in range(n_chains)]
    else:
        colors = list(colors)
        if not colors:
            raise ValueError("colors must not be empty")
        cols = [str(colors[c % len(colors)]) for c in range(n_chains)]

    lab = dict(DEFAULT_LABELS)
    if labels:
        lab.update({str(k): str(v) for k, v in labels.items()})

    content = h.hexdigest()
    speed = float(min(500.0, max(1.0, float(speed))))
    # Everything the browser draws from: equal sig, nothing to redo (the id only says whether
    # the play head carries on).
    h.update(json.dumps([clip_id, total, cols, lab, speed, bool(autoplay)], sort_keys=True).encode())
    return {
        "v": 1,
        "id": str(clip_id) if clip_id is not None else content,
        "sig": h.hexdigest(),
        "n_steps": int(n_steps),
        "n_total": total,
        "n_chains": int(n_chains),
        "box": [x0, x1, y0, y1],
        "burn_in": m,
        "pos": pos_b64,
        "prop": prop_b64,
        "acc": acc_b64,
        "half": half_b64,
        "grid": {
            "nx": int(q.shape[1]),
            "ny": int(q.shape[0]),
            "q": grid_b64,
            "vmin": vmin,
            "vmax": vmax,
            "log": bool(log_scale),
        },
        "levels": 10,
        "colors": cols,
        "labels": lab,
        "speed": speed,
        "autoplay": bool(autoplay),
    }
