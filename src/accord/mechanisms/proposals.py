"""Proposals: the scenario's dated plans compiled to arrays, and the proposals mediators and
parties generate.

Kinds (the 1997-2009 Minsk Group plans, seed 001):

* ``package`` - every issue settled at once;
* ``phased`` (step-by-step) - some issues now, the ``deferred`` ones at a date or a trigger;
* ``common-state`` - a fixed point on status (valued like a package);
* ``principles`` - ranges plus a deferred binding decision: an issue with a ``range`` is settled
  later, uniformly within the range.

Deferred terms are only as good as the promise to implement them (the commitment problem:
Fearon 1995; Walter 2002), so a party values a deal with deferred terms as
``cred · u(full deal) + (1 - cred) · u(immediate terms, deferred issues left at the status quo)``.

Generated proposals. A proposer drafts from a candidate set (points between the parties'
compromise and each table member's position, and between the compromise and the status quo):

* a **mediator** picks the candidate that maximises ``β·u_m(x) + (1-β)·min_a(u_a(x) - r̂_a)``
  among those it predicts the table accepts, where ``β`` is its bias and ``r̂`` its noisy estimate
  of the parties' reservation values; if none, it tables its biased compromise
  ``(1-β)·c + β·p_m`` (Kydd 2003, 'Which side are you on? Bias, credibility, and mediation',
  AJPS 47(4): a mediator's own interests shape what it proposes);
* a **party** picks the predicted-acceptable candidate best for itself;
* a mediator may also table the **Nash bargaining point** of the voting parties (Nash 1950,
  'The bargaining problem', Econometrica 18(2)): the candidate maximising ``Σ log(u_a - r̂_a)``
  over those where every voting party gains. This is a small vectorized Nash computation over a
  finite candidate set, kept here so the mechanisms do not depend on ``accord.models.nash``.

The compromise point is :func:`accord.models.compromise.compromise_position` (Thomson et al. 2006).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.mechanisms.utility import utility, weighted_distance
from accord.models.compromise import compromise_position

__all__ = ["GRID", "CompiledProposal", "candidates", "choose_draft", "nash_choice", "value_of"]

GRID = np.linspace(0.0, 1.0, 11)
"""Steps along each segment of the candidate set."""


@dataclass(frozen=True)
class CompiledProposal:
    """One proposal as arrays. ``point``, ``lo``, ``hi``: ``(D, I)``, NaN where the proposal says
    nothing (the status quo stays); ``deferred``: ``(I,)`` bool; ``until``: decimal year or NaN
    (then ``deferral_years`` after the agreement); ``sponsors``: actor indices."""

    id: str
    label: str
    kind: str
    time: float
    sponsors: tuple[int, ...]
    point: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    deferred: np.ndarray
    until: float
    peacekeeping: bool

    def outcome(self, status_quo: np.ndarray, point: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(lo, hi)`` of the full deal, ``(D, I)``: terms where given, the status quo elsewhere."""
        p = self.point if point is None else point
        lo = np.where(np.isnan(self.lo), np.where(np.isnan(p), status_quo, p), self.lo)
        hi = np.where(np.isnan(self.hi), np.where(np.isnan(p), status_quo, p), self.hi)
        return lo, hi


def value_of(
    prop: CompiledProposal,
    status_quo: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    credibility: np.ndarray,
    point: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every actor's value of a proposal and the deal's distance from its position.

    Returns ``value (D, A)``, ``distance (D, A)`` in points, ``lo, hi (D, I)`` of the full deal.
    ``credibility`` ``(D,)`` is the probability deferred terms are implemented.
    """
    lo, hi = prop.outcome(status_quo, point)
    full = utility(lo[:, None], hi[:, None], position, salience)[:, 0]
    dist = weighted_distance(lo[:, None], hi[:, None], position, salience)[:, 0]
    if not prop.deferred.any():
        return full, dist, lo, hi
    plo = np.where(prop.deferred[None, :], status_quo, lo)
    phi = np.where(prop.deferred[None, :], status_quo, hi)
    partial = utility(plo[:, None], phi[:, None], position, salience)[:, 0]
    c = credibility[:, None]
    return c * full + (1.0 - c) * partial, dist, lo, hi


def candidates(
    status_quo: np.ndarray,
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    members: np.ndarray,
) -> np.ndarray:
    """Candidate outcomes ``(D, K, I)``: along the segments from the members' compromise point to
    each member's position and to the status quo (``GRID`` steps each).

    ``members`` ``(A,)`` bool: whose positions span the set (the table).
    """
    idx = np.flatnonzero(members)
    c = compromise_position(capability[:, idx], position[:, idx], salience[:, idx])
    c = np.where(np.isnan(c), status_quo, c)
    ends = np.concatenate([position[:, idx], status_quo[:, None, :]], axis=1)  # (D, E, I)
    seg = c[:, None, None, :] + GRID[None, None, :, None] * (ends[:, :, None, :] - c[:, None, None, :])
    d, e, g, i = seg.shape
    return np.asarray(seg.reshape(d, e * g, i))


def _predicted_pass(
    gain: np.ndarray, within: np.ndarray, voters: np.ndarray, kind: str, threshold: float, margin: np.ndarray
) -> np.ndarray:
    ok = (gain >= margin[:, None, None]) & within  # (D, K, A)
    if kind == "majority":
        share = (ok & voters).sum(axis=-1) / max(int(voters.sum()), 1)
        return np.asarray(share >= threshold - 1e-12)
    return np.asarray((ok | ~voters).all(axis=-1))


def choose_draft(
    cand: np.ndarray,
    u_cand: np.ndarray,
    dist_cand: np.ndarray,
    reservation_hat: np.ndarray,
    winset: np.ndarray,
    *,
    proposer: int,
    proposer_is_party: bool,
    voters: np.ndarray,
    parties: np.ndarray,
    kind: str,
    threshold: float,
    margin: np.ndarray,
    bias: np.ndarray,
    leverage: np.ndarray,
    fallback: np.ndarray,
) -> np.ndarray:
    """The draft ``(D, I)`` of one proposer (see the module docstring).

    ``u_cand``, ``dist_cand``: ``(D, K, A)``; ``reservation_hat``, ``winset``: ``(D, A)``;
    ``voters``, ``parties``: ``(A,)`` bool; ``margin``, ``bias``: ``(D,)``; ``leverage``: ``(D, A)``
    the inducement each actor expects from the proposer;
    ``fallback``: ``(D, I)`` drafted when no candidate is predicted to pass.
    """
    gain = u_cand + leverage[:, None, :] - reservation_hat[:, None, :]
    passes = _predicted_pass(gain, dist_cand <= winset[:, None, :], voters, kind, threshold, margin)
    own = u_cand[:, :, proposer]
    if proposer_is_party:
        objective = own
    else:
        weigh = parties & voters
        if not weigh.any():
            weigh = voters
        worst = np.where(weigh[None, None, :], gain, np.inf).min(axis=-1)
        objective = bias[:, None] * own + (1.0 - bias[:, None]) * worst
    score = np.where(passes, objective, -np.inf)
    best = np.argmax(score, axis=1)
    any_pass = np.asarray(passes.any(axis=1))
    chosen = np.take_along_axis(cand, best[:, None, None], axis=1)[:, 0]
    return np.where(any_pass[:, None], chosen, fallback)


def nash_choice(
    cand: np.ndarray,
    u_cand: np.ndarray,
    reservation_hat: np.ndarray,
    bargainers: np.ndarray,
    weights: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Nash bargaining point over a finite candidate set (Nash 1950), vectorized over draws.

    Maximises ``Σ_a w_a log(u_a(x) - r̂_a)`` over ``bargainers`` ``(A,)`` among candidates where
    every bargainer gains; ``weights`` ``(D, A)`` give the asymmetric form (default: equal, the
    symmetric solution the engine uses). Returns ``point (D, I)`` and ``exists (D,)`` (False: no
    candidate gives every bargainer more than its reservation value - the bargaining range is empty).
    """
    surplus = u_cand[:, :, bargainers] - reservation_hat[:, None, bargainers]
    w = np.ones((u_cand.shape[0], int(bargainers.sum()))) if weights is None else weights[:, bargainers]
    feasible = (surplus > 0).all(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(np.where(surplus > 0, surplus, 1.0)) * w[:, None, :]
        score = np.where(feasible, logs.sum(axis=-1), -np.inf)
    best = np.argmax(score, axis=1)
    point = np.take_along_axis(cand, best[:, None, None], axis=1)[:, 0]
    return point, feasible.any(axis=1)
