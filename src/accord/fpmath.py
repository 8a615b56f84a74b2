"""Transcendental functions that give the same bits on every CPU: ``tanh``, ``exp``, ``log``,
``log1p`` and ``power``, elementwise on float64 arrays (NumPy broadcasting).

NumPy computes these with SIMD code chosen at run time by the CPU (``np.tanh`` on AVX2, ``np.exp``
and ``np.log`` on AVX-512, SVML's ``np.power`` and ``np.log1p`` on AVX-512), and those kernels
differ from one another, and from the C library, in the last bit of some results: measured here,
``np.tanh`` on an AVX2 machine differs from libm's ``tanh`` on 20 % of uniform inputs in
[-20, 20]. A replay whose hazard goes through ``np.tanh`` then gives other bits on another CPU
(and, at a near-tie, another outcome), which breaks "same scenario and seed, same numbers".

These functions call the C library's ``tanh``, ``exp``, ``log``, ``log1p`` and ``pow`` (the
functions Python's :mod:`math` calls) on each element, from numba loops (:mod:`accord._fpkernels`,
loaded on first use so that importing accord does not load numba). Results for an element are
those of ``math.tanh(x)`` etc. where :mod:`math` returns one; where :mod:`math` raises (overflow,
a logarithm of 0 or of a negative number) they are IEEE's: ``inf``, ``-inf``, ``nan``.
The results are new C-ordered ndarrays (a subclass, a mask or a Fortran layout is not kept), and
overflow or a logarithm of 0 raises no floating-point warning (``np.errstate`` does not apply).
``tests/test_fpmath.py`` checks them against :mod:`math` bit for bit (hypothesis), and the engine
against a run with NumPy's CPU-specific kernels switched off (``NPY_DISABLE_CPU_FEATURES``).

What is left: the C library itself (glibc picks an FMA build of these functions on CPUs with
FMA; its results are meant to agree, and every x86-64 machine with AVX2 takes the same build).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["exp", "log", "log1p", "power", "tanh"]

_kernels: Any = None


def _k() -> Any:
    global _kernels
    if _kernels is None:
        from accord import _fpkernels  # numba loads on first use

        _kernels = _fpkernels
    return _kernels


def _real(x: Any) -> np.ndarray:
    # What a float64 ufunc's casting takes: booleans, integers and floats (as float64); text,
    # complex numbers and objects are refused rather than converted.
    a = np.asarray(x)
    if a.dtype.kind not in "biuf" or a.dtype.itemsize > 8:
        raise TypeError(f"accord.fpmath: expected real numbers (float64 or narrower), found dtype {a.dtype}")
    return a.astype(np.float64, copy=False)


def _shaped(out: np.ndarray, shape: tuple[int, ...]) -> Any:
    # a kernel's flat result in the ufunc's shape; a 0-d result as a NumPy scalar, as a ufunc's
    return out if len(shape) == 1 else out.reshape(shape) if shape else out[0]


def _unary(name: str, x: Any) -> Any:
    # What a float64(float64) ufunc gives: integers read as floats, a 0-d input gives a scalar.
    k = _k()
    a = _real(x)
    return _shaped(k.unary(getattr(k, name), a.ravel()), a.shape)  # ravel: a contiguous view, or a copy


def tanh(x: Any) -> np.ndarray:
    """``tanh(x)`` elementwise, libm's bits."""
    return _unary("TANH", x)  # type: ignore[no-any-return]


def exp(x: Any) -> np.ndarray:
    """``exp(x)`` elementwise, libm's bits (``inf`` on overflow)."""
    return _unary("EXP", x)  # type: ignore[no-any-return]


def log(x: Any) -> np.ndarray:
    """``log(x)`` elementwise, libm's bits (``-inf`` at 0, ``nan`` below)."""
    return _unary("LOG", x)  # type: ignore[no-any-return]


def log1p(x: Any) -> np.ndarray:
    """``log(1 + x)`` elementwise, libm's bits."""
    return _unary("LOG1P", x)  # type: ignore[no-any-return]


def power(x: Any, y: Any) -> np.ndarray:
    """``x ** y`` elementwise (broadcast), libm's ``pow`` bits."""
    k = _k()
    a = _real(x)
    b = _real(y)
    if a.shape == b.shape or b.ndim == 0:
        shape = a.shape
    elif a.ndim == 0:
        shape = b.shape
    else:
        a, b = np.broadcast_arrays(a, b)
        shape = a.shape
    return _shaped(k.power(a.ravel(), b.ravel()), shape)  # type: ignore[no-any-return]
