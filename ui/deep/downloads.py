"""The DBN / DBM page's downloads tab: the checkpoint (with the DBM's persistent chains), the samples as
PNG and GIF, and the CLI lines that reproduce them."""

from __future__ import annotations

import streamlit as st

from ebm_core.deep import dbm as D
from ebm_core.io import checkpoint

from ui.deep.sampling import current_samples
from ui.deep.training import job
from ui.deep.views import need_model
from ui.kit.i18n import t


def draw_downloads(kind: str, s: dict) -> None:
    if need_model(kind):
        return
    j = job(kind)

    def ckpt() -> bytes:
        state = j["model"].state()
        if kind == "dbm" and j.get("chains") is not None:
            state.update(D.chains_state(j["chains"]))
        return checkpoint.to_bytes(kind, j["config"], state, dict(j["meta"]))

    res = current_samples(kind, s)
    c1, c2, c3 = st.columns(3)
    c1.download_button(t("deep_dl_checkpoint"), data=ckpt, file_name=f"{kind}.pt", mime="application/octet-stream",
                       on_click="ignore", key=f"deep_dl_ck_{kind}", width="stretch")
    c2.download_button(t("deep_dl_png"), data=res["png"], file_name=f"{kind}_samples.png", mime="image/png",
                       on_click="ignore", key=f"deep_dl_png_{kind}", width="stretch")
    c3.download_button(t("deep_dl_gif"), data=res["gif"], file_name=f"{kind}_chains.gif", mime="image/gif",
                       on_click="ignore", key=f"deep_dl_gif_{kind}", width="stretch")
    if kind == "dbn":
        lab = "" if s["label"] in ("each", "any") else f" --label {s['label']}"
        cmd = f"python -m ebm_core generate {kind}.pt --n {10 * int(s['rows'])}{lab} --gibbs-steps {s['gibbs']} --out samples.npy"
    else:
        cmd = f"python -m ebm_core generate {kind}.pt --n {10 * int(s['rows'])} --gibbs-steps {s['sweeps']} --out samples.npy"
    st.code(cmd + f"\npython -m ebm_core evaluate {kind}.pt", language="bash")
