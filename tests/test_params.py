"""URL/typed-value parsing for the page controls (no Streamlit runtime needed)."""

import pytest

from ui.kit.params import Spec, parse_points

BOX = (-5.0, 5.0, -5.0, 5.0)


def test_parse_points():
    assert parse_points("-3, 3; 3 -3; (0, 0)", BOX) == ([(-3.0, 3.0), (3.0, -3.0), (0.0, 0.0)], None)
    assert parse_points("", BOX) == ([], None)
    assert parse_points("1, 2, 3", BOX)[1] == "points_format"
    assert parse_points("a, b", BOX)[1] == "points_format"
    assert parse_points("nan, 0", BOX)[1] == "points_range"
    assert parse_points("100, 0", BOX)[1] == "points_range"
    assert len(parse_points("; ".join(["1, 1"] * 40), BOX)[0]) == 16


@pytest.mark.parametrize("raw, value, noted", [
    ("7", 7, False), ("0", 1, True), ("99", 16, True), ("abc", 4, True), ("inf", 4, True), ("3.6", 4, True),
])
def test_int_spec_clamps(raw, value, noted):
    v, note = Spec("chains", "chains", 4, 1, 16).parse(raw)
    assert v == value and (note is not None) == noted


def test_log_spec_snaps_and_clamps():
    s = Spec("T", "temperature", 1.0, options=(0.05, 0.1, 1.0, 20.0))
    assert s.parse("0.9") == (1.0, None)
    assert s.parse("999")[0] == 20.0 and s.parse("999")[1] is not None
    assert s.parse("-1")[0] == 0.05 and s.parse("-1")[1] is not None


def test_choice_spec_refuses_unknown_values():
    s = Spec("sampler", "sampler", "mh", options=("mh", "gibbs"), kind="choice")
    assert s.parse("gibbs") == ("gibbs", None)
    assert s.parse("__import__('os')")[0] == "mh"


def test_page_bounds_lie_inside_the_engines_range():
    """The one place pages turn an engine range into a control: never wider than the engine."""
    import pytest

    from ebm_core.ranges import Range
    from ui.kit import params as P

    r = Range(1, 100, integer=True)
    s = P.bounded("k", "k", 5, r, 1, 25)
    assert (s.lo, s.hi) == (1, 25)
    assert (P.bounded("k", "k", 5, r).lo, P.bounded("k", "k", 5, r).hi) == (1, 100)
    assert P.among("k", "k", 5, r, (1, 5, 50)).options == (1, 5, 50)
    assert P.within(Range(0.0, 0.1), ("0", "1e-05", "0.01")) == ("0", "1e-05", "0.01")
    for bad in (lambda: P.bounded("k", "k", 5, r, 0, 25), lambda: P.bounded("k", "k", 5, r, 1, 101),
                lambda: P.among("k", "k", 5, r, (1, 2.5)), lambda: P.within(Range(0.0, 0.1), ("0.2",))):
        with pytest.raises(ValueError):
            bad()


# --- echoing user text (URL values, refused formulas) into Markdown notes ----------------------
import re  # noqa: E402

from hypothesis import given, strategies as st  # noqa: E402

from ui.kit.params import ECHO_MAX, plain  # noqa: E402

MARKUP = ["**x** [a](http://evil.example) ![i](http://evil.example/i.png)", "<b>x</b><img src=x onerror=alert(1)>",
          "$x^2$ $$y$$", ":red[red] :smile:", "http://evil.example www.evil.example a@evil.example",
          "&lt;b&gt; ~~s~~ _i_ # h | t |", "line\n\n# heading\n- item\r\n\t> quote", "`code` ``x`` `", "` a `", "",
          "   ", "x\\", "\u202eevil\u200b"]


def _code_span(md: str) -> str:
    """The text a CommonMark parser shows for ``md``, which must be one inline code span, whole.

    A span opened by n backticks closes at the next run of exactly n backticks: that run must be
    the end of the string, else part of the text would be read as Markdown.  One space is
    stripped from each side when both are spaces and the content is not all spaces."""
    fence = re.match("`+", md).group()
    closing = [m for m in re.finditer("`+", md[len(fence):]) if len(m.group()) == len(fence)]
    assert closing and closing[0].end() == len(md) - len(fence), f"the code span closes early: {md!r}"
    inner = md[len(fence):-len(fence)]
    if len(inner) >= 2 and inner[0] == inner[-1] == " " and inner.strip(" "):
        inner = inner[1:-1]
    return inner


def _shown(text: str) -> str:
    """What a note should show for ``text``: one line, cut at ECHO_MAX characters."""
    one_line = "".join(" " if c.isspace() or not c.isprintable() else c for c in text) or " "  # "" reads as " "
    return one_line if len(one_line) <= ECHO_MAX else one_line[:ECHO_MAX - 1] + "…"


@pytest.mark.parametrize("text", MARKUP)
def test_plain_shows_the_text_as_code_never_as_markup(text):
    out = plain(text)
    assert "\n" not in out and "\r" not in out  # a newline could start a heading, a list, a quote
    assert _code_span(out) == _shown(text)
    assert "\u202e" not in out  # no right-to-left override reversing the note around it


@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("` \n*$<>[]()\\"), max_size=200))
def test_plain_keeps_any_text_inside_one_code_span(text):
    assert _code_span(plain(text)) == _shown(text)


def test_plain_cuts_long_values():
    out = _code_span(plain("9" * 10_000))
    assert len(out) == ECHO_MAX and out.endswith("…") and out.startswith("999")
    assert _code_span(plain("9" * ECHO_MAX)) == "9" * ECHO_MAX  # exactly at the limit: whole
    assert len(_code_span(plain("a" * 500, limit=160))) == 160


def test_url_notes_show_the_link_text_as_code_and_cut_short():
    """sanitize_url's notes, as a page shows them (st.warning): the link's values inside code spans
    only; the rest of each note is the app's own words."""
    from streamlit.testing.v1 import AppTest

    def page():
        import streamlit as st

        from ui.kit import params as P

        specs = [P.Spec("n", "chains", 4, 1, 16), P.Spec("c", "sampler", "mh", options=("mh",), kind="choice"),
                 P.Spec("T", "temperature", 1.0, options=(0.5, 1.0))]
        for note in P.sanitize_url(specs):
            st.warning(note)

    at = AppTest.from_function(page)
    at.query_params.update({"n": MARKUP[0], "c": MARKUP[1] + "9" * 10_000, "T": "-1e9"})
    at.run()
    notes = {w.value.split(":")[0]: w.value for w in at.warning}
    assert set(notes) == {"Chains", "Sampler", "Temperature T"}
    for note in notes.values():
        span = re.search(r"(`+).*\1", note)
        assert span, note
        outside = note[:span.start()] + note[span.end():]
        outside = outside.replace("Metropolis–Hastings (random walk)", "")  # (the option used: its label)
        assert not re.search(r"[*<>\[\]()`$!]|evil", outside), outside  # the value's markup stays in the span
        assert len(note) < 200  # 10,000 characters in the link: one short line on the page
    assert _code_span(re.search(r"(`+).*\1", notes["Chains"]).group()) == MARKUP[0]
    assert _code_span(re.search(r"(`+).*\1", notes["Sampler"]).group()).endswith("99…")
    assert "using 0.5" in notes["Temperature T"]
