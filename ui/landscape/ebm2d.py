"""The "learn an EBM from data" mode of the landscape page: ``render()``.

Controls in the sidebar (bounds from ``ebm2d.Config``'s declared ranges, bound to the URL with
an ``ml_`` prefix), live maximum-likelihood training in ticks (a model job, ``ui.kit.jobs``),
the landscape with data and negative samples, the mean energies and the exact held-out
log-likelihood, Langevin sampling from noise, the annealed-Langevin (→ diffusion) demo and the
downloads.

The job lives in ``st.session_state[JOB]`` (the ``jobs`` fields, plus): the ``Trainer``
(``ebm_core.ebm.ebm2d``), the settings that built it (``sig``), the update count to reach
(``target``), snapshots of the landscape for the training GIF, the last sampling / annealing
clips, and a ``lock``: a widget change reruns the page while a tick may still be computing in
another thread (seen in a browser: two Adam steps interleaved), and a download is built in the
server's own thread, so everything that touches the model holds it.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import streamlit as st
import torch

from ebm_core.io import checkpoint
from ebm_core.ebm import ebm2d
from ebm_core.data import toy2d
from ebm_core.ranges import SEED, ranges
from ebm_core.viz import ebm2d as V
from ebm_core.viz.fonts import cjk_font

from ui.kit import classroom, jobs, limits, live
from ui.kit import params as P
from ui.kit.i18n import S, lang, t
from ui.kit.params import Spec
from ui.kit.present import presenting
from ui.kit.share import share_box
from ui.landscape import explore, tries
from ui.kit.tabs import url_expander

JOB = "ebm2d_job"
TICK_S = 0.25  # training per tick; with the redraw a tick lasts about EVERY_S
EVERY_S = 0.4
PACE = jobs.Pace(every_s=EVERY_S, min_s=TICK_S, max_s=TICK_S)  # a fixed budget
UPDATES_PER_CALL = 5
TRAIN_BLOCK = 2000  # updates per press of Train / Train more
PICTURE_GRID = 100  # cells per side of the drawn landscape (the log-likelihood uses a finer grid)
SNAP_GRID = 64
MAX_SNAPS = 60
MAX_DRAWN_DATA = 1500
SAMPLE_PARTICLES = 400
OFF_DATA = 0.5  # a negative farther than this from every training point is "off the data"

EPS_STEPS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2, 0.3)
LRS = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03)
WIDTHS = (16, 32, 64, 128, 256)

D = ebm2d.Config()
R = ranges(ebm2d.Config)


SPECS = {
    "data": Spec("ml_data", "ebm2d_data", D.dataset, options=toy2d.NAMES, kind="choice"),
    "n": P.bounded("ml_n", "ebm2d_n_data", D.n_data, R["n_data"], 200, 10_000),
    "width": P.among("ml_width", "ebm2d_width", D.width, R["width"], WIDTHS),
    "depth": P.bounded("ml_depth", "ebm2d_depth", D.depth, R["depth"], 1, 5),
    "scheme": Spec("ml_neg", "ebm2d_scheme", D.scheme, options=ebm2d.SCHEMES, kind="choice"),
    "reinit": P.bounded("ml_reinit", "ebm2d_reinit", D.reinit, R["reinit"], 0.0, 1.0, kind="float"),
    "k": P.bounded("ml_k", "ebm2d_k", D.langevin_steps, R["langevin_steps"], 1, 100),
    "eps": P.among("ml_eps", "ebm2d_eps", D.step_size, R["step_size"], EPS_STEPS),
    "alpha": P.bounded("ml_alpha", "ebm2d_alpha", D.alpha, R["alpha"], 0.0, 1.0, kind="float"),
    "lr": P.among("ml_lr", "ebm2d_lr", D.lr, R["lr"], LRS),
    "seed": P.bounded("ml_seed", "ebm2d_seed", D.seed, SEED, 0, 999_999),
    "show": Spec("ml_show", "ebm2d_show", "energy", options=("energy", "density"), kind="choice"),
    "sample_steps": P.bounded("ml_sample_steps", "ebm2d_sample_steps", 300, ebm2d.STEPS, 20, 2000),
}
BASE = dict(SPECS)  # the page's own ranges, before the class limits narrow them
#: the class limits that narrow these controls ({"width": limit}), for the caption
LIMITED: dict[str, int] = {}


def apply_limits(lim: limits.ClassLimits) -> None:
    """The network's width within the class's hidden-unit limit (``ui.kit.limits``; no epochs here:
    training runs in blocks of updates). In place, as the pages hold SPECS; a test applies others."""
    SPECS.update(BASE)
    SPECS["width"] = limits.cap(BASE["width"], lim.max_hidden_units)
    LIMITED.clear()
    if SPECS["width"] != BASE["width"]:
        LIMITED["width"] = lim.max_hidden_units


apply_limits(limits.CLASS)


# --- controls -----------------------------------------------------------------------------
def controls() -> dict:
    """Draw the sidebar controls; return the chosen settings."""
    for note in P.sanitize_url(list(SPECS.values())):
        st.warning(note, icon=":material/warning:")
    with st.sidebar:
        st.subheader(t("ebm2d_controls"))
        c = {
            "dataset": P.choice(SPECS["data"], format_func=lambda k: t(f"ebm2d_data_{k}")),
            "n_data": P.slider(SPECS["n"], step=100),
            "width": P.slider(SPECS["width"]),
            "depth": P.slider(SPECS["depth"]),
            "scheme": P.choice(SPECS["scheme"], format_func=lambda k: t(f"ebm2d_scheme_{k}")),
        }
        c["reinit"] = (P.slider(SPECS["reinit"], step=0.01) if c["scheme"] == "persistent"
                       else st.session_state.get("ml_reinit", D.reinit))
        c |= {
            "langevin_steps": P.slider(SPECS["k"]),
            "step_size": P.slider(SPECS["eps"]),
            "alpha": P.slider(SPECS["alpha"], step=0.01),
            "lr": P.slider(SPECS["lr"]),
            "seed": P.number(SPECS["seed"]),
        }
        classroom.limits_note(LIMITED)
        st.caption(t("ebm2d_live_note"))
        c["show"] = P.choice(SPECS["show"], format_func=lambda k: t(f"ebm2d_show_{k}"))
    return c


# --- the job -------------------------------------------------------------------------------
def _signature(c: dict) -> tuple:
    """The settings that define the model and its data: changing one starts afresh."""
    return (c["dataset"], int(c["n_data"]), int(c["width"]), int(c["depth"]), int(c["seed"]))


def _live_settings(c: dict) -> dict:
    return {k: c[k] for k in ebm2d.LIVE_SETTINGS}


#: The shipped model (issue 13 §2: the page opens with a trained model on screen), made by
#: ``python -m ebm_core train ebm2d --dataset 8gaussians --steps 2000 --seed 0 --threads 1 --out ...``:
#: the page's default settings and one block of updates.
SHIPPED = Path(__file__).resolve().parents[2] / "assets" / "models" / "ebm2d_8gaussians.pt"


@st.cache_resource(show_spinner=False)
def shipped() -> dict | None:
    """The shipped checkpoint (read once for every session), or None when it is missing or unreadable."""
    try:
        return checkpoint.load(str(SHIPPED), "ebm2d")
    except (OSError, checkpoint.CheckpointError):
        return None


def _fresh(c: dict, scratch: bool, **fields) -> dict:
    """A new job for settings ``c``: the shipped model when it was trained with these settings and
    nobody asked for a fresh start (``scratch``: Train, Reset, a thing to try), else the flat start."""
    cfg = ebm2d.Config(dataset=c["dataset"], n_data=int(c["n_data"]), width=int(c["width"]),
                       depth=int(c["depth"]), seed=int(c["seed"]), eval_every=1_000_000, **_live_settings(c))
    tr, source = ebm2d.Trainer(cfg), "scratch"
    ck = None if scratch else shipped()
    if ck is not None:
        try:
            tr.restore(ck)
            source = "shipped"
        except (ValueError, KeyError, RuntimeError):
            tr = ebm2d.Trainer(cfg)  # other settings: the flat start
    j = jobs.replace(JOB, trainer=tr, sig=_signature(c), target=tr.updates + TRAIN_BLOCK, snaps=[],
                     lock=threading.RLock(), source=source, scratch=scratch, **fields)
    _snapshot(j)
    return j


def job(c: dict) -> dict:
    """The job's dict, with a trainer for these settings (a new one when the model changed)."""
    j = jobs.get(JOB)
    if j.get("sig") != _signature(c) or "trainer" not in j:
        j = _fresh(c, scratch=bool(j.get("scratch")))
    elif j.get("source") == "shipped" and j["status"] == jobs.RUNNING:
        j = _fresh(c, scratch=True, status=jobs.RUNNING)  # Train on the shipped model: learning from the flat start
    with j["lock"]:
        j["trainer"].set_live(**_live_settings(c))
    if j["trainer"].updates >= j["target"]:
        j["target"] = j["trainer"].updates + TRAIN_BLOCK  # what "Train more" will run
    return j


def _snapshot(j: dict) -> None:
    """Keep the landscape and the negatives for the training GIF (thinned to MAX_SNAPS)."""
    tr = j["trainer"]
    snaps = j["snaps"]
    if snaps and snaps[-1]["update"] == tr.updates:
        return
    _, _, e = tr.energy_grid(SNAP_GRID)
    snaps.append({"update": tr.updates, "energy": e, "negatives": tr.negatives[:200].numpy().copy()})
    if len(snaps) > MAX_SNAPS:
        j["snaps"] = snaps[::2]


def _train_tick(j: dict) -> None:
    """One tick (``jobs.tick``, a fixed budget): updates up to the block's target, then the exact held-out
    log-likelihood and a snapshot for the GIF; DONE at the target or on divergence."""
    tr = j["trainer"]
    if not j["lock"].acquire(timeout=TICK_S):
        return  # another run of this session is training right now: just draw
    try:
        jobs.tick(JOB, PACE, work=lambda: tr.step(min(UPDATES_PER_CALL, j["target"] - tr.updates)),
                  done=lambda: tr.diverged or tr.updates >= j["target"])
        tr.evaluate()
        _snapshot(j)
    finally:
        j["lock"].release()


# --- drawing -------------------------------------------------------------------------------
def _fmt(v: float) -> str:
    return f"{v:g}"


def _references(tr: ebm2d.Trainer) -> dict:
    ref = {t("ebm2d_ref_uniform"): ebm2d.uniform_log_likelihood(tr.box)}
    true = _true_ll(tr.config.dataset)
    if true is not None:
        ref[t("ebm2d_ref_true")] = true
    return ref


@st.cache_data(show_spinner=False)
def _true_ll(dataset: str):
    return ebm2d.true_log_likelihood(dataset, ebm2d.held_out(dataset))


def off_data(negatives, data) -> float:
    """Share of the negatives farther than OFF_DATA from every data point (wide or stray chains)."""
    if len(negatives) == 0:
        return 0.0
    d = torch.cdist(torch.as_tensor(negatives, dtype=torch.float32), data.float()).min(1).values
    return float((d > OFF_DATA).float().mean())


def _draw(j: dict, show: str) -> None:
    tr = j["trainer"]
    with j["lock"]:
        xs, ys, e = tr.energy_grid(PICTURE_GRID)
        negatives = tr.negatives.numpy().copy()
        h = {k: list(v) for k, v in tr.ll_history.items()}
        hist = {k: list(v) for k, v in tr.history.items()}
    left, right = st.columns([3, 2], gap="medium")
    data = tr.data.numpy()[:MAX_DRAWN_DATA]
    title = t("ebm2d_landscape_title_density" if show == "density" else "ebm2d_landscape_title",
              u=f"{h['update'][-1]:,}")
    lab = {"title": title, "data": t("ebm2d_legend_data"), "negatives": t("ebm2d_legend_neg"),
           "colorbar": "p" if show == "density" else "E"}
    left.plotly_chart(V.landscape_figure(xs, ys, e, tr.box, lab, data=data, negatives=negatives,
                                         show=show), key="ebm2d_landscape")
    right.plotly_chart(V.ll_figure(h, {"title": t("ebm2d_ll_title"), "x": t("ebm2d_curves_x"), "y": t("ebm2d_ll_y"),
                                       "ll": t("ebm2d_ll_series")}, _references(tr)), key="ebm2d_ll")
    right.plotly_chart(V.energy_curves_figure(hist, {"title": t("ebm2d_curves_title"), "x": t("ebm2d_curves_x"),
                                                           "y": t("ebm2d_curves_y"), "data": t("ebm2d_legend_data"),
                                                           "negatives": t("ebm2d_legend_neg")}), key="ebm2d_energy")
    # (the numbers under the pictures: the picture first)
    c1, c2, c3, c4, c5 = st.columns(5)
    c1.metric(t("ebm2d_updates"), f"{h['update'][-1]:,}")
    delta = h["ll"][-1] - h["ll"][0] if len(h["ll"]) > 1 else None
    c2.metric(t("ebm2d_ll_metric"), f"{h['ll'][-1]:.3f}", delta=None if delta is None else f"{delta:+.3f}",
              help=t("ebm2d_ll_help", n=len(tr.test), grid=tr.config.grid_n))
    c3.metric(t("ebm2d_logz_metric"), f"{h['log_z'][-1]:.3f}")
    gap = hist["e_neg"][-1] - hist["e_data"][-1] if hist["update"] else 0.0
    c4.metric(t("ebm2d_energy_gap"), f"{gap:.3f}", help=t("ebm2d_gap_help"))
    c5.metric(t("ebm2d_off_data"), f"{off_data(negatives, tr.data):.0%}", help=t("ebm2d_off_data_help", r=OFF_DATA))
    if tr.diverged:
        st.error(t("ebm2d_diverged"))
    elif h["edge_mass"][-1] > 0.02:
        st.warning(t("ebm2d_edge_note", mass=h["edge_mass"][-1]), icon=":material/warning:")
    if j["status"] == jobs.DONE and not tr.diverged:
        st.success(t("ebm2d_block_done", u=f"{h['update'][-1]:,}"))
    elif j["status"] == jobs.IDLE and j.get("source") != "shipped":
        st.info(t("ebm2d_idle_hint"))


def _formulas(c: dict) -> None:
    tx = {k: t(f"ebm2d_tex_{k}") for k in ("observed", "synthesised", "box", "loss")}
    with st.expander(t("ebm2d_formulas"), expanded=True):
        st.latex(r"p_\theta(x) = \frac{1}{Z(\theta)}\exp(f_\theta(x)),\quad f_\theta = -E_\theta,\quad"
                 rf" Z(\theta) = \int_{{\text{{{tx['box']}}}}} \exp(-E_\theta(x))\,dx")
        st.latex(r"\nabla_\theta L(\theta) \approx \underbrace{\frac{1}{n}\sum_{i=1}^{n}\nabla_\theta f_\theta(x_i)}"
                 rf"_{{\text{{{tx['observed']}}}}} - \underbrace{{\frac{{1}}{{\tilde n}}\sum_{{i=1}}^{{\tilde n}}"
                 rf"\nabla_\theta f_\theta(\tilde x_i)}}_{{\text{{{tx['synthesised']}}}}}")
        st.latex(r"\tilde x \leftarrow \tilde x - \frac{\varepsilon}{2}\nabla_x E_\theta(\tilde x) + \sqrt{\varepsilon}\,\xi,"
                 r"\quad \xi \sim \mathcal N(0, I)")
        st.latex(rf"\text{{{tx['loss']}}} = \frac{{1}}{{n}}\sum_i E_\theta(x_i) - \frac{{1}}{{\tilde n}}\sum_i E_\theta(\tilde x_i)"
                 rf" + {c['alpha']:g}\,\Big(\overline{{E_\theta(x)^2}} + \overline{{E_\theta(\tilde x)^2}}\Big)")
        st.caption(t("ebm2d_formula_caption", k=c["langevin_steps"], eps=_fmt(c["step_size"]), alpha=_fmt(c["alpha"]),
                     lr=_fmt(c["lr"])))
        st.caption(t("ebm2d_model_note"))


def _sampling(j: dict, c: dict) -> None:
    tr = j["trainer"]
    st.subheader(t("ebm2d_sample_header"))
    st.caption(t("ebm2d_sample_intro"))
    a, b = st.columns([3, 1], vertical_alignment="bottom")
    with a:
        steps = P.slider(SPECS["sample_steps"], step=20)
    if b.button(t("ebm2d_sample_button"), key="ebm2d_sample_btn", width="stretch"):
        with j["lock"]:
            frames = tr.sample(SAMPLE_PARTICLES, int(steps), c["step_size"], seed=int(c["seed"]), frames=41)
            j["sample"] = {"frames": frames, "update": tr.updates, "steps": int(steps), "eps": c["step_size"],
                           "energy": tr.energy_grid(PICTURE_GRID), "box": tr.box}
    s = j.get("sample")
    if s is None:
        return
    if s["update"] != tr.updates:
        st.caption(t("ebm2d_sample_stale", u=f"{s['update']:,}"))
    n_fr = len(s["frames"])
    every = max(1, -(-s["steps"] // max(1, 40)))
    titles = [t("ebm2d_frame", i=min(i * every, s["steps"]), n=s["steps"], eps=_fmt(s["eps"])) for i in range(n_fr)]
    _particles(tr, s, titles, t("ebm2d_samples"), t("ebm2d_sample_title", n=s["frames"].shape[1]), "ebm2d_particles")


def _particles(tr, r: dict, titles: list[str], samples: str, title: str, key: str) -> None:
    """Particles moving over the learned energy (``r``: frames, box, energy), the data beside."""
    lab = {"samples": samples, "data": t("ebm2d_data_panel"), "play": t("ebm2d_play"), "pause": t("ebm2d_pause")}
    st.plotly_chart(V.particles_figure(r["frames"], r["box"], lab, data=tr.data.numpy()[:MAX_DRAWN_DATA],
                                       background=r["energy"], frame_titles=titles, title=title), key=key)


def _annealing(j: dict, c: dict) -> None:
    tr = j["trainer"]
    st.subheader(t("ebm2d_anneal_header"))
    sig = ebm2d.noise_levels()
    eta = 0.2
    st.caption(t("ebm2d_anneal_intro", smax=_fmt(sig[0]), smin=_fmt(sig[-1]), eta=_fmt(eta)))
    st.latex(r"x_{t-1} = x_t + \frac{\beta_t}{2}\nabla_x \log p_{\sigma_t}(x_t) + \sqrt{\beta_t}\,\epsilon_t,\qquad"
             r" p_{\sigma} = p_\theta * \mathcal N(0, \sigma^2 I),\quad \beta_t = " + f"{eta:g}" + r"\,\sigma_t^2")
    st.caption(t("ebm2d_anneal_note"))
    st.caption(t("ebm2d_erratum_sign"))
    if st.button(t("ebm2d_anneal_button"), key="ebm2d_anneal_btn"):
        final_eps = min(float(c["step_size"]), 0.01)
        with j["lock"]:
            r = ebm2d.annealed_langevin(tr.model, tr.box, sigmas=sig, eta=eta, final_step_size=final_eps,
                                        seed=int(c["seed"]))
            j["anneal"] = r | {"update": tr.updates, "energy": tr.energy_grid(PICTURE_GRID), "box": tr.box,
                               "final_eps": final_eps}
    a = j.get("anneal")
    if a is None:
        return
    if a["update"] != tr.updates:
        st.caption(t("ebm2d_sample_stale", u=f"{a['update']:,}"))
    titles = [t("ebm2d_anneal_frame", sigma=s, beta=b) if s > 0 else t("ebm2d_anneal_final", eps=_fmt(a["final_eps"]))
              for s, b in zip(a["sigma"], a["beta"])]
    _particles(tr, a, titles, t("ebm2d_anneal_samples"), t("ebm2d_anneal_title", n=a["frames"].shape[1]),
               "ebm2d_anneal")


def _gif_captions(kind: str, values) -> tuple[list[str], object]:
    """A GIF's frame captions in the page's language, and the font to draw them: PIL's default font
    has no CJK glyphs, so Chinese needs one found on this machine (``cjk_font``); without one the
    captions stay English (the page says so: ``_gif_font_note``)."""
    font = None if lang() == "en" else cjk_font(12)
    template = S[f"ebm2d_gif_{kind}"]["en" if font is None else lang()]
    return [template.format(v=v) for v in values], font


def _gif_font_note() -> None:
    if lang() != "en" and cjk_font(12) is None:
        st.caption(t("ebm2d_gif_no_font"))


def _downloads(j: dict) -> None:
    tr = j["trainer"]
    st.subheader(t("ebm2d_downloads"))
    name = f"ebm2d_{tr.config.dataset}_{tr.updates}"
    c1, c2, c3, c4 = st.columns(4)
    def ckpt_bytes() -> bytes:
        with j["lock"]:
            return checkpoint.to_bytes(*tr.checkpoint())

    c1.download_button(t("ebm2d_dl_ckpt"), data=ckpt_bytes, file_name=f"{name}.pt",
                       mime="application/octet-stream", on_click="ignore", key="ebm2d_dl_pt", width="stretch")
    snaps = list(j["snaps"])
    if len(snaps) >= 2:
        caps, font = _gif_captions("update", [s["update"] for s in snaps])
        c2.download_button(
            t("ebm2d_dl_gif_train"), file_name=f"{name}_training.gif", mime="image/gif", on_click="ignore",
            key="ebm2d_dl_train", width="stretch",
            data=lambda: V.gif_bytes(np.stack([_pad(s["negatives"], 200) for s in snaps]), tr.box,
                                     backgrounds=[s["energy"] for s in snaps], data=tr.data.numpy()[:800],
                                     captions=caps, font=font))
    s = j.get("sample")
    if s is not None:
        s_caps, s_font = _gif_captions("frame", range(len(s["frames"])))
        c3.download_button(
            t("ebm2d_dl_gif_sample"), file_name=f"{name}_sampling.gif", mime="image/gif", on_click="ignore",
            key="ebm2d_dl_sample", width="stretch",
            data=lambda: V.gif_bytes(s["frames"], s["box"], backgrounds=s["energy"][2],
                                     captions=s_caps, font=s_font))
    a = j.get("anneal")
    if a is not None:
        a_caps, a_font = _gif_captions("sigma", a["sigma"])
        c4.download_button(
            t("ebm2d_dl_gif_anneal"), file_name=f"{name}_annealed.gif", mime="image/gif", on_click="ignore",
            key="ebm2d_dl_anneal", width="stretch",
            data=lambda: V.gif_bytes(a["frames"], a["box"], backgrounds=a["energy"][2],
                                     captions=a_caps, font=a_font))
    st.caption(t("ebm2d_dl_help"))
    _gif_font_note()


def _pad(points: np.ndarray, n: int) -> np.ndarray:
    """Frames of a GIF need the same number of points: repeat, or NaN (not drawn) when empty."""
    if len(points) >= n:
        return points[:n]
    if len(points) == 0:
        return np.full((n, 2), np.nan, np.float32)
    return np.concatenate([points, np.repeat(points[-1:], n - len(points), axis=0)])


def _scratch() -> None:
    """After Reset: the next model starts flat, not from the shipped one."""
    jobs.get(JOB)["scratch"] = True


def render() -> None:
    """The whole "learn an EBM" mode (called by app_pages/landscape.py)."""
    st.header(t("ebm2d_title"))
    if not presenting():  # (on a projector the picture comes first)
        st.caption(t("ebm2d_intro"))
    c = controls()
    j = job(c)
    live.buttons(JOB, on_reset=_scratch)
    if j.get("source") == "shipped" and j["status"] == jobs.IDLE:
        st.caption(t("ebm2d_shipped_note", u=f"{j['trainer'].updates:,}"))

    def tick() -> None:
        jj = jobs.get(JOB)
        if "trainer" in jj:  # not when Reset was pressed inside this tick's rerun
            _train_tick(jj)

    def draw(running: bool) -> None:
        jj = jobs.get(JOB)
        if "trainer" in jj:
            _draw(jj, c["show"])

    jobs.ticking(JOB, PACE, tick=tick, draw=draw, draw_untrained=True)  # the flat start is part of the lesson
    j = jobs.get(JOB)
    if "trainer" not in j:  # just reset: build the fresh model for the next run
        j = job(c)
    _formulas(c)
    _sampling(j, c)
    _annealing(j, c)
    _downloads(j)
    with url_expander(t("ebm2d_try"), "ebm_try"):  # (open: in the link)
        tries.draw([explore.MODE, *explore.SPECS.values(), *SPECS.values()], lambda: jobs.replace(JOB, scratch=True))
    share_box("landscape")
