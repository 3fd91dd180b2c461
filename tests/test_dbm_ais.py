"""The DBM's AIS with a base fitted to the data (``ebm_core.deep.dbm_ais``) against exact enumeration on a tiny
DBM: forward AIS is unbiased for Z even with 3 temperatures, reverse AIS from exact model draws is unbiased for
Z₀/Z, RAISE from data is conservative and close, and the evaluation protocol's bracket holds the exact log Z.
Tolerances: 4 Monte-Carlo standard errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from ebm_core.deep import dbm_ais, dbm_likelihood
from ebm_core.deep.dbm import DBM


def tiny(seed=1, scale=1.5) -> DBM:
    d = DBM(8, 6, 5, seed=seed)
    g = torch.Generator().manual_seed(seed)
    for k in ("W1", "W2", "b", "c1", "c2"):
        setattr(d, k, torch.randn(getattr(d, k).shape, generator=g) * scale)
    return d


def digits(n=200, seed=0):
    return (torch.rand(n, 8, generator=torch.Generator().manual_seed(seed)) < 0.5).float()


def _log_mean_exp(x: np.ndarray) -> tuple[float, float]:
    """log mean e^x and the delta-method standard error of it."""
    a = x.max()
    w = np.exp(x - a)
    return a + math.log(w.mean()), w.std(ddof=1) / math.sqrt(w.size) / w.mean()


@pytest.mark.parametrize("components", [1, 20])
def test_forward_ais_is_unbiased_for_z_even_when_short(components):
    d = tiny()
    exact = dbm_likelihood.exact_log_z(d)
    base = dbm_ais.data_base(d, digits(), n_components=components)
    f = dbm_ais.forward(d, base, 4000, 3, torch.Generator().manual_seed(0))
    assert abs(f.log_z - exact) < 4 * f.std_err, (f.log_z, exact, f.std_err)
    assert f.log_z_low <= exact <= f.log_z_high


def test_forward_ais_converges_with_more_temperatures():
    d = tiny()
    exact = dbm_likelihood.exact_log_z(d)
    f = dbm_ais.forward(d, dbm_ais.data_base(d, digits(), 20), 400, 100, torch.Generator().manual_seed(1))
    assert abs(f.log_z - exact) < 0.05 and f.ess > 0.5 * f.runs


def test_reverse_ais_from_exact_draws_is_unbiased_for_z0_over_z():
    """Started at exact draws of the DBM's p(h¹) (enumerated), the reverse weights e^{Σ…} average to Z₀/Z."""
    d = tiny()
    exact = dbm_likelihood.exact_log_z(d)
    z_all = dbm_likelihood._all_states(d.n_h1, torch.float64)
    W1, W2 = d.W1.double(), d.W2.double()
    log_f = z_all @ d.c1.double() + torch.nn.functional.softplus(z_all @ W1.T + d.b.double()).sum(1) \
        + torch.nn.functional.softplus(z_all @ W2 + d.c2.double()).sum(1)
    g = torch.Generator().manual_seed(2)
    n = 4000
    start = z_all[torch.multinomial(torch.softmax(log_f, 0), n, replacement=True, generator=g)].float()
    base = dbm_ais.data_base(d, digits(), 20)
    r = dbm_ais.reverse(d, base, torch.zeros(n, 8), 3, g, start=start)
    log_z0 = (d.n_visible + d.n_h2) * math.log(2.0)
    acc = r.log_p + log_z0  # with ``start`` the head term is 0: log_p = Σ[…] − log Z₀
    m, se = _log_mean_exp(acc)
    assert abs(m - (log_z0 - exact)) < 4 * se, (m, log_z0 - exact, se)
    assert r.log_z >= exact - 4 * r.log_z_std_err  # mean of the log: an upper-type estimate


def test_raise_from_data_is_conservative_and_close():
    d = tiny()
    v = digits(300, seed=3)
    exact_ll = float(dbm_likelihood.exact_log_prob(d, v).mean())
    r = dbm_ais.reverse(d, dbm_ais.data_base(d, digits(), 20), v, 100, torch.Generator().manual_seed(4))
    assert r.avg_log_likelihood <= exact_ll + 4 * r.std_err
    assert r.avg_log_likelihood > exact_ll - 0.5


def test_bound_protocol_brackets_the_exact_log_z():
    d = tiny()
    exact = dbm_likelihood.exact_log_z(d)
    b = dbm_likelihood.dbm_bound(d, digits(200, 0), digits(100, 5), runs=40, betas=100, seed=0)
    assert b.log_z_low <= exact <= b.log_z_high, (b.log_z_low, exact, b.log_z_high)
    assert b.betas == 100 and b.betas_half == 50 and b.stable and abs(b.log_z_change) < 1.0
    assert b.log_z_high >= max(b.log_z_ais_high, b.log_z_reverse) - 1e-12
    # The mean-field bound with the exact log Z lies in the reported bracket, below the exact likelihood.
    exact_ll = float(dbm_likelihood.exact_log_prob(d, digits(100, 5)).mean())
    bound_exact = b.test + b.log_z - exact
    assert b.test_low <= bound_exact <= b.test_high and bound_exact <= exact_ll + 1e-9
    assert b.raise_test <= exact_ll + 4 * b.raise_test_std_err and b.reverse_digits == 40
    assert b.as_dict()["stable"] is True and "mixture" in b.base


def test_stratified_base_needs_a_run_per_component():
    d = tiny()
    with pytest.raises(ValueError):
        dbm_ais.forward(d, dbm_ais.data_base(d, digits(), 20), 10, 5, torch.Generator().manual_seed(0))


def test_weighted_base_and_resampling_stay_unbiased():
    """The two variants tried on the shipped DBM (README): mixture weights other than 1/N, and resampling the
    runs when their effective number falls (sequential Monte Carlo): both still estimate Z without bias."""
    d = tiny()
    exact = dbm_likelihood.exact_log_z(d)
    base = dbm_ais.data_base(d, digits(), 20)
    base.log_pi = torch.log_softmax(torch.randn(20, generator=torch.Generator().manual_seed(6)), 0)
    f = dbm_ais.forward(d, base, 4000, 3, torch.Generator().manual_seed(7))
    assert abs(f.log_z - exact) < 4 * f.std_err, (f.log_z, exact)
    smc = dbm_ais.forward(d, dbm_ais.data_base(d, digits(), 20), 4000, 20, torch.Generator().manual_seed(8),
                          resample=0.9)
    assert smc.resamples > 0 and abs(smc.log_z - exact) < 0.05, (smc.log_z, exact, smc.resamples)
