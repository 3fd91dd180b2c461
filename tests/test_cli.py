"""The command line contract: python -m ebm_core targets | sample.

The commands run in-process (``ebm_core.cli.main.main``, output read with ``capsys``); one
smoke test runs the real ``python -m ebm_core`` in a subprocess.
"""

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from ebm_core.cli.main import main
from ebm_core.mcmc.config import RANGES

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def _run(capsys):
    """``_run(*args)`` -> (returncode, stdout, stderr) of the CLI, run in this process."""
    def run(*args):
        code = main(list(args))
        out = capsys.readouterr()
        return SimpleNamespace(returncode=code, stdout=out.out, stderr=out.err)
    return run


def test_python_m_ebm_core_runs_in_a_subprocess():
    """The one real process: the module entry point, its exit status and its stdout."""
    r = subprocess.run([sys.executable, "-m", "ebm_core", "targets"], cwd=ROOT, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    names = [t["name"] for t in json.loads(r.stdout)["targets"]]
    assert {"gaussian", "mixture", "banana", "donut", "funnel", "squiggle", "u1", "u2", "custom"} <= set(names)


def test_sample_writes_npz_and_one_json_object(_run, tmp_path):
    out = tmp_path / "run.npz"
    r = _run("sample", "--target", "gaussian", "--sampler", "mala", "--steps", "400", "--chains", "3",
             "--step-size", "0.2", "--temperature", "1.5", "--seed", "4", "--burn-in", "100", "--out", str(out))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 1
    res = json.loads(lines[0])
    for key in ("acceptance_rate", "ess_bulk", "rhat", "exact_mean", "exact_cov", "sample_mean", "sample_cov"):
        assert key in res
    np.testing.assert_allclose(res["exact_cov"], 1.5 * np.array([[1, 0.9], [0.9, 1]]), atol=1e-4)
    d = np.load(out)
    assert d["positions"].shape == (401, 3, 2)
    assert d["accepted"].shape == (400, 3) and d["accepted"].dtype == bool
    assert d["energies"].shape == (401, 3)
    # The summary is computed from exactly these draws after burn-in m = 100.
    np.testing.assert_allclose(res["sample_mean"], d["positions"][101:].reshape(-1, 2).mean(0))
    assert res["acceptance_rate"] == pytest.approx(d["accepted"][100:].mean())


def test_same_seed_same_file(_run, tmp_path):
    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    for p in (a, b):
        assert _run("sample", "--target", "banana", "--steps", "50", "--seed", "9", "--out", str(p)).returncode == 0
    np.testing.assert_array_equal(np.load(a)["positions"], np.load(b)["positions"])


def test_custom_formula(_run):
    r = _run("sample", "--target", "custom", "--formula", "(x**2 + y**2 - 4)**2 / 2 + 0.5*sin(3*x)", "--steps", "100")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["formula"].startswith("(x**2")


def test_custom_formula_box(_run):
    """A ring of radius 6 reaches past the default [-4, 4]²: the exact numbers still cover all of
    p_T (the samplers are not confined to the drawn box), the same as when drawn on [-8, 8]²."""
    ring = ["sample", "--target", "custom", "--formula", "(x**2 + y**2 - 36)**2 / 50", "--steps", "50"]
    small = json.loads(_run(*ring).stdout)
    wide = json.loads(_run(*ring, "--box", "8").stdout)
    assert small["grid_warnings"] == [] == wide["grid_warnings"] and abs(wide["exact_mean"][0]) < 1e-9
    np.testing.assert_allclose(small["exact_cov"], wide["exact_cov"], rtol=1e-4)
    # Only a density that is not normalisable still warns.
    flat = json.loads(_run("sample", "--target", "custom", "--formula", "-(x**2 + y**2)/50", "--steps", "50").stdout)
    assert flat["grid_warnings"] == ["mass_at_edge"]


@pytest.mark.parametrize("args, needle", [
    (["sample", "--target", "nope"], "invalid choice"),
    (["sample", "--target", "gaussian", "--steps", "0"], "--steps"),
    (["sample", "--target", "gaussian", "--temperature", "-1"], "--temperature"),
    (["sample", "--target", "gaussian", "--step-size", "nan"], "--step-size"),
    (["sample", "--target", "gaussian", "--steps", "10", "--burn-in", "10"], "--burn-in"),
    (["sample", "--target", "gaussian", "--sampler", "nuts"], "invalid choice"),
    (["sample", "--target", "gaussian", "--box", "8"], "--box"),
    (["sample", "--target", "custom", "--formula", "x*x+y*y", "--box", "0"], "--box"),
    (["sample", "--target", "custom"], "needs a formula"),
    (["sample", "--target", "custom", "--formula", "__import__('os').system('echo pwned')"], "bad formula"),
    (["sample", "--target", "gaussian", "--chains", "abc"], "--chains must be a whole number"),
    ([], "required"),
])
def test_bad_arguments_exit_non_zero_with_one_line(_run, args, needle):
    r = _run(*args)
    assert r.returncode == 2
    assert r.stdout == ""
    err = r.stderr.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:") and needle in err[0], r.stderr
    assert "pwned" not in r.stdout + r.stderr.replace("echo pwned", "")


def test_hmc_leapfrog_flag_has_one_name_and_the_old_one_still_works(_run, tmp_path):
    runs = []
    for flag in ("--n-leapfrog", "--leapfrog"):
        out = tmp_path / f"{flag}.npz"
        r = _run("sample", "--target", "gaussian", "--sampler", "hmc", "--steps", "20", "--chains", "2", flag, "3",
                 "--out", str(out))
        assert r.returncode == 0, r.stderr
        runs.append(np.load(out)["positions"])
    np.testing.assert_array_equal(*runs)
    other = tmp_path / "l7.npz"
    assert _run("sample", "--target", "gaussian", "--sampler", "hmc", "--steps", "20", "--chains", "2",
                "--n-leapfrog", "7", "--out", str(other)).returncode == 0
    assert not np.array_equal(runs[0], np.load(other)["positions"])  # the flag reaches the sampler


@pytest.mark.parametrize("flag, name", [("--steps", "steps"), ("--chains", "chains"), ("--step-size", "step_size"),
                                        ("--temperature", "temperature"), ("--n-leapfrog", "n_leapfrog"),
                                        ("--seed", "seed"), ("--burn-in", "burn_in")])
def test_flag_ranges_are_the_engine_ranges(_run, flag, name):
    """Each flag accepts its declared range's ends and refuses just beyond them."""
    r = RANGES[name]
    fmt = (lambda v: str(int(v))) if r.integer else repr
    below = r.lo - 1 if r.integer else r.lo / 2
    above = r.hi + 1 if r.integer else r.hi * 2
    for bad in (below, above):
        res = _run("sample", "--target", "gaussian", flag, fmt(bad))
        assert res.returncode == 2 and flag in res.stderr, (flag, bad, res.stderr)
    ok = _run("sample", "--target", "gaussian", "--steps", "5", "--chains", "1", flag, fmt(r.lo))
    if name not in ("steps", "chains"):  # (their low end is checked by the runs above)
        assert ok.returncode == 0, ok.stderr
