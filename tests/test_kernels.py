"""The fused kernels give the bits of their NumPy twins, on random inputs (hypothesis)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.mechanisms import _jit
from accord.mechanisms.proposals import candidates, candidates_numpy, draft_choice, draft_choice_numpy
from accord.mechanisms.ratification import ratification_argument
from accord.mechanisms.rules import Consensus, Majority
from accord.mechanisms.utility import committed_utility, committed_utility_numpy, utility, utility_numpy

SETTINGS = settings(max_examples=60, deadline=None)

shapes = st.tuples(
    st.integers(1, 6),  # D
    st.integers(1, 20),  # K (both layouts of the utilities kernel: below and from _jit.FEW_TEXTS)
    st.integers(1, 12),  # A
    st.integers(1, 19),  # I
)


def _arrays(seed: int, D: int, K: int, A: int, I: int):  # type: ignore[no-untyped-def]  # noqa: E741
    rng = np.random.default_rng(seed)
    pts = np.round(rng.random((D, K, I)) * 100, rng.integers(0, 3))  # some ties with positions
    sq = np.round(rng.random((D, I)) * 100, 1)
    pos = np.round(rng.random((D, A, I)) * 100, 1)
    sal = rng.random((D, A, I)) * (rng.random((D, A, I)) < 0.8)  # some issues without salience
    sal[:, rng.integers(0, A)] = 0.0  # an actor with no salience anywhere
    cred = rng.random(D)
    return rng, pts, sq, pos, sal, cred


@SETTINGS
@given(shapes, st.integers(0, 2**32 - 1))
def test_committed_utility_is_its_numpy_twin_bit_for_bit(shape, seed) -> None:  # type: ignore[no-untyped-def]
    D, K, A, _ = shape
    rng, pts, sq, pos, sal, cred = _arrays(seed, *shape)
    assert np.array_equal(
        committed_utility(pts, pts, sq, pos, sal, cred), committed_utility_numpy(pts, pts, sq, pos, sal, cred)
    )
    # ranged outcomes (principles texts): lo < hi on some issues
    hi = pts + rng.random(pts.shape) * 20 * (rng.random(pts.shape) < 0.5)
    assert np.array_equal(
        committed_utility(pts, hi, sq, pos, sal, cred), committed_utility_numpy(pts, hi, sq, pos, sal, cred)
    )
    assert np.array_equal(utility(pts, hi, pos, sal), utility_numpy(pts, hi, pos, sal))
    assert np.array_equal(utility(pts, pts, pos, sal), utility_numpy(pts, pts, pos, sal))
    # a subset of actors, in columns or in given slots of a larger output
    who = np.flatnonzero(rng.random(A) < 0.5)
    sub = committed_utility(pts, pts, sq, pos, sal, cred, actors=who)
    assert np.array_equal(sub, committed_utility_numpy(pts, pts, sq, pos, sal, cred)[:, :, who])
    out = np.full((D, K, A + 1), -7.0)
    committed_utility(pts, pts, sq, pos, sal, cred, actors=who, out=out, slots=who + 1)
    assert np.array_equal(out[:, :, who + 1], sub)


@SETTINGS
@given(st.integers(1, 400), st.integers(0, 2**32 - 1))
def test_pairwise_sum_is_numpys_sum(n, seed) -> None:  # type: ignore[no-untyped-def]
    x = np.random.default_rng(seed).standard_normal((3, n)) * 10.0 ** np.arange(-3, 0)[:, None]
    for row in x:
        assert _jit.pairwise_sum(row, n) == row.sum()


@SETTINGS
@given(st.integers(1, 300), st.integers(1, 20), st.integers(0, 2**32 - 1))
def test_pairwise_sums_of_columns_are_numpys_sums(n, K, seed) -> None:  # type: ignore[no-untyped-def]
    # the drafter's mean party gain, every candidate at once (below, at and above 8 and 128 terms)
    rng = np.random.default_rng(seed)
    T = rng.standard_normal((n, K)) * 10.0 ** rng.integers(-3, 3, size=(n, 1)) * (rng.random((n, 1)) < 0.7)
    out = np.empty(K)
    _jit._pairwise_columns(T, n, out)
    want = np.add.reduce(np.ascontiguousarray(T.T), axis=-1)  # each column contiguous, as the kernel sums it
    assert np.array_equal(out.view(np.uint64), want.view(np.uint64))


@SETTINGS
@given(st.integers(1, 5), st.integers(1, 12), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_ratification_arguments_are_their_numpy_twin_bit_for_bit(D, K, A, seed) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    u = 0.5 + 0.3 * rng.random((D, K, A + 1))
    u[rng.random(u.shape) < 0.1] = np.nan
    u[rng.random(u.shape) < 0.05] = np.inf * rng.choice([-1.0, 1.0])
    r_hat = 0.5 + 0.3 * rng.random((D, A))
    noise = rng.choice([0.0, 1e-12, 1e-9, 0.01, 0.1, np.nan], size=D)  # below, at and above the floor; clipped
    rat = np.flatnonzero(rng.random(A) < 0.6)
    ucol = rng.permutation(A + 1)[:A].astype(np.int64)  # actor a's utilities in column ucol[a]
    got = _jit.ratification_arguments(u, ucol, r_hat, rat, noise, np.empty((D, K, rat.size)))
    want = ratification_argument(u[:, :, ucol[rat]], r_hat[:, None, rat], noise[:, None, None])
    assert np.array_equal(got, want, equal_nan=True)
    assert np.array_equal(np.isnan(got), np.isnan(want))
    finite = ~np.isnan(want)
    assert np.array_equal(got[finite].view(np.uint64), want[finite].view(np.uint64))


@SETTINGS
@given(st.integers(1, 40), st.integers(0, 2**32 - 1))
def test_einsum_sum_is_numpys_einsum(n, seed) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    d, s = rng.random((4, 3, 2, n)) * 100, rng.random((4, 2, n))
    e = np.einsum("dkai,dai->dka", d, s)
    for idx in np.ndindex(4, 3, 2):
        assert _jit.einsum_sum(d[idx] * s[idx[0], idx[2]], n) == e[idx]


@SETTINGS
@given(
    st.integers(1, 5),
    st.integers(1, 30),
    st.integers(2, 10),
    st.booleans(),
    st.booleans(),
    st.integers(0, 2**32 - 1),
)
def test_draft_choice_is_its_numpy_twin_bit_for_bit(D, K, A, majority, joint, seed) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    parties = rng.random(A) < 0.4
    parties[0] = True
    seated = rng.random(A) < 0.8
    seated[0] = True
    voters = seated & (rng.random(A) < 0.7)
    sponsors = tuple(int(m) for m in np.flatnonzero(seated & (rng.random(A) < 0.5))) or (0,)
    rule = (
        Majority(voters, int(rng.integers(0, 5)), float(rng.choice([0.5, 2 / 3])))
        if majority
        else Consensus(voters, int(rng.integers(0, 3)))
    )
    parties_at = parties & seated
    need = voters | parties_at
    need[list(sponsors)] = True
    cols = np.flatnonzero(need)
    # utilities near one another, so that candidates tie and scores cross zero
    u_lead = np.round(0.5 + 0.3 * rng.random((D, K, cols.size)), int(rng.integers(1, 4)))
    u_piv = np.round(0.5 + 0.3 * rng.random((D, K, cols.size)), 2)
    if rng.random() < 0.3:
        u_lead[:, 1:] = u_lead[:, :1]  # every candidate the same: argmax keeps the first
    kw = {
        "rule": dataclasses.replace(rule, voters=voters),
        "needs_ratification": parties,
        "reservation_hat": 0.5 + 0.3 * rng.random((D, A)),
        "pivot_reservation_hat": 0.5 + 0.3 * rng.random((D, A)),
        "audience_cost": 0.1 * rng.random((D, A)),
        "margin": 0.02 * rng.random(D),
        "noise": 0.01 + 0.1 * rng.random(D),
        "leverage": 0.05 * rng.random((D, A)) * parties,
        "u_status_quo": 0.5 + 0.3 * rng.random((D, A)),
        "parties_at": parties_at,
        "sponsors": sponsors,
        "weights": rng.random((D, len(sponsors))) * 10 if joint else np.ones((D, len(sponsors))),
        "bias": rng.random(D),
    }
    best, top = draft_choice(u_lead, u_piv, cols, **kw)
    best_np, top_np = draft_choice_numpy(u_lead, u_piv, cols, **kw)
    assert np.array_equal(best, best_np)
    assert np.array_equal(top, top_np)


@SETTINGS
@given(st.integers(1, 5), st.integers(1, 12), st.integers(1, 9), st.integers(0, 2**32 - 1))
def test_candidates_are_their_numpy_twin_bit_for_bit(D, A, I, seed) -> None:  # type: ignore[no-untyped-def]  # noqa: E741
    rng = np.random.default_rng(seed)
    sq = np.round(rng.random((D, I)) * 100, 1)
    pos = np.round(rng.random((D, A, I)) * 100, 1)
    sal = rng.random((D, A, I)) * (rng.random((D, A, I)) < 0.7)  # some issues where no member has weight
    cap = rng.random((D, A)) * (rng.random((D, A)) < 0.9)
    members = rng.random(A) < 0.6
    members[int(rng.integers(0, A))] = True
    fused, twin = candidates(sq, cap, pos, sal, members), candidates_numpy(sq, cap, pos, sal, members)
    assert np.array_equal(fused.points, twin.points)
    assert np.array_equal(fused.partial, twin.partial)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.integers(0, 2**32 + 5), st.integers(0, 2**200)),
    st.lists(st.one_of(st.integers(0, 40), st.integers(0, 2**64 - 1), st.integers(0, 2**100)), max_size=6),
)
def test_seed_state_is_numpys_seed_sequence(entropy, key) -> None:  # type: ignore[no-untyped-def]
    from accord.simulation._seeding import pcg64_generator, seed_state

    spawn_key = tuple(key)
    ss = np.random.SeedSequence(entropy, spawn_key=spawn_key)
    assert np.array_equal(seed_state(entropy, spawn_key), ss.generate_state(4, np.uint64))
    ours, numpys = pcg64_generator(entropy, spawn_key), np.random.default_rng(ss)
    assert np.array_equal(ours.random(7), numpys.random(7))
    assert np.array_equal(ours.standard_normal(3), numpys.standard_normal(3))


@settings(max_examples=100, deadline=None)
@given(
    st.integers(0, 2**70),
    st.lists(st.lists(st.one_of(st.integers(0, 40), st.integers(0, 2**64 - 1)), max_size=5), max_size=8),
)
def test_many_seed_states_at_once_are_numpys(entropy, keys) -> None:  # type: ignore[no-untyped-def]
    from accord.simulation._seeding import pcg64_generators

    ours = pcg64_generators(entropy, [tuple(k) for k in keys])
    assert len(ours) == len(keys)
    for g, k in zip(ours, keys, strict=True):
        assert np.array_equal(
            g.random(5), np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=k)).random(5)
        )


def test_seeding_falls_back_to_numpy_outside_plain_integers() -> None:
    from accord.simulation._seeding import pcg64_generator

    same = np.random.default_rng(np.random.SeedSequence(np.int64(5), spawn_key=(np.int64(2), 1)))
    assert np.array_equal(pcg64_generator(np.int64(5), (np.int64(2), 1)).random(4), same.random(4))
    with pytest.raises(ValueError):
        pcg64_generator(-1, (0,))
