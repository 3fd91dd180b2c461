"""AIS on 2D targets against the grid's exact log Z: within 4 of its own standard errors at three
temperatures, and its error bar shrinks as the number of temperatures grows."""

import json
import math

import numpy as np
import pytest
import torch

from ebm_core.cli.main import main
from ebm_core.landscapes import grid
from ebm_core.landscapes.ais2d import Base, ais_log_z, beta_schedule, intermediate_log_density, log_mean_exp_se
from ebm_core.landscapes.energies import REGISTRY

torch.set_num_threads(1)


@pytest.mark.parametrize("target, T", [("mixture", 0.3), ("mixture", 1.0), ("mixture", 3.0), ("banana", 0.5)])
def test_ais_matches_the_exact_log_z_within_its_error_bar(target, T):
    r = ais_log_z(REGISTRY[target], T, betas=300, runs=400, seed=2)
    assert r.exact_log_z == pytest.approx(grid.integrate(REGISTRY[target], T).log_z)
    assert 0 < r.log_z_se < 0.1
    assert abs(r.log_z - r.exact_log_z) <= 4 * r.log_z_se, r.as_dict()


def test_more_temperatures_shrink_the_error_bar():
    e = REGISTRY["mixture"]
    se = [ais_log_z(e, 0.5, k, 300, seed=1).log_z_se for k in (3, 30, 300)]
    assert se[0] > se[1] > se[2]


def test_base_is_normalised_and_the_path_ends_at_p_T():
    base = Base((0.5, -1.0), 2.0)
    xs = np.linspace(-12, 12, 601)
    gx, gy = np.meshgrid(xs, xs)
    q = np.exp(base.log_q(torch.from_numpy(np.stack([gx.ravel(), gy.ravel()], 1))).numpy())
    assert q.sum() * (xs[1] - xs[0]) ** 2 == pytest.approx(1.0, abs=1e-6)
    b = beta_schedule(50)
    assert b[0] == 0 and b[-1] == 1 and np.all(np.diff(b) > 0) and b.size == 51
    e = REGISTRY["donut"]
    _, _, p1 = intermediate_log_density(e, 1.0, 1.0, n=100)
    g = grid.integrate(e, 1.0, box=e.box, n=100)
    np.testing.assert_allclose(p1, g.density * g.cell_area, atol=1e-12)


def test_log_mean_exp_se():
    lw = np.log(np.array([1.0, 2.0, 3.0, 6.0])) + 500.0  # would overflow exp()
    log_z, se, ess = log_mean_exp_se(lw)
    assert log_z == pytest.approx(500 + math.log(3.0))
    assert se == pytest.approx(np.std([1, 2, 3, 6], ddof=1) / (3.0 * 2.0))
    assert ess == pytest.approx(144 / 50)


def test_cli_ais2d(capsys):
    assert main(["ais2d", "--target", "donut", "--temperature", "0.5", "--betas", "100", "--runs", "200",
                 "--seed", "1"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert {"log_z", "log_z_se", "exact_log_z"} <= set(res) and res["betas"] == 100 and res["runs"] == 200
    assert abs(res["log_z"] - res["exact_log_z"]) <= 4 * res["log_z_se"]
    assert main(["ais2d", "--target", "donut", "--betas", "0"]) == 2
    assert "--betas" in capsys.readouterr().err
