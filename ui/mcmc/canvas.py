"""An MCMC run on a 2D energy landscape, played in the browser (Streamlit components v2).

The server packs the whole clip once (:func:`pack_clip`) and mounts it with
:func:`chain_canvas`; the browser then animates it with ``requestAnimationFrame`` and the
server does nothing while it plays.  No build step, no network: the JavaScript and CSS
below are inline.

Payload (the ``data`` dict; every array is little-endian base64, O(steps) in size):

========== ============================================================================
key        meaning
========== ============================================================================
v          format version (1)
id         hash of the arrays, box and burn-in: same id means the same clip, so the
           browser keeps the play head when only labels/colours/speed change
sig        hash of everything below: same sig, nothing to decode or redraw
n_steps    N transitions; positions hold N + 1 draws
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
           this clip, ``{ctx, key, sliders: [{name, label, options, shown, index}]}``;
           ``key`` is the slider indices joined by "|", ``ctx`` names everything else
near       optional: ``[[key, clip], ...]`` clips one notch away, for instant moves (sent
           when the browser asks, trigger ``near`` = ``{key, ctx, have: [keys it holds]}``)
held       optional: true when the answer to ``near`` leaves out the clip itself because
           the browser holds it (then only ``v``, ``id``, ``sig`` and the keys below)
ready      optional: how many of the neighbours the server has computed; ``missing``:
           how many it is still computing, the next ready in about ``eta_ms``
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


# --------------------------------------------------------------------------------------
# Front end
# --------------------------------------------------------------------------------------

_CSS = r"""
:host { display: block; width: 100%; height: 100%; }
.ebm-root {
  display: flex; flex-direction: column; gap: 6px;
  width: 100%; height: 100%; box-sizing: border-box;
  font-family: var(--st-font, "Source Sans Pro", sans-serif);
  color: var(--st-text-color, #31333f);
  font-size: 1rem;
}
.ebm-stage { position: relative; flex: 1 1 auto; min-height: 120px; }
/* a clip the browser does not hold yet is on its way: dim the old one (after a beat, so a
   quick answer never flashes) */
.ebm-stage.ebm-waiting { opacity: 0.55; transition: opacity 0.15s ease 0.12s; }
.ebm-tune { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 32px; padding: 5px 6px 4px; }
.ebm-tune:empty { display: none; }
.ebm-tune-item { display: inline-flex; align-items: center; gap: 0.7rem; flex: 1 1 15rem; min-width: 13rem; }
.ebm-tune-label { white-space: nowrap; font-size: 0.95rem; }
.ebm-tune-item input {
  flex: 1 1 auto; min-width: 6rem; height: 1.9rem; margin: 0;
  accent-color: var(--st-primary-color, #ff4b4b); cursor: pointer;
}
.ebm-tune-item input:focus-visible { outline: 2px solid var(--st-primary-color, #ff4b4b); outline-offset: 2px; }
.ebm-tune-value { font-variant-numeric: tabular-nums; font-weight: 600; min-width: 3.2em; }
.ebm-canvas {
  position: absolute; left: 0; top: 0; width: 100%; height: 100%;
  display: block; cursor: crosshair; touch-action: manipulation;
}
.ebm-trail { pointer-events: none; }
.ebm-controls {
  display: flex; flex-wrap: wrap; align-items: center; justify-content: center;
  gap: 8px 12px; padding: 2px 0; user-select: none;
}
.ebm-btn {
  font: inherit; font-size: 1.05rem; line-height: 1.2;
  min-height: 2.6rem; min-width: 2.6rem; padding: 0.35rem 0.95rem;
  display: inline-flex; align-items: center; gap: 0.45rem;
  border-radius: var(--st-button-radius, 0.5rem);
  border: 1px solid var(--st-border-color, rgba(49, 51, 63, 0.2));
  background: var(--st-secondary-background-color, #f0f2f6);
  color: inherit; cursor: pointer;
}
.ebm-btn:hover { border-color: var(--st-primary-color, #ff4b4b); color: var(--st-primary-color, #ff4b4b); }
.ebm-btn:focus-visible { outline: 2px solid var(--st-primary-color, #ff4b4b); outline-offset: 2px; }
.ebm-btn.ebm-primary {
  background: var(--st-primary-color, #ff4b4b); border-color: transparent; color: #fff;
  min-width: 7.2rem; justify-content: center;
}
.ebm-btn.ebm-primary:hover { color: #fff; filter: brightness(1.08); }
.ebm-btn svg { width: 1em; height: 1em; fill: currentColor; flex: none; }
.ebm-speed { display: inline-flex; align-items: center; gap: 0.5rem; }
.ebm-speed input { width: 10rem; height: 1.6rem; accent-color: var(--st-primary-color, #ff4b4b); cursor: pointer; }
.ebm-speed-value { font-variant-numeric: tabular-nums; min-width: 6.5em; }
.ebm-counter { font-variant-numeric: tabular-nums; font-weight: 600; font-size: 1.1rem; min-width: 8em; }
.ebm-legend { display: inline-flex; flex-wrap: wrap; align-items: center; gap: 4px 14px; font-size: 0.95rem; opacity: 0.9; }
.ebm-legend span { display: inline-flex; align-items: center; gap: 0.35rem; white-space: nowrap; }
.ebm-legend svg { width: 1.6em; height: 0.9em; flex: none; }
"""

_JS = r"""
// EBM Lab chain canvas: plays a whole MCMC clip client-side (no server work while playing).
const VIRIDIS = "44015448186a472d7b4240863b528b33638d2c728e26828e21918c1fa08828ae803fbc735ec96284d44baddc30d8e219fde725";
const PALETTE = ["#E69F00", "#56B4E9", "#CC79A7", "#FFFFFF", "#F0E442", "#0072B2", "#D55E00", "#009E73"];
const ACC_COLOR = "#2ca02c", REJ_COLOR = "#d62728", EMPTY_RGB = [205, 205, 205];
const FADE_CHAIN_STEPS = 32;     // rejected proposals fade out over ~32 / C steps (2..8)
const SPEED_MIN = 1, SPEED_MAX = 500, SLIDER_MAX = 1000;
const MARGIN = { left: 58, right: 92, top: 12, bottom: 46 };
const STATES = new WeakMap();    // parentElement -> state (the function is called again on each data change)
// Clips this page has been sent, by "<settings context>#<slider indices>": moving an in-picture
// slider to a value held here switches the picture at once, before (and without waiting for)
// the server's run.  Least recently used first; a clip is ~0.2 MB of base64.
const CLIPS = new Map(), CLIP_CACHE_MAX = 24;
const PENDING_MS = 6000;         // a slider choice sent to the server is trusted this long
const NEAR_ASKS = 8;             // requests for one setting's neighbours while none arrives

// frames drawn since the last Play, when it started (performance.now()), payloads drawn,
// and the ms spent drawing those frames (for benchmarks)
const STATS = (window.__ebmCanvasStats = window.__ebmCanvasStats || { frames: 0, startedAt: 0, renders: 0, drawMs: 0 });

const LUT = (() => {
  const stops = [];
  for (let i = 0; i < VIRIDIS.length; i += 6) {
    stops.push([0, 2, 4].map((k) => parseInt(VIRIDIS.substr(i + k, 2), 16)));
  }
  const at = stops.map((_, k) => (k === stops.length - 1 ? 255 : k * 16));
  const lut = new Uint8ClampedArray(256 * 3);
  let k = 0;
  for (let v = 0; v < 256; v++) {
    while (k < stops.length - 2 && v > at[k + 1]) k++;
    const t = (v - at[k]) / (at[k + 1] - at[k]);
    for (let c = 0; c < 3; c++) lut[v * 3 + c] = Math.round(stops[k][c] + t * (stops[k + 1][c] - stops[k][c]));
  }
  return lut;
})();

const ICONS = {
  play: '<svg viewBox="0 0 16 16"><path d="M3 1.5v13l11-6.5z"/></svg>',
  pause: '<svg viewBox="0 0 16 16"><path d="M3 1.5h3.5v13H3zM9.5 1.5H13v13H9.5z"/></svg>',
  step: '<svg viewBox="0 0 16 16"><path d="M2 1.5v13l8-6.5zM11 1.5h3v13h-3z"/></svg>',
  reset: '<svg viewBox="0 0 16 16"><path d="M2 1.5h3v13H2zM14 1.5v13L6 8z"/></svg>',
};

function b64Bytes(s) {
  const bin = atob(s || "");
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
function b64F32(s) {
  const b = b64Bytes(s);
  return new Float32Array(b.buffer, 0, b.length >> 2);
}
function fmt(template, vars) {
  return String(template || "").replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}
function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}
function speedFromSlider(u) { return Math.pow(SPEED_MAX, u / SLIDER_MAX); }
function sliderFromSpeed(v) { return Math.round((SLIDER_MAX * Math.log(Math.max(SPEED_MIN, Math.min(SPEED_MAX, v)))) / Math.log(SPEED_MAX)); }
function fmtSpeed(v) { return v < 10 ? v.toFixed(1) : String(Math.round(v)); }

function niceTicks(lo, hi, want) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, want);
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / p;
  const step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * p;
  const out = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) out.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return out;
}
function fmtTick(t) {
  const a = Math.abs(t);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return t.toExponential(1);
  return String(+t.toPrecision(6));
}
function fmtValue(v) {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e4 || a < 1e-2)) return v.toExponential(1);
  return String(+v.toPrecision(3));
}

function decodeClip(d) {
  const C = Math.max(1, d.n_chains | 0);
  const pos = b64F32(d.pos);
  let N = Math.max(0, d.n_steps | 0);
  N = Math.max(0, Math.min(N, Math.floor(pos.length / (2 * C)) - 1));
  const g = d.grid || {};
  const colors = (d.colors && d.colors.length ? d.colors : PALETTE).slice();
  // flags: bit 0 accepted, bit 1 "x' is the next draw" (then it was not sent)
  const acc = b64Bytes(d.acc), rest = b64F32(d.prop);
  let prop = null;
  if (acc.length >= N * C) {
    prop = new Float32Array(N * C * 2);
    let k = 0;
    for (let j = 0; j < N * C; j++) {
      if (acc[j] & 2) { prop[2 * j] = pos[2 * j + 2 * C]; prop[2 * j + 1] = pos[2 * j + 1 + 2 * C]; }
      else if (k + 1 < rest.length) { prop[2 * j] = rest[k++]; prop[2 * j + 1] = rest[k++]; }
      else { prop[2 * j] = prop[2 * j + 1] = NaN; }
    }
  }
  return {
    id: d.id, N, C, box: d.box, m: Math.max(0, d.burn_in | 0),
    pos, prop, acc: prop ? acc : null,
    half: d.half ? b64F32(d.half) : null,
    grid: { nx: g.nx | 0, ny: g.ny | 0, q: b64Bytes(g.q), vmin: +g.vmin || 0, vmax: +g.vmax || 0, log: !!g.log },
    levels: d.levels == null ? 10 : d.levels | 0,
    colors: Array.from({ length: C }, (_, c) => colors[c % colors.length]),
    labels: d.labels || {}, speed: +d.speed || 60, autoplay: d.autoplay !== false,
    nTotal: Math.max(N, d.n_total | 0),  // > N: only the first steps so far, the rest follows
    sig: d.sig || null,
  };
}

// Marching squares on the quantised grid (255 = empty).  Segments in grid-index units.
function contourSegments(q, nx, ny, nLevels) {
  const out = [];
  if (!(nLevels > 0) || nx < 2 || ny < 2) return new Float32Array(0);
  for (let k = 0; k < nLevels; k++) {
    const lev = (254 * (k + 0.5)) / nLevels + 0.013;
    for (let iy = 0; iy < ny - 1; iy++) {
      const r0 = iy * nx, r1 = r0 + nx;
      for (let ix = 0; ix < nx - 1; ix++) {
        const a = q[r0 + ix], b = q[r0 + ix + 1], c = q[r1 + ix + 1], d = q[r1 + ix];
        if (a === 255 || b === 255 || c === 255 || d === 255) continue;
        const idx = (a > lev ? 1 : 0) | (b > lev ? 2 : 0) | (c > lev ? 4 : 0) | (d > lev ? 8 : 0);
        if (idx === 0 || idx === 15) continue;
        const e0x = ix + (lev - a) / (b - a), e0y = iy;
        const e1x = ix + 1, e1y = iy + (lev - b) / (c - b);
        const e2x = ix + (lev - d) / (c - d), e2y = iy + 1;
        const e3x = ix, e3y = iy + (lev - a) / (d - a);
        switch (idx) {
          case 1: case 14: out.push(e0x, e0y, e3x, e3y); break;
          case 2: case 13: out.push(e0x, e0y, e1x, e1y); break;
          case 3: case 12: out.push(e3x, e3y, e1x, e1y); break;
          case 4: case 11: out.push(e1x, e1y, e2x, e2y); break;
          case 6: case 9: out.push(e0x, e0y, e2x, e2y); break;
          case 7: case 8: out.push(e2x, e2y, e3x, e3y); break;
          case 5: case 10: {
            const centre = (a + b + c + d) / 4 > lev;
            if ((idx === 5) === centre) out.push(e0x, e0y, e1x, e1y, e2x, e2y, e3x, e3y);
            else out.push(e0x, e0y, e3x, e3y, e1x, e1y, e2x, e2y);
            break;
          }
        }
      }
    }
  }
  return new Float32Array(out);
}

function heatImage(grid) {
  const { nx, ny, q } = grid;
  const cv = document.createElement("canvas");
  cv.width = Math.max(1, nx); cv.height = Math.max(1, ny);
  if (nx < 1 || ny < 1 || q.length < nx * ny) return cv;
  const cx = cv.getContext("2d");
  const img = cx.createImageData(nx, ny);
  const px = img.data;
  for (let iy = 0; iy < ny; iy++) {
    const row = (ny - 1 - iy) * nx;  // row 0 of the grid is the bottom (y0)
    for (let ix = 0; ix < nx; ix++) {
      const v = q[iy * nx + ix], o = (row + ix) * 4;
      if (v === 255) { px[o] = EMPTY_RGB[0]; px[o + 1] = EMPTY_RGB[1]; px[o + 2] = EMPTY_RGB[2]; }
      else { px[o] = LUT[v * 3]; px[o + 1] = LUT[v * 3 + 1]; px[o + 2] = LUT[v * 3 + 2]; }
      px[o + 3] = 255;
    }
  }
  cx.putImageData(img, 0, 0);
  return cv;
}

function colorbarImage() {
  const cv = document.createElement("canvas");
  cv.width = 1; cv.height = 256;
  const cx = cv.getContext("2d");
  const img = cx.createImageData(1, 256);
  for (let v = 0; v < 256; v++) {
    const o = (255 - v) * 4;
    img.data[o] = LUT[v * 3]; img.data[o + 1] = LUT[v * 3 + 1]; img.data[o + 2] = LUT[v * 3 + 2]; img.data[o + 3] = 255;
  }
  cx.putImageData(img, 0, 0);
  return cv;
}

function createState(parentElement) {
  const root = document.createElement("div");
  root.className = "ebm-root";
  root.setAttribute("data-testid", "ebm-chain-canvas");
  root.innerHTML =
    // two layers: the landscape and the paths so far (drawn onto, never redrawn while playing),
    // and a transparent overlay for the moving parts (cleared where it was drawn, each frame)
    '<div class="ebm-tune" data-role="tune"></div>' +
    '<div class="ebm-stage"><canvas class="ebm-canvas ebm-trail" data-testid="ebm-chain-canvas-trail"></canvas>' +
    '<canvas class="ebm-canvas" data-testid="ebm-chain-canvas-canvas"></canvas></div>' +
    '<div class="ebm-controls">' +
    '<button type="button" class="ebm-btn ebm-primary" data-role="play" data-testid="ebm-play"></button>' +
    '<button type="button" class="ebm-btn" data-role="step" data-testid="ebm-step"></button>' +
    '<button type="button" class="ebm-btn" data-role="reset" data-testid="ebm-reset"></button>' +
    '<label class="ebm-speed"><span data-role="speed-label"></span>' +
    '<input type="range" min="0" max="' + SLIDER_MAX + '" step="1" data-role="speed" data-testid="ebm-speed">' +
    '<span class="ebm-speed-value" data-role="speed-value"></span></label>' +
    '<span class="ebm-counter" data-role="counter" data-testid="ebm-counter"></span>' +
    '<span class="ebm-legend" data-role="legend"></span>' +
    "</div>";
  parentElement.appendChild(root);
  const $ = (r) => root.querySelector('[data-role="' + r + '"]');
  const trail = root.querySelector(".ebm-trail");
  const canvas = root.querySelector('[data-testid="ebm-chain-canvas-canvas"]');
  const st = {
    parentElement, root, canvas, ctx: canvas.getContext("2d"),
    stage: root.querySelector(".ebm-stage"),
    ui: { play: $("play"), step: $("step"), reset: $("reset"), speed: $("speed"), speedLabel: $("speed-label"),
          speedValue: $("speed-value"), counter: $("counter"), legend: $("legend"), tune: $("tune") },
    bg: document.createElement("canvas"), trail, overlayBox: null,
    cbar: colorbarImage(),
    clip: null, heat: null, contours: null,
    step: 0, trailStep: 0, playing: false, accum: 0, lastT: null, frames: 0,
    speed: 60, userSpeed: false, dataSpeed: null,
    raf: null, alive: true, gen: 0, renders: 0, needRender: false,
    layout: null, cssW: 0, cssH: 0, dpr: 1, layoutDirty: true,
    setTrigger: null, shown: {},
    tune: null, tuneSig: "", tuneInputs: [], shownKey: null, pending: null, nearTimer: null, nearAsks: null,
  };
  st.bgCtx = st.bg.getContext("2d");
  st.trailCtx = st.trail.getContext("2d");
  st.onFrame = (t) => onFrame(st, t);

  st.ui.play.addEventListener("click", () => (st.playing ? pause(st) : play(st)));
  st.ui.step.addEventListener("click", () => { pause(st); setStep(st, st.step + 1); });
  st.ui.reset.addEventListener("click", () => { pause(st); setStep(st, 0); });
  st.ui.speed.addEventListener("input", () => {
    st.speed = speedFromSlider(+st.ui.speed.value);
    st.userSpeed = true;
    updateControls(st);
  });
  canvas.addEventListener("click", (e) => onCanvasClick(st, e));
  st.ro = new ResizeObserver(() => { st.layoutDirty = true; requestDraw(st); });
  st.ro.observe(st.stage);
  return st;
}

function destroy(st) {
  st.alive = false;
  st.playing = false;
  cancelNear(st);
  clearTimeout(st.staleTimer);
  if (st.raf != null) cancelAnimationFrame(st.raf);
  st.raf = null;
  if (st.ro) st.ro.disconnect();
  if (st.root.parentNode) st.root.parentNode.removeChild(st.root);
  st.bg.width = st.bg.height = st.trail.width = st.trail.height = 0;  // free the bitmaps
  if (STATES.get(st.parentElement) === st) STATES.delete(st.parentElement);
}

function requestDraw(st) {
  if (st.alive && st.raf == null) st.raf = requestAnimationFrame(st.onFrame);
}

function setStep(st, i) {
  if (!st.clip) return;
  st.step = Math.max(0, Math.min(st.clip.N, i | 0));
  updateControls(st);
  requestDraw(st);
}

function play(st) {
  if (!st.clip || st.clip.N === 0) return;
  if (st.step >= st.clip.N) st.step = 0;
  st.playing = true;
  st.accum = 0;
  st.lastT = null;
  st.frames = 0;
  STATS.frames = 0;
  STATS.drawMs = 0;
  STATS.startedAt = performance.now();
  updateControls(st);
  requestDraw(st);
}

function pause(st) {
  st.playing = false;
  st.waitingForRest = false;
  updateControls(st);
}

function onFrame(st, t) {
  st.raf = null;
  if (!st.alive || !st.clip) return;
  if (st.playing) {
    if (st.lastT == null) st.lastT = t;
    const dt = Math.min(0.1, Math.max(0, (t - st.lastT) / 1000));
    st.lastT = t;
    st.accum += dt * st.speed;
    const k = Math.floor(st.accum);
    if (k > 0) {
      st.accum -= k;
      st.step = Math.min(st.clip.N, st.step + k);
    }
    if (st.step >= st.clip.N) {
      st.playing = false;
      st.waitingForRest = st.clip.nTotal > st.clip.N;  // resume when the rest of the run arrives
    }
  }
  const t0 = performance.now();
  const drawn = draw(st);
  if (drawn && st.playing) { st.frames++; STATS.frames++; STATS.drawMs += performance.now() - t0; }
  updateControls(st);
  if (st.playing) requestDraw(st);
}

// ---------------------------------------------------------------------------- layout
// Sizes are read only when the ResizeObserver (or new data) marked the layout dirty, so
// a playing frame never forces a synchronous layout.
function measure(st) {
  const dpr = Math.max(1, Math.min(3, window.devicePixelRatio || 1));
  if (st.layoutDirty || !st.layout || dpr !== st.dpr) {
    const w = Math.floor(st.stage.clientWidth), h = Math.floor(st.stage.clientHeight);
    if (w < 2 || h < 2) return false;
    st.cssW = w; st.cssH = h; st.dpr = dpr;
    for (const cv of [st.canvas, st.bg, st.trail]) {
      cv.width = Math.round(w * dpr);
      cv.height = Math.round(h * dpr);
    }
    const [x0, x1, y0, y1] = st.clip.box;
    const aw = Math.max(10, w - MARGIN.left - MARGIN.right), ah = Math.max(10, h - MARGIN.top - MARGIN.bottom);
    const s = Math.min(aw / (x1 - x0), ah / (y1 - y0));
    const pw = (x1 - x0) * s, ph = (y1 - y0) * s;
    const L = MARGIN.left + (aw - pw) / 2, T = MARGIN.top + (ah - ph) / 2;
    st.layout = { L, T, W: pw, H: ph, s, x0, x1, y0, y1 };
    // plot rectangle in CSS px relative to the canvas, for tests that click at data points
    st.root.setAttribute("data-plot", JSON.stringify({ left: L, top: T, width: pw, height: ph, box: [x0, x1, y0, y1] }));
    st.layoutDirty = false;
    st.bgDirty = true;
    st.trailStep = -1;  // force a full trail rebuild
  }
  return true;
}

function themeColors(st) {
  const cs = getComputedStyle(st.root);
  const text = (cs.getPropertyValue("--st-text-color") || "").trim() || cs.color || "#31333f";
  const font = (cs.getPropertyValue("--st-font") || "").trim() || cs.fontFamily || "sans-serif";
  return { text, font };
}

// ------------------------------------------------------------------------ background
function drawBackground(st) {
  const c = st.bgCtx, L = st.layout, clip = st.clip, g = clip.grid;
  const { text, font } = themeColors(st);
  c.setTransform(1, 0, 0, 1, 0, 0);
  c.clearRect(0, 0, st.bg.width, st.bg.height);
  c.setTransform(st.dpr, 0, 0, st.dpr, 0, 0);
  // heatmap
  c.imageSmoothingEnabled = true;
  c.imageSmoothingQuality = "high";
  if (st.heat) c.drawImage(st.heat, L.L, L.T, L.W, L.H);
  // contours
  if (st.contours && st.contours.length) {
    const seg = st.contours, sx = L.W / g.nx, sy = L.H / g.ny;
    c.save();
    c.beginPath();
    for (let i = 0; i < seg.length; i += 4) {
      c.moveTo(L.L + (seg[i] + 0.5) * sx, L.T + L.H - (seg[i + 1] + 0.5) * sy);
      c.lineTo(L.L + (seg[i + 2] + 0.5) * sx, L.T + L.H - (seg[i + 3] + 0.5) * sy);
    }
    c.strokeStyle = "rgba(255,255,255,0.5)";
    c.lineWidth = 0.9;
    c.stroke();
    c.restore();
  }
  // frame and ticks
  c.strokeStyle = text;
  c.fillStyle = text;
  c.globalAlpha = 0.7;
  c.lineWidth = 1;
  c.strokeRect(L.L - 0.5, L.T - 0.5, L.W + 1, L.H + 1);
  c.font = "13px " + font;
  c.textAlign = "center";
  c.textBaseline = "top";
  c.beginPath();
  for (const t of niceTicks(L.x0, L.x1, Math.max(2, Math.round(L.W / 90)))) {
    const x = L.L + (t - L.x0) * L.s;
    c.moveTo(x, L.T + L.H); c.lineTo(x, L.T + L.H + 5);
    c.fillText(fmtTick(t), x, L.T + L.H + 7);
  }
  c.textAlign = "right";
  c.textBaseline = "middle";
  for (const t of niceTicks(L.y0, L.y1, Math.max(2, Math.round(L.H / 70)))) {
    const y = L.T + (L.y1 - t) * L.s;
    c.moveTo(L.L - 5, y); c.lineTo(L.L, y);
    c.fillText(fmtTick(t), L.L - 8, y);
  }
  c.stroke();
  c.globalAlpha = 1;
  c.font = "italic 15px " + font;
  c.textAlign = "center";
  c.textBaseline = "bottom";
  c.fillText(clip.labels.x_axis || "", L.L + L.W / 2, L.T + L.H + 44);
  c.save();
  c.translate(L.L - 44, L.T + L.H / 2);
  c.rotate(-Math.PI / 2);
  c.textBaseline = "middle";
  c.fillText(clip.labels.y_axis || "", 0, 0);
  c.restore();
  // colour bar
  const bx = L.L + L.W + 16, bw = 14, by = L.T + 20, bh = Math.max(20, L.H - 20);
  c.imageSmoothingEnabled = true;
  c.drawImage(st.cbar, bx, by, bw, bh);
  c.globalAlpha = 0.7;
  c.strokeRect(bx - 0.5, by - 0.5, bw + 1, bh + 1);
  c.globalAlpha = 1;
  c.font = "12px " + font;
  c.textAlign = "left";
  c.textBaseline = "middle";
  if (g.vmax > g.vmin) {
    c.beginPath();
    for (const t of niceTicks(g.vmin, g.vmax, 4)) {
      const y = by + bh - ((t - g.vmin) / (g.vmax - g.vmin)) * bh;
      c.moveTo(bx + bw, y); c.lineTo(bx + bw + 4, y);
      c.fillText(g.log ? fmtValue(Math.pow(10, t)) : fmtTick(t), bx + bw + 6, y);
    }
    c.stroke();
  }
  const title = clip.labels.colorbar || "";
  if (title) {
    c.font = "13px " + font;
    c.textAlign = "center";
    c.textBaseline = "bottom";
    c.fillText(title + (g.log ? " (log)" : ""), bx + bw / 2 + 10, by - 6);
  }
  st.bgDirty = false;
}

// ----------------------------------------------------------------------------- trail
function px(L, x) { const v = L.L + (x - L.x0) * L.s; return v > 1e5 ? 1e5 : v < -1e5 ? -1e5 : v; }
function py(L, y) { const v = L.T + (L.y1 - y) * L.s; return v > 1e5 ? 1e5 : v < -1e5 ? -1e5 : v; }
function fin(a, b) { return Number.isFinite(a) && Number.isFinite(b); }

function clipToPlot(c, L) {
  c.beginPath();
  c.rect(L.L, L.T, L.W, L.H);
  c.clip();
}

// Append transitions [a, b) of every chain to the trail canvas.
function drawTrail(st, a, b) {
  const c = st.trailCtx, L = st.layout, clip = st.clip, { C, m, pos, half } = clip;
  c.save();
  c.setTransform(st.dpr, 0, 0, st.dpr, 0, 0);
  clipToPlot(c, L);
  c.lineJoin = "round";
  c.lineCap = "round";
  for (let ch = 0; ch < C; ch++) {
    for (const [lo, hi, faded] of [[a, Math.min(b, m), true], [Math.max(a, m), b, false]]) {
      if (lo >= hi) continue;
      c.beginPath();
      let pen = false, any = false;
      for (let i = lo; i < hi; i++) {
        const p = (i * C + ch) * 2, q = p + 2 * C;
        const xa = pos[p], ya = pos[p + 1], xb = pos[q], yb = pos[q + 1];
        if (!fin(xa, ya) || !fin(xb, yb)) { pen = false; continue; }
        if (xa === xb && ya === yb && !half) continue;
        if (!pen) { c.moveTo(px(L, xa), py(L, ya)); pen = true; }
        if (half) {
          const hx = half[p], hy = half[p + 1];
          if (fin(hx, hy)) c.lineTo(px(L, hx), py(L, hy));
        }
        c.lineTo(px(L, xb), py(L, yb));
        any = true;
      }
      if (!any) continue;
      c.strokeStyle = clip.colors[ch];
      c.globalAlpha = faded ? 0.28 : 0.8;
      c.lineWidth = faded ? 1.3 : 1.8;
      c.stroke();
    }
  }
  c.restore();
}

// ---------------------------------------------------------------------------- overlay
function arrow(c, pts, color, alpha, width) {
  // pts: [x0, y0, x1, y1, ...] in px; arrow head at the last point
  const n = pts.length;
  const ex = pts[n - 2], ey = pts[n - 1], sx = pts[n - 4], sy = pts[n - 3];
  const dx = ex - sx, dy = ey - sy, len = Math.hypot(dx, dy);
  const head = Math.min(11, Math.max(6, len * 0.45));
  c.globalAlpha = alpha;
  const ux = len > 0 ? dx / len : 1, uy = len > 0 ? dy / len : 0;
  const bx = ex - ux * head * 0.8, by = ey - uy * head * 0.8;
  for (const [col, w] of [["rgba(0,0,0,0.6)", width + 2.5], [color, width]]) {
    c.beginPath();
    c.moveTo(pts[0], pts[1]);
    for (let i = 2; i < n - 2; i += 2) c.lineTo(pts[i], pts[i + 1]);
    c.lineTo(bx, by);
    c.strokeStyle = col;
    c.lineWidth = w;
    c.stroke();
  }
  if (len >= 2) {
    c.beginPath();
    c.moveTo(ex, ey);
    c.lineTo(ex - ux * head - uy * head * 0.5, ey - uy * head + ux * head * 0.5);
    c.lineTo(ex - ux * head + uy * head * 0.5, ey - uy * head - ux * head * 0.5);
    c.closePath();
    c.fillStyle = color;
    c.strokeStyle = "rgba(0,0,0,0.6)";
    c.lineWidth = 1.2;
    c.fill();
    c.stroke();
  }
  c.globalAlpha = 1;
}

function proposalPath(st, j, ch) {
  const { C, pos, prop, half } = st.clip, L = st.layout;
  const p = (j * C + ch) * 2;
  const xa = pos[p], ya = pos[p + 1], xb = prop[p], yb = prop[p + 1];
  if (!fin(xa, ya) || !fin(xb, yb)) return null;
  const pts = [px(L, xa), py(L, ya)];
  if (half && fin(half[p], half[p + 1])) pts.push(px(L, half[p]), py(L, half[p + 1]));
  pts.push(px(L, xb), py(L, yb));
  return pts;
}

function drawOverlay(st) {
  const c = st.ctx, L = st.layout, clip = st.clip, { C, N, pos, prop, acc } = clip, i = st.step;
  // what this frame draws is inside the plot rectangle (clipped) and near these points
  const bb = [Infinity, Infinity, -Infinity, -Infinity];
  const grow = (x, y, r) => {
    if (x - r < bb[0]) bb[0] = x - r;
    if (y - r < bb[1]) bb[1] = y - r;
    if (x + r > bb[2]) bb[2] = x + r;
    if (y + r > bb[3]) bb[3] = y + r;
  };
  const growPath = (pts) => { for (let k = 0; k < pts.length; k += 2) grow(pts[k], pts[k + 1], 16); };
  c.save();
  c.setTransform(st.dpr, 0, 0, st.dpr, 0, 0);
  clipToPlot(c, L);
  c.lineCap = "round";
  c.lineJoin = "round";
  // starting points: hollow circles
  for (let ch = 0; ch < C; ch++) {
    const x = pos[ch * 2], y = pos[ch * 2 + 1];
    if (!fin(x, y)) continue;
    c.beginPath();
    c.arc(px(L, x), py(L, y), 7, 0, 2 * Math.PI);
    grow(px(L, x), py(L, y), 12);
    c.strokeStyle = "rgba(0,0,0,0.65)"; c.lineWidth = 4.5; c.stroke();
    c.strokeStyle = clip.colors[ch]; c.lineWidth = 2.2; c.stroke();
  }
  if (prop && acc) {
    // recently rejected proposals fade out
    const fade = Math.max(2, Math.min(8, Math.round(FADE_CHAIN_STEPS / C)));
    for (let j = Math.max(0, i - fade); j < i - 1; j++) {
      const alpha = 0.7 * (1 - (i - 1 - j) / fade);
      if (alpha <= 0.02) continue;
      for (let ch = 0; ch < C; ch++) {
        if (acc[j * C + ch] & 1) continue;
        const pts = proposalPath(st, j, ch);
        if (pts) { arrow(c, pts, REJ_COLOR, alpha, 1.8); growPath(pts); }
      }
    }
    // the current step's proposal x -> x'
    if (i > 0 && i <= N) {
      const j = i - 1;
      for (let ch = 0; ch < C; ch++) {
        const pts = proposalPath(st, j, ch);
        if (pts) { arrow(c, pts, acc[j * C + ch] & 1 ? ACC_COLOR : REJ_COLOR, 1, 2.6); growPath(pts); }
      }
    }
  }
  // current positions
  let off = 0;
  for (let ch = 0; ch < C; ch++) {
    const p = (i * C + ch) * 2, x = pos[p], y = pos[p + 1];
    if (!fin(x, y)) continue;
    if (x < L.x0 || x > L.x1 || y < L.y0 || y > L.y1) {
      const m = offBoxMarker(c, L, x, y, clip.colors[ch]);
      grow(m[0], m[1], 16);
      off++;
      continue;
    }
    c.beginPath();
    c.arc(px(L, x), py(L, y), 6, 0, 2 * Math.PI);
    grow(px(L, x), py(L, y), 10);
    c.fillStyle = clip.colors[ch];
    c.fill();
    c.strokeStyle = "rgba(0,0,0,0.75)";
    c.lineWidth = 1.8;
    c.stroke();
  }
  c.restore();
  setAttr(st, "data-off-box", String(off));
  // device pixels, cut to the plot (the overlay is clipped to it), 2 px of slack for antialiasing
  const d = st.dpr;
  st.overlayBox = bb[0] > bb[2] ? [0, 0, 0, 0] : [
    Math.floor(Math.max(bb[0], L.L) * d) - 2, Math.floor(Math.max(bb[1], L.T) * d) - 2,
    Math.ceil(Math.min(bb[2], L.L + L.W) * d) + 2, Math.ceil(Math.min(bb[3], L.T + L.H) * d) + 2];
}

// A chain outside the drawn box: a triangle on the box's edge, pointing to where it is.
function offBoxMarker(c, L, x, y, color) {
  const X = px(L, x), Y = py(L, y), inset = 11, h = 10;
  const ex = Math.min(L.L + L.W - inset, Math.max(L.L + inset, X));
  const ey = Math.min(L.T + L.H - inset, Math.max(L.T + inset, Y));
  let dx = X - ex, dy = Y - ey;
  const len = Math.hypot(dx, dy) || 1;
  dx /= len; dy /= len;
  c.beginPath();
  c.moveTo(ex + dx * h, ey + dy * h);
  c.lineTo(ex - dx * h * 0.6 - dy * h * 0.8, ey - dy * h * 0.6 + dx * h * 0.8);
  c.lineTo(ex - dx * h * 0.6 + dy * h * 0.8, ey - dy * h * 0.6 - dx * h * 0.8);
  c.closePath();
  c.fillStyle = color;
  c.fill();
  c.strokeStyle = "rgba(0,0,0,0.75)";
  c.lineWidth = 1.5;
  c.stroke();
  return [ex, ey];
}

// Draw one frame; returns false when there is nothing to draw yet (no size).
function draw(st) {
  if (!st.clip || !measure(st)) return false;
  if (st.bgDirty) { drawBackground(st); st.trailStep = -1; }
  // The trail layer is the background plus the paths so far: rebuilt only when the play head
  // goes back or the layout changes, otherwise each frame only appends its new segments.
  if (st.step < st.trailStep || st.trailStep < 0) {
    st.trailCtx.setTransform(1, 0, 0, 1, 0, 0);
    st.trailCtx.clearRect(0, 0, st.trail.width, st.trail.height);
    st.trailCtx.drawImage(st.bg, 0, 0);
    st.trailStep = 0;
    st.overlayBox = null;  // (a resize also cleared the overlay)
  }
  if (st.step > st.trailStep) {
    drawTrail(st, st.trailStep, st.step);
    st.trailStep = st.step;
  }
  // The overlay is transparent: wipe only what the last frame drew there, so the browser
  // re-rasters a small rectangle, not the whole picture, at 60 frames a second.
  const c = st.ctx;
  c.setTransform(1, 0, 0, 1, 0, 0);
  const b = st.overlayBox;
  if (b) c.clearRect(b[0], b[1], b[2] - b[0], b[3] - b[1]);
  else c.clearRect(0, 0, st.canvas.width, st.canvas.height);
  drawOverlay(st);
  if (st.needRender) {
    st.needRender = false;
    st.renders++;
    STATS.renders++;
    st.root.setAttribute("data-rendered", String(st.renders));
  }
  return true;
}

// ---------------------------------------------------------------------------- controls
function setText(st, key, el, html) {
  if (st.shown[key] !== html) { st.shown[key] = html; el.innerHTML = html; }
}
function setAttr(st, name, value) {
  const k = "@" + name;
  if (st.shown[k] !== value) { st.shown[k] = value; st.root.setAttribute(name, value); }
}

function updateControls(st) {
  const clip = st.clip;
  if (!clip) return;
  const lab = clip.labels;
  setText(st, "play", st.ui.play, st.playing ? ICONS.pause + esc(lab.pause || "Pause") : ICONS.play + esc(lab.play || "Play"));
  setText(st, "step", st.ui.step, ICONS.step + esc(lab.step || "Step"));
  setText(st, "reset", st.ui.reset, ICONS.reset + esc(lab.reset || "Reset"));
  setText(st, "speedLabel", st.ui.speedLabel, esc(lab.speed || "Speed"));
  setText(st, "speedValue", st.ui.speedValue, esc(fmtSpeed(st.speed) + " " + (lab.speed_unit || "steps/s")));
  // While playing, the counter changes ~10 times a second, not every frame: a text change
  // makes the browser lay out and repaint the controls, and nobody reads 60 numbers a second.
  const now = performance.now();
  if (!st.playing || !(now - st.counterAt < 100)) {
    setText(st, "counter", st.ui.counter, esc(fmt(lab.step_counter || "step {i} / {n}", { i: st.step, n: clip.nTotal })));
    st.counterAt = now;
  }
  const su = String(sliderFromSpeed(st.speed));
  if (st.ui.speed.value !== su && document.activeElement !== st.ui.speed) st.ui.speed.value = su;
  st.ui.step.disabled = st.step >= clip.N;
  setAttr(st, "data-step", String(st.step));
  setAttr(st, "data-playing", st.playing ? "1" : "0");
  setAttr(st, "data-frames", String(st.frames));
  setAttr(st, "data-n-steps", String(clip.N));
}

function legendHtml(clip) {
  const lab = clip.labels;
  const arrowSvg = (col) =>
    '<svg viewBox="0 0 28 14"><path d="M2 7h17" stroke="' + col + '" stroke-width="3"/><path d="M27 7l-9-5v10z" fill="' + col + '"/></svg>';
  let h = "<span>" + arrowSvg(ACC_COLOR) + esc(lab.accepted || "accepted") + "</span>" +
          "<span>" + arrowSvg(REJ_COLOR) + esc(lab.rejected || "rejected") + "</span>";
  if (lab.start) {
    h += '<span><svg viewBox="0 0 28 14"><circle cx="14" cy="7" r="5" fill="none" stroke="currentColor" stroke-width="2"/></svg>' +
         esc(lab.start) + "</span>";
  }
  if (clip.m > 0) {
    h += '<span><svg viewBox="0 0 28 14"><path d="M2 10L10 4L18 9L26 3" fill="none" stroke="currentColor" stroke-opacity="0.3" stroke-width="2"/></svg>' +
         esc(fmt(lab.burn_in_note || "faded: burn-in (m = {m})", { m: clip.m })) + "</span>";
  }
  return h;
}

function onCanvasClick(st, e) {
  const L = st.layout;
  if (!L || !st.setTrigger) return;
  const r = st.canvas.getBoundingClientRect();
  const cx = e.clientX - r.left, cy = e.clientY - r.top;
  if (cx < L.L || cx > L.L + L.W || cy < L.T || cy > L.T + L.H) return;
  const x = L.x0 + (cx - L.L) / L.s, y = L.y1 - (cy - L.T) / L.s;
  st.setTrigger("click", [Math.round(x * 1e4) / 1e4, Math.round(y * 1e4) / 1e4]);
}

// ------------------------------------------------- sliders in the picture (T, step size)
// The server sends, with each clip, the sliders that choose it (data.tune) and the clips one
// notch away that it has computed (data.near).  A move to a value whose clip is held here is
// drawn at once; the choice then goes to the server (trigger "tune"), whose run brings the
// numbers, the link and the clip itself (same id: it plays on, no restart).
function cachePut(k, d) {
  if (CLIPS.has(k)) CLIPS.delete(k);
  CLIPS.set(k, d);
  while (CLIPS.size > CLIP_CACHE_MAX) CLIPS.delete(CLIPS.keys().next().value);
}
function cacheGet(k) {
  const d = CLIPS.get(k);
  if (d) { CLIPS.delete(k); CLIPS.set(k, d); }
  return d;
}
function tuneIndices(st) { return st.tuneInputs.map((t) => +t.inp.value); }
function tunePending(st) { return !!st.pending && performance.now() - st.pending.at < PENDING_MS; }
function showTuneValue(t, i) {
  t.val.textContent = t.s.shown[i];
  t.inp.setAttribute("aria-valuetext", t.s.shown[i]);
}

function setTune(st, tune) {
  st.tune = tune;
  const sig = JSON.stringify(tune.sliders.map((s) => [s.name, s.label, s.shown]));
  const fresh = sig !== st.tuneSig;
  if (fresh) {
    st.tuneSig = sig;
    st.ui.tune.innerHTML = "";
    st.tuneInputs = tune.sliders.map((s) => {
      const item = document.createElement("label");
      item.className = "ebm-tune-item";
      const name = document.createElement("span");
      name.className = "ebm-tune-label";
      name.textContent = s.label;
      const inp = document.createElement("input");
      inp.type = "range"; inp.min = "0"; inp.max = String(s.shown.length - 1); inp.step = "1";
      inp.setAttribute("data-testid", "ebm-tune-" + (s.role || s.name));
      const val = document.createElement("span");
      val.className = "ebm-tune-value";
      val.setAttribute("aria-hidden", "true");  // the input's aria-valuetext says it
      item.append(name, inp, val);
      inp.addEventListener("input", () => onTuneInput(st));
      inp.addEventListener("change", () => onTuneCommit(st));
      st.ui.tune.appendChild(item);
      return { inp, val, s };
    });
  }
  st.tuneInputs.forEach((t, k) => { t.s = tune.sliders[k]; });
  // The server's positions, unless the user has chosen since this run started (new inputs
  // always start from the server's).
  if (fresh || !tunePending(st)) {
    st.tuneInputs.forEach((t, k) => { t.inp.value = String(t.s.index); showTuneValue(t, t.s.index); });
  }
}

function setWaiting(st, on) {
  if (!!st.waiting !== on) { st.waiting = on; st.stage.classList.toggle("ebm-waiting", on); }
  setAttr(st, "data-waiting", on ? "1" : "0");
}

// Show a clip now (not on the next animation frame): its first frame is on screen when this returns.
function showClip(st, d) {
  if (st.clip && d.sig && d.sig === st.clip.sig) return;  // already showing exactly this
  setData(st, d);
  if (st.raf != null) { cancelAnimationFrame(st.raf); st.raf = null; }
  draw(st);
  updateControls(st);
  requestDraw(st);
}

function onTuneInput(st) {
  if (!st.tune) return;
  const idx = tuneIndices(st);
  st.tuneInputs.forEach((t, k) => showTuneValue(t, idx[k]));
  const key = idx.join("|");
  st.pending = { key, ctx: st.tune.ctx, at: performance.now() };
  cancelNear(st);
  const d = cacheGet(st.tune.ctx + "#" + key);
  if (d) { showClip(st, d); st.shownKey = key; }
  setWaiting(st, key !== st.shownKey);
  setAttr(st, "data-tune-shown", st.shownKey || "");
  setAttr(st, "data-sig-shown", (st.clip && st.clip.sig) || "");
}

function onTuneCommit(st) {
  if (!st.tune || !st.setTrigger) return;
  const idx = tuneIndices(st), value = {};
  st.tuneInputs.forEach((t, k) => { value[t.s.name] = t.s.options[idx[k]]; });
  st.pending = { key: idx.join("|"), ctx: st.tune.ctx, at: performance.now() };
  st.setTrigger("tune", value);
}

function cancelNear(st) {
  if (st.nearTimer != null) clearTimeout(st.nearTimer);
  st.nearTimer = null;
}

// Keys of the settings one notch away on each slider.
function neighbourKeys(st) {
  const idx = st.tuneInputs.map((t) => t.s.index), out = [];
  st.tuneInputs.forEach((t, k) => {
    for (const d of [1, -1]) {
      const j = idx[k] + d;
      if (j < 0 || j >= t.s.shown.length) continue;
      const n = idx.slice(); n[k] = j;
      out.push(n.join("|"));
    }
  });
  return out;
}

// The server computes the neighbours in the background after its run, the likeliest next move
// first.  Ask for the ones this browser lacks: at once when the server has more than it
// holds, else when the next should be ready (data.eta_ms), backing off while none arrives.
function heldKeys(ctx) {  // every clip held for these settings (so that none is sent twice)
  return [...CLIPS.keys()].filter((k) => k.startsWith(ctx + "#")).map((k) => k.slice(ctx.length + 1)).slice(-16);
}

function scheduleNear(st, data) {
  cancelNear(st);
  const key = data.tune.key, ctx = data.tune.ctx, keys = neighbourKeys(st);
  const held = keys.filter((k) => CLIPS.has(ctx + "#" + k));
  const ready = data.ready | 0, id = ctx + "#" + key;
  if (!st.nearAsks || st.nearAsks.id !== id || ready > st.nearAsks.ready) st.nearAsks = { id, n: 0, ready };
  const more = ready > held.length, later = (data.missing | 0) > 0;
  const ask = held.length < keys.length && (more || later) && st.nearAsks.n < NEAR_ASKS && !!st.setTrigger;
  setAttr(st, "data-near-pending", ask ? "1" : "0");
  if (!ask) return;
  const eta = Math.max(250, Math.min(4000, +data.eta_ms || 600));
  const wait = more ? 30 : Math.min(8000, eta * Math.pow(1.5, st.nearAsks.n));
  st.nearTimer = setTimeout(function again() {
    st.nearTimer = null;
    if (!st.alive || tunePending(st) || st.nearAsks.n >= NEAR_ASKS) return;
    st.nearAsks.n++;
    st.setTrigger("near", { key, ctx, have: heldKeys(ctx) });
    // an answer that changes nothing sends no new data: look again later
    st.nearTimer = setTimeout(again, Math.min(8000, Math.max(600, eta * Math.pow(1.5, st.nearAsks.n))));
  }, wait);
}

// A payload from the server: keep its clips; show it unless the user has moved on since.
function receive(st, data) {
  const tune = data.tune;
  if (!tune || !Array.isArray(tune.sliders)) { if (data.pos != null) showClip(st, data); return; }
  const { near, ...rest } = data;
  for (const [k, c] of near || []) cachePut(tune.ctx + "#" + k, c);
  let own = rest;
  if (data.held) {  // the answer to "near": the clip itself was left out, this browser holds it
    own = cacheGet(tune.ctx + "#" + tune.key);
    if (!own || own.sig !== data.sig) {  // not the same copy: ask again, without it
      CLIPS.delete(tune.ctx + "#" + tune.key);
      if (st.setTrigger) st.setTrigger("near", { key: tune.key, ctx: tune.ctx, have: heldKeys(tune.ctx) });
      return;
    }
  } else {
    cachePut(tune.ctx + "#" + tune.key, own);
  }
  // the user's choice has been answered, or the page has changed under it (e.g. a new sampler)
  if (st.pending && (st.pending.key === tune.key || st.pending.ctx !== tune.ctx)) st.pending = null;
  const stale = tunePending(st);  // a newer choice is on its way: keep showing it
  setTune(st, tune);
  clearTimeout(st.staleTimer);
  if (!stale) {
    showClip(st, own);
    st.shownKey = tune.key;
    setWaiting(st, false);
  } else {
    // if that choice is never answered, this answer stands once the choice has expired
    st.staleTimer = setTimeout(() => { if (st.alive && st.lastData === data) receive(st, data); },
                               PENDING_MS - (performance.now() - st.pending.at) + 20);
  }
  setAttr(st, "data-tune", tune.key);
  setAttr(st, "data-tune-shown", st.shownKey || "");
  setAttr(st, "data-sig", data.sig || "");
  setAttr(st, "data-sig-shown", (st.clip && st.clip.sig) || "");
  setAttr(st, "data-near", String(neighbourKeys(st).filter((k) => CLIPS.has(tune.ctx + "#" + k)).length));
  scheduleNear(st, data);
}

// ------------------------------------------------------------------------------ entry
function setData(st, data) {
  const prevId = st.clip ? st.clip.id : null;
  const clip = decodeClip(data);
  const sameClip = prevId != null && clip.id === prevId;
  // The picture of the landscape depends on the grid alone: a new step size keeps it.
  const g = data.grid || {};
  const gridKey = [g.q, g.nx, g.ny, g.vmin, g.vmax, g.log, clip.levels].join("|");
  if (gridKey !== st.gridKey || !st.heat) {
    st.heat = heatImage(clip.grid);
    st.contours = contourSegments(clip.grid.q, clip.grid.nx, clip.grid.ny, clip.levels);
    st.gridKey = gridKey;
  }
  if (st.dataSpeed !== clip.speed || !st.userSpeed) {
    st.speed = Math.max(SPEED_MIN, Math.min(SPEED_MAX, clip.speed));
    st.userSpeed = false;
  }
  st.dataSpeed = clip.speed;
  st.clip = clip;
  st.shown = {};
  st.ui.legend.innerHTML = legendHtml(clip);
  if (!sameClip) {
    st.waitingForRest = false;
    st.step = 0;
    st.playing = false;
    if (clip.autoplay && clip.N > 0) play(st);
  } else {
    st.step = Math.min(st.step, clip.N);
    if (st.waitingForRest && clip.N > st.step) play(st);
  }
  // A new box, axis labels or landscape: lay out and redraw the background; otherwise (e.g.
  // only the step size changed) keep it and only start the paths again.
  const lab = clip.labels;
  const bgKey = [gridKey, clip.box.join(","), lab.colorbar, lab.x_axis, lab.y_axis].join("#");
  if (bgKey !== st.bgKey) {
    st.layoutDirty = true;
    st.bgKey = bgKey;
  } else {
    st.trailStep = -1;
  }
  st.needRender = true;
  updateControls(st);
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let st = STATES.get(parentElement);
  if (!st || !st.alive) {
    st = createState(parentElement);
    STATES.set(parentElement, st);
  }
  st.setTrigger = setTriggerValue;
  const gen = ++st.gen;
  if (data && (data.pos != null || data.held)) {
    if (data !== st.lastData) {
      st.lastData = data;
      receive(st, data);
    } else {
      st.layoutDirty = true;  // e.g. a theme change: redraw with the new colours
    }
  }
  if (st.clip && (!st.playing || st.needRender)) {
    // draw right away when laid out (a new clip too, even if it autoplays: its first frame
    // should not wait for the next animation frame), so data-rendered means "the picture is there"
    if (st.raf != null) { cancelAnimationFrame(st.raf); st.raf = null; }
    draw(st);
    updateControls(st);
  }
  requestDraw(st);
  // Streamlit keeps only the latest cleanup and runs it on unmount; an older one may
  // still be called in a race, so only the newest generation tears down.
  return () => { if (st.gen === gen) destroy(st); };
}
"""

_COMPONENT = None


def _component():
    global _COMPONENT
    if _COMPONENT is None:
        import streamlit as st

        _COMPONENT = st.components.v2.component(
            "ebm_lab.chain_canvas", css=_CSS, js=_JS, isolate_styles=True
        )
    return _COMPONENT


def _noop() -> None:
    pass


def chain_canvas(data: dict, *, key: str, height: int = 560, on_tune=None, on_near=None):
    """Mount the chain player.  ``data`` comes from :func:`pack_clip` (plus, optionally, the
    page's ``tune`` / ``near`` / ``missing`` / ``eta_ms``: see the module docstring).

    Returns Streamlit's ``ComponentResult``: ``result.click`` is ``[x, y]`` in data coordinates
    on the script run triggered by a click on the plot, ``result.tune`` the ``{name: value}``
    chosen on the in-picture sliders (``on_tune`` is called first, before the script runs), and
    ``result.near`` = ``{"key": …, "have": [keys held]}`` when the browser asks for the clips
    one notch away (``on_near`` is called first; else ``None``).
    """
    return _component()(
        key=key,
        data=data,
        height=int(height),
        width="stretch",
        on_click_change=_noop,
        on_tune_change=on_tune or _noop,
        on_near_change=on_near or _noop,
    )
