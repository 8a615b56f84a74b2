"""The capability stocks and the contest of a step in one numba kernel (loaded on first use).

:func:`contest` does what :func:`~accord.simulation.power.advance_stock`,
:func:`~accord.simulation.power.projected_stock` and
:func:`~accord.simulation.power.win_probability` (now and projected) do with some thirty NumPy
calls, which at one draw cost far more than their arithmetic. Every operation is the IEEE one
NumPy performs, in its order (no fastmath, no fused multiply-add; ``error_model="numpy"``: a
division by zero gives inf or nan, as NumPy's does); the sides' sums follow ``np.add.reduce``
(:func:`accord.mechanisms._jit.pairwise_sum`); ``pow``, ``log`` and ``exp`` are the C library's,
as :mod:`accord.fpmath`'s. ``tests/test_mechanisms_units.py`` compares it with the NumPy functions.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from accord.mechanisms._jit import pairwise_sum

__all__ = ["contest"]


@njit(cache=True, inline="always", error_model="numpy")
def _maximum(x, c):
    """``np.maximum(x, c)`` for a number ``c``: NaN propagates."""
    return x if (x != x or x >= c) else c


@njit(cache=True, inline="always", error_model="numpy")
def _p_high(stock, masks, exponent, buf):
    """:func:`~accord.simulation.power.win_probability` of one draw's stocks ``(A,)``."""
    A = stock.shape[0]
    for a in range(A):
        buf[a] = stock[a] * masks[0, a]
    s_hi = pairwise_sum(buf, A)
    for a in range(A):
        buf[a] = stock[a] * masks[1, a]
    s_lo = pairwise_sum(buf, A)
    log_ratio = exponent * (math.log(_maximum(s_lo, 1e-300)) - math.log(_maximum(s_hi, 1e-300)))
    if log_ratio == log_ratio:  # np.clip: NaN stays NaN
        log_ratio = min(max(log_ratio, -700.0), 700.0)
    p = 1.0 / (1.0 + math.exp(log_ratio))
    if s_hi > 0:
        return p
    return 0.0 if s_lo > 0 else 0.5


@njit(cache=True, error_model="numpy")
def contest(stock, flows, delta, dt, first, horizon, exponent, masks, out_stock, out_p):
    """The step's stocks ``out_stock (D, A)`` from last step's ``stock`` and the spending ``flows``
    (steady state ``flows / delta`` when ``first``), and ``out_p (2, D)``: ``P(high side wins)``
    now and with the stocks projected ``horizon (D,)`` years ahead; ``masks (2, A)`` the sides'
    members (1.0 / 0.0), ``delta``, ``exponent`` ``(D,)`` per draw."""
    D, A = flows.shape
    buf = np.empty(A)
    future = np.empty(A)
    for d in range(D):
        dd = delta[d]
        if first:
            for a in range(A):
                out_stock[d, a] = flows[d, a] / dd
        else:
            keep = (1.0 - dd) ** dt
            for a in range(A):
                out_stock[d, a] = keep * stock[d, a] + flows[d, a] * dt
        keep_h = (1.0 - dd) ** horizon[d]
        for a in range(A):
            future[a] = keep_h * out_stock[d, a] + flows[d, a] * (1.0 - keep_h) / dd
        out_p[0, d] = _p_high(out_stock[d], masks, exponent[d], buf)
        out_p[1, d] = _p_high(future, masks, exponent[d], buf)
