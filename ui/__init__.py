"""Streamlit UI pieces for EBM Lab (custom components and widgets)."""
