"""NumPy's ``PCG64`` in a numba kernel: the doubles ``Generator(PCG64(seed)).random(n)`` gives, for
many seed states at once (a batch's uncertain inputs: one stream each, ~2.5 µs a stream for the
generator and its call, a few hundred streams a replay).

The algorithm is NumPy's (``numpy/random/src/pcg64``): the state and increment set from the seed
sequence's four words by ``pcg_setseq_128_srandom_r``; each output steps the 128-bit LCG (NumPy's
default multiplier) and returns the XSL-RR of the new state; a double is the output's top 53 bits
times 2**-53. The 128-bit arithmetic runs on pairs of 64-bit words. Loaded on first use (numba is
not imported with accord); ``tests/test_streams.py`` compares it with NumPy's generator.
"""

from __future__ import annotations

import numpy as np

from accord._numba import njit

__all__ = ["pcg64_doubles"]

_M32 = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)
_S64 = np.uint64(63)
_ONE = np.uint64(1)
_MULT_HI = np.uint64(2549297995355413924)
_MULT_LO = np.uint64(4865540595714422341)
_S11 = np.uint64(11)
_S58 = np.uint64(58)


@njit(cache=True, inline="always")
def _mulhi(a, b):
    """The high 64 bits of the 128-bit product of ``a`` and ``b``."""
    a0, a1 = a & _M32, a >> _S32
    b0, b1 = b & _M32, b >> _S32
    p00, p01, p10, p11 = a0 * b0, a0 * b1, a1 * b0, a1 * b1
    mid = (p00 >> _S32) + (p01 & _M32) + (p10 & _M32)
    return p11 + (p01 >> _S32) + (p10 >> _S32) + (mid >> _S32)


@njit(cache=True, inline="always")
def _step(hi, lo, inc_hi, inc_lo):
    """``state · multiplier + inc`` modulo 2**128."""
    p_lo = lo * _MULT_LO
    p_hi = _mulhi(lo, _MULT_LO) + lo * _MULT_HI + hi * _MULT_LO
    s_lo = p_lo + inc_lo
    carry = _ONE if s_lo < p_lo else np.uint64(0)
    return p_hi + inc_hi + carry, s_lo


@njit(cache=True)
def pcg64_doubles(states, out):
    """``out[r]`` = ``Generator(PCG64(s)).random(out.shape[1])`` for the seed state ``s = states[r]``
    (4 uint64 words: the initial state's high and low word, then the increment's)."""
    n = out.shape[1]
    for r in range(states.shape[0]):
        init_hi, init_lo = states[r, 0], states[r, 1]
        seq_hi, seq_lo = states[r, 2], states[r, 3]
        # inc = (initseq << 1) | 1
        inc_hi = (seq_hi << _ONE) | (seq_lo >> _S64)
        inc_lo = (seq_lo << _ONE) | _ONE
        # state = 0; step; state += initstate; step
        hi, lo = _step(np.uint64(0), np.uint64(0), inc_hi, inc_lo)
        s_lo = lo + init_lo
        carry = _ONE if s_lo < lo else np.uint64(0)
        hi, lo = _step(hi + init_hi + carry, s_lo, inc_hi, inc_lo)
        for j in range(n):
            hi, lo = _step(hi, lo, inc_hi, inc_lo)
            x = hi ^ lo
            rot = hi >> _S58
            v = (x >> rot) | (x << ((np.uint64(64) - rot) & _S64))
            out[r, j] = np.float64(v >> _S11) * (1.0 / 9007199254740992.0)
