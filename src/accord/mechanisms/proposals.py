"""Texts put to a table: the scenario's dated proposals compiled to arrays, and the drafts that
mediators and parties generate.

Kinds of the 1997-2009 Minsk Group plans (seed 001) and the agreement each would be:

* ``package`` - every issue settled at once (comprehensive);
* ``phased`` (step-by-step) - some issues now, the ``deferred`` ones later (partial);
* ``common-state`` - a fixed point on status, valued like a package (comprehensive);
* ``principles`` - ranges plus a deferred binding decision: an issue with a ``range`` is settled
  later, within the range (process).

Terms are only as good as the promise to implement them (the commitment problem: Fearon 1995;
Walter 2002): a party counts what the other side concedes to it now as realised with the
probability that the other side carries it out (``implementation_credibility``, raised when
peacekeepers come with the deal), its own concessions as certain; and it values a text with
deferred terms as ``cred · u(full deal) + (1 − cred) · u(immediate terms, deferred issues left at
the status quo)``.

**Drafts.** A proposer picks a text from a candidate set: comprehensive candidates on the
segments from the table's compromise point (Thomson et al. 2006) to each member's position and
to the status quo, and *partial* candidates that move one issue at a time from the status quo
toward the compromise. It predicts each voter's answer with the same two-level logic the voters
use (:mod:`accord.mechanisms.ratification`), from its noisy estimate of their reservation
values, and the table's rule object turns those predictions into ``P(pass)``:

* a **mediator** maximises ``P(pass) · [β (u_m(x) − u_m(sq)) + (1 − β) · mean_a (u_a(x) − u_a(sq))]``
  - its own interest weighted by its bias ``β`` and the parties' joint gain (Kydd 2003, 'Which
  side are you on? Bias, credibility, and mediation', AJPS 47(4)); a mediator that loses from
  every text it could table tables nothing (it prefers the process to an outcome);
* co-chairs drafting jointly maximise the capability-weighted sum of their scores;
* a **party** maximises ``P(pass) · (u_self(x) − r_self)``;
* a mediator may also table the **Nash bargaining point** of the voting parties (Nash 1950,
  'The bargaining problem', Econometrica 18(2)) over the same candidates.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from accord import fpmath as fp
from accord._small import any_nonzero, flatnonzero
from accord.mechanisms.ratification import ratification_probability
from accord.mechanisms.rules import Majority, Rule
from accord.mechanisms.utility import committed_utility
from accord.models.compromise import compromise_position

__all__ = [
    "GRID",
    "Candidates",
    "CompiledProposal",
    "candidates",
    "candidates_numpy",
    "draft_choice",
    "draft_choice_numpy",
    "nash_choice",
    "predicted_pass",
    "value_of",
]

GRID = np.linspace(0.0, 1.0, 11)
"""Steps along each segment of the candidate set."""


@dataclass(frozen=True)
class CompiledProposal:
    """One text as arrays. ``point``, ``lo``, ``hi``: ``(D, I)``, NaN where the text says
    nothing (the status quo stays); ``deferred``: ``(I,)`` bool; ``until``: decimal year or NaN
    (then ``deferral_years`` after signing); ``sponsors``: actor indices; ``agreement``: the
    agreement type it would be; ``track``: index of the parallel track it belongs to (None: the
    format's table)."""

    id: str
    label: str
    kind: str
    agreement: str
    time: float
    sponsors: tuple[int, ...]
    point: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    deferred: np.ndarray
    until: float
    peacekeeping: bool
    track: int | None = None

    @property
    def settles(self) -> np.ndarray:
        """``(I,)`` issues the text says something about (in any draw)."""
        return np.asarray(~np.isnan(self.point).all(axis=0))

    def outcome(self, status_quo: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(lo, hi)`` of the full deal, ``(D, I)``: terms where given, the status quo elsewhere."""
        lo_sq, lo, hi_sq, hi = self._outcome_terms
        return np.where(lo_sq, status_quo, lo), np.where(hi_sq, status_quo, hi)

    def immediate(self, status_quo: np.ndarray) -> np.ndarray:
        """The status quo once the text's immediate terms apply (deferred issues unchanged)."""
        keep, point = self._immediate_terms
        return np.asarray(np.where(keep, status_quo, point))

    # What the text fixes does not change during a run, only the status quo it applies to: the
    # masks and terms are worked out once per text (a text is tabled again and again) and the
    # status quo filled in with one ``where`` (the same numbers as filling NaN terms step by step).
    @cached_property
    def _outcome_terms(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Where ``lo`` / ``hi`` fall back to the status quo, and their terms elsewhere."""
        p_nan = np.isnan(self.point)
        lo_nan = np.isnan(self.lo)
        lo_sq, lo = lo_nan & p_nan, np.where(lo_nan, self.point, self.lo)
        if self.hi is self.lo:  # a generated text: one NaN array for both (no ranges)
            return lo_sq, lo, lo_sq, lo
        hi_nan = np.isnan(self.hi)
        return lo_sq, lo, hi_nan & p_nan, np.where(hi_nan, self.point, self.hi)

    @cached_property
    def _immediate_terms(self) -> tuple[np.ndarray, np.ndarray]:
        """Where the immediate status quo stays (a deferred issue or no term), and the terms."""
        return self.deferred[None, :] | np.isnan(self.point), self.point


def value_of(
    prop: CompiledProposal,
    status_quo: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    credibility: np.ndarray,
    implementation: np.ndarray | None = None,
    *,
    outcome: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Every actor's value ``(D, A)`` of a text for ideal points ``position`` ``(D, A, I)``.

    ``credibility`` ``(D,)`` is the probability deferred terms are implemented; ``implementation``
    ``(D,)`` the probability the other side carries out what the immediate terms concede to the
    actor (:func:`accord.mechanisms.utility.committed_utility`; None: certain); ``outcome``:
    ``prop.outcome(status_quo)`` where the caller has it already."""
    imp = np.ones(status_quo.shape[0]) if implementation is None else implementation
    lo, hi = prop.outcome(status_quo) if outcome is None else outcome
    full = committed_utility(lo[:, None], hi[:, None], status_quo, position, salience, imp)[:, 0]
    if not any_nonzero(prop.deferred):
        return full
    now = prop.immediate(status_quo)
    partial = committed_utility(now[:, None], now[:, None], status_quo, position, salience, imp)[:, 0]
    c = credibility[:, None]
    return np.asarray(c * full + (1.0 - c) * partial)


@dataclass(frozen=True)
class Candidates:
    """Candidate texts ``points (D, K, I)``; ``partial (K,)`` marks the one-issue moves."""

    points: np.ndarray
    partial: np.ndarray


def _compromise_and_ends(
    status_quo: np.ndarray, capability: np.ndarray, position: np.ndarray, salience: np.ndarray, members: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    idx = flatnonzero(members)
    c = compromise_position(np.maximum(capability[:, idx], 1e-9), position[:, idx], salience[:, idx])
    c = np.where(np.isnan(c), status_quo, c)
    ends = np.concatenate([position[:, idx], status_quo[:, None, :]], axis=1)  # (D, E, I)
    return c, ends


def candidates(
    status_quo: np.ndarray,
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    members: np.ndarray,
) -> Candidates:
    """Candidate texts: comprehensive ones along the segments from the members' compromise point
    to each member's position and to the status quo, and partial ones moving a single issue from
    the status quo toward the compromise (``GRID`` steps each).

    ``members`` ``(A,)`` bool: whose positions span the set (the table). A fused kernel; bit for
    bit :func:`candidates_numpy`."""
    from accord.mechanisms import _jit  # numba loads on first use

    c, ends = _compromise_and_ends(status_quo, capability, position, salience, members)
    d, e, i = ends.shape
    g = GRID.size
    points = np.empty((d, e * g + i * (g - 1), i))
    _jit.candidate_points(
        np.ascontiguousarray(c, dtype=float), ends, np.ascontiguousarray(status_quo, dtype=float), GRID, points
    )
    partial = np.concatenate([np.zeros(e * g, dtype=bool), np.ones(i * (g - 1), dtype=bool)])
    return Candidates(points, partial)


def candidates_numpy(
    status_quo: np.ndarray,
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    members: np.ndarray,
) -> Candidates:
    """The NumPy twin of :func:`candidates`."""
    idx = flatnonzero(members)
    c = compromise_position(np.maximum(capability[:, idx], 1e-9), position[:, idx], salience[:, idx])
    c = np.where(np.isnan(c), status_quo, c)
    ends = np.concatenate([position[:, idx], status_quo[:, None, :]], axis=1)  # (D, E, I)
    seg = c[:, None, None, :] + GRID[None, None, :, None] * (ends[:, :, None, :] - c[:, None, None, :])
    d, e, g, i = seg.shape
    full = seg.reshape(d, e * g, i)
    steps = GRID[1:]
    one = np.repeat(status_quo[:, None, None, :], i, axis=1).repeat(steps.size, axis=2)  # (D, I, G, I)
    eye = np.eye(i, dtype=bool)
    moved = status_quo[:, None, None, :] + steps[None, None, :, None] * (c - status_quo)[:, None, None, :]
    one = np.where(eye[None, :, None, :], moved, one).reshape(d, i * steps.size, i)
    points = np.concatenate([full, one], axis=1)
    partial = np.concatenate([np.zeros(e * g, dtype=bool), np.ones(i * steps.size, dtype=bool)])
    return Candidates(points, partial)


def predicted_pass(
    u_leader: np.ndarray,
    u_pivot: np.ndarray,
    reservation_hat: np.ndarray,
    pivot_reservation_hat: np.ndarray,
    *,
    rule: Rule,
    needs_ratification: np.ndarray,
    audience_cost: np.ndarray,
    margin: np.ndarray,
    noise: np.ndarray,
    leverage: np.ndarray,
) -> np.ndarray:
    """``P(the rule passes)`` ``(D, K)`` for candidate texts, as a drafter predicts it.

    ``u_leader``, ``u_pivot``: ``(D, K, A)`` utilities of the candidates; reservations ``(D, A)``;
    ``needs_ratification``: ``(A,)`` parties whose pivot must ratify; ``audience_cost`` ``(D, A)``;
    ``margin``, ``noise`` ``(D,)``; ``leverage`` ``(D, A)`` inducements the drafter can add.

    Each voter signs when the expected gain beats the audience cost (as in
    :func:`accord.mechanisms.ratification.answer`) and is then ratified with ``π``; the rule is
    applied to the expected answers: the product of the voters' chances under consensus, and a
    normal approximation to the count of acceptances under a majority."""
    pi = ratification_probability(u_pivot, pivot_reservation_hat[:, None, :], noise[:, None, None])
    pi = np.where(needs_ratification[None, None, :], pi, 1.0)
    gain = u_leader + leverage[:, None, :] - reservation_hat[:, None, :]
    sign = pi * gain - (1.0 - pi) * audience_cost[:, None, :] >= margin[:, None, None]
    q = np.where(sign, pi, 0.0)  # chance each voter's answer is a ratified yes
    voters = rule.voters
    qv = np.where(voters[None, None, :], q, 1.0)
    if isinstance(rule, Majority):
        n = max(rule.n_voters, 1)
        mean = (q * voters).sum(axis=-1) + rule.silent_yes
        var = (q * (1.0 - q) * voters).sum(axis=-1)
        need = rule.threshold * n - 1e-9
        z = (mean - need + 0.5) / np.sqrt(var + 0.25)
        return np.asarray(0.5 * (1.0 + fp.tanh(0.8 * z)))
    return np.asarray(qv.prod(axis=-1))


def nash_choice(
    u_cand: np.ndarray,
    reservation_hat: np.ndarray,
    bargainers: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Index ``(D,)`` of the Nash bargaining point among candidates (Nash 1950) and whether one
    exists ``(D,)``: maximises ``Σ_a log(u_a(x) − r̂_a)`` over ``bargainers`` among the
    candidates where every bargainer gains (False: the bargaining range is empty)."""
    surplus = u_cand[:, :, bargainers] - reservation_hat[:, None, bargainers]
    feasible = (surplus > 0).all(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = fp.log(np.where(surplus > 0, surplus, 1.0))
        score = np.where(feasible, logs.sum(axis=-1), -np.inf)
    return np.argmax(score, axis=1), np.asarray(feasible.any(axis=1))


def _scatter(u: np.ndarray, cols: np.ndarray, actors: int) -> np.ndarray:
    full = np.zeros((*u.shape[:2], actors))
    full[:, :, cols] = u
    return full


def draft_choice_numpy(
    u_leader: np.ndarray,
    u_pivot: np.ndarray,
    cols: np.ndarray,
    *,
    rule: Rule,
    needs_ratification: np.ndarray,
    reservation_hat: np.ndarray,
    pivot_reservation_hat: np.ndarray,
    audience_cost: np.ndarray,
    margin: np.ndarray,
    noise: np.ndarray,
    leverage: np.ndarray,
    u_status_quo: np.ndarray,
    parties_at: np.ndarray,
    sponsors: tuple[int, ...],
    weights: np.ndarray,
    bias: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The drafter's best candidate ``(D,)`` and its score ``(D,)`` (the NumPy twin of
    :func:`draft_choice`, on full ``(D, K, A)`` arrays).

    ``u_leader``, ``u_pivot``: ``(D, K, N)`` utilities of the candidates for the actors ``cols``
    (the voters, the parties at the table and the sponsors; the pivots' for the voters who need
    ratification); ``weights`` ``(D, M)``: each sponsor's weight; ``bias`` ``(D,)``: the
    mediators' bias β. Other arguments as :func:`predicted_pass`."""
    A = needs_ratification.shape[0]
    u_lead = _scatter(u_leader, cols, A)
    p_pass = predicted_pass(
        u_lead,
        _scatter(u_pivot, cols, A),
        reservation_hat,
        pivot_reservation_hat,
        rule=rule,
        needs_ratification=needs_ratification,
        audience_cost=audience_cost,
        margin=margin,
        noise=noise,
        leverage=leverage,
    )
    joint_gain = ((u_lead - u_status_quo[:, None, :]) * parties_at).sum(axis=-1) / max(int(parties_at.sum()), 1)
    b = bias[:, None]
    score = np.zeros(p_pass.shape)
    weight_total = np.zeros(p_pass.shape[0])
    for j, m in enumerate(sponsors):
        w = weights[:, j]
        if needs_ratification[m]:
            s_m = p_pass * (u_lead[:, :, m] - reservation_hat[:, None, m])
        else:
            s_m = p_pass * (b * (u_lead[:, :, m] - u_status_quo[:, None, m]) + (1.0 - b) * joint_gain)
        score = score + w[:, None] * s_m
        weight_total += w
    score = score / np.maximum(weight_total, 1e-12)[:, None]
    best = np.argmax(score, axis=1)
    return best, np.take_along_axis(score, best[:, None], axis=1)[:, 0]


def draft_choice(
    u_leader: np.ndarray,
    u_pivot: np.ndarray,
    cols: np.ndarray,
    *,
    rule: Rule,
    needs_ratification: np.ndarray,
    reservation_hat: np.ndarray,
    pivot_reservation_hat: np.ndarray,
    audience_cost: np.ndarray,
    margin: np.ndarray,
    noise: np.ndarray,
    leverage: np.ndarray,
    u_status_quo: np.ndarray,
    parties_at: np.ndarray,
    sponsors: tuple[int, ...],
    weights: np.ndarray,
    bias: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The drafter's best candidate ``(D,)`` and its score ``(D,)``: ``P(pass)`` as
    :func:`predicted_pass` predicts it times each sponsor's objective (a party: its own gain over
    its reservation; a mediator: ``β`` its own gain over the status quo plus ``1 − β`` the mean
    gain of the parties at the table), summed with the sponsors' ``weights``; the first best on
    ties. A fused kernel with no ``(D, K, A)`` temporaries, bit for bit :func:`draft_choice_numpy`
    (whose docstring describes the arguments)."""
    from accord.mechanisms import _jit  # numba loads on first use

    D, K, _ = u_leader.shape
    A = needs_ratification.shape[0]
    cols = np.asarray(cols, dtype=np.int64)
    ucol = np.full(A, -1, dtype=np.int64)
    ucol[cols] = np.arange(cols.size)
    rat = flatnonzero(needs_ratification & rule.voters)
    picol = np.full(A, -1, dtype=np.int64)
    picol[rat] = np.arange(rat.size)
    # the pivots' ratification chances as predicted_pass computes them: the tanh's argument fused,
    # the tanh NumPy's own (into a fresh array, as there), 0.5 (1 + tanh) in pass_chance
    arg = _jit.ratification_arguments(
        np.ascontiguousarray(u_pivot),
        ucol,
        np.ascontiguousarray(pivot_reservation_hat, dtype=float),
        rat,
        np.ascontiguousarray(noise, dtype=float),
        np.empty((D, K, rat.size)),
    )
    tanh_pi = fp.tanh(arg)
    majority = isinstance(rule, Majority)
    n = max(rule.n_voters, 1)
    need = rule.threshold * n - 1e-9 if isinstance(rule, Majority) else 0.0
    p_pass = _jit.pass_chance(
        np.ascontiguousarray(u_leader),
        ucol,
        tanh_pi,
        picol,
        np.ascontiguousarray(leverage, dtype=float),
        np.ascontiguousarray(reservation_hat, dtype=float),
        np.ascontiguousarray(audience_cost, dtype=float),
        np.ascontiguousarray(margin, dtype=float),
        np.asarray(rule.voters, dtype=np.bool_),
        majority,
        float(rule.silent_yes),
        float(need),
        np.empty((D, K)),
    )
    if majority:
        p_pass = 0.5 * (1.0 + fp.tanh(0.8 * p_pass))
    best = np.zeros(D, dtype=np.int64)
    top = np.zeros(D)
    spons = np.asarray(sponsors, dtype=np.int64)
    _jit.best_draft(
        np.ascontiguousarray(p_pass),
        np.ascontiguousarray(u_leader),
        ucol,
        np.ascontiguousarray(u_status_quo, dtype=float),
        np.ascontiguousarray(reservation_hat, dtype=float),
        np.asarray(parties_at, dtype=np.bool_),
        float(max(int(parties_at.sum()), 1)),
        spons,
        np.asarray(needs_ratification, dtype=np.bool_)[spons],
        np.ascontiguousarray(weights, dtype=float),
        np.ascontiguousarray(bias, dtype=float),
        best,
        top,
    )
    return best, top
