"""The floor for UI latency: one slider and its value as text, nothing else.

bench/bench_ui_latency.py times ArrowRight on the slider -> "Value: N." on screen.
"""

import streamlit as st

v = st.slider("Value", min_value=0, max_value=1000, value=500, key="v")
st.write(f"Value: {v}.")
