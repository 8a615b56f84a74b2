"""The power phase's arithmetic in numba kernels (loaded on first use): the capability stocks and
the contest (:func:`contest`), the war outcomes its utility call reads (:func:`war_inputs`) and the
war values from those utilities (:func:`war_values`).

:func:`contest` does what :func:`~accord.simulation.power.advance_stock`,
:func:`~accord.simulation.power.projected_stock` and
:func:`~accord.simulation.power.win_probability` (now and projected) do with some thirty NumPy
calls, which at one draw cost far more than their arithmetic. Every operation is the IEEE one
NumPy performs, in its order (no fastmath, no fused multiply-add; ``error_model="numpy"``: a
division by zero gives inf or nan, as NumPy's does); the sides' sums follow ``np.add.reduce``
(:func:`accord.mechanisms._jit.pairwise_sum`); ``pow``, ``log`` and ``exp`` are the C library's,
as :mod:`accord.fpmath`'s. ``tests/test_mechanisms_units.py`` compares each kernel with the NumPy
functions it replaces.
"""

from __future__ import annotations

import math

import numpy as np

from accord._numba import njit
from accord.mechanisms._jit import pairwise_sum

__all__ = ["contest", "war_inputs", "war_values"]


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


@njit(cache=True, error_model="numpy")
def war_inputs(sq, pos, piv, sal, leads, war_issues, texts, who, weights):
    """What the power phase's utility call reads: ``texts (D, 3, I)`` the status quo and
    :func:`~accord.simulation.power.war_outcomes` (the high side's leader ``leads[0]`` prevails,
    then the low side's ``leads[1]``; share 1), and the leaders' then the pivots' ideal points and
    saliences side by side, ``who``, ``weights`` ``(D, 2A, I)`` (copies)."""
    D, A, I = pos.shape  # noqa: E741
    for d in range(D):
        for i in range(I):
            x = sq[d, i]
            texts[d, 0, i] = x
            for j in range(2):
                w = pos[d, leads[j], i]
                lo = pos[d, leads[1 - j], i]
                move = w - x
                texts[d, 1 + j, i] = x + move if (war_issues[i] and move * (w - lo) > 0) else x
        for a in range(A):
            for i in range(I):
                who[d, a, i] = pos[d, a, i]
                who[d, A + a, i] = piv[d, a, i]
                weights[d, a, i] = sal[d, a, i]
                weights[d, A + a, i] = sal[d, a, i]


@njit(cache=True, error_model="numpy")
def war_values(p_hi, sign, optimism, u, combatants, cost, p_bel, values, stake, incentive):
    """From the utilities ``u (D, 3, 2A)`` of :func:`war_inputs`' texts: ``p_bel (D, A)`` each
    actor's belief (``clip(p + sign · optimism, 0.01, 0.99)``), ``values (D, 2, A)`` leaders' and
    pivots' war values (:func:`~accord.simulation.power.war_values_of`: ``-inf`` for those who
    cannot fight), the leaders' ``stake`` and ``incentive`` (war value less status quo) ``(D, A)``."""
    D, A = optimism.shape
    for d in range(D):
        c = cost[d]
        for a in range(A):
            b = p_hi[d] + sign[a] * optimism[d, a]
            if b == b:  # np.clip: NaN stays NaN
                b = min(max(b, 0.01), 0.99)
            p_bel[d, a] = b
            for k in range(2):
                u_hi, u_lo = u[d, 1, k * A + a], u[d, 2, k * A + a]
                values[d, k, a] = b * u_hi + (1.0 - b) * u_lo - c if combatants[a] else -np.inf
            stake[d, a] = abs(u[d, 1, a] - u[d, 2, a])
            incentive[d, a] = values[d, 0, a] - u[d, 0, a]
