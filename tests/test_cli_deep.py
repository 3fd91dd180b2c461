"""The command-line contract for DBN and DBM: train, generate, evaluate; JSON lines; checkpoints that
load with weights_only; user mistakes as one line with exit status 2."""

import json

import numpy as np
import pytest
import torch

from ebm_core.io import checkpoint
from ebm_core.cli import main as cli
from ebm_core.deep.dbm_training import DBMConfig
from ebm_core.deep.dbn import DBNConfig
from ebm_core.ranges import ranges


def run(capsys, *args) -> tuple[int, list[dict], str]:
    code = cli.main([str(a) for a in args])
    out = capsys.readouterr()
    lines = [json.loads(x) for x in out.out.strip().splitlines() if x.strip()]
    return code, lines, out.err


@pytest.fixture(scope="module")
def dbn_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("dbn") / "dbn.pt"
    code = cli.main(["train", "dbn", "--sizes", "20,16,30", "--epochs", "1", "--finetune-epochs", "1",
                     "--train-size", "300", "--batch-size", "50", "--data", "shipped", "--seed", "4", "--threads", "1",
                     "--out", str(path)])
    assert code == 0
    return path


@pytest.fixture(scope="module")
def dbm_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("dbm") / "dbm.pt"
    code = cli.main(["train", "dbm", "--sizes", "20,10", "--pretrain-epochs", "1", "--epochs", "1",
                     "--chains", "7", "--train-size", "300", "--batch-size", "50", "--data", "shipped", "--seed", "4",
                     "--threads", "1", "--out", str(path)])
    assert code == 0
    return path


def test_train_dbn_writes_a_checkpoint_and_json_lines(dbn_file, capsys):
    capsys.readouterr()
    ck = checkpoint.load(dbn_file, "dbn")  # weights_only=True inside
    assert ck["config"]["sizes"] == [20, 16, 30] and ck["config"]["labels"] is True
    m = ck["meta"]
    assert m["binarization"] == "threshold" and m["seed"] == 4 and m["epochs"] == 1 and m["train_size"] == 300
    assert m["command"].startswith("python -m ebm_core train dbn --sizes 20,16,30")
    assert [h["phase"] for h in m["history"]] == ["layer1", "layer2", "top", "finetune"]
    assert 0 <= m["test_accuracy"] <= 1 and 0 <= m["greedy_test_accuracy"] <= 1
    assert ck["state"]["R0"].shape == (784, 20) and ck["state"]["top_U"].shape == (10, 30)


def test_generate_dbn_with_a_label(dbn_file, tmp_path, capsys):
    out = tmp_path / "threes.npy"
    code, lines, _ = run(capsys, "generate", dbn_file, "--n", 6, "--label", 3, "--gibbs-steps", 20, "--seed", 1,
                         "--out", out)
    assert code == 0 and len(lines) == 1
    arr = np.load(out)
    assert arr.shape == (6, 784) and arr.dtype == np.float32 and 0 <= arr.min() and arr.max() <= 1
    assert lines[0]["labels"] == [3] * 6 and lines[0]["gibbs_steps"] == 20
    # Same seed, same digits.
    out2 = tmp_path / "again.npy"
    run(capsys, "generate", dbn_file, "--n", 6, "--label", 3, "--gibbs-steps", 20, "--seed", 1, "--out", out2)
    np.testing.assert_array_equal(arr, np.load(out2))


def test_evaluate_dbn_reports_label_accuracy(dbn_file, capsys):
    code, lines, _ = run(capsys, "evaluate", dbn_file)
    assert code == 0 and len(lines) == 1
    r = lines[0]
    assert r["kind"] == "dbn" and r["fine_tuned"] is True and r["test_size"] == 10_000
    assert 0 <= r["test_accuracy"] <= 1 and "free energy" in r["method"]
    conf = np.array(r["test_confusion"])
    assert conf.sum() == 10_000 and np.trace(conf) / 10_000 == pytest.approx(r["test_accuracy"], abs=1e-6)
    assert r["binarization"] == "threshold x/255 > 0.5"


def test_train_dbm_stores_chains_generate_continues_them(dbm_file, tmp_path, capsys):
    ck = checkpoint.load(dbm_file, "dbm")
    s = ck["state"]
    assert s["W1"].shape == (784, 20) and s["W2"].shape == (20, 10)
    assert s["chain_v"].shape == (7, 784) and s["chain_v"].dtype == torch.uint8
    assert [h["phase"] for h in ck["meta"]["history"]] == ["pretrain1", "pretrain2", "joint"]
    assert "Algorithm 20.1" in ck["meta"]["algorithm"]
    out = tmp_path / "s.npy"
    code, lines, _ = run(capsys, "generate", dbm_file, "--n", 9, "--gibbs-steps", 5, "--out", out)
    assert code == 0 and lines[0]["start"] == "the checkpoint's persistent chains"
    arr = np.load(out)
    assert arr.shape == (9, 784) and 0 <= arr.min() and arr.max() <= 1


def test_evaluate_dbm_reports_a_bound_with_its_method(dbm_file, capsys):
    code, lines, _ = run(capsys, "evaluate", dbm_file, "--runs", 10, "--betas", 200)
    assert code == 0
    r = lines[0]
    assert r["kind"] == "dbm" and r["runs"] == 10 and r["betas"] == 200
    lo, hi = r["test_lower_bound_bracket"]
    assert lo <= r["test_lower_bound"] <= hi
    assert r["log_z_low"] <= r["log_z"] <= r["log_z_high"] and 1 <= r["ais_ess"] <= 10 + 1e-9
    assert "variational lower bound" in r["method"] and "AIS" in r["method"] and "{v, h²} summed out" in r["method"]
    assert r["binarization"] == "threshold x/255 > 0.5"
    assert r["test_lower_bound"] < 0  # a log-probability of 784 binary pixels


def test_same_seed_same_dbm(dbm_file, tmp_path, capsys):
    again = tmp_path / "again.pt"
    code, _, _ = run(capsys, "train", "dbm", "--sizes", "20,10", "--pretrain-epochs", 1, "--epochs", 1, "--chains", 7,
                     "--train-size", 300, "--batch-size", 50, "--data", "shipped", "--seed", 4, "--threads", 1,
                     "--out", again)
    assert code == 0
    a, b = checkpoint.load(dbm_file)["state"], checkpoint.load(again)["state"]
    for k in a:
        assert torch.equal(a[k], b[k]), k


@pytest.mark.parametrize("args, needle", [
    (["train", "dbm", "--sizes", "10", "--out", "x.pt"], "--sizes needs 2"),
    (["train", "dbn", "--sizes", "a,b", "--out", "x.pt"], "comma-separated"),
    (["train", "dbn", "--sizes", "10,10", "--epochs", "0", "--out", "x.pt"], "--epochs"),
    (["train", "dbn", "--sizes", "10,99999", "--out", "x.pt"], "--sizes must be between"),
    (["train", "dbm", "--lr", "-1", "--out", "x.pt"], "--lr"),
    (["train", "dbm", "--pretrain-epochs", "0", "--epochs", "0", "--out", "x.pt"], "nothing to train"),
    (["train", "dbn", "--batch-size", "500", "--train-size", "100", "--out", "x.pt"], "exceeds"),
])
def test_user_mistakes_are_one_line(args, needle, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, lines, err = run(capsys, *args)
    assert code == 2 and lines == []
    assert needle in err and len(err.strip().splitlines()) == 1


def test_label_mistakes(dbn_file, dbm_file, tmp_path, capsys):
    code, _, err = run(capsys, "generate", dbm_file, "--label", 3, "--out", tmp_path / "a.npy")
    assert code == 2 and "no label units" in err
    code, _, err = run(capsys, "generate", dbn_file, "--label", 12, "--out", tmp_path / "a.npy")
    assert code == 2 and "--label" in err
    code, _, err = run(capsys, "evaluate", dbn_file, "--ais")
    assert code == 2 and "label accuracy" in err
    path = tmp_path / "nolab.pt"
    assert run(capsys, "train", "dbn", "--sizes", "8,8", "--no-labels", "--epochs", 1, "--finetune-epochs", 0,
               "--train-size", 100, "--data", "shipped", "--out", path)[0] == 0
    code, _, err = run(capsys, "generate", path, "--label", 1, "--out", tmp_path / "b.npy")
    assert code == 2 and "--labels" in err
    code, lines, _ = run(capsys, "evaluate", path)
    assert code == 0 and "test_accuracy" not in lines[0] and lines[0]["test_recon_error"] > 0


def test_exit_status_and_one_error_line(capsys):
    # In-process: main returns the status that ``python -m ebm_core`` exits with (tests/test_cli.py runs
    # the one subprocess smoke test of the project).
    code, lines, err = run(capsys, "train", "dbm", "--sizes", "1,2,3", "--out", "x.pt")
    assert code == 2 and lines == []
    assert err.strip().startswith("error:") and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("kind, config, flag, field", [
    ("dbn", DBNConfig, "--epochs", "epochs"), ("dbn", DBNConfig, "--top-k", "top_k"),
    ("dbn", DBNConfig, "--finetune-lr", "finetune_lr"), ("dbn", DBNConfig, "--momentum", "momentum"),
    ("dbm", DBMConfig, "--chains", "n_chains"), ("dbm", DBMConfig, "--mf-tol", "mf_tol"),
    ("dbm", DBMConfig, "--gibbs-steps", "gibbs_steps"), ("dbm", DBMConfig, "--weight-decay", "weight_decay"),
    ("dbm", DBMConfig, "--anneal-epochs", "anneal_epochs"),
])
def test_flag_ranges_are_the_configs(kind, config, flag, field, capsys, tmp_path, monkeypatch):
    """The flags' bounds are the config fields' (ebm_core.ranges): one past either end is refused with the
    field's own message, and the CLI never holds a second copy of a range."""
    monkeypatch.chdir(tmp_path)
    r = ranges(config)[field]
    step = 1 if r.integer else max(abs(r.hi), 1e-9) * 1e-3
    for bad in (r.lo - step, r.hi + step):
        text = str(int(bad)) if r.integer else repr(bad)
        code, lines, err = run(capsys, "train", kind, "--sizes", "8,8", flag, text, "--out", "x.pt")
        assert code == 2 and lines == []
        assert r.message(flag, int(bad) if r.integer else bad) in err
