"""Energy landscapes: explore p_T(x) = exp(−E(x)/T)/Z, or learn a 2D EBM from data."""

import streamlit as st

from ui.landscape import explore as LX
from ui.kit.i18n import t

st.title(t("landscape_title"))
if LX.mode_switch() == "learn":
    from ui.landscape import ebm2d as ebm2d_train

    ebm2d_train.render()
else:
    here = LX.render()
    if here is not None:  # an ensemble and AIS against the grid truth, in expanders (computed when open)
        from ui.landscape import ais, ensemble

        ensemble.panel(*here)
        ais.panel(*here)
