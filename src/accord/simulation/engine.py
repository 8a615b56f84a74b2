"""The mediation process as a time-stepped kernel, vectorized over draws: :func:`run_batch`.

Each step (one year, half-year, quarter or month as the scenario says):

1. **Dated events** apply: effects on named parameters or monitoring, a new status quo
   (statements, wars when ``history_events`` is 1), resignations (the successor's win-set
   shrinks), leaks, office closures, format changes, a co-chair breakup.
2. **Power and war values.** Capabilities (e.g. yearly SIPRI series) give each side's win
   probability by a ratio contest; a war moves the status quo toward the winner by ``war_gain``;
   each belligerent's war value is its expected utility of that lottery minus ``war_cost``
   (Fearon 1995, 'Rationalist explanations for war', Int. Organization 49(3)).
3. **Organisation decisions.** Voters of the format's organisation rule (OSCE: consensus of
   participating states) renew the monitoring mandate each step; a party that expects to gain
   from war blocks it (seed 001: office closures under consensus), and capacity erodes.
4. **Incidents** on the line of contact: Poisson, rising with tension (the largest war
   incentive), damped by monitoring.
5. **Negotiation** (until an agreement): the scenario's proposals dated in the step, else the
   format's generated proposals (:mod:`accord.mechanisms.proposals`); every voter answers
   (:func:`accord.mechanisms.decisions.answer`, the two-level game of Putnam 1988) and the
   format's rule aggregates (:func:`accord.mechanisms.decisions.aggregate`). Under
   ``conference_signing`` the organisation must also agree to convene the signing conference.
6. **Deferred terms** fall due and are implemented with probability ``credibility``.
7. **War onset** is a hazard: a base rate, plus the belligerents' incentive (war value above
   status-quo utility), plus the yearly shift in win probability (the commitment problem
   under shifting power, Powell 2006, 'War as a commitment problem', Int. Organization 60(1)),
   plus incidents; lower once an agreement is in force. A war moves the status quo by its
   outcome, ends in a ceasefire, and may switch the format (``after_war``).

One kernel serves a single replay (``draws=1`` with an event log) and a sweep; there are no
Python loops over draws or actor pairs. Loops run over steps, formats and proposals only.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from accord.mechanisms import decisions as dec
from accord.mechanisms.formats import FormatSpec, format_chain, resolve_format
from accord.mechanisms.proposals import CompiledProposal, candidates, choose_draft, nash_choice, value_of
from accord.mechanisms.utility import utility, weighted_distance
from accord.models.compromise import compromise_position
from accord.scenario.quantity import Quantity
from accord.scenario.schema import Scenario, Series, date_to_year
from accord.simulation import war
from accord.simulation.inputs import draw_inputs
from accord.simulation.parameters import PARAMETERS, unknown_parameters

__all__ = ["BatchResult", "EngineError", "run_batch"]

Log = Callable[..., None]


class EngineError(ValueError):
    """The scenario cannot be run (unknown parameter, format or effect); the message names the field."""


@dataclass
class BatchResult:
    """Outcomes of ``D`` replays of one scenario under one starting format.

    See the simulation contract: ``years (Y,)``, ``actor_ids``, ``issue_ids``, ``proposal_ids``
    (scheduled proposals, then generated ones by a stable label ``gen.ACTOR``, ``gen.FORMAT.joint``,
    ``gen.nash``), ``inputs`` (drawn value of each uncertain or overridden input, ``(D,)``),
    ``agreement (D,)``, ``agreement_year (D,)``, ``agreement_proposal (D,)``, ``terms (D, I)``,
    ``wars (D,)``, ``first_war_year (D,)``, ``agreement_by_year (D, Y)``, ``war_by_year (D, Y)``,
    ``vetoes (D, A, I)``, ``final_status_quo (D, I)``. Additions: ``format_ids`` (the starting
    format first, then those reachable), ``final_format (D,)`` (index into ``format_ids``),
    ``p_war_by_year (D, Y)`` (probability of war onset in each step), ``status_quo_by_year
    (D, Y, I)`` (the status quo at the end of each step) and ``removals (D, A)`` (leaders removed
    for signing beyond their win-set).
    """

    years: np.ndarray
    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    proposal_ids: tuple[str, ...]
    format_ids: tuple[str, ...]
    inputs: dict[str, np.ndarray]
    agreement: np.ndarray
    agreement_year: np.ndarray
    agreement_proposal: np.ndarray
    terms: np.ndarray
    wars: np.ndarray
    first_war_year: np.ndarray
    agreement_by_year: np.ndarray
    war_by_year: np.ndarray
    vetoes: np.ndarray
    final_status_quo: np.ndarray
    final_format: np.ndarray
    p_war_by_year: np.ndarray
    status_quo_by_year: np.ndarray
    removals: np.ndarray
    trajectory: dict[str, Any] = field(default_factory=dict)

    @property
    def draws(self) -> int:
        return int(self.agreement.shape[0])

    def to_frame(self) -> pd.DataFrame:
        """One row per draw: inputs as ``in.NAME``, outcomes as other columns (arrays flattened:
        ``terms.ISSUE``, ``final_status_quo.ISSUE``, ``vetoes.ACTOR.ISSUE``, ``agreement_by.YEAR``,
        ``war_by.YEAR``, ``p_war.YEAR``, ``sq.YEAR.ISSUE``)."""
        cols: dict[str, Any] = {f"in.{k}": v for k, v in self.inputs.items()}
        cols["agreement"] = self.agreement
        cols["agreement_year"] = self.agreement_year
        idx = self.agreement_proposal
        ids = np.array([*self.proposal_ids, ""], dtype=object)
        cols["agreement_proposal"] = ids[np.where(idx >= 0, idx, len(self.proposal_ids))]
        cols["wars"] = self.wars
        cols["first_war_year"] = self.first_war_year
        cols["final_format"] = np.array(self.format_ids, dtype=object)[self.final_format]
        for i, issue in enumerate(self.issue_ids):
            cols[f"terms.{issue}"] = self.terms[:, i]
            cols[f"final_status_quo.{issue}"] = self.final_status_quo[:, i]
        for a, actor in enumerate(self.actor_ids):
            cols[f"removals.{actor}"] = self.removals[:, a]
            for i, issue in enumerate(self.issue_ids):
                cols[f"vetoes.{actor}.{issue}"] = self.vetoes[:, a, i]
        for y, year in enumerate(self.years):
            label = f"{year:g}"
            cols[f"agreement_by.{label}"] = self.agreement_by_year[:, y]
            cols[f"war_by.{label}"] = self.war_by_year[:, y]
            cols[f"p_war.{label}"] = self.p_war_by_year[:, y]
            for i, issue in enumerate(self.issue_ids):
                cols[f"sq.{label}.{issue}"] = self.status_quo_by_year[:, y, i]
        return pd.DataFrame(cols)


# -- compile --------------------------------------------------------------------------------


def _compile_proposals(scenario: Scenario, values: dict[str, np.ndarray], draws: int) -> list[CompiledProposal]:
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


def _generated_labels(
    scenario: Scenario, spec: FormatSpec, parties: np.ndarray, pvalue: Callable[[str], float]
) -> list[str]:
    ids = scenario.actor_ids
    labels: list[str] = []
    if pvalue("proposal_interval") <= 0 or not spec.proposers:
        return labels
    if pvalue("joint_drafting") > 0.5 and len(spec.proposers) > 1:
        labels.append(f"gen.{spec.id}.joint")
    else:
        labels.extend(f"gen.{ids[m]}" for m in spec.proposers)
    if pvalue("nash_proposals") > 0.5 and any(not parties[m] for m in spec.proposers):
        labels.append("gen.nash")
    return labels


def _check(scenario: Scenario) -> None:
    problems = [f"parameters: {m}" for m in unknown_parameters(list(scenario.parameters))]
    for f in scenario.formats:
        problems += [f"formats.{f.id}.parameters: {m}" for m in unknown_parameters(list(f.parameters))]
    for e in scenario.events:
        names = [n for n in e.effects if n != "monitoring"]
        problems += [f"events.{e.id}.effects: {m} (or 'monitoring')" for m in unknown_parameters(names)]
    if problems:
        raise EngineError("; ".join(problems))


def _fmt_value(
    scenario_fmt_ids: set[str],
    values: dict[str, np.ndarray],
    fid: str,
    key: str,
    q: Quantity | None,
    default: np.ndarray,
) -> np.ndarray:
    name = f"formats.{fid}.{key}"
    if fid in scenario_fmt_ids and name in values:
        return values[name]
    if q is not None:
        return np.full(default.shape, q.nominal)
    return default


def _first(fp: dict[str, np.ndarray], cur: dict[str, np.ndarray]) -> Callable[[str], float]:
    """Format parameter (else the scenario's), draw 0: for choices that shape the proposal list."""
    return lambda n: float(fp.get(n, cur[n])[0])


def _leverage(
    sponsors: list[int],
    parties: np.ndarray,
    cap: np.ndarray,
    mediators: np.ndarray,
    leverage: np.ndarray,
    pos: np.ndarray,
    sal: np.ndarray,
) -> np.ndarray:
    """Each actor's inducement from a proposal's mediators, ``(D, A)``.

    ``leverage`` times the sponsoring mediators' share of the capability of the mediators at the
    table, times the actor's trust in them: its utility of their (capability-weighted) position.
    A mediator's assurances and pressure carry weight with the side it is close to, less with the
    other (Kydd 2003, 'Which side are you on? Bias, credibility, and mediation', AJPS 47(4)).
    """
    spons = np.zeros(parties.shape[0], dtype=bool)
    spons[[s for s in sponsors if not parties[s]]] = True
    if not spons.any():
        return np.zeros(pos.shape[:2])
    w = cap * spons
    share = w.sum(axis=1) / np.maximum((cap * mediators).sum(axis=1), 1e-12)
    where = (w[:, :, None] * pos).sum(axis=1) / np.maximum(w.sum(axis=1), 1e-12)[:, None]
    trust = utility(where[:, None], where[:, None], pos, sal)[:, 0]
    return np.asarray((leverage * share)[:, None] * trust)


# -- the kernel -----------------------------------------------------------------------------


def run_batch(
    scenario: Scenario,
    *,
    format: str | None = None,
    draws: int,
    seed: int,
    batch_index: int = 0,
    until: float | None = None,
    overrides: dict[str, np.ndarray] | None = None,
    mediator: str | None = None,
    log: Log | None = None,
) -> BatchResult:
    """Run ``draws`` replays of ``scenario`` in one vectorized pass.

    Parameters
    ----------
    format: the starting format (default: the scenario's first ``formats`` entry, else
        ``minsk-group``).
    draws: number of draws ``D``; seed, batch_index: randomness is
        ``SeedSequence(seed, spawn_key=(batch_index,))``, whose child 0 draws the uncertain inputs
        and child 1 the process (common random numbers across formats).
    until: stop at this decimal year (default: the scenario's end).
    overrides: named inputs per draw, shape ``(draws,)`` (see :mod:`accord.simulation.inputs`).
    mediator: actor id of the mediator of a single-mediator format.
    log: called as ``log(t, kind, **details)`` for every happening in draw 0 (the replay's events).

    Memory grows with ``D``: drafting holds about ``D · K · A_t · I`` floats (``K ≈ 11·(A_t + 1)``
    candidate outcomes, ``A_t`` actors at the table), so split very large sweeps into batches
    (``batch_index`` keeps their random streams independent).

    Raises
    ------
    EngineError: unknown parameter, effect, format or mediator.
    """
    if draws < 1:
        raise EngineError(f"draws: expected at least 1, found {draws}")
    _check(scenario)
    fmt0 = format or (scenario.formats[0].id if scenario.formats else "minsk-group")
    try:
        chain = format_chain(scenario, fmt0)
        specs = [resolve_format(scenario, f, mediator=mediator) for f in chain]
    except ValueError as e:
        raise EngineError(str(e)) from e
    ss = np.random.SeedSequence(seed, spawn_key=(batch_index,))
    child_inputs, child_process = ss.spawn(2)
    rng_in = np.random.default_rng(child_inputs)
    rng = np.random.default_rng(child_process)
    try:
        values, drawn = draw_inputs(scenario, rng_in, draws, overrides)
    except (KeyError, ValueError) as e:
        raise EngineError(str(e.args[0]) if e.args else str(e)) from e

    D = draws
    actors = scenario.actors
    A, I = len(actors), len(scenario.issues)  # noqa: E741
    actor_ids = tuple(scenario.actor_ids)
    issue_ids = tuple(scenario.issue_ids)
    emit: Log = log if log is not None else (lambda *a, **k: None)

    def r0(x: Any) -> float:
        return round(float(x), 6)

    # parameters: scenario values (per draw) or defaults; events may change them later
    cur = {n: values.get(f"parameters.{n}", np.full(D, spec.default)) for n, spec in PARAMETERS.items()}
    scen_fmt_ids = {f.id for f in scenario.formats}
    fparams: list[dict[str, np.ndarray]] = []
    for spec in specs:
        fp = {}
        for n, q in spec.parameters.items():
            fp[n] = _fmt_value(scen_fmt_ids, values, spec.id, f"parameters.{n}", q, np.zeros(D))
        fparams.append(fp)

    def par(fi: int, name: str) -> np.ndarray:
        return fparams[fi].get(name, cur[name])

    # actors' stances, capabilities, domestic politics
    roles = [set(a.roles) for a in actors]
    parties = np.array(["party" in r for r in roles])
    combat = np.array(
        [
            ("party" in r or "affected" in r) and a.kind in ("state", "de-facto-authority", "group")
            for a, r in zip(actors, roles, strict=True)
        ]
    )
    pos = np.zeros((D, A, I))
    sal = np.zeros((D, A, I))
    cap_const = np.zeros((D, A))
    series: dict[int, Series] = {}
    winset_base = np.full((D, A), np.inf)
    mood = np.zeros((D, A))
    removal = np.empty((D, A))
    for k, actor in enumerate(actors):
        for i, issue in enumerate(issue_ids):
            if issue in actor.positions:
                pos[:, k, i] = values[f"actors.{actor.id}.positions.{issue}"]
                sal[:, k, i] = values[f"actors.{actor.id}.salience.{issue}"]
        if isinstance(actor.capability, Series):
            series[k] = actor.capability
        elif actor.capability is not None:
            cap_const[:, k] = values[f"actors.{actor.id}.capability"]
        dom = actor.domestic
        if dom is not None and dom.win_set is not None:
            winset_base[:, k] = values[f"actors.{actor.id}.domestic.win_set"]
        elif parties[k] or combat[k]:
            winset_base[:, k] = cur["win_set_default"]
        if dom is not None and dom.mood is not None:
            mood[:, k] = values[f"actors.{actor.id}.domestic.mood"]
        removal[:, k] = (
            values[f"actors.{actor.id}.domestic.removal_risk"]
            if dom is not None and dom.removal_risk is not None
            else cur["removal_risk_default"]
        )

    # status quo: the scenario's, else the compromise of every actor at the start
    sq = np.full((D, I), np.nan)
    for i, iss in enumerate(scenario.issues):
        if iss.status_quo is not None:
            sq[:, i] = values[f"issues.{iss.id}.status_quo"]
    start = date_to_year(scenario.meta.start)
    end = date_to_year(scenario.meta.end)

    def capability(t: float) -> np.ndarray:
        c = cap_const.copy()
        for k, s in series.items():
            c[:, k] = s.at(t)
        return c

    if np.isnan(sq).any():
        comp = compromise_position(np.maximum(capability(start), 1e-9), pos, sal)
        sq = np.where(np.isnan(sq), np.where(np.isnan(comp), 50.0, comp), sq)

    # the two sides of a war, from draw 0 (sides are the same in every draw)
    war_sides = war.sides(pos[0], sal[0], parties, combat)
    can_war = war_sides is not None
    lead_lo = war_sides.lead_low if war_sides is not None else 0
    lead_hi = war_sides.lead_high if war_sides is not None else 0
    side_lo = war_sides.low if war_sides is not None else np.zeros(A, dtype=bool)
    side_hi = war_sides.high if war_sides is not None else np.zeros(A, dtype=bool)

    proposals = _compile_proposals(scenario, values, D)
    gen_labels: list[str] = []
    for fi, spec in enumerate(specs):
        for lab in _generated_labels(scenario, spec, parties, _first(fparams[fi], cur)):
            if lab not in gen_labels:
                gen_labels.append(lab)
    proposal_ids = tuple([p.id for p in proposals] + gen_labels)
    prop_index = {p: k for k, p in enumerate(proposal_ids)}

    # steps
    dt = 1.0 / scenario.meta.steps_per_year
    stop = end if until is None else min(end, until)
    T = max(1, math.ceil((stop - start) / dt - 1e-9))
    years = start + dt * np.arange(T)

    def in_step(when: float, k: int) -> bool:
        lo_t = -math.inf if k == 0 else years[k]
        return bool(lo_t <= when < years[k] + dt - 1e-9)

    events = sorted(scenario.events, key=lambda e: date_to_year(e.date))

    # state
    fmt = np.zeros(D, dtype=np.int64)
    monitoring = np.stack(
        [_fmt_value(scen_fmt_ids, values, s.id, "monitoring", s.monitoring, cur["monitoring_default"]) for s in specs],
        1,
    )
    leak_risk = np.stack(
        [_fmt_value(scen_fmt_ids, values, s.id, "leak_risk", s.leak_risk, np.zeros(D)) for s in specs], 1
    )
    monitor_level = monitoring[:, 0].copy()
    winset_factor = np.ones((D, A))
    excluded = np.zeros(A, dtype=bool)
    agreed = np.zeros(D, dtype=bool)
    agreement_year = np.full(D, np.nan)
    agreement_prop = np.full(D, -1, dtype=np.int64)
    terms = np.full((D, I), np.nan)
    wars = np.zeros(D, dtype=np.int64)
    first_war = np.full(D, np.nan)
    vetoes = np.zeros((D, A, I), dtype=np.int64)
    removals = np.zeros((D, A), dtype=np.int64)
    agreement_by = np.zeros((D, T), dtype=bool)
    war_by = np.zeros((D, T), dtype=bool)
    p_war_by = np.zeros((D, T))
    sq_by = np.zeros((D, T, I))
    pend_time = np.full((D, I), np.nan)
    pend_val = np.full((D, I), np.nan)
    pend_ok = np.zeros((D, I), dtype=bool)
    p_prev: np.ndarray | None = None
    escalating_prev = np.zeros(A, dtype=bool)
    traj_sq = np.zeros((T, I))
    traj_pos = np.zeros((T, A, I))
    traj_monitor = np.zeros(T)
    traj_incidents = np.zeros(T)
    traj_format: list[str] = []

    emit(
        years[0],
        "start",
        format=specs[0].id,
        format_label=specs[0].label,
        status_quo=dict(zip(issue_ids, map(r0, sq[0]), strict=True)),
    )

    for k in range(T):
        t = float(years[k])
        forced_war = np.zeros(D, dtype=bool)
        forced_sq = np.full((D, I), np.nan)
        leaked_actors = np.zeros(A, dtype=bool)

        # 1. dated events
        for ev in events:
            when = date_to_year(ev.date)
            if not in_step(when, k):
                continue
            idx = [actor_ids.index(a) for a in ev.actors]
            for name in ev.effects:
                v = values[f"events.{ev.id}.effects.{name}"]
                if name == "monitoring":
                    monitor_level = np.clip(v, 0.0, 1.0).copy()
                else:
                    cur[name] = v
            history = cur["history_events"] > 0.5
            new_sq = np.full((D, I), np.nan)
            for issue, _q in ev.status_quo.items():
                new_sq[:, issue_ids.index(issue)] = values[f"events.{ev.id}.status_quo.{issue}"]
            if ev.kind == "war":
                forced_war |= history
                forced_sq = np.where(history[:, None] & ~np.isnan(new_sq), new_sq, forced_sq)
            elif ev.status_quo:
                sq = np.where(history[:, None] & ~np.isnan(new_sq), new_sq, sq)
            if ev.kind == "resignation":
                winset_factor[:, idx] *= cur["successor_winset"][:, None]
            if ev.kind == "leak":
                leaked_actors[idx if idx else np.flatnonzero(parties)] = True
            if ev.kind == "office-closure" and "monitoring" not in ev.effects:
                monitor_level = monitor_level * (1.0 - cur["mandate_veto_loss"])
            if ev.kind == "mediator-breakup":
                excluded[idx] = True
            if ev.switch_format is not None:
                fmt[:] = chain.index(ev.switch_format)
            emit(
                when,
                "event",
                id=ev.id,
                event=ev.kind,
                label=ev.label,
                actors=list(ev.actors),
                status_quo={i: r0(values[f"events.{ev.id}.status_quo.{i}"][0]) for i in ev.status_quo},
                switch_format=ev.switch_format,
            )

        # 2. power and war values
        cap = capability(t)
        u_sq = utility(sq[:, None], sq[:, None], pos, sal)[:, 0]
        if war_sides is not None:
            p_hi = war.win_probability(cap, war_sides, cur["contest_exponent"])
            x_hi, x_lo = war.war_outcomes(sq, pos, war_sides, cur["war_gain"])
            u_hi = utility(x_hi[:, None], x_hi[:, None], pos, sal)[:, 0]
            u_lo = utility(x_lo[:, None], x_lo[:, None], pos, sal)[:, 0]
            p_side = np.where(side_hi[None, :], p_hi[:, None], 1.0 - p_hi[:, None])
            u_war = war.war_values(p_hi, u_hi, u_lo, combat, cur["war_cost"])
            incentive = u_war - u_sq
            tension = np.maximum(incentive.max(axis=1), 0.0)
            shift = np.zeros(D) if p_prev is None else np.abs(p_hi - p_prev) / dt
            p_prev = p_hi
        else:
            p_hi = np.full(D, 0.5)
            p_side = np.full((D, A), 0.5)
            u_war = np.full((D, A), -np.inf)
            incentive = np.full((D, A), -np.inf)
            tension = np.zeros(D)
            shift = np.zeros(D)
        escalating = incentive[0] > cur["escalation_threshold"][0]
        for a in np.flatnonzero(escalating & ~escalating_prev):
            emit(
                t,
                "escalation",
                actor=actor_ids[a],
                war_value=r0(u_war[0, a]),
                status_quo_value=r0(u_sq[0, a]),
                p_win=r0(p_side[0, a]),
            )
        for a in np.flatnonzero(~escalating & escalating_prev):
            emit(t, "de-escalation", actor=actor_ids[a], war_value=r0(u_war[0, a]), status_quo_value=r0(u_sq[0, a]))
        escalating_prev = escalating

        # 3. organisation decisions: renew the monitoring mandate
        for fi, spec in enumerate(specs):
            infmt = fmt == fi
            if spec.org_kind is None or not infmt.any():
                continue
            yes = ~(incentive > cur["escalation_threshold"][:, None])
            passed, veto = dec.aggregate(yes, spec.org_voters, spec.org_kind, spec.org_threshold)
            nominal = monitoring[:, fi]
            down = monitor_level * np.maximum(1.0 - cur["mandate_veto_loss"] * dt, 0.0)
            up = np.minimum(monitor_level + cur["mandate_recovery"] * dt, nominal)
            up = np.where(monitor_level > nominal, nominal, up)
            monitor_level = np.where(infmt, np.where(passed, up, down), monitor_level)
            if infmt[0] and not passed[0]:
                blockers = [actor_ids[a] for a in np.flatnonzero(~yes[0] & spec.org_voters)]
                emit(
                    t,
                    "mandate-blocked",
                    format=spec.id,
                    blocked_by=blockers,
                    reason="expects to gain from war; blocks the monitoring mandate",
                    monitoring=r0(monitor_level[0]),
                )
        for fi in range(len(specs)):
            no_org = (fmt == fi) & (specs[fi].org_kind is None)
            monitor_level = np.where(no_org, np.minimum(monitor_level, monitoring[:, fi]), monitor_level)

        # 4. incidents
        lam = (cur["incident_rate"] + cur["incident_tension"] * tension) * (
            1.0 - cur["monitoring_effect"] * monitor_level
        )
        incidents = rng.poisson(np.maximum(lam, 0.0) * dt)
        if incidents[0] > 0:
            emit(t, "incidents", count=int(incidents[0]), monitoring=r0(monitor_level[0]), tension=r0(tension[0]))

        # 5. negotiation
        step_props = [p for p in proposals if in_step(p.time, k)]
        slot_lists: list[list[tuple[str, Any]]] = []
        for fi, spec in enumerate(specs):
            at_table = spec.table & ~excluded
            slots: list[tuple[str, Any]] = [
                ("scheduled", p) for p in step_props if any(at_table[s] for s in p.sponsors)
            ]
            proposers = [m for m in spec.proposers if not excluded[m]]
            labels = _generated_labels(scenario, spec, parties, _first(fparams[fi], cur))
            if not slots and proposers:
                if f"gen.{spec.id}.joint" in labels and len(proposers) > 1:
                    slots.append(("joint", proposers))
                else:
                    slots.extend(("draft", [m]) for m in proposers if f"gen.{actor_ids[m]}" in labels)
                if "gen.nash" in labels:
                    slots.append(("nash", [m for m in proposers if not parties[m]]))
            slot_lists.append(slots)
        interval = cur["proposal_interval"]
        with np.errstate(invalid="ignore", divide="ignore"):
            due = (interval > 0) & (np.mod(k * dt + 1e-9, np.where(interval > 0, interval, 1.0)) < dt)
        for fi, spec in enumerate(specs):
            active = (fmt == fi) & ~agreed
            if not active.any():
                continue
            at_table = spec.table & ~excluded
            voters = spec.voters & ~excluded
            reservation = np.maximum(u_sq, u_war)
            cand = u_cand = dist_cand = None
            # drafting needs the utilities of the table and the voters only (not of, say, all 57
            # participating states): restrict the actor axis to them
            rel = np.flatnonzero(at_table | voters)
            rel_at = {int(a): n for n, a in enumerate(rel)}
            mediators_here = at_table & ~parties

            for what, payload in slot_lists[fi]:
                live = active & ~agreed
                if what != "scheduled":
                    live = live & due
                if not live.any():
                    continue
                # this slot's randomness, drawn in a fixed order (memory stays O(D·A))
                leaked = rng.random(D) < leak_risk[:, fi]
                u_defy, u_remove, noise = rng.random((D, A)), rng.random((D, A)), rng.standard_normal((D, A))
                u_pend, u_range = rng.random((D, I)), rng.random((D, I))
                winset_hat = dec.win_set(
                    winset_base,
                    winset_factor,
                    mood,
                    sal.mean(axis=2),
                    np.zeros(D, dtype=bool),
                    mood_effect=cur["mood_effect"],
                    salience_winset=cur["salience_winset"],
                    leak_effect=cur["leak_effect"],
                )
                if what == "scheduled":
                    prop: CompiledProposal = payload
                    point = None
                    pid = prop.id
                    sponsors = list(prop.sponsors)
                else:
                    sponsors = list(payload)
                    if cand is None:
                        cand = candidates(sq, np.maximum(cap, 1e-9), pos, sal, at_table)
                        dist_cand = weighted_distance(cand, cand, pos[:, rel], sal[:, rel])
                        u_cand = 1.0 - dist_cand / 100.0
                    assert u_cand is not None and dist_cand is not None
                    r_hat = (reservation + cur["mediator_noise"][:, None] * noise)[:, rel]
                    r_hat = np.where(np.isfinite(r_hat), r_hat, 0.0)
                    bias = cur["mediator_bias"]
                    if what == "nash":
                        point, exists = nash_choice(
                            cand,
                            u_cand,
                            r_hat,
                            (voters & parties)[rel] if (voters & parties).any() else voters[rel],
                        )
                        live = live & exists
                        pid = "gen.nash"
                        if not live.any():
                            continue
                    else:
                        comp = (
                            compromise_position(
                                np.maximum(cap[:, at_table & parties], 1e-9),
                                pos[:, at_table & parties],
                                sal[:, at_table & parties],
                            )
                            if (at_table & parties).any()
                            else sq
                        )
                        comp = np.where(np.isnan(comp), sq, comp)
                        drafts = []
                        weights = []
                        for m in map(int, sponsors):
                            lev = _leverage(
                                sponsors if what == "joint" else [m],
                                parties,
                                cap,
                                mediators_here,
                                cur["mediator_leverage"],
                                pos,
                                sal,
                            )[:, rel]
                            fallback = (1.0 - bias[:, None]) * comp + bias[:, None] * pos[:, m]
                            drafts.append(
                                choose_draft(
                                    cand,
                                    u_cand,
                                    dist_cand,
                                    r_hat,
                                    winset_hat[:, rel],
                                    proposer=rel_at[m],
                                    proposer_is_party=bool(parties[m]),
                                    voters=voters[rel],
                                    parties=parties[rel],
                                    kind=spec.decision_kind,
                                    threshold=spec.threshold,
                                    margin=cur["acceptance_margin"],
                                    bias=bias,
                                    leverage=lev,
                                    fallback=fallback,
                                )
                            )
                            weights.append(np.maximum(cap[:, m], 1e-9))
                        w = np.stack(weights, 1)
                        point = (np.stack(drafts, 1) * w[:, :, None]).sum(axis=1) / w.sum(axis=1)[:, None]
                        pid = f"gen.{spec.id}.joint" if what == "joint" else f"gen.{actor_ids[sponsors[0]]}"
                    prop = CompiledProposal(
                        pid,
                        "generated",
                        "package",
                        t,
                        tuple(sponsors),
                        point,
                        np.full((D, I), np.nan),
                        np.full((D, I), np.nan),
                        np.zeros(I, dtype=bool),
                        math.nan,
                        True,
                    )
                    point = None
                tt = prop.time if what == "scheduled" else t
                # deferred terms are more credible when the deal brings the format's peacekeepers
                pk = (par(fi, "peacekeeping") > 0.5) & prop.peacekeeping
                cred = np.clip(cur["deferred_credibility"] + cur["peacekeeping_credibility"] * pk, 0.0, 1.0)
                value, dist, lo, hi = value_of(prop, sq, pos, sal, cred, point)
                value = (
                    value
                    + _leverage(list(prop.sponsors), parties, cap, mediators_here, cur["mediator_leverage"], pos, sal)
                    * parties[None, :]
                )
                settled = ~np.isnan(prop.point[0]) if prop.point.ndim == 2 else np.ones(I, dtype=bool)
                mean_sal = sal[:, :, settled].mean(axis=2) if settled.any() else sal.mean(axis=2)
                leaked_row = leaked[:, None] | leaked_actors[None, :]
                ws = dec.win_set(
                    winset_base,
                    winset_factor,
                    mood,
                    mean_sal,
                    leaked_row,
                    mood_effect=cur["mood_effect"],
                    salience_winset=cur["salience_winset"],
                    leak_effect=cur["leak_effect"],
                )
                ans = dec.answer(
                    value,
                    u_sq,
                    u_war,
                    dist,
                    ws,
                    margin=cur["acceptance_margin"],
                    defiance=cur["defiance"],
                    removal_risk=removal,
                    u_defy=u_defy,
                    u_remove=u_remove,
                )
                passed, veto = dec.aggregate(ans.accept, voters, spec.decision_kind, spec.threshold)
                conf_block = np.zeros((D, A), dtype=bool)
                if par(fi, "conference_signing")[0] > 0.5 and spec.org_kind is not None:
                    ok = (value >= u_sq - cur["conference_tolerance"][:, None]) | ~spec.org_voters[None, :]
                    ok = ok | (ans.accept & voters[None, :])
                    conv, conf_block = dec.aggregate(ok, spec.org_voters, spec.org_kind, spec.org_threshold)
                    passed = passed & conv
                passed = passed & live
                # bookkeeping: vetoes attributed to the issue the actor objects to most
                lose = sal * (np.abs((lo + hi)[:, None, :] / 2.0 - pos) - np.abs(sq[:, None, :] - pos))
                worst = np.argmax(lose, axis=2)
                all_veto = (veto | conf_block) & live[:, None]
                da, aa = np.nonzero(all_veto)
                np.add.at(vetoes, (da, aa, worst[da, aa]), 1)
                removed = ans.removed & live[:, None] & voters[None, :]
                removals += removed
                winset_factor = np.where(removed, winset_factor * cur["successor_winset"][:, None], winset_factor)
                newly = passed & ~agreed
                agreed = agreed | newly
                agreement_year = np.where(newly, tt, agreement_year)
                agreement_prop = np.where(newly, prop_index[pid], agreement_prop)
                deal = (lo + hi) / 2.0
                terms = np.where(newly[:, None], deal, terms)
                deferred = prop.deferred[None, :] & newly[:, None]
                sq = np.where(newly[:, None] & ~prop.deferred[None, :], deal, sq)
                due_at = prop.until if not math.isnan(prop.until) else t + float(cur["deferral_years"][0])
                pend_time = np.where(deferred, due_at, pend_time)
                pend_val = np.where(deferred, lo + u_range * (hi - lo), pend_val)
                pend_ok = np.where(deferred, u_pend < cred[:, None], pend_ok)
                if live[0]:
                    emit(
                        tt,
                        "proposal",
                        id=pid,
                        label=prop.label,
                        proposal_kind=prop.kind,
                        format=spec.id,
                        sponsors=[actor_ids[s] for s in prop.sponsors],
                        terms={issue_ids[i]: r0(deal[0, i]) for i in range(I)},
                        range={issue_ids[i]: [r0(lo[0, i]), r0(hi[0, i])] for i in range(I) if hi[0, i] > lo[0, i]},
                        deferred=[issue_ids[i] for i in np.flatnonzero(prop.deferred)],
                        leaked=bool(leaked[0]),
                        leaked_to=[actor_ids[a] for a in np.flatnonzero(leaked_row[0])] if leaked_row[0].any() else [],
                        answers={
                            actor_ids[a]: {
                                "value": r0(value[0, a]),
                                "status_quo": r0(u_sq[0, a]),
                                "war": None if not np.isfinite(u_war[0, a]) else r0(u_war[0, a]),
                                "distance": r0(dist[0, a]),
                                "win_set": None if not np.isfinite(ws[0, a]) else r0(ws[0, a]),
                                "accept": bool(ans.accept[0, a]),
                                "reason": dec.REASONS[int(ans.reason[0, a])],
                            }
                            for a in np.flatnonzero(voters)
                        },
                        passed=bool(passed[0]),
                    )
                    for a in np.flatnonzero(all_veto[0]):
                        why = (
                            dec.REASONS[int(ans.reason[0, a])]
                            if veto[0, a]
                            else "blocks convening the signing conference"
                        )
                        emit(
                            tt, "veto", proposal=pid, actor=actor_ids[a], reason=why, issue=issue_ids[int(worst[0, a])]
                        )
                    for a in np.flatnonzero(removed[0]):
                        emit(
                            tt,
                            "leader-removed",
                            actor=actor_ids[a],
                            proposal=pid,
                            reason=dec.REASONS[dec.LEADER_REMOVED],
                        )
                    if newly[0]:
                        emit(
                            tt,
                            "agreement",
                            proposal=pid,
                            format=spec.id,
                            terms={issue_ids[i]: r0(deal[0, i]) for i in range(I)},
                            deferred=[issue_ids[i] for i in np.flatnonzero(prop.deferred)],
                        )

        # 6. deferred terms fall due
        falls = pend_time < t + dt - 1e-9
        if falls.any():
            sq = np.where(falls & pend_ok, pend_val, sq)
            for i in map(int, np.flatnonzero(falls[0])):
                emit(
                    t,
                    "deferred-implemented" if pend_ok[0, i] else "deferred-reneged",
                    issue=issue_ids[i],
                    value=r0(pend_val[0, i]),
                )
            pend_time = np.where(falls, np.nan, pend_time)

        # 7. war onset
        p_war = war.onset_probability(
            base=cur["hazard_base"],
            incentive=cur["hazard_incentive"],
            tension=tension,
            shift_weight=cur["hazard_shift"],
            shift=shift,
            incident_weight=cur["incident_hazard"],
            incidents_per_year=incidents / dt,
            agreement_factor=cur["agreement_hazard_factor"],
            agreed=agreed,
            dt=dt,
        )
        p_war = p_war if can_war else np.zeros(D)
        p_war = np.where(forced_war, 1.0, p_war)
        p_war_by[:, k] = p_war
        fight = (rng.random(D) < p_war) | forced_war
        u_win = rng.random(D)
        if war_sides is not None and fight.any():
            hi_wins = u_win < p_hi
            x_hi_now, x_lo_now = war.war_outcomes(sq, pos, war_sides, cur["war_gain"])
            outcome = np.where(hi_wins[:, None], x_hi_now, x_lo_now)
            has_forced = ~np.isnan(forced_sq)
            outcome = np.where(has_forced, forced_sq, outcome)
            closer_hi = np.abs(outcome - pos[:, lead_hi]).sum(axis=1) < np.abs(outcome - pos[:, lead_lo]).sum(axis=1)
            hi_wins = np.where(has_forced.any(axis=1), closer_hi, hi_wins)
            sq = np.where(fight[:, None], outcome, sq)
            wars += fight
            first_war = np.where(fight & np.isnan(first_war), t, first_war)
            war_by[:, k] = fight
            nxt = np.array([chain.index(s.after_war) if s.after_war is not None else fi for fi, s in enumerate(specs)])
            fmt_before = fmt
            fmt = np.where(fight, nxt[fmt], fmt)
            if fight[0]:
                winner = actor_ids[lead_hi] if hi_wins[0] else actor_ids[lead_lo]
                emit(
                    t,
                    "war",
                    p_war=r0(p_war[0]),
                    forced=bool(forced_war[0]),
                    winner=winner,
                    p_win_high_side=r0(p_hi[0]),
                    side_high=[actor_ids[a] for a in np.flatnonzero(side_hi)],
                    side_low=[actor_ids[a] for a in np.flatnonzero(side_lo)],
                )
                emit(
                    t + float(cur["war_duration"][0]),
                    "ceasefire",
                    after="war",
                    winner=winner,
                    status_quo=dict(zip(issue_ids, map(r0, sq[0]), strict=True)),
                )
                if fmt[0] != fmt_before[0]:
                    emit(
                        t + float(cur["war_duration"][0]), "format-switch", to=specs[int(fmt[0])].id, reason="after war"
                    )
        # parties adapt to facts on the ground
        drift = (parties | combat)[None, :, None] & (sal > 0)
        pos = np.where(drift, pos + cur["concession_rate"][:, None, None] * dt * (sq[:, None, :] - pos), pos)

        agreement_by[:, k] = agreed
        sq_by[:, k] = sq
        traj_sq[k] = sq[0]
        traj_pos[k] = pos[0]
        traj_monitor[k] = monitor_level[0]
        traj_incidents[k] = incidents[0]
        traj_format.append(specs[int(fmt[0])].id)
        emit(
            t,
            "step",
            p_war=r0(p_war[0]),
            p_win={actor_ids[lead_hi]: r0(p_hi[0]), actor_ids[lead_lo]: r0(1 - p_hi[0])} if can_war else {},
            status_quo=dict(zip(issue_ids, map(r0, sq[0]), strict=True)),
            monitoring=r0(monitor_level[0]),
            format=traj_format[-1],
        )

    return BatchResult(
        years=years,
        actor_ids=actor_ids,
        issue_ids=issue_ids,
        proposal_ids=proposal_ids,
        format_ids=tuple(chain),
        inputs=drawn,
        agreement=agreed,
        agreement_year=agreement_year,
        agreement_proposal=agreement_prop,
        terms=terms,
        wars=wars,
        first_war_year=first_war,
        agreement_by_year=agreement_by,
        war_by_year=war_by,
        vetoes=vetoes,
        final_status_quo=sq,
        final_format=fmt,
        p_war_by_year=p_war_by,
        status_quo_by_year=sq_by,
        removals=removals,
        trajectory={
            "years": years.copy(),
            "status_quo": traj_sq,
            "p_war": p_war_by[0].copy(),
            "positions": traj_pos,
            "monitoring": traj_monitor,
            "incidents": traj_incidents,
            "format": traj_format,
        },
    )
