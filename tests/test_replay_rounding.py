"""replay.rounded6 is Python's round(v, 6) element by element (NaN and inf as None), the bits
of the replay's JSON; checked on random doubles, on values at and next to a tie, and signed
zeros."""

from __future__ import annotations

import importlib
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

rounded6 = importlib.import_module("accord.simulation.replay").rounded6


def _want(a: np.ndarray) -> list[object]:
    return [None if not math.isfinite(v) else round(v, 6) for v in np.asarray(a, dtype=float).ravel().tolist()]


def _flat(x: object) -> list[object]:
    if isinstance(x, list):
        return [y for v in x for y in _flat(v)]
    return [x]


def _same(got: list[object], want: list[object]) -> bool:
    # compared as repr: -0.0 and 0.0 differ, as they do in the JSON
    return [repr(v) for v in got] == [repr(v) for v in want]


@settings(max_examples=400, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=7), elements=st.floats(width=64)))
def test_any_doubles(a: np.ndarray) -> None:
    got = rounded6(a)
    assert _same(_flat(got), _want(a))
    assert np.asarray(got, dtype=object).shape == a.shape


@settings(max_examples=400, deadline=None)
@given(st.integers(-(10**12), 10**12), st.integers(-3, 3), st.sampled_from([1.0, -1.0]))
def test_ties_and_their_neighbours(k: int, ulps: int, sign: float) -> None:
    tie = sign * (k + 0.5) / 1e6
    v = tie
    for _ in range(abs(ulps)):
        v = math.nextafter(v, math.inf if ulps > 0 else -math.inf)
    a = np.array([v, tie, -v, v * 10, v / 10])
    assert _same(_flat(rounded6(a)), _want(a))


def test_trajectory_scale_values_signed_zero_and_specials() -> None:
    rng = np.random.default_rng(3)
    a = np.concatenate([rng.uniform(0, 100, 5000), rng.uniform(-1, 1, 5000), rng.uniform(0, 1e-5, 500)])
    assert _same(_flat(rounded6(a)), _want(a))
    special = np.array([0.0, -0.0, -1e-9, 1e-9, np.nan, np.inf, -np.inf, 2.0**60, -(2.0**60), 5e-7, -5e-7, 2.5e-6])
    assert _same(_flat(rounded6(special)), _want(special))
