"""Digit pictures: PNG grids, chain GIFs and RBM filters decode to exactly the pixels intended."""

import io

import numpy as np
import pytest
import torch
from PIL import Image

from ebm_core.viz import digits
from ebm_core.viz.digits import PAD_GREY


def _decode(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def _tile(canvas: np.ndarray, i: int, ncols: int, scale: int, pad: int = 1, side: int = 28) -> np.ndarray:
    """Tile i of an upscaled grid, sampled back at one screen pixel per data pixel."""
    r, c = divmod(i, ncols)
    y0, x0 = (pad + r * (side + pad)) * scale, (pad + c * (side + pad)) * scale
    block = canvas[y0: y0 + side * scale, x0: x0 + side * scale]
    # nearest-neighbour upscaling: every scale x scale block is one constant value
    assert np.all(block == np.repeat(np.repeat(block[::scale, ::scale], scale, 0), scale, 1))
    return block[::scale, ::scale]


def test_grid_png_size_and_pixels_uint8():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(23, 784), dtype=np.uint8)
    im = _decode(digits.grid_png(x, ncols=10, scale=3, pad=1))
    assert im.format == "PNG" and im.mode == "L"
    assert im.size == ((10 * 29 + 1) * 3, (3 * 29 + 1) * 3)  # 3 rows for 23 digits
    a = np.asarray(im)
    for i in range(23):  # dark ink on white paper: value v is drawn as 255 - v
        np.testing.assert_array_equal(_tile(a, i, 10, 3), 255 - x[i].reshape(28, 28))
    assert np.all(a[:3, :] == PAD_GREY) and np.all(a[:, :3] == PAD_GREY)  # the lines around tiles
    assert np.all(_tile(a, 25, 10, 3) == PAD_GREY)  # the empty cells after the last digit


def test_grid_accepts_floats_and_torch_and_clips():
    x = np.linspace(0, 1, 784, dtype=np.float32)[None].repeat(2, 0)
    x[1, :5] = [-0.5, 1.5, np.nan, 0.25, 1.0]
    a = np.asarray(digits.grid_image(x, ncols=2, scale=1))
    np.testing.assert_array_equal(_tile(a, 0, 2, 1).ravel(), np.round(255 * (1 - x[0])).astype(np.uint8))
    assert _tile(a, 1, 2, 1).ravel()[:5].tolist() == [255, 0, 255, 191, 0]
    b = np.asarray(digits.grid_image(torch.from_numpy(x), ncols=2, scale=1))
    np.testing.assert_array_equal(a, b)
    c = np.asarray(digits.grid_image(x.reshape(2, 28, 28), ncols=2, scale=1))  # (N, 28, 28) is fine too
    np.testing.assert_array_equal(a, c)


def test_fewer_digits_than_columns_and_other_sizes():
    im = digits.grid_image(np.zeros((3, 784), np.uint8), ncols=10, scale=2, pad=2)
    assert im.size == ((3 * 30 + 2) * 2, (30 + 2) * 2)
    im = digits.grid_image(np.zeros((4, 64), np.uint8), ncols=2, scale=1, pad=0, side=8)
    assert im.size == (16, 16)


@pytest.mark.parametrize("bad", [np.zeros((2, 783)), np.zeros((0, 784))])
def test_bad_shapes_raise(bad):
    with pytest.raises(ValueError, match="784"):
        digits.grid_png(bad)
    with pytest.raises(ValueError, match="scale"):
        digits.grid_png(np.zeros((1, 784)), scale=0)


def test_chain_gif_has_every_frame_even_when_the_chain_sits_still():
    rng = np.random.default_rng(1)
    moving = [rng.random((12, 784)) for _ in range(5)]
    still = [moving[-1]] * 4  # a converged chain: identical grids
    data = digits.chain_gif(moving + still, ncols=6, scale=2, duration_ms=120, loop=0)
    im = _decode(data)
    assert im.format == "GIF" and im.n_frames == 9
    assert im.info["duration"] == 120 and im.info["loop"] == 0
    grid_w, grid_h = digits.grid_image(moving[0], ncols=6, scale=2).size
    assert im.size == (grid_w, grid_h + 2 * 2)  # plus the progress strip (2 rows, upscaled)
    for k in (0, 3, 8):
        im.seek(k)
        frame = np.asarray(im.convert("L"))
        src = (moving + still)[k]
        np.testing.assert_array_equal(frame[:grid_h], np.asarray(digits.grid_image(src, ncols=6, scale=2)))
        filled = (frame[grid_h:] == 0).all(axis=0).sum()
        assert filled == pytest.approx(grid_w * (k + 1) / 9, abs=2)  # the strip grows with the step


def test_chain_gif_without_bar_and_errors():
    f = np.random.default_rng(2).random((3, 784))
    im = _decode(digits.chain_gif([f, 1 - f], progress_bar=False, scale=1))
    assert im.n_frames == 2 and im.size == digits.grid_image(f, scale=1).size
    with pytest.raises(ValueError, match="at least one frame"):
        digits.chain_gif([])
    with pytest.raises(ValueError, match="same number"):
        digits.chain_gif([f, f[:2]])


def test_filters_png_one_tile_per_hidden_unit_each_on_its_own_range():
    rng = np.random.default_rng(3)
    W = rng.standard_normal((784, 37)) * np.linspace(0.01, 5, 37)  # very different scales per unit
    W[:, 5] = 0.7  # a flat filter
    im = _decode(digits.filters_png(torch.from_numpy(W), ncols=10, scale=2))
    assert im.size == ((10 * 29 + 1) * 2, (4 * 29 + 1) * 2)  # 37 tiles: 4 rows of 10
    a = np.asarray(im)
    for j in range(37):
        t = _tile(a, j, 10, 2).ravel()
        if j == 5:
            assert np.all(t == 128)  # no range to stretch: mid grey
            continue
        w = W[:, j]
        expected = np.round(255 * (1 - (w - w.min()) / (w.max() - w.min()))).astype(np.uint8)
        assert np.abs(t.astype(int) - expected).max() <= 1  # float32 rounding
        assert t.min() == 0 and t.max() == 255  # every filter spans the full grey range
    for j in range(37, 40):
        assert np.all(_tile(a, j, 10, 2) == PAD_GREY)
    assert _decode(digits.filters_png(W, ncols=10, scale=1, limit=12)).size == ((10 * 29 + 1), (2 * 29 + 1))
    with pytest.raises(ValueError, match="n_visible=784"):
        digits.filters_png(W.T)
