"""Streamlit helpers for the MCMC page: controls, energies and grids, the lecture's formulas.

The runs themselves (cache, first steps, prefetch) are in ``ui.mcmc.runs``; the "explain one
step" panel is ``ui.mcmc.explain``.
"""

from __future__ import annotations

import numpy as np
import streamlit as st
import torch
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ebm_core.landscapes import grid
from ebm_core.mcmc.diagnostics import F_CHOICES
from ebm_core.landscapes.expressions import FUNCTIONS, FormulaError
from ebm_core.mcmc.config import BOX, BURN_IN, CHAINS, N_LEAPFROG, SAMPLER_NAMES, STEP_SIZE, STEPS
from ebm_core.mcmc.samplers import spread_starts
from ebm_core.landscapes.targets import resolve_target, target_names
from ebm_core.ranges import SEED, TEMPERATURE

from ui.kit.i18n import S, lang, t
from ui.kit import params as P
from ui.kit.params import LOG_STEPS, TEMPERATURES, Spec
from ui.kit.shared import SharedCache, budget_mb, freeze



STEP_OPTIONS = P.within(STEP_SIZE, LOG_STEPS)
# One step-size control per sampler family, so switching sampler never inherits a bad value.
# The URL keys (sigma, sigmaq, eps, heps) stay as they were: share links carry them.
STEP_SPECS = {
    "mh": Spec("sigma", "step_size_mh", 0.8, options=STEP_OPTIONS),
    "mh-independent": Spec("sigmaq", "step_size_ind", 2.5, options=STEP_OPTIONS),
    "ula": Spec("eps", "step_size_eps", 0.05, options=STEP_OPTIONS),
    "mala": Spec("eps", "step_size_eps", 0.05, options=STEP_OPTIONS),
    "hmc": Spec("heps", "step_size_eps", 0.2, options=STEP_OPTIONS),
}
STEP_SPECS["mh-independent-noq"] = STEP_SPECS["mh-independent"]  # the same q, its terms left out of α
#: Shown as a switch under the independence sampler ("ignore the q terms"), not in the list.
NOQ = "mh-independent-noq"
DEFAULT_FORMULA = "(x**2 + y**2 - 4)**2 / 2 + 0.5*sin(3*x)"
SPECS = {
    "target": Spec("target", "target", "mixture", options=tuple(target_names()), kind="choice"),
    "formula": Spec("formula", "formula", DEFAULT_FORMULA, kind="text"),
    "box": P.bounded("box", "box_half", 4.0, BOX, 1.0, 20.0, kind="float"),  # a typed formula's box is [-h, h]²
    # PT has its own panel (ui.mcmc.tempering): its ladder is a state the canvas and prefetch do not carry;
    # the independence sampler without q terms is the "noq" switch of mh-independent.
    "sampler": Spec("sampler", "sampler", "mh", options=tuple(n for n in SAMPLER_NAMES if n not in ("pt", NOQ)),
                    kind="choice"),
    "noq": Spec("noq", "ignore_q", "0", options=("0", "1"), kind="choice"),
    "T": Spec("T", "temperature", 1.0, options=P.within(TEMPERATURE, TEMPERATURES)),
    "L": P.bounded("L", "leapfrog", 10, N_LEAPFROG, 1, 50),  # URL key L: n_leapfrog
    "chains": P.bounded("chains", "chains", 4, CHAINS, 1, 16),
    "steps": P.bounded("steps", "steps", 2000, STEPS, 50, 5000),
    "m": P.bounded("m", "burn_in", 200, BURN_IN, 0, 4900),
    "seed": P.bounded("seed", "seed", 0, SEED, 0, 999_999),
    "starts": Spec("starts", "starts", "spread", options=("spread", "corner", "clicked", "typed"), kind="choice"),
    "xy": Spec("xy", "typed_points", "-3, 3; 3, -3; 0, 0", kind="text"),
    "show": Spec("show", "show", "density", options=("density", "energy"), kind="choice"),
    "f": Spec("f", "f_choice", "x", options=tuple(F_CHOICES), kind="choice"),
    "exact": Spec("exact", "exact_samples", "0", options=("0", "1"), kind="choice"),  # draws from p_T on the canvas
}
ALL_SPECS = list(SPECS.values()) + list({s.key: s for s in STEP_SPECS.values()}.values())
DISPLAY_GRID = 160  # cells per side for the picture; the exact numbers use a finer grid
EXACT_GRID = 400


def tidy(v: float) -> float:
    """Grid round-off like -1e-17 shown as 0, never as "-0.0000"."""
    return 0.0 if abs(v) < 5e-5 else float(v)  # below the 4 decimals shown


def share_link(page: str = "mcmc") -> str:
    """This page's address with every setting that differs from its default."""
    from urllib.parse import urlencode, urlsplit, urlunsplit

    parts = urlsplit(st.context.url or f"http://localhost:8501/{page}")
    query = urlencode({k: st.query_params.get(k) for k in st.query_params})
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


#: URL key of the points clicked on the picture, "x,y;x,y" (the typed ones have their own, xy).
CLICKED_KEY = "pts"


def clicked_points(box, in_link: bool) -> tuple[tuple[tuple[float, float], ...], str | None]:
    """The starting points clicked on the picture (session state ``clicked``), filled once from
    the link's ``pts`` (checked as typed points are: plain numbers, near the box, at most 16),
    and written back to the link while ``in_link`` (starts = clicked).  Returns the points and
    the error key when the link's were refused."""
    err = None
    if "clicked" not in st.session_state:
        raw = st.query_params.get(CLICKED_KEY)
        pts, err = P.parse_points(str(raw), box) if raw else ([], None)
        st.session_state["clicked"] = [list(p) for p in pts]
    pts = tuple((float(x), float(y)) for x, y in st.session_state["clicked"])
    text = ";".join(f"{x:g},{y:g}" for x, y in pts) if in_link else ""
    if not text:
        if CLICKED_KEY in st.query_params:
            del st.query_params[CLICKED_KEY]
    elif st.query_params.get(CLICKED_KEY) != text:
        st.query_params[CLICKED_KEY] = text
    return pts, err


def reset_settings() -> None:
    """Every control back to its default (a callback: runs before the widgets exist)."""
    for spec in ALL_SPECS:
        st.session_state[spec.key] = spec.default


def in_fragment_rerun() -> bool:
    """True while Streamlit reruns only a fragment (a widget inside it moved), not the whole page."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def formula_help() -> str:
    return t("formula_help", functions=", ".join(f"`{f}`" for f in FUNCTIONS))  # (names to type: code)


CUSTOM_HALF = 4.0  # default half-width of a typed formula's box


@st.cache_resource(max_entries=64, show_spinner=False)  # (also called by the prefetch worker)
def energy_for(target: str, formula: str, half: float = CUSTOM_HALF):
    """The energy object (compiled formula cached, so typing is not recompiled per rerun).

    A typed formula is drawn and integrated on [-half, half]²; registry energies keep their box.
    """
    if target != "custom":
        return resolve_target(target)
    return resolve_target("custom", formula, box=(-half, half, -half, half))


def check_formula(text: str) -> tuple[str | None, str | None]:
    """(error message, caret pointer) for a formula, or (None, None) when it compiles.

    The message is Markdown for st.error: the engine's words (English) quote the
    formula, so they are shown as code (``P.plain``), never as markup.  An empty formula (the
    engine's ValueError, not a FormulaError) is explained with no pointer (None).
    """
    if not str(text).strip():
        return t("formula_empty"), None
    try:
        energy_for("custom", text)
        return None, None
    except FormulaError as e:
        return refusal(e), e.pointer(text)


def refusal(e: FormulaError) -> str:
    """Why the formula was refused, as Markdown: the engine's English words quoted as code, or in
    another language the translation of its code, the formula's own bits quoted as code."""
    if lang() == "en" or f"formula_err_{e.code}" not in S:
        return P.plain(e, limit=160)
    values = {k: v if isinstance(v, (int, float)) else P.plain(str(v).strip("'"), limit=40)
              for k, v in e.args_.items()}
    where = "" if e.col is None else t("formula_err_at", col=e.col)
    return t(f"formula_err_{e.code}", **values) + where


#: Grid truths, shared by every session (read-only arrays). Not st.cache_data: that hands every
#: call its own unpickled copy (2.6 MB for the 400² grid), i.e. a copy per page run and one more
#: for whatever keeps it, and the time to unpickle it on every slider move (issue 16).
GRIDS = SharedCache("mcmc grids", budget_mb(48))


def exact_grid(target: str, formula: str, T: float, n: int, picture: bool = False, half: float = CUSTOM_HALF):
    """Grid truth (on the T-widened box), or with ``picture`` the drawn box itself."""
    def compute():
        energy = energy_for(target, formula, half)
        return freeze(grid.integrate(energy, T, box=energy.box if picture else None, n=n))

    return GRIDS.get_or_compute((target, formula, float(T), int(n), bool(picture), float(half)), compute)



def starting_points(target: str, formula: str, mode: str, chains: int, seed: int, points: tuple,
                    half: float = CUSTOM_HALF) -> torch.Tensor:
    energy = energy_for(target, formula, half)
    if mode in ("clicked", "typed") and points:  # cycle through the chosen points
        pts = [points[i % len(points)] for i in range(chains)]
        return torch.tensor(pts, dtype=torch.float64)
    if mode == "corner":
        x0, x1, y0, y1 = energy.box
        return torch.tensor([[x0 + 0.1 * (x1 - x0), y0 + 0.1 * (y1 - y0)]] * chains, dtype=torch.float64)
    return spread_starts(energy, chains, seed)


LATEX = {
    "mh": [r"\alpha(x, x') = \min\left\{1, \frac{p(x')\,q(x', x)}{p(x)\,q(x, x')}\right\}",
           r"q(x, x') = \mathcal N(x' \mid x, \sigma^2 I) = q(x', x)",
           r"p(x) = \frac{1}{Z} \exp\left(-\frac{E(x)}{T}\right)"],
    "mh-independent": [r"\alpha(x, x') = \min\left\{1, \frac{p(x')\,q(x)}{p(x)\,q(x')}\right\}",
                       r"q(x, x') = q(x') = \mathcal N(x' \mid \mu_q, \sigma_q^2 I)"],
    # the wrong α next to the right one (no words: the formulas column is the same in both languages)
    NOQ: [r"\alpha(x, x') = \min\left\{1, \frac{p(x')}{p(x)}\right\} \;\neq\; \min\left\{1, \frac{p(x')\,q(x)}{p(x)\,q(x')}\right\}",
          r"q(x, x') = q(x') = \mathcal N(x' \mid \mu_q, \sigma_q^2 I)"],
    # one conditional per line: side by side they overflow the narrow formulas column
    "gibbs": [r"x_1^{(i)} \sim p(x_1 \mid x_2^{(i-1)})", r"x_2^{(i)} \sim p(x_2 \mid x_1^{(i)})"],
    "ula": [r"x_{t+\Delta t} = x_t + \frac{\Delta t}{2} \nabla_x f(x_t) + \sqrt{\Delta t}\, e_t",
            r"f(x) = -E(x)/T,\quad e_t \sim \mathcal N(0, I),\quad \Delta t = \varepsilon",
            # what the code runs: drift, then noise (the two arrows on the picture)
            r"x' = x - \frac{\varepsilon}{2T}\nabla E(x) + \sqrt{\varepsilon}\,\xi"],
    "mala": [r"x' = x - \frac{\varepsilon}{2T}\nabla E(x) + \sqrt{\varepsilon}\,\xi",
             r"q(x, x') = \mathcal N\big(x' \mid x - \tfrac{\varepsilon}{2T}\nabla E(x),\ \varepsilon I\big)",
             r"\alpha = \min\left\{1, \frac{p(x')\,q(x', x)}{p(x)\,q(x, x')}\right\}"],
    "hmc": [r"H(x, p) = \frac{E(x)}{T} + \frac{|p|^2}{2}", r"\alpha = \min\{1, e^{H(x,p) - H(x',p')}\}"],
}
# The lecture writes f_mn for one chain; the page pools its C chains (what N.estimate computes).
F_MN = r"f_{mn} = \frac{1}{C\,(n-m)} \sum_{c=1}^{C} \sum_{i=m+1}^{n} f\big(x_i^{(c)}\big)"


def exact_expectation(g, f_key: str) -> float:
    return g.expectation(F_CHOICES[f_key])


def f_values(positions: np.ndarray, f_key: str) -> np.ndarray:
    return F_CHOICES[f_key](positions[..., 0], positions[..., 1])
