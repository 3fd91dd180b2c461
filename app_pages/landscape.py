"""Energy landscapes: explore p_T(x) = exp(−E(x)/T)/Z, or learn a 2D EBM from data."""

import streamlit as st

from ui.landscape import explore as LX
from ui.kit.i18n import t

st.title(t("landscape_title"))
if LX.mode_switch() == "learn":
    from ui.landscape import ebm2d as ebm2d_train

    ebm2d_train.render()
else:
    LX.render()
