"""Issue 12 §3–4: the formulas the pages show are the ones the code runs, and every place the app
departs from the slides says so ("slide erratum"), in English and in 中文.

The theory panels are rendered alone (``AppTest.from_function``): no model needs loading, and what
is checked is exactly what those functions put on the page.  That the code runs these formulas is
checked where the code is tested (test_rbm's update rule with momentum and decay, test_dbm's mean
field); here the text is compared with it.
"""

import pytest
from streamlit.testing.v1 import AppTest


def _deep(kind: str, lang: str) -> AppTest:
    def page(kind, lang):
        import streamlit as st

        from ui.deep.theory import draw_theory
        st.session_state["lang"] = lang
        draw_theory(kind)

    at = AppTest.from_function(page, args=(kind, lang), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _rbm(lang: str) -> AppTest:
    def page(lang):
        import streamlit as st

        from ui.rbm.tools import draw_theory
        st.session_state["lang"] = lang
        draw_theory({"k": 5, "lr": 0.05, "momentum": 0.5, "decay": "0.0001", "T": 1.0})

    at = AppTest.from_function(page, args=(lang,), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _text(at: AppTest) -> tuple[str, str]:
    tex = " ".join(x.value for x in at.get("latex"))
    words = " ".join([c.value for c in at.caption] + [m.value for m in at.markdown])
    return tex, words


@pytest.mark.parametrize("lang, erratum", [("en", "Slide erratum"), ("zh", "讲义勘误")])
def test_dbn_joint_is_the_top_rbm_and_says_the_slide_differs(lang, erratum):
    tex, words = _text(_deep("dbn", lang))
    assert r"p(h^2, h^3)" in tex and r"p(h^2 \mid h^3)" not in tex
    assert words.count(erratum) == 1 and ("p(h² | h³)" in words)


@pytest.mark.parametrize("lang, erratum", [("en", "Slide erratum"), ("zh", "讲义勘误")])
def test_dbm_formulas_carry_the_biases_and_algorithm_20_1_uses_the_chains(lang, erratum):
    tex, words = _text(_deep("dbm", lang))
    # mean field as ebm_core.deep.dbm.mean_field iterates it: σ(c¹ + vᵀW¹ + W²μ²), σ(c² + μ¹ᵀW²)
    assert r"\sigma\Big(c^{1}_j + \sum_i v_i W^{(1)}_{ij}" in tex and r"\sigma\Big(c^{2}_k + \sum_j" in tex
    assert r"b^\top v + c^{1\top} \hat h^{(1)} + c^{2\top} \hat h^{(2)}" in tex  # the ELBO's bias terms
    # the model term with the chains' Ṽ (the slide writes the data V), bias updates, momentum, decay on W
    assert r"\tfrac{1}{\tilde m} \tilde V^\top \tilde H^{(1)}" in tex and r"g_b = \overline{V} - \overline{\tilde V}" in tex
    assert r"\lambda\, [\theta \in \{W^{(1)}, W^{(2)}\}]" in tex
    assert words.count(erratum) == 2  # the biases, Algorithm 20.1's Ṽ


@pytest.mark.parametrize("lang, erratum", [("en", "Slide erratum"), ("zh", "讲义勘误")])
def test_rbm_update_is_written_as_it_runs(lang, erratum):
    tex, words = _text(_rbm(lang))
    # ebm_core.rbm.cd: ΔW = η ĝ − λW + νΔW_prev; Δb, Δc without decay; θ += Δθ (the whole step)
    assert r"\Delta W^{(t)} = \underbrace{0.05}_{\eta}\, \hat g_W^{(t)} - \underbrace{0.0001}_{\lambda}\, W^{(t)}" in tex
    assert r"\Delta b^{(t)} = 0.05\, \hat g_b^{(t)} + 0.5\, \Delta b^{(t-1)}" in tex
    assert r"\theta^{(t+1)} = \theta^{(t)} + \Delta\theta^{(t)}" in tex
    assert r"\lambda}\, \theta^{(t)}" not in tex  # the old text decayed every parameter
    assert erratum in words
    assert ("w_ij" in words and "W_ij" in words)  # Algorithm 1's index convention, said where it is shown


def test_tiny_rbm_help_writes_minus_log_14():
    from ui.strings.rbm import S
    assert "−log 14 ≈ −2.64" in S["rbm_lab_ll_help"]["en"] and "−log 14 ≈ −2.64" in S["rbm_lab_ll_help"]["zh"]


def test_every_erratum_is_in_both_languages():
    from ui.kit.i18n import S
    keys = [k for k in S if "erratum" in k]
    assert {"ebm2d_erratum_sign", "deep_erratum_dbn_joint", "deep_erratum_biases", "deep_erratum_alg201"} <= set(keys)
    for k in keys:
        assert S[k]["en"].startswith("Slide erratum") and S[k]["zh"].startswith("讲义勘误"), k
