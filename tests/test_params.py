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
