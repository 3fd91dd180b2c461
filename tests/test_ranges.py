"""ebm_core.ranges: one declaration, three users (engine, CLI, pages)."""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass

import pytest

from ebm_core.ranges import Range, ranged, ranges, validate


@dataclass
class _Cfg:
    k: int = ranged(3, 1, 100)
    lr: float = ranged(0.05, 1e-6, 10.0)
    chains: int | None = ranged(None, 1, 1000, integer=True, optional=True)


def test_fields_carry_their_ranges():
    r = ranges(_Cfg)
    assert r["k"] == Range(1, 100, integer=True)
    assert r["lr"] == Range(1e-6, 10.0)
    assert r["chains"].optional and r["chains"].integer


@pytest.mark.parametrize("field, value", [("k", 0), ("k", 101), ("k", 2.5), ("k", True), ("lr", math.nan),
                                          ("lr", math.inf), ("lr", "0.1"), ("lr", None), ("chains", 0)])
def test_validate_rejects_with_the_field_name(field, value):
    c = _Cfg()
    setattr(c, field, value)
    with pytest.raises(ValueError, match=field):
        validate(c)


def test_validate_accepts_the_defaults_and_the_ends():
    assert validate(_Cfg()) is not None
    assert validate(_Cfg(k=1, lr=10.0, chains=1000))


def test_argtype_parses_and_checks():
    p = argparse.ArgumentParser()
    p.add_argument("--k", type=ranges(_Cfg)["k"].argtype("--k"))
    assert p.parse_args(["--k", "7"]).k == 7
    for bad in ("0", "1e9", "2.5", "x"):
        with pytest.raises(SystemExit):
            p.parse_args(["--k", bad])


def test_within_narrows_but_never_widens():
    r = Range(0.01, 100.0)
    assert r.within(0.05, 20.0) == Range(0.05, 20.0)
    with pytest.raises(ValueError):
        r.within(0.001, 20.0)
    with pytest.raises(ValueError):
        r.within(1.0, 200.0)
