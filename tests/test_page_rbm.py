"""The RBM page through Streamlit's AppTest: the shipped model generates digits; live CD training
advances in ticks (Start / Pause / Resume / Stop) and records its statistics; changed settings
are noticed; every live view and tool draws; clamp-and-fill keeps the visible pixels; AIS reports
log Z against the exact value for a small hidden layer; URL values are clamped; 中文 renders."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from apppages import assert_ok, open_page

# Small and quick unless a test says otherwise: 10 chains of 50 Gibbs steps.
FAST = {"rbm_chains": "10", "rbm_gibbs": "50"}


def _open(query: dict | None = None) -> AppTest:
    return _ok(open_page("rbm", {**FAST, **(query or {})}))


def _ok(at: AppTest) -> AppTest:
    return assert_ok(at, errors=True)


def _button(at: AppTest, text: str):
    return next(b for b in at.button if text in b.label)


def _job(at: AppTest) -> dict:
    return at.session_state["rbm_job"]


def _images(at: AppTest) -> list:
    return list(at.get("image"))


def _captions(at: AppTest) -> str:
    return " ".join(c for img in _images(at) for c in img.captions)


def _tab(at: AppTest, key: str, label: str) -> None:
    at.session_state[key] = label
    at.run()
    _ok(at)


def _gif_frames(data: bytes) -> list[np.ndarray]:
    im = Image.open(io.BytesIO(data))
    frames = []
    for i in range(im.n_frames):
        im.seek(i)
        frames.append(np.asarray(im.convert("L"), dtype=np.int16))
    return frames


def _tiles(frame: np.ndarray, ncols: int, pad: int = 1, side: int = 28) -> list[np.ndarray]:
    """The 28x28 tiles of the first row of a grid drawn by ebm_core.viz.digits at scale 1."""
    cell = side + pad
    return [frame[pad:pad + side, pad + c * cell: pad + c * cell + side] for c in range(ncols)]


def _train_to_end(at: AppTest, max_ticks: int = 200) -> None:
    """Press Train, then let the ticks run (one per AppTest run) until the last epoch is done."""
    _button(at, "Train").click().run()
    for _ in range(max_ticks):
        if _job(at)["status"] != "running":
            return
        at.run()
    raise AssertionError(f"training still running after {max_ticks} ticks")


def _memo(at: AppTest, kind: str) -> dict:
    hits = [v for k, v in _job(at)["memo"].items() if k[1] == kind]
    assert hits, f"no {kind} result memoised"
    return hits[-1]


def test_pretrained_model_generates_digits():
    at = _open()
    assert _job(at)["source"] == "pretrained"  # a fresh session opens with the shipped model (issue 13)
    _button(at, "Reset").click().run()  # Reset empties the page (no second automatic load) …
    assert "No model yet" in at.info[0].value  # the empty state shows the data and the two ways in
    _button(at, "Load the pretrained model").click().run()  # … and the button brings it back
    _ok(at)
    j = _job(at)
    assert j["source"] == "pretrained" and j["rbm"].n_visible == 784
    assert any(f"pretrained RBM 784–{j['rbm'].n_hidden}" in m.value for m in at.markdown)
    # the Gibbs-chains tab (open by default): the animated chain and the final grid
    caps = _captions(at)
    assert "block-Gibbs chains from uniform noise, 50 steps" in caps and "After 50 steps" in caps
    clip = _memo(at, "samples")
    frames = _gif_frames(clip["gif"])
    assert len(frames) == clip["frames"] >= 2
    assert not np.array_equal(frames[0], frames[-1])  # noise at the start, digits at the end
    final = clip["final"].numpy()
    assert final.shape == (10, 784) and 0.0 <= final.min() and final.max() <= 1.0
    # from noise to digits: the chains start with half the pixels inked (10 x 784 Bernoulli(1/2): mean
    # 0.5 ± 0.006), and end with the ink of a digit (binarised MNIST: 5-30 % of the pixels)
    assert abs(float(clip["start_ink"]) - 0.5) < 0.03
    ink = final.mean(1)
    assert np.all((ink > 0.03) & (ink < 0.35)), ink
    # new chains: another seed, another clip
    _button(at, "New chains").click().run()
    _ok(at)
    assert not np.array_equal(_memo(at, "samples")["final"].numpy(), final)


def test_training_ticks_advance_and_record_statistics():
    # 5,000 digits, batch 50, 5 epochs: 500 updates of CD-25 on 200 hidden units, each ~0.8 GFLOP
    # (400 GFLOP in all), so that the three working ticks below (at most 0.6 s each) cannot finish
    # the job on any CPU: at this machine's ~100 GFLOP/s peak that takes 4 s (the test counts
    # work, never seconds; with 1 epoch a fast tick had finished it before "Stop").
    at = _open({"rbm_hidden": "200", "rbm_batch": "50", "rbm_epochs": "5", "rbm_k": "25", "rbm_method": "cd"})
    _button(at, "Train").click().run()
    _ok(at)
    j = _job(at)
    tr = j["trainer"]
    assert j["source"] == "trained" and tr.config.k == 25 and not tr.config.persistent and tr.config.n_hidden == 200
    p1 = at.progress[0].value
    n1 = len(j["batches"])
    assert 0 < p1 < 100 and n1 > 0
    assert at.progress[0].text.startswith("Epoch 1 / 5 · batch ")
    stats = j["batches"][-1]
    for key in ("recon_error", "pos_vh", "neg_vh", "free_energy_data", "free_energy_neg"):
        assert np.isfinite(stats[key]), key
    # while it runs, the chains tab shows the negative samples the update used (no extra sampling)
    assert "negative samples v^(k) of the last update (CD-25" in _captions(at)
    at.run()  # the next tick
    _ok(at)
    assert len(_job(at)["batches"]) > n1 and at.progress[0].value >= p1
    # Pause: ticks do no work
    _button(at, "Pause").click().run()
    n2 = len(_job(at)["batches"])
    at.run()
    assert len(_job(at)["batches"]) == n2 and _job(at)["status"] == "paused"
    _button(at, "Resume").click().run()
    _ok(at)
    assert len(_job(at)["batches"]) > n2
    # Stop: done, and "Train more" offered
    _button(at, "Stop").click().run()
    assert _job(at)["status"] == "done"
    assert any("Train more" in b.label for b in at.button)
    # the metric is the mean reconstruction error of the last 20 updates the trainer reported
    errs = [b["recon_error"] for b in _job(at)["batches"]]
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["Reconstruction error"]) == pytest.approx(np.mean(errs[-20:]), abs=1e-4)


def test_changed_settings_are_noticed_and_used_after_reset():
    at = _open({"rbm_hidden": "25", "rbm_digits": "500", "rbm_epochs": "1"})
    _button(at, "Train").click().run()
    assert _job(at)["trainer"].config.k == 5  # the default
    at.slider(key="rbm_k").set_value(3).run()
    at.select_slider(key="rbm_hidden").set_value(50).run()
    _ok(at)
    note = " ".join(c.value for c in at.caption)
    assert "differs from the model being trained" in note and "Hidden units" in note and "CD-k" in note
    _button(at, "Reset").click().run()
    assert _job(at).get("rbm") is None
    _button(at, "Train").click().run()
    _ok(at)
    tr = _job(at)["trainer"]
    assert tr.config.k == 3 and tr.rbm.W.shape == (784, 50)


def test_every_live_view_draws_after_training():
    # PCD on stochastically binarised digits this time
    at = _open({"rbm_hidden": "25", "rbm_digits": "1000", "rbm_epochs": "2", "rbm_batch": "50", "rbm_method": "pcd",
                "rbm_bin": "stochastic", "rbm_seed": "7"})
    _train_to_end(at)
    _ok(at)
    tr = _job(at)["trainer"]
    assert tr.done and len(tr.history) == 2 and tr.config.persistent and tr.chains is not None
    assert tr.config.binarization == "stochastic" and set(tr.data.unique().tolist()) == {0.0, 1.0}
    assert any("PCD-5" in m.value and "stochastic Bernoulli(x/255), seed 7" in m.value for m in at.markdown)
    _tab(at, "rbm_tabs_en", "Filters W")
    assert "first 25 of 25 hidden units" in _captions(at)
    _tab(at, "rbm_tabs_en", "Reconstructions")
    assert "reconstructions p(v | h)" in _captions(at)
    _tab(at, "rbm_tabs_en", "Free energy")
    chart = at.get("plotly_chart")
    assert len(chart) == 1 and "training digits" in chart[0].proto.spec and "model samples" in chart[0].proto.spec
    _tab(at, "rbm_tabs_en", "Training curves")
    spec = at.get("plotly_chart")[0].proto.spec
    assert "Reconstruction error" in spec and "pseudo-LL, test digits" in spec
    _tab(at, "rbm_tabs_en", "Positive vs negative phase")
    spec = at.get("plotly_chart")[0].proto.spec
    assert "positive phase (data)" in spec and "negative phase (chains)" in spec


def test_clamp_and_fill_keeps_the_visible_pixels():
    at = _open({"rbm_hidden": "50", "rbm_digits": "1000", "rbm_epochs": "1", "rbm_digit": "3", "rbm_part": "bottom"})
    _train_to_end(at)
    _ok(at)  # the clamp tab is the first tool tab: open
    caps = _captions(at)
    assert "The original (a 0)" in caps  # test digit #3 of the official t10k split is a 0
    frames = _gif_frames(_memo(at, "clamp")["gif"])
    assert len(frames) >= 3
    top = np.s_[:14, :]  # "bottom" hidden: the top 14 rows are clamped
    for frame in frames:
        original, shown, *fills = _tiles(frame, 10)
        assert np.all(shown[14:] == shown[14, 0]) and shown[14, 0] not in (0, 255)  # hidden part drawn grey
        for f in fills:
            assert np.array_equal(f[top], original[top])  # visible pixels stay clamped in every frame
    # the hidden half was filled differently by the first and the last frame (the chains moved)
    assert not np.array_equal(_tiles(frames[0], 10)[2][14:], _tiles(frames[-1], 10)[2][14:])
    at.selectbox(key="rbm_part__en").set_value("left").run()
    _ok(at)
    frames = _gif_frames(_memo(at, "clamp")["gif"])
    original, shown, *fills = _tiles(frames[-1], 10)
    assert all(np.array_equal(f[:, 14:], original[:, 14:]) for f in fills)


def test_ais_reports_log_z_next_to_the_exact_value():
    # 15 hidden units: the exact log Z enumerates 2^15 hidden states.
    at = _open({"rbm_hidden": "15", "rbm_digits": "1000", "rbm_epochs": "1", "rbm_ais_runs": "100",
                "rbm_ais_betas": "1000"})
    _train_to_end(at)
    _tab(at, "rbm_tools_en", "Log-likelihood (AIS)")
    _button(at, "Estimate log-likelihood (AIS)").click().run()
    _ok(at)
    a = _job(at)["ais"][-1]
    assert a["runs"] == 100 and a["betas"] == 1000 and a["exact_log_z"] is not None
    # The displayed band is log(Ẑ ± 3 s.e.) over the 100 runs; the exact value must lie inside it
    # (widened by 0.05 nats for the O(1/K) annealing bias of 1,000 steps on a 15-unit model).
    assert a["log_z_low"] - 0.05 <= a["exact_log_z"] <= a["log_z_high"] + 0.05, a
    # the CLI's bracket (ais.likelihood_bracket): the upper end widened by reverse AIS
    assert a["log_z_high"] == max(a["log_z_ais_high"], a["log_z_reverse"]) and a["reverse_digits"] == 100
    text = " ".join(m.value for m in at.markdown)
    assert text.count("binarisation: threshold x/255 > 0.5") >= 4  # next to every likelihood
    assert "Exact (enumerating the hidden layer)" in text
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["Exact log Z (enumerated)"]) == pytest.approx(a["exact_log_z"], abs=0.01)
    # the estimate joins the training curves as a point
    _tab(at, "rbm_tabs_en", "Training curves")
    assert "AIS test log-likelihood" in at.get("plotly_chart")[0].proto.spec


def test_tiny_lab_and_formulas():
    at = _open()
    _tab(at, "rbm_tools_en", "Tiny RBM: CD's bias vs k")
    assert at.get("plotly_chart"), "the CD-k bias chart is missing"
    _tab(at, "rbm_tools_en", "Formulas and things to try")
    tex = " ".join(x.value for x in at.get("latex"))
    for part in (r"E(v, h) = -b^\top v - c^\top h - v^\top W h", r"\langle v_i h_j \rangle_{\text{data}}",
                 r"\underbrace{0.05}_{\eta}", r"\underbrace{0.5}_{\nu}"):
        assert part in tex, part


def test_url_values_are_clamped_with_a_visible_note():
    at = _open({"rbm_hidden": "99999", "rbm_k": "0", "rbm_T": "50", "rbm_method": "__import__('os')",
                "rbm_lr": "abc", "rbm_epochs": "1e9"})
    # one note per bad value, naming the control, the value (as code: never Markdown), the allowed
    # range and what is used
    # (the bounds are the page's, inside the engine's: k's 1 … 25 within CDConfig's 1 … 1000)
    assert sorted(w.value for w in at.warning) == sorted([
        "Hidden units n_h: `99999` is outside 10 … 1000; using 1000.",
        "Gibbs steps per update k (CD-k): `0` is outside 1 … 25; using 1.",
        "Negative phase: `__import__('os')` is not valid; using CD-k: chains restart at the data.",
        "Learning rate η: `abc` is not valid; using 0.05.",
        "Epochs: `1e9` is outside 1 … 100; using 100.",
        "Sampling temperature T: `50` is outside 0.2 … 3.0; using 3.0."])
    assert at.select_slider(key="rbm_hidden").value == 1000
    assert at.slider(key="rbm_k").value == 1
    assert at.select_slider(key="rbm_T").value == 3.0
    assert at.select_slider(key="rbm_lr").value == 0.05
    assert at.slider(key="rbm_epochs").value == 100
    assert at.selectbox(key="rbm_method__en").value == "cd"


def test_chinese_page_renders():
    at = _open({"lang": "zh"})
    assert at.title[0].value.startswith("受限玻尔兹曼机")
    _button(at, "加载预训练模型").click().run()
    _ok(at)
    assert "吉布斯链从均匀噪声出发" in _captions(at)
    _tab(at, "rbm_tools_zh", "公式与动手试试")
    assert any("动手试试" in h.value for h in at.subheader)


def test_controls_lie_inside_the_engines_ranges():
    """Every training control's bounds or options are allowed by the CDConfig field it sets (the
    ranges the engine validates and the CLI's argparse checks), and the sampling and AIS ones by
    the engine's own ranges: the page cannot offer what the engine would refuse."""
    from ebm_core import ranges as R
    from ebm_core.rbm import ais
    from ebm_core.rbm.cd import TRAIN_SIZE, CDConfig
    from ebm_core.rbm.model import GIBBS_STEPS
    from ui.rbm import specs

    cd = R.ranges(CDConfig)
    engine = {name: cd[key] for name, key in specs.CHANGED.items() if key in cd}
    engine.update(epochs=cd["epochs"], digits=TRAIN_SIZE, gibbs=GIBBS_STEPS, T=R.TEMPERATURE, ais_runs=ais.RUNS, ais_betas=ais.BETAS)
    assert set(engine) >= {"hidden", "k", "lr", "momentum", "decay", "batch", "epochs", "seed", "digits"}
    for name, r in engine.items():
        spec = specs.SPECS[name]
        values = [float(o) for o in spec.options] if spec.options else [spec.lo, spec.hi]
        assert all(r.ok(v) for v in values), (name, values, r)
    # a class-sized option list outside the engine's range is refused when the page is built
    with pytest.raises(ValueError, match="outside"):
        from ui.kit import params as P
        P.among("x", "x", 5, cd["k"], (5, 2000))
