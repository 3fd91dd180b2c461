"""The DBN / DBM page's "formulas from the lecture" tab (the lecture's notation)."""

from __future__ import annotations

import streamlit as st

from ui.deep import tries
from ui.kit.i18n import t


def draw_theory(kind: str) -> None:
    """The lecture's formulas for the model, then things to try."""
    if kind == "dbn":
        st.markdown(t("deep_th_dbn_joint"))
        st.latex(r"p(v, h^1, h^2, h^3) = p(v \mid h^1)\, p(h^1 \mid h^2)\, p(h^2, h^3)")
        st.caption(t("deep_erratum_dbn_joint"))
        st.latex(r"p(h^{(k)}_i = 1 \mid h^{(k+1)}) = \sigma\big(b^{(k)}_i + W^{(k+1)\top}_{:,i} h^{(k+1)}\big),\qquad "
                 r"P(h^{(l)}, h^{(l-1)}) \propto \exp\big(b^{(l)\top} h^{(l)} + b^{(l-1)\top} h^{(l-1)} + "
                 r"h^{(l-1)\top} W^{(l)} h^{(l)}\big)")
        st.markdown(t("deep_th_dbn_greedy"))
        st.latex(r"\mathbb{E}_{v \sim p_{\text{data}}}\, \mathbb{E}_{h^{(1)} \sim p^{(1)}(h^{(1)} \mid v)} "
                 r"\log p^{(2)}(h^{(1)})")
        st.markdown(t("deep_th_dbn_labels"))
        st.latex(r"F(x, y) = -b^\top x - d_y - \sum_j \log\big(1 + e^{c_j + x^\top W_{:j} + U_{yj}}\big),\qquad "
                 r"p(y \mid x) = \frac{e^{-F(x, y)}}{\sum_{y'} e^{-F(x, y')}}")
        st.markdown(t("deep_th_dbn_updown"))
        st.latex(r"\text{wake: } \Delta G^{(l)} \propto \big(s^{(l)} - \sigma(g^{(l)} + G^{(l)} s^{(l+1)})\big)\, "
                 r"s^{(l+1)\top},\qquad \text{sleep: } \Delta R^{(l)} \propto \tilde s^{(l)} \big(\tilde s^{(l+1)} - "
                 r"\sigma(r^{(l)} + R^{(l)\top} \tilde s^{(l)})\big)^{\top}")
    else:
        st.markdown(t("deep_th_dbm_energy"))
        st.latex(r"E(v, h^{1}, h^{2}) = -v^\top W^{1} h^{1} - h^{1\top} W^{2} h^{2} - b^\top v - c^{1\top} h^{1} "
                 r"- c^{2\top} h^{2},\qquad P(v, h^1, h^2) = \frac{1}{Z(\theta)} e^{-E(v, h^1, h^2)}")
        st.caption(t("deep_erratum_biases"))
        st.markdown(t("deep_th_dbm_gibbs"))
        st.latex(r"p(h^1_j = 1 \mid v, h^2) = \sigma\Big(c^1_j + \sum_i v_i W^1_{ij} + \sum_k W^2_{jk} h^2_k\Big),\quad "
                 r"p(v_i = 1 \mid h^1) = \sigma\Big(b_i + \sum_j W^1_{ij} h^1_j\Big),\quad "
                 r"p(h^2_k = 1 \mid h^1) = \sigma\Big(c^2_k + \sum_j h^1_j W^2_{jk}\Big)")
        st.markdown(t("deep_th_dbm_mf"))
        # With the biases the model has (ebm_core.deep.dbm.mean_field, elbo_unnormalised).
        st.latex(r"\hat h^{(1)}_j = \sigma\Big(c^{1}_j + \sum_i v_i W^{(1)}_{ij} + \sum_k W^{(2)}_{jk} \hat h^{(2)}_k\Big),\qquad "
                 r"\hat h^{(2)}_k = \sigma\Big(c^{2}_k + \sum_j W^{(2)}_{jk} \hat h^{(1)}_j\Big)")
        st.latex(r"\mathcal{L}(Q, \theta) = b^\top v + c^{1\top} \hat h^{(1)} + c^{2\top} \hat h^{(2)} + \sum_{i,j} v_i "
                 r"W^{(1)}_{ij} \hat h^{(1)}_j + \sum_{j,k} \hat h^{(1)}_j W^{(2)}_{jk} \hat h^{(2)}_k - \log Z(\theta) + "
                 r"\mathcal{H}(Q) \;\le\; \log p(v)")
        st.markdown(t("deep_th_dbm_alg"))
        # What ebm_core.deep.dbm_training runs: m data rows, m̃ persistent chains, decay on W inside η.
        st.latex(r"g_{W^{(1)}} = \tfrac{1}{m} V^\top \hat H^{(1)} - \tfrac{1}{\tilde m} \tilde V^\top \tilde H^{(1)},\qquad "
                 r"g_{W^{(2)}} = \tfrac{1}{m} \hat H^{(1)\top} \hat H^{(2)} - \tfrac{1}{\tilde m} \tilde H^{(1)\top} \tilde H^{(2)}")
        st.latex(r"g_b = \overline{V} - \overline{\tilde V},\quad g_{c^1} = \overline{\hat H^{(1)}} - \overline{\tilde H^{(1)}},\quad "
                 r"g_{c^2} = \overline{\hat H^{(2)}} - \overline{\tilde H^{(2)}};\qquad "
                 r"\Delta\theta \leftarrow \nu\, \Delta\theta + \eta\,(g_\theta - \lambda\, [\theta \in \{W^{(1)}, W^{(2)}\}]\, \theta),\quad "
                 r"\theta \leftarrow \theta + \Delta\theta")
        st.caption(t("deep_erratum_alg201"))
        st.markdown(t("deep_th_dbm_pretrain"))
        st.latex(r"p(h^1 \mid v) = \sigma(c + 2\, v^\top W^{1}),\qquad p(h^1 \mid h^2) = \sigma(a + 2\, W^{2} h^2)"
                 r"\ \ \Rightarrow\ \ p(h^1 \mid v, h^2) = \sigma\big(\tfrac{c + a}{2} + v^\top W^1 + W^2 h^2\big)")
    st.subheader(t("deep_things_to_try"))
    tries.draw(kind)
