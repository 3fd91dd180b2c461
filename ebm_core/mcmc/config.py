"""The sampling parameters and their allowed ranges, declared once.

``SampleConfig`` holds every number of a sampling run with its range on the field
(``ebm_core.ranges``).  The samplers check their step size, temperature and leapfrog count
against these ranges; ``python -m ebm_core sample`` parses its flags with ``Range.argtype``
of the same ranges; the MCMC and landscape pages take their slider bounds from them
(``Range.within``), so a page can offer less than the engine allows, never more.

One name per parameter: ``step_size`` (σ of the MH proposals, ε of Langevin and HMC),
``n_leapfrog`` (HMC's L), ``temperature`` (T in p(x) ∝ exp(-E(x)/T)).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

from ebm_core.ranges import SEED, TEMPERATURE, Range, ranges, validate

SAMPLER_NAMES = ("mh", "mh-independent", "gibbs", "ula", "mala", "hmc", "pt", "mh-independent-noq")

#: A step size that works on most registry targets at T = 1, per sampler (Gibbs has none).
DEFAULT_STEP = {"mh": 0.8, "mh-independent": 2.5, "gibbs": 0.0, "ula": 0.05, "mala": 0.1, "hmc": 0.2,
                "pt": 0.8,  # pt: σ of the cold replica's local MH move
                "mh-independent-noq": 2.5}


def _field(default, r: Range):
    """A dataclass field whose range is a shared constant (``ranged`` declares a new one)."""
    return field(default=default, metadata={"range": r})


@dataclass
class SampleConfig:
    """One sampling run: ``run_chains(make_sampler(...), spread_starts(...), steps, seed)``."""

    sampler: str = "mh"
    #: σ (MH proposals) or ε (Langevin, HMC); None: the sampler's ``DEFAULT_STEP``; unused by Gibbs.
    step_size: float | None = _field(None, Range(1e-6, 100.0, optional=True))
    temperature: float = _field(1.0, TEMPERATURE)
    #: HMC: leapfrog steps L per transition.
    n_leapfrog: int = _field(10, Range(1, 1000, integer=True))
    chains: int = _field(4, Range(1, 100_000, integer=True))
    steps: int = _field(2000, Range(1, 1_000_000, integer=True))
    #: m: draws 1..m are left out of the estimates (must be below ``steps``).
    burn_in: int = _field(0, Range(0, 999_999, integer=True))
    seed: int = _field(0, SEED)
    #: A typed formula's box is [-box, box]²; None: the default (built-in targets have their own).
    box: float | None = _field(None, Range(0.1, 1000.0, optional=True))

    def __post_init__(self):
        if self.sampler not in SAMPLER_NAMES:
            raise ValueError(f"unknown sampler {self.sampler!r}; choose one of: {', '.join(SAMPLER_NAMES)}")
        validate(self)
        if self.burn_in >= self.steps:
            raise ValueError(f"burn_in must be between 0 and steps - 1 = {self.steps - 1}, got {self.burn_in}")


RANGES: dict[str, Range] = ranges(SampleConfig) | {"temperature": TEMPERATURE, "seed": SEED}
STEP_SIZE = RANGES["step_size"]
N_LEAPFROG = RANGES["n_leapfrog"]
CHAINS = RANGES["chains"]
STEPS = RANGES["steps"]
BURN_IN = RANGES["burn_in"]
BOX = RANGES["box"]


def checked(r: Range, name: str, value):
    """``value`` (a Python float or int) when ``r`` allows it, else ``ValueError`` naming ``name``.

    numpy scalars are read as Python numbers first; a bool never is a number.
    """
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        value = int(value) if r.integer and float(value).is_integer() else float(value)
    value = r.check(name, value)
    return value if value is None or r.integer else float(value)
