"""The toy 2D data sets: seeded, float32 (n, 2), inside their boxes, and shaped as specified."""

import math

import numpy as np
import pytest

from ebm_core.data import toy2d


@pytest.mark.parametrize("name", toy2d.NAMES)
def test_shape_dtype_box_and_determinism(name):
    a = toy2d.sample(name, 3000, seed=5)
    assert a.shape == (3000, 2) and a.dtype == np.float32
    assert toy2d.inside(a, toy2d.BOX[name]).all()
    np.testing.assert_array_equal(a, toy2d.sample(name, 3000, seed=5))  # same seed, same points
    assert not np.array_equal(a, toy2d.sample(name, 3000, seed=6))
    assert not np.array_equal(a, toy2d.sample(name, 3000, seed=5, split=1))  # held-out stream differs
    # The cloud fills a good part of its box (not collapsed, not clipped to the walls).
    x0, x1, y0, y1 = toy2d.BOX[name]
    assert a[:, 0].max() - a[:, 0].min() > 0.5 * (x1 - x0)
    assert np.abs(a).max() < max(abs(x0), x1)


def test_sizes_and_bad_requests():
    assert toy2d.sample("moons", 0).shape == (0, 2)
    with pytest.raises(KeyError):
        toy2d.sample("nope", 10)
    with pytest.raises(ValueError):
        toy2d.sample("moons", -1)
    with pytest.raises(ValueError):
        toy2d.sample("moons", 10, seed=-3)


def test_eight_gaussians_weights_and_spread():
    n = 16_000
    x = toy2d.sample("8gaussians", n, seed=1).astype(np.float64)
    c = toy2d.gauss8_centres()
    k = ((x[:, None, :] - c[None]) ** 2).sum(-1).argmin(1)
    frac = np.bincount(k, minlength=8) / n
    # Each mode has weight 1/8; binomial sd sqrt(p(1-p)/n) = 0.0026: allow 4 sd.
    np.testing.assert_allclose(frac, 1 / 8, atol=4 * math.sqrt(1 / 8 * 7 / 8 / n))
    # Within a mode each coordinate has sd σ = 0.3 (modes 1.9 apart, so nearest-centre
    # assignment barely truncates): sd of the sample variance ≈ σ² sqrt(2/n_k) per mode.
    resid = x - c[k]
    var = resid.var(axis=0)
    np.testing.assert_allclose(var, toy2d.GAUSS8_SIGMA**2, atol=4 * toy2d.GAUSS8_SIGMA**2 * math.sqrt(2 / n))


def test_checkerboard_lives_on_the_dark_squares():
    x = toy2d.sample("checkerboard", 5000, seed=2)
    i = np.floor((x[:, 0] + 3.0) / 1.5).astype(int)
    j = np.floor((x[:, 1] + 3.0) / 1.5).astype(int)
    assert ((i + j) % 2 == 0).all()
    assert set(zip(i.tolist(), j.tolist())) == {(a, b) for a in range(4) for b in range(4) if (a + b) % 2 == 0}


def test_rings_radii_and_shares():
    n = 12_000
    x = toy2d.sample("rings", n, seed=3)
    r = np.hypot(x[:, 0], x[:, 1])
    ring = np.rint(r).astype(int)
    assert set(np.unique(ring)) == {1, 2, 3}
    assert np.abs(r - ring).max() < 0.5  # noise sd 0.08: 6 sd
    # Points per ring ∝ its radius (equal density along every ring): shares 1/6, 2/6, 3/6.
    share = np.bincount(ring, minlength=4)[1:] / n
    np.testing.assert_allclose(share, [1 / 6, 2 / 6, 3 / 6], atol=4 * math.sqrt(0.25 / n))


def test_two_moons_and_spirals_are_point_symmetric_pairs():
    # Two moons: the lower moon is the upper one turned by 180° about the centre (0.5, 0.25)
    # before scaling, so the cloud is symmetric about the origin: mean ≈ 0.
    for name in ("moons", "spirals", "pinwheel", "8gaussians"):
        x = toy2d.sample(name, 20_000, seed=4).astype(np.float64)
        se = x.std(axis=0) / math.sqrt(len(x))
        assert (np.abs(x.mean(axis=0)) < 5 * se).all(), name
