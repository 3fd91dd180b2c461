"""Every page ready from one link (issue 13 §2, in part): the RBM and DBN/DBM pages open on a
fresh session with the shipped model loaded and its picture drawn, and every page shows its
share link, which carries the link's settings."""

from __future__ import annotations

import pytest

from apppages import assert_ok, open_page


def _share(at) -> str:
    codes = [c.value for c in at.code if c.value.startswith("http")]
    assert codes, "no share link"
    return codes[-1]


def test_rbm_opens_with_the_shipped_model_and_a_picture():
    at = assert_ok(open_page("rbm", {"rbm_chains": "10", "rbm_gibbs": "50", "rbm_k": "3"}), errors=True)
    j = at.session_state["rbm_job"]
    assert j["source"] == "pretrained" and j["rbm"].W.shape == (784, 500)
    assert len(at.get("image")) >= 1  # the block-Gibbs chains' digits
    assert not [i.value for i in at.info if "No model yet" in i.value]
    link = _share(at)
    assert "rbm_k=3" in link and "rbm_gibbs=50" in link


@pytest.mark.parametrize("kind", ["dbn", "dbm"])
def test_deep_opens_with_the_shipped_model_and_a_picture(kind):
    at = assert_ok(open_page("deep", {"deep_model": kind, "deep_gibbs": "10", "deep_sweeps": "10"}), errors=True)
    j = at.session_state[f"deep_{kind}_job"]
    assert j["source"] == "pretrained" and j["model"] is not None
    assert len(at.get("image")) >= 1
    link = _share(at)
    assert ("deep_model=dbm" in link) == (kind == "dbm")  # (dbn is the default: not in the link)
    assert ("deep_gibbs=10" if kind == "dbn" else "deep_sweeps=10") in link


def test_learn_mode_and_the_other_pages_show_their_share_link():
    at = assert_ok(open_page("landscape", {"mode": "learn", "ml_data": "moons"}))
    link = _share(at)
    assert "mode=learn" in link and "ml_data=moons" in link
    at = assert_ok(open_page("landscape", {"temp": "0.2"}))
    assert "temp=0.2" in _share(at)


def _chart_titles(at) -> list[str]:
    out = []
    for c in at.get("plotly_chart"):
        spec = getattr(c.proto, "spec", "") or ""
        out.append(spec)
    return out


def test_the_open_tab_lives_in_the_link():
    at = assert_ok(open_page("mcmc", {"tab": "acf", "steps": "500", "m": "100"}), errors=True)
    assert at.session_state["tabs_en"] == "Autocorrelation"
    specs = _chart_titles(at)
    assert specs and all("Autocorrelation of" in s for s in specs)  # only the open tab is drawn: the ACF
    assert at.query_params["tab"] == "acf"
    at.session_state["tabs_en"] = "Histograms"  # (what a click on the tab does)
    at.run()
    assert at.query_params["tab"] == "hist"
    at.session_state["tabs_en"] = "Traces"  # the first tab is the default: out of the link
    at.run()
    assert "tab" not in at.query_params
    at = assert_ok(open_page("rbm", {"rbm_view": "filters", "rbm_tool": "lab", "rbm_chains": "10", "rbm_gibbs": "50"}))
    assert at.session_state["rbm_tabs_en"] == "Filters W" and at.session_state["rbm_tools_en"] == "Tiny RBM: CD's bias vs k"
    assert at.query_params["rbm_view"] == "filters" and at.query_params["rbm_tool"] == "lab"


def test_a_tab_the_page_does_not_have_gets_a_note():
    at = assert_ok(open_page("mcmc", {"tab": "nonsense", "steps": "500", "m": "100"}))
    assert any("Open tab: `nonsense` is not valid; using Traces." in w.value for w in at.warning)  # (the tab as shown)
    assert "tab" not in at.query_params


def test_an_open_expander_lives_in_the_link():
    """The link opens "Explain one step" (Streamlit's own query-params binding writes it back when a
    user opens or closes it, in the browser)."""
    at = assert_ok(open_page("mcmc", {"mcmc_explain": "true", "steps": "500", "m": "100"}), errors=True)
    assert at.session_state["mcmc_explain"] is True
    assert any("u = " in lt.value for lt in at.latex)  # the panel drew the MH step's u
    at = assert_ok(open_page("mcmc", {"steps": "500", "m": "100"}), errors=True)
    assert not at.session_state["mcmc_explain"] and not any("u = " in lt.value for lt in at.latex)
