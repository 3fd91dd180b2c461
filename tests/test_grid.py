"""The grid truth against closed forms."""

import math

import numpy as np
import pytest

from ebm_core.landscapes import grid
from ebm_core.landscapes.energies import REGISTRY


@pytest.mark.parametrize("T", [0.2, 1.0, 3.0])
def test_gaussian_log_z_and_moments_closed_form(T):
    # Z(T) = ∫ exp(-½xᵀΣ⁻¹x / T) dx = 2π sqrt(det(TΣ)); mean 0; covariance TΣ.
    cov = np.array([[1.0, 0.9], [0.9, 1.0]])
    box = (-5.0 * math.sqrt(T) - 1, 5.0 * math.sqrt(T) + 1) * 2
    g = grid.integrate(REGISTRY["gaussian"], T, box=box, n=500)
    assert g.log_z == pytest.approx(math.log(2 * math.pi * math.sqrt(np.linalg.det(T * cov))), abs=1e-6)
    np.testing.assert_allclose(g.mean, [0, 0], atol=1e-8)
    np.testing.assert_allclose(g.cov, T * cov, atol=1e-5)


def test_normalised_mixture_and_donut():
    # The mixture is a normalised density, so log Z = 0 at T = 1.
    assert grid.integrate(REGISTRY["mixture"]).log_z == pytest.approx(0.0, abs=1e-6)
    # Donut: Z = 2π ∫ r exp(-(r-R)²/2s²) dr ≈ 2π R s sqrt(2π) (the r < 0 tail is 1e-12).
    z = 2 * math.pi * 2.5 * 0.35 * math.sqrt(2 * math.pi)
    assert grid.integrate(REGISTRY["donut"], n=600).log_z == pytest.approx(math.log(z), abs=1e-5)


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_registry_density_is_contained_in_its_box(name):
    g = grid.integrate(REGISTRY[name])
    assert math.isfinite(g.log_z)
    assert g.edge_mass < grid.EDGE_MASS_WARNING
    dx, dy = g.xs[1] - g.xs[0], g.ys[1] - g.ys[0]
    assert g.density.sum() * dx * dy == pytest.approx(1.0)
    assert g.marginal_x.sum() * dx == pytest.approx(1.0)
    assert g.marginal_y.sum() * dy == pytest.approx(1.0)
    assert g.warnings() == []


def test_temperature_concentrates_mass_in_the_deepest_well():
    # Mixture weights 0.3/0.3/0.4: lowering T hands the heaviest mode (at y = 2) nearly all the mass.
    cold = grid.integrate(REGISTRY["mixture"], 0.1)
    hot = grid.integrate(REGISTRY["mixture"], 1.0)
    top = lambda g: g.expectation(lambda x, y: (y > 0.25).astype(float))  # noqa: E731
    phi = 0.5 * (1 + math.erf((1.75 / 0.6) / math.sqrt(2)))  # each mode is 1.75 from y = 0.25
    assert top(hot) == pytest.approx(0.4 * phi + 0.6 * (1 - phi), abs=1e-6)
    # At low T each well holds mass ∝ w_k^(1/T) (equal widths, negligible overlap).
    w = np.array([0.3, 0.3, 0.4]) ** (1 / 0.1)
    assert top(cold) == pytest.approx(w[2] / w.sum(), abs=1e-6)
    assert top(grid.integrate(REGISTRY["mixture"], 0.05)) > 0.99


def test_expectation_of_a_function():
    g = grid.integrate(REGISTRY["gaussian"])
    assert g.expectation(lambda x, y: x * y) == pytest.approx(0.9, abs=1e-4)
