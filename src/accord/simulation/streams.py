"""The random streams of a batch: one per uncertain input, keyed by its name, and one for the process.

Batch ``k`` of a run with root ``seed`` draws

- input ``NAME`` (a dotted name of :mod:`accord.simulation.inputs`) from
  ``SeedSequence(seed, spawn_key=(k, 0, stable_int(NAME)))``;
- everything the process itself draws (war onsets, incidents, leaks, answers) from
  ``SeedSequence(seed, spawn_key=(k, 1))``.

So an input's draws depend on the seed, the batch and its own name only: fixing, changing,
adding or removing *another* input leaves them bit-identical, which is what makes a what-if
(one edited input, same seed) a paired comparison on common random numbers rather than an edit
mixed with resampling noise. The process stream does not depend on how many inputs a scenario
has, and neither depends on the format, so every format sees the same draws (Law, *Simulation
Modeling and Analysis*, 5th ed., 2015, §11.2 on common random numbers).

``stable_int`` comes from SHA-256 of the name, never from Python's ``hash()``, which is salted
per process (``PYTHONHASHSEED``) and would give other numbers in every worker.
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["input_stream", "process_stream", "stable_int"]


def stable_int(name: str) -> int:
    """A 64-bit integer that names ``name`` the same way on every machine and in every process."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big")


def input_stream(seed: int, batch_index: int, name: str) -> np.random.Generator:
    """The generator of uncertain input ``name`` in batch ``batch_index``."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(batch_index, 0, stable_int(name))))


def process_stream(seed: int, batch_index: int) -> np.random.Generator:
    """The generator of the process in batch ``batch_index``."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(batch_index, 1)))
