"""The RBM and its CD/PCD trainer against brute-force enumeration on tiny models.

Tolerances: closed-form quantities are compared at float64 round-off (1e-10); sampled
frequencies at 5 binomial standard errors, sqrt(p(1-p)/n), per cell (a false alarm at 5σ has
probability < 1e-6 per cell, so with at most a few dozen cells the tests are deterministic in
practice, and they use fixed seeds anyway).
"""

import itertools
import math

import pytest
import torch

from ebm_core.rbm.cd import CDConfig, CDTrainer, negative_phase
from ebm_core.rbm.model import RBM, log_odds

torch.set_num_threads(1)


def tiny_rbm(n_v=5, n_h=3, seed=0, scale=1.0) -> RBM:
    g = torch.Generator().manual_seed(seed)
    return RBM.from_state({"W": torch.randn(n_v, n_h, generator=g, dtype=torch.float64) * scale,
                           "b": torch.randn(n_v, generator=g, dtype=torch.float64) * 0.5,
                           "c": torch.randn(n_h, generator=g, dtype=torch.float64) * 0.5})


def states(n) -> torch.Tensor:
    return torch.tensor(list(itertools.product([0.0, 1.0], repeat=n)), dtype=torch.float64)


def brute_energy(rbm, v, h):
    """E(v, h) = −bᵀv − cᵀh − vᵀWh written out as sums over units (independent of RBM.energy)."""
    e = 0.0
    for i in range(rbm.n_visible):
        e -= float(rbm.b[i]) * float(v[i])
        for j in range(rbm.n_hidden):
            e -= float(v[i]) * float(rbm.W[i, j]) * float(h[j])
    for j in range(rbm.n_hidden):
        e -= float(rbm.c[j]) * float(h[j])
    return e


def joint(rbm, T=1.0):
    """p_T(v, h) over all states by brute force: (2^m, 2^n) table."""
    V, H = states(rbm.n_visible), states(rbm.n_hidden)
    logp = torch.tensor([[-brute_energy(rbm, v, h) / T for h in H] for v in V], dtype=torch.float64)
    return V, H, torch.softmax(logp.reshape(-1), 0).reshape(logp.shape)


# ------------------------------------------------------------------------------ closed forms
def test_energy_matches_the_formula():
    rbm = tiny_rbm()
    V, H = states(5), states(3)
    for v in V[::3]:
        for h in H:
            assert float(rbm.energy(v[None], h[None])) == pytest.approx(brute_energy(rbm, v, h), abs=1e-12)


@pytest.mark.parametrize("T", [1.0, 0.5, 3.0])
def test_conditionals_match_enumeration(T):
    rbm = tiny_rbm()
    V, H, P = joint(rbm, T)
    # p(h_j = 1 | v) = Σ_h p(v, h) h_j / Σ_h p(v, h)
    exact_ph = (P @ H) / P.sum(1, keepdim=True)
    torch.testing.assert_close(rbm.p_h(V, T), exact_ph, atol=1e-12, rtol=0)
    exact_pv = (P.T @ V) / P.sum(0)[:, None]
    torch.testing.assert_close(rbm.p_v(H, T), exact_pv, atol=1e-12, rtol=0)


@pytest.mark.parametrize("T", [1.0, 0.7, 2.0])
def test_free_energy_is_minus_T_log_sum_over_h(T):
    rbm = tiny_rbm()
    V, H = states(5), states(3)
    exact = torch.tensor([-T * math.log(sum(math.exp(-brute_energy(rbm, v, h) / T) for h in H)) for v in V],
                         dtype=torch.float64)
    torch.testing.assert_close(rbm.free_energy(V, T), exact, atol=1e-10, rtol=0)


def test_visible_rates_set_b_to_log_odds_and_state_round_trips():
    rates = torch.tensor([0.0, 0.1, 0.5, 0.9, 1.0])
    rbm = RBM(5, 4, seed=3, init_std=0.1, visible_rates=rates)
    p = rates.clamp(1e-3, 1 - 1e-3)
    torch.testing.assert_close(rbm.b, torch.log(p / (1 - p)))
    assert torch.all(rbm.c == 0) and rbm.W.shape == (5, 4) and rbm.W.dtype == torch.float32
    assert 0.02 < float(rbm.W.std()) < 0.3
    again = RBM.from_state(rbm.state())
    for k in ("W", "b", "c"):
        assert torch.equal(getattr(again, k), getattr(rbm, k))
    assert torch.equal(RBM(5, 4, seed=3, init_std=0.1).W, rbm.W)  # the seed fixes W
    with pytest.raises(ValueError, match="inconsistent"):
        RBM.from_state({"W": torch.zeros(5, 4), "b": torch.zeros(4), "c": torch.zeros(4)})
    with pytest.raises(ValueError, match="NaN"):
        RBM.from_state({"W": torch.full((2, 2), math.nan), "b": torch.zeros(2), "c": torch.zeros(2)})
    torch.testing.assert_close(log_odds(torch.tensor([0.5])), torch.tensor([0.0]))


def test_reconstruction_is_mean_field_p_v_of_p_h():
    rbm = tiny_rbm()
    v = states(5)
    torch.testing.assert_close(rbm.reconstruct(v), torch.sigmoid(rbm.b + torch.sigmoid(rbm.c + v @ rbm.W) @ rbm.W.T))
    err = float(((v - rbm.reconstruct(v)) ** 2).mean())
    assert rbm.reconstruction_error(v) == pytest.approx(err, abs=1e-12)


def test_pseudo_log_likelihood_estimator_is_unbiased():
    rbm = tiny_rbm(scale=1.5)
    v = states(5)[[3, 17, 30]]
    # Exact PL(v) = Σ_i log σ(F(v with bit i flipped) − F(v)).
    exact = []
    for row in v:
        total = 0.0
        for i in range(5):
            f = row.clone()
            f[i] = 1 - f[i]
            total += float(torch.nn.functional.logsigmoid(rbm.free_energy(f[None]) - rbm.free_energy(row[None])))
        exact.append(total)
    # The estimator picks one random bit: its values for a row are m·log σ(ΔF_i), i uniform.
    reps = 20000
    g = torch.Generator().manual_seed(1)
    big = v.repeat(reps, 1)
    est = rbm.pseudo_log_likelihood(big, g)
    per_bit = []
    for row in v:
        vals = []
        for i in range(5):
            f = row.clone()
            f[i] = 1 - f[i]
            delta = rbm.free_energy(f[None]) - rbm.free_energy(row[None])
            vals.append(5 * float(torch.nn.functional.logsigmoid(delta)))
        per_bit.append(torch.tensor(vals).var(unbiased=False))
    se = math.sqrt(sum(per_bit) / 9 / reps)  # mean of 3 rows × reps independent draws
    assert abs(est - sum(exact) / 3) < 5 * se


# ------------------------------------------------------------------------------- sampling
def test_sample_h_frequencies_match_p_h():
    rbm = tiny_rbm()
    v = states(5)[[5, 22]].repeat(20000, 1)
    g = torch.Generator().manual_seed(0)
    p, h = rbm.sample_h(v, g)
    assert set(h.unique().tolist()) <= {0.0, 1.0}
    freq = h.reshape(20000, 2, 3).mean(0)
    p0 = p[:2]
    assert torch.all((freq - p0).abs() < 5 * torch.sqrt(p0 * (1 - p0) / 20000) + 1e-12)


@pytest.mark.parametrize("T", [1.0, 0.6])
def test_block_gibbs_reaches_the_exact_marginal(T):
    """After enough block-Gibbs steps the visible states are distributed as p_T(v) ∝ e^{−F_T(v)/T}."""
    rbm = tiny_rbm(n_v=4, n_h=3, seed=2, scale=0.8)
    V = states(4)
    exact = torch.softmax(-rbm.free_energy(V, T) / T, 0)
    n = 40000
    g = torch.Generator().manual_seed(5)
    probs, frames = rbm.sample(n, 30, g, T=T, every=10)
    assert len(frames) == 4 and frames[0].shape == (n, 4)  # start + steps 10, 20, 30
    torch.testing.assert_close(frames[-1], probs)
    # sample() returns p(v|h) of the last step; a draw from it is a draw of v.
    v = (torch.rand(probs.shape, generator=g, dtype=probs.dtype) < probs).to(probs.dtype)
    idx = (v * torch.tensor([8.0, 4.0, 2.0, 1.0], dtype=v.dtype)).sum(1).long()
    freq = torch.bincount(idx, minlength=16).double() / n
    assert torch.all((freq - exact).abs() < 5 * torch.sqrt(exact * (1 - exact) / n) + 1e-12), (freq, exact)


def test_clamp_and_fill_samples_the_conditional():
    """Clamped pixels stay put; the free ones follow p(v_free | v_clamped) exactly."""
    rbm = tiny_rbm(n_v=4, n_h=3, seed=4, scale=0.8)
    V = states(4)
    mask = torch.tensor([True, False, True, False])
    v0 = torch.tensor([1.0, 0.0, 0.0, 1.0], dtype=torch.float64)
    keep = (V[:, mask] == v0[mask]).all(1)
    cond = torch.softmax(-rbm.free_energy(V), 0) * keep
    cond = cond / cond.sum()
    n = 40000
    g = torch.Generator().manual_seed(6)
    probs, _ = rbm.sample(n, 25, g, v0=v0.expand(n, 4), clamp_mask=mask)
    assert torch.all(probs[:, mask] == v0[mask])
    v = (torch.rand(probs.shape, generator=g, dtype=probs.dtype) < probs).to(probs.dtype)
    idx = (v * torch.tensor([8.0, 4.0, 2.0, 1.0], dtype=v.dtype)).sum(1).long()
    freq = torch.bincount(idx, minlength=16).double() / n
    assert torch.all((freq - cond).abs() < 5 * torch.sqrt(cond * (1 - cond) / n) + 1e-12)


def test_sample_rejects_bad_arguments():
    rbm = tiny_rbm()
    g = torch.Generator().manual_seed(0)
    for kwargs in ({"n": 0, "gibbs_steps": 5}, {"n": 2, "gibbs_steps": 0}, {"n": 2, "gibbs_steps": 5, "T": 0.0},
                   {"n": 2, "gibbs_steps": 5, "every": 0}, {"n": 2, "gibbs_steps": 5, "clamp_mask": torch.ones(5)}):
        with pytest.raises(ValueError):
            rbm.sample(generator=g, **kwargs)


# ------------------------------------------------------------------------------ CD / PCD
def _data(n=60, seed=0):
    g = torch.Generator().manual_seed(seed)
    proto = (torch.rand(3, 12, generator=g) < 0.5).float()
    flips = (torch.rand(n, 12, generator=g) < 0.1).float()
    return (proto[torch.arange(n) % 3] + flips) % 2


def test_cd_update_follows_the_lecture_rule_with_momentum_and_decay():
    """Two updates reproduced by hand: Δθ = η ĝ − λθ (W only) + ν Δθ_prev, ĝ from Algorithm 1."""
    data = _data()
    cfg = CDConfig(n_hidden=5, k=2, lr=0.1, momentum=0.7, weight_decay=0.01, batch_size=20, epochs=1, seed=3)
    trainer = CDTrainer(RBM(12, 5, seed=1, init_std=0.1), data, cfg, monitor_size=0)
    trainer.step(1)  # draws the epoch's permutation; from here the RNG order is that of _update
    rbm = trainer.rbm
    W, b, c = rbm.W.clone(), rbm.b.clone(), rbm.c.clone()
    dW, db, dc = trainer.dW.clone(), trainer.db.clone(), trainer.dc.clone()
    g = torch.Generator()
    g.set_state(trainer.generator.get_state())
    v0 = data[trainer._perm[20:40]]
    trainer.step(1)
    # Algorithm 1 written out: h⁽ᵗ⁾ ~ p(h|v⁽ᵗ⁾), v⁽ᵗ⁺¹⁾ ~ p(v|h⁽ᵗ⁾), same random numbers.
    ref = RBM.from_state({"W": W, "b": b, "c": c})
    v = v0
    for _ in range(2):
        ph = ref.p_h(v)
        h = (torch.rand(ph.shape, generator=g) < ph).float()
        pv = ref.p_v(h)
        v = (torch.rand(pv.shape, generator=g) < pv).float()
    ph0, phk = ref.p_h(v0), ref.p_h(v)
    gW = (v0.T @ ph0 - v.T @ phk) / 20
    gb = (v0 - v).mean(0)
    gc = (ph0 - phk).mean(0)
    torch.testing.assert_close(rbm.W, W + (0.1 * gW - 0.01 * W + 0.7 * dW), atol=1e-6, rtol=0)
    torch.testing.assert_close(rbm.b, b + (0.1 * gb + 0.7 * db), atol=1e-6, rtol=0)
    torch.testing.assert_close(rbm.c, c + (0.1 * gc + 0.7 * dc), atol=1e-6, rtol=0)
    assert torch.equal(trainer.last_negatives, v)


def test_decaying_learning_rate_scales_the_whole_step_linearly():
    """lr_final: η_t falls on a straight line from η (first update) to lr_final (last), and λ with it;
    each update is the lecture's rule with (η_t, λ η_t / η), checked by hand on the third update."""
    data = _data()
    cfg = CDConfig(n_hidden=5, k=1, persistent=True, n_chains=7, lr=0.1, lr_final=0.02, momentum=0.5,
                   weight_decay=0.01, batch_size=20, epochs=2, seed=4)
    trainer = CDTrainer(RBM(12, 5, seed=0, init_std=0.1), data, cfg, monitor_size=0)
    total = trainer.total_batches  # 6: 3 per epoch
    assert trainer.lr == pytest.approx(0.1)
    trainer.step(2)
    eta = 0.1 + (0.02 - 0.1) * 2 / (total - 1)
    assert trainer.lr == pytest.approx(eta)
    rbm = trainer.rbm
    W, dW = rbm.W.clone(), trainer.dW.clone()
    g = torch.Generator()
    g.set_state(trainer.generator.get_state())
    v0, chains, ref = data[trainer._perm[40:60]], trainer.chains.clone(), rbm.copy()
    trainer.step(1)
    torch.rand((20, 5), generator=g)  # the monitoring reconstruction's h draw
    _, v, xk = negative_phase(ref, chains, 1, g)
    gW = (v0.T @ ref.p_h(v0)) / 20 - (v.T @ torch.sigmoid(xk)) / 7
    torch.testing.assert_close(rbm.W, W + eta * gW - 0.01 * (eta / 0.1) * W + 0.5 * dW, atol=1e-6, rtol=0)
    trainer.fit()
    assert trainer.updates == total and trainer.lr == pytest.approx(0.02)  # the last update used lr_final
    # lr_final = lr is the constant schedule, bit for bit
    runs = [CDTrainer(RBM(12, 5, seed=0, init_std=0.1), data, CDConfig(n_hidden=5, lr=0.1, lr_final=f, epochs=2,
                                                                      batch_size=20, seed=4), monitor_size=0)
            for f in (None, 0.1)]
    for t in runs:
        t.fit()
    assert torch.equal(runs[0].rbm.W, runs[1].rbm.W)


def test_pcd_chains_persist_across_updates_and_epochs():
    data = _data()
    cfg = CDConfig(n_hidden=5, k=1, persistent=True, n_chains=7, lr=0.05, batch_size=20, epochs=3, seed=2)
    trainer = CDTrainer(RBM(12, 5, seed=0, init_std=0.1), data, cfg, monitor_size=0)
    assert trainer.chains.shape == (7, 12)
    for _ in range(8):  # crosses two epoch boundaries (3 updates per epoch)
        before = trainer.chains.clone()
        ref = trainer.rbm.copy()
        if trainer.batch_index == 0:  # a new epoch draws its permutation first
            g = None
        else:
            g = torch.Generator()
            g.set_state(trainer.generator.get_state())
        trainer.step(1)
        assert trainer.chains.shape == (7, 12)
        if g is not None:
            # The negatives are one Gibbs step from the chains left by the previous update.
            torch.rand((20, 5), generator=g)  # the h draw of the data's monitoring reconstruction
            _, v, _ = negative_phase(ref, before, 1, g)
            assert torch.equal(trainer.chains, v)
            assert torch.equal(trainer.last_negatives, v)
    assert trainer.epoch_index == 2 and trainer.batch_index == 2
    cd = CDTrainer(RBM(12, 5, seed=0), data, CDConfig(n_hidden=5, batch_size=20, epochs=1), monitor_size=0)
    assert cd.chains is None


def test_trainer_progress_history_and_reproducibility():
    data, test = _data(60, 0), _data(30, 1)
    cfg = CDConfig(n_hidden=6, k=1, lr=0.1, batch_size=25, epochs=2, seed=9)
    t = CDTrainer(RBM(12, 6, seed=9), data, cfg, test_data=test, monitor_size=40)
    assert t.batches_per_epoch == 3 and t.progress == 0 and not t.done
    stats = t.step(2)
    assert [s["batch"] for s in stats] == [1, 2] and t.progress == pytest.approx(2 / 6)
    for key in ("recon_error", "pos_vh", "neg_vh", "free_energy_data", "free_energy_neg", "grad_W_norm"):
        assert all(math.isfinite(s[key]) for s in stats)
    hist = t.fit()
    assert t.done and t.progress == 1.0 and len(hist) == 2 and t.step(1) == []
    for key in ("recon_error", "pseudo_log_likelihood", "free_energy_gap", "test_recon_error", "seconds"):
        assert math.isfinite(hist[-1][key])
    assert hist[-1]["free_energy_gap"] == pytest.approx(hist[-1]["free_energy_test"] - hist[-1]["free_energy_train"])
    with pytest.raises(RuntimeError):
        t.epoch()
    again = CDTrainer(RBM(12, 6, seed=9), data, cfg, test_data=test, monitor_size=40)
    again.fit()
    assert torch.equal(again.rbm.W, t.rbm.W)  # same seed, same run
    other = CDTrainer(RBM(12, 6, seed=9), data, CDConfig(**{**cfg.to_dict(), "seed": 10}), monitor_size=0)
    other.fit()
    assert not torch.equal(other.rbm.W, t.rbm.W)


def test_positive_phase_statistic_is_the_mean_of_v_h():
    data = _data()
    t = CDTrainer(RBM(12, 5, seed=0, init_std=0.3), data, CDConfig(n_hidden=5, batch_size=60, epochs=1), monitor_size=0)
    ph = t.rbm.p_h(data)
    expected = float((data.T @ ph / 60).mean())
    s = t.step(1)[0]
    assert s["pos_vh"] == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("bad", [dict(k=0), dict(lr=0.0), dict(momentum=1.0), dict(batch_size=0),
                                 dict(binarization="otsu"), dict(n_chains=0), dict(epochs=1.5), dict(lr=math.nan)])
def test_config_is_range_checked(bad):
    with pytest.raises(ValueError):
        CDConfig(**bad).validate()


def test_trainer_rejects_bad_data():
    rbm = RBM(12, 5)
    with pytest.raises(ValueError, match="shape"):
        CDTrainer(rbm, torch.zeros(10, 11), CDConfig(n_hidden=5))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        CDTrainer(rbm, torch.full((10, 12), 2.0), CDConfig(n_hidden=5))
    with pytest.raises(ValueError, match="hidden"):
        CDTrainer(rbm, torch.zeros(10, 12), CDConfig(n_hidden=6))
