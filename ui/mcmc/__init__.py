"""The MCMC page: controls, runs (cache and prefetch), in-picture sliders, the chain canvas."""
