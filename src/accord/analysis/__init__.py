"""Analyses over many runs: the run service (:mod:`accord.analysis.runs`, the one way the layers
above run the engine), sweeps, format comparisons, sensitivity, backtests, and their shared
pieces (executors, estimates with intervals, the progress protocol, atomic storage).

Errors raised here name the functions' parameters, in backticks (`resume=True`, `out`); the
command line translates them into its flags (``--resume``, ``--out``)."""
