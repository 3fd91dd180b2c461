"""The Foundations page's mathematics against exact answers (ebm_core.foundations)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from ebm_core.foundations import classifier as C
from ebm_core.foundations import kl_fit as K
from ebm_core.foundations import markov as MK
from ebm_core.foundations import monte_carlo as MC
from ebm_core.foundations import volume as V
from ebm_core.landscapes.energies import Energy2D, get_energy

torch.set_num_threads(1)

# --- plain Monte Carlo vs MCMC ---------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_iid_and_chain_estimates_within_4_mcse_of_the_grid(seed):
    energy = get_energy("gaussian")
    c = MC.compare(energy, 1.0, lambda x, y: x**2, n=2000, m=200, step_size=0.8, seed=seed)
    assert abs(c.exact - 1.0) < 1e-3  # E[x²] = 1 for the unit-variance Gaussian
    assert abs(c.z(c.iid)) < 4 and abs(c.z(c.chain)) < 4
    assert c.iid.ess == 2000 and c.chain.ess < 2000  # correlated draws are worth fewer
    assert c.chain.mcse > c.iid.mcse
    assert c.iid.n == c.chain.n == 2000 and c.burn_in_path.shape == (201, 2)


def test_iid_mcse_is_the_spread_of_the_estimate_over_seeds():
    from ebm_core.mcmc import ensemble

    cells = ensemble.cell_masses(get_energy("mixture"), 1.0, bins=50)  # the sampler ``compare`` draws with
    gen = torch.Generator().manual_seed(0)
    draws = [cells.exact_sample(400, gen).numpy() for _ in range(40)]
    est = [MC.iid_estimate(d[:, 0], d) for d in draws]
    sd = np.std([e.estimate for e in est], ddof=1)
    mean_mcse = np.mean([e.mcse for e in est])
    assert 0.7 < sd / mean_mcse < 1.4  # 40 seeds: the ratio's sd is about 0.11


# --- Markov chains ---------------------------------------------------------------------------


def test_rows_are_range_checked_and_renormalised():
    P, notes = MK.normalise_rows([[2, 2, 0], [-1, 1, float("nan")], [0, 0, 0]])
    assert np.allclose(P, [[0.5, 0.5, 0], [0, 1, 0], [1 / 3] * 3])
    assert (0, "renormalised") in notes and (1, "negative") in notes and (2, "zero_row") in notes


def test_pi_pt_converges_to_the_eigenvector_at_rate_lambda2():
    P = np.array([[0.5, 0.3, 0.2], [0.2, 0.6, 0.2], [0.1, 0.3, 0.6]])
    st = MK.stationary(P)
    assert st.unique and not st.periodic
    assert np.allclose(st.pi @ P, st.pi, atol=1e-12) and abs(st.pi.sum() - 1) < 1e-12
    path = MK.evolve([1, 0, 0], P, 60)
    err = MK.tv(path, st.pi)
    assert err[-1] < 1e-8 and err[-1] < err[10] < err[0]
    assert err[25] / err[24] == pytest.approx(st.lambda2, rel=0.02)  # geometric, |λ₂|ᵗ


def test_detailed_balance_holds_for_a_metropolis_chain_and_fails_for_a_cycle():
    target = np.array([0.2, 0.3, 0.5])  # Metropolis with a uniform proposal: reversible w.r.t. target
    P = np.array([[min(1, target[j] / target[i]) / 3 if i != j else 0 for j in range(3)] for i in range(3)])
    P[np.diag_indices(3)] = 1 - P.sum(1)
    st = MK.stationary(P)
    assert np.allclose(st.pi, target) and MK.reversible(P, st.pi)
    cyc = np.array([[0.1, 0.8, 0.1], [0.1, 0.1, 0.8], [0.8, 0.1, 0.1]])  # stationary π uniform, flows go round
    st = MK.stationary(cyc)
    assert np.allclose(st.pi, 1 / 3) and not MK.reversible(cyc, st.pi)
    assert MK.balance_gap(cyc, st.pi) == pytest.approx((0.8 - 0.1) / 3)


def test_a_periodic_chain_has_pi_but_never_reaches_it():
    P = np.array([[0.0, 1, 0], [0, 0, 1], [1, 0, 0]])
    st = MK.stationary(P)
    assert st.periodic and np.allclose(st.pi, 1 / 3)
    assert MK.tv(MK.evolve([1, 0, 0], P, 30)[-1], st.pi) == pytest.approx(2 / 3)


# --- KL and maximum likelihood ---------------------------------------------------------------


@pytest.fixture(scope="module")
def mixture_grid():
    return K.grid_target(get_energy("mixture"), 1.0)


def test_forward_kl_by_adam_lands_on_the_moments(mixture_grid):
    t = mixture_grid
    fit = K.adam_fit(t, "pq", (1.0, 1.0), steps=600, lr=0.05)
    assert np.allclose(fit.mean, t.mean, atol=2e-3) and np.allclose(fit.cov, t.cov, atol=5e-3)
    mm = K.moment_match(t)
    assert fit.kl_pq == pytest.approx(mm.kl_pq, abs=1e-5)
    # the mixture's exact moments: mean Σ w μ, covariance Σ w (σ²I + μμᵀ) − mean meanᵀ
    assert np.allclose(mm.mean, [0.0, -0.1], atol=1e-6) and np.allclose(np.diag(mm.cov), [2.76, 3.30], atol=1e-4)


def test_reverse_kl_seeks_one_mode_and_the_directions_disagree(mixture_grid):
    t = mixture_grid
    rev = K.adam_fit(t, "qp", (2.0, -1.0), steps=300)
    fwd = K.moment_match(t)
    assert np.allclose(rev.mean, [2.0, -1.5], atol=0.05) and np.allclose(np.diag(rev.cov), 0.36, atol=0.03)
    assert rev.kl_qp < fwd.kl_qp and fwd.kl_pq < rev.kl_pq  # each wins its own direction
    assert rev.kl_qp == pytest.approx(-math.log(0.3), abs=0.01)  # q = one component: KL = −log w


def test_on_a_gaussian_target_both_directions_find_it_exactly():
    t = K.grid_target(get_energy("gaussian"), 1.0)
    rev = K.adam_fit(t, "qp", (1.0, -1.0), steps=500)
    assert rev.kl_qp < 1e-4 and np.allclose(rev.cov, [[1, 0.9], [0.9, 1]], atol=0.01)
    assert K.moment_match(t).kl_pq < 1e-4


# --- EBM and classifiers ---------------------------------------------------------------------


def test_logistic_form_equals_the_bayes_posterior_and_z_is_exact():
    # f = −|x − m|²/2 (T = 1) and q = N(0, s² I): Z(θ) = ∫ exp(f) q dx has a closed form
    m, s = np.array([1.0, -0.5]), 2.0
    e = Energy2D("shifted", lambda x: 0.5 * ((x - torch.tensor(m, dtype=x.dtype)) ** 2).sum(-1), (-9, 9, -9, 9))
    r = C.two_class(e, 1.0, rho=0.3, s=s, n=300)
    v = s * s / (1 + s * s)  # the product's variance
    log_z = math.log(v / (s * s)) - 0.5 * (m @ m) / (1 + s * s)
    assert r.log_z == pytest.approx(log_z, abs=1e-6)
    assert r.b == pytest.approx(math.log(0.3 / 0.7) - log_z, abs=1e-6)
    assert r.max_gap < 1e-9


def test_softmax_over_minus_e_is_the_bayes_posterior_of_the_mixture():
    means, w, s = [(-2.0, -1.5), (2.0, -1.5), (0.0, 2.0)], [0.3, 0.3, 0.4], 0.6
    es = [Energy2D(f"c{k}", (lambda mu: lambda x: 0.5 * ((x - torch.tensor(mu, dtype=x.dtype)) ** 2).sum(-1) / s**2)(mu),
                   (-5, 5, -5, 5)) for k, mu in enumerate(means)]
    r = C.softmax_classes(es, w, (-5, 5, -5, 5), n=200)
    assert np.allclose(r["log_z"], math.log(2 * math.pi * s * s), atol=1e-6)
    assert r["max_gap"] < 1e-9


# --- a distribution from g ≥ 0 by its volume --------------------------------------------------


@pytest.mark.parametrize("shape", ["gaussian", "laplace"])
def test_volume_of_g_matches_the_closed_form(shape):
    v = V.volume(shape, mu=0.7, sigma=1.3, half_width=40, cells=20000)
    assert abs(v.relative_error) < 1e-5
    assert (v.p * (v.xs[1] - v.xs[0])).sum() == pytest.approx(1.0)


def test_a_heavy_tail_is_cut_by_the_grid():
    v = V.volume("cauchy", 0.0, 1.0, half_width=10, cells=20000)
    assert v.relative_error == pytest.approx(2 * math.atan(10) / math.pi - 1, abs=1e-6)
