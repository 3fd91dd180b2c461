"""Command line: ``python -m ebm_core ...``, one module per command group.

``main`` (the parser and dispatch), ``common`` (what the groups share), ``sample`` (targets,
sample), ``data`` (MNIST), and one module per model: ``ebm2d``, ``rbm``, ``deep`` (DBN, DBM).
"""
