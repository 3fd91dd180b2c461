"""The 2D neural energy-based model and its maximum-likelihood trainer."""
