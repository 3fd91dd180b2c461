"""The fast block-Gibbs pieces (``ebm_core.rbm.gibbs``): the block uniforms are uniform, independent
and reproducible; a draw from them is Bernoulli(p); and the DBM's fast sweep (``DBM.sample``) keeps
exact samples exact. The RBM and DBN chains built on them are checked against enumeration in
test_rbm.py and test_dbn.py."""

from __future__ import annotations

import math

import torch
from scipy.stats import chi2, kstest

from ebm_core.rbm import gibbs

from tests.test_dbm import joint_table, tiny


def test_uniforms_are_uniform_on_the_float32_grid_and_independent():
    g = torch.Generator().manual_seed(0)
    u = gibbs.Uniforms(g, (400, 250), 6, block_words=300_000)  # blocks of 3 arrays: crosses a refill
    x = torch.stack([u.next().clone() for _ in range(6)]).reshape(-1).double()
    assert x.min() >= 0 and x.max() < 1
    assert torch.equal(x * 2 ** 24, torch.floor(x * 2 ** 24))  # on torch.rand's 2^-24 grid
    assert kstest(x[::7].numpy(), "uniform").pvalue > 1e-3
    # neighbours (two halves of one 64-bit draw, consecutive draws): uncorrelated within 5 s.e.
    for lag in (1, 2, 100_000):
        r = float(torch.corrcoef(torch.stack([x[:-lag], x[lag:]]))[0, 1])
        assert abs(r) < 5 / math.sqrt(x.numel()), (lag, r)


def test_uniforms_do_not_depend_on_the_block_size():
    a = gibbs.Uniforms(torch.Generator().manual_seed(3), (10, 8), 50, block_words=80)
    b = gibbs.Uniforms(torch.Generator().manual_seed(3), (10, 8), 50, block_words=1 << 20)
    for _ in range(50):
        assert torch.equal(a.next(), b.next())
    # and a different seed gives different numbers
    c = gibbs.Uniforms(torch.Generator().manual_seed(4), (10, 8), 1)
    assert not torch.equal(c.next(), gibbs.Uniforms(torch.Generator().manual_seed(3), (10, 8), 1).next())


def test_draw_is_bernoulli_p():
    g = torch.Generator().manual_seed(1)
    p = torch.tensor([0.0, 1e-3, 0.3, 0.5, 0.97, 1.0]).repeat(200_000, 1)
    s = torch.empty_like(p)
    gibbs.draw_(s, p, gibbs.Uniforms(g, tuple(p.shape), 1).next())
    assert set(s.unique().tolist()) <= {0.0, 1.0}
    freq, p0 = s.double().mean(0), p[0].double()
    se = torch.sqrt(p0 * (1 - p0) / p.shape[0])
    assert torch.all((freq - p0).abs() <= 5 * se + 1e-12), (freq, p0)


def test_conditional_is_the_tempered_sigmoid():
    g = torch.Generator().manual_seed(2)
    a, B, bias = torch.randn(5, 4, generator=g), torch.randn(4, 3, generator=g), torch.randn(3, generator=g)
    out = torch.empty(5, 3)
    for T in (1.0, 0.5, 3.0):
        torch.testing.assert_close(gibbs.conditional_(out, bias, a, B, T), torch.sigmoid((bias + a @ B) / T))


def test_dbm_fast_sweep_keeps_exact_samples_exact():
    """``DBM.sample`` (the joined, buffered sweep) for one sweep from 200,000 exact draws of the joint:
    the final (v, h¹, h²) counts follow the joint (chi-square at 99.9 %, 127 d.o.f.)."""
    d = tiny(nv=3, n1=2, n2=2, scale=1.5, seed=4)
    s, v, h1, h2, p, _ = joint_table(d)
    g = torch.Generator().manual_seed(8)
    n = 200_000
    start = torch.multinomial(p, n, replacement=True, generator=g)
    _, _, (V, H1, H2) = d.sample(n, 1, g, chains=(v[start], h1[start], h2[start]))
    code = (torch.cat([V, H1, H2], 1) * (2 ** torch.arange(s.shape[1] - 1, -1, -1, dtype=torch.float64))).sum(1)
    counts = torch.bincount(code.long(), minlength=s.shape[0]).double()
    stat = float(((counts - n * p) ** 2 / (n * p)).sum())
    assert stat < chi2.ppf(0.999, s.shape[0] - 1), stat
    # The chains it returns continue the same chain: one more sweep from them is still exact.
    _, _, (V2, H12, H22) = d.sample(n, 1, g, chains=(V, H1, H2))
    code2 = (torch.cat([V2, H12, H22], 1) * (2 ** torch.arange(s.shape[1] - 1, -1, -1, dtype=torch.float64))).sum(1)
    counts2 = torch.bincount(code2.long(), minlength=s.shape[0]).double()
    assert float(((counts2 - n * p) ** 2 / (n * p)).sum()) < chi2.ppf(0.999, s.shape[0] - 1)
