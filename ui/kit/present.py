"""Presentation mode (``?present=true``, the sidebar's toggle): everything on screen sized for a
projector at the back of a room, not only the page's text.

- the page's own text: ``ui.kit.layout.apply_style``;
- Plotly charts: every ``plotly_chart`` call of a presenting session hands Streamlit a copy of
  its figure with fonts of at least :data:`MIN_FONT_PX` and thicker lines
  (``ebm_core.viz.style.for_projector``).  Figures live in server-wide caches shared by every
  session, so the cached figure itself is never changed;
- the chain canvas draws its own labels :data:`LABEL_SCALE` times larger (``label_scale`` in
  its payload);
- developer captions (timings) are left out (:func:`dev_caption`);
- in every session (not only a presenting one), a chart's PNG from its toolbar is drawn 1,920 px
  wide (:func:`png_config`), for slides.
"""

from __future__ import annotations

import streamlit as st

#: The smallest text on screen at 1280×720, in CSS px (issue 13: readable from the back row).
MIN_FONT_PX = 18.0
#: The chain canvas's label scale: its smallest label (colour-bar ticks, 12 px) becomes 18 px.
LABEL_SCALE = 1.5


def presenting() -> bool:
    """Is this session in presentation mode? (app.py's toggle, bound to ``?present=``.)"""
    v = st.session_state.get("present", False)
    return v is True or str(v).lower() == "true"


def label_scale() -> float:
    return LABEL_SCALE if presenting() else 1.0


def intro(text: str) -> None:
    """A page's or a panel's introduction (Markdown): not on a projector, where the picture comes
    first and a lesson's bar says what is on screen."""
    if not presenting():
        st.markdown(text)


def dev_caption(text: str) -> None:
    """A caption for the developer (how long something took): not shown on a projector."""
    if not presenting():
        st.caption(text)


def _projector_figure(figure_or_data):
    from ebm_core.viz.style import Prebuilt, for_projector

    to_dict = getattr(figure_or_data, "to_dict", None)
    spec = to_dict() if to_dict else figure_or_data
    if not isinstance(spec, dict) or "data" not in spec:
        return figure_or_data  # (anything else Streamlit accepts: leave it as it is)
    return Prebuilt(for_projector(spec, MIN_FONT_PX))  # (valid plotly: no second validation)


#: The chart toolbar's camera saves a PNG for a slide: the chart drawn again
#: :data:`PNG_WIDTH_CSS` CSS px wide (its own height) at :data:`PNG_SCALE` pixels per CSS px,
#: so 1,920 px wide, a 1920 × 1080 projector's width, whatever its size on screen.
PNG_WIDTH_CSS, PNG_SCALE, PNG_HEIGHT_CSS = 960, 2, 540


def _height(figure_or_data) -> int:
    """The figure's own layout height in CSS px (:data:`PNG_HEIGHT_CSS` when it sets none)."""
    spec = getattr(figure_or_data, "_spec", None) or figure_or_data  # (a Prebuilt: its dict)
    layout = spec.get("layout") if isinstance(spec, dict) else getattr(spec, "layout", None)
    h = layout.get("height") if isinstance(layout, dict) else getattr(layout, "height", None)
    return int(h) if isinstance(h, (int, float)) and 100 <= h <= 3000 else PNG_HEIGHT_CSS


def png_config(config: dict | None, figure_or_data=None) -> dict:
    """Plotly's config with the camera button's PNG at projector width (a caller's own choice stays)."""
    config = dict(config or {})
    config.setdefault("toImageButtonOptions", {"format": "png", "width": PNG_WIDTH_CSS,
                                               "height": _height(figure_or_data), "scale": PNG_SCALE})
    return config


def install_plotly() -> None:
    """Route ``plotly_chart`` (``st.`` and any container's) through presentation mode.

    One wrapper for the whole process, installed once; it looks at the calling session's state
    on every call, so a session that does not present gets the figure untouched."""
    from streamlit.delta_generator import DeltaGenerator

    original = DeltaGenerator.plotly_chart
    if getattr(original, "_ebm_present", False):
        return

    def plotly_chart(self, figure_or_data, *args, **kwargs):
        if presenting():
            figure_or_data = _projector_figure(figure_or_data)
        kwargs["config"] = png_config(kwargs.get("config"), figure_or_data)
        return original(self, figure_or_data, *args, **kwargs)

    plotly_chart._ebm_present = True
    plotly_chart.__doc__ = original.__doc__
    DeltaGenerator.plotly_chart = plotly_chart
    main = st.plotly_chart.__self__  # ``st.plotly_chart`` is bound to the main area at import
    st.plotly_chart = plotly_chart.__get__(main, DeltaGenerator)
