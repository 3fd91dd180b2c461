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
