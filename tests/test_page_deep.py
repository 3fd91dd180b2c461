"""The DBN / DBM page through Streamlit's AppTest: the shipped models load and generate (the DBN with
a clamped label), live training advances in ticks through its phases, fine-tuning shows before vs
after, classification, mean field converges, the DBM bound is reported with its method and is the
engine's (and the CLI's) number, URL values are clamped, 中文 renders. The shipped checkpoints are part
of the project: a missing one fails these tests."""

from __future__ import annotations

import io
import json
import math

import torch
from PIL import Image
from streamlit.testing.v1 import AppTest

from apppages import assert_ok, open_page
from ebm_core.cli.main import main as cli_main
from ebm_core.deep.dbm import DBM
from ebm_core.deep.dbm_likelihood import dbm_bound
from ebm_core.deep.dbm_training import DBMConfig
from ebm_core.io import checkpoint
from ui.deep import data, sampling

FAST = {"deep_rows": "1", "deep_gibbs": "50", "deep_sweeps": "20"}


def _open(query: dict | None = None) -> AppTest:
    return _ok(open_page("deep", {**FAST, **(query or {})}))


def _ok(at: AppTest) -> AppTest:
    return assert_ok(at, errors=True)


def _button(at: AppTest, text: str):
    return next(b for b in at.button if text in b.label)


def _job(at: AppTest, kind: str) -> dict:
    return at.session_state[f"deep_{kind}_job"]


def _captions(at: AppTest) -> str:
    return " ".join(c for img in at.get("image") for c in img.captions)


def _memo(at: AppTest, kind: str, what: str) -> dict:
    hits = [v for k, v in _job(at, kind)["memo"].items() if k[1] == what]
    assert hits, f"no {what} result memoised"
    return hits[-1]


def _tab(at: AppTest, key: str, label: str) -> None:
    at.session_state[key] = label
    at.run()
    _ok(at)


def test_dbn_loads_generates_a_clamped_label_and_classifies():
    at = _open({"deep_label": "3"})
    assert _job(at, "dbn")["source"] == "pretrained"  # a fresh session opens with the shipped model (issue 13)
    _button(at, "Reset").click().run()  # Reset empties the page (no second automatic load) …
    assert "No Deep belief net (DBN) yet" in at.info[0].value
    _button(at, "Load the pretrained").click().run()  # … and the button brings it back
    _ok(at)
    j = _job(at, "dbn")
    assert j["source"] == "pretrained" and j["model"].labels
    assert any("Pretrained DBN" in m.value for m in at.markdown)
    caps = _captions(at)
    assert "Label: the digit 3; 50 Gibbs steps" in caps and "After 50 steps" in caps
    res = _memo(at, "dbn", "gen")
    assert res["labels"].tolist() == [3] * 10 and res["images"].shape == (10, 784)
    gif = Image.open(io.BytesIO(res["gif"]))
    assert gif.n_frames == res["frames"] >= 10  # the digit forms frame by frame
    # Classify: the exact p(y | h) of the top RBM on all 10,000 test digits.
    _tab(at, "deep_tools_dbn_en", "Classify")
    acc = next(m for m in at.metric if m.label == "Test accuracy")
    assert float(acc.value.rstrip("%")) > 85.0
    assert len(at.get("plotly_chart")) >= 2  # confusion matrix (+ the training curves above)


def test_dbn_fine_tuning_shows_before_and_after():
    at = _open({"deep_ft_more": "1"})
    _button(at, "Load the pretrained").click().run()
    _tab(at, "deep_tools_dbn_en", "Fine-tuning: before vs after")
    before = {k: v.clone() for k, v in _job(at, "dbn")["model"].state().items()}
    _button(at, "Fine-tune with up-down (1 epochs)").click().run()
    _ok(at)
    j = _job(at, "dbn")
    tr = j["trainer"]
    assert j["status"] == "running" and tr.phase == "finetune" and tr.updates > 0
    assert at.progress[0].text.startswith("Up-down fine-tuning")
    for name, v in before.items():  # the greedy snapshot is the model as it was
        assert torch.equal(tr.greedy_state[name], v)
    _button(at, "Stop").click().run()
    _ok(at)
    assert _job(at, "dbn")["status"] == "done"
    labels = [m.label for m in at.metric]
    assert "Before (greedy only)" in labels and any(lab.startswith("After") for lab in labels)
    assert not j["model"].tied or tr.updates == 0


def test_dbn_live_training_ticks_through_the_layers():
    # 3 epochs of 50 updates per layer: more than one tick holds on any CPU (~0.6 s of training per tick).
    at = _open({"deep_dbn_sizes": "300-800", "deep_dbn_epochs": "3", "deep_dbn_ft": "0"})
    _button(at, "Train").click().run()
    _ok(at)
    j = _job(at, "dbn")
    tr = j["trainer"]
    assert j["source"] == "trained" and tr.PHASES == ("layer1", "top", "finetune")
    n1 = tr.updates
    assert n1 > 0 and j["rows"][0]["phase"] == "layer1"
    if tr.phase == "layer1":
        assert at.progress[0].text.startswith("RBM 1 (784 ⟷ 300) by CD: epoch")
        assert "RBM 1's filters so far" in _captions(at)
    at.run()  # the next tick
    _ok(at)
    assert tr.updates > n1 and len(j["rows"]) == tr.updates
    _button(at, "Pause").click().run()
    assert _job(at, "dbn")["status"] == "paused"
    n2 = tr.updates
    at.run()
    assert tr.updates == n2  # paused: no training
    _button(at, "Resume").click().run()
    _ok(at)
    assert tr.updates > n2
    # A setting that decides the model, changed while it trains: the page says which one differs.
    assert not any("differs from the model" in c.value for c in at.caption)
    at.slider(key="deep_dbn_topk").set_value(3).run()
    _ok(at)
    note = next(c.value for c in at.caption if "differs from the model" in c.value)
    assert "(CD-k of the top RBM)" in note and _job(at, "dbn")["trainer"] is tr  # the model carries on


def test_dbm_chains_mean_field_and_bound():
    at = _open({"deep_model": "dbm", "deep_ais_runs": "10", "deep_ais_betas": "200"})
    _button(at, "Load the pretrained").click().run()
    _ok(at)
    j = _job(at, "dbm")
    assert j["chains"] is not None and j["chains"][0].shape[1] == 784
    res = _memo(at, "dbm", "gen")
    assert res["from_chains"] and "From the persistent chains: 20 sweeps" in _captions(at)
    assert 0.0 <= float(res["images"].min()) and float(res["images"].max()) <= 1.0
    _tab(at, "deep_tools_dbm_en", "Mean field, layer by layer")
    mf = _memo(at, "dbm", "mf")
    assert mf["converged"] and mf["deltas"][-1] < 1e-4 and mf["picks"][0] == 0
    assert "converged: yes" in " ".join(c.value for c in at.caption)
    _tab(at, "deep_tools_dbm_en", "Likelihood bound (AIS)")
    _button(at, "Estimate log Z and the bound").click().run()
    _ok(at)
    rec = j["ais"][-1]
    assert rec["runs"] == 10 and rec["betas"] == 200
    assert math.isfinite(rec["test"]) and rec["test"] < 0 and rec["test_low"] <= rec["test"] <= rec["test_high"]
    # The number shown is the engine's protocol on the page's digits (2,000 per split), seed from the sidebar;
    # with the app's one torch thread (app.py), so that sums add up in the same order.
    x, _ = data.dataset("train")
    xt, _ = data.dataset("test")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        eng = dbm_bound(j["model"], x, xt, runs=10, betas=200, seed=0, n_eval=sampling.N_BOUND).as_dict()
    finally:
        torch.set_num_threads(threads)
    assert {k: v for k, v in rec.items() if k in eng and k != "seconds"} == {k: v for k, v in eng.items() if k != "seconds"}
    assert rec["n_test"] == rec["n_train"] == sampling.N_BOUND
    text = " ".join(m.value for m in at.markdown)
    assert "mean-field bound per digit" in text and "x/255 > 0.5" in text


def test_dbm_live_training_starts_with_doubled_pretraining():
    at = _open({"deep_model": "dbm", "deep_dbm_sizes": "500-1000", "deep_dbm_pre": "3", "deep_dbm_epochs": "1"})
    _button(at, "Train").click().run()
    _ok(at)
    j = _job(at, "dbm")
    tr = j["trainer"]
    assert tr.updates > 0 and j["rows"][0]["phase"] == "pretrain1"
    assert at.progress[0].text.startswith("Pretraining the")
    # The bottom RBM counts v twice going up, the top one h² twice going down.
    assert (tr._rbm.up, tr._rbm.down) == ((2.0, 1.0) if tr.phase == "pretrain1" else (1.0, 2.0))


def test_url_values_are_clamped_and_chinese_renders():
    at = _open({"deep_dbn_epochs": "999", "deep_gibbs": "7", "lang": "zh"})
    notes = " ".join(w.value for w in at.warning)
    assert "999" in notes and "50" in notes  # clamped to the slider's top
    assert at.session_state["deep_dbn_epochs"] == 50
    assert at.title[0].value == "深度信念网络与深度玻尔兹曼机"
    _tab(at, "deep_tools_dbn_zh", "讲义中的公式")
    assert len(at.get("latex")) >= 4


def test_page_cli_and_engine_give_the_same_dbm_bound(tmp_path, capsys, monkeypatch):
    """One protocol (ebm_core.deep.dbm_likelihood.dbm_bound): the page's computation on the CLI's digits, the CLI's
    evaluate (in-process) and the engine function give the same numbers for the same model and seed."""
    model = DBM(784, 20, 10, seed=3, visible_rates=data.dataset("train")[0].mean(0))
    g = torch.Generator().manual_seed(1)
    model.W1 += 0.05 * torch.randn(model.W1.shape, generator=g)  # not the trivial start: a real log Z to estimate
    model.W2 += 0.05 * torch.randn(model.W2.shape, generator=g)
    x, _ = data.dataset("train")
    xt, _ = data.dataset("test")
    path = tmp_path / "dbm.pt"
    meta = {"data_source": "auto", "train_size": int(x.shape[0]), "binarization": "threshold", "binarization_seed": 0}
    checkpoint.save(str(path), "dbm", DBMConfig(n_h1=20, n_h2=10).as_dict(), model.state(), meta)
    capsys.readouterr()
    assert cli_main(["evaluate", str(path), "--runs", "4", "--betas", "60", "--seed", "7"]) == 0
    cli = json.loads(capsys.readouterr().out)

    engine = dbm_bound(model, x, xt, runs=4, betas=60, seed=7)
    monkeypatch.setattr(sampling, "N_BOUND", None)  # the page's computation on all the digits, as the CLI
    page = sampling.bound(model, 4, 60, 7)
    drop = lambda d: {k: v for k, v in d.items() if k != "seconds"}  # noqa: E731
    assert drop(page.as_dict()) == drop(engine.as_dict())
    assert (cli["log_z"], cli["log_z_low"], cli["log_z_high"], cli["ais_ess"]) == \
        (engine.log_z, engine.log_z_low, engine.log_z_high, engine.ess)
    assert (cli["test_lower_bound"], cli["train_lower_bound"], cli["test_lower_bound_bracket"]) == \
        (engine.test, engine.train, [engine.test_low, engine.test_high])
    assert cli["test_size"] == engine.n_test == xt.shape[0] and cli["runs"] == 4 and cli["betas"] == 60
    assert engine.log_z_low <= engine.log_z <= engine.log_z_high and engine.test < 0
