"""The MCMC page's step-size adaptation panel through Streamlit's AppTest: it runs dual averaging
for the page's settings, shows the history and the acceptance reached, and "use" puts the
adapted step (snapped to a notch) on the page's step-size slider; refused samplers say why."""

import base64
import json

import numpy as np

from streamlit.testing.v1 import AppTest

from apppages import DRAWN, ROOT, assert_ok, open_page

from ebm_core.mcmc.tuning import run_adaptive
from ebm_core.landscapes.energies import REGISTRY
from ebm_core.mcmc.samplers import spread_starts


def _spec(at, key: str) -> dict:
    charts = [c for c in at.get("plotly_chart") if c.proto.id.endswith(key)]
    assert charts, f"chart {key} missing"
    return json.loads(charts[0].proto.spec)


def _array(v) -> np.ndarray:
    """A Plotly array from the figure's JSON (plain list or base64 "bdata")."""
    if isinstance(v, dict):
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"])
    return np.asarray(v)


def _metric(at, prefix: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(prefix))


def _button(at, key: str):
    return next(b for b in at.button if b.key == key)


def test_adapt_then_use_the_step_on_the_page():
    q = {"target": "banana", "sampler": "mala", "T": "1", "chains": "4", "steps": "1200", "m": "600", "seed": "3",
         "eps": "0.05", "ta_mala": "0.6"}
    at = open_page("mcmc", q)
    at.session_state["mcmc_autotune"] = True
    assert_ok(at.run(), errors=True)
    assert "Tune the step size automatically" in [e.label for e in at.expander]
    assert at.slider(key="ta_mala").value == 0.6
    _button(at, "at_run").click()
    assert_ok(at.run(), errors=True)
    eps = float(_metric(at, "Adapted step"))
    reached = float(_metric(at, "Acceptance after burn-in"))
    # The page ran the engine's adaptation with its own settings (spread starts, seed 3, ε₀ = 0.05).
    energy = REGISTRY["banana"]
    ref = run_adaptive("mala", energy, spread_starts(energy, 4, 3), 1200, 600, 0.6, 3, 1.0, 0.05, 10)
    assert eps == float(f"{ref.step_size:.4g}") and reached == float(f"{ref.kept_acceptance():.3f}")
    hist = _spec(at, "at_history_chart")
    assert len(hist["data"]) == 3 and len(_array(hist["data"][0]["x"])) == 600
    assert np.allclose(_array(hist["data"][1]["y"]), ref.step_bar.astype(np.float32))  # ε̄_t as drawn
    use = _button(at, "at_use")
    notch = float(use.label.split("(")[1].split(" ")[0])
    assert notch in (0.3, 0.5, 0.8) and abs(notch - ref.step_size) <= min(abs(o - ref.step_size) for o in (0.3, 0.5, 0.8))
    use.click()
    assert_ok(at.run(), errors=True)
    assert at.session_state["eps"] == notch
    assert any(f"now {notch:g}" in s.value for s in at.success)


def test_refused_samplers_and_short_burn_in_say_why():
    at = open_page("mcmc", {"target": "gaussian", "sampler": "ula", "chains": "2", "steps": "200", "m": "20"})
    at.session_state["mcmc_autotune"] = True
    assert_ok(at.run(), errors=True)
    assert any("no accept step" in i.value for i in at.info)
    at = open_page("mcmc", {"target": "gaussian", "sampler": "mh", "chains": "2", "steps": "200", "m": "20",
                            "ta_mh": "3"})
    at.session_state["mcmc_autotune"] = True
    assert_ok(at.run())
    assert at.slider(key="ta_mh").value == 0.95  # an out-of-range URL value is clamped, with a note
    assert any("at least 100" in w.value for w in at.warning)


def test_panel_in_chinese():
    # (AppTest cannot rerun this page in 中文 — its radio keeps the English label — so the panel is
    # opened before the first run, as tests/test_page_truth_panels.py does.)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for k, v in {"lang": "zh", "target": "gaussian", "sampler": "hmc", "chains": "2", "steps": "300",
                 "m": "150"}.items():
        at.query_params[k] = v
    at.session_state[DRAWN] = True
    at.session_state["mcmc_autotune"] = True
    at.switch_page(str(ROOT / "app_pages" / "mcmc.py"))
    assert_ok(at.run(), errors=True)
    assert "自动调节步长" in [e.label for e in at.expander]
    assert _button(at, "at_run").label == "运行自适应"
    assert at.slider(key="ta_hmc").label == "目标接受率 δ" and at.slider(key="ta_hmc").value == 0.65
