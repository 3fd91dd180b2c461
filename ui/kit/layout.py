"""Page styling: readable on a classroom projector; presentation mode enlarges everything."""

import streamlit as st


def apply_style(presenting: bool) -> None:
    size = "1.25rem" if presenting else "1.0rem"
    st.html(f"""<style>
      html {{ font-size: {size}; }}
      [data-testid="stMetricValue"] {{ font-size: {'2.2rem' if presenting else '1.6rem'}; }}
      /* "1.064 / 1.052" (x / y) wraps at its spaces instead of ending in "…" in a narrow column */
      [data-testid="stMetricValue"], [data-testid="stMetricValue"] * {{
        white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }}
    </style>""")
