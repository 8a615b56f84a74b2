"""Random streams keyed by stable names: common random numbers that survive changes.

Each use of randomness in the process (a step's war onset, a table's leak, a text's
ratification) draws from its own generator, ``SeedSequence(entropy, spawn_key = base + (key,
step))`` where ``key`` is derived from the sha256 of a name. So the uniforms that decide whether
war breaks out in 2016 are the same under every format and whatever texts were tabled before:
a comparison of formats isolates the formats (Law, *Simulation Modeling and Analysis*, 2015,
§11.2 on common random numbers), and an edit that adds a proposal does not reshuffle the wars.
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["Streams", "stable_key"]


def stable_key(name: str) -> int:
    """A 32-bit integer from ``name`` that is the same on every machine and Python run."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big")


class Streams:
    """Named generators derived from one ``SeedSequence``."""

    def __init__(self, seed_sequence: np.random.SeedSequence) -> None:
        self._entropy = seed_sequence.entropy
        self._base = tuple(seed_sequence.spawn_key)

    def rng(self, name: str, step: int) -> np.random.Generator:
        ss = np.random.SeedSequence(self._entropy, spawn_key=(*self._base, stable_key(name), step))
        return np.random.default_rng(ss)
