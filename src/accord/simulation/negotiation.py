"""Negotiation phases: texts put to tables, answered, signed, ratified, enforced, implemented.

Texts come in typed slots (:class:`ScheduledSlot`, :class:`DraftSlot`, :class:`ProcessSlot`) and
are all put to a table the same way (:func:`table_text`):

1. each seated voter's leader values the text (deferred terms weighted by their credibility) and
   adds the inducements of the mediators who sponsor it, if they think the deal worth the cost
   (:mod:`accord.mechanisms.mediation`);
2. a party's domestic pivot would ratify it with probability π (its own value of the text
   against its value of no agreement; a leak raises the pivot's bar); the leader signs when the
   expected gain beats the audience cost (:mod:`accord.mechanisms.ratification`);
3. the table's rule object decides; a comprehensive text may need the organisation to convene
   a signing conference;
4. a party outvoted under a majority rule is held to the text only if peacekeepers deployed with
   it enforce it; otherwise the text is *passed but not in force*;
5. signed texts enter the agreement book with their type; their immediate terms become the status
   quo; deferred terms fall due later as an implementation text (:func:`implement_due`).

Ceasefires (:func:`ceasefire_talks`) are tabled while the sides fight, by a broker on a track or
by the parties themselves; each side compares the status quo now with fighting on for a year.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from accord import fpmath as fp
from accord._small import any_nonzero, clip, flatnonzero
from accord.mechanisms import ratification as rat
from accord.mechanisms.agreements import TYPES, binding_probability, type_index
from accord.mechanisms.mediation import inducements
from accord.mechanisms.proposals import CompiledProposal, candidates, draft_choice, nash_choice, value_of
from accord.mechanisms.rules import Consensus, Majority, Rule
from accord.mechanisms.utility import committed_utility, utility
from accord.simulation import events as ev
from accord.simulation.context import Context, Table
from accord.simulation.power import war_outcomes
from accord.simulation.state import Power, Record, StepState
from accord.simulation.streams import Streams

__all__ = [
    "DraftSlot",
    "Outcome",
    "ProcessSlot",
    "ScheduledSlot",
    "ceasefire_talks",
    "implement_due",
    "negotiate",
]

_NEEDS_RATIFICATION = ("partial", "comprehensive", "implementation")
_CHEAP = ("process", "renewal", "ceasefire")


class _Rows:
    """``x[at]``, the rows of the live draws ``at``: ``x`` itself where every draw is live.

    The arrays read this way are only read, never written, so handing over the array instead of
    a copy changes no number; a single replay (one draw, always live) then skips a fancy-index
    copy per input."""

    __slots__ = ("at", "every")

    def __init__(self, at: np.ndarray, draws: int) -> None:
        self.at, self.every = at, at.size == draws

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return x if self.every else x[self.at]


def _r(x: float) -> float:
    return round(float(x), 6)


@dataclass(frozen=True)
class ScheduledSlot:
    """A dated proposal of the scenario."""

    proposal: CompiledProposal


@dataclass(frozen=True)
class DraftSlot:
    """The table's own draft by ``sponsors`` (jointly if ``joint``), or the Nash point (``nash``)."""

    sponsors: tuple[int, ...]
    joint: bool = False
    nash: bool = False

    def label(self, ctx: Context, table: Table) -> str:
        if self.nash:
            return "gen.nash"
        if self.joint:
            return f"gen.{table.id}.joint"
        return f"gen.{ctx.actor_ids[self.sponsors[0]]}"


@dataclass(frozen=True)
class ProcessSlot:
    """A declaration of commitment to the talks (process), or its renewal."""

    sponsors: tuple[int, ...]
    renewal: bool


@dataclass(frozen=True)
class Outcome:
    """What became of one text: ``signed (D,)`` in force; ``passed (D,)`` by the rule (signed or
    passed-unbound)."""

    signed: np.ndarray
    passed: np.ndarray


class Narrator:
    """Records of draw 0 for the event log (a no-op when no log is wanted)."""

    def __init__(self, log: ev.Log | None) -> None:
        self.log = log
        self.on = log is not None

    def __call__(self, event: ev.Event) -> None:
        if self.log is not None:
            self.log(event)


# -- helpers ---------------------------------------------------------------------------------


def _par(ctx: Context, st: StepState, table: Table, name: str) -> np.ndarray:
    if table.format_index is not None:
        own = ctx.format_params[table.format_index]
        if name in own:
            return own[name]
    return st.params[name]


def _seated(table: Table, st: StepState) -> np.ndarray:
    return np.asarray(table.seats & ~st.excluded)


def _mediator_shares(ctx: Context, st: StepState, table: Table, sponsors: tuple[int, ...]) -> dict[int, np.ndarray]:
    """Each sponsoring mediator's share ``(D,)`` of the capability of the mediators seated."""
    seated_med = _seated(table, st) & ~ctx.parties
    flows = ctx.flows(st.t)
    total = np.maximum((flows * seated_med).sum(axis=1), 1e-12)
    return {m: flows[:, m] / total for m in sponsors if seated_med[m]}


class _Text(NamedTuple):
    """What the answers to one text at one table are worked out from, as :func:`table_text`
    hands them to :func:`_verdict` and its twin :func:`_verdict_numpy` (one tuple, so that the
    kernel's wrapper, the twin and the tests cannot read the inputs in different orders).

    ``at``: the live draws (rows of the ``(D, ...)`` inputs); ``lo``, ``hi``:
    ``prop.outcome(sq)``; ``conference`` ``(D,)``: where a signing conference must be convened
    under ``org_rule`` (None: nowhere); ``given``: decisions made outside the model (None:
    none); ``u``: the text's uniforms (see :func:`table_text`); ``ratify``: the text needs the
    parties' ratification; ``peacekeepers`` ``(D,)``: they deploy with the text (raising the
    credibilities, as :func:`_implementation`); the others are the step's values and
    parameters of the same names."""

    at: np.ndarray
    prop: CompiledProposal
    lo: np.ndarray
    hi: np.ndarray
    sq: np.ndarray
    pos: np.ndarray
    piv: np.ndarray
    sal: np.ndarray
    deferred_credibility: np.ndarray
    peacekeeping_credibility: np.ndarray
    implementation_credibility: np.ndarray
    flows: np.ndarray
    seated: np.ndarray
    parties: np.ndarray
    sponsors: tuple[int, ...]
    mediator_leverage: np.ndarray
    leverage_cost: np.ndarray
    cheap: bool
    ratify: bool
    r_piv: np.ndarray
    leak_effect: np.ndarray
    leaked: np.ndarray
    leaked_actor: np.ndarray
    noise: np.ndarray
    r_lead: np.ndarray
    u_sq: np.ndarray
    u_war: np.ndarray
    audience_cost: np.ndarray
    removal_risk: np.ndarray
    margin: np.ndarray
    u: np.ndarray
    given: np.ndarray | None
    voters: np.ndarray
    rule: Rule
    conference: np.ndarray | None
    org_rule: Rule | None
    tolerance: np.ndarray | None
    peacekeepers: np.ndarray
    enforcement: np.ndarray


class _Verdict(NamedTuple):
    """What the answers to one text decide, in the live draws (rows): ``(n, A)`` values
    (inducements included), ratification chances, signatures, accepts (signed and ratified),
    leaders removed (voters), refusals, outvoted parties not bound, the answers' reason codes and
    the codes with the table's overrides (conference blocked, not bound), the issue each refusal
    objects to most (0 where none); ``(n,)`` passed by the
    rule, signed (in force); ``now`` ``(D, I)``: the status quo where the text is signed
    (``prop.immediate(sq)``, every draw)."""

    value: np.ndarray
    p_rat: np.ndarray
    sign: np.ndarray
    accept: np.ndarray
    removed: np.ndarray
    refused: np.ndarray
    unbound: np.ndarray
    answer_reason: np.ndarray
    reason: np.ndarray
    worst: np.ndarray
    passed: np.ndarray
    signed: np.ndarray
    now: np.ndarray


def _verdict_numpy(x: _Text) -> _Verdict:
    """The answers to one text and what they decide, in the live draws ``x.at``, by the
    mechanisms' NumPy functions (:func:`value_of`, :func:`inducements`,
    :mod:`accord.mechanisms.ratification`, the rules): the twin of :func:`_verdict`."""
    D, A = x.sq.shape[0], x.parties.shape[0]
    rows = _Rows(x.at, D)
    # u_leak (D), u_rat, u_rem (D, A), u_bind (D), as table_text draws them
    u_ratify, u_remove = x.u[D : D + D * A].reshape(D, A), x.u[D + D * A : D + 2 * D * A].reshape(D, A)
    u_bind = x.u[-D:]
    cred = clip(x.deferred_credibility + x.peacekeeping_credibility * x.peacekeepers, 0.0, 1.0)
    pk = np.asarray(x.peacekeepers, dtype=float)  # as _implementation
    imp = clip(x.implementation_credibility + x.peacekeeping_credibility * pk, 0.0, 1.0)
    needs = x.parties & x.ratify
    here = (
        x.prop
        if x.at.size == D or not any_nonzero(x.prop.deferred)
        else dataclasses.replace(x.prop, point=x.prop.point[x.at], lo=x.prop.lo[x.at], hi=x.prop.hi[x.at])
    )
    lo_at, hi_at = rows(x.lo), rows(x.hi)
    sq_at, sal_at = rows(x.sq), rows(x.sal)
    # leaders and pivots in one call (each actor's value is its own: the bits of two calls)
    both = value_of(
        here,
        sq_at,
        np.concatenate([rows(x.pos), rows(x.piv)], axis=1),
        np.concatenate([sal_at, sal_at], axis=1),
        rows(cred),
        rows(imp),
        outcome=(lo_at, hi_at),
    )
    value, pvalue = both[:, :A], both[:, A:]
    # the sponsoring mediators' shares of the capability of the mediators seated
    seated_med = x.seated & ~x.parties
    total_cap = np.maximum((x.flows * seated_med).sum(axis=1), 1e-12)
    shares = {m: x.flows[:, m] / total_cap for m in x.sponsors if seated_med[m]}
    lev = np.zeros(x.at.size)
    capacity = [rows(x.mediator_leverage * share) for share in shares.values()]
    if x.cheap:
        for c in capacity:
            lev += c  # talk is cheap: backing a declaration or a ceasefire costs nothing
    elif shares:
        # every sponsoring mediator's utilities in one kernel call (each its own: the same bits)
        ms = np.fromiter(shares, dtype=np.int64)
        give = inducements(
            lo_at, hi_at, sq_at, rows(x.pos)[:, ms], sal_at[:, ms], np.array(capacity).T, rows(x.leverage_cost)
        )
        for j in range(ms.size):
            lev += give[:, j]
    value = value + lev[:, None] * x.parties[None, :]
    leaked_row = rows(x.leaked)[:, None] | x.leaked_actor[None, :]
    rho = rows(x.r_piv) + rows(x.leak_effect)[:, None] * leaked_row
    p_rat = np.where(needs[None, :], rat.ratification_probability(pvalue, rho, rows(x.noise)[:, None]), 1.0)
    ans = rat.answer(
        value,
        rows(x.r_lead),
        rows(x.u_sq),
        rows(x.u_war),
        p_rat,
        audience_cost=rows(x.audience_cost),
        removal_risk=rows(x.removal_risk),
        margin=np.zeros(x.at.size) if x.cheap else rows(x.margin),
        u_ratify=rows(u_ratify),
        u_remove=rows(u_remove),
        given=x.given,
    )
    decision = x.rule.decide(ans.accept | ~x.voters[None, :])
    passed = decision.passed
    block = np.zeros((x.at.size, A), dtype=bool)
    if x.conference is not None and x.org_rule is not None and x.tolerance is not None:
        conf = rows(x.conference)
        org_voters = x.org_rule.voters
        ok = (value >= rows(x.u_sq) - rows(x.tolerance)[:, None]) | ans.accept | ~org_voters[None, :]
        conv = x.org_rule.decide(ok)
        block = np.where(conf[:, None], conv.objectors, False)
        passed = passed & (conv.passed | ~conf)
    objecting_parties = decision.objectors & x.parties[None, :] & passed[:, None]
    bound = rows(u_bind) < binding_probability(rows(x.peacekeepers), rows(x.enforcement))
    unbound = objecting_parties & ~bound[:, None]
    signed = passed & ~unbound.any(axis=1)
    refused = (~ans.accept & x.voters[None, :]) | block | unbound
    reason = np.where(block, rat.CONFERENCE_BLOCKED, ans.reason)
    reason = np.where(unbound, rat.NOT_BOUND, reason)
    worst = np.zeros((x.at.size, A), dtype=np.int64)
    removed = ans.removed & x.voters[None, :]
    now = x.prop.immediate(x.sq)
    if any_nonzero(refused):
        da, aa = np.nonzero(refused)
        after = x.pos  # a removed leader's refusal is its successor's (the pivot's ideal point)
        if any_nonzero(removed):
            gone = np.zeros(x.pos.shape[:2], dtype=bool)
            gone[x.at] = removed
            after = x.pos.copy()
            after[gone] = x.piv[gone]
        # against the status quo the text leaves where it was signed (table_text applies it first)
        full_signed = np.zeros(D, dtype=bool)
        full_signed[x.at] = signed
        sq_after = np.where(full_signed[:, None], now, x.sq)
        worst[da, aa] = _worst_issue((x.lo + x.hi) / 2.0, sq_after, after, x.sal, x.at[da], aa)
    return _Verdict(
        value, p_rat, ans.sign, ans.accept, removed, refused, unbound, ans.reason, reason, worst, passed, signed, now
    )


_SPONSORS: dict[tuple[int, ...], np.ndarray] = {}
_NO_DECISIONS: dict[int, np.ndarray] = {}


def _rule_args(rule: Rule) -> tuple[np.ndarray, bool, float, int]:
    """A rule as the kernel reads it: voters, majority or consensus, the votes a majority needs
    (as :meth:`Majority.decide` works it out), the silent voters."""
    if isinstance(rule, Majority):
        return rule.voters, True, rule.threshold * max(rule.n_voters, 1) - 1e-9, rule.silent_yes
    return rule.voters, False, 0.0, rule.silent_yes


def _verdict(x: _Text) -> _Verdict:
    """:func:`_verdict_numpy` in one fused kernel (:func:`accord.mechanisms._jit.table_answers`),
    bit for bit; a rule of another kind than consensus or majority is left to the twin. A replay
    (one draw) spent most of a text's time in the twin's forty-odd small NumPy calls."""
    rule, org_rule, conference, tolerance = x.rule, x.org_rule, x.conference, x.tolerance
    if not isinstance(rule, (Consensus, Majority)) or (
        conference is not None and not isinstance(org_rule, (Consensus, Majority))
    ):
        return _verdict_numpy(x)
    from accord.mechanisms import _jit  # numba loads on first use

    n, A = x.at.size, x.parties.shape[0]
    spons = _SPONSORS.get(x.sponsors)
    if spons is None:
        spons = _SPONSORS[x.sponsors] = np.array(x.sponsors, dtype=np.int64)
    given = x.given
    if given is None:  # NaN everywhere: the model decides every answer
        given = _NO_DECISIONS.get(A)
        if given is None:
            given = _NO_DECISIONS[A] = np.full(A, np.nan)
    prop, sq = x.prop, x.sq
    deferred = any_nonzero(prop.deferred)
    now = prop.immediate(sq)
    rule_voters, majority, need, silent = _rule_args(rule)
    use_conf = conference is not None and org_rule is not None and tolerance is not None
    if use_conf:
        assert org_rule is not None and conference is not None and tolerance is not None
        org_voters, org_majority, org_need, org_silent = _rule_args(org_rule)
    else:  # not read by the kernel: arrays of the types it takes
        conference, tolerance = x.leaked, x.noise
        org_voters, org_majority, org_need, org_silent = x.voters, False, 0.0, 0
    # a ceasefire's status quo values are a column of a larger array: one layout for the kernel
    u_sq, u_war = np.ascontiguousarray(x.u_sq), np.ascontiguousarray(x.u_war)
    fout = np.empty((2, n, A))
    bout = np.empty((5, n, A), dtype=bool)
    iout = np.empty((3, n, A), dtype=np.int64)
    pout = np.empty((2, n), dtype=bool)
    _jit.table_answers(
        x.at, x.lo, x.hi, now, deferred, sq, x.pos, x.piv, x.sal, x.deferred_credibility,
        x.peacekeeping_credibility, x.implementation_credibility, x.flows, x.seated, spons, x.mediator_leverage,
        x.leverage_cost, x.cheap, x.parties, x.ratify, x.r_piv, x.leak_effect, x.leaked, x.leaked_actor, x.noise,
        x.r_lead, u_sq, u_war, x.audience_cost, x.removal_risk, x.margin, x.u, given, x.voters, rule_voters,
        majority, need, silent, use_conf, conference, org_voters, org_majority, org_need, org_silent, tolerance,
        x.peacekeepers, x.enforcement, fout, bout, iout, pout,
    )  # fmt: skip
    return _Verdict(
        fout[0], fout[1], bout[0], bout[1], bout[2], bout[3], bout[4], iout[0], iout[1], iout[2], pout[0], pout[1],
        now,
    )  # fmt: skip


def _implementation(st: StepState, peacekeepers: np.ndarray | bool) -> np.ndarray:
    """``(D,)`` the probability the other side carries out what a text concedes now: the
    commitment problem of settlements (Walter 2002), eased by peacekeepers deployed with it."""
    pk = np.asarray(peacekeepers, dtype=float)
    raw = st.params["implementation_credibility"] + st.params["peacekeeping_credibility"] * pk
    return clip(raw, 0.0, 1.0)


def _worst_issue(
    mid: np.ndarray, sq: np.ndarray, pos: np.ndarray, sal: np.ndarray, d: np.ndarray, a: np.ndarray
) -> np.ndarray:
    """The issue each refusal ``(draw d, actor a)`` objects to most (largest salience-weighted
    loss against the status quo); ``mid`` ``(D, I)``: the text's outcome."""
    x = pos[d, a]
    lose = sal[d, a] * (np.abs(mid[d] - x) - np.abs(sq[d] - x))
    return np.asarray(np.argmax(lose, axis=1))


# -- one text at one table --------------------------------------------------------------------


def table_text(
    ctx: Context,
    st: StepState,
    power: Power,
    rec: Record,
    table: Table,
    prop: CompiledProposal,
    live: np.ndarray,
    streams: Streams,
    say: Narrator,
    *,
    table_index: int,
    proposal_index: int,
    sponsors_are_brokers: bool = True,
) -> Outcome:
    """Put one text to ``table`` in the draws ``live`` and apply what the answers decide.

    The answers are computed in the draws ``live`` only (each draw's answers depend on that draw
    alone); the random numbers are drawn for every draw, so that a draw's numbers never depend on
    which other draws take part."""
    D, A, I = ctx.draws, ctx.A, ctx.I  # noqa: E741
    rng = streams.rng(f"text/{table.id}/{prop.id}", st.k)
    # u_leak (D), u_rat, u_rem (D, A), u_bind (D) in this order, in one call (a generator's
    # doubles come one after another whatever the calls: the same numbers as four calls); then
    # u_pend, the stream's last numbers, drawn where deferred terms need them
    u = rng.random(2 * D + 2 * D * A)
    u_leak = u[:D]  # the kernel reads the others in place
    at = flatnonzero(live)
    rows = _Rows(at, D)
    kind = prop.agreement
    p = st.params
    seated = _seated(table, st)
    voters = table.rule.voters & seated
    fi = table.format_index
    leak_p = ctx.leak_risk[:, fi] if fi is not None else np.zeros(D)
    leaked = u_leak < leak_p
    pk_deploys = (_par(ctx, st, table, "peacekeeping") > 0.5) & prop.peacekeeping
    lo, hi = prop.outcome(st.sq)
    ratify = kind in _NEEDS_RATIFICATION
    r_lead, r_piv = power.reservations()
    conference = None
    if kind == "comprehensive" and table.org_rule is not None and fi is not None:
        conf = _par(ctx, st, table, "conference_signing") > 0.5
        if any_nonzero(rows(conf)):
            conference = conf
    vd = _verdict(
        _Text(
            at=at,
            prop=prop,
            lo=lo,
            hi=hi,
            sq=st.sq,
            pos=st.pos,
            piv=st.piv,
            sal=st.sal,
            deferred_credibility=p["deferred_credibility"],
            peacekeeping_credibility=p["peacekeeping_credibility"],
            implementation_credibility=p["implementation_credibility"],
            flows=ctx.flows(st.t),
            seated=seated,
            parties=ctx.parties,
            sponsors=prop.sponsors if sponsors_are_brokers else (),
            mediator_leverage=p["mediator_leverage"],
            leverage_cost=p["leverage_cost"],
            cheap=kind in _CHEAP,
            ratify=ratify,
            r_piv=r_piv,
            leak_effect=p["leak_effect"],
            leaked=leaked,
            leaked_actor=st.leaked,
            noise=p["ratification_noise"],
            r_lead=r_lead,
            u_sq=power.u_sq,
            u_war=power.u_war,
            audience_cost=st.audience_cost,
            removal_risk=st.removal_risk,
            margin=p["acceptance_margin"],
            u=u,
            given=ctx.decisions.given(st.k, table.id, prop.id, ctx.actor_ids) if ctx.decisions is not None else None,
            voters=voters,
            rule=table.rule,
            conference=conference,
            org_rule=table.org_rule,
            tolerance=p["conference_tolerance"] if conference is not None else None,
            peacekeepers=pk_deploys,
            enforcement=p["enforcement_peacekeeping"],
        )
    )
    value, passed_at, signed_at, unbound_at = vd.value, vd.passed, vd.signed, vd.unbound
    if rows.every:  # the kernel's fresh rows are the draws themselves
        passed, signed = passed_at, signed_at
    else:
        passed = np.zeros(D, dtype=bool)
        passed[at] = passed_at
        signed = np.zeros(D, dtype=bool)
        signed[at] = signed_at
    passed_unbound = passed & ~signed

    # the book: type, terms, deferral, peacekeepers
    t_sign = prop.time if math.isfinite(prop.time) and prop.time >= st.t else st.t
    expires = st.t + st.params["process_duration"] if kind in ("process", "renewal") else np.inf
    # what the panel's covariates see of the text: peacekeeping it provides for, a third party at the table
    any_signed = any_nonzero(signed)  # else the book, the status quo and the record stay as they are
    if any_signed:
        third_party = any_nonzero(seated & ~ctx.parties)
        st.book.sign(kind, signed, t_sign, expires, peacekeeping=prop.peacekeeping, third_party=third_party)
        st.book.peacekeepers |= signed & pk_deploys
        st.sq = np.where(signed[:, None], vd.now, st.sq)
    deferred = prop.deferred[None, :] & signed[:, None] & (kind != "implementation")
    if any_signed and any_nonzero(deferred):
        due_at = prop.until if not math.isnan(prop.until) else t_sign + st.params["deferral_years"]
        due = np.broadcast_to(np.asarray(due_at, dtype=float), (D,))
        u_pend = rng.random((D, I))
        st.pending_time = np.where(deferred, due[:, None], st.pending_time)
        st.pending_value = np.where(deferred, lo + u_pend * (hi - lo), st.pending_value)
        st.pending_table = np.where(signed, table_index, st.pending_table)
        st.pending_pk = np.where(signed, pk_deploys, st.pending_pk)
    if any_signed and kind in ("partial", "comprehensive"):
        first = signed & ~rec.settlement
        rec.settlement |= first
        rec.settlement_year = np.where(first, t_sign, rec.settlement_year)
        rec.settlement_proposal = np.where(first, proposal_index, rec.settlement_proposal)
        rec.terms = np.where(first[:, None], np.where(np.isnan(prop.point), np.nan, (lo + hi) / 2.0), rec.terms)
    if any_nonzero(passed_unbound):  # adding no draw changes no count
        rec.passed_unbound += passed_unbound

    # leaders who signed what their pivot rejected
    removed_at = vd.removed
    if any_nonzero(removed_at):
        removed = np.zeros((D, A), dtype=bool)
        removed[at] = removed_at
        pos = st.pos.copy()  # a new array, as before: others may hold the old one
        pos[removed] = st.piv[removed]
        st.pos = pos
        rec.removals[at] += removed_at

    # bookkeeping of refusals, by reason and by the issue objected to most
    refused, reason = vd.refused, vd.reason
    any_refused = any_nonzero(refused)
    worst = vd.worst
    if any_refused:
        da, aa = np.nonzero(refused)
        # each (draw, actor) once: a fancy-indexed += counts as np.add.at does; a few refusals
        # (a replay's) one by one, cheaper than indexing with arrays
        if da.size <= 8:
            for d, a, why, issue in zip(
                at[da].tolist(), aa.tolist(), reason[da, aa].tolist(), worst[da, aa].tolist(), strict=True
            ):
                rec.reasons[d, a, why] += 1
                rec.vetoes[d, a, issue] += 1
        else:
            rec.reasons[at[da], aa, reason[da, aa]] += 1
            rec.vetoes[at[da], aa, worst[da, aa]] += 1
    if any_nonzero(unbound_at):
        rec.unbound[at] += unbound_at

    if say.on and live[0]:
        ids, iss = ctx.actor_ids, ctx.issue_ids
        # draw 0's terms and answers as Python numbers (the same values, and the same
        # arithmetic, as indexing the arrays one by one)
        lo0, hi0 = lo[0].tolist(), hi[0].tolist()
        terms0 = {iss[i]: _r((lo0[i] + hi0[i]) / 2) for i, x in enumerate(prop.point[0].tolist()) if x == x}
        deferred0 = [iss[i] for i in flatnonzero(prop.deferred).tolist()]
        needs0 = [ratify and x for x in ctx.parties.tolist()]
        v0, sq0, war0, pr0 = value[0].tolist(), power.u_sq[0].tolist(), power.u_war[0].tolist(), vd.p_rat[0].tolist()
        sign0, acc0, reason0 = vd.sign[0].tolist(), vd.accept[0].tolist(), vd.answer_reason[0].tolist()
        say(
            ev.ProposalTabled(
                _r(t_sign),
                id=prop.id,
                label=prop.label,
                agreement=kind,
                table=table.id,
                sponsors=[ids[s] for s in prop.sponsors],
                terms=terms0,
                deferred=deferred0,
                leaked=bool(leaked[0]) or any_nonzero(st.leaked),
                answers={
                    ids[a]: {
                        "value": _r(v0[a]),
                        "status_quo": _r(sq0[a]),
                        "war": None if not math.isfinite(war0[a]) else _r(war0[a]),
                        "p_ratify": _r(pr0[a]) if needs0[a] else None,
                        "sign": sign0[a],
                        "ratified": acc0[a],
                        "reason": rat.REASONS[reason0[a]],
                    }
                    for a in flatnonzero(voters).tolist()
                },
                passed=bool(passed[0]),
            )
        )
        if any_refused:
            for a in flatnonzero(refused[0]):
                code = int(reason[0, a])
                say(
                    ev.Veto(
                        _r(t_sign),
                        proposal=prop.id,
                        actor=ids[a],
                        reason=rat.REASONS[code],
                        issue=iss[int(worst[0, a])],
                    )
                )
        # row 0 of the arrays over the live draws is draw 0 (it is live)
        for a in flatnonzero(removed_at[0]):
            say(ev.LeaderRemoved(_r(t_sign), actor=ids[a], proposal=prop.id))
        if passed_unbound[0]:
            say(ev.PassedUnbound(_r(t_sign), proposal=prop.id, objectors=[ids[a] for a in flatnonzero(unbound_at[0])]))
        if signed[0]:
            say(
                ev.AgreementSigned(
                    _r(t_sign),
                    proposal=prop.id,
                    agreement=kind,
                    table=table.id,
                    parties=[ids[a] for a in flatnonzero(voters & ctx.parties)],
                    terms=dict(terms0),
                    deferred=list(deferred0),
                    peacekeepers=bool(pk_deploys[0]),
                )
            )
    return Outcome(signed, passed)


# -- drafts ------------------------------------------------------------------------------------


def _text(
    pid: str, label: str, agreement: str, t: float, sponsors: tuple[int, ...], point: np.ndarray
) -> CompiledProposal:
    nan = np.full_like(point, np.nan)
    return CompiledProposal(
        pid,
        label,
        "generated",
        agreement,
        t,
        sponsors,
        point,
        nan,
        nan,
        np.zeros(point.shape[1], dtype=bool),
        math.nan,
        True,
    )


def draft(
    ctx: Context,
    st: StepState,
    power: Power,
    table: Table,
    slot: DraftSlot,
    live: np.ndarray,
    streams: Streams,
) -> list[tuple[CompiledProposal, np.ndarray]]:
    """The texts a draft slot produces: ``[(text, draws)]`` (a comprehensive and a partial text,
    each where it was chosen; none where the drafter prefers to table nothing).

    Only the draws in ``live`` are drafted (each draw's choice depends on that draw alone), and
    only for the actors whose answers the drafter weighs: the voters, the parties at the table and
    the sponsors."""
    D = ctx.draws
    # drawn for every draw: a stream's numbers never depend on which draws use them
    noise_all = streams.rng(f"draft-noise/{table.id}/{slot.label(ctx, table)}", st.k).standard_normal((D, ctx.A))
    at = flatnonzero(live)
    rows = _Rows(at, D)
    seated = _seated(table, st)
    flows = rows(ctx.flows(st.t))
    sq, pos, sal = rows(st.sq), rows(st.pos), rows(st.sal)
    params = {
        n: rows(st.params[n]) for n in ("mediator_noise", "mediator_leverage", "acceptance_margin", "mediator_bias")
    }
    cand = candidates(sq, np.maximum(flows, 1e-9), pos, sal, seated)
    pts = cand.points
    # the drafter values candidates as the voters will: what the other side concedes is only
    # as good as its promise (peacekeepers come with the format's settlements where it has them)
    imp = rows(_implementation(st, _par(ctx, st, table, "peacekeeping") > 0.5))
    err = params["mediator_noise"][:, None] * rows(noise_all)
    r_lead, r_piv = power.reservations()
    r_hat = rows(r_lead) + err
    rp_hat = rows(r_piv) + err
    rule = table.rule
    voters = rule.voters & seated
    parties_at = ctx.parties & seated
    u_sq = rows(power.u_sq)
    if slot.nash:
        bargainers = voters & ctx.parties if any_nonzero(voters & ctx.parties) else voters
        cols = flatnonzero(bargainers)
        u_lead = committed_utility(pts, pts, sq, pos, sal, imp, actors=cols)
        best, exists = nash_choice(u_lead, r_hat[:, cols], np.ones(cols.size, dtype=bool))
    else:
        need = voters | parties_at
        need[list(slot.sponsors)] = True
        cols = flatnonzero(need)
        u_lead = committed_utility(pts, pts, sq, pos, sal, imp, actors=cols)
        # pivots matter only for voters who must ratify
        rat = flatnonzero(voters & ctx.parties)
        u_piv = np.zeros_like(u_lead)
        committed_utility(pts, pts, sq, rows(st.piv), sal, imp, actors=rat, out=u_piv, slots=np.searchsorted(cols, rat))
        lev = np.zeros((at.size, ctx.A))
        for share in _mediator_shares(ctx, st, table, slot.sponsors).values():
            lev += (params["mediator_leverage"] * rows(share))[:, None] * ctx.parties[None, :]
        weights = np.stack(
            [np.maximum(flows[:, m], 1e-9) if slot.joint else np.ones(at.size) for m in slot.sponsors], axis=1
        )
        best, top = draft_choice(
            u_lead,
            u_piv,
            cols,
            rule=dataclasses.replace(rule, voters=voters),
            needs_ratification=ctx.parties,
            reservation_hat=r_hat,
            pivot_reservation_hat=rp_hat,
            audience_cost=rows(st.audience_cost),
            margin=params["acceptance_margin"],
            noise=rows(st.params["ratification_noise"]),
            leverage=lev,
            u_status_quo=u_sq,
            parties_at=parties_at,
            sponsors=slot.sponsors,
            weights=weights,
            bias=params["mediator_bias"],
        )
        exists = top > 1e-9
    chosen = pts[np.arange(at.size), best]  # each draw's chosen candidate (D, I)
    point = np.full((D, ctx.I), np.nan)
    point[at] = chosen
    partial = np.zeros(D, dtype=bool)
    partial[at] = cand.partial[best]
    found = np.zeros(D, dtype=bool)
    found[at] = exists
    label = slot.label(ctx, table)
    out: list[tuple[CompiledProposal, np.ndarray]] = []
    full_mask = found & ~partial
    if any_nonzero(full_mask):
        out.append((_text(label, label, "comprehensive", st.t, slot.sponsors, point), full_mask))
    part_mask = found & partial
    if any_nonzero(part_mask):
        pt = np.where(np.abs(point - st.sq) > 1e-9, point, np.nan)
        out.append((_text(f"{label}.partial", f"{label} (partial)", "partial", st.t, slot.sponsors, pt), part_mask))
    return out


# -- the quiet years: scheduled texts, drafts, declarations ----------------------------------


def _live_tables(ctx: Context, st: StepState, phase: str) -> list[tuple[int, Table, np.ndarray]]:
    """Tables that sit in this step for ``phase`` (quiet or fighting), with the draws where they sit."""
    out = []
    allow_parallel = np.array([ctx.tables[ft].parallel_tracks for ft in ctx.format_tables])[st.fmt]
    base = st.fighting if phase == "fighting" else ~st.fighting
    for ti, table in enumerate(ctx.tables):
        if table.format_index is not None:
            live = base & (st.fmt == table.format_index)
        else:
            if not table.open_at(st.t) or table.when not in ("always", phase):
                continue
            live = base & allow_parallel
        if any_nonzero(live):
            out.append((ti, table, live))
    return out


def negotiate(
    ctx: Context,
    st: StepState,
    power: Power,
    rec: Record,
    streams: Streams,
    say: Narrator,
    proposal_ids: dict[str, int],
) -> StepState:
    """Quiet draws: dated proposals, the tables' own drafts and declarations (one step)."""
    due_props = ctx.scheduled(st.k).proposals
    tabled_already = {p.id: np.zeros(ctx.draws, dtype=bool) for p in due_props}
    interval = st.params["proposal_interval"]
    with np.errstate(invalid="ignore", divide="ignore"):
        draft_due = (interval > 0) & (np.mod(st.k * ctx.dt + 1e-9, np.where(interval > 0, interval, 1.0)) < ctx.dt)
    for ti, table, live in _live_tables(ctx, st, "quiet"):
        seated = _seated(table, st)
        if ctx.decisions is not None and ctx.decisions.mediates(st.k) and table.format_index is not None:
            _human_texts(ctx, st, power, rec, table, ti, live, streams, say, proposal_ids)
            continue  # a human mediator seat tables this table's texts: the engine's stand down
        scheduled_here = np.zeros(ctx.draws, dtype=bool)
        for p in due_props:
            if not table.negotiates(p.agreement) or not any(seated[s] for s in p.sponsors):
                continue
            mask = live & ~tabled_already[p.id]
            if not any_nonzero(mask):
                continue
            table_text(
                ctx, st, power, rec, table, p, mask, streams, say, table_index=ti, proposal_index=proposal_ids[p.id]
            )
            tabled_already[p.id] |= mask
            scheduled_here |= mask
        proposers = tuple(m for m in table.proposers if seated[m])
        settled_all = st.book.any_in_force("comprehensive")
        can_draft = live & ~scheduled_here & draft_due & ~settled_all
        if proposers and any_nonzero(can_draft) and (table.negotiates("comprehensive") or table.negotiates("partial")):
            joint = _par(ctx, st, table, "joint_drafting") > 0.5
            slots: list[tuple[DraftSlot, np.ndarray]] = []
            if len(proposers) > 1:
                slots.append((DraftSlot(proposers, joint=True), can_draft & joint))
                slots += [(DraftSlot((m,)), can_draft & ~joint) for m in proposers]
            else:
                slots.append((DraftSlot(proposers), can_draft))
            brokers = tuple(m for m in proposers if not ctx.parties[m])
            if brokers:
                slots.append(
                    (DraftSlot(brokers, nash=True), can_draft & (_par(ctx, st, table, "nash_proposals") > 0.5))
                )
            for slot, mask in slots:
                mask = mask & ~st.fighting & ~st.book.any_in_force("comprehensive")
                if not any_nonzero(mask):
                    continue
                for text, where in draft(ctx, st, power, table, slot, mask, streams):
                    table_text(
                        ctx,
                        st,
                        power,
                        rec,
                        table,
                        text,
                        where,
                        streams,
                        say,
                        table_index=ti,
                        proposal_index=proposal_ids[text.id],
                    )
        brokers = tuple(m for m in table.proposers if seated[m] and not ctx.parties[m])
        if brokers and table.negotiates("process"):
            none_in_force = ~st.book.any_in_force("process", "renewal")
            mask = live & none_in_force & ~st.fighting & draft_due
            if any_nonzero(mask):
                ever = st.book.signed[:, type_index("process")] + st.book.signed[:, type_index("renewal")] > 0
                for renewal, where in ((True, mask & ever), (False, mask & ~ever)):
                    if not any_nonzero(where):
                        continue
                    kind = "renewal" if renewal else "process"
                    pid = f"gen.{table.id}.{kind}"
                    text = _text(
                        pid, f"{table.id} {kind} declaration", kind, st.t, brokers, np.full((ctx.draws, ctx.I), np.nan)
                    )
                    table_text(
                        ctx,
                        st,
                        power,
                        rec,
                        table,
                        text,
                        where,
                        streams,
                        say,
                        table_index=ti,
                        proposal_index=proposal_ids[pid],
                    )
    return st


def _human_texts(
    ctx: Context,
    st: StepState,
    power: Power,
    rec: Record,
    table: Table,
    ti: int,
    live: np.ndarray,
    streams: Streams,
    say: Narrator,
    proposal_ids: dict[str, int],
) -> None:
    """The texts a training session's mediator seat tables at the format's table this step
    (:mod:`accord.simulation.decisions`); put to the table like any other text."""
    assert ctx.decisions is not None
    for text in ctx.decisions.texts_at(st.k):
        if not table.negotiates(text.agreement):
            continue
        prop = ctx.decisions.compile(text, ctx.issue_ids, ctx.actor_ids, st.t, ctx.draws)
        mask = live & ~(st.book.any_in_force("comprehensive") & (text.agreement in ("partial", "comprehensive")))
        if not any_nonzero(mask):
            continue
        table_text(
            ctx,
            st,
            power,
            rec,
            table,
            prop,
            mask,
            streams,
            say,
            table_index=ti,
            proposal_index=proposal_ids[text.id],
        )


# -- deferred terms fall due -----------------------------------------------------------------


def implement_due(
    ctx: Context,
    st: StepState,
    power: Power,
    rec: Record,
    streams: Streams,
    say: Narrator,
    proposal_ids: dict[str, int],
) -> StepState:
    """Deferred terms that fall due are put to the table where their agreement was signed as an
    implementation text; if it is refused, peacekeepers deployed with the agreement enforce it with
    probability ``enforcement_peacekeeping``, else the agreement fails (the commitment problem)."""
    falls = st.pending_time < st.t + ctx.dt - 1e-9
    due = falls.any(axis=1) & ~st.fighting
    if not any_nonzero(due):
        return st
    D = ctx.draws
    pid = "gen.implementation"
    signed_any = np.zeros(D, dtype=bool)
    for ti, table in enumerate(ctx.tables):
        where = due & (st.pending_table == ti)
        if not any_nonzero(where):
            continue
        point = np.where(falls, st.pending_value, np.nan)
        text = _text(pid, "Implementation of deferred terms", "implementation", st.t, table.proposers, point)
        out = table_text(
            ctx, st, power, rec, table, text, where, streams, say, table_index=ti, proposal_index=proposal_ids[pid]
        )
        signed_any |= out.signed
    refused = due & ~signed_any
    u = streams.rng("implementation-enforced", st.k).random(D)
    enforced = refused & (u < binding_probability(st.pending_pk, st.params["enforcement_peacekeeping"]))
    st.sq = np.where(enforced[:, None] & falls, st.pending_value, st.sq)
    st.book.sign("implementation", enforced, st.t, peacekeeping=True, third_party=True)  # by the peacekeepers
    failed = refused & ~enforced
    broke = st.book.break_down(failed, ("process", "partial", "comprehensive"))
    if say.on and due[0]:
        iss = ctx.issue_ids
        issues = [iss[i] for i in flatnonzero(falls[0])]
        say(
            ev.Implementation(
                _r(st.t),
                issues=issues,
                implemented=bool(signed_any[0] or enforced[0]),
                enforced=bool(enforced[0]),
                values={iss[i]: _r(st.pending_value[0, i]) for i in flatnonzero(falls[0])},
            )
        )
        if failed[0] and any_nonzero(broke[0]):
            say(
                ev.Breakdown(
                    _r(st.t), agreements=[TYPES[j] for j in flatnonzero(broke[0])], cause="implementation failed"
                )
            )
    st.pending_time = np.where(falls & due[:, None], np.nan, st.pending_time)
    return st


# -- ceasefires while the sides fight --------------------------------------------------------


def ceasefire_talks(
    ctx: Context,
    st: StepState,
    power: Power,
    rec: Record,
    streams: Streams,
    say: Narrator,
    proposal_ids: dict[str, int],
) -> tuple[StepState, np.ndarray, list[str | None]]:
    """While the sides fight (and history does not dictate the end), tables that negotiate
    ceasefires table one at a rate (faster with a broker). Each party signs when the status quo
    now, plus the broker's inducement, beats fighting on for a year:
    ``p̂ u(x_H, one year) + (1 − p̂) u(x_L, one year) − war_cost_rate``. Returns the state, the draws
    whose fighting ended, and the table id where (draw 0 needs it for narration)."""
    D = ctx.draws
    ended = np.zeros(D, dtype=bool)
    where_ended: list[str | None] = [None]
    s = ctx.sides
    if s is None:
        return st, ended, where_ended
    share = np.minimum(1.0, st.params["war_gain"] * 1.0)
    x_hi, x_lo = war_outcomes(st.sq, st.pos, s, ctx.war_issues, share)
    # one kernel call for the three outcomes (each utility is its own: the bits of three calls)
    texts = np.stack([x_hi, x_lo, st.sq], axis=1)
    u3 = utility(texts, texts, st.pos, st.sal)
    u_hi, u_lo = u3[:, 0], u3[:, 1]
    u_cont = power.p_believed * u_hi + (1.0 - power.p_believed) * u_lo - st.params["war_cost_rate"][:, None]
    u_cont = np.where(ctx.combatants[None, :], u_cont, -np.inf)
    u_sq_now = u3[:, 2]  # the front has moved
    for ti, table, live in _live_tables(ctx, st, "fighting"):
        if not table.negotiates("ceasefire"):
            continue
        live = live & ~st.war_imposed & ~ended
        if not any_nonzero(live):
            continue
        seated = _seated(table, st)
        brokers = tuple(m for m in table.proposers if seated[m] and not ctx.parties[m])
        rate = st.params["ceasefire_talks"] if brokers else st.params["ceasefire_talks_direct"]
        u = streams.rng(f"ceasefire/{table.id}", st.k).random(D)
        offered = live & (u < 1.0 - fp.exp(-rate * ctx.dt))
        if not any_nonzero(offered):
            continue
        pid = f"gen.{table.id}.ceasefire"
        text = _text(pid, f"Ceasefire at {table.id}", "ceasefire", st.t, brokers, np.full((D, ctx.I), np.nan))
        # a ceasefire is valued against fighting on, not against the status quo: the war value
        # the answer compares with is the value of continuing for a year
        r_cont = np.where(ctx.combatants[None, :], np.maximum(u_sq_now, u_cont), u_sq_now)
        quiet_power = Power(
            power.p_high,
            power.p_future,
            power.p_believed,
            u_sq_now,
            u_cont,
            power.stake,
            power.u_sq_piv,
            power.u_war_piv,
            power.gap,
            power.commitment,
            power.incentive,
            power.p_onset,
            r_cont,
            power.r_piv,
        )
        out = table_text(
            ctx,
            st,
            quiet_power,
            rec,
            table,
            text,
            offered,
            streams,
            say,
            table_index=ti,
            proposal_index=proposal_ids[pid],
        )
        if any_nonzero(out.signed):
            ended |= out.signed
            if out.signed[0]:
                where_ended = [table.id]
    return st, ended, where_ended
