"""The landscape explorer: E(x) and p_T(x) = exp(−E/T)/Z as surfaces and maps, basin masses,
log Z(T), a cross-section with its barrier, and MCMC samples at temperature T.

Every number comes from ``ebm_core.landscapes.basins`` (cached per target, and per temperature where
it depends on it); this module only draws widgets and figures.
"""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from ebm_core.landscapes import basins as L
from ebm_core.landscapes.targets import target_names
from ebm_core.mcmc.config import CHAINS
from ebm_core.ranges import SEED, TEMPERATURE
from ebm_core.viz import landscape as fig

from ui.mcmc import controls as M
from ui.kit import params as P
from ui.kit.i18n import lang, t
from ui.kit.shared import SharedCache, budget_mb
from ui.kit.tabs import url_expander, url_tabs
from ui.kit.present import presenting

MODE = P.Spec("mode", "landscape_mode", "explore", options=("explore", "learn"), kind="choice")
MAX_PICK = 12  # basin numbers a user can pick for the cross-section
MAX_OUTLINE = 3000  # basin-boundary dots drawn at most (SVG markers cost the browser ~1 ms each)
SPECS = {
    "energy": P.Spec("energy", "landscape_target", "mixture", options=tuple(target_names()), kind="choice",
                     names="target_"),
    "expr": P.Spec("expr", "formula", M.DEFAULT_FORMULA, kind="text"),
    "temp": P.Spec("temp", "temperature", 1.0, options=P.within(TEMPERATURE, P.TEMPERATURES)),
    "view": P.Spec("view", "landscape_view", "density", options=("density", "energy"), kind="choice"),
    "walkers": P.Spec("walkers", "landscape_walkers", 8, 0, CHAINS.within(1, 16).hi),  # 0: no chains
    "wseed": P.bounded("wseed", "landscape_seed", 0, SEED, 0, 999_999),
    "cut": P.Spec("cut", "landscape_cut", "deepest", options=("deepest", "basins", "typed"), kind="choice"),
    "from": P.Spec("from", "landscape_from", 1, 1, MAX_PICK),
    "to": P.Spec("to", "landscape_to", 2, 1, MAX_PICK),
    "ab": P.Spec("ab", "landscape_ab", "", kind="text"),
}
GRID = 240  # cells per side for every number (masses, log Z, basins)
# The pictures average k×k cells: the map 120×120, the 3D surface 80×80 (WebGL in a browser
# without a GPU redraws 80² in ~0.3 s against ~0.5 s for 120², measured in headless Chromium).
MAP_EVERY, SURFACE_EVERY = 2, 3
STEPS, BURN_IN, THIN = 1000, 200, 16  # MCMC overlay: 50 drawn points per chain
SWEEP_T = L.log_temperatures(P.TEMPERATURES[0], P.TEMPERATURES[-1], 61)


# --- cached computation -------------------------------------------------------------------
# cache_resource, not cache_data: one object shared by every session (never changed by the
# page), not an unpickled copy per rerun (~0.5 MB for p_T alone): a class moving T reads the
# same few.  The figures too are built once per setting and language (``FIGURES``).
FIGURES = SharedCache("landscape figures", budget_mb(64))


def shared_figure(name: str, key: tuple, make):
    """The figure ``name`` for ``key`` (plus the language), built once for every session."""
    return FIGURES.get_or_compute((name, lang(), *key), make)


@st.cache_resource(max_entries=32, show_spinner=False)
def basins_for(target: str, formula: str) -> L.Basins:
    return L.find_basins(M.energy_for(target, formula), n=GRID)


@st.cache_resource(max_entries=32, show_spinner=False)
def sweep_for(target: str, formula: str) -> L.Sweep:
    return L.temperature_sweep(basins_for(target, formula), SWEEP_T)


@st.cache_resource(max_entries=40, show_spinner=False)  # ~0.5 MB each (p_T on the 240² grid)
def gibbs_for(target: str, formula: str, T: float) -> L.Gibbs:
    return L.gibbs(basins_for(target, formula), T)


@st.cache_resource(max_entries=64, show_spinner=False)
def samples_for(target: str, formula: str, T: float, chains: int, seed: int):
    """(kept draws after burn-in (n, C, 2), acceptance, step size σ) of MH chains on the boxed p_T."""
    trace, step_size = L.sample(M.energy_for(target, formula), T, chains, STEPS, seed)
    return trace.positions[BURN_IN + 1:], float(trace.accepted[BURN_IN:].mean()), step_size


# --- widgets ------------------------------------------------------------------------------
def _init(s: P.Spec) -> None:
    if s.key not in st.session_state:
        st.session_state[s.key] = s.default


def _copy(src: str, dst: str) -> None:
    st.session_state[dst] = st.session_state[src]


def radio_choice(s: P.Spec, format_func, **kw):
    """A horizontal radio bound to the URL by its *key* (like params.choice for select boxes):
    the widget key carries the language so its labels redraw when the language changes."""
    _init(s)
    wkey = f"{s.key}__{lang()}"
    if st.session_state.get(wkey) != st.session_state[s.key]:
        st.session_state[wkey] = st.session_state[s.key]
    value = st.radio(t(s.label), options=list(s.options), key=wkey, format_func=format_func, horizontal=True,
                     on_change=_copy, args=(wkey, s.key), **kw)
    P.sync_url(s, value)
    return value


def mode_switch() -> str:
    """Explore the landscape / Learn an EBM from data (URL key ``mode``)."""
    for n in P.sanitize_url([MODE]):
        st.warning(n, icon=":material/warning:")
    return radio_choice(MODE, lambda k: t(f"landscape_mode_{k}"), label_visibility="collapsed")


def formula_control() -> str:
    """The typed formula, checked; a refused one shows why and the last valid one is used."""
    typed = P.text(SPECS["expr"], help=M.formula_help())
    err, pointer = M.check_formula(typed)
    if err:
        st.error(t("formula_error", message=err))
        if pointer:  # (none for an empty formula)
            st.code(pointer, language=None)
        st.caption(t("formula_fallback"))
        return st.session_state.get("_landscape_last_formula", M.DEFAULT_FORMULA)
    st.session_state["_landscape_last_formula"] = typed
    return typed


def parse_segment(text: str, box) -> tuple[tuple | None, str | None]:
    """Typed "x, y; x, y" -> ((A, B), None), or (None, error key): exactly two distinct points
    inside the box (plain float parsing, never eval)."""
    pts, err = P.parse_points(text, box)
    if err == "points_format" or (err is None and len(pts) != 2):
        return None, "landscape_ab_format"
    x0, x1, y0, y1 = box
    if err or any(not (x0 <= x <= x1 and y0 <= y <= y1) for x, y in pts) or pts[0] == pts[1]:
        return None, "landscape_ab_range"
    return (pts[0], pts[1]), None


def _fmt_point(p) -> str:
    return f"{p[0]:.2f}, {p[1]:.2f}"


def segment_control(basins: L.Basins, box) -> tuple[tuple, tuple[int, int] | None]:
    """((A, B), (i, j) when A and B are the minima of basins i and j, else None)."""
    k = basins.n_basins
    deepest = L.default_segment(basins)
    pair = (0, 1) if k >= 2 else None
    cut = radio_choice(SPECS["cut"], lambda c: t(f"landscape_cut_{c}"))
    if cut == "basins":
        c1, c2 = st.columns(2)
        with c1:
            i = P.number(SPECS["from"])
        with c2:
            j = P.number(SPECS["to"])
        picked = []
        for name, v in (("landscape_from", i), ("landscape_to", j)):
            used = min(int(v), max(k, 1))
            if used != v:
                st.caption(t("landscape_basin_clamped", name=t(name), k=k, used=used))
            picked.append(used - 1)
        if picked[0] == picked[1]:
            if k >= 2:
                st.caption(t("landscape_same_basin"))
            return deepest, pair
        return (tuple(basins.minima[picked[0]]), tuple(basins.minima[picked[1]])), (picked[0], picked[1])
    if cut == "typed":
        if not st.session_state.get("ab"):  # start from the default segment, rounded
            st.session_state["ab"] = f"{_fmt_point(deepest[0])}; {_fmt_point(deepest[1])}"
        seg, err = parse_segment(P.text(SPECS["ab"]), box)
        if err:
            st.error(t(err, box=box))
            return deepest, pair
        return seg, None
    return deepest, pair


# --- LaTeX with numbers ---------------------------------------------------------------------
def tex_num(v: float, digits: int = 4) -> str:
    """A number for st.latex: 0.0123, or 5.0\\times10^{-4} when tiny or huge."""
    if not math.isfinite(v):
        return r"\infty" if v > 0 else (r"-\infty" if v < 0 else r"\mathrm{NaN}")
    if v != 0 and (abs(v) < 1e-3 or abs(v) >= 1e5):
        m, e = f"{v:.{digits - 1}e}".split("e")
        return rf"{m}\times10^{{{int(e)}}}"
    return f"{v:.{digits}g}"


def plain_num(v: float) -> str:
    return f"{v:.3g}" if math.isfinite(v) else "∞"


def gibbs_latex(basins: L.Basins, g: L.Gibbs, T: float) -> list[tuple[str | None, str]]:
    """(caption, LaTeX) lines of the lecture's Gibbs distribution with the current numbers."""
    out = [(None, r"p_T(x) = \frac{1}{Z(T)} \exp\!\Big(-\frac{E(x)}{T}\Big),\qquad "
                  r"Z(T) = \int_{\mathrm{box}} \exp\!\Big(-\frac{E(x)}{T}\Big)\,dx"),
           (None, rf"T = {T:g}:\qquad \log Z(T) = {M.tidy(g.log_z):.4f},\qquad \langle E\rangle_T = {M.tidy(g.mean_energy):.4f}")]
    e1 = float(basins.min_energy[0])
    x1 = basins.minima[0]
    log_p1 = -e1 / T - g.log_z
    out.append((t("landscape_formula_minimum", x=x1[0], y=x1[1]),
                rf"p_T(x^*_1) = \exp\!\Big(-\frac{{{e1:.3f}}}{{{T:g}}} - ({M.tidy(g.log_z):.3f})\Big) = {tex_num(math.exp(log_p1))}"))
    if basins.n_basins >= 2:
        e2 = float(basins.min_energy[1])
        out.append((t("landscape_formula_ratio"),
                    rf"\frac{{p_T(x^*_1)}}{{p_T(x^*_2)}} = e^{{-(E(x^*_1) - E(x^*_2))/T}} = "
                    rf"e^{{-({e1:.3f} - {e2:.3f})/{T:g}}} = {tex_num(math.exp(-(e1 - e2) / T))}"))
    shown = ",\\ ".join(rf"P_T(B_{k + 1}) = {g.masses[k]:.4f}" for k in range(min(basins.n_basins, 4)))
    out.append((t("landscape_formula_masses"), rf"P_T(B_k) = \int_{{B_k}} p_T(x)\,dx:\quad {shown}"))
    return out


# --- the explorer ---------------------------------------------------------------------------
def render() -> tuple | None:
    """The explorer; returns (target, formula, T, seed) for the panels below it (None: nothing drawn)."""
    for n in P.sanitize_url(list(SPECS.values())):
        st.warning(n, icon=":material/warning:")
    if not presenting():  # (presentation mode: under the pictures, which then fit the first screen)
        st.caption(t("landscape_intro"))

    # Presentation mode: the sidebar is tucked away, so the controls that drive the pictures
    # (T, what is drawn, the walkers) sit in one row above them (the same widgets, by key).
    row = st.columns([4, 4, 3], gap="medium") if presenting() else [st.sidebar] * 3
    with st.sidebar:
        target = P.choice(SPECS["energy"], format_func=lambda k: t(f"target_{k}"))
        formula = formula_control() if target == "custom" else M.DEFAULT_FORMULA
    with row[0]:
        T = float(P.slider(SPECS["temp"]))
    with row[1]:
        view = radio_choice(SPECS["view"], lambda k: t(f"landscape_view_{k}"))
    with row[2]:
        walkers = P.slider(SPECS["walkers"])
    with st.sidebar:
        seed = P.number(SPECS["wseed"])

    with st.spinner(t("landscape_computing")):
        basins = basins_for(target, formula)
    if basins.improper or basins.n_basins == 0:
        st.error(t("landscape_improper" if basins.improper else "landscape_nowhere_finite"))
        return None
    box = basins.box
    with st.sidebar:
        (a, b), pair = segment_control(basins, box)
    g = gibbs_for(target, formula, T)
    sweep = sweep_for(target, formula)
    energy = M.energy_for(target, formula)
    if np.any(~np.isfinite(basins.energy)):
        st.warning(t("grid_nonfinite"), icon=":material/warning:")
    kept = acc = sigma = None
    if walkers > 0:
        kept, acc, sigma = samples_for(target, formula, T, walkers, seed)
    shares = L.chain_shares(kept, basins) if kept is not None else None

    # --- pictures: 3D surface and the map from above --------------------------------------
    if view == "density":
        z = g.density
        what = "p_T(x)"
        min_z = np.exp(-basins.min_energy / T - g.log_z)
    else:
        z, cap = fig.display_energy(basins.energy)
        what = "E(x)"
        min_z = np.minimum(basins.min_energy, cap)
    k_show = min(basins.n_basins, MAX_PICK)

    def coarse(k):
        return fig.coarsen_axis(basins.xs, k), fig.coarsen_axis(basins.ys, k), fig.coarsen(z, k)

    def contour():
        outline = basins.boundary(MAP_EVERY)
        outline = outline[::-(-len(outline) // MAX_OUTLINE)] if len(outline) > MAX_OUTLINE else outline
        samples = kept[::THIN] if kept is not None else None
        return fig.contour_figure(*coarse(MAP_EVERY), {"title": t("landscape_contour_title", what=what), "z": what,
                                                       "boundary": t("landscape_boundary"),
                                                       "chain": t("landscape_chain")},
                                  minima=basins.minima[:k_show], boundary=outline, segment=(a, b), samples=samples)
    here = (target, formula, T, view)
    left, right = st.columns(2, gap="small")
    tall = {"height": 390} if presenting() else {}  # (presentation mode: the first screen at 1280×720)
    with left:
        st.plotly_chart(shared_figure("surface", here, lambda: fig.surface_figure(
            *coarse(SURFACE_EVERY), {"title": t("landscape_surface_title", what=what), "z": what},
            basins.minima[:k_show], min_z[:k_show])), key="ls_surface", **tall)
    with right:
        st.plotly_chart(shared_figure("contour", (*here, walkers, seed, a, b), contour), key="ls_contour", **tall)
    if presenting():
        st.caption(t("landscape_intro"))
    st.caption(t("landscape_map_legend") + (" " + t("landscape_clipped", cap=cap) if view == "energy" else ""))

    # --- numbers: log Z, <E>, S, basin masses -----------------------------------------------
    log_area = math.log((box[1] - box[0]) * (box[3] - box[2]))
    c = st.columns(4)
    c[0].metric(t("landscape_metric_logz"), f"{M.tidy(g.log_z):.4f}", help=t("landscape_metric_logz_help"))
    c[1].metric(t("landscape_metric_mean_e"), f"{g.mean_energy:.4f}", help=t("landscape_metric_mean_e_help"))
    c[2].metric(t("landscape_metric_entropy"), f"{g.entropy:.4f}", help=t("landscape_metric_entropy_help", max=log_area))
    c[3].metric(t("landscape_metric_deepest"), f"{g.masses[0]:.4f}")

    sec_col, logz_col, mass_col = st.columns([5, 4, 4], gap="small")
    section = FIGURES.get_or_compute(("section", target, formula, a, b), lambda: L.cross_section(energy, a, b))
    pass_e = float(basins.passes[pair]) if pair else None
    with sec_col:
        st.plotly_chart(shared_figure("section", (target, formula, a, b, T, pass_e), lambda: fig.section_figure(
            section, T, {"title": t("landscape_section_title"), "s": t("landscape_section_s"),
                         "barrier": t("landscape_barrier"), "pass": t("landscape_pass")}, pass_e)), key="ls_section")
    with logz_col:
        st.plotly_chart(shared_figure("log_z", (target, formula, T), lambda: fig.log_z_figure(
            sweep.temperatures, sweep.log_z, T, g.log_z, log_area,
            {"title": t("landscape_logz_title"), "limit": t("landscape_logz_limit")})), key="ls_logz")
    with mass_col:
        labels = {"title": t("landscape_masses_title", T=T), "mass": t("landscape_mass"), "area": t("landscape_area"),
                  "samples": t("landscape_samples"), "other": t("landscape_other"), "basin": t("landscape_basin")}
        # Only the open tab is drawn (on_change="rerun"): a hidden Plotly chart still costs the
        # browser its full redraw on every slider move.  The key carries the language.
        tabs = url_tabs("ls_tab", ("landscape_tab_now", "landscape_tab_sweep"), f"ls_tabs_{lang()}")
        if tabs[0].open is not False:
            with tabs[0]:
                st.plotly_chart(shared_figure("masses", (target, formula, T, walkers, seed), lambda: fig.masses_figure(
                    g.masses, basins.area_fraction, labels, shares)), key="ls_masses")
        if tabs[1].open:
            with tabs[1]:
                labels["title"] = t("landscape_sweep_title")
                st.plotly_chart(shared_figure("sweep", (target, formula, T), lambda: fig.masses_sweep_figure(
                    sweep.temperatures, sweep.masses, T, labels)), key="ls_sweep")

    # --- the barrier in words and numbers ----------------------------------------------------
    st.write(t("landscape_section_text", ax=a[0], ay=a[1], bx=b[0], by=b[1], ea=section.e_a, eb=section.e_b,
               top=section.e_top, low=float(section.energy[section.i_low_a])))
    d_e = section.barrier_from_a
    e_low = float(section.energy[section.i_low_a])
    if math.isfinite(d_e):
        st.latex(rf"\Delta E = E_{{\mathrm{{top}}}} - E_{{\mathrm{{low}}}}(A) = {section.e_top:.3f} - ({e_low:.3f}) = {d_e:.3f},"
                 rf"\qquad e^{{-\Delta E/T}} = e^{{-{d_e:.3f}/{T:g}}} = {tex_num(math.exp(-d_e / T))}")
        st.caption(t("landscape_barrier_meaning", T=T, f=f"{math.exp(-d_e / T):.3g}"))
    if pair:
        st.caption(t("landscape_pass_text", i=pair[0] + 1, j=pair[1] + 1, p=pass_e, d=basins.barrier(*pair)))
    elif basins.n_basins == 1 and st.session_state.get("cut", "deepest") == "deepest":
        st.caption(t("landscape_one_basin"))

    # --- the basin table ---------------------------------------------------------------------
    rows = []
    for k in range(min(basins.n_basins, fig.MAX_BARS)):
        row = {t("landscape_col_basin"): k + 1,
               t("landscape_col_min"): f"({basins.minima[k, 0]:.2f}, {basins.minima[k, 1]:.2f})",
               t("landscape_col_e"): round(float(basins.min_energy[k]), 4),
               t("landscape_col_depth"): plain_num(float(basins.depth[k])),
               t("landscape_col_mass"): round(float(g.masses[k]), 4),
               t("landscape_col_area"): round(float(basins.area_fraction[k]), 4)}
        if shares is not None:
            row[t("landscape_col_samples")] = round(float(shares[k]), 3)
        rows.append(row)
    st.dataframe(rows, hide_index=True, key=f"ls_table_{lang()}")
    if basins.n_basins > fig.MAX_BARS:
        st.caption(t("landscape_more_basins", n=basins.n_basins - fig.MAX_BARS,
                     mass=float(g.masses[fig.MAX_BARS:].sum())))
    st.caption(t("landscape_basins_caption", n=GRID, h=basins.min_barrier, k=basins.n_basins, raw=basins.n_raw_minima))
    if kept is not None:
        st.caption(t("landscape_samples_caption", c=walkers, sigma=sigma, n=STEPS, m=BURN_IN, acc=acc, thin=THIN))
    else:
        st.caption(t("landscape_no_chains"))
    st.caption(t("landscape_box_note", box=box, log_area=log_area))

    # --- the lecture ---------------------------------------------------------------------------
    st.subheader(t("landscape_formula_head"))
    for caption, tex in gibbs_latex(basins, g, T):
        if caption:
            st.caption(caption)
        st.latex(tex)
    with url_expander(t("things_to_try"), "ls_try"):  # (open: in the link)
        st.markdown("\n".join(f"- {t(f'landscape_try_{k}')}" for k in range(1, 6)))
    st.subheader(t("share"))
    st.caption(t("share_help"))
    st.code(M.share_link("landscape"), language=None)
    return target, formula, T, seed
