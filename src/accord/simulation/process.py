"""The mediation process as a time-stepped kernel over ``D`` draws: :class:`Process`.

Each step (a year, half-year, quarter or month) runs these phases; each reads the
:class:`~accord.simulation.state.StepState` and returns it (Python loops run over steps, tables
and texts only; every phase is vectorized over draws):

1. :func:`dated_changes` - dated inputs take effect: positions, saliences, pivots, leaders.
2. :func:`dated_events` - the scenario's events: context always (effects, leaks, office closures,
   a mediator break-up); outcomes (fighting, a status quo, an agreement, a format switch, a
   resignation) only where the run's :class:`~accord.simulation.history.History` imposes them.
3. :func:`power_balance` - capability stocks, the contest, the anticipated shift and every
   actor's war value (:mod:`accord.simulation.power`; Fearon 1995, Powell 2006).
4. :func:`organisation` - the organisation behind the format renews the monitoring mandate
   (OSCE: consensus of the participating states); a party that expects to gain from war blocks it.
5. :func:`information` - mediators at the table correct the parties' optimism, as far as each
   party believes them (Kydd 2003; Savun 2008).
6. :func:`incidents` - ceasefire incidents, rising with the bargaining gap, damped by monitoring.
7. :func:`~accord.simulation.negotiation.implement_due`, then
   :func:`~accord.simulation.negotiation.negotiate` - deferred terms fall due; dated proposals,
   the tables' drafts and declarations are answered, ratified, enforced (quiet draws only).
8. :func:`war` - onset from the fitted hazards (:mod:`accord.simulation.hazards`), breakdown of the
   agreements in force, the front moving while the sides fight, victory, and ceasefire talks
   (:func:`~accord.simulation.negotiation.ceasefire_talks`).
9. :func:`record` - the step's outcomes.

Draw 0 is narrated as typed records (:mod:`accord.simulation.events`) when a log is given. No
phase decides anything for all draws from draw 0's values.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from accord import fpmath as fp
from accord._small import any_nonzero, clip, flatnonzero
from accord.mechanisms.agreements import TYPES, AgreementBook
from accord.mechanisms.mediation import update_optimism
from accord.mechanisms.proposals import CompiledProposal
from accord.mechanisms.ratification import reversion_value
from accord.mechanisms.utility import utility
from accord.models.compromise import compromise_position
from accord.scenario.parameters import PARAMETERS
from accord.scenario.schema import Event, Scenario, date_to_year
from accord.simulation import events as ev
from accord.simulation import hazards
from accord.simulation.conflict_year import ConflictYear
from accord.simulation.context import Context
from accord.simulation.negotiation import Narrator, ceasefire_talks, implement_due, negotiate
from accord.simulation.power import (
    Sides,
    advance_stock,
    war_outcomes,
)
from accord.simulation.results import BatchResult
from accord.simulation.state import Power, Record, StepState
from accord.simulation.streams import Streams

__all__ = ["Observer", "Process", "compile_proposals"]

Observer = Callable[[Context, StepState, Power], None]


def _r(x: float) -> float:
    return round(float(x), 6)


def compile_proposals(scenario: Scenario, values: dict[str, np.ndarray], draws: int) -> list[CompiledProposal]:
    """The scenario's dated proposals as arrays (terms drawn per draw); sponsors index ``scenario.actors``."""
    actor_index = {a: k for k, a in enumerate(scenario.actor_ids)}
    issues = scenario.issue_ids
    out = []
    for p in scenario.proposals:
        point = np.full((draws, len(issues)), np.nan)
        lo = np.full_like(point, np.nan)
        hi = np.full_like(point, np.nan)
        deferred = np.zeros(len(issues), dtype=bool)
        for i, issue in enumerate(issues):
            t = p.terms.get(issue)
            if t is None:
                continue
            point[:, i] = values[f"proposals.{p.id}.terms.{issue}"]
            if t.range is not None:
                lo[:, i], hi[:, i] = t.range
                if p.kind == "principles":
                    deferred[i] = True
        if p.deferred is not None:
            for issue in p.deferred.issues:
                deferred[issues.index(issue)] = True
        until = date_to_year(p.deferred.until) if p.deferred is not None and p.deferred.until else math.nan
        out.append(
            CompiledProposal(
                id=p.id,
                label=p.label,
                kind=p.kind,
                agreement=p.agreement_type,
                time=date_to_year(p.date),
                sponsors=tuple(actor_index[s] for s in p.sponsor),
                point=point,
                lo=lo,
                hi=hi,
                deferred=deferred,
                until=until,
                peacekeeping=bool(p.peacekeeping),
            )
        )
    return out


def _sq_dict(ctx: Context, st: StepState) -> dict[str, float]:
    # tolist: Python floats at once (the values float() gives one by one), then _r's rounding
    return {i: round(v, 6) for i, v in zip(ctx.issue_ids, st.sq[0].tolist(), strict=True)}


# -- phases ------------------------------------------------------------------------------------


def dated_changes(ctx: Context, st: StepState, say: Narrator) -> StepState:
    """Dated positions, saliences, pivots and leaders take effect (a resignation or removal only
    where history is imposed: otherwise the model's own removals decide)."""
    values = ctx.values
    iss = ctx.issue_ids
    for c in ctx.scheduled(st.k).changes:
        ch, a = c.change, c.actor
        if ch.is_outcome and not ctx.history.imposes(c.time):
            continue
        for issue in ch.positions:
            st.pos[:, a, iss.index(issue)] = values[f"{c.name}.positions.{issue}"]
        for issue in ch.salience:
            st.sal[:, a, iss.index(issue)] = values[f"{c.name}.salience.{issue}"]
        for issue in ch.pivot:
            st.piv[:, a, iss.index(issue)] = values[f"{c.name}.pivot.{issue}"]
        if ch.removal_risk is not None:
            st.removal_risk[:, a] = values[f"{c.name}.removal_risk"]
        if ch.audience_cost is not None:
            st.audience_cost[:, a] = values[f"{c.name}.audience_cost"]
        if say.on:
            say(
                ev.StanceChanged(
                    _r(c.time),
                    actor=ctx.actor_ids[a],
                    leader=ch.leader,
                    positions={i: _r(st.pos[0, a, iss.index(i)]) for i in ch.positions},
                    pivot={i: _r(st.piv[0, a, iss.index(i)]) for i in ch.pivot},
                    imposed=True,
                )
            )
    return st


def dated_events(ctx: Context, st: StepState, say: Narrator, rec: Record) -> StepState:
    """The scenario's events in this step: context always, outcomes where history imposes them."""
    D, I = ctx.draws, ctx.I  # noqa: E741
    values = ctx.values
    st.leaked = np.zeros(ctx.A, dtype=bool)
    for e, when in ctx.scheduled(st.k).events:
        # the event's kernel actors: read by a leak, a break-up and a resignation only
        idx = (
            [k for k in (ctx.index(a) for a in e.actors) if k is not None]
            if e.kind in ("leak", "mediator-breakup", "resignation")
            else []
        )
        for name in e.effects:
            v = values[f"events.{e.id}.effects.{name}"]
            if name == "monitoring":
                st.monitor = clip(v, 0.0, 1.0)
            else:
                st.params[name] = v
        if e.kind == "leak":
            st.leaked[idx if idx else flatnonzero(ctx.parties)] = True
        if e.kind == "office-closure" and "monitoring" not in e.effects:
            st.monitor = st.monitor * (1.0 - st.params["mandate_veto_loss"])
        if e.kind == "mediator-breakup":
            st.excluded[idx] = True
        imposed = ctx.history.imposes(when) or (ctx.decisions is not None and e.id in ctx.decisions.imposed_events)
        if imposed:
            fight = e.fighting_effect
            if fight in ("starts", "flare"):
                # fighting begins at the event's date: what is in force then breaks down (an
                # agreement a later event of the same step signs is not touched)
                new = ~st.fighting
                broke = st.book.break_down(new)
                if say.on and broke[0].any():
                    say(ev.Breakdown(_r(when), agreements=[TYPES[j] for j in flatnonzero(broke[0])], cause="fighting"))
            if fight in ("starts", "flare"):
                st.forced_time = when if math.isnan(st.forced_time) else min(st.forced_time, when)
            if fight == "starts":
                st.forced_start |= new
                st.fighting[:] = True
                st.war_imposed[:] = True
            elif fight == "flare":
                st.forced_flare |= new
            elif fight == "ends":
                st.fought_this_step |= st.fighting
                st.fighting[:] = False
                st.war_imposed[:] = False
            if e.status_quo:
                new_sq = st.sq.copy()
                for issue in e.status_quo:
                    new_sq[:, ctx.issue_ids.index(issue)] = values[f"events.{e.id}.status_quo.{issue}"]
                st.sq = new_sq
            if e.agreement is not None:
                expires = st.t + st.params["process_duration"] if e.agreement in ("process", "renewal") else np.inf
                st.book.sign(
                    e.agreement,
                    np.ones(D, dtype=bool),
                    when,
                    expires,
                    peacekeeping=bool(e.peacekeeping),
                    third_party=_event_third_party(ctx, e),
                )
            if e.switch_format is not None:
                st.fmt[:] = ctx.chain.index(e.switch_format)
            if e.kind == "resignation":
                st.pos[:, idx] = st.piv[:, idx]
        if say.on:
            say(
                ev.DatedEvent(
                    _r(when),
                    id=e.id,
                    event=e.kind,
                    label=e.label,
                    actors=list(e.actors),
                    outcome_imposed=imposed,
                    status_quo={i: _r(values[f"events.{e.id}.status_quo.{i}"][0]) for i in e.status_quo}
                    if imposed
                    else {},
                    switch_format=e.switch_format if imposed else None,
                    imposed=imposed,
                )
            )
    del I, rec
    return st


def _event_third_party(ctx: Context, e: Event) -> bool:
    """Whether an event's agreement has a third party: as the event says, else a non-party among its actors."""
    if e.third_party is not None:
        return e.third_party
    actors = {a.id: a for a in ctx.scenario.actors}
    return any(a in actors and "party" not in actors[a].roles for a in e.actors)


def power_balance(ctx: Context, st: StepState, say: Narrator) -> tuple[StepState, Power]:
    """Stocks, the contest, the anticipated shift, and war values of leaders and pivots."""
    D, A = ctx.draws, ctx.A
    p = st.params
    flows = ctx.flows(st.t)
    delta = p["stock_depreciation"]
    s = ctx.sides
    p_now = np.empty((2, D))  # P(high side wins) now and projected
    if s is not None:
        # the stocks and both contests in one kernel: the bits of advance_stock, projected_stock
        # and win_probability, without their ~30 NumPy calls
        from accord.simulation import _contest  # numba loads on first use

        stock = np.empty((D, A))
        horizon, exponent = p["anticipation_years"], p["contest_exponent"]
        _contest.contest(st.stock, flows, delta, ctx.dt, st.k == 0, horizon, exponent, s.masks, stock, p_now)
        st.stock = stock
    elif st.k == 0:
        st.stock = flows / delta[:, None]
    else:
        st.stock = advance_stock(st.stock, flows, delta, ctx.dt)
    if st.conflict_year is not None:
        st.conflict_year.capability(flows, st.k, ctx.dt)
    if s is None:
        u_sq = utility(st.sq[:, None], st.sq[:, None], st.pos, st.sal)[:, 0]
        u_sq_piv = utility(st.sq[:, None], st.sq[:, None], st.piv, st.sal)[:, 0]
        none = np.full((D, A), -np.inf)
        zero = np.zeros(D)
        return st, Power(
            np.full(D, 0.5),
            np.full(D, 0.5),
            np.full((D, A), 0.5),
            u_sq,
            none,
            np.zeros((D, A)),
            u_sq_piv,
            none,
            zero,
            zero,
            none,
        )
    p_hi, p_fut = p_now
    # one utility call: the status quo and the two outcomes of war, for leaders and pivots (each
    # utility is computed per actor and outcome alone, so the bits are those of six calls); its
    # texts and the leaders' and pivots' points side by side come from one kernel, the war values
    # from another (elementwise, NumPy's operations: the bits of war_outcomes and war_values_of)
    texts, who, weights = np.empty((D, 3, ctx.I)), np.empty((D, 2 * A, ctx.I)), np.empty((D, 2 * A, ctx.I))
    _contest.war_inputs(st.sq, st.pos, st.piv, st.sal, s.leads, ctx.war_issues, texts, who, weights)
    u = utility(texts, texts, who, weights)
    p_bel, values, stake, incentive = np.empty((D, A)), np.empty((D, 2, A)), np.empty((D, A)), np.empty((D, A))
    _contest.war_values(p_hi, s.sign, st.optimism, u, ctx.combatants, p["war_cost"], p_bel, values, stake, incentive)
    u_sq, u_sq_piv = u[:, 0, :A], u[:, 0, A:]
    u_war, u_war_piv = values[:, 0], values[:, 1]
    gap = np.maximum(np.where(ctx.combatants, incentive, 0.0).max(axis=1), 0.0)
    shift = p_fut - p_hi
    decline_hi, decline_lo = np.maximum(-shift, 0.0), np.maximum(shift, 0.0)
    commitment = np.maximum(decline_hi * stake[:, s.lead_high], decline_lo * stake[:, s.lead_low])
    power = Power(p_hi, p_fut, p_bel, u_sq, u_war, stake, u_sq_piv, u_war_piv, gap, commitment, incentive)
    if say.on:
        escalating = incentive[0] > p["escalation_threshold"][0]
        for a in flatnonzero(escalating != st.escalating):
            side_p = p_bel[0, a] if s.high[a] else 1.0 - p_bel[0, a]
            say(
                ev.Escalation(
                    _r(st.t),
                    actor=ctx.actor_ids[a],
                    war_value=_r(u_war[0, a]),
                    status_quo_value=_r(u_sq[0, a]),
                    p_win=_r(side_p),
                    rising=bool(escalating[a]),
                )
            )
        st.escalating = escalating
    return st, power


def organisation(ctx: Context, st: StepState, power: Power, say: Narrator) -> StepState:
    """The organisation renews the monitoring mandate; a voter expecting to gain from war blocks it."""
    p, dt = st.params, ctx.dt
    for fi, ti in enumerate(ctx.format_tables):
        table = ctx.tables[ti]
        infmt = st.fmt == fi
        if not infmt.any():
            continue
        nominal = ctx.monitoring[:, fi]
        if table.org_rule is None:
            st.monitor = np.where(infmt, np.minimum(st.monitor, nominal), st.monitor)
            continue
        yes = ~(power.incentive > p["escalation_threshold"][:, None])
        decision = table.org_rule.decide(yes)
        level = st.monitor
        down = level * np.maximum(1.0 - p["mandate_veto_loss"] * dt, 0.0)
        up = np.where(level > nominal, nominal, np.minimum(level + p["mandate_recovery"] * dt, nominal))
        st.monitor = np.where(infmt, np.where(decision.passed, up, down), level)
        if say.on and infmt[0] and not decision.passed[0]:
            say(
                ev.MandateBlocked(
                    _r(st.t),
                    format=table.id,
                    blocked_by=[ctx.actor_ids[a] for a in flatnonzero(decision.objectors[0])],
                    monitoring=_r(st.monitor[0]),
                )
            )
    return st


def _information_layout(ctx: Context, s: Sides) -> tuple[np.ndarray, np.ndarray, list[np.ndarray | None]]:
    """What :func:`information` reads that does not change during a run (found at its first call):
    the combatants, each one's ``(own, other side's leader)`` kernel indices ``(C, 2)``, and per
    format the seated mediators who are not parties (None: none sit; exclusions are per step)."""
    if ctx._information is None:
        comb = flatnonzero(ctx.combatants)
        pairs = np.stack([comb, np.where(s.high[comb], s.lead_low, s.lead_high)], axis=1)
        seated: list[np.ndarray | None] = []
        for ti in ctx.format_tables:
            m = ctx.tables[ti].seats & ~ctx.parties & ctx.mediators
            seated.append(m if m.any() else None)
        ctx._information = (comb, pairs, seated)
    return ctx._information


def information(ctx: Context, st: StepState, say: Narrator) -> StepState:
    """Mediators seated at the format's table correct the combatants' optimism (Kydd 2003)."""
    s = ctx.sides
    if s is None:
        return st
    D, A = ctx.draws, ctx.A
    comb, pairs, seated = _information_layout(ctx, s)
    from accord.simulation import _information  # numba loads on first use

    best_c = np.zeros((D, comb.size))  # the best credibility with each combatant so far
    who_c = np.full((D, comb.size), -1)  # and its mediator
    for fi, base in enumerate(seated):
        if base is None:
            continue
        seated_med = base & ~st.excluded
        if not seated_med.any():
            continue
        infmt = st.fmt == fi
        if not infmt.any():
            continue
        # every (mediator, combatant) pair, the mediators in order, each replacing the best where
        # strictly better (one kernel: the bits of bias_toward and credibility per pair)
        _information.most_credible(st.pos, st.sal, flatnonzero(seated_med), pairs, infmt, best_c, who_c)
    best = np.zeros((D, A))
    best[:, comb] = best_c
    before = st.optimism
    st.optimism = update_optimism(st.optimism, best, st.params["information_rate"], ctx.dt)
    if say.on:
        who = np.full((D, A), -1)
        who[:, comb] = who_c
        for a in flatnonzero(np.abs(before[0] - st.optimism[0]) > 0.005):
            say(
                ev.OptimismCorrected(
                    _r(st.t),
                    party=ctx.actor_ids[a],
                    mediator=ctx.actor_ids[int(who[0, a])],
                    before=_r(before[0, a]),
                    after=_r(st.optimism[0, a]),
                )
            )
    return st


def incidents(ctx: Context, st: StepState, power: Power, streams: Streams, say: Narrator) -> np.ndarray:
    """Ceasefire incidents in the step ``(D,)``: Poisson, rising with the gap, damped by monitoring."""
    p = st.params
    lam = (p["incident_rate"] + p["incident_tension"] * power.gap) * (1.0 - p["monitoring_effect"] * st.monitor)
    lam = np.where(st.fighting, 0.0, clip(lam, 0.0, 1e6)) * ctx.dt
    rng = streams.rng("incidents", st.k)
    # one draw: NumPy's scalar path (the same variate and checks; an array's costs ~5 µs more)
    n = rng.poisson(lam.item(), 1) if lam.size == 1 else rng.poisson(lam)
    if say.on and n[0] > 0:
        say(ev.Incidents(_r(st.t), count=int(n[0]), monitoring=_r(st.monitor[0])))
    return np.asarray(n)


def risk(ctx: Context, st: StepState, power: Power, n_incidents: np.ndarray) -> Power:
    """The step's hazard of fighting (:mod:`accord.simulation.hazards`: the fitted logit whose risk
    set holds the panel's state of the conflict - breakdown, onset or fighting - plus the engine's
    terms, off by default) and, from it, every leader's and
    pivot's value of no agreement: the status quo while it lasts, with the chance that war comes
    anyway within ``anticipation_years`` (:func:`~accord.mechanisms.ratification.reversion_value`)."""
    D = ctx.draws
    p = st.params
    if st.conflict_year is None:
        p_year = np.zeros(D)
        power.hazard_model = np.full(D, -1)
    else:
        terms = {
            "gap": power.gap,
            "monitoring": st.monitor,
            "incidents": n_incidents / ctx.dt,
            "commitment": power.commitment,
        }
        cy = st.conflict_year
        power.panel_state = cy.state()
        eta, power.hazard_model = hazards.hazard_logit(
            power.panel_state, ctx.hazard_coef, p, terms, rows=cy.rows(), cache=cy.logit_cache
        )
        p_year = hazards.logistic(eta)
    power.onset_year = p_year
    # p_year is logistic's (or 0): in [0, 1] or NaN, where per_step's clip returns its input
    # bit for bit, so per_step is computed here on the 1 - p_year that q needs too
    stay = 1.0 - p_year
    power.p_onset = 1.0 - fp.power(stay, ctx.dt)
    q = 1.0 - fp.power(stay, np.maximum(p["anticipation_years"], 0.0))
    # leaders and pivots in one call (elementwise: the bits of two calls)
    a = power.u_sq.shape[1]
    r = reversion_value(
        np.concatenate([power.u_sq, power.u_sq_piv], axis=1), np.concatenate([power.u_war, power.u_war_piv], axis=1), q
    )
    # contiguous as before for the later phases (no copy at D = 1, where a row is contiguous)
    power.r_lead, power.r_piv = np.ascontiguousarray(r[:, :a]), np.ascontiguousarray(r[:, a:])
    return power


def war(
    ctx: Context,
    st: StepState,
    power: Power,
    n_incidents: np.ndarray,
    rec: Record,
    streams: Streams,
    say: Narrator,
    proposal_ids: dict[str, int],
) -> StepState:
    """Onset (hazard or history), breakdown, the front, victory, ceasefire talks, format switch."""
    D = ctx.draws
    p, s = st.params, ctx.sides
    p_on = power.p_onset if power.p_onset is not None else np.zeros(D)
    quiet_at_start = ~st.fighting | st.forced_start
    p_on = np.where(st.forced_start | st.forced_flare, 1.0, np.where(quiet_at_start, p_on, 0.0))
    rec.p_onset[:, st.k] = p_on
    u = streams.rng("war-onset", st.k).random(D)
    # an imposed flare-up sets p_on to 1 for the record but is over within the step: only the
    # hazard's own onsets (not the imposed ones) start fighting that carries on
    forced = st.forced_start | st.forced_flare
    drawn = ~st.fighting & ~st.fought_this_step & ~forced & (u < p_on) & (s is not None)
    onset = drawn | st.forced_start | st.forced_flare
    st.fighting = st.fighting | drawn
    st.onset_this_step = onset
    if any_nonzero(onset):
        broke = st.book.break_down(drawn)  # imposed onsets broke what was in force at their date
        rec.wars += onset
        when = np.where(forced & ~np.isnan(st.forced_time), st.forced_time, st.t)
        rec.first_war = np.where(onset & np.isnan(rec.first_war), when, rec.first_war)
        if say.on and onset[0] and s is not None:
            ids = ctx.actor_ids
            say(
                ev.WarStarted(
                    _r(when[0]),
                    p_onset=_r(p_on[0]),
                    side_high=[ids[a] for a in flatnonzero(s.high)],
                    side_low=[ids[a] for a in flatnonzero(s.low)],
                    p_win_high_side=_r(power.p_high[0]),
                    flare=bool(st.forced_flare[0]),
                    imposed=bool(st.forced_start[0] or st.forced_flare[0]),
                )
            )
            if any_nonzero(broke[0]):
                say(ev.Breakdown(_r(st.t), agreements=[TYPES[j] for j in flatnonzero(broke[0])], cause="fighting"))
    fighting = st.fighting & ~st.forced_flare
    st.fought_this_step = st.fought_this_step | st.fighting | onset
    if s is None:
        return st
    # the front: the side that prevails this step takes war_gain·dt of the way on contested issues
    if any_nonzero(fighting):
        share = np.minimum(1.0, p["war_gain"] * ctx.dt)
        x_hi, x_lo = war_outcomes(st.sq, st.pos, s, ctx.war_issues, share)
        hi_prevails = streams.rng("war-front", st.k).random(D) < power.p_high
        moved = np.where(hi_prevails[:, None], x_hi, x_lo)
        st.sq = np.where(fighting[:, None], moved, st.sq)
        # victory: the prevailing side holds every contested issue it fights for
        full_hi, full_lo = war_outcomes(st.sq, st.pos, s, ctx.war_issues)
        won = np.where(hi_prevails, np.abs(full_hi - st.sq).max(axis=1), np.abs(full_lo - st.sq).max(axis=1)) < 0.5
        victory = fighting & won & ~st.war_imposed
        if say.on and fighting[0]:
            lead = s.lead_high if hi_prevails[0] else s.lead_low
            say(ev.Fighting(_r(st.t), prevails=ctx.actor_ids[lead], status_quo=_sq_dict(ctx, st)))
        st, ended, where = ceasefire_talks(ctx, st, power, rec, streams, say, proposal_ids)
        ended = (ended | victory) & fighting
        st.fighting = st.fighting & ~ended
        if say.on and ended[0]:
            how = "ceasefire" if not victory[0] else "victory"
            say(
                ev.WarEnded(
                    _r(st.t), how=how, table=where[0] if how == "ceasefire" else None, status_quo=_sq_dict(ctx, st)
                )
            )
        if any_nonzero(ended):
            _after_war(ctx, st, ended, say)
    # an agreement cannot stay in force while the sides go on fighting (e.g. a dated text
    # signed during a war that did not end it)
    st.book.break_down(st.fighting)
    return st


def _after_war(ctx: Context, st: StepState, ended: np.ndarray, say: Narrator) -> None:
    nxt = np.array([ctx.chain.index(f.after_war) if f.after_war is not None else fi for fi, f in enumerate(ctx.specs)])
    before = st.fmt.copy()
    st.fmt = np.where(ended, nxt[st.fmt], st.fmt)
    if say.on and ended[0] and st.fmt[0] != before[0]:
        say(ev.FormatSwitch(_r(st.t), to=ctx.specs[int(st.fmt[0])].id, reason="after the war"))


def record(ctx: Context, st: StepState, power: Power, rec: Record, say: Narrator) -> StepState:
    """The step's outcomes, and draw 0's step summary."""
    k = st.k
    fought = st.fought_this_step | st.fighting
    st.last_fighting = np.where(fought, st.t, st.last_fighting)
    if st.conflict_year is not None:
        st.conflict_year.end_step(fought, st.book)
    rec.fighting[:, k] = fought
    rec.onset[:, k] = st.onset_this_step
    gone = st.book.lapse(st.t + ctx.dt)
    if say.on and gone[0].any():
        say(ev.Lapse(_r(st.t), agreements=[TYPES[j] for j in flatnonzero(gone[0])]))
    rec.signed[:, k] = st.book.step_signed
    rec.in_force[:, k] = st.book.in_force
    rec.broken[:, k] = st.book.step_broken
    rec.sq[:, k] = st.sq
    rec.fmt_by[:, k] = st.fmt
    if say.on:
        s = ctx.sides
        say(
            ev.Step(
                _r(st.t),
                format=ctx.specs[int(st.fmt[0])].id,
                fighting=bool(fought[0]),
                p_onset=_r(rec.p_onset[0, k]),
                p_win={
                    ctx.actor_ids[s.lead_high]: _r(power.p_high[0]),
                    ctx.actor_ids[s.lead_low]: _r(1 - power.p_high[0]),
                }
                if s
                else {},
                status_quo=_sq_dict(ctx, st),
                monitoring=_r(st.monitor[0]),
                in_force=[TYPES[j] for j in flatnonzero(st.book.in_force[0])],
            )
        )
    return st


# -- the process -------------------------------------------------------------------------------


class Process:
    """``D`` replays of one compiled scenario (:class:`~accord.simulation.context.Context`).

    Parameters
    ----------
    ctx: the compiled scenario and run settings; streams: the process's random streams;
    log: narrates draw 0 as typed records (None: no narration, no cost).
    observe: called each step with the state the negotiators face (after the risk phase, before
        texts are tabled): what a training seat's brief reads (read-only; None: no cost).
    """

    def __init__(self, ctx: Context, streams: Streams, log: ev.Log | None, observe: Observer | None = None) -> None:
        self.ctx, self.streams, self.say = ctx, streams, Narrator(log)
        self.observe = observe
        self.proposal_ids = self._proposal_ids()

    def _proposal_ids(self) -> dict[str, int]:
        ctx = self.ctx
        ids = [p.id for p in ctx.proposals]
        for table in ctx.tables:
            seq = [f"gen.{table.id}.joint", f"gen.{table.id}.joint.partial"]
            for m in table.proposers:
                seq += [f"gen.{ctx.actor_ids[m]}", f"gen.{ctx.actor_ids[m]}.partial"]
            seq += ["gen.nash", "gen.nash.partial"]
            seq += [f"gen.{table.id}.process", f"gen.{table.id}.renewal", f"gen.{table.id}.ceasefire"]
            ids += [x for x in seq if x not in ids]
        ids.append("gen.implementation")
        if ctx.decisions is not None:
            ids += [t.id for t in ctx.decisions.texts if t.id not in ids]
        return {p: k for k, p in enumerate(ids)}

    def initial_state(self) -> StepState:
        ctx = self.ctx
        D, A, I = ctx.draws, ctx.A, ctx.I  # noqa: E741
        values = ctx.values
        params = {n: values.get(f"parameters.{n}", np.full(D, spec.default)).copy() for n, spec in PARAMETERS.items()}
        actors = [ctx.scenario.actor(a) for a in ctx.actor_ids]
        pos = np.zeros((D, A, I))
        sal = np.zeros((D, A, I))
        for k, actor in enumerate(actors):
            for i, issue in enumerate(ctx.issue_ids):
                if issue in actor.positions:
                    pos[:, k, i] = values[f"actors.{actor.id}.positions.{issue}"]
                    sal[:, k, i] = values[f"actors.{actor.id}.salience.{issue}"]
        piv = pos.copy()
        optimism = np.zeros((D, A))
        audience = np.zeros((D, A))
        removal = np.zeros((D, A))
        for k, actor in enumerate(actors):
            dom = actor.domestic
            if dom is not None:
                for issue in dom.pivot:
                    piv[:, k, ctx.issue_ids.index(issue)] = values[f"actors.{actor.id}.domestic.pivot.{issue}"]
            audience[:, k] = (
                values[f"actors.{actor.id}.domestic.audience_cost"]
                if dom is not None and dom.audience_cost is not None
                else params["audience_cost_default"]
            )
            removal[:, k] = (
                values[f"actors.{actor.id}.domestic.removal_risk"]
                if dom is not None and dom.removal_risk is not None
                else params["removal_risk_default"]
            )
            if ctx.combatants[k]:
                optimism[:, k] = (
                    values[f"actors.{actor.id}.optimism"] if actor.optimism is not None else params["optimism_default"]
                )
        sq = np.full((D, I), np.nan)
        for i, iss in enumerate(ctx.scenario.issues):
            if iss.status_quo is not None:
                sq[:, i] = values[f"issues.{iss.id}.status_quo"]
        if np.isnan(sq).any():
            comp = compromise_position(np.maximum(ctx.flows(ctx.start), 1e-9), pos, sal)
            sq = np.where(np.isnan(sq), np.where(np.isnan(comp), 50.0, comp), sq)
        return StepState(
            t=float(ctx.years[0]),
            k=0,
            params=params,
            sq=sq,
            pos=pos,
            sal=sal,
            piv=piv,
            optimism=optimism,
            audience_cost=audience,
            removal_risk=removal,
            stock=np.zeros((D, A)),
            fighting=np.zeros(D, dtype=bool),
            war_imposed=np.zeros(D, dtype=bool),
            last_fighting=np.full(D, np.nan),
            fmt=np.zeros(D, dtype=np.int64),
            excluded=np.zeros(A, dtype=bool),
            monitor=ctx.monitoring[:, 0].copy(),
            book=AgreementBook(D),
            pending_time=np.full((D, I), np.nan),
            pending_value=np.full((D, I), np.nan),
            pending_table=np.full(D, -1, dtype=np.int64),
            pending_pk=np.zeros(D, dtype=bool),
            leaked=np.zeros(A, dtype=bool),
            escalating=np.zeros(A, dtype=bool),
            conflict_year=(
                ConflictYear(ctx.traits, ctx.actor_ids, ctx.capability_given, D, ctx.start, round(1.0 / ctx.dt))
                if ctx.traits is not None
                else None
            ),
        )

    def run(self) -> BatchResult:
        """Run every step and return the batch's outcomes."""
        ctx, say, streams = self.ctx, self.say, self.streams
        rec = Record(ctx.draws, ctx.steps, ctx.A, ctx.I)
        st = self.initial_state()
        spec0 = ctx.specs[0]
        if say.on:
            say(
                ev.Start(
                    _r(ctx.years[0]),
                    format=spec0.id,
                    format_label=spec0.label,
                    history=ctx.history.label,
                    status_quo=_sq_dict(ctx, st),
                )
            )
        traj_pos = np.zeros((ctx.steps, ctx.A, ctx.I))
        traj_monitor = np.zeros(ctx.steps)
        traj_p = np.zeros((ctx.steps, 2))
        traj_format: list[str] = []
        traj_hazard = np.zeros(ctx.steps)
        traj_model: list[str | None] = []
        traj_cov: dict[str, np.ndarray] = {}
        for k in range(ctx.steps):
            st.t, st.k = float(ctx.years[k]), k
            st.book.new_step()
            D = ctx.draws
            st.forced_start = np.zeros(D, dtype=bool)
            st.forced_flare = np.zeros(D, dtype=bool)
            st.fought_this_step = np.zeros(D, dtype=bool)
            st.onset_this_step = np.zeros(D, dtype=bool)
            st.forced_time = math.nan
            if st.conflict_year is not None:
                st.conflict_year.begin_step(st.t)
            st = dated_changes(ctx, st, say)
            st = dated_events(ctx, st, say, rec)
            st, power = power_balance(ctx, st, say)
            st = organisation(ctx, st, power, say)
            st = information(ctx, st, say)
            n_inc = incidents(ctx, st, power, streams, say)
            power = risk(ctx, st, power, n_inc)
            if self.observe is not None:
                self.observe(ctx, st, power)
            if power.panel_state is not None:
                for name, v in power.panel_state.items():
                    col = traj_cov.get(name)
                    if col is None:  # (not setdefault: its default would be built every step)
                        col = traj_cov[name] = np.zeros(ctx.steps)
                    col[k] = v[0]
            traj_hazard[k] = power.onset_year[0] if power.onset_year is not None else 0.0
            m = int(power.hazard_model[0]) if power.hazard_model is not None else -1
            traj_model.append(hazards.USED[m] if m >= 0 else None)
            st = implement_due(ctx, st, power, rec, streams, say, self.proposal_ids)
            st = negotiate(ctx, st, power, rec, streams, say, self.proposal_ids)
            st = war(ctx, st, power, n_inc, rec, streams, say, self.proposal_ids)
            st = record(ctx, st, power, rec, say)
            traj_pos[k] = st.pos[0]
            traj_monitor[k] = st.monitor[0]
            traj_p[k] = (power.p_high[0], power.p_future[0])
            traj_format.append(ctx.specs[int(st.fmt[0])].id)
        result = self._result(st, rec, traj_pos, traj_monitor, traj_p, traj_format)
        # draw 0's yearly hazard of fighting (the model's, before history imposes anything), the
        # fitted hazard it came from and the panel state it was computed on
        result.trajectory["onset_hazard"] = traj_hazard
        result.trajectory["hazard_model"] = traj_model
        result.trajectory["hazard_state"] = traj_cov
        return result

    def _result(
        self,
        st: StepState,
        rec: Record,
        traj_pos: np.ndarray,
        traj_monitor: np.ndarray,
        traj_p: np.ndarray,
        traj_format: list[str],
    ) -> BatchResult:
        ctx = self.ctx
        settled = rec.signed[:, :, [TYPES.index("partial"), TYPES.index("comprehensive")]].any(axis=2)
        return BatchResult(
            years=ctx.years,
            actor_ids=ctx.actor_ids,
            issue_ids=ctx.issue_ids,
            proposal_ids=tuple(self.proposal_ids),
            format_ids=tuple(ctx.chain),
            agreement_types=TYPES,
            history=ctx.history.label,
            inputs={},
            agreement=rec.settlement,
            agreement_year=rec.settlement_year,
            agreement_proposal=rec.settlement_proposal,
            terms=rec.terms,
            wars=rec.wars,
            first_war_year=rec.first_war,
            agreement_by_year=np.logical_or.accumulate(settled, axis=1),
            war_by_year=np.logical_or.accumulate(rec.onset, axis=1),
            fighting_by_year=rec.fighting,
            onset_by_year=rec.onset,
            p_onset_by_year=rec.p_onset,
            signed_by_year=rec.signed,
            in_force_by_year=rec.in_force,
            breakdown_by_year=rec.broken,
            first_signed=st.book.first,
            signed_count=st.book.signed,
            vetoes=rec.vetoes,
            veto_reasons=rec.reasons,
            removals=rec.removals,
            unbound=rec.unbound,
            passed_unbound=rec.passed_unbound,
            final_status_quo=st.sq,
            final_format=st.fmt,
            status_quo_by_year=rec.sq,
            trajectory={
                "years": ctx.years.copy(),
                "status_quo": rec.sq[0].copy(),
                "p_onset": rec.p_onset[0].copy(),
                "fighting": rec.fighting[0].copy(),
                "positions": traj_pos,
                "monitoring": traj_monitor,
                "p_win_high": traj_p[:, 0],
                "p_win_high_projected": traj_p[:, 1],
                "format": traj_format,
                "in_force": rec.in_force[0].copy(),
            },
        )
