"""Class limits: what a teacher allows on this server, read once at start-up from a TOML file.

The file is ``.streamlit/class_limits.toml`` (beside Streamlit's own ``config.toml``), or the file
named by the environment variable ``EBM_CLASS_LIMITS``. Every key is optional; a missing file or
key means no extra limit (the pages' own ranges, and ``cores - 1`` training slots). The commented
example is ``.streamlit/class_limits.example.toml``. A bad value stops the server at start-up with
an error naming the key: a teacher learns of a typo before the class does.

Pure Python (``tomllib``), no Streamlit. The pages narrow their controls with ``cap``.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PATH = ROOT / ".streamlit" / "class_limits.toml"
ENV = "EBM_CLASS_LIMITS"


class LimitsError(ValueError):
    """A class-limits file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class ClassLimits:
    #: epochs of one training run (RBM; DBN greedy and fine-tuning; DBM pretraining and joint)
    max_epochs: int | None = None
    #: hidden units of the RBM, of each DBN / DBM layer, and the 2D EBM's network width
    max_hidden_units: int | None = None
    #: training ticks that may run at once, server-wide (default: the cores less one)
    training_slots: int | None = None
    #: students who may wait for a slot; one more is told the class is full (default: no limit)
    max_queue: int | None = None


#: key -> (smallest allowed, largest allowed, what it means, for the error message)
BOUNDS = {
    "max_epochs": (1, 10_000, "epochs per training run"),
    "max_hidden_units": (1, 100_000, "hidden units"),
    "training_slots": (1, 256, "training ticks at once"),
    "max_queue": (0, 100_000, "students waiting"),
}


def parse(text: str, source: str = "class limits") -> ClassLimits:
    """The limits a TOML text sets; ``LimitsError`` naming ``source`` and the key otherwise."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise LimitsError(f"{source}: not valid TOML ({e})") from None
    values = {}
    for key, value in raw.items():
        if key not in BOUNDS:
            raise LimitsError(f"{source}: unknown key {key!r}; the keys are {', '.join(BOUNDS)}")
        lo, hi, what = BOUNDS[key]
        # bool is an int in Python: "max_epochs = true" must not mean 1
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise LimitsError(f"{source}: {key} ({what}) must be a whole number from {lo} to {hi}, got {value!r}")
        values[key] = value
    return ClassLimits(**values)


def load(path: str | os.PathLike | None = None) -> ClassLimits:
    """The limits of the file at ``path`` (default: ``$EBM_CLASS_LIMITS`` or ``DEFAULT_PATH``);
    no limits when the default file does not exist. A file named explicitly must exist."""
    named = path if path is not None else os.environ.get(ENV)
    p = Path(named) if named else DEFAULT_PATH
    if not p.exists():
        if named:
            raise LimitsError(f"{p}: class limits file not found")
        return ClassLimits()
    return parse(p.read_text(encoding="utf-8"), str(p))


def cap(spec, limit: int | None, size: Callable[[object], float] = float):
    """``spec`` (a ``ui.kit.params.Spec``) narrowed to values of ``size`` at most ``limit``: its upper
    bound, or its options (the smallest option stays when none fits: a page always offers one
    setting); the default moves down into the new range. The same spec when nothing changes."""
    if limit is None:
        return spec
    if spec.options:
        keep = tuple(o for o in spec.options if size(o) <= limit) or (min(spec.options, key=size),)
        if keep == tuple(spec.options):
            return spec
        default = spec.default if spec.default in keep else max(
            (o for o in keep if size(o) <= size(spec.default)), key=size, default=keep[0])
        return dataclasses.replace(spec, options=keep, default=default)
    hi = max(spec.lo, min(spec.hi, limit))
    if hi == spec.hi:
        return spec
    return dataclasses.replace(spec, hi=hi, default=min(spec.default, hi))


#: The limits this server started with.
CLASS = load()
