"""The RBM page (laid out by ``app_pages/rbm.py``), by role, each module importing only those above it:
``specs`` (controls, from the engine's ranges) → ``data`` (cached MNIST, the shipped checkpoint) →
``training`` (the model job on ``ui.kit.jobs``) → ``sampling`` (chains, clamp and fill) → ``views``
(the live section) and ``lab`` (the tiny lab) → ``tools`` (clamp, the AIS bracket, formulas,
downloads). Figures are ``ebm_core.viz.rbm``'s; every number is an engine function's."""
