"""The tiny-RBM lab: exact gradient, exact E[CD-k], and CD-k's bias shrinking with k (Theorem 1).

Monte-Carlo checks use z-scores (difference / standard error over independent runs); a
threshold of 4.5 over 49 parameters has a false-alarm probability below 1e-3, and the seeds
are fixed.
"""

import itertools
import math

import pytest
import torch

from ebm_core.rbm import lab

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def tiny():
    return lab.make_lab(side=3, n_hidden=4, seed=0, train_steps=300, lr=1.0)


def test_bars_and_stripes():
    d = lab.bars_and_stripes(3)
    assert d.shape == (14, 9) and len({tuple(r.tolist()) for r in d}) == 14
    for r in d.reshape(14, 3, 3):
        rows_const = bool((r == r[:, :1]).all())
        cols_const = bool((r == r[:1, :]).all())
        assert rows_const or cols_const
    assert lab.bars_and_stripes(2).shape == (6, 4)


def test_exact_gradient_equals_autograd_of_the_brute_force_likelihood(tiny):
    rbm, data = tiny
    W, b, c = (t.clone().requires_grad_(True) for t in (rbm.W, rbm.b, rbm.c))
    V = torch.tensor(list(itertools.product([0.0, 1.0], repeat=9)), dtype=torch.float64)
    H = torch.tensor(list(itertools.product([0.0, 1.0], repeat=4)), dtype=torch.float64)
    # log p(v) = log Σ_h e^{−E(v,h)} − log Σ_{v,h} e^{−E(v,h)}, E written out, every state enumerated.
    neg_e = lambda v: (v @ b)[:, None] + (H @ c)[None, :] + (v @ W) @ H.T  # noqa: E731
    ll = torch.logsumexp(neg_e(data), 1).mean() - torch.logsumexp(neg_e(V).reshape(-1), 0)
    ll.backward()
    g = lab.exact_gradient(rbm, data)
    for name, t in (("W", W), ("b", b), ("c", c)):
        torch.testing.assert_close(g[name], t.grad, atol=1e-10, rtol=0)
    assert lab.exact_log_likelihood(rbm, data) == pytest.approx(float(ll.detach()), abs=1e-10)


def test_transition_matrix_is_one_block_gibbs_step(tiny):
    rbm, _ = tiny
    T = lab.transition_matrix(rbm)
    p = lab.model_distribution(rbm)
    torch.testing.assert_close(T.sum(1), torch.ones(512, dtype=torch.float64), atol=1e-12, rtol=0)
    torch.testing.assert_close(p @ T, p, atol=1e-12, rtol=0)  # p(v) is stationary
    # One entry written out: Σ_h p(h|v) p(v'|h).
    V, H = lab.all_states(9), lab.all_states(4)
    v, w = V[37], V[300]
    ph, total = rbm.p_h(v[None])[0], 0.0
    for h in H:
        p_h = torch.prod(torch.where(h == 1, ph, 1 - ph))
        pv = rbm.p_v(h[None])[0]
        total += float(p_h * torch.prod(torch.where(w == 1, pv, 1 - pv)))
    assert float(T[37, 300]) == pytest.approx(total, abs=1e-14)
    assert 0 < lab.mixing_rate(T, p) < 1


def test_theorem_1_bias_is_the_expected_log_likelihood_gradient_at_v_k(tiny):
    """∇ − E[CD_k] = E_{v⁽ᵏ⁾|v⁽⁰⁾}[∂ log p(v⁽ᵏ⁾)/∂θ] (averaged over the data), → 0 as k → ∞."""
    rbm, data = tiny
    T = lab.transition_matrix(rbm)
    grad = lab.flat(lab.exact_gradient(rbm, data))
    V = lab.all_states(9)
    st = lab.stats(rbm, V)
    S = torch.cat([st[key].reshape(512, -1) for key in lab.PARAMS], 1)  # sufficient statistics per state
    per_state = S - lab.model_distribution(rbm) @ S  # ∂ log p(v)/∂θ = stats(v) − E_p[stats]
    start = torch.zeros(14, 512, dtype=torch.float64)
    start[torch.arange(14), lab.state_index(data)] = 1
    for k in (1, 5):
        dist = (start @ torch.linalg.matrix_power(T, k)).mean(0)
        third_term = dist @ per_state
        torch.testing.assert_close(grad - lab.flat(lab.expected_cd_gradient(rbm, data, k, T)), third_term,
                                   atol=1e-12, rtol=0)
    torch.testing.assert_close(lab.flat(lab.expected_cd_gradient(rbm, data, 3000, T)), grad, atol=1e-9, rtol=0)


def test_the_trainers_cd_sampling_matches_the_exact_expectation(tiny):
    """Mean of 4,000 CD-k estimates (the trainer's negative_phase) = exact E[CD_k], |z| < 4.5."""
    rbm, data = tiny
    g = torch.Generator().manual_seed(0)
    for k in (1, 5):
        est = lab.cd_estimates(rbm, data, k, 4000, g)
        se = est.std(0) / math.sqrt(est.shape[0])
        expected = lab.flat(lab.expected_cd_gradient(rbm, data, k))
        z = (est.mean(0) - expected).abs() / se
        assert float(z.max()) < 4.5, (k, float(z.max()))


def test_cd25_is_less_biased_than_cd1_beyond_monte_carlo_error(tiny):
    rbm, data = tiny
    grad = lab.flat(lab.exact_gradient(rbm, data))
    bias = {k: lab.flat(lab.expected_cd_gradient(rbm, data, k)) - grad for k in (1, 25)}
    assert bias[25].norm() < 0.2 * bias[1].norm()  # exact: shrinks by > 5x from k = 1 to k = 25
    # Simulated: the component of (mean estimate − ∇) along CD-1's exact bias direction d.
    d = bias[1] / bias[1].norm()
    g = torch.Generator().manual_seed(1)
    proj, se = {}, {}
    for k in (1, 25):
        p = (lab.cd_estimates(rbm, data, k, 4000, g) - grad) @ d
        proj[k], se[k] = float(p.mean()), float(p.std() / math.sqrt(p.numel()))
        assert abs(proj[k] - float(bias[k] @ d)) < 4.5 * se[k]  # agrees with the exact bias
    assert proj[1] - proj[25] > 5 * math.hypot(se[1], se[25]), (proj, se)


def test_bias_curve_for_the_page(tiny):
    rbm, data = tiny
    r = lab.bias_curve(rbm, data, ks=(1, 2, 5, 10, 25), runs=500, seed=0)
    assert r["ks"] == [1, 2, 5, 10, 25] and r["runs"] == 500 and r["n_patterns"] == 14
    for key in ("exact_bias_norm", "exact_relative_bias", "exact_cosine", "mc_bias_norm", "mc_noise_norm",
                "mc_cosine", "single_run_cosine", "max_abs_z"):
        assert len(r[key]) == 5 and all(math.isfinite(x) for x in r[key])
    e = r["exact_bias_norm"]
    assert all(a > b for a, b in zip(e, e[1:]))  # the bias shrinks with every larger k
    assert r["exact_cosine"][0] < r["exact_cosine"][-1] and r["exact_cosine"][-1] > 0.99
    assert 0 < r["mixing"] < 1 and r["log_likelihood"] < 0
    assert max(r["max_abs_z"]) < 5


def test_make_lab_rejects_big_grids():
    with pytest.raises(ValueError):
        lab.make_lab(side=5)
    with pytest.raises(ValueError):
        lab.make_lab(n_hidden=0)
