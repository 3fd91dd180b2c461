"""Demo app for the chain canvas: synthetic random-walk Metropolis chains on a two-bump landscape.

Query parameters (for tests and benchmarks): ``steps`` (2000), ``chains`` (4), ``speed`` (60),
``autoplay`` (1), ``partial`` (0: with K > 0 the canvas first gets only the first K steps, under a
fixed clip id, and the button "Send the rest" sends the whole run under the same id), ``off``
(0: with 1, chain 1 is moved 10 to the right, outside the drawn box).
The slider changes the proposal step size, i.e. the clip.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import streamlit as st  # noqa: E402

from ui.mcmc.canvas import chain_canvas, pack_clip  # noqa: E402

BOX = (-3.0, 3.0, -2.5, 2.5)
CENTRES = np.array([[-1.2, -0.4], [1.3, 0.7]])


def energy(x: np.ndarray) -> np.ndarray:
    """E(x) = -log of a two-bump Gaussian mixture (unnormalised)."""
    d2 = ((x[..., None, :] - CENTRES) ** 2).sum(-1)
    return -np.log(np.exp(-d2 / (2 * 0.35)).sum(-1) + 1e-12)


@st.cache_data(max_entries=16)
def make_clip(sigma: float, n_steps: int, n_chains: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.uniform([BOX[0], BOX[2]], [BOX[1], BOX[3]], size=(n_chains, 2)) * 0.9
    e = energy(x)
    pos = np.empty((n_steps + 1, n_chains, 2))
    prop = np.empty((n_steps, n_chains, 2))
    acc = np.empty((n_steps, n_chains), bool)
    pos[0] = x
    for i in range(n_steps):
        y = x + sigma * rng.standard_normal(x.shape)
        ey = energy(y)
        a = np.log(rng.random(n_chains)) < (e - ey)
        prop[i], acc[i] = y, a
        x = np.where(a[:, None], y, x)
        e = np.where(a, ey, e)
        pos[i + 1] = x
    nx, ny = 240, 200
    xs = BOX[0] + (np.arange(nx) + 0.5) * (BOX[1] - BOX[0]) / nx
    ys = BOX[2] + (np.arange(ny) + 0.5) * (BOX[3] - BOX[2]) / ny
    gx, gy = np.meshgrid(xs, ys)
    grid = energy(np.stack([gx, gy], -1))
    grid[:8, :12] = np.inf  # a corner with no mass: shows the "empty" colour
    return pos, prop, acc, grid


st.set_page_config(page_title="Chain canvas demo", layout="wide")
qp = st.query_params
n_steps = int(qp.get("steps", 2000))
n_chains = int(qp.get("chains", 4))
speed = float(qp.get("speed", 60))
autoplay = qp.get("autoplay", "1") != "0"

st.title("Chain canvas demo")
sigma = st.slider("Proposal step size σ", 0.05, 2.0, 0.5, 0.05, key="sigma")
pos, prop, acc, grid = make_clip(float(sigma), n_steps, n_chains)
if qp.get("off") == "1":
    pos = pos.copy()
    pos[:, 0, 0] += 10.0  # chain 1 off to the right of the box
partial = max(0, min(int(qp.get("partial", 0)), n_steps))
if partial and not st.session_state.get("rest"):  # only the first steps so far
    pos, prop, acc = pos[: partial + 1], prop[:partial], acc[:partial]
named = {"clip_id": f"demo-{sigma}", "n_total": n_steps} if partial else {}
data = pack_clip(pos, prop, acc, grid, BOX, burn_in=min(200, n_steps // 4), speed=speed,
                 autoplay=autoplay, labels={"colorbar": "E(x)"}, **named)
if partial:
    st.button("Send the rest", on_click=lambda: st.session_state.update(rest=True))
result = chain_canvas(data, key="demo", height=560)

if result.click is not None:
    st.session_state["last_click"] = result.click
st.write(result.click)
last = st.session_state.get("last_click")
st.markdown(f"last click: `{last[0]:.4f}, {last[1]:.4f}`" if last else "last click: none")
st.caption(f"acceptance rate {acc.mean():.2f} · payload {sum(len(str(v)) for v in data.values()) / 1024:.0f} KiB")
