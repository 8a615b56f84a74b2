"""Actors' utility of outcomes: one minus the salience-weighted mean distance from their position.

``u_a(x) = 1 - Σ_i s_ai E|X_i - p_ai| / (100 Σ_i s_ai)`` where an outcome term may be a point or
a range ``[lo, hi]`` (a *principles* proposal leaves the final value open in it; the expectation
is over a uniform value in the range). Linear loss in distance is the spatial-model convention of
the compromise and expected-utility models (Thomson et al. 2006; Bueno de Mesquita 1994).
"""

from __future__ import annotations

import numpy as np

from accord._small import any_nonzero

__all__ = [
    "committed_utility",
    "committed_utility_numpy",
    "expected_distance",
    "utility",
    "utility_numpy",
    "weighted_distance",
]


def expected_distance(lo: np.ndarray, hi: np.ndarray, p: np.ndarray) -> np.ndarray:
    """``E|X - p|`` for ``X`` uniform on ``[lo, hi]`` (``|lo - p|`` when ``lo == hi``); broadcasts."""
    lo, hi, p = np.broadcast_arrays(lo, hi, p)
    width = hi - lo
    mid = (lo + hi) / 2.0
    with np.errstate(invalid="ignore", divide="ignore"):
        inside = ((p - lo) ** 2 + (hi - p) ** 2) / (2.0 * width)
    out = np.abs(mid - p)
    return np.asarray(np.where((p > lo) & (p < hi) & (width > 0), inside, out))


def weighted_distance(lo: np.ndarray, hi: np.ndarray, position: np.ndarray, salience: np.ndarray) -> np.ndarray:
    """Salience-weighted mean expected distance in points.

    Parameters
    ----------
    lo, hi: outcomes ``(D, K, I)`` (K candidate outcomes; ``lo == hi`` for points).
    position, salience: ``(D, A, I)``.

    Returns
    -------
    ``(D, K, A)``; 0 for an actor with no salience anywhere.
    """
    if hi is lo or not (hi > lo).any():
        # points (the common case): plain |x - p|, contracted over issues without a 4-d temporary
        d = np.abs(lo[:, :, None, :] - position[:, None, :, :])
    else:
        d = expected_distance(lo[:, :, None, :], hi[:, :, None, :], position[:, None, :, :])
    total = salience.sum(axis=-1)  # (D, A)
    weighted = np.einsum("dkai,dai->dka", d, salience)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = weighted / total[:, None, :]
    return np.where(total[:, None, :] > 0, out, 0.0)


def utility_numpy(lo: np.ndarray, hi: np.ndarray, position: np.ndarray, salience: np.ndarray) -> np.ndarray:
    """``(D, K, A)`` utility in [0, 1] of ``K`` outcomes ``(D, K, I)`` for every actor (the NumPy
    twin of :func:`utility`)."""
    return 1.0 - weighted_distance(lo, hi, position, salience) / 100.0


def committed_utility_numpy(
    lo: np.ndarray,
    hi: np.ndarray,
    status_quo: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    credibility: np.ndarray,
) -> np.ndarray:
    """``(D, K, A)`` utility of ``K`` texts ``(D, K, I)`` when the other side may not carry out
    what it concedes: the commitment problem of settlements (Fearon 1995; Walter 2002,
    *Committing to Peace*).

    On an issue where the text moves the outcome toward the actor (a gain), the move happens only
    with probability ``credibility (D,)`` (otherwise the status quo stays); where it moves the
    outcome away (its own concession) it happens for sure. So the expected distance on an issue is
    ``max(d_x, c d_x + (1 − c) d_sq)`` with ``d_x`` the text's (expected) distance and ``d_sq``
    the status quo's. With ``credibility`` 1 this is :func:`utility`. (The NumPy twin of
    :func:`committed_utility`.)"""
    x_lo, x_hi, p = lo[:, :, None, :], hi[:, :, None, :], position[:, None, :, :]
    d_x = expected_distance(x_lo, x_hi, p) if (hi is not lo and (hi > lo).any()) else np.abs(x_lo - p)
    d_sq = np.abs(status_quo[:, None, None, :] - p)
    c = credibility[:, None, None, None]
    d = np.maximum(d_x, c * d_x + (1.0 - c) * d_sq)
    total = salience.sum(axis=-1)  # (D, A)
    weighted = np.einsum("dkai,dai->dka", d, salience)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(total[:, None, :] > 0, weighted / total[:, None, :], 0.0)
    return np.asarray(1.0 - out / 100.0)


def _ranged(lo: np.ndarray, hi: np.ndarray) -> bool:
    return hi is not lo and any_nonzero(hi > lo)


_COUNTING: dict[int, np.ndarray] = {}
_ONES: dict[int, np.ndarray] = {}


def _counting(n: int) -> np.ndarray:
    """``np.arange(n)``, made once per size: only the kernel reads it (left writeable, as a
    read-only array would be another type to numba, compiled again)."""
    a = _COUNTING.get(n)
    if a is None:
        a = _COUNTING[n] = np.arange(n)
    return a


def _ones(n: int) -> np.ndarray:
    """``np.ones(n)``, made once per size (as :func:`_counting`)."""
    a = _ONES.get(n)
    if a is None:
        a = _ONES[n] = np.ones(n)
    return a


def _fused(
    lo: np.ndarray,
    hi: np.ndarray,
    status_quo: np.ndarray | None,
    position: np.ndarray,
    salience: np.ndarray,
    credibility: np.ndarray | None,
    actors: np.ndarray | None,
    out: np.ndarray | None,
    slots: np.ndarray | None,
) -> np.ndarray:
    from accord.mechanisms import _jit  # numba loads on first use, not when the package is imported

    D, K, _ = lo.shape
    who = _counting(position.shape[1]) if actors is None else np.asarray(actors, dtype=np.int64)
    where = _counting(who.size) if slots is None else np.asarray(slots, dtype=np.int64)
    if out is None:
        out = np.zeros((D, K, who.size))
    committed = credibility is not None
    _jit.utilities(
        np.ascontiguousarray(lo, dtype=float),
        np.ascontiguousarray(hi, dtype=float),
        _ranged(lo, hi),
        committed,
        np.ascontiguousarray(status_quo if status_quo is not None else lo[:, 0], dtype=float),
        np.ascontiguousarray(position, dtype=float),
        np.ascontiguousarray(salience, dtype=float),
        np.ascontiguousarray(credibility, dtype=float) if committed else _ones(D),
        who,
        where,
        out,
    )
    return out


def utility(
    lo: np.ndarray,
    hi: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    *,
    actors: np.ndarray | None = None,
) -> np.ndarray:
    """``(D, K, A)`` utility in [0, 1] of ``K`` outcomes ``(D, K, I)`` for every actor, or
    ``(D, K, len(actors))`` for the actors listed (a fused kernel; bit for bit
    :func:`utility_numpy`)."""
    return _fused(lo, hi, None, position, salience, None, actors, None, None)


def committed_utility(
    lo: np.ndarray,
    hi: np.ndarray,
    status_quo: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    credibility: np.ndarray,
    *,
    actors: np.ndarray | None = None,
    out: np.ndarray | None = None,
    slots: np.ndarray | None = None,
) -> np.ndarray:
    """``(D, K, A)`` utility of ``K`` texts when the other side may not carry out what it
    concedes (see :func:`committed_utility_numpy`, whose numbers this fused kernel gives bit for
    bit without its ``(D, K, A, I)`` temporaries).

    ``actors``: compute only these actors (columns ``0..len(actors)-1`` of the result, or
    ``slots`` of ``out`` when given)."""
    return _fused(lo, hi, status_quo, position, salience, credibility, actors, out, slots)
