"""MCMC: Metropolis–Hastings, Gibbs, Langevin, MALA and HMC chains on a 2D landscape."""

import math
import time

import streamlit as st

from ebm_core.mcmc import diagnostics
from ui.mcmc import controls as M
from ui.mcmc import explain as EX
from ui.mcmc import tries as TR
from ui.mcmc import numbers as N
from ui.mcmc import runs as R
from ui.mcmc import tune as MT
from ui.mcmc import autotune as AT
from ui.mcmc import tempering as PT
from ui.mcmc import linked as LW
from ui.mcmc import export as EXP
from ui.kit import params as P
from ui.kit.tabs import url_expander, url_tabs
from ui.mcmc.canvas import chain_canvas
from ui.kit.i18n import S, lang, t
from ui.kit.present import presenting

R.foreground()  # the background prefetch pauses while this run works for the student
st.title(t("mcmc_title"))
notes = MT.url_notes(P.sanitize_url(M.ALL_SPECS))  # (kept for the run that brings the charts)
for n in notes:
    st.warning(n, icon=":material/warning:")

# --- controls (sidebar) --------------------------------------------------------------------
with st.sidebar:
    target = P.choice(M.SPECS["target"], format_func=lambda k: t(f"target_{k}"))
    formula = M.DEFAULT_FORMULA
    half = M.CUSTOM_HALF
    if target == "custom":
        typed = P.text(M.SPECS["formula"], help=M.formula_help())
        err, pointer = M.check_formula(typed)
        if err:
            st.error(t("formula_error", message=err))
            if pointer:  # (none for an empty formula)
                st.code(pointer, language=None)
            st.caption(t("formula_fallback"))
            formula = st.session_state.get("_last_good_formula", M.DEFAULT_FORMULA)
        else:
            formula = st.session_state["_last_good_formula"] = typed
        half = float(P.slider(M.SPECS["box"], step=0.5, help=t("box_half_help")))
    sampler = P.choice(M.SPECS["sampler"], format_func=lambda k: t(f"sampler_{k}"))
    if sampler == "mh-independent" and P.toggle(M.SPECS["noq"], help=t("ignore_q_help")):
        sampler = M.NOQ  # the same q with its terms left out of α: wrong on purpose
    # T and the step size are drawn in the picture (its fragment, below).
    L = P.slider(M.SPECS["L"]) if sampler == "hmc" else 10
    chains = P.slider(M.SPECS["chains"])
    steps = P.slider(M.SPECS["steps"], step=50)
    m = P.slider(M.SPECS["m"], step=10)
    m = min(m, steps - 10)  # keep at least a few draws after burn-in
    seed = P.number(M.SPECS["seed"])
    starts = P.choice(M.SPECS["starts"], format_func=lambda k: t(f"starts_{k}"))
    box = M.energy_for(target, formula, half).box
    points, perr = M.clicked_points(box, starts == "clicked")  # (clicked on the picture; in the link)
    if perr:
        st.warning(t(perr, box=box))
    if starts == "clicked":
        st.caption(t("clicked_help", n=len(points)))
        if st.button(t("clear_clicks")):
            st.session_state["clicked"] = []
            points = ()
    elif starts == "typed":
        pts, perr = P.parse_points(P.text(M.SPECS["xy"]), box)
        if perr:
            st.error(t(perr, box=box))
        points = tuple(pts)
    else:
        st.caption(t("click_tip"))
    show = P.choice(M.SPECS["show"], format_func=lambda k: t(f"show_{k}"))
    exact = P.toggle(M.SPECS["exact"], help=t("exact_samples_help"))
    f_key = P.choice(M.SPECS["f"])

# --- the picture ---------------------------------------------------------------------------
cfg = dict(target=target, formula=formula, sampler=sampler, L=L, chains=chains, steps=steps, seed=seed,
           starts=starts, points=points if starts in ("clicked", "typed") else (), half=half, m=m, show=show,
           exact=exact)
grid_notes = st.container()  # warnings about the grid at this T (known only after the picture)
left, right = st.columns([5, 3], gap="medium") if not presenting() else (st.container(), st.container())
# (presentation mode: the picture spans the page, its numbers follow below it)


@st.fragment(key="mcmc_picture")
def picture_panel(c: dict):
    """The landscape and the chains, with the T and step-size sliders drawn in the picture.

    A move of either slider to a clip the browser holds (sent ahead: ``ui.mcmc.tune``) is drawn
    there at once; the choice then reruns this fragment (``MT.apply`` has stored it), which
    sends the clip (the browser plays on) and asks for the full rerun that brings the numbers.
    Returns (T, step, trace).
    """
    R.foreground()
    fast = bool(st.session_state.pop(MT.TUNED, False)) and M.in_fragment_rerun()  # a slider just moved
    T = P.value(M.SPECS["T"])
    step = P.value(M.STEP_SPECS[c["sampler"]]) if c["sampler"] in M.STEP_SPECS else None
    picture = M.exact_grid(c["target"], c["formula"], T, M.DISPLAY_GRID, picture=True, half=c["half"])
    key = (c["target"], c["formula"], c["sampler"], step or 0.0, T, c["L"], c["chains"], c["steps"], c["seed"],
           c["starts"], c["points"], c["half"])
    early = R.first_steps_only(key, fast)  # then a rerun brings the whole run
    with st.spinner(t("running", chains=c["chains"], steps=c["steps"])):
        trace = R.run_prefix(*key) if early else R.run(*key)
    data = MT.canvas_data(key, trace, picture, c["m"], c["show"], asked_for=st.session_state.pop(MT.ASKED, None),
                          holds=st.session_state.pop(MT.HOLDS, None), exact=c["exact"])
    result = chain_canvas(data, key=MT.CANVAS_KEY, height=700, on_tune=MT.apply, on_near=MT.asked,
                          on_drawn=MT.drawn)
    # Hand the GIL to the server's event loop so it sends the picture now, before this thread
    # goes on (to the numbers below, or to the full rerun that brings them).
    time.sleep(0.015)
    if result is not None and getattr(result, "click", None):  # (a click also reruns this fragment)
        pt = [float(v) for v in result.click]
        if len(pt) == 2 and all(math.isfinite(v) for v in pt):
            st.session_state["clicked"] = (list(st.session_state.get("clicked", [])) + [pt])[-16:]
            st.rerun()
    if fast or early or MT.just_drawn():
        st.rerun()  # the picture is out: now the whole page, whose numbers (and charts) follow
    outside = diagnostics.fraction_outside(trace.positions, picture.box)
    if outside.max() > 0:  # the canvas clips them: say so
        st.caption(t("outside_box", pct=100 * outside.max(), chain=int(outside.argmax()) + 1))
    if M.in_fragment_rerun():  # (the browser asked for the neighbours' clips): done, no page run
        R.foreground(False)
    return T, step, trace, key


with left:
    T, step, trace, key = picture_panel(cfg)

# A session's first view stops at the picture: the numbers' formulas (KaTeX), metrics and
# the link's code block would make the browser load and lay out ~2 MB of code before the
# canvas mounts.  The canvas says when it has drawn (``MT.drawn``), and that run brings them.
# (Not st.stop(): a run stopped early drops the callback of an event that came during it.)
if not MT.charts_ready():
    right.caption(t("numbers_follow"))
else:
    # --- compute the rest (cached: moving burn-in m never reruns the chains) --------------------
    truth = M.exact_grid(target, formula, T, M.EXACT_GRID, half=half)
    for w in truth.warnings():
        grid_notes.warning(t(f"grid_{w}"), icon=":material/warning:")

    with right:
        s = N.summary(key, trace, m)  # (computed once per run and burn-in, for everyone)
        fmt = lambda a: " / ".join("–" if not math.isfinite(v) else f"{v:,.0f}" for v in a)  # noqa: E731
        c1, c2 = st.columns(2)
        c1.metric(t("acceptance"), f"{s.acceptance:.1%}", help=t("acceptance_help"))
        c2.metric(t("rhat"), " / ".join("–" if not math.isfinite(v) else f"{v:.3f}" for v in s.rhat), help=t("rhat_help"))
        c1.metric(t("ess_bulk"), fmt(s.ess_bulk), help=t("ess_help"))
        c2.metric(t("ess_tail"), fmt(s.ess_tail), help=t("ess_help"))
        fv, est = N.estimate(key, trace, m, f_key, lambda pos: M.f_values(pos, f_key))
        exact_f = M.tidy(M.exact_expectation(truth, f_key))
        st.metric(t("estimate") + f"  (f = {f_key})", f"{est:.4f}", delta=t("vs_exact", d=est - exact_f, e=exact_f),
                  delta_color="off")
        st.caption(t("grid_numbers", logz=M.tidy(truth.log_z), mx=M.tidy(truth.mean[0]), my=M.tidy(truth.mean[1])))
        n_div = int(trace.diverged[-1].sum())
        if n_div:
            st.error(t("diverged", k=n_div))
            st.button(t("reset_settings"), type="primary", on_click=M.reset_settings)
        st.subheader(t("formulas"))
        for tex in M.LATEX[sampler]:
            st.latex(tex)
        st.latex(M.F_MN)
        st.caption(t("fmn_pooled"))

    # --- numbers under the picture -------------------------------------------------------------
    # Only the open tab is drawn (on_change="rerun"): hidden Plotly charts cost the browser
    # ~0.8 s of main-thread work per slider move.  The key carries the language (labels change).
    tabs = url_tabs("tab", ("tab_traces", "tab_acf", "tab_hist", "tab_fmn"), f"tabs_{lang()}")  # (open tab in the link)
    coords = ("x", "y")
    if tabs[0].open is not False:
        with tabs[0]:
            cols = st.columns(2)
            for j in range(2):
                lab = {"title": t("trace_title", coord=coords[j]), "step": t("step"), "value": coords[j],
                       "burn_in": t("burn_in_short")}
                cols[j].plotly_chart(N.figure("trace_figure", key, trace, m, lab, j), key=f"trace{j}")
    if tabs[1].open:
        with tabs[1]:
            cols = st.columns(2)
            for j in range(2):
                lab = {"title": t("acf_title", coord=coords[j]), "lag": t("lag")}
                cols[j].plotly_chart(N.figure("acf_figure", key, trace, m, lab, j), key=f"acf{j}")
    if tabs[2].open:
        with tabs[2]:
            cols = st.columns(2)
            for j, (centres, marg) in enumerate([(truth.xs, truth.marginal_x), (truth.ys, truth.marginal_y)]):
                lab = {"title": t("hist_title", coord=coords[j]), "axis": coords[j], "density": t("density"),
                       "samples": t("samples"), "exact": t("exact")}
                cols[j].plotly_chart(N.figure("marginal_figure", key, trace, m, lab, j, centres, marg),
                                     key=f"hist{j}")
    if tabs[3].open:
        with tabs[3]:
            lab = {"title": t("fmn_title"), "value": f"f_mn, f = {f_key}", "exact": t("exact") + f" = {exact_f:.4f}"}
            st.plotly_chart(N.figure("running_mean_figure", key, trace, m, lab, fv, m, exact_f), key="fmn")

    # Expanders fill only when open (on_change="rerun"): closed, their LaTeX costs no browser work
    # on each slider move.
    explain = url_expander(t("explain"), "mcmc_explain")  # (open: in the link)
    if explain.open:
        with explain:
            EX.explain_panel(trace, target, formula, sampler, step, T, L, seed, half, truth.log_z)

    PT.panel(cfg, T)  # parallel tempering: its own panel, computed when open
    AT.panel(cfg, T)  # step-size adaptation during burn-in: its own panel, computed when asked
    LW.panel(key, trace, m, f_key, fv, truth, exact_f)  # a brushed window's diagnostics: built only when open

    things = url_expander(t("things_to_try"), "mcmc_try")
    if things.open:
        with things:
            TR.things_to_try()

    st.subheader(t("share"))
    st.caption(t("share_help"))
    st.code(M.share_link(), language=None)
    # For slides: this clip as one HTML file that plays offline (made when clicked, not per run);
    # the picture's own PNG button (1920 px) is in its controls.
    pic = M.exact_grid(target, formula, T, M.DISPLAY_GRID, picture=True, half=half)
    clip_now = MT.clip(key, trace, pic, m, show, exact)
    title, lng = t("export_title", sampler=t(f"sampler_{sampler}"), T=T, n=steps), lang()
    gif_font = EXP.gif_font(lng)
    cap_lang = lng if gif_font is not None or lng == "en" else "en"  # (PIL's own font draws English only)
    caps = {k: S[f"gif_{k}"][cap_lang] for k in ("step", "burn_in")}
    c_html, c_gif = st.columns(2)
    c_html.download_button(t("export_html"), data=lambda: EXP.clip_html(clip_now, title, lng), on_click="ignore",
                           file_name=f"ebm-lab-mcmc-{sampler}-T{T:g}.html", mime="text/html",
                           icon=":material/download:")
    c_gif.download_button(t("export_gif"), on_click="ignore", mime="image/gif", icon=":material/download:",
                          data=lambda: EXP.clip_gif(trace.positions, pic.energy / T, pic.box, {**caps, "m": m},
                                                    gif_font),
                          file_name=f"ebm-lab-mcmc-{sampler}-T{T:g}.gif")
    st.caption(t("export_help"))
    if lng != "en" and gif_font is None:
        st.caption(t("gif_no_font"))

# While the student looks, compute the runs one slider notch away (low priority, cached).
R.foreground(False)
R.prefetch_neighbours(*key)
R.warm_plane(*key)  # (once per link: the whole T x step-size plane, after everyone's neighbours)
