"""Digits as pictures: a grid of 28×28 tiles as one upscaled PNG, a chain as a GIF, RBM filters.

One look everywhere: dark ink on white paper (pixel value 1 → black, 0 → white), tiles
separated by mid-grey lines. Dark-on-light reads best on a projector in a lit room, and a
sample, its data and its filters then share one colour scale. Upscaling is nearest-neighbour
(``scale`` screen pixels per data pixel), so the pixels the model sees stay crisp; the browser
must not smooth them again (st.image shows a PNG at its own size when it fits).

numpy + PIL only; images arrive as (N, 784) floats in [0, 1] or uint8 0..255, numpy or torch.
"""

from __future__ import annotations

import io
import math

import numpy as np
from PIL import Image

PAD_GREY = 128  # the lines between tiles; distinct from both ink (0) and paper (255)


def _unit(images, side: int) -> np.ndarray:
    """(N, side, side) float32 in [0, 1] from uint8 or float images, numpy or torch."""
    if hasattr(images, "detach"):
        images = images.detach().cpu().numpy()
    a = np.asarray(images)
    if a.dtype == np.uint8:
        a = a.astype(np.float32) / 255.0
    else:
        a = np.nan_to_num(a.astype(np.float32), nan=0.0)
        a = np.clip(a, 0.0, 1.0)  # chains at high temperature or means may stray; the picture clips
    if a.ndim == 1:
        a = a[None]
    if a.size % (side * side) != 0 or a.shape[0] == 0:
        raise ValueError(f"images must be (N, {side * side}) or (N, {side}, {side}) with N ≥ 1, got {a.shape}")
    return a.reshape(-1, side, side)


def _grid_array(tiles: np.ndarray, ncols: int, pad: int) -> np.ndarray:
    """uint8 greyscale canvas (before upscaling) with the tiles in row-major order."""
    n, side, _ = tiles.shape
    ncols = max(1, min(int(ncols), n))
    nrows = math.ceil(n / ncols)
    cell = side + pad
    canvas = np.full((nrows * cell + pad, ncols * cell + pad), PAD_GREY, dtype=np.uint8)
    ink = np.round(255.0 * (1.0 - tiles)).astype(np.uint8)  # dark ink on white paper
    for i in range(n):
        r, c = divmod(i, ncols)
        canvas[pad + r * cell: pad + r * cell + side, pad + c * cell: pad + c * cell + side] = ink[i]
    return canvas


def _upscale(canvas: np.ndarray, scale: int) -> np.ndarray:
    scale = int(scale)
    if scale < 1:
        raise ValueError(f"scale must be at least 1, got {scale}")
    return np.repeat(np.repeat(canvas, scale, axis=0), scale, axis=1) if scale > 1 else canvas


def grid_image(images, ncols: int = 10, scale: int = 3, pad: int = 1, side: int = 28) -> Image.Image:
    """The digits as one greyscale PIL image: ``ncols`` per row (fewer if N is smaller).

    Size: ((ncols·(side+pad)+pad)·scale) × ((nrows·(side+pad)+pad)·scale) pixels.
    """
    if pad < 0:
        raise ValueError(f"pad must be ≥ 0, got {pad}")
    return Image.fromarray(_upscale(_grid_array(_unit(images, side), ncols, pad), scale))


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def grid_png(images, ncols: int = 10, scale: int = 3, pad: int = 1, side: int = 28) -> bytes:
    """``grid_image`` as PNG bytes (for st.image and download buttons)."""
    return _png(grid_image(images, ncols, scale, pad, side))


def chain_gif(frames, ncols: int = 10, scale: int = 3, duration_ms: int = 80, loop: int = 0,
              pad: int = 1, side: int = 28, progress_bar: bool = True) -> bytes:
    """An animated GIF, one grid per frame (``frames``: a list of (N, 784) arrays, same N).

    With ``progress_bar`` a thin strip under the grid fills as the chain advances: the viewer
    sees where in the chain a frame is, and no two frames are identical (GIF writers merge
    identical consecutive frames, which would silently shorten a chain that sits still).
    ``loop=0`` repeats forever.
    """
    frames = list(frames)
    if not frames:
        raise ValueError("chain_gif needs at least one frame")
    if duration_ms < 1:
        raise ValueError(f"duration_ms must be at least 1, got {duration_ms}")
    pics = []
    n_frames = len(frames)
    for i, f in enumerate(frames):
        canvas = _grid_array(_unit(f, side), ncols, pad)
        if progress_bar:
            bar = np.full((max(2, pad + 1), canvas.shape[1]), 255, dtype=np.uint8)
            bar[:, : max(1, round(canvas.shape[1] * (i + 1) / n_frames))] = 0
            canvas = np.vstack([canvas, bar])
        pics.append(Image.fromarray(_upscale(canvas, scale)))
    if len({p.size for p in pics}) != 1:
        raise ValueError("every frame must hold the same number of digits")
    buf = io.BytesIO()
    pics[0].save(buf, format="GIF", save_all=True, append_images=pics[1:], duration=int(duration_ms),
                 loop=int(loop), disposal=1)
    return buf.getvalue()


def filters_png(W, ncols: int = 20, scale: int = 2, pad: int = 1, side: int = 28,
                limit: int | None = None) -> bytes:
    """RBM weight columns W[:, j] (W is (n_visible = side², n_hidden)) as a grid of tiles.

    Each filter is stretched to its own range (min → white, max → black), so the shape of
    every hidden unit's receptive field shows whatever its scale; dark = a large weight, i.e.
    "this unit likes ink here". ``limit`` shows only the first so many filters.
    """
    if hasattr(W, "detach"):
        W = W.detach().cpu().numpy()
    W = np.asarray(W, dtype=np.float32)
    if W.ndim != 2 or W.shape[0] != side * side:
        raise ValueError(f"W must be (n_visible={side * side}, n_hidden), got {W.shape}")
    if limit is not None:
        W = W[:, : max(1, int(limit))]
    lo, hi = W.min(axis=0), W.max(axis=0)
    span = hi - lo
    tiles = np.where(span > 0, (W - lo) / np.where(span > 0, span, 1.0), 0.5).T  # a flat filter is grey
    return _png(Image.fromarray(_upscale(_grid_array(tiles.reshape(-1, side, side), ncols, pad), scale)))
