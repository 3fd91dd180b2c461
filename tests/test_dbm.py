"""The DBM against brute-force enumeration on tiny models: energy and conditionals, log Z and
log p(v), mean field (fixed point, monotone bound, bound = log p(v) − KL), two-block Gibbs
leaving the exact joint invariant, AIS log Z, and the trainer's phases."""

import itertools
import math

import numpy as np
import pytest
import torch
from scipy.stats import chi2

from ebm_core.deep import dbm_likelihood
from ebm_core.deep.dbm import DBM
from ebm_core.deep.dbm_training import DBMConfig, DBMTrainer

torch.set_num_threads(1)


def tiny(nv=3, n1=3, n2=2, scale=1.0, seed=0) -> DBM:
    g = torch.Generator().manual_seed(seed)
    return DBM.from_state({
        "W1": torch.randn(nv, n1, generator=g, dtype=torch.float64) * scale,
        "W2": torch.randn(n1, n2, generator=g, dtype=torch.float64) * scale,
        "b": torch.randn(nv, generator=g, dtype=torch.float64) * 0.5,
        "c1": torch.randn(n1, generator=g, dtype=torch.float64) * 0.5,
        "c2": torch.randn(n2, generator=g, dtype=torch.float64) * 0.5,
    })


def states(n):
    return torch.tensor(list(itertools.product([0.0, 1.0], repeat=n)), dtype=torch.float64)


def joint_table(d: DBM):
    """Every (v, h1, h2) and its exact probability."""
    s = states(d.n_visible + d.n_h1 + d.n_h2)
    v, h1, h2 = s[:, :d.n_visible], s[:, d.n_visible:d.n_visible + d.n_h1], s[:, d.n_visible + d.n_h1:]
    logp = -d.energy(v, h1, h2)
    return s, v, h1, h2, torch.softmax(logp, 0), torch.logsumexp(logp, 0)


def test_energy_is_the_lecture_formula_term_by_term():
    d = tiny()
    _, v, h1, h2, _, _ = joint_table(d)
    for r in range(0, v.shape[0], 37):
        e = 0.0
        for i in range(d.n_visible):
            e -= d.b[i] * v[r, i]
            for j in range(d.n_h1):
                e -= v[r, i] * d.W1[i, j] * h1[r, j]
        for j in range(d.n_h1):
            e -= d.c1[j] * h1[r, j]
            for k in range(d.n_h2):
                e -= h1[r, j] * d.W2[j, k] * h2[r, k]
        for k in range(d.n_h2):
            e -= d.c2[k] * h2[r, k]
        assert float(d.energy(v[r:r + 1], h1[r:r + 1], h2[r:r + 1])) == pytest.approx(float(e), abs=1e-12)


def test_conditionals_match_enumeration():
    d = tiny(scale=1.5)
    s, v, h1, h2, p, _ = joint_table(d)
    nv, n1 = d.n_visible, d.n_h1
    # p(h1_j = 1 | v, h2) for every (v, h2), and p(v_i = 1 | h1), p(h2_k = 1 | h1) for every h1.
    for row in range(s.shape[0]):
        same_vh2 = (v == v[row]).all(1) & (h2 == h2[row]).all(1)
        cond = p[same_vh2] / p[same_vh2].sum()
        want = (cond[:, None] * h1[same_vh2]).sum(0)
        torch.testing.assert_close(d.p_h1(v[row:row + 1], h2[row:row + 1])[0], want, atol=1e-12, rtol=0)
        same_h1 = (h1 == h1[row]).all(1)
        cond = p[same_h1] / p[same_h1].sum()
        torch.testing.assert_close(d.p_v(h1[row:row + 1])[0], (cond[:, None] * v[same_h1]).sum(0), atol=1e-12, rtol=0)
        torch.testing.assert_close(d.p_h2(h1[row:row + 1])[0], (cond[:, None] * h2[same_h1]).sum(0), atol=1e-12, rtol=0)
        # Given h1, v and h2 are independent (one Gibbs block): p(v, h2 | h1) = p(v | h1) p(h2 | h1).
        pv, ph2 = d.p_v(h1[row:row + 1])[0], d.p_h2(h1[row:row + 1])[0]
        fact = (torch.where(v[same_h1] > 0, pv, 1 - pv).prod(1) * torch.where(h2[same_h1] > 0, ph2, 1 - ph2).prod(1))
        torch.testing.assert_close(fact, cond, atol=1e-12, rtol=0)
    assert nv + n1 == 6


def test_exact_log_z_and_log_p_against_brute_force():
    d = tiny(nv=4, n1=3, n2=3, scale=1.2, seed=3)
    s, v, h1, h2, p, log_z = joint_table(d)
    assert dbm_likelihood.exact_log_z(d) == pytest.approx(float(log_z), abs=1e-10)
    vs = states(d.n_visible)
    want = torch.stack([torch.log(p[(v == x).all(1)].sum()) for x in vs])
    torch.testing.assert_close(dbm_likelihood.exact_log_prob(d, vs), want, atol=1e-10, rtol=0)
    # The equivalent RBM [v, h2] <-> h1 has the same partition function and free energy.
    rbm = d.as_rbm()
    x = torch.cat([v, h2], 1)
    torch.testing.assert_close(rbm.free_energy(x), d.free_energy_vh2(v, h2), atol=1e-12, rtol=0)
    assert float(torch.logsumexp(-rbm.free_energy(states(d.n_visible + d.n_h2)), 0)) == pytest.approx(float(log_z), abs=1e-10)
    # ... and the other way round: visible h1, [v, h2] summed out.
    flipped = d.as_rbm(h1_visible=True)
    assert float(torch.logsumexp(-flipped.free_energy(states(d.n_h1)), 0)) == pytest.approx(float(log_z), abs=1e-10)
    logp = -d.energy(v, h1, h2)
    for hs in states(d.n_h1):  # F(h1) = -log sum over (v, h2) of e^{-E}
        sel = (h1 == hs).all(1)
        assert float(flipped.free_energy(hs[None])[0]) == pytest.approx(-float(torch.logsumexp(logp[sel], 0)), abs=1e-10)


def test_mean_field_reaches_the_fixed_point_and_the_bound_is_log_p_minus_kl():
    d = tiny(nv=5, n1=4, n2=3, scale=1.5, seed=1)
    vs = states(d.n_visible)
    mf = d.mean_field(vs, tol=1e-12, max_iter=500, record=True)
    assert mf.converged and mf.iterations == len(mf.history) - 1
    mu1, mu2 = mf.mu1, mf.mu2
    # The lecture's fixed-point equations hold at the converged means.
    torch.testing.assert_close(mu1, torch.sigmoid(vs @ d.W1 + mu2 @ d.W2.T + d.c1), atol=1e-11, rtol=0)
    torch.testing.assert_close(mu2, torch.sigmoid(mu1 @ d.W2 + d.c2), atol=1e-11, rtol=0)
    # Each block update maximises the bound over that layer: it never decreases along the way.
    bounds = torch.stack([d.elbo_unnormalised(vs, a, b) for a, b in mf.history])
    assert (bounds[1:] - bounds[:-1] >= -1e-12).all()
    # Bound = log p(v) − KL(Q || p(h1, h2 | v)), with the KL computed by enumeration.
    log_z = dbm_likelihood.exact_log_z(d)
    log_p = dbm_likelihood.exact_log_prob(d, vs, log_z)
    bound = dbm_likelihood.lower_bound(d, vs, log_z, tol=1e-12, max_iter=500)
    hs = states(d.n_h1 + d.n_h2)
    H1, H2 = hs[:, :d.n_h1], hs[:, d.n_h1:]
    for r in range(vs.shape[0]):
        vr = vs[r:r + 1].expand(hs.shape[0], -1)
        log_post = -d.energy(vr, H1, H2) - log_z - log_p[r]
        q = (torch.where(H1 > 0, mu1[r], 1 - mu1[r]).prod(1) * torch.where(H2 > 0, mu2[r], 1 - mu2[r]).prod(1))
        kl = float((q * (torch.log(q) - log_post)).sum())
        assert kl >= -1e-12
        assert float(bound[r]) == pytest.approx(float(log_p[r]) - kl, abs=1e-9)
    assert (bound <= log_p + 1e-12).all()
    assert float((log_p - bound).max()) > 1e-3  # and the bound is not trivially tight here


def test_mean_field_records_a_decreasing_convergence_trace():
    d = tiny(nv=6, n1=5, n2=4, scale=0.5, seed=2)
    mf = d.mean_field(states(6)[:10], tol=1e-6, max_iter=100, record=True)
    assert mf.converged and mf.deltas[-1] < 1e-6 <= mf.deltas[-2]
    # With weak weights mean field is a contraction: the changes shrink geometrically.
    assert all(b <= a + 1e-15 for a, b in zip(mf.deltas, mf.deltas[1:]))
    capped = d.mean_field(states(6)[:10], tol=1e-30, max_iter=3)
    assert not capped.converged and capped.iterations == 3


def _kernel(d: DBM, sweep_order: str) -> tuple[torch.Tensor, torch.Tensor]:
    """The exact transition matrix K[a, b] of one sweep on the tiny joint state space."""
    s, v, h1, h2, p, _ = joint_table(d)

    def log_bern(x, probs):  # log P(x_b | probs_a) for every pair (a, b): (n, n)
        return torch.log(probs) @ x.T + torch.log1p(-probs) @ (1 - x).T

    block1 = log_bern(v, d.p_v(h1)) + log_bern(h2, d.p_h2(h1))  # {v, h2} drawn given the old h1
    if sweep_order == "two-block":  # then h1 given the NEW {v, h2}: the engine's sweep
        block2 = torch.log(torch.where(h1 > 0, d.p_h1(v, h2), 1 - d.p_h1(v, h2))).sum(1)[None, :]
    else:  # every layer at once from the old state: not a Gibbs sampler of p
        block2 = log_bern(h1, d.p_h1(v, h2))
    K = torch.exp(block1 + block2)
    assert torch.allclose(K.sum(1), torch.ones(len(p), dtype=torch.float64))
    return K, p


def test_two_block_gibbs_leaves_the_exact_joint_invariant():
    d = tiny(nv=3, n1=2, n2=2, scale=1.5, seed=4)
    K, p = _kernel(d, "two-block")
    torch.testing.assert_close(p @ K, p, atol=1e-14, rtol=0)
    K_bad, _ = _kernel(d, "synchronous")
    assert float((p @ K_bad - p).abs().max()) > 1e-3  # the check can tell a wrong sampler


def test_gibbs_sweep_code_keeps_exact_samples_exact():
    """The engine's ``gibbs_sweep`` on 200,000 chains started from the exact joint: after one sweep
    the state counts follow the joint (chi-square test at the 99.9 % quantile, 127 degrees of freedom)."""
    d = tiny(nv=3, n1=2, n2=2, scale=1.5, seed=4)
    s, v, h1, h2, p, _ = joint_table(d)
    g = torch.Generator().manual_seed(7)
    n = 200_000
    start = torch.multinomial(p, n, replacement=True, generator=g)
    V, H1, H2, _ = d.gibbs_sweep(v[start], h1[start], h2[start], g)
    code = (torch.cat([V, H1, H2], 1) * (2 ** torch.arange(s.shape[1] - 1, -1, -1, dtype=torch.float64))).sum(1)
    counts = torch.bincount(code.long(), minlength=s.shape[0]).double()
    stat = float(((counts - n * p) ** 2 / (n * p)).sum())
    assert stat < chi2.ppf(0.999, s.shape[0] - 1), stat
    # The same test rejects the synchronous update (every layer from the old state).
    Vb = torch.bernoulli(d.p_v(h1[start]), generator=g)
    H2b = torch.bernoulli(d.p_h2(h1[start]), generator=g)
    H1b = torch.bernoulli(d.p_h1(v[start], h2[start]), generator=g)
    code_b = (torch.cat([Vb, H1b, H2b], 1) * (2 ** torch.arange(s.shape[1] - 1, -1, -1, dtype=torch.float64))).sum(1)
    counts_b = torch.bincount(code_b.long(), minlength=s.shape[0]).double()
    assert float(((counts_b - n * p) ** 2 / (n * p)).sum()) > 10 * chi2.ppf(0.999, s.shape[0] - 1)


def test_sample_frames_and_temperature():
    d = tiny(nv=6, n1=4, n2=3)
    g = torch.Generator().manual_seed(0)
    pv, frames, (v, h1, h2) = d.sample(5, 10, g, every=3)
    assert pv.shape == (5, 6) and len(frames) == 1 + 4  # start, sweeps 3, 6, 9, and the last (10)
    torch.testing.assert_close(frames[-1], pv)
    assert set(v.unique().tolist()) <= {0.0, 1.0}
    # At a high temperature every conditional flattens towards ½.
    hot = d.p_v(h1, T=100.0)
    assert float((hot - 0.5).abs().max()) < 0.1
    with pytest.raises(ValueError):
        d.sample(5, 0, g)


def test_state_round_trip_and_validation():
    d = DBM(784, 20, 10, seed=3)
    e = DBM.from_state(d.state())
    for k in ("W1", "W2", "b", "c1", "c2"):
        assert torch.equal(getattr(d, k), getattr(e, k))
    bad = d.state()
    bad["W2"] = torch.zeros(19, 10)
    with pytest.raises(ValueError, match="inconsistent"):
        DBM.from_state(bad)
    bad = d.state()
    bad["c1"][0] = float("nan")
    with pytest.raises(ValueError, match="NaN"):
        DBM.from_state(bad)


def test_ais_log_z_matches_exact_on_a_small_dbm():
    d = tiny(nv=16, n1=10, n2=8, scale=1.0, seed=5)
    exact = dbm_likelihood.exact_log_z(d)  # ≈ 41.76
    res = dbm_likelihood.ais_log_z(d, runs=200, betas=2000, generator=torch.Generator().manual_seed(0))
    assert "{v, h²} summed out" in res.method
    # The band is log(Ẑ ± 3 standard errors of the mean importance weight over the 200 runs).
    assert res.log_z_low <= exact <= res.log_z_high, (res, exact)
    assert abs(res.log_z - exact) < 0.1 and res.log_z_high - res.log_z_low < 0.3


def test_dbm_bound_protocol_on_a_small_dbm():
    """dbm_bound: AIS band around the exact log Z, the bound below the exact mean log p(v) on the same
    digits, the test bracket from the band, n_eval subsets, stages reported in order, ranges checked."""
    d = tiny(nv=16, n1=10, n2=8, scale=1.0, seed=5)
    g = torch.Generator().manual_seed(2)
    train = (torch.rand(300, 16, generator=g) < 0.4).double()
    test = (torch.rand(200, 16, generator=g) < 0.4).double()
    stages = []
    b = dbm_likelihood.dbm_bound(d, train, test, runs=100, betas=1000, seed=0, progress=lambda f, s: stages.append((f, s)))
    exact = dbm_likelihood.exact_log_z(d)
    assert b.log_z_low <= exact <= b.log_z_high and abs(b.log_z - exact) < 0.1
    assert b.test <= float(dbm_likelihood.exact_log_prob(d, test, exact).mean()) + 0.1  # a lower bound (up to log Z's error)
    assert b.test == pytest.approx(float(dbm_likelihood.lower_bound(d, test, b.log_z).mean()), abs=0)
    assert (b.test_low, b.test_high) == (b.test + b.log_z - b.log_z_high, b.test + b.log_z - b.log_z_low)
    assert (b.n_train, b.n_test, b.runs, b.betas) == (300, 200, 100, 1000) and not b.low_ess
    assert [s for _, s in stages][0] == "rates" and stages[-1] == (1.0, "bound") and "ais" in {s for _, s in stages}
    assert [f for f, _ in stages] == sorted(f for f, _ in stages)
    again = dbm_likelihood.dbm_bound(d, train, test, runs=100, betas=1000, seed=0)
    assert (again.log_z, again.test, again.train) == (b.log_z, b.test, b.train)  # same seed, same numbers
    sub = dbm_likelihood.dbm_bound(d, train, test, runs=10, betas=100, seed=0, n_eval=50)
    x50, t50 = dbm_likelihood.bound_data(train, test, 50)
    assert (sub.n_train, sub.n_test) == (50, 50) and torch.equal(t50, test[:50])
    assert not torch.equal(x50, train[:50]) and x50.shape == (50, 16)  # a random subset: files may be sorted
    with pytest.raises(ValueError, match="runs"):
        dbm_likelihood.dbm_bound(d, train, test, runs=1, betas=100)
    with pytest.raises(ValueError, match="betas"):
        dbm_likelihood.dbm_bound(d, train, test, runs=10, betas=2)


def test_configs_declare_their_ranges():
    from ebm_core.deep.dbn import DBNConfig
    from ebm_core.ranges import ranges

    r = ranges(DBMConfig)
    assert set(r) >= {"n_h1", "n_h2", "epochs", "lr", "momentum", "n_chains", "gibbs_steps", "mf_tol", "seed"}
    assert set(ranges(DBNConfig)) >= {"epochs", "finetune_epochs", "lr", "top_k", "finetune_lr", "seed"}
    for name, rng in r.items():  # the defaults are allowed, one past an end is not
        assert rng.ok(getattr(DBMConfig(), name))
        with pytest.raises(ValueError, match=name):
            DBMConfig(**{name: rng.hi + (1 if rng.integer else 1e-3 * max(1.0, abs(rng.hi)))}).check()


# ------------------------------------------------------------------------------------------ training
PATTERNS = torch.tensor([[1, 1, 1, 0, 0, 0, 0, 0, 0], [0, 0, 0, 1, 1, 1, 0, 0, 0], [0, 0, 0, 0, 0, 0, 1, 1, 1],
                         [1, 0, 0, 1, 0, 0, 1, 0, 0], [0, 1, 0, 0, 1, 0, 0, 1, 0], [0, 0, 1, 0, 0, 1, 0, 0, 1]],
                        dtype=torch.float64)


def test_greedy_pretraining_alone_gives_a_much_better_dbm():
    data = PATTERNS.repeat(20, 1)  # 120 rows, six 3x3 bar patterns
    d = DBM(9, 8, 4, seed=0, dtype=torch.float64, visible_rates=data.mean(0))
    start = float(dbm_likelihood.exact_log_prob(d, PATTERNS).mean())
    cfg = DBMConfig(n_h1=8, n_h2=4, pretrain_epochs=30, epochs=0, pretrain_lr=0.1, momentum=0.9, batch_size=20,
                    seed=0, weight_decay=0.0)
    t = DBMTrainer(d, data, cfg)
    phases = [r["phase"] for r in t.step(10_000)]
    assert t.done and t.progress == 1.0 and phases == ["pretrain1"] * 180 + ["pretrain2"] * 180
    after = float(dbm_likelihood.exact_log_prob(d, PATTERNS).mean())
    # Six equally likely patterns would give log 1/6 = −1.79 per pattern; the start, with the
    # data's pixel rates as visible biases, −5.7. The composed pair of RBMs is a good DBM already.
    assert start < -5.5 and after > -2.6, (start, after)


def test_algorithm_20_1_raises_the_exact_likelihood():
    data = PATTERNS.repeat(20, 1)
    d = DBM(9, 8, 4, seed=0, init_std=0.1, dtype=torch.float64, visible_rates=data.mean(0))
    start = float(dbm_likelihood.exact_log_prob(d, PATTERNS).mean())
    cfg = DBMConfig(n_h1=8, n_h2=4, pretrain_epochs=0, epochs=300, lr=0.05, momentum=0.5, batch_size=20,
                    n_chains=50, gibbs_steps=1, seed=0, weight_decay=0.0)
    t = DBMTrainer(d, data, cfg)
    assert t.phase == "joint"
    t.fit()
    assert len(t.epochs_log) == 300 and {e["phase"] for e in t.epochs_log} == {"joint"}
    assert all(e["mf_converged"] > 0.99 for e in t.epochs_log)  # mean field reached its tolerance
    after = float(dbm_likelihood.exact_log_prob(d, PATTERNS).mean())
    # Mean field for the data term, persistent chains for the model term: the true log-likelihood
    # (enumerated) climbs by over 2 nats (PCD is noisy here: the six modes are far apart).
    assert after > start + 2.0 and after > -3.0, (start, after)


def test_pretraining_uses_doubled_inputs_and_composes_by_averaging():
    data = PATTERNS.repeat(5, 1)
    d = DBM(9, 5, 3, seed=1, dtype=torch.float64)
    cfg = DBMConfig(n_h1=5, n_h2=3, pretrain_epochs=2, epochs=1, batch_size=10, n_chains=10, seed=0)
    t = DBMTrainer(d, data, cfg)
    rbm = t._rbm
    x = data[:4]
    torch.testing.assert_close(rbm.p_hid(x), torch.sigmoid(d.c1 + 2 * x @ d.W1))  # v counted twice going up
    torch.testing.assert_close(rbm.p_vis(rbm.p_hid(x)), torch.sigmoid(d.b + rbm.p_hid(x) @ d.W1.T))
    t.step(t.n_batches * 2)
    assert t.phase == "pretrain2"
    top = t._rbm
    h = torch.rand(4, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(top.p_vis(h), torch.sigmoid(t._a + 2 * h @ d.W2.T))  # h2 counted twice going down
    t.step(t.n_batches * 2)
    assert t.phase == "joint"
    torch.testing.assert_close(d.c1, 0.5 * (t._c1_bottom + t._a))


def test_same_seed_same_model_and_extend():
    data = PATTERNS.repeat(5, 1)
    runs = []
    for _ in range(2):
        d = DBM(9, 5, 3, seed=2)
        t = DBMTrainer(d, data, DBMConfig(n_h1=5, n_h2=3, pretrain_epochs=1, epochs=2, batch_size=10, n_chains=10))
        t.fit()
        runs.append((d, t))
    for k in ("W1", "W2", "b", "c1", "c2"):
        assert torch.equal(getattr(runs[0][0], k), getattr(runs[1][0], k))
    d, t = runs[0]
    assert t.done
    t.extend(2)
    assert not t.done and t.phase == "joint" and t.progress < 1
    t.fit()
    assert t.done and len([e for e in t.epochs_log if e["phase"] == "joint"]) == 4
    with pytest.raises(ValueError):
        DBMConfig(n_h1=0).check()
    with pytest.raises(ValueError):
        DBMConfig(lr=math.nan).check()


def test_anneal_epochs_lower_the_learning_rate_linearly_to_zero_at_the_end():
    """--anneal-epochs N: η untouched until the last N joint epochs, then (updates left)/(window) per update."""
    data = PATTERNS.repeat(5, 1)  # 30 rows, 3 batches of 10
    runs = []
    for anneal in (0, 2):
        d = DBM(9, 5, 3, seed=2)
        t = DBMTrainer(d, data, DBMConfig(n_h1=5, n_h2=3, pretrain_epochs=1, epochs=3, anneal_epochs=anneal,
                                          batch_size=10, n_chains=10))
        factors, params = [], []
        while not t.done:
            factors.append(t._anneal_factor() if t.phase == "joint" else None)
            t.step(1)
            params.append(torch.cat([getattr(d, k).reshape(-1) for k in ("W1", "W2", "b", "c1", "c2")]))
        runs.append((factors, params))
    (f0, p0), (f2, p2) = runs
    assert f0[-9:] == [1.0] * 9 and f2[-9:] == [1.0] * 3 + [6 / 6, 5 / 6, 4 / 6, 3 / 6, 2 / 6, 1 / 6]
    # The same seed: identical until the window opens (6 pretraining updates and the first joint epoch) ...
    assert all(torch.equal(a, b) for a, b in zip(p0[:10], p2[:10]))
    # ... and apart from there on.
    assert not torch.equal(p0[-1], p2[-1])
    with pytest.raises(ValueError):
        DBMConfig(anneal_epochs=-1).check()


def test_mean_field_pictures():
    from ebm_core.viz import deep as V

    assert V.square_shape(500) == (20, 25) and V.square_shape(784) == (28, 28) and V.square_shape(7) == (1, 7)
    d = DBM(784, 500, 300, seed=0)
    v = (torch.rand(1, 784, generator=torch.Generator().manual_seed(0)) < 0.2).float()
    mf = d.mean_field(v, tol=0.0, max_iter=12, record=True)  # exactly 12 iterations
    hist = [(a[0], b[0]) for a, b in mf.history]
    rows, picks = V.mean_field_rows(v[0], hist, lambda mu1: d.p_v(mu1[None])[0], max_cols=8)
    assert picks == [0, 1, 2, 3, 4, 5, 6, 12]  # the first iterations and the last
    assert [len(r) for r in rows] == [1, 8, 8, 8]
    assert rows[2][0].shape == (20, 25) and rows[3][0].shape == (15, 20)
    img = V.activity_image(rows, scale=2, pad=1)
    # Columns as wide as their widest tile (28), rows as tall as their tallest: 28, 28, 20, 15.
    assert img.size == (8 * (28 * 2 + 1) + 1, (28 + 28 + 20 + 15) * 2 + 4 * 1 + 1)
    a = torch.from_numpy(np.asarray(img).astype(np.int64))
    np_v = v[0].reshape(28, 28)
    # The data digit: ink (1) is black (0), paper white (255), upscaled by 2.
    assert torch.equal(a[1:57:2, 1:57:2], (255 * (1 - np_v)).round().long())
