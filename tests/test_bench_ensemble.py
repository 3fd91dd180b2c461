"""Smoke test for bench/bench_ensemble.py: tiny sizes, structure and positive rates only (no timing thresholds)."""

import importlib.util
import json
from pathlib import Path

import torch

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_ensemble.py"


def test_bench_ensemble_smoke(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("bench_ensemble", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    threads = torch.get_num_threads()
    out = tmp_path / "ens.json"
    res = bench.main(["--chains", "200", "--steps", "10", "--repeats", "1", "--out", str(out)])
    assert torch.get_num_threads() == threads
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(out.read_text()) == json.loads(json.dumps(res))
    assert set(res["chain_steps_per_second"]) == {"with_tv", "without_tv"}
    assert all(v > 0 for v in res["chain_steps_per_second"].values())
    assert res["recording_cost"] == res["seconds"]["with_tv"] / res["seconds"]["without_tv"] - 1
    assert 0 < res["tv_last"] <= 1
