"""The RBM page's tools under the live section: clamp-and-fill, the likelihood (AIS bracket), the
tiny lab, the formulas, the downloads (``draw_tools``)."""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from ebm_core.io import checkpoint
from ebm_core.rbm import ais

from ui.kit import params as P
from ui.kit.i18n import lang, t
from ui.kit.present import intro
from ui.kit.tabs import url_tabs
from ui.rbm import data as D
from ui.rbm import lab, tries
from ui.rbm.sampling import N_FILL, clamp_fill, sample_seed, samples
from ui.rbm.specs import SPECS, decay_value, labels
from ui.rbm.training import job, model_binarization, need_model, test_data, train_data

TOOL_TABS = ("rbm_tab_clamp", "rbm_tab_ais", "rbm_tab_lab", "rbm_tab_theory", "rbm_tab_downloads")


def _random_digit() -> None:
    st.session_state[SPECS["digit"].key] = int(np.random.default_rng().integers(0, len(D.mnist_split("test"))))


def draw_clamp(s: dict) -> None:
    intro(t("rbm_clamp_intro"))
    if need_model():
        return
    c1, c2, c3 = st.columns([2, 2, 1], vertical_alignment="bottom")
    with c1:
        index = P.number(SPECS["digit"])
    with c2:
        part = P.choice(SPECS["part"], format_func=labels("rbm_part_", SPECS["part"]))
    c3.button(t("rbm_random_digit"), on_click=_random_digit, key="rbm_random_digit", width="stretch")
    index = min(int(index), len(D.mnist_split("test")) - 1)
    method, seed = model_binarization()
    with st.spinner(t("rbm_sampling", n=N_FILL, steps=s["gibbs"])):
        res = clamp_fill(index, part, s["gibbs"], s["T"], int(s["seed"]), method, seed)
    st.image(res["gif"], width="stretch", caption=t("rbm_clamp_caption", label=res["label"], steps=s["gibbs"], T=s["T"], n=N_FILL))
    st.caption(t("rbm_clamp_error", err=res["error"]))
    st.caption(t("rbm_clamp_spread", n=N_FILL, spread=res["spread"], wrong=res["wrong"],
                 ink=res["ink"]))
    st.latex(r"v_{\text{hidden}} \sim p(v_{\text{hidden}} \mid v_{\text{visible}}):\quad "
             r"h \sim p(h \mid v),\;\; v_{\text{hidden}} \sim p(v_{\text{hidden}} \mid h),\;\; "
             r"v_{\text{visible}} \equiv v^{\text{test}}_{\text{visible}}")


def draw_theory(s: dict) -> None:
    k, lr, mom, lam = int(s["k"]), float(s["lr"]), float(s["momentum"]), decay_value(s["decay"])
    T = float(s["T"])
    st.markdown(t("rbm_theory_energy"))
    st.latex(r"E(v, h) = -b^\top v - c^\top h - v^\top W h,\qquad p(v, h) = \frac{e^{-E(v, h)}}{Z},\qquad "
             r"Z = \sum_{v, h} e^{-E(v, h)}")
    st.markdown(t("rbm_theory_conditionals"))
    st.latex(r"p(h_j = 1 \mid v) = \sigma\Big(c_j + \sum_i v_i W_{ij}\Big),\qquad "
             r"p(v_i = 1 \mid h) = \sigma\Big(b_i + \sum_j W_{ij} h_j\Big)")
    st.latex(r"p(h \mid v) = \prod_j p(h_j \mid v),\qquad p(v \mid h) = \prod_i p(v_i \mid h),\qquad "
             r"\sigma(x) = \frac{1}{1 + e^{-x}}")
    st.markdown(t("rbm_theory_free_energy"))
    st.latex(r"p(v) = \frac{e^{-F(v)}}{Z},\qquad F(v) = -b^\top v - \sum_j \log\big(1 + e^{c_j + v^\top W_{:j}}\big)")
    st.markdown(t("rbm_theory_gradient"))
    st.latex(r"\begin{aligned}\frac{\partial \log p(v)}{\partial W_{ij}} &= \langle v_i h_j \rangle_{\text{data}} - "
             r"\langle v_i h_j \rangle_{\text{model}} \\ "
             r"\frac{\partial \log p(v)}{\partial b_i} &= \langle v_i \rangle_{\text{data}} - \langle v_i \rangle_{\text{model}}"
             r",\qquad \frac{\partial \log p(v)}{\partial c_j} = \langle h_j \rangle_{\text{data}} - "
             r"\langle h_j \rangle_{\text{model}}\end{aligned}")
    st.markdown(t("rbm_theory_cd", k=k))
    st.latex(rf"v^{{(0)}} \Rightarrow h^{{(0)}} \Rightarrow v^{{(1)}} \Rightarrow \cdots \Rightarrow v^{{({k})}},\qquad "
             rf"\Delta W_{{ij}} = p(H_j = 1 \mid v^{{(0)}})\, v_i^{{(0)}} - p(H_j = 1 \mid v^{{({k})}})\, v_i^{{({k})}}")
    st.caption(t("rbm_theory_cd_index"))
    st.markdown(t("rbm_theory_update"))
    # What ebm_core.rbm.cd runs: Δθ is the whole step (heavy-ball momentum), λ decays W only.
    st.latex(rf"\Delta W^{{(t)}} = \underbrace{{{lr:g}}}_{{\eta}}\, \hat g_W^{{(t)}} - \underbrace{{{lam:g}}}_{{\lambda}}\, W^{{(t)}}"
             rf" + \underbrace{{{mom:g}}}_{{\nu}}\, \Delta W^{{(t-1)}},\qquad "
             rf"\Delta b^{{(t)}} = {lr:g}\, \hat g_b^{{(t)}} + {mom:g}\, \Delta b^{{(t-1)}},\quad "
             rf"\Delta c^{{(t)}} = {lr:g}\, \hat g_c^{{(t)}} + {mom:g}\, \Delta c^{{(t-1)}}")
    st.latex(r"\theta^{(t+1)} = \theta^{(t)} + \Delta\theta^{(t)},\qquad \hat g_W = \tfrac{1}{n} V^{(0)\top} P(H \mid V^{(0)})"
             r" - \tfrac{1}{m} V^{(k)\top} P(H \mid V^{(k)})")
    st.caption(t("rbm_theory_update_note"))
    st.markdown(t("rbm_theory_temperature", T=T))
    st.latex(rf"p_T(v, h) \propto e^{{-E(v, h)/T}}:\quad p(h_j = 1 \mid v) = \sigma\Big(\frac{{c_j + v^\top W_{{:j}}}}{{{T:g}}}\Big)")
    st.markdown(t("rbm_theory_ais"))
    st.latex(r"p_\beta(v) \propto p_A(v)^{1-\beta}\, p_B(v)^{\beta},\quad 0 = \beta_0 < \cdots < \beta_K = 1")
    st.latex(r"\log Z_B \approx \log Z_A + \log \frac{1}{M}\sum_{m=1}^{M} \prod_{k=1}^{K} "
             r"\frac{p^*_{\beta_k}(v_m^{(k-1)})}{p^*_{\beta_{k-1}}(v_m^{(k-1)})},\quad "
             r"v_m^{(0)} \sim p_A,\ v_m^{(k)} \sim T_{\beta_k}(\cdot \mid v_m^{(k-1)})")
    st.subheader(t("rbm_things_to_try"))
    tries.draw()


def draw_downloads(s: dict) -> None:
    if need_model():
        return
    j = job()

    def ckpt() -> bytes:  # at click time: the weights as they are then (training may be running)
        meta = dict(j["meta"])
        meta.setdefault("source", "EBM Lab RBM page")
        return checkpoint.to_bytes("rbm", j["config"], j["rbm"].state(), meta)

    seed = sample_seed(s)
    clip = samples(s["chains"], s["gibbs"], s["T"], seed)
    c1, c2, c3 = st.columns(3)
    c1.download_button(t("rbm_dl_checkpoint"), data=ckpt, file_name="rbm.pt", mime="application/octet-stream",
                       on_click="ignore", key="rbm_dl_ckpt", width="stretch")
    c2.download_button(t("rbm_dl_png"), data=clip["png"], file_name="rbm_samples.png", mime="image/png",
                       on_click="ignore", key="rbm_dl_png", width="stretch")
    c3.download_button(t("rbm_dl_gif"), data=clip["gif"], file_name="rbm_chains.gif", mime="image/gif",
                       on_click="ignore", key="rbm_dl_gif", width="stretch")
    st.caption(t("rbm_dl_caption", n=s["chains"], steps=s["gibbs"], T=s["T"], seed=seed))
    st.code(f"python -m ebm_core generate rbm.pt --n {s['chains']} --gibbs-steps {s['gibbs']} --out samples.npy",
            language="bash")


# ------------------------------------------------------------------------------------- AIS
def run_ais(runs: int, betas: int, bar=None) -> dict:
    """The likelihood bracket of the current model (``ebm_core.rbm.ais.likelihood_bracket``, the
    protocol ``python -m ebm_core evaluate --ais`` reports), seeded by the model's binarisation
    seed, as one record for the page (appended to the job's ``ais``); ``bar`` an ``st.progress``."""
    j = job()
    rbm, tr = j["rbm"], j.get("trainer")
    method, seed = model_binarization()
    train, test = train_data(), test_data()

    def progress(stage: str, f: float) -> None:
        bar.progress((0.0 if stage == "forward" else 0.5) + 0.5 * f, text=t(f"rbm_ais_{stage}", pct=100 * f))

    br = ais.likelihood_bracket(rbm, test, train, int(runs), int(betas), seed,
                                progress=progress if bar is not None else None)
    rec = {k: v for k, v in br.as_dict().items() if k != "exact"}
    rec.update(
        version=j["version"], updates=tr.updates if tr is not None else int(j["meta"].get("updates", 0)),
        exact_log_z=br.exact.log_z if br.exact is not None else None,
        test_ll_exact=br.exact.test_ll if br.exact is not None else None,
        binarization=D.binarization_text(method, seed),
        base=t("rbm_ais_base_rate") if br.base.startswith("base-rate") else br.base)
    j["ais"].append(rec)
    return rec


def _ais_clicked() -> None:
    st.session_state["rbm_ais_go"] = True


def draw_ais(s: dict) -> None:
    st.markdown(t("rbm_ais_intro"))
    if need_model():
        return
    j = job()
    c1, c2, c3 = st.columns([2, 2, 2], vertical_alignment="bottom")
    with c1:
        runs = P.slider(SPECS["ais_runs"])
    with c2:
        betas = P.slider(SPECS["ais_betas"])
    c3.button(t("rbm_ais_button"), type="primary", on_click=_ais_clicked, key="rbm_ais_button", width="stretch")
    st.caption(t("rbm_ais_cost", h=j["rbm"].n_hidden, runs=runs, betas=betas))
    if st.session_state.pop("rbm_ais_go", False):
        bar = st.progress(0.0, text=t("rbm_ais_forward", pct=0))
        run_ais(int(runs), int(betas), bar)
        bar.empty()
    mine = [a for a in j["ais"] if a["version"] == j["version"]]
    if not mine:
        if j["ais"]:
            st.caption(t("rbm_ais_stale"))
        return
    a = mine[-1]
    band = lambda x: f"{x:.2f}" if math.isfinite(x) else ("+∞" if x > 0 else "−∞")  # noqa: E731
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("rbm_ais_logz"), f"{a['log_z']:.2f}", help=t("rbm_ais_logz_help"))
    m2.metric(t("rbm_ais_test_ll"), f"{a['test_ll']:.2f}", help=t("rbm_ais_ll_help", b=a["binarization"]))
    m3.metric(t("rbm_ais_train_ll"), f"{a['train_ll']:.2f}", help=t("rbm_ais_ll_help", b=a["binarization"]))
    if a["exact_log_z"] is not None:
        m4.metric(t("rbm_ais_exact"), f"{a['exact_log_z']:.2f}", delta=f"{a['log_z'] - a['exact_log_z']:+.3f} (AIS)",
                  delta_color="off")
    else:
        m4.metric(t("rbm_ais_ess"), f"{a['ess']:.0f} / {a['runs']}", help=t("rbm_ais_ess_help"))
    st.markdown("\n".join([
        "- " + t("rbm_ais_line_logz", z=a["log_z"], lo=band(a["log_z_low"]), hi=band(a["log_z_high"]),
                 runs=a["runs"], betas=a["betas"], base=a["base"]),
        "- " + t("rbm_ais_line_bracket", opt=a["test_ll"], pes=a["test_ll_pessimistic"], zr=a["log_z_reverse"],
                 b=a["binarization"]),
        "- " + t("rbm_ais_line_test", ll=a["test_ll"], lo=band(a["test_ll_low"]), hi=band(a["test_ll_high"]),
                 n=a["n_test"], b=a["binarization"]),
        "- " + t("rbm_ais_line_train", ll=a["train_ll"], n=a["n_train"], b=a["binarization"]),
    ] + (["- " + t("rbm_ais_line_exact", z=a["exact_log_z"], ll=a["test_ll_exact"], b=a["binarization"])]
         if a["exact_log_z"] is not None else [])))
    if a["ess"] < 0.1 * a["runs"] or not math.isfinite(a["log_z_low"]):
        # A few runs carry all the weight: Ẑ is then typically too small (an optimistic likelihood).
        st.warning(t("rbm_ais_unreliable", ess=a["ess"], runs=a["runs"], gap=a["log_z_reverse"] - a["log_z"]))
    st.caption(t("rbm_ais_time", seconds=a["seconds"]))


def draw_tools(s: dict) -> None:
    """The tools as tabs; only the open one is drawn (the first before any switch)."""
    tabs = url_tabs("rbm_tool", TOOL_TABS, f"rbm_tools_{lang()}")  # (the open tab is in the link)
    for i, (tab, draw) in enumerate(zip(tabs, (draw_clamp, draw_ais, lab.draw_lab, draw_theory, draw_downloads))):
        if tab.open or (tab.open is None and i == 0):
            with tab:
                draw(s)
