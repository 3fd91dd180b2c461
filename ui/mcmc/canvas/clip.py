"""The clip the chain canvas plays: a whole MCMC run packed once, on the server (:func:`pack_clip`).

The browser decodes it in ``decode.js`` (``decodeClip``); ``tests/test_canvas_contract.py``
binds the keys below to the names the JavaScript reads.

Payload (the ``data`` dict; every array is little-endian base64, O(steps) in size):

========== ============================================================================
key        meaning
========== ============================================================================
v          format version (2)
id         hash of the arrays, box and burn-in: same id means the same clip, so the
           browser keeps the play head when only labels/colours/speed change
sig        hash of everything below: same sig, nothing to decode or redraw
n_steps    N transitions; positions hold N + 1 draws
n_total    the whole run's N when this clip is only its first steps (else n_steps)
n_chains   C
box        [x0, x1, y0, y1] (data coordinates of the heatmap)
burn_in    m: transitions i < m are drawn faded
q          [x_lo, x_span, y_lo, y_span]: every point below is sent as uint16 codes k,
           x = x_lo + k * x_span / 65534 (65535: not finite).  The range is the points'
           own, cut to the box widened by one box on each side (a point beyond is drawn
           at that edge, far off the picture): steps of about 1/20,000 of the picture
acc        uint8 base64, two (step, chain) flags per byte (low nibble first), in
           (step, chain) order: bit 0 = accepted, bit 1 = the proposal x' equals the
           next draw x_{i+1}, bit 2 = x_{i+1} equals x_i (either is then not sent)
pos        uint16 base64: x_0 of every chain, then the draws x_{i+1} whose bit 2 is 0
prop       uint16 base64: the proposals x' whose bit 1 is 0
half       uint16 (N, C, 2) base64 or None: Gibbs half-steps
grid       {id, nx, ny, q: uint8 (ny, nx) base64 with 0..254 = colour, 255 = empty,
           vmin, vmax (of the quantised values), log: bool (values are log10)}; in the
           ``near`` clips, ``{ref: id}`` when it is the grid of the clip it comes with
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
ask_drawn  optional: true on a session's first views: the browser says once, by the trigger
           ``drawn``, that the picture is on screen (the page then draws its charts)
rec        optional (HMC, ULA, MALA; ``records.py``): what the sampler did in its first k
           transitions, ``{kind, k, per, pts, scale, sigma}``: ``pts`` uint16 (k, C, per, 2)
           base64 in ``q``; HMC: the L − 1 inner leapfrog points and the momentum arrow's
           tip x + scale·p (scale = Lε); ULA/MALA: x + drift (then noise = x′ − that point;
           MALA's 1-σ proposal circle there, radius sigma = √ε)
exact      optional (the "exact samples" switch): ``{n, of, pts}``, n i.i.d. draws from the
           grid's p_T (uint16 (n, 2) base64 in ``q``), as many as the chains' ``of``
           post-burn-in draws (up to ``records.EXACT_POINTS``)
label_scale optional (added by the page): presentation mode's scale of the canvas's own
           labels (fonts, margins) and of its paths and dots (1: as drawn normally)
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


CODE_MAX = 65534  # uint16 codes 0..65534 span the range; 65535 marks a point that is not finite
NOT_FINITE = 65535


def _extent(arrays: list[np.ndarray], box: tuple[float, float, float, float]) -> list[float]:
    """[x_lo, x_span, y_lo, y_span] of the points' finite coordinates, cut to the box widened
    by its own width (height) on each side."""
    out = []
    for axis, (b0, b1) in enumerate((box[:2], box[2:])):
        v = np.concatenate([a[..., axis].ravel() for a in arrays])
        v = v[np.isfinite(v)]
        w = b1 - b0
        lo, hi = (float(v.min()), float(v.max())) if v.size else (b0, b1)
        lo, hi = max(lo, b0 - w), min(hi, b1 + w)
        if not hi > lo:  # (one point, or all of them beyond one edge)
            lo, hi = min(lo, hi), min(lo, hi) + w * 1e-6
        out += [lo, hi - lo]
    return out


def _codes(points: np.ndarray, extent: list[float]) -> np.ndarray:
    """uint16 codes of (..., 2) points in ``extent`` (see the module docstring)."""
    lo = np.array(extent[0::2])
    span = np.array(extent[1::2])
    with np.errstate(invalid="ignore", over="ignore"):
        k = np.rint((points - lo) / span * CODE_MAX)
    finite = np.isfinite(points)
    return np.where(finite, np.clip(np.where(finite, k, 0), 0, CODE_MAX), NOT_FINITE).astype("<u2")


def decode_points(codes: np.ndarray, extent: list[float]) -> np.ndarray:
    """The points that codes stand for, as the browser decodes them (for tests)."""
    lo = np.array(extent[0::2], dtype=np.float64)
    span = np.array(extent[1::2], dtype=np.float64)
    return np.where(codes == NOT_FINITE, np.nan, lo + codes * span / CODE_MAX)


def _nibbles(flags: np.ndarray) -> np.ndarray:
    """Two 4-bit flags per byte, the first in the low nibble."""
    f = np.asarray(flags, dtype=np.uint8)
    if f.size % 2:
        f = np.append(f, np.uint8(0))
    return f[0::2] | (f[1::2] << 4)


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
    rec: dict | None = None,
    exact=None,
    exact_of: int | None = None,
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

    ``rec``: ``records.rec_points(...)`` (the sampler's own steps); ``exact``: (n, 2) draws from
    p_T, standing for ``exact_of`` chain draws (see the module docstring's ``rec``/``exact``).
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

    # Points as 16-bit codes; an accepted proposal is the next draw and a rejected one leaves
    # the chain where it was: send each point once (compared as codes, exact in the browser).
    rec_pts = None if rec is None else np.asarray(rec["points"], dtype=np.float64)
    if rec_pts is not None and (rec_pts.ndim != 4 or rec_pts.shape[1:2] != (n_chains,) or rec_pts.shape[0] > n_steps):
        raise ValueError(f"rec points must be (k <= {n_steps}, {n_chains}, per, 2), got {rec_pts.shape}")
    ex = None if exact is None else _as_array(exact).astype(np.float64).reshape(-1, 2)
    extras = [a for a in (hf, rec_pts, ex) if a is not None and a.size]
    extent = _extent([pos, prop] + extras, (x0, x1, y0, y1))
    pc, qc = _codes(pos, extent), _codes(prop, extent)
    same = np.all(qc == pc[1:], axis=-1)
    stayed = np.all(pc[1:] == pc[:-1], axis=-1)
    flags = acc.astype(np.uint8) | (same.astype(np.uint8) << 1) | (stayed.astype(np.uint8) << 2)
    pos_b64 = _b64(np.concatenate([pc[0], pc[1:][~stayed]]), "<u2")
    prop_b64 = _b64(qc[~same], "<u2")
    acc_b64 = _b64(_nibbles(flags.ravel()), "u1")
    half_b64 = None if hf is None else _b64(_codes(hf, extent), "<u2")
    grid_b64 = _b64(q, "u1")
    grid_id = hashlib.blake2b(f"{grid_b64}|{vmin}|{vmax}|{bool(log_scale)}".encode(), digest_size=8).hexdigest()

    total = int(max(n_steps, n_total if n_total is not None else n_steps))
    m = int(max(0, min(int(burn_in), total)))  # of the whole run, when this clip is its first steps
    h = hashlib.blake2b(digest_size=8)
    extra = {}  # (optional keys, absent unless asked for: the default clip is unchanged)
    if rec_pts is not None:
        extra["rec"] = {"kind": str(rec["kind"]), "k": int(rec_pts.shape[0]), "per": int(rec_pts.shape[2]),
                        "pts": _b64(_codes(rec_pts, extent), "<u2"),
                        "scale": None if rec.get("scale") is None else float(rec["scale"]),
                        "sigma": None if rec.get("sigma") is None else float(rec["sigma"])}
    if ex is not None:
        extra["exact"] = {"n": int(ex.shape[0]), "of": int(exact_of if exact_of is not None else ex.shape[0]),
                          "pts": _b64(_codes(ex, extent), "<u2")}
    for part in (pos_b64, prop_b64, acc_b64, half_b64 or "", grid_b64) + ((json.dumps(extra, sort_keys=True),)
                                                                        if extra else ()):
        h.update(part.encode("ascii"))
        h.update(b"|")
    h.update(json.dumps([x0, x1, y0, y1, m, vmin, vmax, bool(log_scale), extent]).encode())

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
        "v": 2,
        "id": str(clip_id) if clip_id is not None else content,
        "sig": h.hexdigest(),
        "n_steps": int(n_steps),
        "n_total": total,
        "n_chains": int(n_chains),
        "box": [x0, x1, y0, y1],
        "burn_in": m,
        "q": extent,
        "pos": pos_b64,
        "prop": prop_b64,
        "acc": acc_b64,
        "half": half_b64,
        "grid": {
            "id": grid_id,
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
        **extra,
    }
