"""Checkpoints and atomic writes."""
