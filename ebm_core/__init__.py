"""EBM Lab engine: energies, samplers, diagnostics and models, free of any UI code."""

__version__ = "0.1.0"
