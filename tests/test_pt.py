"""Parallel tempering against the grid truth: the mixture at T = 0.2, where plain MH chains stay
in the mode they started in, and PT's cold chain must visit every mode and match the exact mean
and covariance within 4 MCSE (arviz-stats' ESS-based standard error, as in test_samplers)."""

import json
import math

import numpy as np
import pytest
import torch

from ebm_core.cli.main import main
from ebm_core.landscapes import grid
from ebm_core.landscapes.energies import REGISTRY
from ebm_core.mcmc import diagnostics
from ebm_core.mcmc.samplers import make_sampler, randoms_at, run_chains, spread_starts, state_at, take
from ebm_core.mcmc.samplers.pt import ParallelTempering, ladder

torch.set_num_threads(1)

MIXTURE = REGISTRY["mixture"]
MODES = np.array([(-2.0, -1.5), (2.0, -1.5), (0.0, 2.0)])
T = 0.2


def _moment_z(positions, m, truth):
    """(estimate − exact) / MCSE for the mean and each covariance entry (f with the exact μ)."""
    kept = diagnostics.after_burn_in(positions, m)
    mu = truth.mean
    dx, dy = kept[..., 0] - mu[0], kept[..., 1] - mu[1]
    fs = {"mean_x": (kept[..., 0], mu[0]), "mean_y": (kept[..., 1], mu[1]), "var_x": (dx * dx, truth.cov[0, 0]),
          "var_y": (dy * dy, truth.cov[1, 1]), "cov_xy": (dx * dy, truth.cov[0, 1])}
    return {k: (f.mean() - ex) / diagnostics.mc_standard_error(f) for k, (f, ex) in fs.items()}


def _nearest_mode(points):
    return np.argmin(((points[..., None, :] - MODES) ** 2).sum(-1), axis=-1)


@pytest.fixture(scope="module")
def runs():
    starts = spread_starts(MIXTURE, 4, 0)
    mh = run_chains(make_sampler("mh", MIXTURE, 0.5, T), starts, 2500, seed=1)
    pt = run_chains(make_sampler("pt", MIXTURE, 0.5, T, n_temps=8, t_max=5.0), starts, 2500, seed=1)
    return mh, pt


def test_pt_cold_chain_matches_the_exact_moments_where_mh_is_stuck(runs):
    mh, pt = runs
    truth = grid.integrate(MIXTURE, T, n=500)
    m = 300
    # Plain MH: the chains never leave their modes, R-hat far above 1.
    rhat_mh = diagnostics.summarise(mh.positions, mh.accepted, m).rhat
    assert max(rhat_mh) > 1.5, rhat_mh
    for c in range(4):  # each MH chain sees one mode only
        assert len(set(_nearest_mode(mh.positions[m:, c]).tolist())) == 1
    # PT: each cold chain visits every mode; the moments are exact within 4 MCSE.
    for c in range(4):
        assert set(_nearest_mode(pt.positions[m:, c]).tolist()) == {0, 1, 2}
    rhat_pt = diagnostics.summarise(pt.positions, pt.accepted, m).rhat
    assert max(rhat_pt) < 1.05, rhat_pt
    z = _moment_z(pt.positions, m, truth)
    assert all(abs(v) <= 4 for v in z.values()), z
    # Each mode's mass at T = 0.2 (not the T = 1 weights 0.3 / 0.3 / 0.4: p_T ∝ p^{1/T} favours the
    # heaviest mode, ≈ 0.16 / 0.16 / 0.68), from the grid, within 4 MCSE of the indicator.
    kept = diagnostics.after_burn_in(pt.positions, m)
    near = _nearest_mode(kept)
    for k in range(3):
        exact = truth.expectation(lambda x, y: (_nearest_mode(np.stack([x, y], -1)) == k).astype(float))
        ind = (near == k).astype(float)
        assert abs(ind.mean() - exact) <= 4 * diagnostics.mc_standard_error(ind), (k, ind.mean(), exact)


def test_every_rung_of_the_ladder_samples_its_own_temperature(runs):
    """A wrong swap rule biases every level: the hottest replica must match p_{T_max} too."""
    _, pt = runs
    reps = pt.meta["replicas"]  # (N+1, C, K, 2)
    for k in (3, 7):
        tk = float(pt.meta["ladder"][k])
        z = _moment_z(reps[:, :, k], 300, grid.integrate(MIXTURE, tk, n=400))
        assert all(abs(v) <= 4 for v in z.values()), (k, z)
    rate = pt.meta["swap_rate"]
    assert rate.shape == (7,) and np.all((rate > 0.3) & (rate < 1))
    # The run's record counts: half the pairs are proposed per step (alternating parity by a coin).
    assert pt.meta["swap_attempts"].sum() == pytest.approx(2500 * 4 * 3.5, rel=0.05)


def test_swap_probability_is_the_exact_formula():
    s = ParallelTempering(MIXTURE, 0.5, 0.5, n_temps=4, t_max=4.0)
    torch.testing.assert_close(s.temps, torch.tensor([0.5, 1.0, 2.0, 4.0], dtype=torch.float64))
    torch.testing.assert_close(ladder(0.5, 4.0, 4), s.temps)
    gen = torch.Generator().manual_seed(3)
    with torch.inference_mode():
        st = s.init(torch.randn(6, 4, 2, generator=gen, dtype=torch.float64) * 2)
        r = s.draw(6, gen)
        new, info = s.transition(st, r)
    # the energies after the local moves, i.e. before the swaps
    x_local = torch.where(info.local_accepted[..., None], info.local_proposal, st.replicas)
    e_local = MIXTURE(x_local.reshape(-1, 2)).reshape(6, 4)
    temps = s.temps
    for c in range(6):
        for k in range(3):
            # p_{T_k}(x_{k+1}) p_{T_{k+1}}(x_k) / (p_{T_k}(x_k) p_{T_{k+1}}(x_{k+1}))
            log_ratio = (-e_local[c, k + 1] / temps[k] - e_local[c, k] / temps[k + 1]
                         + e_local[c, k] / temps[k] + e_local[c, k + 1] / temps[k + 1])
            assert float(info.swap_log_alpha[c, k]) == pytest.approx(min(0.0, float(log_ratio)), abs=1e-9)
            attempted = k % 2 == int(r.parity[c])
            assert bool(info.swap_attempted[c, k]) == attempted
            assert bool(info.swap_accepted[c, k]) == (attempted and math.log(float(r.swap_u[c, k])) < float(info.swap_log_alpha[c, k]))
        # the swaps permute the locally moved replicas
        order = list(range(4))
        for k in range(3):
            if bool(info.swap_accepted[c, k]):
                order[k], order[k + 1] = order[k + 1], order[k]
        torch.testing.assert_close(new.replicas[c], x_local[c, order])
    torch.testing.assert_close(new.position, new.replicas[:, 0])


def test_a_recorded_pt_step_replays_exactly():
    """draw/transition: the randoms do not depend on the state, so step i of chain c is replayed
    from the recorded ladder and ``randoms_at`` (no run from the start)."""
    for local in ("mh", "mala"):
        s = make_sampler("pt", MIXTURE, 0.5 if local == "mh" else 0.05, T, n_temps=5, t_max=3.0, local=local)
        tr = run_chains(s, spread_starts(MIXTURE, 3), 40, seed=4)
        for i, c in ((0, 0), (17, 2), (39, 1)):
            with torch.inference_mode():
                new, info = s.transition(state_at(s, tr, i, c), take(randoms_at(s, 3, 4, i), c))
            assert new.replicas[0].tolist() == tr.meta["replicas"][i + 1, c].tolist()
            assert new.position[0].tolist() == tr.positions[i + 1, c].tolist()
            assert bool(info.swapped_cold[0]) == bool(tr.meta["swapped_cold"][i, c])
        d = s.explain(state_at(s, tr, 5, 0), take(randoms_at(s, 3, 4, 5), 0))
        assert d["kind"] == "pt" and len(d["ladder"]) == 5 and all(0 <= p["alpha"] <= 1 for p in d["swaps"])


@pytest.mark.parametrize("kw, match", [({"n_temps": 1}, "ladder"), ({"t_max": 0.1}, "t_max"),
                                       ({"local": "hmc"}, "local"), ({"t_max": 1e4}, "t_max")])
def test_pt_checks_its_parameters(kw, match):
    with pytest.raises(ValueError, match=match):
        make_sampler("pt", MIXTURE, 0.5, 0.2, **kw)


def test_cli_sample_pt(tmp_path, capsys):
    out = tmp_path / "pt.npz"
    rc = main(["sample", "--target", "mixture", "--sampler", "pt", "--temperature", "0.2", "--ladder", "5",
               "--t-max", "4", "--step-size", "0.5", "--steps", "200", "--chains", "3", "--out", str(out)])
    assert rc == 0
    res = json.loads(capsys.readouterr().out)
    assert res["sampler"] == "pt" and len(res["ladder"]) == 5 and len(res["swap_rate"]) == 4
    assert res["ladder"][0] == pytest.approx(0.2) and res["ladder"][-1] == pytest.approx(4.0)
    with np.load(out) as z:
        assert z["positions"].shape == (201, 3, 2) and z["replicas"].shape == (201, 3, 5, 2)
        np.testing.assert_array_equal(z["positions"], z["replicas"][:, :, 0])
    for bad, msg in ((["--sampler", "mh", "--ladder", "4"], "pt only"), (["--sampler", "pt", "--ladder", "1"], "ladder"),
                     (["--sampler", "pt", "--t-max", "0.5", "--temperature", "1"], "t-max")):
        assert main(["sample", "--target", "mixture", *bad]) == 2
        assert msg in capsys.readouterr().err


def test_pt_with_mala_local_moves_is_exact_too():
    pt = run_chains(make_sampler("pt", MIXTURE, 0.05, T, n_temps=6, t_max=5.0, local="mala"),
                    spread_starts(MIXTURE, 4, 0), 2000, seed=2)
    z = _moment_z(pt.positions, 300, grid.integrate(MIXTURE, T, n=500))
    assert all(abs(v) <= 4 for v in z.values()), z
    assert max(diagnostics.summarise(pt.positions, pt.accepted, 300).rhat) < 1.1
