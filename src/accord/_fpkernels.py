"""numba ufuncs behind :mod:`accord.fpmath` (compiled on first use, cached on disk).

Each calls the C library's function on one float64 (``math.tanh`` compiles to libm's ``tanh``):
no fastmath, no vector library, so the same bits as Python's ``math`` module on every CPU.
"""

from __future__ import annotations

import math

from numba import vectorize


@vectorize(["float64(float64)"], cache=True)
def tanh(x):
    return math.tanh(x)


@vectorize(["float64(float64)"], cache=True)
def exp(x):
    return math.exp(x)


@vectorize(["float64(float64)"], cache=True)
def log(x):
    return math.log(x)


@vectorize(["float64(float64)"], cache=True)
def log1p(x):
    return math.log1p(x)


@vectorize(["float64(float64, float64)"], cache=True)
def power(x, y):
    return x**y
