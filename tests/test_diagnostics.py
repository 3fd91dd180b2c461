"""Small diagnostics with exact answers."""

import numpy as np

from ebm_core.mcmc.diagnostics import fraction_outside


def test_fraction_outside_the_box_per_chain():
    box = (-1.0, 1.0, -2.0, 2.0)
    pos = np.array([  # (steps + 1, chains, 2)
        [[0.0, 0.0], [1.5, 0.0]],
        [[1.0, 2.0], [0.0, -2.5]],  # on the edge is inside
        [[0.5, 0.5], [np.nan, 0.0]],  # NaN (a diverged chain) is outside
        [[-0.5, 1.9], [0.0, 0.0]],
    ])
    assert fraction_outside(pos, box).tolist() == [0.0, 0.75]


def test_autocorrelation_and_mcse_of_an_ar1_chain_match_theory():
    """AR(1) with φ = 0.8: ρ(k) = φ^k, and the MCSE of the mean is σ_x·sqrt((1+φ)/(1−φ)/N)."""
    import math

    import numpy as np

    from ebm_core.mcmc import diagnostics

    phi, n, chains = 0.8, 20_000, 4
    rng = np.random.default_rng(1)
    x = np.zeros((n, chains))
    x[0] = rng.normal(size=chains) / math.sqrt(1 - phi**2)
    for i in range(1, n):
        x[i] = phi * x[i - 1] + rng.normal(size=chains)
    rho = diagnostics.autocorrelation(x[:, 0], 5)
    assert np.allclose(rho, phi ** np.arange(6), atol=0.03)
    sd = 1 / math.sqrt(1 - phi**2)
    expected = sd * math.sqrt((1 + phi) / (1 - phi) / (n * chains))
    assert abs(diagnostics.mc_standard_error(x) / expected - 1) < 0.15
    assert diagnostics.mc_standard_error(np.ones((100, 4))) == math.inf
    assert np.all(diagnostics.autocorrelation(np.ones(50), 3) == 1)
