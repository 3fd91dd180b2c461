"""The T and step-size sliders drawn in the MCMC picture, and the clips sent ahead with it.

The two sliders that reshape the picture most often live inside the chain canvas, not in
Streamlit: with each clip the page sends the clips one notch away on either slider (those the
background worker has computed), so a move to one of them is drawn by the browser at once,
with no server run in between.  The choice then reaches the server as the canvas's ``tune``
trigger; ``apply`` (its callback, run before the script) range-checks it into session state,
where the values live (``params.value`` keeps them in the share link).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from ebm_core.viz import mcmc as fig

from ui.mcmc import controls as M
from ui.mcmc import runs as R
from ui.mcmc.canvas import pack_clip
from ui.mcmc.canvas.records import exact_draws, rec_points
from ui.kit.i18n import lang, t
from ui.kit.shared import SharedCache, budget_mb
from ui.kit.present import label_scale

CANVAS_KEY = "mcmc_canvas"
TUNED = "_mcmc_tuned"  # set by ``apply``: this rerun comes from a slider in the picture
ASKED = "_mcmc_near_have"  # set by ``asked``: the browser asks for the neighbours (it holds these)
HOLDS = "_mcmc_tune_have"  # set by ``apply``: the browser holds the clip it has just chosen
NEAR_STEPS = R.PREFIX_STEPS  # steps of a neighbour's clip sent ahead (its whole run follows a move)
SENT = "_mcmc_sent"  # (context, slider key, sig) of the last whole clip sent to this browser
DRAWN = "_mcmc_drawn"  # set by ``drawn``: this browser has drawn a picture, the charts may follow
JUST_DRAWN = "_mcmc_just_drawn"  # (for the run the browser's word starts: it reruns the page)
REDRAWN = "_mcmc_redrawn"  # (the page run that follows it)
NOTES = "_mcmc_url_notes"  # the notes about the link's values on the session's first run


def drawn() -> None:
    """The canvas's ``on_drawn_change`` callback: the first picture is on screen.

    A session's first view holds the page's Plotly charts back (``charts_ready``): loading
    plotly.js in the browser (~1 MB) would delay the picture by seconds on a fresh page."""
    if not st.session_state.get(DRAWN):
        st.session_state[DRAWN] = st.session_state[JUST_DRAWN] = True


def just_drawn() -> bool:
    """Whether the browser has just said it drew its first picture (then the page reruns to
    draw the charts, and that run shows the notes about the link again: ``url_notes``)."""
    if st.session_state.pop(JUST_DRAWN, False):
        st.session_state[REDRAWN] = True
        return True
    return False


def url_notes(notes: list) -> list:
    """The notes about the link's values: this run's, or, in the run that follows the first
    picture (the link has been corrected by then), the first run's."""
    if notes:
        st.session_state[NOTES] = list(notes)
    elif st.session_state.pop(REDRAWN, False):
        return st.session_state.get(NOTES, [])
    return notes


def charts_ready() -> bool:
    """Whether to draw the Plotly charts (once this browser has drawn its first picture)."""
    return bool(st.session_state.get(DRAWN))


def labels() -> dict[str, str]:
    lab = {k: t(k) for k in ("play", "pause", "reset", "speed", "accepted", "rejected", "start", "speed_unit",
                             "x_axis", "y_axis")}
    lab.update(step=t("step_btn"), step_counter=t("step_counter", i="{i}", n="{n}"),
               burn_in_note=t("burn_in_note", m="{m}"), png=t("save_png"))
    return lab


def _slider(role: str, spec, value) -> dict:
    # name: the setting's own key ("T", "sigma", "eps", ...), so that a step size chosen on one
    # sampler's slider can never be applied to another's (see ``updates``)
    options = list(spec.options)
    index = min(range(len(options)), key=lambda i: abs(options[i] - value))
    return {"name": spec.key, "role": role, "label": t(spec.label), "options": options,
            "shown": [str(o) for o in options], "index": index}


def sliders(sampler: str, T: float, step: float | None) -> list[dict]:
    out = [_slider("T", M.SPECS["T"], T)]
    if sampler in M.STEP_SPECS:
        out.append(_slider("step", M.STEP_SPECS[sampler], step))
    return out


def tune_key(sampler: str, T: float, step: float | None) -> str:
    """The browser's name for (T, step): the slider indices joined by "|"."""
    return "|".join(str(s["index"]) for s in sliders(sampler, T, step))


def updates(value, sampler: str) -> dict:
    """Session-state values for a ``tune`` trigger ``{"T": …, "sigma": …}`` from the browser.

    Only T and the current sampler's own step size are read (a value from another sampler's
    slider, sent before the page switched, is ignored).  Every value is range-checked like a
    URL value (snapped to the nearest allowed notch); anything that is not a finite number is
    ignored, so the setting stays as it was.
    """
    out = {}
    if not isinstance(value, dict):
        return out
    for spec in (M.SPECS["T"], M.STEP_SPECS.get(sampler)):
        v = value.get(spec.key) if spec is not None else None
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            continue
        parsed, note = spec.parse(str(v))
        if note is None or note[0] == "clamped":
            out[spec.key] = parsed
    return out


def apply() -> None:
    """The canvas's ``on_tune_change`` callback: runs before the script, so the page reads the
    new values like any other setting."""
    result = st.session_state.get(CANVAS_KEY)
    value = result.get("tune") if hasattr(result, "get") else getattr(result, "tune", None)
    st.session_state.update(updates(value, st.session_state.get(M.SPECS["sampler"].key, "mh")))
    st.session_state[TUNED] = True
    held = held_keys(value)  # (the browser says whether it holds the chosen clip, and which grids)
    if held is not None:
        grids = value.get("grids") if isinstance(value.get("grids"), list) else []
        near = held_keys({"ctx": held[0], "have": value.get("near")})  # (every clip it holds)
        st.session_state[HOLDS] = (*held, [g for g in grids[:8] if isinstance(g, str) and len(g) <= 32],
                                   near[1] if near is not None else None)


def held_keys(value) -> tuple[str, list[str]] | None:
    """(ctx, keys) of a ``near`` trigger: the settings it was asked for and the keys the browser
    holds for them (None: not a valid request).

    Only short "i|j" strings of digits are kept, at most 16: the value comes from the browser.
    """
    if not isinstance(value, dict) or not isinstance(value.get("have"), list):
        return None
    ctx = value.get("ctx")
    keys = [k for k in value["have"][:16]
            if isinstance(k, str) and len(k) <= 12 and all(p.isdigit() for p in k.split("|"))]
    return (ctx if isinstance(ctx, str) else "", keys)


def asked() -> None:
    """The canvas's ``on_near_change`` callback: the browser asks for the clips one notch away."""
    result = st.session_state.get(CANVAS_KEY)
    value = result.get("near") if hasattr(result, "get") else getattr(result, "near", None)
    held = held_keys(value)
    if held is not None:
        st.session_state[ASKED] = held


#: packed clips by (clip id, steps held, language), shared by every session: the current clip is
#: sent again with every run of the page, and a class asks for the same few
PACKED = SharedCache("mcmc clips", budget_mb(64))


def clip(key: tuple, trace, picture, m: int, show: str, exact: bool = False) -> dict:
    """The canvas payload of run ``key`` (its first steps or the whole run), packed once per
    language and kept (``PACKED``).  With the run's records (HMC, ULA, MALA) the clip draws
    what the sampler did; ``exact``: with i.i.d. draws from p_T (``records.py``)."""
    memo = (R.clip_id(key, m, show), trace.n_steps, lang()) + (("exact",) if exact else ())

    def pack():
        target, formula, sampler, step, T, L, chains, steps, seed, *_rest, half = key
        values = picture.density if show == "density" else np.where(np.isfinite(picture.energy), picture.energy,
                                                                    np.inf)
        rec = rec_points(sampler, trace.records, trace.positions, step, T, L)
        more = exact_draws(M.energy_for(target, formula, half), T, chains, steps, m, seed) if exact else {}
        return pack_clip(trace.positions, trace.proposals, trace.accepted, values, picture.box, m,
                         half=trace.half, colors=fig.PALETTE, clip_id=memo[0], n_total=key[7], rec=rec,
                         labels=labels() | record_labels(sampler, rec, exact) | {"colorbar": t(f"colorbar_{show}")},
                         **more)  # (the colour bar: p_T or E)
    return dict(PACKED.get_or_compute(memo, pack))


def record_labels(sampler: str, rec: dict | None, exact: bool) -> dict[str, str]:
    """The legend's words for the layers this clip has (none: the labels are as they were)."""
    out = {}
    if rec is not None:
        names = ("rec_path", "rec_momentum") if sampler == "hmc" else ("rec_drift", "rec_noise")
        names += ("rec_circle",) if sampler == "mala" else ()
        out = {k: t(k) for k in names} | {"rec_note": t("rec_note", k="{k}")}
    if exact:
        out["exact_note"] = t("exact_note", n="{n}", of="{of}")
    return out


def context(key: tuple, m: int, show: str, exact: bool = False) -> str:
    """A name for everything that makes a clip but T and the step size (and the language)."""
    return R.clip_id(key[:3], key[5:], m, show, lang(), *(("exact",) if exact else ()))


def canvas_data(key: tuple, trace, picture, m: int, show: str, asked_for: tuple | None = None,
                holds: tuple | None = None, exact: bool = False) -> dict:
    """The chain canvas's data for run ``key``: its clip and ``payload``.

    ``asked_for``: the browser's request for the neighbours, ``(ctx, keys it holds)``; one made
    for other settings (the page changed meanwhile) is ignored, the browser asks again.
    ``holds``: the same for the clip the browser has just chosen on its sliders, plus the
    ids of the grids it holds and every clip it holds (whole or first steps: the neighbours
    it lacks come with the answer) (a clip whose grid is among them names it instead of sending it).  When the
    browser holds this very setting's clip (it says so, or this session's last run sent it),
    the clip is left out (``held``: only its id and signature; the browser checks the
    signature and asks again, holding nothing, if its copy differs), so the answer carries
    only what it lacks: a move to a clip held costs about a kilobyte.
    """
    data = clip(key, trace, picture, m, show, exact)
    ctx = context(key, m, show, exact)
    have = asked_for[1] if asked_for is not None and asked_for[0] == ctx else None
    # A move says which clips the browser holds: its answer brings the neighbours it lacks
    # (computed with the run: ui.mcmc.runs.run), so the browser need not ask for them again.
    near_have = holds[3] if have is None and holds is not None and len(holds) > 3 and holds[0] == ctx else None
    extra = payload(key, m, show, have if have is not None else near_have, grid_id=data["grid"]["id"], exact=exact)
    tune = extra["tune"]["key"]
    if have is not None:  # (the browser's own word: it may have lost what it was sent)
        held = tune in have
    else:
        held = (holds is not None and holds[0] == ctx and tune in holds[1]) or \
            st.session_state.get(SENT) == (ctx, tune, data["sig"])
    if held:
        data = {"v": data["v"], "id": data["id"], "sig": data["sig"], "held": True}
    else:
        st.session_state[SENT] = (ctx, tune, data["sig"])
        if holds is not None and len(holds) > 2 and data["grid"]["id"] in holds[2]:
            data["grid"] = {"ref": data["grid"]["id"]}  # (a move along the step size: same landscape)
    data.update(extra)
    data["label_scale"] = label_scale()  # presentation mode: larger labels, thicker paths
    if not charts_ready():
        data["ask_drawn"] = True
    return data


def payload(key: tuple, m: int, show: str, have: list[str] | None = None, grid_id: str | None = None,
            exact: bool = False) -> dict:
    """What the canvas needs besides the clip: its sliders; how many clips one notch away the
    server has computed (``ready``) and is computing (``missing``, the next in about ``eta_ms``);
    and, when the browser asks for them (``have``: the keys it holds), the clips it lacks.

    Each neighbour's clip thus crosses the network once, when asked for, not with every run.
    """
    target, formula, sampler, step, T, *_rest, half = key
    near, ready, missing, one_s = R.near_runs(key)
    sent = []
    for t_, s_, trace in near if have is not None else ():
        n_tune = tune_key(sampler, t_, s_)
        if n_tune in have:
            continue
        n_key = key[:3] + (s_, t_) + key[5:]
        picture = M.exact_grid(target, formula, t_, M.DISPLAY_GRID, picture=True, half=half)
        # only the first steps: enough to draw a move at once and play on for a few seconds,
        # while the move's answer brings the whole run under the same clip id
        near_clip = clip(n_key, R.first_steps(trace, NEAR_STEPS), picture, m, show, exact)
        if grid_id is not None and near_clip["grid"]["id"] == grid_id:  # (same T: the browser has it)
            near_clip["grid"] = {"ref": grid_id}
        sent.append([n_tune, near_clip])
    return {
        "tune": {"ctx": context(key, m, show, exact), "key": tune_key(sampler, T, step),
                 "sliders": sliders(sampler, T, step)},
        "near": sent,
        "ready": ready,
        "missing": missing,
        # when the next one should be ready: the worker starts when the page's run ends
        # (~0.2 s), runs at low priority, and computes the likeliest next move first
        "eta_ms": round(1300 * one_s + 250) if missing else 0,
    }
