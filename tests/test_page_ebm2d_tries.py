"""Every "things to try" item of the learn-an-EBM mode is one click (``ui.landscape.tries``), and its
claim holds with the numbers the page shows after that click and the updates the claim names
(issue 12 §5). The updates are run on the page's own trainer (as Train's ticks run them, without
waiting for ticks), then the page is drawn and read."""

import base64
import json

import numpy as np
import pytest

from apppages import assert_ok, open_page
from ui.landscape.tries import TRIES

JOB = "ebm2d_job"


def _tried(item: str, label: str, updates: int):
    # start from another state, with a model trained in it: the button must set the whole state
    # and start afresh
    at = open_page("landscape", {"mode": "explore", "ml_eps": "0.05", "ml_alpha": "0.5", "ml_reinit": "0.5"})
    at.radio(key="mode__en").set_value("learn").run()
    at.session_state[JOB]["trainer"].step(20)
    at.button(key=f"{item}__{label}").click().run()
    assert_ok(at)
    tr = at.session_state[JOB]["trainer"]
    assert tr.updates == 0
    tr.step(updates)
    tr.evaluate()
    at.run()
    assert_ok(at)
    return at


def _metric(at, prefix: str) -> float:
    v = next(m.value for m in at.metric if m.label.startswith(prefix))
    return float(v.rstrip("%").replace(",", "")) / (100 if v.endswith("%") else 1)


def _data_energy(at) -> float:
    """The last point of the "data" curve of the mean-energies chart."""
    for el in at.get("plotly_chart"):
        spec = json.loads(el.proto.spec)
        if "mean energy" in str(spec.get("layout", {}).get("title", "")).lower():
            y = next(tr for tr in spec["data"] if tr.get("name") == "data")["y"]
            if isinstance(y, dict):  # a typed array: {"dtype", "bdata"}
                y = np.frombuffer(base64.b64decode(y["bdata"]), dtype=np.dtype(y["dtype"]))
            return float(y[-1])
    raise AssertionError("no energy chart")


def test_try_1_a_ring_then_eight_wells():
    at = _tried("tries_ebm2d_1", "try_it", 200)
    assert -3.15 < _metric(at, "Held-out") < -2.85  # the ring
    at.session_state[JOB]["trainer"].step(400)
    at.session_state[JOB]["trainer"].evaluate()
    at.run()
    assert _metric(at, "Held-out") > -2.75  # eight wells (true density: −2.49)


@pytest.mark.parametrize("label, low, high", [("ebm2d_try_reinit0", 0.0, 0.2), ("ebm2d_try_reinit1", 0.3, 0.65)])
def test_try_2_restarting_chains_leave_negatives_off_the_data(label, low, high):
    at = _tried("tries_ebm2d_2", label, 400)
    assert low <= _metric(at, "Negatives off") <= high
    gap = _metric(at, "E(samples)")
    assert gap < 1.5 if label.endswith("0") else gap > 2.5


def test_try_3_cd1_negatives_never_leave_the_data():
    at = _tried("tries_ebm2d_3", "try_it", 400)
    # (every button is drawn, and this one set the whole state: its values, the rest at their defaults)
    for k, v in TRIES["tries_ebm2d_3"][0].state.items():
        assert str(at.session_state[k]) == str(v), k
    assert at.session_state["ml_eps"] == 0.02 and at.session_state["ml_alpha"] == 0.1
    assert {f"{k}__{b.label}" for k, bs in TRIES.items() for b in bs} <= {b.key for b in at.button}
    assert _metric(at, "Negatives off") == 0.0 and abs(_metric(at, "E(samples)")) < 0.15
    assert _metric(at, "Held-out") < -3.0


def test_try_4_no_regularisation_lets_the_energies_drift():
    at = _tried("tries_ebm2d_4", "ebm2d_try_alpha0", 200)
    assert _data_energy(at) < -8.0  # α = 0.1: ≈ −0.7


def test_try_4_a_large_step_size_gives_wide_negatives_and_a_sharper_model():
    at = _tried("tries_ebm2d_4", "ebm2d_try_eps", 400)
    assert _metric(at, "Negatives off") > 0.4 and _metric(at, "E(samples)") > 4.0
