"""The landscape explorer through Streamlit's AppTest: every target renders, the temperature
moves the numbers the way the theory says, URL values are clamped with a note, refused
formulas and typed points leave the page intact, and 中文 renders."""

import base64
import json
import math

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from apppages import open_page

from ebm_core.landscapes.targets import target_names

N_CHARTS = 5  # surface, map, cross-section, log Z(T), and the open tab of the masses (now / over T)


def _open(query: dict | None = None, walkers: int = 2) -> AppTest:
    return open_page("landscape", {"walkers": str(walkers), **(query or {})})  # few chains keep the suite quick


def _metric(at: AppTest, prefix: str) -> float:
    return float(next(m.value for m in at.metric if m.label.startswith(prefix)))


def _spec(at: AppTest, key: str) -> dict:
    charts = [c for c in at.get("plotly_chart") if c.proto.id.endswith(key)]
    assert charts, f"chart {key} missing"
    return json.loads(charts[0].proto.spec)


@pytest.mark.parametrize("target", [n for n in target_names() if n != "custom"] + ["custom"])
def test_every_target_renders(target):
    at = _open({"energy": target})
    assert not at.error, [e.value for e in at.error]
    assert len(at.get("plotly_chart")) == N_CHARTS
    assert len(at.metric) == 4
    mass = _metric(at, "Mass in basin 1")
    assert 0 < mass <= 1
    assert math.isfinite(_metric(at, "log Z(T)"))
    tex = " ".join(x.value for x in at.get("latex"))
    assert r"p_T(x) = \frac{1}{Z(T)}" in tex and r"\Delta E" in tex


def test_temperature_moves_the_numbers():
    at = _open({"energy": "mixture"})
    assert _metric(at, "log Z(T)") == pytest.approx(0.0, abs=1e-4)  # the mixture is a normalised density
    assert _metric(at, "Mass in basin 1") == pytest.approx(0.4, abs=1e-3)
    surface = _spec(at, "ls_surface")["data"][0]["z"]
    at.select_slider(key="temp").set_value(0.05).run()
    assert _metric(at, "Mass in basin 1") > 0.99  # T -> 0 picks the deepest well
    assert _spec(at, "ls_surface")["data"][0]["z"] != surface  # p_T reshaped
    at.select_slider(key="temp").set_value(20.0).run()
    assert _metric(at, "log Z(T)") > 4.0  # heading for log|box| = log 100 = 4.605
    assert _metric(at, "Mass in basin 1") == pytest.approx(0.39, abs=0.05)  # ~ its area share
    bars = _spec(at, "ls_masses")
    assert bars["data"][0]["name"] == "P_T(basin)" and "T = 20" in bars["layout"]["title"]["text"]
    at.session_state["ls_tabs_en"] = "Over T"  # the other tab: masses against T, current T marked
    at.run()
    sweep = _spec(at, "ls_sweep")
    assert len(sweep["data"]) == 3 and len(at.get("plotly_chart")) == N_CHARTS
    assert sweep["layout"]["shapes"][0]["x0"] == 20.0


def test_view_and_cross_section_controls():
    at = _open({"energy": "u1"})
    at.radio(key="view__en").set_value("energy").run()
    assert any("clipped" in c.value for c in at.caption)
    at.radio(key="cut__en").set_value("basins").run()
    at.number_input(key="from").set_value(2).run()
    at.number_input(key="to").set_value(1).run()
    assert not at.exception and not at.error
    assert any("lowest pass from basin 2 into basin 1" in c.value for c in at.caption)
    at.radio(key="cut__en").set_value("typed").run()
    assert at.text_input(key="ab").value  # prefilled with the two deepest minima
    at.text_input(key="ab").set_value("-3, 0; 3, 0").run()
    assert any("A = (-3.00, 0.00), B = (3.00, 0.00)" in m.value for m in at.markdown)


def test_url_values_are_clamped_with_a_visible_note():
    at = _open({"temp": "999", "walkers": "500", "view": "__import__('os')", "wseed": "abc", "cut": "basins",
                "from": "50", "to": "3"})
    notes = " ".join(w.value for w in at.warning)
    assert "999" in notes and "500" in notes and "abc" in notes and "__import__" in notes and "50" in notes
    assert at.select_slider(key="temp").value == 20.0
    assert at.slider(key="walkers").value == 16
    assert at.radio(key="view__en").value == "density"
    # basin 12 (the clamped URL value) does not exist on the 3-mode mixture: a note, basin 3 used
    assert any("only 3 basin" in c.value for c in at.caption)
    assert len(at.get("plotly_chart")) == N_CHARTS


@pytest.mark.parametrize("bad", ["1, 2", "100, 0; 0, 0", "a, b; c, d", "0, 0; 0, 0"])
def test_bad_typed_points_show_an_error_and_the_default_section(bad):
    at = _open({"cut": "typed", "ab": bad})
    assert at.error and ("two points" in at.error[0].value or "inside the picture" in at.error[0].value)
    assert len(at.get("plotly_chart")) == N_CHARTS


@pytest.mark.parametrize("formula", ["__import__('os').system('touch {pwned}')", "open('{pwned}', 'w').write('x')",
                                     "x.__class__", "9**9**9", "(x**2 - 1)**2 +"])
def test_a_refused_formula_shows_why_and_the_page_stays(formula, tmp_path):
    pwned = tmp_path / "pwned"  # what the payload would create, were it ever run
    at = _open({"energy": "custom", "expr": formula.format(pwned=pwned)})
    assert at.error and "not accepted" in at.error[0].value
    assert len(at.get("plotly_chart")) == N_CHARTS  # drawn with the last valid formula
    assert tmp_path.is_dir() and not pwned.exists()


def test_a_typed_formula_gives_its_basins_and_barrier():
    at = _open({"energy": "custom", "expr": "(x**2 - 1)**2 + y**2"})
    assert not at.error
    assert _metric(at, "Mass in basin 1") == pytest.approx(0.5, abs=1e-6)  # two mirror-image wells
    tex = " ".join(x.value for x in at.get("latex"))
    assert "= 1.000," in tex  # ΔE = 1 along the segment between the minima


def test_improper_formula_says_so():
    at = _open({"energy": "custom", "expr": "log(-1 - x**2)"})
    assert any("not finite anywhere" in e.value for e in at.error)


def test_chinese():
    at = _open({"lang": "zh", "energy": "u3"})
    assert "能量地形" in at.title[0].value
    assert any(m.label.startswith("熵") for m in at.metric)
    assert at.radio(key="view__zh").value == "density"
    assert len(at.get("plotly_chart")) == N_CHARTS


def test_a_rugged_formula_stays_drawable():
    at = _open({"energy": "custom", "expr": "sin(30*x)*cos(30*y) + 0.01*x**2"})
    assert not at.error
    assert any("more basins" in c.value for c in at.caption)  # the table lists 10, the rest summed
    outline = _spec(at, "ls_contour")["data"][1]  # the basin-boundary dots, thinned for the browser
    assert outline["mode"] == "markers" and len(_decode(outline["x"])) <= 3000


def _decode(arr) -> list:
    """Plotly 6 ships numeric arrays as {"dtype", "bdata"} (base64); lists stay lists."""
    if isinstance(arr, dict):
        return np.frombuffer(base64.b64decode(arr["bdata"]), dtype=arr["dtype"]).tolist()
    return arr


@pytest.mark.parametrize("expr, lang, says", [("", "en", "formula is empty"), ("  \t ", "en", "formula is empty"),
                                              ("", "zh", "公式为空")])
def test_an_empty_formula_is_explained_and_the_default_drawn(expr, lang, says):
    """An empty box raised the engine's ValueError (a traceback on the page): now a message in the
    page's language, and the landscape of the default formula."""
    from ui.mcmc import controls as M
    at = _open({"energy": "custom", "expr": expr, "lang": lang})  # (open_page: no exception)
    assert any(says in e.value for e in at.error), [e.value for e in at.error]
    assert all(c.value.startswith("http") for c in at.code)  # the share link only: no empty caret box
    default = _open({"energy": "custom", "expr": M.DEFAULT_FORMULA, "lang": lang})
    assert len(at.get("plotly_chart")) == N_CHARTS
    assert [m.value for m in at.metric] == [m.value for m in default.metric]
    assert _spec(at, "ls_surface") == _spec(default, "ls_surface")


def test_the_landscape_pages_expanders_live_in_the_link():
    """Open expanders are in the link (`<key>=true`) and open from it, filled (issue 13 §2)."""
    from apppages import open_page
    closed = open_page("landscape")
    opened = open_page("landscape", {"ls_ensemble": "true", "ls_ais": "true", "ls_try": "true"})
    for key in ("ls_ensemble", "ls_ais", "ls_try"):
        assert opened.query_params[key] == "true" and opened.session_state[key] is True
        assert key not in closed.query_params
    # (the two panels compute only while open: their numbers appear)
    assert len(opened.metric) > len(closed.metric)
    learn = open_page("landscape", {"mode": "learn", "ebm_try": "true"})
    assert learn.query_params["ebm_try"] == "true" and any(b.proto.label for b in learn.button)
