"""ebm_core.landscapes.basins against exact answers: closed-form log Z, mixture weights, the T → 0 and
T → ∞ limits of the basin masses, d log Z/dT = ⟨E⟩/T², barriers of known landscapes, and
MCMC samples on the boxed p_T."""

import math

import numpy as np
import pytest
import torch

from ebm_core.landscapes import grid
from ebm_core.landscapes import basins as L
from ebm_core.landscapes.energies import REGISTRY, Energy2D, gaussian_mixture
from ebm_core.landscapes.expressions import custom_energy

N = 240  # the page's grid

torch.set_num_threads(1)


def _phi(z: float) -> float:
    """Standard normal CDF."""
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


@pytest.fixture(scope="module")
def mixture():
    return L.find_basins(REGISTRY["mixture"], n=N)


def test_log_z_of_a_gaussian_equals_the_closed_form():
    # Z(T) = 2π sqrt(det(TΣ)) on the plane; the box [-5, 5]² cuts off < 1e-6 of the mass for
    # T ≤ 1 (each marginal has variance T ≤ 1, P(|x| > 5) < 6e-7), and the midpoint rule
    # is spectrally accurate for a Gaussian, so 1e-5 is generous.
    b = L.find_basins(REGISTRY["gaussian"], n=N)
    det = np.linalg.det(np.array([[1.0, 0.9], [0.9, 1.0]]))
    for T in (0.05, 0.2, 1.0):
        g = L.gibbs(b, T)
        assert g.log_z == pytest.approx(math.log(2 * math.pi * T * math.sqrt(det)), abs=1e-5)
        # ⟨E⟩ = T (a quadratic form in 2D carries T/2 per dimension); S = log Z + 1.
        assert g.mean_energy == pytest.approx(T, rel=5e-5)  # the cut tails (P ~ 1e-6, E ~ 12) move ⟨E⟩ by ~1e-5
        assert g.entropy == pytest.approx(g.log_z + 1.0, abs=5e-5)  # (same cut tails)
        # the same numbers as grid.integrate on the same box and grid
        ref = grid.integrate(REGISTRY["gaussian"], T, box=REGISTRY["gaussian"].box, n=N)
        assert g.log_z == pytest.approx(ref.log_z, abs=1e-10)
        np.testing.assert_allclose(g.density, ref.density, rtol=1e-9, atol=1e-12)


def test_sweep_equals_pointwise_gibbs(mixture):
    ts = np.array([0.05, 0.7, 20.0])
    s = L.temperature_sweep(mixture, ts)
    for i, T in enumerate(ts):
        g = L.gibbs(mixture, float(T))
        assert s.log_z[i] == g.log_z and s.mean_energy[i] == g.mean_energy
        np.testing.assert_array_equal(s.masses[i], g.masses)


TARGETS = {**{k: v for k, v in REGISTRY.items()},
           "double well": custom_energy("(x**2 - 1)**2 + y**2", (-4.0, 4.0, -4.0, 4.0)),
           "egg box": custom_energy("sin(3*x)*cos(3*y) + 0.1*(x**2 + y**2)", (-4.0, 4.0, -4.0, 4.0)),
           "flat": custom_energy("0", (-4.0, 4.0, -4.0, 4.0)),
           "log with NaN": custom_energy("log(x + 2) + y**2", (-4.0, 4.0, -4.0, 4.0))}
EXPECTED_BASINS = {"gaussian": 1, "mixture": 3, "banana": 1, "donut": 1, "funnel": 1, "squiggle": 1, "u1": 2,
                   "u2": 1, "u3": 2, "double well": 2, "egg box": 36, "flat": 1}


@pytest.mark.parametrize("name", list(TARGETS))
def test_basins_partition_the_box_and_masses_sum_to_one(name):
    b = L.find_basins(TARGETS[name], n=N)
    finite = np.isfinite(b.energy)
    assert ((b.labels >= 0) == finite).all()  # every finite cell in exactly one basin
    assert set(np.unique(b.labels[finite])) == set(range(b.n_basins))
    assert np.all(np.diff(b.min_energy) >= 0)  # numbered deepest first
    if name in EXPECTED_BASINS:
        assert b.n_basins == EXPECTED_BASINS[name]
        # the same count on a coarser grid: ripples of the flat valleys (donut, U2) are merged
        assert L.find_basins(TARGETS[name], n=160).n_basins == b.n_basins
    assert b.area_fraction.sum() == pytest.approx(1.0, abs=1e-12)
    for T in (0.05, 1.0, 20.0):
        m = L.gibbs(b, T).masses
        assert np.all(m >= 0) and m.sum() == pytest.approx(1.0, abs=1e-12)
    # each minimum lies in its own basin, and every depth is at least the merge threshold
    for k in range(b.n_basins):
        assert b.basin_of(*b.minima[k]) == k
    assert np.all(b.depth >= b.min_barrier) and math.isinf(b.depth[0])


def test_a_rugged_formula_stays_bounded():
    # thousands of basins: masses still sum to 1; passes are kept for the 64 deepest only
    b = L.find_basins(custom_energy("sin(30*x)*cos(30*y) + 0.01*x**2", (-4.0, 4.0, -4.0, 4.0)), n=N)
    assert b.n_basins > 1000 and b.passes.shape == (L.MAX_PASSES, L.MAX_PASSES)
    assert L.gibbs(b, 0.3).masses.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(np.isfinite(b.passes))  # one connected box: every pair is joined somewhere


def test_mixture_masses_are_the_mixture_weights_at_T1(mixture):
    # exp(-E) is the mixture density Σ w_k N(μ_k, 0.6² I), so the basin masses are the weights
    # up to the tails that cross the watershed line.  That line runs within σ² log(w_i/w_j)/d
    # ≤ 0.03 of the bisector of two modes at distance d, so a component leaks at most
    # Φ(-(d/2 - 0.03)/σ) into each neighbour; a basin's error is at most its losses plus its
    # gains.  Box truncation (< 1e-9) and the staircase boundary (density ~1e-4 there,
    # a cell wide) add far less than the 1e-5 slack.
    w = np.array([0.4, 0.3, 0.3])  # deepest first: the 0.4 mode at (0, 2), then (-2, -1.5), (2, -1.5)
    mu = np.array([[0.0, 2.0], [-2.0, -1.5], [2.0, -1.5]])
    np.testing.assert_allclose(mixture.minima, mu, atol=mixture.xs[1] - mixture.xs[0])
    m = L.gibbs(mixture, 1.0).masses
    for k in range(3):
        leak = lambda i, j: w[i] * _phi(-(np.linalg.norm(mu[i] - mu[j]) / 2 - 0.03) / 0.6)  # noqa: E731
        bound = sum(leak(k, j) + leak(j, k) for j in range(3) if j != k)
        assert abs(m[k] - w[k]) <= bound + 1e-5, (k, m[k], w[k], bound)


def test_well_separated_mixture_masses_to_grid_accuracy():
    # Modes ≥ 15 σ apart: the leak is Φ(-7.5) ~ 3e-14, so what is left is quadrature error.
    w = [0.5, 0.2, 0.3]
    e = Energy2D("sep", gaussian_mixture([(-3.0, 0.0), (3.0, 0.0), (0.0, 4.5)], [0.4, 0.4, 0.4], w), (-6.0, 6.0, -5.0, 7.0))
    b = L.find_basins(e, n=N)
    assert b.n_basins == 3
    m = L.gibbs(b, 1.0).masses
    np.testing.assert_allclose(m, [0.5, 0.3, 0.2], atol=1e-8)  # deepest (largest w_k/2πσ²) first
    assert L.gibbs(b, 1.0).log_z == pytest.approx(0.0, abs=1e-8)  # a normalised density


def test_low_temperature_puts_the_mass_in_the_deepest_basin(mixture):
    # Near mode k, E = -log(w_k/2πσ²) + |x - μ_k|²/2σ² exactly (the other modes are e^-11
    # away), so ∫_{B_k} exp(-E/T) = (w_k/2πσ²)^{1/T} 2πσ² T and, the σ being equal,
    # P_T(B_k)/P_T(B_1) = (w_k/w_1)^{1/T}.
    for T in (0.1, 0.3):
        m = L.gibbs(mixture, T).masses
        np.testing.assert_allclose(m[1:] / m[0], (0.3 / 0.4) ** (1 / T), rtol=1e-4)
    sweep = L.temperature_sweep(mixture, L.log_temperatures(0.05, 1.0, 20))
    assert np.all(np.diff(sweep.masses[:, 0]) < 0)  # colder -> more mass in basin 1
    # T = 0.05: each rival holds (0.75)^20 ≈ 0.0032 of basin 1's mass
    assert sweep.masses[0, 0] == pytest.approx(1 / (1 + 2 * 0.75**20), rel=1e-4)


@pytest.mark.parametrize("name", ["mixture", "u1", "double well"])
def test_high_temperature_tends_to_the_area_shares(name):
    # w = exp(-E/T) = 1 - E/T + O(T^-2), so P_T(B_k) = a_k (1 - (Ē_k - Ē)/T) + O(T^-2), with a_k
    # the basin's share of the cells, Ē_k its mean energy over its cells and Ē the overall one.
    b = L.find_basins(TARGETS[name], n=N)
    a = b.area_fraction
    e = b.energy
    e_k = np.array([e[b.labels == k].mean() for k in range(b.n_basins)])
    first_order = -a * (e_k - e[b.labels >= 0].mean())
    for T in (1e3, 1e4):
        m = L.gibbs(b, T).masses
        np.testing.assert_allclose(T * (m - a), first_order, rtol=30 * np.abs(e).max() / T + 1e-6, atol=1e-9)
    if np.abs(first_order).max() > 1e-6:  # (in symmetric landscapes the masses are the shares at every T)
        gaps = [np.abs(L.gibbs(b, T).masses - a).max() for T in (20.0, 200.0, 2000.0)]
        assert gaps[0] > gaps[1] > gaps[2]  # the approach is ~1/T once T is well above the barriers
    # and log Z(T) -> log|box|
    area = (b.box[1] - b.box[0]) * (b.box[3] - b.box[2])
    assert L.gibbs(b, 1e6).log_z == pytest.approx(math.log(area), abs=1e-4)


@pytest.mark.parametrize("name", ["gaussian", "mixture", "funnel", "u3"])
def test_log_z_slope_is_mean_energy_over_t_squared(name):
    # d log Z / dT = ⟨E⟩_T / T²: log Z rises with T where ⟨E⟩ > 0 and falls where ⟨E⟩ < 0
    # (the funnel and U3 have E < 0 near their minima).  In β = 1/T, log Z is convex
    # (d²/dβ² log Z = Var(E) ≥ 0).
    b = L.find_basins(REGISTRY[name], n=N)
    ts = L.log_temperatures(0.05, 20.0, 400)
    s = L.temperature_sweep(b, ts)
    # log Z(T2) - log Z(T1) = ∫ ⟨E⟩/T² dT, by Simpson's rule on each interval (error ~ h⁵: tiny)
    g = lambda T: L.gibbs(b, float(T)).mean_energy / T**2  # noqa: E731
    mid = (ts[1:] + ts[:-1]) / 2
    g_end = np.array([g(T) for T in ts])
    g_mid = np.array([g(T) for T in mid])
    simpson = np.diff(ts) / 6 * (g_end[:-1] + 4 * g_mid + g_end[1:])
    np.testing.assert_allclose(np.diff(s.log_z), simpson, rtol=1e-6, atol=1e-12)
    slope = np.diff(s.log_z) / np.diff(ts)
    e_mid = g_mid * mid**2
    clear = np.abs(e_mid) > 1e-2
    assert np.all(np.sign(slope[clear]) == np.sign(e_mid[clear]))
    beta, lz = (1 / ts)[::-1], s.log_z[::-1]  # increasing β
    d1 = np.diff(lz) / np.diff(beta)  # -⟨E⟩ between the nodes: must not decrease
    assert np.all(np.diff(d1) >= -1e-7)
    if name == "funnel":  # both directions happen
        assert slope[0] < 0 < slope[-1]


def test_cross_section_of_a_double_well():
    e = TARGETS["double well"]
    sec = L.cross_section(e, (-1.0, 0.0), (1.0, 0.0), n=301)
    pts = torch.tensor([[-1.0, 0.0], [1.0, 0.0]], dtype=torch.float64)
    assert (sec.e_a, sec.e_b) == tuple(e(pts).tolist())  # the end points are E at A and B
    assert sec.points[sec.i_top].tolist() == [0.0, 0.0] and sec.e_top == 1.0  # the saddle, exactly
    assert sec.barrier_from_a == sec.barrier_from_b == 1.0
    assert sec.s[-1] == pytest.approx(2.0)
    # the watershed finds the same barrier: the cells beside the saddle lie within h of it
    # and |∇²E| ≤ 4 there, so the grid's pass is within 2h² of E = 1
    b = L.find_basins(e, n=N)
    h = b.xs[1] - b.xs[0]
    assert b.passes[0, 1] == pytest.approx(1.0, abs=2 * h * h)
    assert b.depth[1] == pytest.approx(1.0, abs=2 * h * h)
    assert b.barrier(0, 1) == pytest.approx(1.0, abs=2 * h * h)
    a, bb = L.default_segment(b)
    assert sorted([round(a[0], 3), round(bb[0], 3)]) == [-1.0, 1.0]  # the two minima, refined below a cell


def test_cross_section_from_points_on_the_slopes():
    # A = (-2, 1), B = (2, -1) on the double well: the path y = -x/2 has E = (x² - 1)² + x²/4,
    # high at both ends (E = 10), wells at x² = 7/8 (E = 1/64 + 7/32 = 0.234375) and the hill
    # at x = 0 (E = 1).  301 samples put a point on x = 0 exactly and within 4/300 of each
    # well bottom, where E'' = 8x² + ... ≈ 7.5, so the sampled bottom is within 2e-4.
    sec = L.cross_section(TARGETS["double well"], (-2.0, 1.0), (2.0, -1.0))
    assert sec.e_a == sec.e_b == 10.0
    assert sec.points[sec.i_top].tolist() == [0.0, 0.0] and sec.e_top == 1.0
    assert sec.barrier_from_a == pytest.approx(1 - 0.234375, abs=2e-4)
    assert sec.barrier_from_b == pytest.approx(1 - 0.234375, abs=2e-4)
    # a segment on which E only rises has no hill: the climb is zero
    up = L.cross_section(TARGETS["double well"], (0.0, 1.0), (0.0, 3.0))
    assert up.i_top == up.s.size - 1 and up.barrier_from_b == 0.0 and up.barrier_from_a == pytest.approx(8.0)


def test_straight_barrier_is_never_below_the_lowest_pass():
    # U1: the segment between the two halves of the ring runs through the hole; the lowest
    # pass goes round the ring and is much lower.  In general pass ≤ max along any path.
    for name in ("mixture", "u1"):
        b = L.find_basins(REGISTRY[name], n=N)
        sec = L.cross_section(REGISTRY[name], *L.default_segment(b))
        assert sec.e_a == pytest.approx(b.min_energy[0], abs=1e-12)
        assert sec.e_top >= b.passes[0, 1] - 1e-3
    u1 = L.find_basins(REGISTRY["u1"], n=N)
    assert L.cross_section(REGISTRY["u1"], *L.default_segment(u1)).e_top > u1.passes[0, 1] + 5.0


def test_minimum_barrier_decides_what_counts_as_a_basin():
    shallow = custom_energy("0.01*((x**2 - 1)**2 + y**2)", (-4.0, 4.0, -4.0, 4.0))  # barrier 0.01
    assert L.find_basins(shallow, n=N).n_basins == 1
    b = L.find_basins(shallow, n=N, min_barrier=0.001)
    assert b.n_basins == 2 and b.n_raw_minima == 2


def test_improper_and_empty_landscapes_are_flagged():
    b = L.find_basins(custom_energy("log(abs(x))", (-4.0, 4.0, -4.0, 4.0)), n=41)  # a cell centre at x = 0
    assert b.improper and math.isinf(L.gibbs(b, 1.0).log_z)
    empty = L.find_basins(custom_energy("log(-1 - x**2)", (-4.0, 4.0, -4.0, 4.0)), n=40)
    assert empty.n_basins == 0 and L.gibbs(empty, 1.0).log_z == -math.inf


def test_cold_chains_stay_in_their_wells_and_hot_chains_agree_with_the_masses(mixture):
    e = REGISTRY["mixture"]
    # T = 0.2: the barriers (ΔE ≈ 4.8) give e^(-ΔE/T) ≈ 4e-11 per attempt: no chain changes basin.
    cold, _ = L.sample(e, 0.2, n_chains=6, n_steps=1500, seed=3)
    lab = L.basin_index(mixture, cold.positions[300:])
    assert np.all(lab == lab[:1])
    # T = 5: the chains mix; each basin's sample share must match its exact mass within
    # 4 Monte-Carlo standard errors, sqrt(m(1-m)/ESS) with the ESS of the indicator from arviz-stats.
    from arviz_stats.base import array_stats

    hot, sigma = L.sample(e, 5.0, n_chains=8, n_steps=3000, seed=1)
    pos = hot.positions[500:]
    assert np.all((np.abs(pos) <= 5.0))  # p_T lives on the box: proposals outside are rejected
    assert sigma == pytest.approx(L.proposal_width(e.box, 5.0))
    lab = L.basin_index(mixture, pos)
    m = L.gibbs(mixture, 5.0).masses
    for k in range(3):
        ind = (lab == k).astype(float).T  # (chains, draws)
        n_eff = float(array_stats.ess(ind, chain_axis=0, draw_axis=1, method="bulk"))
        se = math.sqrt(m[k] * (1 - m[k]) / n_eff)
        assert abs(ind.mean() - m[k]) < 4 * se, (k, ind.mean(), m[k], se)
    np.testing.assert_allclose(L.chain_shares(pos, mixture), [(lab == k).mean() for k in range(3)])


def test_boxed_energy_is_infinite_outside():
    e = L.boxed(REGISTRY["gaussian"])
    v = e(torch.tensor([[0.0, 0.0], [5.5, 0.0], [0.0, -5.01]], dtype=torch.float64))
    assert v[0] == 0.0 and torch.isinf(v[1:]).all()
