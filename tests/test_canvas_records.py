"""The canvas layers of what the sampler did (payload ``rec``) and of exact draws (``exact``).

The points sent are the run's own records (HMC's leapfrog path and momentum, Langevin's drift;
the noise is what is left to the proposal), decoded to within the clip's 16-bit quantisation;
their size is bounded; the default MH clip does not carry them; records.js decodes them as
Python does; the exact draws are as many as the chains' post-burn-in draws and come from p_T.
"""

from __future__ import annotations

import base64
import math

import numpy as np
import pytest
import torch

from ebm_core.landscapes import grid
from ebm_core.landscapes.energies import REGISTRY
from ebm_core.mcmc.samplers import make_sampler, run_chains, spread_starts
from nodejs import needs_node, run_json
from ui.mcmc.canvas import pack_clip
from ui.mcmc.canvas.clip import decode_points
from ui.mcmc.canvas.records import (EXACT_POINTS, REC_POINTS, exact_count, exact_draws, rec_points,
                                    record_steps)

torch.set_num_threads(1)
E = REGISTRY["mixture"]
PIC = grid.integrate(E, 1.0, box=E.box, n=40)


def _clip(name: str, eps: float, chains: int = 3, steps: int = 120, L: int = 6, T: float = 1.0, **kw):
    s = make_sampler(name, E, eps, T, L)
    tr = run_chains(s, spread_starts(E, chains, 0), steps, 0, record=record_steps(name, chains, L))
    rec = rec_points(name, tr.records, tr.positions, eps, T, L)
    d = pack_clip(tr.positions, tr.proposals, tr.accepted, PIC.density, PIC.box, 20, rec=rec, **kw)
    return tr, rec, d


def _codes(b64: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(b64), dtype="<u2")


def _tol(d) -> np.ndarray:
    return np.array(d["q"][1::2]) / 65534 * 0.51  # half a code step, per axis


def test_hmc_clip_carries_the_recorded_path_and_momentum():
    L, eps = 6, 0.2
    tr, rec, d = _clip("hmc", eps, L=L)
    r = d["rec"]
    assert (r["kind"], r["per"], r["scale"]) == ("hmc", L, L * eps)
    k, c = r["k"], tr.n_chains
    pts = decode_points(_codes(r["pts"]).reshape(k, c, L, 2), d["q"])
    path, p = tr.records["path"][:k], tr.records["momentum"][:k]
    tol = _tol(d)
    assert np.all(np.abs(pts[:, :, :-1] - np.moveaxis(path[:, 1:-1], 1, 2)) <= tol)  # inner leapfrog points
    assert np.all(np.abs(pts[:, :, -1] - (tr.positions[:k] + L * eps * p)) <= tol)  # the momentum arrow's tip


@pytest.mark.parametrize("name", ["ula", "mala"])
def test_langevin_clip_carries_the_drift_and_the_noise_is_the_rest(name):
    eps = 0.08
    tr, rec, d = _clip(name, eps)
    r = d["rec"]
    assert r["per"] == 1 and r["k"] == tr.n_steps and math.isclose(r["sigma"], math.sqrt(eps))
    mid = decode_points(_codes(r["pts"]).reshape(r["k"], tr.n_chains, 2), d["q"])
    tol = _tol(d)
    assert np.all(np.abs(mid - (tr.positions[:-1] + tr.records["drift"])) <= tol)
    # the noise arrow, from there to x', is the recorded √ε ξ
    assert np.all(np.abs((tr.proposals - mid) - tr.records["noise"]) <= 2 * tol)


def test_the_records_are_bounded_and_the_default_clip_has_none():
    for name, chains, L in (("hmc", 4, 10), ("hmc", 16, 50), ("ula", 4, 10), ("mala", 16, 10)):
        per = L if name == "hmc" else 1
        assert record_steps(name, chains, L) * chains * per <= REC_POINTS
    assert record_steps("mh", 4) == record_steps("gibbs", 4) == 0
    tr, rec, d = _clip("hmc", 0.2, chains=4, steps=400, L=10)
    assert d["rec"]["k"] == REC_POINTS // 40 == 204 and len(d["rec"]["pts"]) <= 44_000
    # random-walk MH (the page's default): no records, the same payload as without the feature
    s = make_sampler("mh", E, 0.8, 1.0)
    tr = run_chains(s, spread_starts(E, 4, 0), 300, 0, record=record_steps("mh", 4))
    assert tr.records is None and rec_points("mh", tr.records, tr.positions, 0.8, 1.0) is None
    a = pack_clip(tr.positions, tr.proposals, tr.accepted, PIC.density, PIC.box, 20)
    b = pack_clip(tr.positions, tr.proposals, tr.accepted, PIC.density, PIC.box, 20, rec=None, exact=None)
    assert a == b and not {"rec", "exact"} & set(a)


def test_exact_draws_are_as_many_as_the_chains_draws_and_follow_p_t():
    n, of = exact_count(4, 2000, 200)
    assert n == of == 7200 and exact_count(16, 5000, 0) == (EXACT_POINTS, 80_000)
    T = 0.8
    ex = exact_draws(E, T, 4, 2000, 200, seed=3)
    x = ex["exact"]
    assert x.shape == (7200, 2) and ex["exact_of"] == 7200
    truth = grid.integrate(E, T, n=300)
    se = x.std(axis=0, ddof=1) / math.sqrt(len(x))  # i.i.d.: the MCSE of the mean
    assert np.all(np.abs(x.mean(axis=0) - truth.mean) <= 4 * se), (x.mean(axis=0), truth.mean, se)
    assert np.allclose(np.cov(x.T), truth.cov, atol=0.08), (np.cov(x.T), truth.cov)
    d = pack_clip(np.zeros((2, 1, 2)), np.zeros((1, 1, 2)), [[True]], PIC.density, PIC.box, 0, **ex)
    assert (d["exact"]["n"], d["exact"]["of"]) == (7200, 7200)
    got = decode_points(_codes(d["exact"]["pts"]).reshape(-1, 2), d["q"])
    assert np.all(np.abs(got - x) <= _tol(d))


@needs_node
def test_records_js_decodes_what_python_decodes():
    tr, rec, d = _clip("hmc", 0.2, chains=2, steps=30, L=4)
    d.update(pack_clip(tr.positions, tr.proposals, tr.accepted, PIC.density, PIC.box, 20, rec=rec,
                       exact=np.array([[0.5, -1.0], [2.0, 0.25]]), exact_of=5))
    out = run_json("records_decode.mjs", stdin=d)
    assert (out["k"], out["per"], out["kind"], out["n"], out["of"]) == (d["rec"]["k"], 4, "hmc", 2, 5)
    want = decode_points(_codes(d["rec"]["pts"]).reshape(-1, 2), d["q"]).ravel()
    np.testing.assert_allclose(out["pts"], want, rtol=1e-6, atol=1e-6)  # (float32 in the browser)
    np.testing.assert_allclose(out["ex"], decode_points(_codes(d["exact"]["pts"]).reshape(-1, 2), d["q"]).ravel(),
                               rtol=1e-6, atol=1e-6)
