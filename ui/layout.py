"""Page styling: readable on a classroom projector; presentation mode enlarges everything."""

import streamlit as st


def apply_style(presenting: bool) -> None:
    size = "1.25rem" if presenting else "1.0rem"
    st.html(f"""<style>
      html {{ font-size: {size}; }}
      [data-testid="stMetricValue"] {{ font-size: {'2.2rem' if presenting else '1.6rem'}; }}
    </style>""")
