"""The RBM page."""
