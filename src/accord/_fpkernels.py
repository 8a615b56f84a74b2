"""numba loops behind :mod:`accord.fpmath` (compiled on first use, cached on disk).

Each element goes through the C library's function (``math.tanh`` compiles to libm's ``tanh``):
no fastmath, so the same bits as Python's ``math`` module on every CPU. These are plain cached
``@njit`` loops over flat arrays rather than ``@vectorize`` ufuncs: numba caches a ufunc's kernel
but compiles its loop wrapper again in every process (~50 ms for each of the five), while a
cached ``@njit`` function loads in about a millisecond.
"""

from __future__ import annotations

import math

import numpy as np

from accord._numba import njit, types

TANH, EXP, LOG, LOG1P = 0, 1, 2, 3

# flat float64 arrays, writeable or not (a read-only input's ravel is a read-only view)
_OUT = types.float64[::1]
_IN = (_OUT, types.Array(types.float64, 1, "C", readonly=True))


@njit([_OUT(types.int64, x) for x in _IN], cache=True, nogil=True)
def unary(which, x):  # one kernel, not four, so that one cache entry loads
    n = x.shape[0]
    out = np.empty(n)
    if which == TANH:
        for i in range(n):
            out[i] = math.tanh(x[i])
    elif which == EXP:
        for i in range(n):
            out[i] = math.exp(x[i])
    elif which == LOG:
        for i in range(n):
            out[i] = math.log(x[i])
    else:
        for i in range(n):
            out[i] = math.log1p(x[i])
    return out


@njit([_OUT(x, y) for x in _IN for y in _IN], cache=True, nogil=True)
def power(x, y):  # x and y of one size, or one of them of size 1 (read as a scalar)
    sx = 0 if x.shape[0] == 1 else 1
    sy = 0 if y.shape[0] == 1 else 1
    n = max(x.shape[0], y.shape[0]) if x.shape[0] and y.shape[0] else 0
    out = np.empty(n)
    for i in range(n):
        out[i] = x[i * sx] ** y[i * sy]
    return out
