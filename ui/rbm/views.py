"""The RBM page's live section: the model line, training progress and the six views of the model
(Gibbs chains, filters, reconstructions, free energies, training curves, positive vs negative
phase), redrawn each training tick (``live_views``)."""

from __future__ import annotations

import numpy as np
import streamlit as st
import torch

from ebm_core.viz import digits
from ebm_core.viz import rbm as V

from ui.kit.i18n import t
from ui.kit.sources import mnist_source
from ui.kit.present import dev_caption
from ui.kit.tabs import url_tabs
from ui.rbm import data as D
from ui.rbm.sampling import PNG_SCALE, next_round, sample_seed, samples
from ui.rbm.training import job, memo, model_binarization, shipped, test_data

#: the model line and its tabs (app_pages/rbm.py keys their container so a lesson step about a tool
#: below can hide them: ui.lesson.pages)
SECTION = "rbm_views"
#: the Load / Train buttons above them (hidden the same way: a tool's step needs no training)
MODEL_SECTION = "rbm_model"
TABS = ("rbm_tab_samples", "rbm_tab_filters", "rbm_tab_recon", "rbm_tab_fe", "rbm_tab_curves", "rbm_tab_phase")


def model_line() -> str:
    """One sentence: which model the page shows (shape, how it was trained, on what)."""
    j = job()
    rbm, cfg, meta = j["rbm"], j["config"], j["meta"]
    method = f"PCD-{cfg.get('k', '?')}" if cfg.get("persistent") else f"CD-{cfg.get('k', '?')}"
    key = "rbm_model_pretrained" if j["source"] == "pretrained" else "rbm_model_trained"
    method_b, seed = model_binarization()
    data = f"MNIST {mnist_source(meta.get('data', ''))}" + (t("rbm_n_digits", n=int(meta["train_size"])) if "train_size" in meta else "")
    return t(key, v=rbm.n_visible, h=rbm.n_hidden, method=method, epochs=meta.get("epochs", cfg.get("epochs", "?")),
             data=data, binarization=D.binarization_text(method_b, seed))


def draw_progress() -> None:
    j = job()
    tr = j.get("trainer")
    if tr is None:
        return
    e = min(tr.epoch_index + 1, tr.config.epochs) if not tr.done else tr.config.epochs
    b = tr.batch_index if not tr.done else tr.batches_per_epoch
    st.progress(tr.progress, text=t("rbm_progress", epoch=e, epochs=tr.config.epochs, batch=b,
                                    batches=tr.batches_per_epoch, seconds=tr.seconds))
    c1, c2, c3, c4 = st.columns(4)
    last = j["batches"][-20:]
    if last:
        c1.metric(t("rbm_metric_recon"), f"{np.mean([b['recon_error'] for b in last]):.4f}",
                  help=t("rbm_metric_recon_help"))
    if tr.history:
        h = tr.history[-1]
        c2.metric(t("rbm_metric_pll"), f"{h['pseudo_log_likelihood']:.1f}",
                  help=t("rbm_metric_pll_help", b=D.binarization_text(*model_binarization())))
        if "free_energy_gap" in h:
            c3.metric(t("rbm_metric_gap"), f"{h['free_energy_gap']:+.2f}", help=t("rbm_metric_gap_help"))
    if tr.seconds > 0:
        c4.metric(t("rbm_metric_speed"), f"{tr.updates / tr.seconds:,.0f}", help=t("rbm_metric_speed_help"))


def draw_samples(running: bool, s: dict) -> None:
    j = job()
    tr = j.get("trainer")
    if running and tr is not None and tr.last_negatives is not None:
        # While training, the chains the gradient used right now (cheap: no extra sampling).
        # Memoised per model version: a student waiting for a training turn redraws the same
        # chains every second (``ui.kit.scheduler``), thirty students thirty times a second.
        n = int(s["chains"])
        png = memo(("negatives_png", n), lambda: digits.grid_png(tr.last_negatives[:n], ncols=10, scale=PNG_SCALE))
        st.image(png, width="stretch",
                 caption=t("rbm_negatives_pcd" if tr.config.persistent else "rbm_negatives_cd", k=tr.config.k))
        return
    seed = sample_seed(s)
    with st.spinner(t("rbm_sampling", n=s["chains"], steps=s["gibbs"])):
        clip = samples(s["chains"], s["gibbs"], s["T"], seed)
    left, right = st.columns(2)
    left.image(clip["gif"], width="stretch", caption=t("rbm_chain_caption", n=s["chains"], steps=s["gibbs"], T=s["T"],
                                      every=clip["every"]))
    with right:
        st.image(clip["png"], width="stretch", caption=t("rbm_final_caption", steps=s["gibbs"]))
        # (a timing: not on a projector; the shipped model's chains are computed once for the class)
        dev_caption(t("rbm_sample_time_shared" if shipped() is not None else "rbm_sample_time", seconds=clip["seconds"]))
        st.button(t("rbm_new_chains"), key="rbm_new_chains", on_click=next_round, width="stretch")


def draw_filters() -> None:
    rbm = job()["rbm"]
    shown = min(rbm.n_hidden, 200)
    st.image(digits.filters_png(rbm.W, ncols=20, scale=PNG_SCALE, limit=shown), width="stretch",
             caption=t("rbm_filters_caption", shown=shown, h=rbm.n_hidden))


def draw_recon(s: dict) -> None:
    rbm = job()["rbm"]
    v = test_data()[:10]
    rec = rbm.reconstruct(v)
    st.image(digits.grid_png(torch.cat([v, rec]), ncols=10, scale=PNG_SCALE), width="stretch",
             caption=t("rbm_recon_caption"))
    err = float(((v - rec) ** 2).mean())
    st.caption(t("rbm_recon_error", err=err))


def free_energies(running: bool, s: dict) -> list[tuple[str, np.ndarray, str]]:
    j = job()
    rbm, tr = j["rbm"], j.get("trainer")
    method, seed = model_binarization()
    train = D.dataset("train", method, seed, min(D.N_MONITOR * 10, D.n_available()))[:D.N_MONITOR]
    test = test_data()[:D.N_MONITOR]
    groups = [(t("rbm_train"), rbm.free_energy(train).numpy(), V.C_TRAIN),
              (t("rbm_test"), rbm.free_energy(test).numpy(), V.C_TEST)]
    if running and tr is not None and tr.last_negatives is not None:
        groups.append((t("rbm_negatives_name"), rbm.free_energy(tr.last_negatives).numpy(), V.C_MODEL))
    else:
        seed_s = sample_seed(s)
        clip = samples(s["chains"], s["gibbs"], s["T"], seed_s)
        # The chains' last visible draw v ~ p(v | h), not the mean-field picture: p(v) ranks binary states,
        # and rounding p(v | h) would pick its mode, lower in F than any sample.
        g = torch.Generator().manual_seed(seed_s)
        v = (torch.rand(clip["final"].shape, generator=g) < clip["final"]).float()
        groups.append((t("rbm_samples_name", steps=s["gibbs"]), rbm.free_energy(v).numpy(), V.C_MODEL))
    return groups


def draw_free_energy(running: bool, s: dict) -> None:
    groups = free_energies(running, s)
    st.plotly_chart(V.free_energy_figure(groups, t("rbm_fe_title"), t("rbm_fe_axis"), t("rbm_density")), key="rbm_fe")
    means = {name: float(np.mean(v)) for name, v, _ in groups}
    st.caption(t("rbm_fe_caption") + "  " + " · ".join(f"{k}: {v:.1f}" for k, v in means.items()))


def draw_curves() -> None:
    j = job()
    tr, meta = j.get("trainer"), j["meta"]
    if tr is not None:
        hist, bpe = tr.history, tr.batches_per_epoch
    else:  # a checkpoint made by the CLI keeps its per-epoch history
        hist = list(meta.get("history") or [])
        bpe = max(1, int(meta.get("updates", 0)) // max(1, int(meta.get("epochs", 1))))
    if not hist and not j["batches"] and not j["ais"]:
        st.info(t("rbm_no_curves"))
        return
    if tr is None and hist:
        dev_caption(t("rbm_curves_pretrained", command=meta.get("command", "")))  # (how it was made: not on a projector)
    st.plotly_chart(V.curves_figure(j["batches"], hist, j["ais"], bpe, curve_labels()), key="rbm_curves")
    st.caption(t("rbm_curves_caption", b=D.binarization_text(*model_binarization())))


def draw_phase() -> None:
    j = job()
    if not j["batches"]:
        st.info(t("rbm_no_phase"))
        return
    st.plotly_chart(V.phase_figure(j["batches"], phase_labels()), key="rbm_phase")
    st.caption(t("rbm_phase_caption"))


def draw_empty() -> None:
    """Before any model: what the data look like, and the two ways in."""
    d = D.mnist_split("train")
    st.info(t("rbm_empty", n=len(d), source=mnist_source(d.source)))
    idx = np.random.default_rng(D.SUBSET_SEED).permutation(len(d))[:30]
    st.image(digits.grid_png(d.images[np.sort(idx)], ncols=10, scale=PNG_SCALE), width="stretch",
             caption=t("rbm_data_caption"))


def live_views(running: bool, s: dict, tab_key: str) -> None:
    """The live section's picture (``jobs.ticking`` trains a tick before it when running)."""
    j = job()
    if j.get("rbm") is None:
        draw_empty()
        return
    st.markdown(model_line())
    draw_progress()
    tabs = url_tabs("rbm_view", TABS, tab_key)  # (the open tab is in the link)
    draw = [lambda: draw_samples(running, s), draw_filters, lambda: draw_recon(s),
            lambda: draw_free_energy(running, s), draw_curves, draw_phase]
    for i, (tab, fn) in enumerate(zip(tabs, draw)):
        # Only the open tab is drawn (tab.open is None before the first switch: the first tab).
        if tab.open or (tab.open is None and i == 0):
            with tab:
                fn()


def curve_labels() -> dict:
    return {"recon": t("rbm_curve_recon"), "ll": t("rbm_curve_ll"), "gap": t("rbm_curve_gap"),
            "per_batch": t("rbm_per_batch"), "train": t("rbm_train"), "test": t("rbm_test"),
            "pll_train": t("rbm_pll_train"), "pll_test": t("rbm_pll_test"), "gap_name": t("rbm_gap_name"),
            "ais_ll": t("rbm_ais_ll"), "updates": t("rbm_updates")}


def phase_labels() -> dict:
    return {"vh": t("rbm_phase_vh"), "units": t("rbm_phase_units"), "fe": t("rbm_phase_fe"),
            "positive": t("rbm_positive"), "negative": t("rbm_negative"), "pos_v": t("rbm_pos_v"),
            "neg_v": t("rbm_neg_v"), "updates": t("rbm_updates")}


def style() -> None:
    # Digit grids are stretched to their column by the browser: keep the pixels square, not blurred.
    # While training ticks, every view is redrawn each second: Streamlit's fading of the previous
    # picture ("stale") would make the page blink, and the progress bar already says it is working.
    st.html("<style>[data-testid='stImage'] img { image-rendering: pixelated; }"
            "[data-testid='stMain'] [data-stale='true'] { opacity: 1 !important; }</style>")


