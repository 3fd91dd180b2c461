"""Allowed ranges of every number a user can set, declared once.

A range lives on the config dataclass that uses the number (``ranged`` puts it in the field's
metadata) or, for a number no config holds (a temperature, a seed), as a constant here.  Three
places derive from it and from nothing else:

- the engine: ``validate(config)`` in the config's ``__post_init__`` or ``validate``;
- the CLI: ``Range.argtype(flag)`` as argparse's ``type=`` (a bad value is one line, exit 2);
- the pages: a control's bounds are ``Range.within(lo, hi)``, a narrower range for a class
  (checked to lie inside the engine's), or the range itself.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Range:
    lo: float
    hi: float
    integer: bool = False
    #: None is a valid value (it means "the default rule", e.g. one PCD chain per example).
    optional: bool = False

    def message(self, name: str, value) -> str:
        kind = "a whole number" if self.integer else "a number"
        return f"{name} must be {kind} between {self.lo:g} and {self.hi:g}, got {value!r}"

    def ok(self, value) -> bool:
        if value is None:
            return self.optional
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        if not math.isfinite(value) or not self.lo <= value <= self.hi:
            return False
        return not self.integer or float(value).is_integer()

    def check(self, name: str, value):
        """``value`` when allowed, else ``ValueError`` naming ``name``."""
        if not self.ok(value):
            raise ValueError(self.message(name, value))
        return int(value) if self.integer and value is not None else value

    def within(self, lo: float, hi: float) -> "Range":
        """A narrower range (a page's slider) that must lie inside this one."""
        if not (self.lo <= lo <= hi <= self.hi):
            raise ValueError(f"[{lo:g}, {hi:g}] is not inside [{self.lo:g}, {self.hi:g}]")
        return dataclasses.replace(self, lo=lo, hi=hi)

    def argtype(self, flag: str):
        """argparse ``type=``: parses the text and checks it (argparse turns the error into one line)."""
        def parse(text: str):
            try:
                value = int(text) if self.integer else float(text)
            except ValueError:
                raise argparse.ArgumentTypeError(self.message(flag, text)) from None
            if not self.ok(value):
                raise argparse.ArgumentTypeError(self.message(flag, value))
            return value
        parse.__name__ = "int" if self.integer else "float"  # argparse names the type in messages
        return parse


def ranged(default, lo: float, hi: float, *, integer: bool | None = None, optional: bool = False):
    """A dataclass field with its allowed range (integers when the default is an int)."""
    if integer is None:
        integer = isinstance(default, int) and not isinstance(default, bool)
    return field(default=default, metadata={"range": Range(lo, hi, integer, optional)})


def ranges(config) -> dict[str, Range]:
    """{field name: Range} of a config class or instance."""
    return {f.name: f.metadata["range"] for f in dataclasses.fields(config) if "range" in f.metadata}


def validate(config):
    """``config`` when every ranged field is allowed, else ``ValueError`` naming the first bad one."""
    for name, r in ranges(config).items():
        r.check(name, getattr(config, name))
    return config


# Numbers that no single config holds.
SEED = Range(0, 2**63 - 1, integer=True)
TEMPERATURE = Range(0.01, 100.0)
