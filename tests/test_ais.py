"""Partition functions: exact enumeration against brute force, AIS and reverse AIS against the exact value."""

import itertools
import math

import numpy as np
import pytest
import torch

from ebm_core.rbm import ais
from ebm_core.rbm.cd import CDConfig, CDTrainer
from ebm_core.data import mnist
from ebm_core.rbm.model import RBM

torch.set_num_threads(1)


def rand_rbm(n_v, n_h, seed=0, scale=1.0, dtype=torch.float64):
    g = torch.Generator().manual_seed(seed)
    return RBM.from_state({"W": torch.randn(n_v, n_h, generator=g, dtype=dtype) * scale,
                           "b": torch.randn(n_v, generator=g, dtype=dtype),
                           "c": torch.randn(n_h, generator=g, dtype=dtype)})


def brute_log_z(rbm):
    """log Σ_{v,h} e^{−E(v,h)} over every joint state, with RBM.energy (no free energy involved)."""
    V = torch.tensor(list(itertools.product([0.0, 1.0], repeat=rbm.n_visible)), dtype=torch.float64)
    H = torch.tensor(list(itertools.product([0.0, 1.0], repeat=rbm.n_hidden)), dtype=torch.float64)
    vv = V.repeat_interleave(H.shape[0], 0)
    hh = H.repeat(V.shape[0], 1)
    return float(torch.logsumexp(-rbm.energy(vv, hh), 0))


@pytest.mark.parametrize("n_v, n_h", [(6, 4), (3, 7)])  # enumerates h, then v (the smaller layer)
def test_exact_log_z_matches_brute_force(n_v, n_h):
    rbm = rand_rbm(n_v, n_h, seed=n_v)
    assert ais.exact_log_z(rbm, chunk=5) == pytest.approx(brute_log_z(rbm), abs=1e-10)
    v = torch.tensor(list(itertools.product([0.0, 1.0], repeat=n_v)))
    # the probabilities of all visible states sum to one
    lp = -rbm.free_energy(v.double()) - ais.exact_log_z(rbm)
    assert float(torch.logsumexp(lp, 0)) == pytest.approx(0.0, abs=1e-10)
    ll = ais.average_log_likelihood(rbm, v[:5], ais.exact_log_z(rbm))
    assert ll == pytest.approx(float(lp[:5].mean()), abs=1e-10)


def test_exact_log_z_refuses_big_layers():
    with pytest.raises(ValueError, match="at most 20"):
        ais.exact_log_z(RBM(784, 21))
    assert math.isfinite(ais.exact_log_z(RBM(784, 12, init_std=0.1)))


def test_beta_schedule():
    s = ais.beta_schedule(10000)
    assert s[0] == 0 and s[-1] == 1 and len(s) == 10001 and np.all(np.diff(s) > 0)
    # Salakhutdinov & Murray's proportions: most steps spent in [0.9, 1]
    assert 0.65 < np.mean(s > 0.9) < 0.72
    np.testing.assert_array_equal(ais.beta_schedule([0.0, 0.3, 1.0]), [0.0, 0.3, 1.0])
    for bad in ([0.1, 1.0], [0.0, 0.5, 0.4, 1.0], [0.0, 0.9], 2):
        with pytest.raises(ValueError):
            ais.beta_schedule(bad)


def test_base_rate_bias_is_smoothed_log_odds():
    x = torch.tensor([[1.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    rates = (x.sum(0) + 1) / 4
    torch.testing.assert_close(ais.base_rate_bias(x), torch.log(rates / (1 - rates)))


def test_ais_on_a_small_random_rbm_with_uniform_base():
    """A strongly coupled 10-8 RBM, uniform base (b_A = 0): within the 3-s.e. band, band < 0.1 wide."""
    rbm = rand_rbm(10, 8, seed=3, scale=0.7, dtype=torch.float32)
    exact = ais.exact_log_z(rbm)
    r = ais.ais_log_z(rbm, runs=500, betas=1000, generator=torch.Generator().manual_seed(0))
    assert r.base.startswith("uniform") and r.runs == 500 and r.betas == 1000 and r.log_w.shape == (500,)
    assert r.log_z_low <= exact <= r.log_z_high
    assert r.log_z_high - r.log_z_low < 0.1
    assert r.log_z == pytest.approx(exact, abs=0.05)


@pytest.fixture(scope="module")
def mnist_rbm_15():
    """784-15 RBM trained by CD-1 (3 epochs, 2,000 shipped training digits, threshold binarised)."""
    train = mnist.binarize(mnist.load("train", "shipped").images[:2000])
    test = mnist.binarize(mnist.load("test", "shipped").images[:100])
    cfg = CDConfig(n_hidden=15, k=1, lr=0.05, momentum=0.5, batch_size=20, epochs=3, seed=0)
    rbm = RBM(784, 15, seed=0, visible_rates=train.mean(0))
    CDTrainer(rbm, train, cfg, monitor_size=0).fit()
    return rbm, train, test


@pytest.mark.slow
def test_ais_within_a_tenth_of_a_nat_on_a_trained_mnist_rbm(mnist_rbm_15):
    """AIS (200 runs, 5,000 steps, base-rate base model) against log Z enumerated over 2^15 hidden states.

    The check is genuine: the estimate's own 3-standard-error band must be narrower than ±0.15
    nats (so 0.1 nats is about 2–3 standard errors, not a loose bound) and contain the exact value.
    """
    rbm, train, _ = mnist_rbm_15
    exact = ais.exact_log_z(rbm)
    r = ais.ais_log_z(rbm, runs=200, betas=5000, base_visible_bias=ais.base_rate_bias(train),
                      generator=torch.Generator().manual_seed(1))
    assert abs(r.log_z - exact) < 0.1, (r.log_z, exact)
    assert r.log_z_low <= exact <= r.log_z_high
    assert r.log_z_high - r.log_z < 0.15 and r.log_z - r.log_z_low < 0.15
    assert r.base == "base-rate model from data" and r.ess > 20


def test_reverse_ais_is_conservative_on_a_trained_mnist_rbm(mnist_rbm_15):
    """RAISE from 100 test digits: its implied log Z is not below the exact one beyond its
    Monte-Carlo error (a conservative likelihood) and not far above it."""
    rbm, train, test = mnist_rbm_15
    exact = ais.exact_log_z(rbm)
    r = ais.reverse_ais(rbm, test, betas=2000, base_visible_bias=ais.base_rate_bias(train),
                        generator=torch.Generator().manual_seed(2))
    exact_ll = ais.average_log_likelihood(rbm, test, exact)
    assert r.n == 100 and r.log_p.shape == (100,)
    assert r.implied_log_z - exact > -3 * r.implied_log_z_std_err
    assert r.implied_log_z - exact < 0.5
    assert r.avg_log_likelihood == pytest.approx(exact_ll - (r.implied_log_z - exact), abs=1e-6)
