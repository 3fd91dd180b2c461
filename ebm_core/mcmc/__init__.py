"""MCMC on 2D landscapes: samplers, diagnostics, the step-by-step explanation."""
