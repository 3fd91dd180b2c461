"""The DBN / DBM page's tool tabs: generate, classify, fine-tuning before vs after (DBN); the persistent
chains, mean field layer by layer and the likelihood bound (DBM); then the formulas and downloads."""

from __future__ import annotations

import math

import numpy as np
import streamlit as st
import torch

from ebm_core.deep import dbm as D
from ebm_core.deep.dbn import DBN
from ebm_core.viz import deep as V
from ebm_core.viz import digits

from ui.deep import data, sampling
from ui.deep.downloads import draw_downloads
from ui.deep.specs import SPECS, label_text
from ui.deep.theory import draw_theory
from ui.deep.training import job, memo, start_finetune, status
from ui.deep.views import need_model
from ui.kit import jobs
from ui.kit import params as P
from ui.kit.i18n import lang, t
from ui.kit.present import dev_caption
from ui.kit.tabs import url_tabs

TOOLS = {"dbn": ("deep_tab_generate", "deep_tab_classify", "deep_tab_finetune", "deep_tab_theory", "deep_tab_downloads"),
         "dbm": ("deep_tab_chains", "deep_tab_meanfield", "deep_tab_bound", "deep_tab_theory", "deep_tab_downloads")}


def draw_generate(kind: str, s: dict) -> None:
    st.markdown(t("deep_generate_intro_dbn" if kind == "dbn" else "deep_generate_intro_dbm"))
    if need_model(kind):
        return
    st.button(t("deep_new_samples"), on_click=sampling.next_round, key=f"deep_new_{kind}")
    steps = s["gibbs"] if kind == "dbn" else s["sweeps"]
    with st.spinner(t("deep_sampling", n=10 * int(s["rows"]), steps=steps)):
        res = sampling.current_samples(kind, s)
    left, right = st.columns(2)
    if kind == "dbn":
        cap = t("deep_gen_caption_dbn", label=label_text(s["label"]), steps=steps, every=res["every"])
    else:
        cap = t("deep_gen_caption_dbm_chains" if res["from_chains"] else "deep_gen_caption_dbm_noise", steps=steps,
                every=res["every"])
    left.image(res["gif"], width="stretch", caption=cap)
    right.image(res["png"], width="stretch", caption=t("deep_final_caption", steps=steps, seconds=res["seconds"]))
    if kind == "dbn" and res["read"] is not None:
        counts = torch.bincount(res["labels"], minlength=10).tolist()
        st.caption(t("deep_read_caption", agree=int((res["read"] == res["labels"]).sum()), n=len(res["labels"]),
                     labels=", ".join(f"{d}×{c}" for d, c in enumerate(counts) if c)))
    elif kind == "dbm":
        st.caption(t("deep_spread_caption", d=res["spread"], dt=sampling.test_spread()))


def draw_classify(s: dict) -> None:
    st.markdown(t("deep_classify_intro"))
    if need_model("dbn"):
        return
    j = job("dbn")
    res = memo("dbn", ("classify",), lambda: sampling.classification(j["model"]))
    xt, yt = data.dataset("test")
    c1, c2 = st.columns([1, 2])
    c1.metric(t("deep_test_acc"), f"{res['acc']:.2%}",
              help=t("deep_test_acc_help", n=res["n"], b=data.binarization_text()))
    wrong = torch.nonzero(res["pred"] != yt).reshape(-1)[:20]
    if wrong.numel():
        c1.image(digits.grid_png(xt[wrong], ncols=5, scale=sampling.PNG_SCALE), width="stretch",
                 caption=t("deep_wrong_caption", pairs=", ".join(f"{int(yt[i])}→{int(res['pred'][i])}"
                                                                 for i in wrong[:10])))
    fig = V.confusion_figure(res["conf"], {"pred": t("deep_pred"), "true": t("deep_true"), "title": t("deep_conf_title"),
                                           "hover": t("deep_conf_hover")})
    c2.plotly_chart(fig, key="deep_conf")
    c2.caption(t("deep_top_confusions", pairs=", ".join(f"{a}→{b} ({c})" for a, b, c in sampling.top_confusions(res["conf"]))))


def draw_finetune(s: dict) -> None:
    st.markdown(t("deep_ft_intro"))
    j = job("dbn")
    if j.get("model") is None:
        st.info(t("deep_need_model"))
        return
    tr = j.get("trainer")
    running = status("dbn") == jobs.RUNNING
    c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
    with c1:
        more = P.slider(SPECS["ft_more"])
    c2.button(t("deep_ft_button", n=more), on_click=start_finetune, args=(s,), key="deep_ft_go", type="primary",
              disabled=running, width="stretch")
    if tr is None or tr.greedy_state is None:
        if "greedy_test_accuracy" in j["meta"]:
            st.caption(t("deep_ft_meta", before=j["meta"]["greedy_test_accuracy"], after=j["meta"].get("test_accuracy")))
        st.caption(t("deep_ft_none"))
        return
    if running:
        st.info(t("deep_wait_training"))
        return
    before = memo("dbn", ("greedy_model",), lambda: DBN.from_state(tr.greedy_state))
    xt, yt = data.dataset("test")
    acc_b = memo("dbn", ("acc_before",), lambda: before.accuracy(xt, yt))
    acc_a = memo("dbn", ("acc_after",), lambda: j["model"].accuracy(xt, yt))
    seed = sampling.sample_seed(s)
    gen_b = memo("dbn", ("gen_before", seed), lambda: sampling.dbn_samples(before, "each", 2, 200, seed))
    gen_a = memo("dbn", ("gen_after", seed), lambda: sampling.dbn_samples(j["model"], "each", 2, 200, seed))
    ft_epochs = sum(1 for e in tr.epochs_log if e["phase"] == "finetune")
    left, right = st.columns(2)
    left.metric(t("deep_ft_before"), f"{acc_b:.2%}")
    left.image(gen_b["png"], width="stretch", caption=t("deep_ft_before_caption"))
    right.metric(t("deep_ft_after", n=ft_epochs), f"{acc_a:.2%}", delta=f"{100 * (acc_a - acc_b):+.2f} pp")
    right.image(gen_a["png"], width="stretch", caption=t("deep_ft_after_caption"))
    for col, gen in ((left, gen_b), (right, gen_a)):  # each model reads its own samples
        col.caption(t("deep_ft_read", agree=int((gen["read"] == gen["labels"]).sum()), n=len(gen["labels"])))
    st.caption(t("deep_ft_same_seed", seed=seed, n=len(xt), b=data.binarization_text()))


def _random_digit() -> None:
    st.session_state[SPECS["digit"].key] = int(np.random.default_rng().integers(0, SPECS["digit"].hi + 1))


def draw_meanfield(s: dict) -> None:
    st.markdown(t("deep_mf_intro"))
    if need_model("dbm"):
        return
    j = job("dbm")
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    with c1:
        idx = P.number(SPECS["digit"])
    c2.button(t("deep_mf_random"), on_click=_random_digit, key="deep_mf_rand", width="stretch")
    res = memo("dbm", ("mf", int(idx)), lambda: sampling.mean_field_view(j["model"], int(idx)))
    left, right = st.columns([3, 2])
    left.image(res["png"], width="stretch",
               caption=t("deep_mf_caption", label=res["label"], its=", ".join(str(i) for i in res["picks"]),
                         n1=j["model"].n_h1, n2=j["model"].n_h2))
    fig = V.convergence_figure(res["deltas"], D.MF_TOL, {"delta": t("deep_mf_delta"), "tol": t("deep_mf_tol", tol=D.MF_TOL),
                                                        "iteration": t("deep_mf_iteration"), "title": t("deep_mf_curve_title")})
    right.plotly_chart(fig, key="deep_mf_curve")
    right.caption(t("deep_mf_numbers", n=len(res["deltas"]), ok=t("deep_yes") if res["converged"] else t("deep_no"),
                    m=res["many_iters"]))


BOUND_STAGES = {"rates": "deep_bound_rates", "ais": "deep_bound_ais", "ais_half": "deep_bound_ais_half",
                "reverse": "deep_bound_reverse", "bound": "deep_bound_mf"}


def _bound_clicked() -> None:
    st.session_state["deep_bound_go"] = True


def _run_bound(j: dict, runs: int, betas: int, seed: int) -> None:
    bar = st.progress(0.0)

    def progress(fraction: float, stage: str) -> None:
        bar.progress(fraction, text=t(BOUND_STAGES[stage], pct=100 * fraction))

    b = sampling.bound(j["model"], runs, betas, seed, progress=progress)
    bar.empty()
    j["ais"].append(b.as_dict() | {"low_ess": b.low_ess, "stable": b.stable, "version": j["version"]})


def draw_bound(s: dict) -> None:
    st.markdown(t("deep_bound_intro"))
    if need_model("dbm"):
        return
    j = job("dbm")
    c1, c2, c3 = st.columns(3, vertical_alignment="bottom")
    with c1:
        runs = P.slider(SPECS["ais_runs"])
    with c2:
        betas = P.slider(SPECS["ais_betas"])
    c3.button(t("deep_bound_button"), type="primary", on_click=_bound_clicked, key="deep_bound_btn", width="stretch")
    if st.session_state.pop("deep_bound_go", False):
        _run_bound(j, runs, betas, int(s["seed"]))
    mine = [a for a in j["ais"] if a["version"] == j["version"]]
    if not mine:
        st.caption(t("deep_bound_cost", runs=runs, betas=betas))
        return
    a = mine[-1]
    band = lambda x: f"{x:.2f}" if math.isfinite(x) else "−∞"  # noqa: E731
    m1, m2, m3 = st.columns(3)
    m1.metric(t("deep_bound_logz"), f"{a['log_z']:.2f}")
    m2.metric(t("deep_bound_test"), f"{a['test']:.2f}", help=t("deep_bound_help", b=data.binarization_text()))
    m3.metric(t("deep_bound_train"), f"{a['train']:.2f}", help=t("deep_bound_help", b=data.binarization_text()))
    st.markdown("\n".join([
        "- " + t("deep_bound_line_logz", z=a["log_z"], lo=band(a["log_z_low"]), hi=band(a["log_z_ais_high"]),
                 runs=a["runs"], betas=a["betas"], ess=a["ess"]),
        "- " + t("deep_bound_line_bracket", lo=band(a["log_z_low"]), hi=band(a["log_z_high"]), rev=a["log_z_reverse"],
                 n=a["reverse_digits"]),
        "- " + t("deep_bound_line_doubling", half=a["betas_half"], betas=a["betas"], zh_=a["log_z_half"], z=a["log_z"],
                 d=a["log_z_change"], ok=t("deep_yes") if a["stable"] else t("deep_no")),
        "- " + t("deep_bound_line_test", b=a["test"], lo=band(a["test_low"]), hi=band(a["test_high"]), n=a["n_test"],
                 bin=data.binarization_text()),
        "- " + t("deep_bound_line_raise", ll=a["raise_test"], se=a["raise_test_std_err"], n=a["reverse_digits"]),
        "- " + t("deep_bound_method"),
    ]))
    if a["low_ess"]:
        st.warning(t("deep_bound_low_ess", ess=a["ess"], runs=a["runs"]), icon=":material/warning:")
    if not a["stable"]:
        st.warning(t("deep_bound_unstable", d=a["log_z_change"], half=a["betas_half"], betas=a["betas"]), icon=":material/warning:")
    dev_caption(t("deep_bound_time", seconds=a["seconds"]))  # (a timing: not on a projector)


def draw_tools(kind: str, s: dict) -> None:
    tabs = url_tabs(f"{kind}_tool", TOOLS[kind], f"deep_tools_{kind}_{lang()}")  # (the open tab is in the link)
    if kind == "dbn":
        draws = (lambda: draw_generate("dbn", s), lambda: draw_classify(s), lambda: draw_finetune(s),
                 lambda: draw_theory("dbn"), lambda: draw_downloads("dbn", s))
    else:
        draws = (lambda: draw_generate("dbm", s), lambda: draw_meanfield(s), lambda: draw_bound(s),
                 lambda: draw_theory("dbm"), lambda: draw_downloads("dbm", s))
    for i, (tab, draw) in enumerate(zip(tabs, draws)):
        if tab.open or (tab.open is None and i == 0):
            with tab:
                draw()
