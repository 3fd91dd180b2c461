"""The command line of the 2D EBM: train ebm2d (JSON lines + checkpoint), generate, evaluate,
and one-line errors with exit status 2."""

import contextlib
import io
import json

import numpy as np
import pytest
import torch

from ebm_core.io import checkpoint
from ebm_core.cli import main as cli
from ebm_core.ebm import ebm2d
from ebm_core.data import toy2d

# A small, quick model: the contract does not depend on the size.
SMALL = ["--width", "16", "--depth", "2", "--n-data", "300", "--batch", "64", "--buffer", "256",
         "--langevin-steps", "3", "--grid", "64"]


def _main(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One `train ebm2d` run in-process (what `python -m ebm_core` calls), shared by the tests below."""
    out = tmp_path_factory.mktemp("ebm2d") / "m.pt"
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = cli.main(["train", "ebm2d", "--dataset", "moons", "--steps", "30", "--eval-every", "10",
                         "--log-every", "5", "--seed", "3", "--out", str(out), *SMALL])
    assert code == 0, stderr.getvalue()
    return out, [json.loads(line) for line in stdout.getvalue().strip().splitlines()]


def test_train_prints_json_lines_and_a_summary(trained):
    path, lines = trained
    assert lines[0]["step"] == 0 and "heldout_ll" in lines[0]
    steps = [d["step"] for d in lines[1:-1]]
    assert steps == [5, 10, 15, 20, 25, 30]  # one line per --log-every updates
    for d in lines[1:-1]:
        assert {"data_energy", "sample_energy", "loss"} <= set(d)
        assert ("heldout_ll" in d) == (d["step"] % 10 == 0)  # the exact LL every --eval-every updates
    done = lines[-1]
    assert done["done"] is True and done["steps"] == 30 and done["dataset"] == "moons" and done["seed"] == 3
    assert done["initial_heldout_ll"] == lines[0]["heldout_ll"]
    assert done["heldout_ll"] == pytest.approx(lines[-2]["heldout_ll"])
    assert done["out"] == str(path)


def test_checkpoint_loads_with_weights_only(trained):
    path, lines = trained
    raw = torch.load(path, weights_only=True)
    assert set(raw) == {"kind", "config", "state", "meta"} and raw["kind"] == "ebm2d"
    cfg = raw["config"]
    assert (cfg["dataset"], cfg["width"], cfg["depth"], cfg["seed"]) == ("moons", 16, 2, 3)
    assert raw["meta"]["steps"] == 30 and raw["meta"]["data"]["dataset"] == "moons"
    assert set(raw["state"]) == set(ebm2d.EnergyMLP(16, 2).state_dict())
    model, _ = ebm2d.model_from_checkpoint(raw)
    # The recorded held-out LL is this model's: recompute it on the same grid.
    r = ebm2d.exact_log_likelihood(model, ebm2d.held_out("moons"), toy2d.BOX["moons"], n=64)
    assert r["ll"] == pytest.approx(lines[-1]["heldout_ll"], abs=1e-9)


def test_same_seed_same_model(tmp_path, capsys):
    a, b = tmp_path / "a.pt", tmp_path / "b.pt"
    for p in (a, b):
        code, out, _ = _main(capsys, "train", "ebm2d", "--steps", "6", "--seed", "5", "--out", str(p), *SMALL)
        assert code == 0
    sa, sb = torch.load(a, weights_only=True)["state"], torch.load(b, weights_only=True)["state"]
    for k in sa:
        torch.testing.assert_close(sa[k], sb[k], rtol=0, atol=0)


def test_generate_and_evaluate(trained, tmp_path, capsys):
    path, lines = trained
    out = tmp_path / "s.npz"
    code, stdout, _ = _main(capsys, "generate", str(path), "--n", "123", "--steps", "40", "--step-size", "0.01",
                            "--seed", "2", "--out", str(out))
    assert code == 0
    res = json.loads(stdout)
    d = np.load(out)
    assert d["samples"].shape == (123, 2) and d["samples"].dtype == np.float32
    assert d["energies"].shape == (123,)
    assert toy2d.inside(d["samples"], toy2d.BOX["moons"]).all()  # the model lives on the box
    assert res["n"] == 123 and res["steps"] == 40
    again = tmp_path / "s2.npy"
    assert _main(capsys, "generate", str(path), "--n", "123", "--steps", "40", "--step-size", "0.01",
                 "--seed", "2", "--out", str(again))[0] == 0
    np.testing.assert_array_equal(np.load(again), d["samples"])  # same seed, same samples
    code, stdout, _ = _main(capsys, "evaluate", str(path))
    ev = json.loads(stdout)
    assert code == 0 and ev["grid"] == 400 and ev["n_heldout"] == ebm2d.HELD_OUT_N
    # A finer grid than training's 64: the same number up to the midpoint rule's error.
    assert ev["heldout_ll"] == pytest.approx(lines[-1]["heldout_ll"], abs=0.02)
    assert ev["log_z"] == pytest.approx(lines[-1]["log_z"], abs=0.02)


@pytest.mark.parametrize("argv, needle", [
    (["train", "ebm2d", "--steps", "0", "--out", "x.pt"], "--steps"),
    (["train", "ebm2d", "--dataset", "nope", "--out", "x.pt"], "invalid choice"),
    (["train", "ebm2d", "--step-size", "5", "--out", "x.pt"], "--step-size"),
    (["train", "ebm2d", "--width", "0", "--out", "x.pt"], "--width"),
    (["train", "ebm2d", "--reinit", "2", "--out", "x.pt"], "--reinit"),
    (["train", "ebm2d", "--batch", "500", "--buffer", "100", "--out", "x.pt"], "buffer"),
    (["train", "ebm2d", "--steps", "5"], "--out"),
    (["train", "ebm2d", "--out", "/no/such/dir/x.pt"], "no such folder"),
])
def test_bad_arguments_exit_2_with_one_line(argv, needle, capsys):
    code, out, err = _main(capsys, *argv)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("error:") and needle in err


def test_bad_generate_arguments_and_files(trained, tmp_path, capsys):
    path, _ = trained
    for extra, needle in ((["--n", "0"], "--n"), (["--steps", "0"], "--steps"), (["--step-size", "9"], "--step-size"),
                          (["--temperature", "0"], "--temperature")):
        code, out, err = _main(capsys, "generate", str(path), "--out", str(tmp_path / "o.npz"), *extra)
        assert code == 2 and len(err.strip().splitlines()) == 1 and needle in err
    code, _, err = _main(capsys, "generate", str(path), "--out", str(tmp_path / "o.csv"))
    assert code == 2 and ".npz" in err
    # A checkpoint whose weights do not fit its config.
    raw = torch.load(path, weights_only=True)
    raw["config"]["width"] = 32
    bad = tmp_path / "bad.pt"
    checkpoint.save(str(bad), raw["kind"], raw["config"], raw["state"], raw["meta"])
    code, _, err = _main(capsys, "evaluate", str(bad))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "width 32" in err
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a checkpoint")
    code, _, err = _main(capsys, "generate", str(junk), "--out", str(tmp_path / "o.npz"))
    assert code == 2 and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("flag, field", [("--width", "width"), ("--depth", "depth"), ("--step-size", "step_size"),
                                         ("--reinit", "reinit"), ("--buffer", "buffer_size"), ("--grid", "grid_n")])
def test_flag_ranges_are_the_configs(flag, field, capsys):
    """The flags' bounds are ebm2d.Config's fields' (ebm_core.ranges): one past either end is refused with the
    field's own message; both ends themselves parse."""
    from ebm_core.cli.main import build_parser
    from ebm_core.ranges import ranges

    r = ranges(ebm2d.Config)[field]
    step = 1 if r.integer else max(abs(r.hi), 1e-9) * 1e-3
    for bad in (r.lo - step, r.hi + step):
        value = int(bad) if r.integer else bad
        code, out, err = _main(capsys, "train", "ebm2d", flag, str(value), "--out", "x.pt")
        assert code == 2 and out == "" and r.message(flag, value) in err
    for good in (r.lo, r.hi):
        args = build_parser().parse_args(["train", "ebm2d", flag, str(good), "--out", "x.pt"])
        assert getattr(args, flag[2:].replace("-", "_")) == good
