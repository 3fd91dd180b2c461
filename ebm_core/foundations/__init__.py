"""The lecture's foundations, computed exactly where the slides only state them: plain Monte Carlo
against MCMC, a 3-state Markov chain, KL fits of one Gaussian, an EBM as a classifier, and a
distribution from a non-negative g by its volume (the "Foundations" page draws them)."""
