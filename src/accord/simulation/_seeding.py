"""NumPy's ``SeedSequence(entropy, spawn_key).generate_state(4, uint64)`` - the state a ``PCG64``
is seeded with - with a numba kernel (:func:`accord.mechanisms._jit.seed_state_words`): the same words, without ``SeedSequence``'s Python-level cost
(~25 µs per stream; a single replay builds ~400 streams).

The algorithm is NumPy's (``numpy/random/bit_generator.pyx``: the entropy assembled as 32-bit
words, least significant first, the run's entropy padded to the pool size when a spawn key
follows; ``mix_entropy`` with ``hashmix`` and ``mix``; ``generate_state`` cycling over the pool),
itself after M. E. O'Neill's ``seed_seq_fe`` (2015). ``tests/test_kernels.py`` checks the words
against NumPy's on random seeds and keys (hypothesis).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.random.bit_generator import ISeedSequence

__all__ = ["SeededState", "generator_of", "pcg64_generator", "pcg64_generators", "seed_state", "seed_states_last"]

POOL_SIZE = 4
_jit: Any = None  # accord.mechanisms._jit, imported on first use
_MASK32 = 0xFFFFFFFF


def _words(n: int, out: list[int]) -> None:
    """``n``'s 32-bit words, least significant first (``[0]`` for 0), as NumPy coerces an int."""
    n = int(n)
    if n == 0:
        out.append(0)
    while n > 0:
        out.append(n & _MASK32)
        n >>= 32


def seed_state(entropy: int, spawn_key: tuple[int, ...]) -> np.ndarray:
    """``SeedSequence(entropy, spawn_key=spawn_key).generate_state(4, np.uint64)``, for a
    non-negative integer ``entropy`` and non-negative integers in ``spawn_key``."""
    global _jit
    if _jit is None:
        from accord.mechanisms import _jit as jit  # numba loads on first use

        _jit = jit
    out = np.empty(4, dtype=np.uint64)
    _jit.seed_state_words(np.array(_entropy_words(entropy, spawn_key), dtype=np.uint64), out)
    return out


def _plain(entropy: object, spawn_key: tuple[object, ...]) -> bool:
    """Whether NumPy would read ``entropy`` and ``spawn_key`` as the non-negative integers they are."""
    ok = isinstance(entropy, int | np.integer) and not isinstance(entropy, bool) and entropy >= 0
    return bool(ok and all(isinstance(k, int | np.integer) and k >= 0 for k in spawn_key))


def _entropy_words(entropy: int, spawn_key: tuple[int, ...]) -> list[int]:
    words: list[int] = []
    _words(entropy, words)
    if spawn_key and len(words) < POOL_SIZE:
        words += [0] * (POOL_SIZE - len(words))
    for k in spawn_key:
        _words(k, words)
    return words


def pcg64_generators(entropy: int, spawn_keys: list[tuple[int, ...]]) -> list[np.random.Generator]:
    """:func:`pcg64_generator` for many spawn keys of one entropy, with one kernel call."""
    global _jit
    if not all(_plain(entropy, k) for k in spawn_keys):
        return [pcg64_generator(entropy, k) for k in spawn_keys]
    if _jit is None:
        from accord.mechanisms import _jit as jit  # numba loads on first use

        _jit = jit
    rows = [_entropy_words(entropy, k) for k in spawn_keys]
    starts = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in rows], out=starts[1:])
    flat = np.array([w for r in rows for w in r], dtype=np.uint64)
    states = np.empty((len(rows), 4), dtype=np.uint64)
    _jit.seed_states_words(flat, starts, states)
    return [np.random.Generator(np.random.PCG64(SeededState(row))) for row in states]  # type: ignore[arg-type]


def seed_states_last(entropy: int, prefix: tuple[int, ...], last: list[int] | np.ndarray) -> np.ndarray:
    """``(n, 4)``: :func:`seed_state` of ``spawn_key = prefix + (x,)`` for each ``x`` of ``last``, in
    one kernel call with the entropy words built as arrays (the keys of a batch's inputs or of one
    use's steps share all but their last number). ``entropy`` and ``prefix`` must be non-negative
    integers (:func:`_plain`), ``last`` integers in ``[0, 2**64)``."""
    global _jit
    if _jit is None:
        from accord.mechanisms import _jit as jit  # numba loads on first use

        _jit = jit
    head: list[int] = []
    _words(entropy, head)
    head += [0] * (POOL_SIZE - len(head))  # the spawn key is never empty here
    for k in prefix:
        _words(k, head)
    x = np.asarray(last, dtype=np.uint64)  # raises on a negative number or one of 2**64 or more
    n, p = x.size, len(head)
    # each row: the shared words, then x's low word and its high word where it has one (as _words)
    rows = np.empty((n, p + 2), dtype=np.uint64)
    rows[:, :p] = head
    rows[:, p] = x & np.uint64(_MASK32)
    rows[:, p + 1] = high = x >> np.uint64(32)
    keep = np.ones((n, p + 2), dtype=bool)
    keep[:, p + 1] = high > 0
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(keep.sum(axis=1), out=starts[1:])
    states = np.empty((n, 4), dtype=np.uint64)
    _jit.seed_states_words(rows[keep], starts, states)
    return states


def generator_of(state: np.ndarray) -> np.random.Generator:
    """The generator a :func:`seed_state` row seeds (a PCG64, as ``default_rng``)."""
    # PCG64 takes any ISeedSequence (NumPy's documented interface); its stubs name SeedSequence only
    return np.random.Generator(np.random.PCG64(SeededState(state)))  # type: ignore[arg-type]


class SeededState(ISeedSequence):
    """A seed sequence whose state is already computed (:func:`seed_state`): what ``PCG64``
    reads from a ``SeedSequence``, handed over as is."""

    __slots__ = ("state",)

    def __init__(self, state: np.ndarray) -> None:
        self.state = state

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> np.ndarray:
        if n_words != 4 or np.dtype(dtype) != np.dtype(np.uint64):
            raise ValueError("SeededState holds the 4 uint64 words a PCG64 is seeded with, nothing else")
        return self.state


def pcg64_generator(entropy: int, spawn_key: tuple[int, ...]) -> np.random.Generator:
    """``np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=spawn_key))``, bit for bit."""
    if not _plain(entropy, spawn_key):
        # anything else (None, arrays, negative numbers): NumPy's own, with its own errors
        return np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=spawn_key))
    # PCG64 takes any ISeedSequence (NumPy's documented interface); its stubs name SeedSequence only
    return np.random.Generator(np.random.PCG64(SeededState(seed_state(entropy, spawn_key))))  # type: ignore[arg-type]
