"""Figures for learning a 2D EBM: the energy surface with data and negatives, the training
curves, particles sampled in the learned landscape (animated), and GIFs made with PIL.

Labels arrive as arguments (the caller translates them).  Arrays go to Plotly as float32;
every figure has a fixed height and a ``uirevision`` so zoom survives the live ticks.
"""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots
from PIL import Image, ImageDraw

from ebm_core.viz.style import ACCENT, DATA, NEGATIVES

HEIGHT = 520
CURVE_HEIGHT = 280
#: Energies more than this above the minimum share the top colour: exp(−12) ≈ 6e-6 of the
#: peak density is invisible anyway, and the walls of an untrained net would wash out the rest.
ENERGY_SPAN = 12.0
MAX_CURVE_POINTS = 1500
# Low energy is yellow (reversed viridis): data in dark grey, negatives in vermillion with a
# white rim stand out on both ends of the scale.
DATA_COLOR = "rgba(30,30,30,0.55)"
NEG_COLOR = NEGATIVES
SAMPLE_COLOR = NEGATIVES
# Viridis at 17 stops (as the chain canvas), interpolated into a 256-entry table for the GIFs.
_VIRIDIS = "44015448186a472d7b4240863b528b33638d2c728e26828e21918c1fa08828ae803fbc735ec96284d44baddc30d8e219fde725"


def _viridis_lut() -> np.ndarray:
    stops = np.array([[int(_VIRIDIS[i + k:i + k + 2], 16) for k in (0, 2, 4)] for i in range(0, len(_VIRIDIS), 6)],
                     dtype=np.float64)
    at = np.linspace(0, 255, len(stops))
    v = np.arange(256)
    return np.stack([np.interp(v, at, stops[:, c]) for c in range(3)], axis=1).round().astype(np.uint8)


VIRIDIS_LUT = _viridis_lut()


def _thin(n: int, k: int = MAX_CURVE_POINTS) -> np.ndarray:
    return np.unique(np.linspace(0, n - 1, min(n, k)).round().astype(int)) if n else np.zeros(0, int)


def display_values(energy: np.ndarray, show: str = "energy") -> tuple[np.ndarray, float, float]:
    """What the heatmap colours: E clipped to [min, min + ENERGY_SPAN], or the density
    exp(−E)/Z normalised on the picture's own grid.  Returns (values, zmin, zmax)."""
    e = np.asarray(energy, dtype=np.float64)
    finite = np.isfinite(e)
    lo = float(e[finite].min()) if finite.any() else 0.0
    if show == "density":
        w = np.exp(-(np.where(finite, e, np.inf) - lo))
        p = w / w.sum()
        return p.astype(np.float32), 0.0, float(p.max())
    return np.clip(np.where(finite, e, lo + ENERGY_SPAN), lo, lo + ENERGY_SPAN).astype(np.float32), lo, lo + ENERGY_SPAN


def _square_axes(fig: go.Figure, box, row=None, col=None) -> None:
    kw = {} if row is None else {"row": row, "col": col}
    fig.update_xaxes(range=[box[0], box[1]], constrain="domain", showgrid=False, zeroline=False, **kw)
    fig.update_yaxes(range=[box[2], box[3]], scaleanchor="x" if row is None or col == 1 else f"x{col}",
                     scaleratio=1, constrain="domain", showgrid=False, zeroline=False, **kw)


def landscape_figure(xs, ys, energy, box, labels: dict, data=None, negatives=None, show: str = "energy",
                     height: int = HEIGHT) -> go.Figure:
    """The learned landscape as a heatmap (E or p) with contours, data (dark dots) and the
    current negative samples (vermillion) on top.  labels: title, colorbar, data, negatives."""
    vals, zmin, zmax = display_values(energy, show)
    fig = go.Figure()
    fig.add_trace(go.Heatmap(x=np.asarray(xs, np.float32), y=np.asarray(ys, np.float32), z=vals, zmin=zmin,
                             zmax=zmax, colorscale="Viridis", reversescale=show != "density",
                             colorbar=dict(title=dict(text=labels.get("colorbar", "")), thickness=14),
                             hovertemplate="x=%{x:.2f}<br>y=%{y:.2f}<br>%{z:.3g}<extra></extra>", showlegend=False))
    fig.add_trace(go.Contour(x=np.asarray(xs, np.float32), y=np.asarray(ys, np.float32), z=vals, zmin=zmin,
                             zmax=zmax, ncontours=12, contours=dict(coloring="none"), showscale=False,
                             line=dict(color="rgba(255,255,255,0.35)", width=1), hoverinfo="skip", showlegend=False))
    if data is not None and len(data):
        d = np.asarray(data, np.float32)
        fig.add_trace(go.Scatter(x=d[:, 0], y=d[:, 1], mode="markers", name=labels.get("data", "data"),
                                 marker=dict(size=3, color=DATA_COLOR), hoverinfo="skip"))
    if negatives is not None and len(negatives):
        n = np.asarray(negatives, np.float32)
        fig.add_trace(go.Scatter(x=n[:, 0], y=n[:, 1], mode="markers", name=labels.get("negatives", "negatives"),
                                 marker=dict(size=5, color=NEG_COLOR, line=dict(width=0.6, color="white")),
                                 hoverinfo="skip"))
    fig.update_layout(height=height, margin=dict(l=40, r=10, t=40, b=30), uirevision="ebm2d-landscape",
                      title=dict(text=labels.get("title", ""), font=dict(size=16)), font=dict(size=14),
                      legend=dict(orientation="h", y=-0.06, x=0.5, xanchor="center"),
                      plot_bgcolor="white")
    _square_axes(fig, box)
    return fig


def energy_curves_figure(history: dict, labels: dict, height: int = CURVE_HEIGHT) -> go.Figure:
    """Mean E_θ on the data batch and on the negatives, per update.  Maximum likelihood
    pushes the first down and the second up until the samples look like the data."""
    u = np.asarray(history.get("update", []))
    idx = _thin(len(u))
    fig = go.Figure()
    for key, colour, name in (("e_data", DATA, labels["data"]), ("e_neg", NEG_COLOR, labels["negatives"])):
        y = np.asarray(history.get(key, []), np.float32)
        fig.add_trace(go.Scatter(x=u[idx].astype(np.float32), y=y[idx], mode="lines", name=name,
                                 line=dict(color=colour, width=2)))
    fig.update_layout(height=height, margin=dict(l=50, r=10, t=40, b=40), uirevision="ebm2d-energy",
                      title=dict(text=labels["title"], font=dict(size=16)), font=dict(size=14),
                      xaxis_title=labels["x"], yaxis_title=labels["y"],
                      legend=dict(x=0.99, y=0.98, xanchor="right", yanchor="top", bgcolor="rgba(255,255,255,0.7)"))
    return fig


def ll_figure(ll_history: dict, labels: dict, reference: dict | None = None, height: int = CURVE_HEIGHT) -> go.Figure:
    """The exact held-out average log-likelihood against updates, with reference lines
    (``reference``: {label: value}, e.g. the uniform density on the box, the true density)."""
    u = np.asarray(ll_history.get("update", []), np.float32)
    y = np.asarray(ll_history.get("ll", []), np.float32)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=u, y=y, mode="lines+markers", name=labels["ll"], line=dict(color=ACCENT, width=2.5),
                             marker=dict(size=4)))
    dashes = ("dot", "dash", "dashdot")
    for i, (name, v) in enumerate((reference or {}).items()):
        fig.add_hline(y=float(v), line=dict(color="grey", width=1.5, dash=dashes[i % 3]),
                      annotation_text=name, annotation_position="bottom right")
    fig.update_layout(height=height, margin=dict(l=50, r=10, t=40, b=40), uirevision="ebm2d-ll",
                      title=dict(text=labels["title"], font=dict(size=16)), font=dict(size=14),
                      xaxis_title=labels["x"], yaxis_title=labels["y"], showlegend=False)
    return fig


def particles_figure(frames: np.ndarray, box, labels: dict, data=None, background=None, frame_titles=None,
                     title: str = "", height: int = 470, ms_per_frame: int = 120) -> go.Figure:
    """Particles moving in the learned landscape (left, animated in the browser by Plotly's
    own player) next to the data (right).  ``frames`` (F, n, 2); ``background`` (xs, ys, E)
    drawn under both panels; ``frame_titles`` one caption per frame, shown above the slider.

    The landscape (and the data) are layout images (PNGs), not traces: Plotly's animation with
    redraw=False (the smooth one) drops the figure's other traces after the first frame
    (measured in Chromium: contours and the data scatter vanished), and a redraw per frame is
    too slow in a software-rendered browser.
    """
    frames = np.asarray(frames, np.float32)
    fig = make_subplots(rows=1, cols=2, subplot_titles=(labels["samples"], labels["data"]), horizontal_spacing=0.06)
    energy = background[2] if background is not None else None
    for ax, pts in (("", None), ("2", data)):
        fig.add_layout_image(source=landscape_png(energy, pts, box), xref=f"x{ax}", yref=f"y{ax}", x=box[0], y=box[3],
                             sizex=box[1] - box[0], sizey=box[3] - box[2], sizing="stretch", layer="below")
    f0 = frames[0]
    fig.add_trace(go.Scatter(x=f0[:, 0], y=f0[:, 1], mode="markers", name=labels["samples"], hoverinfo="skip",
                             marker=dict(size=5, color=SAMPLE_COLOR, line=dict(width=0.6, color="white"))),
                  row=1, col=1)
    # An empty trace on the right keeps its axes alive (the data are part of its image).
    fig.add_trace(go.Scatter(x=[], y=[], mode="markers", hoverinfo="skip"), row=1, col=2)
    titles = list(frame_titles) if frame_titles is not None else [str(i) for i in range(len(frames))]
    fig.frames = [go.Frame(data=[go.Scatter(x=f[:, 0], y=f[:, 1])], traces=[0], name=str(i))
                  for i, f in enumerate(frames)]
    anim = dict(frame=dict(duration=ms_per_frame, redraw=False), transition=dict(duration=0), mode="immediate")
    fig.update_layout(
        height=height, margin=dict(l=30, r=10, t=60, b=110), showlegend=False, uirevision="ebm2d-particles",
        title=dict(text=title, font=dict(size=15)), font=dict(size=14), plot_bgcolor="white",
        updatemenus=[dict(type="buttons", direction="left", x=0.0, y=-0.16, xanchor="left", yanchor="top",
                          showactive=False,
                          buttons=[dict(label="▶ " + labels["play"], method="animate",
                                        args=[None, anim | dict(fromcurrent=True)]),
                                   dict(label="⏸ " + labels["pause"], method="animate",
                                        args=[[None], dict(frame=dict(duration=0, redraw=False), mode="immediate")])])],
        # Each step's label is the frame's caption, shown by ``currentvalue``; the tick labels
        # themselves are made transparent (41 long captions would overlap).
        sliders=[dict(active=0, x=0.25, len=0.75, y=-0.1, yanchor="top", font=dict(color="rgba(0,0,0,0)"),
                      currentvalue=dict(visible=True, prefix="", xanchor="left", font=dict(size=15, color="#31333f")),
                      steps=[dict(method="animate", label=titles[i], args=[[str(i)], anim])
                             for i in range(len(frames))])],
    )
    for col in (1, 2):
        _square_axes(fig, box, row=1, col=col)
    return fig


def landscape_png(energy: np.ndarray | None, points=None, box=None, size: int = 400) -> str:
    """The energy grid (low energy bright, as the heatmaps; white when None), with ``points``
    as dark dots, as a PNG data URI for a layout image."""
    rgb = _background_rgb(energy, size) if energy is not None else np.full((size, size, 3), 255, np.uint8)
    im = Image.fromarray(np.array(rgb), "RGB")
    if points is not None and len(points):
        d = ImageDraw.Draw(im)
        for x, y in _to_pixels(np.asarray(points, np.float32), box, size):
            d.ellipse((x - 1.5, y - 1.5, x + 1.5, y + 1.5), fill=(35, 35, 35))
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


# --- GIFs --------------------------------------------------------------------------------

def _background_rgb(energy: np.ndarray, size: int) -> np.ndarray:
    vals, zmin, zmax = display_values(energy)
    q = np.clip((zmax - vals) / max(zmax - zmin, 1e-12) * 255, 0, 255).astype(np.uint8)  # low energy = bright
    rgb = VIRIDIS_LUT[q[::-1]]  # image row 0 is the top (largest y)
    return np.asarray(Image.fromarray(rgb, "RGB").resize((size, size), Image.BILINEAR))


def _to_pixels(pts: np.ndarray, box, size: int) -> np.ndarray:
    x0, x1, y0, y1 = box
    px = (pts[:, 0] - x0) / (x1 - x0) * (size - 1)
    py = (y1 - pts[:, 1]) / (y1 - y0) * (size - 1)
    return np.stack([px, py], axis=1)


# GIF palette: 248 viridis levels for the landscape, then the dots, rims and caption colours.
_LEVELS = 248
_DATA, _DOT, _WHITE, _BLACK = 248, 249, 250, 251


def _gif_palette() -> list[int]:
    lut = VIRIDIS_LUT[np.linspace(0, 255, _LEVELS).round().astype(int)]
    extra = np.array([[35, 35, 35], [213, 94, 0], [255, 255, 255], [0, 0, 0]], np.uint8)
    pal = np.concatenate([lut, extra, np.zeros((256 - _LEVELS - len(extra), 3), np.uint8)])
    return pal.ravel().tolist()


def _background_index(energy: np.ndarray | None, size: int) -> np.ndarray:
    """Palette indices (size, size) of the landscape: low energy bright, row 0 at the top."""
    if energy is None:
        return np.full((size, size), _WHITE, np.uint8)
    vals, zmin, zmax = display_values(energy)
    q = np.clip((zmax - vals) / max(zmax - zmin, 1e-12) * 255, 0, 255).astype(np.uint8)[::-1]
    big = np.asarray(Image.fromarray(np.ascontiguousarray(q), "L").resize((size, size), Image.BILINEAR))
    return (big.astype(np.uint16) * (_LEVELS - 1) // 255).astype(np.uint8)


def _disc(radius: float) -> tuple[np.ndarray, np.ndarray]:
    r = int(np.ceil(radius))
    dy, dx = np.mgrid[-r:r + 1, -r:r + 1]
    keep = dx * dx + dy * dy <= radius * radius
    return dx[keep], dy[keep]


_DOT_FILL, _DOT_RIM, _DATA_DOT = _disc(1.9), _disc(2.9), _disc(1.0)


def _stamp(img: np.ndarray, pixels: np.ndarray, offsets, value: int) -> None:
    """Set the discs around ``pixels`` (n, 2) to ``value`` in place (vectorised, clipped)."""
    ok = np.isfinite(pixels).all(axis=1)
    if not ok.any():
        return
    p = np.rint(pixels[ok]).astype(int)
    xs = (p[:, 0:1] + offsets[0][None]).ravel()
    ys = (p[:, 1:2] + offsets[1][None]).ravel()
    inside = (xs >= 0) & (xs < img.shape[1]) & (ys >= 0) & (ys < img.shape[0])
    img[ys[inside], xs[inside]] = value


def gif_bytes(frames, box, backgrounds=None, data=None, captions=None, size: int = 280, ms_per_frame: int = 100,
              last_frame_ms: int = 1200, font=None) -> bytes:
    """An animated GIF of points moving on the landscape.

    ``frames`` (F, n, 2); ``backgrounds``: one energy grid (ny, nx) for every frame, or a list of
    F grids (the landscape changing during training), or None for white; ``data`` drawn as
    dark dots under the points; ``captions`` one short text per frame, drawn with ``font`` (a PIL
    font; ``ebm_core.viz.fonts.cjk_font()`` draws Chinese) or PIL's default one (ASCII only: it has no
    CJK glyphs).  Drawn straight into palette indices (one fixed palette), so a
    100-frame GIF takes a fraction of a second and stays small.
    """
    frames = np.asarray(frames, np.float32)
    F = frames.shape[0]
    if backgrounds is None or (isinstance(backgrounds, np.ndarray) and backgrounds.ndim == 2):
        one = _background_index(backgrounds, size)
        bgs = [one] * F
    else:
        if len(backgrounds) != F:
            raise ValueError(f"need one background per frame ({F}), got {len(backgrounds)}")
        bgs = [_background_index(b, size) for b in backgrounds]
    data_px = _to_pixels(np.asarray(data, np.float32), box, size) if data is not None else None
    palette = _gif_palette()
    images = []
    for i in range(F):
        img = bgs[i].copy()
        if data_px is not None:
            _stamp(img, data_px, _DATA_DOT, _DATA)
        px = _to_pixels(frames[i], box, size)
        _stamp(img, px, _DOT_RIM, _WHITE)
        _stamp(img, px, _DOT_FILL, _DOT)
        im = Image.fromarray(img, "P")
        im.putpalette(palette)
        if captions is not None:
            d = ImageDraw.Draw(im)
            d.rectangle((0, 0, size, 14 if font is None else font.size + 5), fill=_WHITE)
            d.text((4, 2), str(captions[i]), fill=_BLACK, font=font)
        images.append(im)
    buf = io.BytesIO()
    durations = [ms_per_frame] * (F - 1) + [last_frame_ms]
    images[0].save(buf, format="GIF", save_all=True, append_images=images[1:], duration=durations, loop=0,
                   optimize=False)
    return buf.getvalue()
