"""NumPy functions without their Python wrappers, for the engine's small arrays.

A replay is one draw: its arrays hold a few numbers, and ``np.clip``'s Python layers
(``fromnumeric`` → ``ndarray.clip`` → ``_methods._clip``) cost three times the ufunc they end in;
``np.flatnonzero`` ravels a copy of what is already flat. These call what those functions call,
so the results are the same bits (``tests/test_small.py`` compares them).
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

__all__ = ["clip", "flatnonzero"]


def clip(a: Any, lo: float | np.ndarray, hi: float | np.ndarray) -> np.ndarray:
    """``np.clip(a, lo, hi)`` with both bounds given."""
    out: np.ndarray = _clip(a, lo, hi)
    return out


def flatnonzero(a: np.ndarray) -> np.ndarray:
    """``np.flatnonzero(a)`` of a 1-D array."""
    return a.nonzero()[0]
