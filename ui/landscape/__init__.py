"""The energy-landscape page: exploring p_T, and learning a 2D EBM."""
