"""The "learn an EBM" mode of the landscape page through Streamlit's AppTest: switch to it,
switch the data set, train in ticks (the update counter and the exact-LL chart advance),
pause / resume / reset, change a live setting, sample, anneal, URL clamping, 中文."""

import base64
import json

import numpy as np
from streamlit.testing.v1 import AppTest

from apppages import assert_ok, open_page

JOB = "ebm2d_job"


def _open(query: dict | None = None) -> AppTest:
    return open_page("landscape", query)


_ok = assert_ok


def _metric(at: AppTest, prefix: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(prefix))


def _updates(at: AppTest) -> int:
    return int(_metric(at, "Updates").replace(",", ""))


def _arr(v) -> np.ndarray:
    """A Plotly array from a figure's JSON: a list, or {"dtype", "bdata"} (typed, base64)."""
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
    return np.asarray(v)


def _figure(at: AppTest, title_part: str) -> dict:
    for el in at.get("plotly_chart"):
        spec = json.loads(el.proto.spec)
        title = spec.get("layout", {}).get("title", {})
        text = title.get("text", "") if isinstance(title, dict) else str(title)
        if title_part in text:
            return spec
    raise AssertionError(f"no chart titled …{title_part}…")


def _ll_points(at: AppTest) -> int:
    return len(_arr(_figure(at, "held-out average log-likelihood")["data"][0]["x"]))


def test_switch_to_learning_train_pause_reset():
    at = _open()  # the page opens in the explorer mode
    at.radio(key="mode__en").set_value("learn").run()
    _ok(at)
    # It opens with the shipped model (issue 13 §2): 2,000 updates at the default settings, its
    # held-out log-likelihood as the checkpoint recorded it, the note saying so.
    from ebm_core.io import checkpoint
    from ui.landscape import ebm2d as page

    ck = checkpoint.load(str(page.SHIPPED), "ebm2d")
    assert _updates(at) == ck["meta"]["steps"] == 2000 and at.session_state[JOB]["source"] == "shipped"
    assert abs(float(_metric(at, "Held-out")) - ck["meta"]["heldout_ll"]) < 5e-4
    assert _ll_points(at) == len(ck["meta"]["ll_history"]["update"]) > 10
    assert any("shipped model" in c.value and "default settings" in c.value for c in at.caption)
    # ... and "the page's default settings" is true: every setting but how often it evaluated
    import dataclasses

    from ebm_core.ebm import ebm2d

    shipped_cfg = dataclasses.asdict(ebm2d.Config.from_dict(dict(ck["config"])))
    page_cfg = dataclasses.asdict(at.session_state[JOB]["trainer"].config)
    assert {k: v for k, v in shipped_cfg.items() if k != "eval_every"} == {
        k: v for k, v in page_cfg.items() if k != "eval_every"}
    assert at.button(key=f"{JOB}__start").label.endswith("Train")

    # Train on the shipped model: learning starts again from the flat landscape.
    at.button(key=f"{JOB}__start").click().run()
    _ok(at)
    assert at.session_state[JOB]["source"] == "scratch" and 0 < _updates(at) < 2000
    at.button(key=f"{JOB}__reset").click().run()
    _ok(at)
    assert _updates(at) == 0 and _ll_points(at) == 1  # Reset: the flat start, not the shipped model again
    assert not any("shipped model" in c.value for c in at.caption)

    # Another data set: a new model on it, and the picture shows its points.
    before = _figure(at, "after 0 updates")
    at.selectbox(key="ml_data__en").set_value("moons").run()
    _ok(at)
    assert at.session_state[JOB]["trainer"].config.dataset == "moons"
    after = _figure(at, "after 0 updates")
    assert not np.array_equal(_arr(after["data"][2]["x"]), _arr(before["data"][2]["x"]))  # the data trace

    # Train: every run is one tick; the counter and the exact-LL chart move on.
    at.button(key=f"{JOB}__start").click().run()
    _ok(at)
    u1, p1 = _updates(at), _ll_points(at)
    assert u1 > 0 and p1 == 2
    at.run()
    at.run()
    _ok(at)
    u3, p3 = _updates(at), _ll_points(at)
    assert u3 > u1 and p3 == 4
    ll = _arr(_figure(at, "held-out average log-likelihood")["data"][0]["y"])
    assert np.isfinite(ll).all() and ll[-1] > ll[0]  # moons: a few dozen updates already beat the flat start

    # A live setting (ε) changes the running model without restarting it.
    at.select_slider(key="ml_eps").set_value(0.01).run()
    _ok(at)
    assert at.session_state[JOB]["trainer"].config.step_size == 0.01 and _updates(at) > u3

    # Pause: the ticks stop; Resume: they go on.
    at.button(key=f"{JOB}__pause").click().run()
    paused = _updates(at)
    at.run()
    assert _updates(at) == paused
    at.button(key=f"{JOB}__resume").click().run()
    _ok(at)
    assert _updates(at) > paused

    # Sampling from noise and the annealed-Langevin demo draw animated figures.
    at.button(key="ebm2d_sample_btn").click().run()
    _ok(at)
    spec = _figure(at, "Langevin from uniform noise")
    captions = [step["label"] for step in spec["layout"]["sliders"][0]["steps"]]
    assert 30 <= len(spec["frames"]) == len(captions) <= 41 and len(_arr(spec["frames"][-1]["data"][0]["x"])) == 400
    assert captions[0].startswith("Langevin step 0 of 300") and captions[-1].startswith("Langevin step 300 of 300")
    at.button(key="ebm2d_anneal_btn").click().run()
    _ok(at)
    spec = _figure(at, "Annealed Langevin")
    captions = [step["label"] for step in spec["layout"]["sliders"][0]["steps"]]
    assert captions[0].startswith("noise level σ = 2.00") and captions[-1].startswith("σ = 0")
    # the slide's diffusion step has the drift's sign wrong; the page says so (issue 12)
    assert any(c.value.startswith("Slide erratum") and "+" in c.value for c in at.caption)
    assert len(at.get("download_button")) == 4  # checkpoint, training, sampling and annealing GIFs

    # Reset: back to a fresh, flat model.
    at.button(key=f"{JOB}__reset").click().run()
    _ok(at)
    assert _updates(at) == 0 and _ll_points(at) == 1
    assert at.button(key=f"{JOB}__start").label.endswith("Train")


def test_stop_train_more_and_a_new_architecture():
    at = _open({"mode": "learn", "ml_n": "400", "ml_show": "density"})
    _figure(at, "p_θ(x) after 0 updates")  # the density view
    at.button(key=f"{JOB}__start").click().run()
    assert _updates(at) > 0
    at.button(key=f"{JOB}__stop").click().run()
    stopped = _updates(at)
    assert at.button(key=f"{JOB}__start").label.endswith("Train more")
    at.button(key=f"{JOB}__start").click().run()
    _ok(at)
    assert _updates(at) > stopped  # the same model carries on
    at.select_slider(key="ml_width").set_value(32).run()
    _ok(at)
    tr = at.session_state[JOB]["trainer"]
    assert tr.config.width == 32 and tr.updates == 0 and at.session_state[JOB]["status"] == "idle"


def test_url_values_are_clamped_with_a_note():
    at = _open({"mode": "learn", "ml_k": "999", "ml_eps": "7", "ml_data": "__import__('os')", "ml_seed": "abc"})
    notes = " ".join(w.value for w in at.warning)
    assert "999" in notes and "7" in notes and "__import__" in notes and "abc" in notes
    assert at.slider(key="ml_k").value == 100
    assert at.select_slider(key="ml_eps").value == 0.3
    assert at.session_state[JOB]["trainer"].config.dataset == "8gaussians"


def test_chinese():
    at = _open({"mode": "learn", "lang": "zh"})
    assert any("极大似然" in h.value for h in at.header)
    assert at.button(key=f"{JOB}__start").label == "▶ 开始训练"
    assert at.selectbox(key="ml_data__zh").value == "8gaussians"
    _figure(at, "留出集平均对数似然")


def test_switching_to_chinese_while_training():
    # AppTest formats widget options outside the script (always in English), so every rerun
    # *after* a Chinese run trips over the translated labels; the switch itself is the last run.
    at = _open({"mode": "learn"})
    at.button(key=f"{JOB}__start").click().run()
    u = _updates(at)
    at.session_state["lang"] = "zh"
    at.run()
    _ok(at)
    assert int(_metric(at, "更新次数").replace(",", "")) > u  # still training, now in Chinese
    _figure(at, "留出集平均对数似然")
    assert at.button(key=f"{JOB}__pause").label == ":material/pause: 暂停"
