"""Energy landscapes: explore p_T(x) = exp(−E(x)/T)/Z, or learn a 2D EBM from data."""

import streamlit as st

from ui import landscape_explore as LX
from ui.i18n import t

st.title(t("landscape_title"))
if LX.mode_switch() == "learn":
    from ui import ebm2d_train

    ebm2d_train.render()
else:
    LX.render()
