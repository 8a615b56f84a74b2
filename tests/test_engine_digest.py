"""The engine's numbers are pinned: a digest of minsk-group batches' outcomes, bit for bit.

The digests were computed at main commit 36397d5 (engine v2, before the performance work of
issue 15) and must not change where the model does not: a faster kernel has to give the same
numbers for the same seed. A deliberate change of the model updates a digest here and says why
in the commit message.

Re-pinned once: the imposed-history digests (minsk-group imposed, the two replay logs and the
sweep chunk) at main d0ff74d, where an imposed flare-up stopped carrying on as fighting into the
next step (a model change); computed identically on main before and after merging the
performance branch. Re-pinned again, all of them, at the merge of the fitted hazards (branch
hazardwire, issue 12): the engine's hazards of fighting became the panel's fitted logits, a
change of the model; the trajectory's dict entries (the hazards' covariates) are hashed entry by
entry, since an object array's bytes are addresses.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from accord.scenario import load_scenario
from accord.simulation import BatchResult, replay, run_batch
from accord.simulation.results import _PER_DRAW


def batch_digest(b: BatchResult) -> str:
    """sha256 of every per-draw array (bytes, dtype and shape), the inputs and draw 0's trajectory."""
    h = hashlib.sha256()

    def add(name: str, a: np.ndarray) -> None:
        a = np.ascontiguousarray(a)
        h.update(f"{name}:{a.dtype.str}:{a.shape}".encode())
        h.update(a.tobytes())

    for name in _PER_DRAW:
        add(name, getattr(b, name))
    for name in sorted(b.inputs):
        add(f"in.{name}", b.inputs[name])

    def add_value(name: str, v: object) -> None:
        if isinstance(v, dict):  # e.g. the hazards' covariates by name: each on its own
            for key in sorted(v):
                add_value(f"{name}.{key}", v[key])
        elif isinstance(v, list):
            add(name, np.array(v, dtype=str))
        else:
            add(name, np.asarray(v))

    for name in sorted(b.trajectory):
        add_value(f"trajectory.{name}", b.trajectory[name])
    h.update(repr((b.actor_ids, b.issue_ids, b.proposal_ids, b.format_ids, b.history)).encode())
    return h.hexdigest()


# (format, history, draws, seed) -> digest at the merge of the fitted hazards (see above)
PINNED = {
    ("minsk-group", "imposed", 48, 11): "86e96d30f13ab301672f8b13f38c409266c70dd1bebfe63369608c33fe19de48",
    ("minsk-group", "counterfactual", 48, 3): "1a8a3591e30e8147184122c37f286d0422cd592cc3e1bd0521ad31c0256ff599",
    ("bilateral", "counterfactual", 16, 5): "171c77939998740f652a05b51b89021d31139c6efb10b3ab17e66a54cfcbd4e4",
    ("inclusive", "counterfactual", 16, 5): "d31ff97b460fba79b220c4ae12775fa96ace49c5e6479a0cba244911248d85d7",
    ("majority", "counterfactual", 16, 5): "847c9dab6551f779d6958970592ec9bb0fdfc730e68f2c1560f2c8b1a71297ab",
    ("single-mediator", "from 1997", 16, 5): "afb84d20a281903aea9751ecf63493465ca807b895e2ea4a6b571657138f0186",
}
REPLAY_PINNED = {
    ("minsk-group", 0): "fa1a2e4e5c767fcd0be079c35efe707cd1361976920f111d5fcf411d9b3e322e",
    ("minsk-group", 4): "35b11cf7af63be6440d1117b8a2a97625a5fff6bb3612d7284c57ada53c0fd1a",
}


@pytest.fixture(scope="module")
def minsk():  # type: ignore[no-untyped-def]
    return load_scenario("minsk-group")


@pytest.mark.parametrize(("fmt", "history", "draws", "seed"), list(PINNED))
def test_batch_outcomes_are_bit_identical_to_the_pinned_engine(minsk, fmt, history, draws, seed) -> None:  # type: ignore[no-untyped-def]
    b = run_batch(minsk, format=fmt, draws=draws, seed=seed, history=history)
    assert batch_digest(b) == PINNED[(fmt, history, draws, seed)]


@pytest.mark.parametrize(("fmt", "seed"), list(REPLAY_PINNED))
def test_replay_log_is_byte_identical_to_the_pinned_engine(minsk, fmt, seed) -> None:  # type: ignore[no-untyped-def]
    r = replay(minsk, format=fmt, seed=seed)
    assert hashlib.sha256(r.to_json().encode()).hexdigest() == REPLAY_PINNED[(fmt, seed)]


def test_a_full_sweep_chunk_is_bit_identical_to_the_pinned_engine(minsk) -> None:  # type: ignore[no-untyped-def]
    # one chunk of `accord sweep minsk-group` (1000 draws, a batch index other than 0): near-ties
    # between candidate texts that a reordered sum could flip show up at this size
    b = run_batch(minsk, draws=1000, seed=2, batch_index=3)
    assert batch_digest(b) == "f91d2a17c04473a467a7a6d6ca3c4ebb23eba1b8435d4197632a0676f06477cb"
