"""The Foundations page in AppTest: every panel in both languages, its numbers against the exact
answers, the controls in the link and range-checked."""

from __future__ import annotations

import pytest

from tests.apppages import assert_ok, open_page

TABS = ("mc", "markov", "kl", "classifier", "volume")


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_panel_renders_with_its_formula_in_both_languages(lang):
    for tab in TABS:
        at = assert_ok(open_page("foundations", {"lang": lang, "fd_tab": tab}), errors=True)
        assert at.latex, tab  # the lecture's formula
        assert at.info, tab  # what to look at
        text = " ".join(c.value for c in at.caption)
        assert ("讲义" in text) if lang == "zh" else ("slides" in text), tab  # where it departs from the slides
        assert not at.warning, (tab, [w.value for w in at.warning])
    assert at.title[0].value.startswith("基础" if lang == "zh" else "Foundations")


def test_monte_carlo_numbers_against_the_exact_value():
    at = open_page("foundations", {"fd_mc_target": "gaussian", "fd_mc_f": "x^2", "fd_mc_n": "2000"})
    assert "exact E_p[f] = 1.0000" in at.caption[1].value or "exact E_p[f] = 0.9999" in at.caption[1].value
    ess = [m.value for m in at.metric if m.label == "ESS"]
    assert ess[0] == "2000 / 2000" and int(ess[1].split(" / ")[0]) < 2000  # the chain's draws are correlated
    z = [float(m.value) for m in at.metric if m.label == "Error / MCSE"]
    assert all(abs(v) < 4 for v in z)
    assert at.query_params["fd_mc_n"] == "2000"  # the control lives in the link


def test_markov_examples_reversible_cycle_and_periodic():
    at = open_page("foundations", {"fd_tab": "markov"})
    assert at.success and not at.warning  # the birth–death default is reversible
    assert _metric(at, "Stationary π (eigenvector)") == "(0.2000, 0.4000, 0.4000)"
    at.button(key="fd_mk_ex_cycle").click().run()
    assert_ok(at)
    assert any("not reversible" in w.value for w in at.warning) and not at.success
    assert at.query_params["fd_p12"] == "0.8"  # the example's matrix is in the link
    at.button(key="fd_mk_ex_periodic").click().run()
    assert any("Periodic" in w.value for w in at.warning)


def test_markov_rows_are_range_checked_and_renormalised_with_a_message():
    at = open_page("foundations", {"fd_tab": "markov", "fd_p11": "-3", "fd_p21": "2", "fd_p22": "2", "fd_p23": "0"})
    assert any("outside" in w.value for w in at.warning)  # −3 clamped to 0, visibly
    infos = " ".join(i.value for i in at.info)
    assert "Row 1 summed to 0.4" in infos and "Row 2 summed to 4" in infos


def test_kl_panel_both_fits_and_their_values():
    at = open_page("foundations", {"fd_tab": "kl", "lang": "en"})
    pq = [float(m.value) for m in at.metric if m.label == "KL(p‖q)"]
    qp = [float(m.value) for m in at.metric if m.label == "KL(q‖p)"]
    assert pq[0] < pq[1] and qp[1] < qp[0]  # each fit wins its own direction
    assert qp[1] == pytest.approx(1.204, abs=0.01)  # one component of weight 0.3: −log 0.3


def test_classifier_formula_equals_bayes_and_bad_link_values_are_clamped():
    at = open_page("foundations", {"fd_tab": "classifier", "fd_cl_rho": "7", "fd_cl_s": "nope"})
    notes = " ".join(w.value for w in at.warning)
    assert "outside" in notes and "not valid" in notes
    assert float(_metric(at, "max |formula − Bayes|")) < 1e-9
    assert at.slider(key="fd_cl_rho").value == 0.95  # the page's range, not the engine's


def _other_value(s):
    """A valid value of spec ``s`` that is not its default, as the link writes it."""
    if s.options:
        v = next(o for o in reversed(s.options) if o != s.default)
    else:
        v = s.hi if s.hi != s.default else s.lo
    return str(v)


def test_every_control_round_trips_through_the_link():
    from ui.foundations import classifier, kl, markov, monte_carlo, volume

    panels = {"mc": monte_carlo.SPECS.values(), "markov": [*markov.ENTRIES.values(), *markov.SPECS.values()],
              "kl": kl.SPECS.values(), "classifier": classifier.SPECS.values(), "volume": volume.SPECS.values()}
    for tab, specs in panels.items():
        query = {s.key: _other_value(s) for s in specs}
        if tab == "kl":
            query["fd_kl_steps"] = "50"  # (the others are cheap; 1000 Adam steps are not needed here)
        at = assert_ok(open_page("foundations", {"fd_tab": tab, **query}), errors=True)
        assert not at.warning or tab == "markov", [w.value for w in at.warning]  # (markov: a periodic-looking P may warn)
        for k, v in query.items():
            assert float(at.query_params[k]) == float(v) if v[0].isdigit() or v[0] == "-" else at.query_params[k] == v, k
