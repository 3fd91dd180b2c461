"""Serving EBM Lab past one process: several ``streamlit run app.py`` behind HAProxy (``deploy.serve``)."""
