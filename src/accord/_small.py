"""NumPy functions without their Python wrappers, for the engine's small arrays.

A replay is one draw: its arrays hold a few numbers, and a call's Python layers cost more than
its arithmetic. ``np.clip``'s (``fromnumeric`` → ``ndarray.clip`` → ``_methods._clip``) cost
three times the ufunc they end in, and :func:`clip` calls that ufunc; ``np.flatnonzero`` ravels
a copy of what is already flat; ``a.any()`` runs the reduction machinery (about 1 µs on a
one-element array) where :func:`any_nonzero` counts the nonzero elements in C (a fifth of that).
The answers are the same (``tests/test_small.py`` compares them bit for bit).
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

# the ufunc np.clip ends in (NumPy 2: numpy._core; NumPy 1.x: numpy.core); imported by name
# because the stubs do not declare it
try:
    _umath = importlib.import_module("numpy._core.umath")
except ImportError:  # pragma: no cover - NumPy < 2
    _umath = importlib.import_module("numpy.core.umath")
_clip: np.ufunc = _umath.clip
try:  # the C function np.count_nonzero(a) ends in
    _multiarray = importlib.import_module("numpy._core.multiarray")
except ImportError:  # pragma: no cover - NumPy < 2
    _multiarray = importlib.import_module("numpy.core.multiarray")
_count_nonzero: Any = _multiarray.count_nonzero

__all__ = ["any_nonzero", "clip", "flatnonzero"]


def clip(a: Any, lo: float | np.ndarray, hi: float | np.ndarray) -> np.ndarray:
    """``np.clip(a, lo, hi)`` with both bounds given."""
    out: np.ndarray = _clip(a, lo, hi)
    return out


def flatnonzero(a: np.ndarray) -> np.ndarray:
    """``np.flatnonzero(a)`` of a 1-D array."""
    return a.nonzero()[0]


def any_nonzero(a: np.ndarray) -> bool:
    """``bool(a.any())`` over the whole array: whether any element is nonzero (NaN counts, as in
    ``any``)."""
    return bool(_count_nonzero(a) > 0)
