"""accord._small calls what np.clip and np.flatnonzero end in: same values, same bits, same
broadcasting and NaN handling, for the small arrays the engine passes."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from accord._small import any_nonzero, clip, flatnonzero

values = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=1, max_dims=3, max_side=6),
    elements=st.floats(allow_nan=True, allow_infinity=True, width=64),
)


@settings(max_examples=300, deadline=None)
@given(values, st.floats(-10, 10), st.floats(-10, 10))
def test_clip_is_np_clip_bit_for_bit(a: np.ndarray, lo: float, hi: float) -> None:
    lo, hi = min(lo, hi), max(lo, hi)
    got, want = clip(a, lo, hi), np.clip(a, lo, hi)
    assert got.shape == want.shape and got.dtype == want.dtype
    assert got.tobytes() == want.tobytes()


@settings(max_examples=200, deadline=None)
@given(values)
def test_clip_with_array_bounds_broadcasts_like_np_clip(a: np.ndarray) -> None:
    lo = np.linspace(-1.0, 0.0, a.shape[-1])
    hi = lo + 1.0
    assert clip(a, lo, hi).tobytes() == np.clip(a, lo, hi).tobytes()


def test_clip_of_a_scalar_and_of_integers() -> None:
    assert clip(2.5, 0.0, 1.0) == 1.0
    ints = np.array([-3, 0, 7])
    assert clip(ints, 0, 5).tolist() == np.clip(ints, 0, 5).tolist() == [0, 0, 5]


@settings(max_examples=200, deadline=None)
@given(hnp.arrays(np.bool_, st.integers(0, 40)))
def test_flatnonzero_is_np_flatnonzero(a: np.ndarray) -> None:
    got, want = flatnonzero(a), np.flatnonzero(a)
    assert got.dtype == want.dtype and got.tolist() == want.tolist()


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        hnp.arrays(np.bool_, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5)),
        hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5)),
        hnp.arrays(np.int64, hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=5)),
    )
)
def test_any_nonzero_is_np_any(a: np.ndarray) -> None:
    got = any_nonzero(a)
    assert type(got) is bool
    assert got == bool(np.any(a))


def test_any_nonzero_counts_nan_and_negative_zero_as_any_does() -> None:
    assert any_nonzero(np.array([0.0, np.nan])) is True
    assert any_nonzero(np.array([-0.0, 0.0])) is False
    assert any_nonzero(np.zeros((3, 0), dtype=bool)) is False
    view = np.arange(12).reshape(3, 4)[:, ::2] == 8  # a strided view
    assert any_nonzero(view) is bool(view.any()) is True
