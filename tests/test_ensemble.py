"""An ensemble of 10,000 chains from one corner against the exact p_T: TV falls to the Monte-Carlo
floor for the exact samplers (MH, MALA) and levels off above it for ULA at a large ε (its bias).

The floor is the TV of an exact i.i.d. sample of the same size; at stationarity the N independent
chains *are* such a sample, so "at the floor" means within 4 standard deviations of the floor's
spread over exact samples."""

import json

import numpy as np
import pytest
import torch

from ebm_core.cli.main import main
from ebm_core.landscapes.energies import REGISTRY
from ebm_core.mcmc.ensemble import cell_masses, corner_start, run_ensemble, tv_floor
from ebm_core.mcmc.samplers import make_sampler

torch.set_num_threads(1)
GAUSS = REGISTRY["gaussian"]
N = 10_000


def _run(name, eps, steps, every=10):
    cells = cell_masses(GAUSS, 1.0, 30)
    return run_ensemble(make_sampler(name, GAUSS, eps), corner_start(GAUSS), N, steps, seed=0, every=every,
                        cells=cells, floor_draws=20, snapshots=(0, steps))


def test_exact_cells_and_floor():
    cells = cell_masses(GAUSS, 1.0, 30)
    assert cells.mass.shape == (30, 30) and cells.mass.sum() == pytest.approx(1.0)
    # The floor agrees with the multinomial's: N draws of the exact cell probabilities.
    rng = np.random.default_rng(0)
    p = cells.mass.ravel()
    multi = np.mean([0.5 * np.abs(rng.multinomial(N, p) / N - p).sum() for _ in range(200)])
    mean, sd = tv_floor(cells, N, 0, 20)
    assert abs(mean - multi) <= 4 * sd / np.sqrt(20) + 0.002
    # An exact sample's moments are p_T's (correlated Gaussian, ρ = 0.9)
    x = cells.exact_sample(50_000, torch.Generator().manual_seed(1)).numpy()
    assert np.allclose(x.mean(0), 0, atol=0.03) and np.corrcoef(x.T)[0, 1] == pytest.approx(0.9, abs=0.01)


@pytest.mark.parametrize("name, eps", [("mh", 0.8), ("mala", 0.2)])
def test_tv_falls_to_the_floor_for_exact_samplers(name, eps):
    r = _run(name, eps, 300)
    assert r.tv[0] == pytest.approx(1.0, abs=1e-3)  # every chain in one cell
    at = {int(s): v for s, v in zip(r.steps, r.tv)}
    assert at[0] > at[20] > at[50] > at[100] > r.tv_floor  # burn-in, measured
    bound = r.tv_floor + 4 * r.tv_floor_sd
    assert np.mean(r.tv[-5:]) <= bound, (r.tv[-5:], r.tv_floor, r.tv_floor_sd)
    assert r.snapshots[300].sum() == pytest.approx(1.0, abs=1e-3) and r.snapshots[0].max() == pytest.approx(1.0)


def test_ula_at_a_large_step_levels_off_above_the_floor():
    r = _run("ula", 0.3, 200)
    late = r.tv[r.steps >= 100]
    assert late.min() > r.tv_floor + 20 * r.tv_floor_sd  # its bias, far above the noise
    assert late.max() - late.min() < 0.05  # levelled off: no further progress
    small = _run("ula", 0.1, 300)  # a smaller ε: a lower plateau (less bias), still above the floor
    assert small.tv_floor + 4 * small.tv_floor_sd < np.mean(small.tv[-5:]) < r.tv[-1]


def test_cli_ensemble(tmp_path, capsys):
    out = tmp_path / "ens.json"
    rc = main(["ensemble", "--target", "gaussian", "--sampler", "mh", "--chains", "500", "--steps", "40",
               "--step-size", "0.8", "--every", "10", "--seed", "3", "--out", str(out)])
    assert rc == 0
    printed = json.loads(capsys.readouterr().out)
    saved = json.loads(out.read_text())
    assert saved["steps"] == printed["steps"] == [0, 10, 20, 30, 40]
    assert len(saved["tv"]) == 5 and 0 < saved["tv_floor"] < saved["tv"][0] <= 1
    assert main(["ensemble", "--target", "mixture", "--chains", "0"]) == 2
    assert "--chains" in capsys.readouterr().err
    assert main(["ensemble", "--target", "mixture", "--start", "nan", "1"]) == 2


def test_points_outside_the_grid_count_as_error():
    cells = cell_masses(GAUSS, 1.0, 10)
    x = cells.exact_sample(1000, torch.Generator().manual_seed(0))
    base = cells.tv(x)
    far = x.clone()
    far[:100] = torch.tensor([50.0, 0.0], dtype=torch.float64)  # 10 % far outside
    far[100, 0] = float("nan")
    counts, outside = cells.histogram(far)
    assert outside == 101 and int(counts.sum()) == 899
    # moving 10.1 % of the mass off the grid adds at most 0.101 and at least 0.101 - (its share of base)
    assert base < cells.tv(far) <= base + 0.101 + 1e-12
    p = torch.from_numpy(cells.mass.reshape(-1))
    assert cells.tv(far) == pytest.approx(0.5 * (float((counts.double() / 1000 - p).abs().sum()) + 0.101))
