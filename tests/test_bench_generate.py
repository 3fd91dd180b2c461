"""Smoke test for bench/bench_generate.py: tiny sizes, structure and positive times only (no timing thresholds),
and the bare products it times are the ones the chains need (counted, not timed)."""

import importlib.util
import json
import sys
from pathlib import Path

import torch

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_generate.py"


def _load_bench():
    spec = importlib.util.spec_from_file_location("bench_generate", BENCH)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # its dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


def test_bench_generate_smoke(tmp_path, capsys):
    bench = _load_bench()
    threads = torch.get_num_threads()
    out = tmp_path / "gen.json"
    res = bench.main(["--scale", "0.02", "--repeats", "1", "--threads", "1", "--out", str(out),
                      "--cases", "rbm_page,dbm_page,dbn_page,dbn_generate"])
    assert torch.get_num_threads() == threads  # the bench restores the thread count
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(out.read_text()) == json.loads(json.dumps(res))
    assert set(res["cases"]) == {"rbm_page", "dbm_page", "dbn_page", "dbn_generate"}
    for case in res["cases"].values():
        r = case["threads_1"]
        assert r["chain_seconds"] > 0 and r["bare_seconds"] > 0 and r["ratio"] > 0
        assert r["steps"] == 4
    assert res["cases"]["rbm_page"]["threads_1"]["page_seconds"] > 0  # the page's call: chain, GIF and PNG
    assert "bare_fused_seconds" in res["cases"]["dbm_page"]["threads_1"]  # the joined products, the DBM's floor
    assert "loadavg_before" in res["machine"] and "uptime_before" in res["machine"]


def test_bare_products_match_the_chain_shapes():
    bench = _load_bench()
    models = bench.load_models()
    rbm = models["rbm"][0]
    case = bench.Case("x", "rbm", 7, 3)
    shapes = [(tuple(a.shape), tuple(B.shape)) for a, B, _ in bench.products(case, rbm)]
    assert shapes == [((7, rbm.n_visible), (rbm.n_visible, rbm.n_hidden)), ((7, rbm.n_hidden), (rbm.n_hidden, rbm.n_visible))]
    dbm = models["dbm"][0]
    fused = bench.fused_products(bench.Case("y", "dbm", 5, 3), dbm)
    assert [tuple(o.shape) for _, _, o in fused] == [(5, dbm.n_visible + dbm.n_h2), (5, dbm.n_h1)]
    assert bench.n_frames(200, 5) == 40 and bench.n_frames(7, 5) == 2 and bench.n_frames(7, None) == 0
