"""Pure functions from results to figures (Plotly/Altair/PIL); no Streamlit here."""
