"""The RBM command line, in process: train tiny → generate → evaluate, one-line errors for bad
arguments, and the likelihood bracket the page shows (the one subprocess smoke test of the whole
command line lives in tests/test_cli.py)."""

import contextlib
import io
import json

import numpy as np
import pytest
import streamlit as st
import torch

from ebm_core.rbm import ais
from ebm_core.io.checkpoint import load
from ebm_core.cli.main import main
from ebm_core.data import mnist
from ebm_core.rbm.model import RBM

TINY = ["train", "rbm", "--hidden", "8", "--epochs", "2", "--k", "2", "--train-size", "300", "--batch-size", "50",
        "--data", "shipped", "--seed", "3", "--threads", "1"]


def _json_lines(text):
    return [json.loads(line) for line in text.strip().splitlines()]


@pytest.fixture(scope="module")
def tiny_checkpoint(tmp_path_factory):
    out = tmp_path_factory.mktemp("rbm") / "tiny.pt"
    buf = io.StringIO()  # capsys is per test; this fixture is per module
    with contextlib.redirect_stdout(buf):
        assert main([*TINY, "--out", str(out)]) == 0
    return out, _json_lines(buf.getvalue())


def test_train_prints_a_json_line_per_epoch_and_writes_a_checkpoint(tiny_checkpoint):
    path, lines = tiny_checkpoint
    assert [d.get("epoch") for d in lines[:2]] == [1, 2] and lines[-1]["done"] is True and len(lines) == 3
    for key in ("recon_error", "pseudo_log_likelihood", "free_energy_gap", "seconds"):
        assert key in lines[0]
    assert lines[-1]["binarization"] == "threshold x/255 > 0.5" and lines[-1]["algorithm"] == "CD-2"
    ck = torch.load(path, weights_only=True)  # plain tensors and numbers only
    assert ck["kind"] == "rbm"
    assert ck["state"]["W"].shape == (784, 8) and ck["state"]["b"].shape == (784,) and ck["state"]["c"].shape == (8,)
    meta = ck["meta"]
    assert meta["binarization"] == "threshold" and meta["epochs"] == 2 and meta["seed"] == 3
    assert meta["train_size"] == 300 and meta["data"].startswith("shipped") and len(meta["history"]) == 2
    assert meta["command"].startswith("python -m ebm_core train rbm --hidden 8 --epochs 2 --k 2")
    assert ck["config"]["k"] == 2 and ck["config"]["batch_size"] == 50 and ck["config"]["persistent"] is False


def test_generate_writes_n_by_784_in_unit_interval(tiny_checkpoint, tmp_path, capsys):
    path, _ = tiny_checkpoint
    out = tmp_path / "s.npy"
    assert main(["generate", str(path), "--n", "7", "--gibbs-steps", "20", "--seed", "1", "--out", str(out)]) == 0
    info = json.loads(capsys.readouterr().out)
    x = np.load(out)
    assert x.shape == (7, 784) and x.dtype == np.float32 and x.min() >= 0 and x.max() <= 1
    assert info["shape"] == [7, 784] and info["gibbs_steps"] == 20
    # same seed, same samples; .npz works too
    out2 = tmp_path / "s.npz"
    assert main(["generate", str(path), "--n", "7", "--gibbs-steps", "20", "--seed", "1", "--out", str(out2)]) == 0
    np.testing.assert_array_equal(np.load(out2)["samples"], x)


def test_evaluate_reports_exact_and_ais_numbers(tiny_checkpoint, capsys):
    path, _ = tiny_checkpoint
    assert main(["evaluate", str(path), "--ais", "--runs", "30", "--betas", "300", "--threads", "1"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    r = json.loads(out[0])
    for key in ("log_z", "log_z_low", "log_z_high", "test_avg_log_likelihood", "train_avg_log_likelihood",
                "binarization", "runs", "betas", "exact_log_z", "test_avg_log_likelihood_bracket"):
        assert key in r, key
    assert r["runs"] == 30 and r["betas"] == 300 and r["binarization"] == "threshold x/255 > 0.5"
    rbm = RBM.from_state(load(str(path), "rbm")["state"])
    assert r["exact_log_z"] == pytest.approx(ais.exact_log_z(rbm), abs=1e-9)
    assert r["log_z_low"] <= r["log_z"] <= r["log_z_high"]
    assert abs(r["log_z"] - r["exact_log_z"]) < 0.2  # an 8-hidden-unit RBM after 2 epochs is easy for AIS
    lo, hi = r["test_avg_log_likelihood_bracket"]
    assert lo <= r["test_avg_log_likelihood"] <= hi
    assert r["test_size"] == 10000 and r["train_size"] == 300
    # Without --ais a small RBM still gets its exact likelihood.
    assert main(["evaluate", str(path)]) == 0
    plain = json.loads(capsys.readouterr().out)
    assert plain["log_z"] == plain["exact_log_z"] and plain["method"] == "exact enumeration"


@pytest.mark.parametrize("args, needle", [
    (["train", "rbm", "--hidden", "0", "--out", "x.pt"], "--hidden"),
    # the bounds are CDConfig's own (argparse types from its ranged fields)
    (["train", "rbm", "--hidden", "10001", "--out", "x.pt"], "--hidden must be a whole number between 1 and 10000"),
    (["train", "rbm", "--k", "2.5", "--out", "x.pt"], "--k must be a whole number"),
    (["train", "rbm", "--momentum", "0.995", "--out", "x.pt"], "--momentum must be a number between 0 and 0.99"),
    (["train", "rbm", "--seed", "-1", "--out", "x.pt"], "--seed"),
    (["train", "rbm", "--k", "0", "--out", "x.pt"], "--k"),
    (["train", "rbm", "--lr", "-1", "--out", "x.pt"], "--lr"),
    (["train", "rbm", "--lr", "nan", "--out", "x.pt"], "--lr"),
    (["train", "rbm", "--momentum", "1.5", "--out", "x.pt"], "--momentum"),
    (["train", "rbm", "--weight-decay", "-0.1", "--out", "x.pt"], "--weight-decay"),
    (["train", "rbm", "--batch-size", "0", "--out", "x.pt"], "--batch-size"),
    (["train", "rbm", "--epochs", "0", "--out", "x.pt"], "--epochs"),
    (["train", "rbm", "--binarization", "otsu", "--out", "x.pt"], "invalid choice"),
    (["train", "rbm", "--chains", "5", "--out", "x.pt"], "--pcd"),
    (["train", "rbm", "--train-size", "1", "--out", "x.pt"], "--train-size"),
    (["train", "rbm", "--data", "/nonexistent/folder", "--out", "x.pt"], "MNIST source"),
    (["train", "rbm", "--hidden", "5"], "required"),
])
def test_bad_train_arguments_exit_2_with_one_line(args, needle, capsys):
    assert main(args) == 2
    cap = capsys.readouterr()
    err = cap.err.strip().splitlines()
    assert cap.out == "" and len(err) == 1 and err[0].startswith("error:") and needle in err[0], cap.err


@pytest.mark.parametrize("args, needle", [
    (["generate", "{ck}", "--gibbs-steps", "0", "--out", "{tmp}/a.npy"], "--gibbs-steps"),
    (["generate", "{ck}", "--temperature", "0", "--out", "{tmp}/a.npy"], "--temperature"),
    (["generate", "{ck}", "--label", "3", "--out", "{tmp}/a.npy"], "--label"),
    (["generate", "{ck}", "--out", "{tmp}/a.txt"], ".npy or .npz"),
    (["generate", "{ck}", "--n", "0", "--out", "{tmp}/a.npy"], "--n"),
    (["evaluate", "{ck}", "--ais", "--runs", "1"], "--runs"),
    (["evaluate", "{ck}", "--ais", "--betas", "2"], "--betas"),
    (["evaluate", "{ck}", "--runs", "10"], "need --ais"),
    (["evaluate", "{tmp}/missing.pt"], "no such file"),
])
def test_bad_generate_evaluate_arguments_exit_2_with_one_line(args, needle, tiny_checkpoint, tmp_path, capsys):
    path, _ = tiny_checkpoint
    argv = [a.format(ck=path, tmp=tmp_path) for a in args]
    assert main(argv) == 2
    cap = capsys.readouterr()
    err = cap.err.strip().splitlines()
    assert cap.out == "" and len(err) == 1 and err[0].startswith("error:") and needle in err[0], cap.err


def test_a_size_limit_keeps_images_and_labels_together():
    """--train-size takes a random subset of the (class-sorted) shipped digits: the labels the DBN
    trains and is scored with must be those of the very digits taken, not of the first N."""
    import numpy as np

    from ebm_core.cli.common import load_binary
    from ebm_core.data import mnist
    full = mnist.load("train", "shipped")
    v, d, _ = load_binary("train", "shipped", "threshold", 0, 300)
    idx = mnist.subset_indices(len(full), 300)
    assert v.shape[0] == len(d) == 300
    np.testing.assert_array_equal(d.labels, full.labels[idx])
    np.testing.assert_array_equal(v.numpy(), mnist.binarize(full.images[idx], "threshold"))
    assert len(np.unique(d.labels)) == 10  # not 300 zeros


def test_page_cli_and_engine_give_the_same_likelihood_bracket(tiny_checkpoint, capsys):
    """One protocol (ais.likelihood_bracket): the engine call, ``evaluate --ais`` and the RBM page's
    AIS tool, on the same checkpoint, data and seed, report the very same numbers."""
    from ui.kit import jobs
    from ui.rbm import tools, training

    path, _ = tiny_checkpoint
    ck = load(str(path), "rbm")
    rbm = RBM.from_state(ck["state"])
    seed = int(ck["meta"]["binarization_seed"])  # the page seeds AIS with the model's binarisation seed
    # the digits the model is judged on: its 300 training digits (the fixed random subset), the test split
    full = mnist.load("train", "shipped")
    train = mnist.binarize(full.images[mnist.subset_indices(len(full), 300)], "threshold")
    test = mnist.binarize(mnist.load("test", "shipped").images, "threshold")
    br = ais.likelihood_bracket(rbm, test, train, runs=20, betas=200, seed=seed)
    assert br.exact is not None and br.n_train == 300 and br.n_test == 10000
    assert br.log_z_low <= br.log_z <= br.log_z_ais_high <= br.log_z_high
    assert br.log_z_high == max(br.log_z_ais_high, br.log_z_reverse)
    assert br.test_ll_low <= br.test_ll_pessimistic and br.test_ll_low <= br.test_ll <= br.test_ll_high

    assert main(["evaluate", str(path), "--ais", "--runs", "20", "--betas", "200", "--seed", str(seed)]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert (cli["log_z"], cli["log_z_low"], cli["log_z_high"]) == (br.log_z, br.log_z_low, br.log_z_high)
    assert cli["log_z_ais_band"] == [br.log_z_low, br.log_z_ais_high]
    assert cli["log_z_reverse_ais"] == br.log_z_reverse and cli["ais_ess"] == br.ess
    assert cli["test_avg_log_likelihood"] == br.test_ll and cli["train_avg_log_likelihood"] == br.train_ll
    assert cli["test_avg_log_likelihood_bracket"] == [br.test_ll_low, br.test_ll_high]
    assert cli["exact_log_z"] == br.exact.log_z and cli["exact_test_avg_log_likelihood"] == br.exact.test_ll

    # the page, with this checkpoint as its model (what "Load" makes of a checkpoint), no browser
    st.session_state[training.JOB] = jobs.fresh(rbm=rbm, trainer=None, source="pretrained", config=dict(ck["config"]),
                                            meta=dict(ck["meta"]), batches=[], ais=[])
    try:
        seen = []

        class Bar:
            def progress(self, value, text=""):
                seen.append(value)

        rec = tools.run_ais(20, 200, Bar())
    finally:
        st.session_state.pop(training.JOB, None)
    page = {k: v for k, v in br.as_dict().items() if k not in ("exact", "seconds", "base")}
    assert {k: rec[k] for k in page} == page
    assert rec["exact_log_z"] == br.exact.log_z and rec["test_ll_exact"] == br.exact.test_ll
    assert seen and seen[-1] == 1.0 and seen == sorted(seen)  # forward fills the bar's first half, reverse the rest
