"""Smoke test for bench/bench_mh.py: tiny sizes, structure and positive rates only (no timing thresholds)."""

import importlib.util
import json
from pathlib import Path

import numpy as np
import torch

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_mh.py"


def _load_bench():
    spec = importlib.util.spec_from_file_location("bench_mh", BENCH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_bench_mh_smoke(tmp_path, capsys):
    bench = _load_bench()
    threads = torch.get_num_threads()
    out = tmp_path / "mh.json"
    res = bench.main(["--chains", "100", "--steps", "20", "--repeats", "1", "--out", str(out)])
    assert torch.get_num_threads() == threads  # the bench restores the thread count

    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(out.read_text()) == json.loads(json.dumps(res))

    for key in ("machine", "chains", "steps", "variants", "ratios_engine_over_numpy"):
        assert key in res
    assert res["chains"] == 100 and res["steps"] == 20
    for key in ("cpu_model", "cpu_count", "torch", "numpy", "threads_tested"):
        assert key in res["machine"]
    names = {"engine_run_chains_t2", "engine_run_chains_t1", "engine_step_only_t2", "engine_step_only_t1", "numpy"}
    assert set(res["variants"]) == names
    for v in res["variants"].values():
        assert v["chain_steps_per_second"] > 0
        for check in ("check_mean_y", "check_mean_y2"):
            assert np.isfinite(v[check]["estimate"]) and v[check]["se"] > 0
    assert set(res["ratios_engine_over_numpy"]) == names - {"numpy"}
    assert all(r > 0 for r in res["ratios_engine_over_numpy"].values())


def test_numpy_energy_matches_engine():
    bench = _load_bench()
    from ebm_core.landscapes.energies import REGISTRY

    x = torch.randn(257, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(1)) * 3
    ref = REGISTRY["mixture"](x).numpy()
    np.testing.assert_allclose(bench.NUMPY_ENERGY(x.numpy()), ref, rtol=1e-12, atol=1e-12)
