"""Panel 2, Markov chains: an editable 3-state P, π_t = π₀Pᵗ → π, the stationary π by eigenvector and
detailed balance checked pair by pair (ebm_core.foundations.markov)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ebm_core.foundations import markov as MK
from ui.foundations import common as C
from ui.kit import params as P
from ui.kit.i18n import t

#: Entries are weights in [0, 10]; each row is divided by its sum (with a note) to make P.
ENTRY_MAX = 10.0
EXAMPLES = {
    # tridiagonal (birth–death): always reversible; π = (0.2, 0.4, 0.4)
    "reversible": ((0.6, 0.4, 0.0), (0.2, 0.5, 0.3), (0.0, 0.3, 0.7)),
    # doubly stochastic, so π is uniform, but the flow 1 → 2 → 3 → 1 beats the way back
    "cycle": ((0.1, 0.8, 0.1), (0.1, 0.1, 0.8), (0.8, 0.1, 0.1)),
    "periodic": ((0.0, 1.0, 0.0), (0.0, 0.0, 1.0), (1.0, 0.0, 0.0)),
}
ENTRIES = {(i, j): P.Spec(f"fd_p{i + 1}{j + 1}", f"fd_mk_p{i + 1}{j + 1}", EXAMPLES["reversible"][i][j], 0.0,
                          ENTRY_MAX, kind="float") for i in range(3) for j in range(3)}
COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c")
SPECS = {
    "start": P.Spec("fd_mk_start", "fd_mk_start", "1", options=("1", "2", "3"), kind="choice"),
    "t": P.Spec("fd_mk_t", "fd_mk_tmax", 20, 1, 100),
}


def _load(name: str) -> None:
    for (i, j), s in ENTRIES.items():
        st.session_state[s.key] = EXAMPLES[name][i][j]


def _entry(s: P.Spec) -> float:
    """A float box in [0, ENTRY_MAX] synced to the URL (the value itself lives under the spec's key)."""
    if s.key not in st.session_state:
        st.session_state[s.key] = s.default
    v = st.number_input(t(s.label), min_value=s.lo, max_value=s.hi, step=0.05, format="%.2f", key=s.key)
    P.sync_url(s, v)
    return float(v)


def render() -> None:
    for n in P.sanitize_url([*ENTRIES.values(), *SPECS.values()]):
        st.warning(n, icon=":material/warning:")
    C.frame(r"\pi_{t} = \pi_{0} P^{t} \to \pi,\qquad \pi P = \pi,\qquad "
            r"\text{detailed balance: } \pi_i P_{ij} = \pi_j P_{ji}\ \Leftrightarrow\ p(x)p(x,x') = p(x')p(x',x)",
            "fd_mk_look", "fd_mk_departs")
    b = st.columns(3)
    for col, name in zip(b, EXAMPLES):
        col.button(t(f"fd_mk_ex_{name}"), on_click=_load, args=(name,), key=f"fd_mk_ex_{name}")
    left, right = st.columns([2, 3])
    with left:
        st.markdown(f"**{t('fd_mk_matrix')}**")
        raw = []
        for i in range(3):
            cols = st.columns(3)
            row = []
            for j in range(3):
                with cols[j]:
                    row.append(_entry(ENTRIES[(i, j)]))
            raw.append(row)
        start = int(P.choice(SPECS["start"]))
        t_max = int(P.slider(SPECS["t"]))
    Pm, notes = MK.normalise_rows(raw)
    for i, kind in notes:
        st.info(t(f"fd_mk_{kind}", i=i + 1, s=float(np.sum(np.clip(np.nan_to_num(raw[i]), 0, None)))), icon=":material/info:")
    pi0 = np.eye(3)[start - 1]
    stat = MK.stationary(Pm, pi0)
    path = MK.evolve(pi0, Pm, t_max)
    err = MK.tv(path, stat.pi)
    with left:
        st.dataframe(pd.DataFrame(Pm, index=[f"{i}" for i in (1, 2, 3)], columns=[f"→{j}" for j in (1, 2, 3)]),
                     width="content")
        k = st.columns(2)
        k[0].metric(t("fd_mk_pi"), "(" + ", ".join(f"{v:.4f}" for v in stat.pi) + ")")
        k[1].metric(t("fd_mk_lambda2"), f"{stat.lambda2:.4f}")
        st.metric(t("fd_mk_gap", t=t_max), f"{err[-1]:.2e}")
    with right:
        fig = go.Figure()
        for s in range(3):
            fig.add_scatter(x=np.arange(t_max + 1), y=path[:, s], mode="lines+markers", line_color=COLORS[s],
                            name=t("fd_mk_state", i=s + 1))
            fig.add_hline(y=stat.pi[s], line_dash="dash", line_color=COLORS[s])
        fig.update_layout(title=t("fd_mk_path_title"), height=300, margin=dict(l=10, r=10, t=40, b=10))
        fig.update_xaxes(title="t")
        st.plotly_chart(fig, key="fd_mk_path")
        fig = go.Figure()
        ts = np.arange(t_max + 1)
        fig.add_scatter(x=ts, y=np.maximum(err, 1e-17), mode="lines+markers", name="TV(π_t, π)")
        if 0 < stat.lambda2:
            fig.add_scatter(x=ts, y=np.maximum(err[0] * stat.lambda2 ** ts, 1e-17), mode="lines",
                            line=dict(dash="dot"), name="TV(π₀, π)·|λ₂|ᵗ")
        fig.update_layout(title=t("fd_mk_tv_title"), height=280, margin=dict(l=10, r=10, t=40, b=10))
        fig.update_yaxes(type="log")
        fig.update_xaxes(title="t")
        st.plotly_chart(fig, key="fd_mk_tv")
    if stat.periodic:
        st.warning(t("fd_mk_periodic"), icon=":material/repeat:")
    if not stat.unique:
        st.warning(t("fd_mk_reducible"), icon=":material/warning:")
    st.markdown(f"**{t('fd_mk_balance')}**")
    f = MK.flows(Pm, stat.pi)
    rows = [(f"{i + 1}, {j + 1}", f[i, j], f[j, i], f[i, j] - f[j, i]) for i in range(3) for j in range(i + 1, 3)]
    st.dataframe(pd.DataFrame(rows, columns=[t("fd_mk_pair"), "π_i P_ij", "π_j P_ji", t("fd_mk_diff")]),
                 hide_index=True, width="content")
    gap = MK.balance_gap(Pm, stat.pi)
    if MK.reversible(Pm, stat.pi):
        st.success(t("fd_mk_reversible", g=gap))
    else:
        st.warning(t("fd_mk_not_reversible", g=gap, s=float(np.abs(stat.pi @ Pm - stat.pi).max())))
