"""The class load harness (bench/load_class.py) at a tiny size: 2 students, ~10 s on /mcmc.

Structure and sanity only (every move answered or superseded, no errors, positive bytes, RSS and
CPU read); no timing thresholds: the full scenarios are benches, not tests.
"""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _load_bench():
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location("load_class", BENCH / "load_class.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_widget_states_are_what_the_frontend_sends():
    """Defaults as Chromium sends them (captured): select slider -> formatted option strings,
    slider -> doubles, selectbox -> the option's label, number input -> int, checkbox -> bool."""
    _load_bench()
    from load.client import widget_state
    from streamlit.proto.Element_pb2 import Element

    el = Element()
    el.slider.id, el.slider.default[:] = "a", [6]
    el.slider.options[:] = ["0.05", "0.1", "0.2", "0.3", "0.5", "0.7", "1.0"]
    assert list(widget_state("slider", el.slider).string_array_value.data) == ["1.0"]
    el.slider.set_value, el.slider.raw_value[:] = True, ["0.7"]
    assert list(widget_state("slider", el.slider).string_array_value.data) == ["0.7"]
    el = Element()
    el.slider.id, el.slider.default[:] = "b", [4.0]
    assert list(widget_state("slider", el.slider).double_array_value.data) == [4.0]
    el.selectbox.id, el.selectbox.default, el.selectbox.options[:] = "c", 1, ["x", "y"]
    assert widget_state("selectbox", el.selectbox).string_value == "y"
    el.number_input.id, el.number_input.default, el.number_input.data_type = "d", 3, 0
    assert widget_state("number_input", el.number_input).int_value == 3
    el.checkbox.id = "e"
    assert widget_state("checkbox", el.checkbox).bool_value is False
    assert widget_state("button", el.button) is None


@pytest.mark.slow
def test_two_students_on_mcmc(tmp_path):
    bench = _load_bench()
    out = tmp_path / "load.json"
    [res] = bench.main(["--page", "mcmc", "--students", "2", "--duration", "10", "--every", "2.5",
                        "--grace", "10", "--ramp", "1", "--settle", "1", "--out", str(out)])
    assert json.loads(out.read_text()) == json.loads(json.dumps(res))
    assert res["scenario"]["page"] == "mcmc" and res["scenario"]["n"] == 2
    assert res["students_loaded"] == 2
    assert res["errors"]["total"] == 0, res["errors"]
    mv = res["moves"]
    assert mv["done"] >= 4
    # every move gets its picture, unless the student moved on before it came (superseded)
    assert mv["answered"] >= mv["done"] // 2 and mv["answered"] + mv["lost"] == mv["done"]
    assert mv["lost_that_were_last"] == 0
    for key in ("to_picture_s", "to_settled_s"):
        s = mv[key]
        assert s["n"] >= 1 and 0 < s["p50"] <= s["p95"] <= s["max"] < 30
    assert mv["near_requests"] >= 1  # the canvas's neighbour requests are sent, as in a browser
    assert res["bytes"]["per_page_load_mean"] > 10_000 and res["bytes"]["per_move_mean"] > 1_000
    srv = res["server"]
    assert srv["rss_before_students_mb"] > 100 and srv["peak_rss_mb"] >= srv["rss_before_students_mb"]
    assert srv["mb_per_session"] is not None and srv["cpu_cores_mean"] > 0
    assert res["machine"]["loadavg_at_start"] and res["warmup"]["page_load_s"] > 0


@pytest.mark.slow
@pytest.mark.browser
def test_a_move_through_the_harness_is_what_chromium_sends(tmp_path):
    """One T move on /mcmc through Chromium and through a virtual student on one server: the same
    rerun (event, page hash, fragment, every widget state), the same answer (clip key and
    signature) and the same full run (element counts)."""
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("/usr/bin/chromium is missing")
    pytest.importorskip("playwright")
    bench = _load_bench()
    [res] = bench.main(["--crosscheck", "--out", str(tmp_path / "cc.json")])
    assert res["match"], res["checks"]
