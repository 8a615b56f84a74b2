"""The random streams of a batch: one per uncertain input and one per use of randomness in the
process, each keyed by a stable name.

Batch ``k`` of a run with root ``seed`` draws

- input ``NAME`` (a dotted name of :mod:`accord.simulation.inputs`) from
  ``SeedSequence(seed, spawn_key=(k, 0, stable_int(NAME)))``;
- each use of randomness in the process (a step's war onset, a table's leak, a text's
  ratification: :meth:`Streams.rng`) from ``SeedSequence(seed, spawn_key=(k, 1, stable_int(USE),
  step))``.

So an input's draws depend on the seed, the batch and its own name only: fixing, changing,
adding or removing *another* input leaves them bit-identical, which is what makes a what-if
(one edited input, same seed) a paired comparison on common random numbers rather than an edit
mixed with resampling noise. Likewise the uniforms that decide whether war breaks out in 2016
are the same under every format and whatever texts were tabled before: a comparison of formats
isolates the formats (Law, *Simulation Modeling and Analysis*, 5th ed., 2015, §11.2 on common
random numbers).

Each generator is ``default_rng(SeedSequence(seed, spawn_key=…))`` bit for bit; the seed
sequence's state is computed by :mod:`accord.simulation._seeding` (NumPy's algorithm in a numba
kernel: a few µs a stream instead of ~25).

``stable_int`` comes from SHA-256 of the name, never from Python's ``hash()``, which is salted
per process (``PYTHONHASHSEED``) and would give other numbers in every worker.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import numpy as np

from accord.simulation._seeding import _plain, generator_of, pcg64_generator, pcg64_generators, seed_states_last

__all__ = ["Streams", "input_states", "input_stream", "input_streams", "stable_int"]


@lru_cache(maxsize=65536)
def stable_int(name: str) -> int:
    """A 64-bit integer that names ``name`` the same way on every machine and in every process."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big")


def input_stream(seed: int, batch_index: int, name: str) -> np.random.Generator:
    """The generator of uncertain input ``name`` in batch ``batch_index``."""
    return pcg64_generator(seed, (batch_index, 0, stable_int(name)))


def input_streams(seed: int, batch_index: int, names: list[str]) -> list[np.random.Generator]:
    """:func:`input_stream` of each of ``names`` (their seed states computed in one call)."""
    if not _plain(seed, (batch_index,)):
        return pcg64_generators(seed, [(batch_index, 0, stable_int(n)) for n in names])
    return [generator_of(row) for row in seed_states_last(seed, (batch_index, 0), [stable_int(n) for n in names])]


def input_states(seed: int, batch_index: int, names: list[str]) -> np.ndarray | None:
    """The seed states ``(len(names), 4)`` of :func:`input_streams` (what their PCG64s are seeded
    with; :func:`accord.simulation._seeding.generator_of` builds one); None for a seed or batch
    that is not a non-negative integer (NumPy's own seed sequence then decides, and complains)."""
    if not _plain(seed, (batch_index,)):
        return None
    return seed_states_last(seed, (batch_index, 0), [stable_int(n) for n in names])


class Streams:
    """The process's named generators in batch ``batch_index`` of root ``seed``."""

    def __init__(self, seed: int, batch_index: int) -> None:
        self.seed, self.batch_index = seed, batch_index
        self._plain = _plain(seed, (batch_index,))
        # each use's seed states for steps 0, 1, ...: computed for a block of steps in one kernel
        # call when the use is first asked for (a run asks for every step of most uses)
        self._states: dict[str, np.ndarray] = {}

    def rng(self, name: str, step: int) -> np.random.Generator:
        """The generator of one use of randomness, ``name``, at step ``step``."""
        if not (self._plain and type(step) is int and step >= 0):
            return pcg64_generator(self.seed, (self.batch_index, 1, stable_int(name), step))
        states = self._states.get(name)
        if states is None or step >= states.shape[0]:
            n = max(64, 2 * step + 1)
            states = self._states[name] = seed_states_last(
                self.seed, (self.batch_index, 1, stable_int(name)), np.arange(n, dtype=np.uint64)
            )
        return generator_of(states[step])
