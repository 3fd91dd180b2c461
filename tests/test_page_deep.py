"""The DBN / DBM page through Streamlit's AppTest: the shipped models load and generate (the DBN with
a clamped label), live training advances in ticks through its phases, fine-tuning shows before vs
after, classification, mean field converges, the DBM bound is reported with its method, URL values
are clamped, 中文 renders."""

from __future__ import annotations

import io
import math
from pathlib import Path

import pytest
import torch
from PIL import Image
from streamlit.testing.v1 import AppTest

from apppages import assert_ok, open_page

ROOT = Path(__file__).resolve().parents[1]
FAST = {"deep_rows": "1", "deep_gibbs": "50", "deep_sweeps": "20"}
HAVE = {k: (ROOT / "assets" / "models" / f"{k}_mnist.pt").is_file() for k in ("dbn", "dbm")}


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


@pytest.mark.skipif(not HAVE["dbn"], reason="assets/models/dbn_mnist.pt not built")
def test_dbn_loads_generates_a_clamped_label_and_classifies():
    at = _open({"deep_label": "3"})
    assert "No Deep belief net (DBN) yet" in at.info[0].value
    _button(at, "Load the pretrained").click().run()
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


@pytest.mark.skipif(not HAVE["dbn"], reason="assets/models/dbn_mnist.pt not built")
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


@pytest.mark.skipif(not HAVE["dbm"], reason="assets/models/dbm_mnist.pt not built")
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
