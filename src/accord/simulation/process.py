"""The mediation process as a time-stepped kernel over ``D`` draws: :class:`Process`.

Each step (one year, half-year, quarter or month as the scenario says) runs the phases below, each
a method vectorized over draws (Python loops run over steps, formats and proposals only):

1. :meth:`Process._events` - dated events apply: effects on named parameters or monitoring, leaks,
   office closures, a co-chair breakup; and, where the run's :class:`History` imposes them, a new
   status quo (statements, wars), resignations (the successor's win-set shrinks) and format
   changes (the rule: :mod:`accord.simulation.history`).
2. :meth:`Process._power` - capabilities (e.g. yearly SIPRI series) give each side's win
   probability; each belligerent's war value is its expected utility of the war lottery minus
   its cost (Fearon 1995, 'Rationalist explanations for war', Int. Organization 49(3)).
3. :meth:`Process._organisation` - the format's organisation rule (OSCE: consensus of the
   participating states) renews the monitoring mandate; a party that expects to gain from war
   blocks it, and capacity erodes (seed 001: office closures under consensus).
4. :meth:`Process._incidents` - ceasefire incidents, Poisson, rising with tension and damped
   by monitoring.
5. :meth:`Process._negotiate` - until an agreement: the scenario's proposals dated in the step,
   else the format's generated ones (:mod:`accord.mechanisms.proposals`); every voter answers
   (:func:`accord.mechanisms.decisions.answer`, the two-level game of Putnam 1988) and the
   format's rule aggregates; under ``conference_signing`` the organisation must agree to convene.
6. :meth:`Process._deferred` - deferred terms fall due; implemented with probability
   ``credibility``.
7. :meth:`Process._war` - war onset as a hazard (incentive, power shift - the commitment problem
   of Powell 2006, 'War as a commitment problem', Int. Organization 60(1) - and incidents); a war
   moves the status quo by its outcome, ends in a ceasefire and may switch the format.

Draw 0 is narrated through ``log`` (the replay's event log); the arrays are the batch's outcomes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.mechanisms import decisions as dec
from accord.mechanisms.formats import FormatSpec
from accord.mechanisms.proposals import CompiledProposal, candidates, choose_draft, nash_choice, value_of
from accord.mechanisms.utility import utility, weighted_distance
from accord.models.compromise import compromise_position
from accord.scenario.parameters import PARAMETERS
from accord.scenario.quantity import Quantity
from accord.scenario.schema import Scenario, Series, date_to_year
from accord.simulation import events as ev
from accord.simulation import war
from accord.simulation.history import IMPOSED, History
from accord.simulation.results import BatchResult

__all__ = ["Log", "Process"]

Log = Callable[[ev.Event], None]
"""Called with every record of draw 0's event log (:mod:`accord.simulation.events`)."""


def _r(x: Any) -> float:
    return round(float(x), 6)


def _silent(_event: ev.Event) -> None:
    return None


# -- compiling the scenario --------------------------------------------------------------------


def compile_proposals(scenario: Scenario, values: dict[str, np.ndarray], draws: int) -> list[CompiledProposal]:
    """The scenario's dated proposals as arrays (terms drawn per draw)."""
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


def generated_labels(
    scenario: Scenario, spec: FormatSpec, parties: np.ndarray, pvalue: Callable[[str], float]
) -> list[str]:
    """Stable labels of the proposals a format generates: ``gen.FORMAT.joint`` or ``gen.ACTOR``
    per proposer, and ``gen.nash`` when a mediator tables the Nash point."""
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


# -- per-step quantities -----------------------------------------------------------------------


@dataclass
class _Shocks:
    """What the step's dated events impose: forced wars (with their outcome) and leaks."""

    forced_war: np.ndarray
    forced_sq: np.ndarray
    leaked_actors: np.ndarray
    forced_time: float | None = None


@dataclass
class _Power:
    """Capabilities, war values and tension at the start of a step, ``(D, …)``."""

    cap: np.ndarray
    u_sq: np.ndarray
    p_hi: np.ndarray
    p_side: np.ndarray
    u_war: np.ndarray
    incentive: np.ndarray
    tension: np.ndarray
    shift: np.ndarray


# -- the process -------------------------------------------------------------------------------


class Process:
    """``D`` replays of one scenario under a chain of formats (the first is where they start).

    Parameters
    ----------
    scenario: the scenario; specs, chain: the resolved formats and their ids (``chain[0]`` first);
    values: every input per draw (:func:`accord.simulation.inputs.draw_inputs`);
    rng: the process stream; draws: ``D``; until: stop year or None; log: narrates draw 0;
    history: which dated outcomes are imposed (:mod:`accord.simulation.history`).
    """

    def __init__(
        self,
        scenario: Scenario,
        specs: list[FormatSpec],
        chain: list[str],
        values: dict[str, np.ndarray],
        rng: np.random.Generator,
        draws: int,
        until: float | None,
        log: Log | None,
        history: History = IMPOSED,
    ) -> None:
        self.scenario, self.specs, self.chain, self.values, self.rng = scenario, specs, chain, values, rng
        self.history = history
        self.emit: Log = log if log is not None else _silent
        D = self.D = draws
        actors = scenario.actors
        A = self.A = len(actors)
        I = self.I = len(scenario.issues)  # noqa: E741
        self.actor_ids = tuple(scenario.actor_ids)
        self.issue_ids = tuple(scenario.issue_ids)

        # parameters: the scenario's (per draw) or defaults; events may change them later;
        # a format's own parameters override both while it is in use
        self.cur = {n: values.get(f"parameters.{n}", np.full(D, spec.default)) for n, spec in PARAMETERS.items()}
        fmt_ids = {f.id for f in scenario.formats}
        self.fparams = [
            {n: _fmt_value(fmt_ids, values, s.id, f"parameters.{n}", q, np.zeros(D)) for n, q in s.parameters.items()}
            for s in specs
        ]

        # actors: stances, capabilities, domestic politics
        roles = [set(a.roles) for a in actors]
        self.parties = np.array(["party" in r for r in roles])
        self.combat = np.array(
            [
                ("party" in r or "affected" in r) and a.kind in ("state", "de-facto-authority", "group")
                for a, r in zip(actors, roles, strict=True)
            ]
        )
        self.pos = np.zeros((D, A, I))
        self.sal = np.zeros((D, A, I))
        self.cap_const = np.zeros((D, A))
        self.series: dict[int, Series] = {}
        self.winset_base = np.full((D, A), np.inf)
        self.mood = np.zeros((D, A))
        self.removal = np.empty((D, A))
        for k, actor in enumerate(actors):
            for i, issue in enumerate(self.issue_ids):
                if issue in actor.positions:
                    self.pos[:, k, i] = values[f"actors.{actor.id}.positions.{issue}"]
                    self.sal[:, k, i] = values[f"actors.{actor.id}.salience.{issue}"]
            if isinstance(actor.capability, Series):
                self.series[k] = actor.capability
            elif actor.capability is not None:
                self.cap_const[:, k] = values[f"actors.{actor.id}.capability"]
            dom = actor.domestic
            if dom is not None and dom.win_set is not None:
                self.winset_base[:, k] = values[f"actors.{actor.id}.domestic.win_set"]
            elif self.parties[k] or self.combat[k]:
                self.winset_base[:, k] = self.cur["win_set_default"]
            if dom is not None and dom.mood is not None:
                self.mood[:, k] = values[f"actors.{actor.id}.domestic.mood"]
            self.removal[:, k] = (
                values[f"actors.{actor.id}.domestic.removal_risk"]
                if dom is not None and dom.removal_risk is not None
                else self.cur["removal_risk_default"]
            )

        # status quo: the scenario's, else the compromise of every actor at the start
        self.start = date_to_year(scenario.meta.start)
        end = date_to_year(scenario.meta.end)
        sq = np.full((D, I), np.nan)
        for i, iss in enumerate(scenario.issues):
            if iss.status_quo is not None:
                sq[:, i] = values[f"issues.{iss.id}.status_quo"]
        if np.isnan(sq).any():
            comp = compromise_position(np.maximum(self.capability(self.start), 1e-9), self.pos, self.sal)
            sq = np.where(np.isnan(sq), np.where(np.isnan(comp), 50.0, comp), sq)
        self.sq = sq

        # the two sides of a war, from draw 0 (the same in every draw)
        self.sides = war.sides(self.pos[0], self.sal[0], self.parties, self.combat)

        # proposals: the scenario's, then the generated ones by stable label
        self.proposals = compile_proposals(scenario, values, D)
        gen: list[str] = []
        for fi, spec in enumerate(specs):
            for lab in generated_labels(scenario, spec, self.parties, self._first(fi)):
                if lab not in gen:
                    gen.append(lab)
        self.proposal_ids = tuple([p.id for p in self.proposals] + gen)
        self.prop_index = {p: k for k, p in enumerate(self.proposal_ids)}

        # steps
        self.dt = 1.0 / scenario.meta.steps_per_year
        stop = end if until is None else min(end, until)
        self.T = T = max(1, math.ceil((stop - self.start) / self.dt - 1e-9))
        self.years = self.start + self.dt * np.arange(T)
        self.events = sorted(scenario.events, key=lambda e: date_to_year(e.date))

        # state
        self.fmt = np.zeros(D, dtype=np.int64)
        self.monitoring = np.stack(
            [
                _fmt_value(fmt_ids, values, s.id, "monitoring", s.monitoring, self.cur["monitoring_default"])
                for s in specs
            ],
            1,
        )
        self.leak_risk = np.stack(
            [_fmt_value(fmt_ids, values, s.id, "leak_risk", s.leak_risk, np.zeros(D)) for s in specs], 1
        )
        self.monitor_level = self.monitoring[:, 0].copy()
        self.winset_factor = np.ones((D, A))
        self.excluded = np.zeros(A, dtype=bool)
        self.agreed = np.zeros(D, dtype=bool)
        self.agreement_year = np.full(D, np.nan)
        self.agreement_prop = np.full(D, -1, dtype=np.int64)
        self.terms = np.full((D, I), np.nan)
        self.wars = np.zeros(D, dtype=np.int64)
        self.first_war = np.full(D, np.nan)
        self.vetoes = np.zeros((D, A, I), dtype=np.int64)
        self.removals = np.zeros((D, A), dtype=np.int64)
        self.agreement_by = np.zeros((D, T), dtype=bool)
        self.war_by = np.zeros((D, T), dtype=bool)
        self.p_war_by = np.zeros((D, T))
        self.sq_by = np.zeros((D, T, I))
        self.pend_time = np.full((D, I), np.nan)
        self.pend_val = np.full((D, I), np.nan)
        self.pend_ok = np.zeros((D, I), dtype=bool)
        self.p_prev: np.ndarray | None = None
        self.escalating_prev = np.zeros(A, dtype=bool)
        self.traj_pos = np.zeros((T, A, I))
        self.traj_monitor = np.zeros(T)
        self.traj_incidents = np.zeros(T)
        self.traj_format: list[str] = []

    # -- helpers ------------------------------------------------------------------------------
    def par(self, fi: int, name: str) -> np.ndarray:
        """Parameter ``name`` ``(D,)`` under format ``fi``: the format's own, else the current one."""
        return self.fparams[fi].get(name, self.cur[name])

    def _first(self, fi: int) -> Callable[[str], float]:
        # draw 0's value, for choices that shape the list of proposals (the same in every draw)
        return lambda n: float(self.par(fi, n)[0])

    def capability(self, t: float) -> np.ndarray:
        """Capabilities ``(D, A)`` at decimal year ``t`` (yearly series interpolated)."""
        c = self.cap_const.copy()
        for k, s in self.series.items():
            c[:, k] = s.at(t)
        return c

    def _in_step(self, when: float, k: int) -> bool:
        lo_t = -math.inf if k == 0 else self.years[k]
        return bool(lo_t <= when < self.years[k] + self.dt - 1e-9)

    def _sq_dict(self) -> dict[str, float]:
        return dict(zip(self.issue_ids, map(_r, self.sq[0]), strict=True))

    # -- the run ------------------------------------------------------------------------------
    def run(self) -> BatchResult:
        """Run every step and return the batch's outcomes."""
        spec0 = self.specs[0]
        self.emit(ev.Start(self.years[0], format=spec0.id, format_label=spec0.label, status_quo=self._sq_dict()))
        for k in range(self.T):
            t = float(self.years[k])
            shocks = self._events(k)
            power = self._power(t)
            self._organisation(t, power)
            incidents = self._incidents(t, power)
            self._negotiate(k, t, power, shocks)
            self._deferred(t)
            p_war = self._war(k, t, power, incidents, shocks)
            self._adapt()
            self._record(k, t, power, p_war, incidents)
        return self._result()

    # 1. dated events
    def _events(self, k: int) -> _Shocks:
        D, I, A = self.D, self.I, self.A  # noqa: E741
        shocks = _Shocks(np.zeros(D, dtype=bool), np.full((D, I), np.nan), np.zeros(A, dtype=bool))
        cur, values = self.cur, self.values
        for e in self.events:
            when = date_to_year(e.date)
            if not self._in_step(when, k):
                continue
            idx = [self.actor_ids.index(a) for a in e.actors]
            for name in e.effects:
                v = values[f"events.{e.id}.effects.{name}"]
                if name == "monitoring":
                    self.monitor_level = np.clip(v, 0.0, 1.0).copy()
                else:
                    cur[name] = v
            # outcome parts only where the history is imposed (the table in accord.simulation.history)
            imposed = self.history.imposes(when)
            new_sq = np.full((D, I), np.nan)
            for issue in e.status_quo:
                new_sq[:, self.issue_ids.index(issue)] = values[f"events.{e.id}.status_quo.{issue}"]
            if imposed and e.kind == "war":
                shocks.forced_war[:] = True
                shocks.forced_time = when if shocks.forced_time is None else min(when, shocks.forced_time)
                shocks.forced_sq = np.where(~np.isnan(new_sq), new_sq, shocks.forced_sq)
            elif imposed and e.status_quo:
                self.sq = np.where(~np.isnan(new_sq), new_sq, self.sq)
            if imposed and e.kind == "resignation":
                self.winset_factor[:, idx] *= cur["successor_winset"][:, None]
            if imposed and e.switch_format is not None:
                self.fmt[:] = self.chain.index(e.switch_format)
            # context parts always
            if e.kind == "leak":
                shocks.leaked_actors[idx if idx else np.flatnonzero(self.parties)] = True
            if e.kind == "office-closure" and "monitoring" not in e.effects:
                self.monitor_level = self.monitor_level * (1.0 - cur["mandate_veto_loss"])
            if e.kind == "mediator-breakup":
                self.excluded[idx] = True
            self.emit(
                ev.ScenarioEvent(
                    when,
                    id=e.id,
                    event=e.kind,
                    label=e.label,
                    actors=tuple(e.actors),
                    status_quo={i: _r(values[f"events.{e.id}.status_quo.{i}"][0]) for i in e.status_quo},
                    switch_format=e.switch_format,
                    imposed=imposed,
                )
            )
        return shocks

    # 2. power and war values
    def _power(self, t: float) -> _Power:
        D, A, cur, s = self.D, self.A, self.cur, self.sides
        cap = self.capability(t)
        u_sq = utility(self.sq[:, None], self.sq[:, None], self.pos, self.sal)[:, 0]
        if s is not None:
            p_hi = war.win_probability(cap, s, cur["contest_exponent"])
            x_hi, x_lo = war.war_outcomes(self.sq, self.pos, s, cur["war_gain"])
            u_hi = utility(x_hi[:, None], x_hi[:, None], self.pos, self.sal)[:, 0]
            u_lo = utility(x_lo[:, None], x_lo[:, None], self.pos, self.sal)[:, 0]
            p_side = np.where(s.high[None, :], p_hi[:, None], 1.0 - p_hi[:, None])
            u_war = war.war_values(p_hi, u_hi, u_lo, self.combat, cur["war_cost"])
            incentive = u_war - u_sq
            tension = np.maximum(incentive.max(axis=1), 0.0)
            shift = np.zeros(D) if self.p_prev is None else np.abs(p_hi - self.p_prev) / self.dt
            self.p_prev = p_hi
        else:
            p_hi = np.full(D, 0.5)
            p_side = np.full((D, A), 0.5)
            u_war = np.full((D, A), -np.inf)
            incentive = np.full((D, A), -np.inf)
            tension = np.zeros(D)
            shift = np.zeros(D)
        escalating = incentive[0] > cur["escalation_threshold"][0]
        for a in np.flatnonzero(escalating & ~self.escalating_prev):
            self.emit(
                ev.Escalation(
                    t,
                    actor=self.actor_ids[a],
                    war_value=_r(u_war[0, a]),
                    status_quo_value=_r(u_sq[0, a]),
                    p_win=_r(p_side[0, a]),
                )
            )
        for a in np.flatnonzero(~escalating & self.escalating_prev):
            self.emit(
                ev.DeEscalation(t, actor=self.actor_ids[a], war_value=_r(u_war[0, a]), status_quo_value=_r(u_sq[0, a]))
            )
        self.escalating_prev = escalating
        return _Power(cap, u_sq, p_hi, p_side, u_war, incentive, tension, shift)

    # 3. organisation decisions: renew the monitoring mandate
    def _organisation(self, t: float, power: _Power) -> None:
        cur, dt = self.cur, self.dt
        for fi, spec in enumerate(self.specs):
            infmt = self.fmt == fi
            if spec.org_kind is None or not infmt.any():
                continue
            yes = ~(power.incentive > cur["escalation_threshold"][:, None])
            passed, _ = dec.aggregate(yes, spec.org_voters, spec.org_kind, spec.org_threshold)
            nominal = self.monitoring[:, fi]
            level = self.monitor_level
            down = level * np.maximum(1.0 - cur["mandate_veto_loss"] * dt, 0.0)
            up = np.minimum(level + cur["mandate_recovery"] * dt, nominal)
            up = np.where(level > nominal, nominal, up)
            self.monitor_level = np.where(infmt, np.where(passed, up, down), level)
            if infmt[0] and not passed[0]:
                self.emit(
                    ev.MandateBlocked(
                        t,
                        format=spec.id,
                        blocked_by=tuple(self.actor_ids[a] for a in np.flatnonzero(~yes[0] & spec.org_voters)),
                        reason="expects to gain from war; blocks the monitoring mandate",
                        monitoring=_r(self.monitor_level[0]),
                    )
                )
        for fi in range(len(self.specs)):
            no_org = (self.fmt == fi) & (self.specs[fi].org_kind is None)
            self.monitor_level = np.where(
                no_org, np.minimum(self.monitor_level, self.monitoring[:, fi]), self.monitor_level
            )

    # 4. incidents on the line of contact
    def _incidents(self, t: float, power: _Power) -> np.ndarray:
        cur = self.cur
        lam = (cur["incident_rate"] + cur["incident_tension"] * power.tension) * (
            1.0 - cur["monitoring_effect"] * self.monitor_level
        )
        incidents = self.rng.poisson(np.maximum(lam, 0.0) * self.dt)
        if incidents[0] > 0:
            self.emit(
                ev.Incidents(
                    t, count=int(incidents[0]), monitoring=_r(self.monitor_level[0]), tension=_r(power.tension[0])
                )
            )
        return np.asarray(incidents)

    # 5. negotiation
    def _slots(self, k: int) -> list[list[tuple[str, Any]]]:
        """Per format, what is put to the table this step: dated proposals whose sponsor sits at
        the table, else the format's own drafts (joint or one per proposer) and the Nash point."""
        step_props = [p for p in self.proposals if self._in_step(p.time, k)]
        out: list[list[tuple[str, Any]]] = []
        for fi, spec in enumerate(self.specs):
            at_table = spec.table & ~self.excluded
            slots: list[tuple[str, Any]] = [
                ("scheduled", p) for p in step_props if any(at_table[s] for s in p.sponsors)
            ]
            proposers = [m for m in spec.proposers if not self.excluded[m]]
            labels = generated_labels(self.scenario, spec, self.parties, self._first(fi))
            if not slots and proposers:
                if f"gen.{spec.id}.joint" in labels and len(proposers) > 1:
                    slots.append(("joint", proposers))
                else:
                    slots.extend(("draft", [m]) for m in proposers if f"gen.{self.actor_ids[m]}" in labels)
                if "gen.nash" in labels:
                    slots.append(("nash", [m for m in proposers if not self.parties[m]]))
            out.append(slots)
        return out

    def _negotiate(self, k: int, t: float, power: _Power, shocks: _Shocks) -> None:
        slot_lists = self._slots(k)
        interval = self.cur["proposal_interval"]
        with np.errstate(invalid="ignore", divide="ignore"):
            due = (interval > 0) & (np.mod(k * self.dt + 1e-9, np.where(interval > 0, interval, 1.0)) < self.dt)
        for fi, spec in enumerate(self.specs):
            active = (self.fmt == fi) & ~self.agreed
            if not active.any():
                continue
            drafting = _Drafting(self, spec, power)
            for what, payload in slot_lists[fi]:
                live = active & ~self.agreed
                if what != "scheduled":
                    live = live & due
                if not live.any():
                    continue
                self._table(fi, spec, what, payload, live, t, power, shocks, drafting)

    def _table(
        self,
        fi: int,
        spec: FormatSpec,
        what: str,
        payload: Any,
        live: np.ndarray,
        t: float,
        power: _Power,
        shocks: _Shocks,
        drafting: _Drafting,
    ) -> None:
        """Put one proposal to the table of format ``fi`` in the draws ``live``."""
        D, A, I, cur, rng = self.D, self.A, self.I, self.cur, self.rng  # noqa: E741
        pos, sal, sq, parties = self.pos, self.sal, self.sq, self.parties
        voters = spec.voters & ~self.excluded
        # this slot's randomness, drawn in a fixed order (memory stays O(D·A))
        leaked = rng.random(D) < self.leak_risk[:, fi]
        u_defy, u_remove, noise = rng.random((D, A)), rng.random((D, A)), rng.standard_normal((D, A))
        u_pend, u_range = rng.random((D, I)), rng.random((D, I))
        if what == "scheduled":
            prop: CompiledProposal = payload
            pid = prop.id
        else:
            pid, point, exists = drafting.draft(what, list(payload), noise)
            live = live & exists
            if not live.any():
                return
            nan = np.full((D, I), np.nan)
            prop = CompiledProposal(
                pid, "generated", "package", t, tuple(payload), point, nan, nan, np.zeros(I, dtype=bool), math.nan, True
            )
        tt = prop.time if what == "scheduled" else t
        # deferred terms are more credible when the deal brings the format's peacekeepers
        pk = (self.par(fi, "peacekeeping") > 0.5) & prop.peacekeeping
        cred = np.clip(cur["deferred_credibility"] + cur["peacekeeping_credibility"] * pk, 0.0, 1.0)
        value, dist, lo, hi = value_of(prop, sq, pos, sal, cred)
        lev = _leverage(list(prop.sponsors), parties, power.cap, drafting.mediators, cur["mediator_leverage"], pos, sal)
        value = value + lev * parties[None, :]
        settled = ~np.isnan(prop.point[0])
        mean_sal = sal[:, :, settled].mean(axis=2) if settled.any() else sal.mean(axis=2)
        leaked_row = leaked[:, None] | shocks.leaked_actors[None, :]
        ws = dec.win_set(
            self.winset_base,
            self.winset_factor,
            self.mood,
            mean_sal,
            leaked_row,
            mood_effect=cur["mood_effect"],
            salience_winset=cur["salience_winset"],
            leak_effect=cur["leak_effect"],
        )
        ans = dec.answer(
            value,
            power.u_sq,
            power.u_war,
            dist,
            ws,
            margin=cur["acceptance_margin"],
            defiance=cur["defiance"],
            removal_risk=self.removal,
            u_defy=u_defy,
            u_remove=u_remove,
        )
        passed, veto = dec.aggregate(ans.accept, voters, spec.decision_kind, spec.threshold)
        conf_block = np.zeros((D, A), dtype=bool)
        if self.par(fi, "conference_signing")[0] > 0.5 and spec.org_kind is not None:
            # the signing conference convenes only if the organisation agrees (Minsk Conference)
            ok = (value >= power.u_sq - cur["conference_tolerance"][:, None]) | ~spec.org_voters[None, :]
            ok = ok | (ans.accept & voters[None, :])
            conv, conf_block = dec.aggregate(ok, spec.org_voters, spec.org_kind, spec.org_threshold)
            passed = passed & conv
        passed = passed & live

        # bookkeeping: vetoes attributed to the issue the actor objects to most
        lose = sal * (np.abs((lo + hi)[:, None, :] / 2.0 - pos) - np.abs(sq[:, None, :] - pos))
        worst = np.argmax(lose, axis=2)
        all_veto = (veto | conf_block) & live[:, None]
        da, aa = np.nonzero(all_veto)
        np.add.at(self.vetoes, (da, aa, worst[da, aa]), 1)
        removed = ans.removed & live[:, None] & voters[None, :]
        self.removals += removed
        self.winset_factor = np.where(
            removed, self.winset_factor * cur["successor_winset"][:, None], self.winset_factor
        )

        newly = passed & ~self.agreed
        self.agreed = self.agreed | newly
        self.agreement_year = np.where(newly, tt, self.agreement_year)
        self.agreement_prop = np.where(newly, self.prop_index[pid], self.agreement_prop)
        deal = (lo + hi) / 2.0
        self.terms = np.where(newly[:, None], deal, self.terms)
        deferred = prop.deferred[None, :] & newly[:, None]
        self.sq = np.where(newly[:, None] & ~prop.deferred[None, :], deal, sq)
        due_at = prop.until if not math.isnan(prop.until) else t + float(cur["deferral_years"][0])
        self.pend_time = np.where(deferred, due_at, self.pend_time)
        self.pend_val = np.where(deferred, lo + u_range * (hi - lo), self.pend_val)
        self.pend_ok = np.where(deferred, u_pend < cred[:, None], self.pend_ok)
        if live[0]:
            self._narrate(
                tt, pid, prop, spec, deal, lo, hi, leaked, leaked_row, value, dist, ws, ans, power, voters, passed
            )
            self._narrate_outcome(tt, pid, prop, spec, deal, ans, veto, all_veto, worst, removed, newly)

    def _narrate(
        self,
        tt: float,
        pid: str,
        prop: CompiledProposal,
        spec: FormatSpec,
        deal: np.ndarray,
        lo: np.ndarray,
        hi: np.ndarray,
        leaked: np.ndarray,
        leaked_row: np.ndarray,
        value: np.ndarray,
        dist: np.ndarray,
        ws: np.ndarray,
        ans: dec.Answers,
        power: _Power,
        voters: np.ndarray,
        passed: np.ndarray,
    ) -> None:
        ids, iss = self.actor_ids, self.issue_ids
        self.emit(
            ev.ProposalTabled(
                tt,
                id=pid,
                label=prop.label,
                proposal_kind=prop.kind,
                format=spec.id,
                sponsors=tuple(ids[s] for s in prop.sponsors),
                terms={iss[i]: _r(deal[0, i]) for i in range(self.I)},
                range={iss[i]: (_r(lo[0, i]), _r(hi[0, i])) for i in range(self.I) if hi[0, i] > lo[0, i]},
                deferred=tuple(iss[i] for i in np.flatnonzero(prop.deferred)),
                leaked=bool(leaked[0]),
                leaked_to=tuple(ids[a] for a in np.flatnonzero(leaked_row[0])),
                answers={
                    ids[a]: ev.Answer(
                        value=_r(value[0, a]),
                        status_quo=_r(power.u_sq[0, a]),
                        war=None if not np.isfinite(power.u_war[0, a]) else _r(power.u_war[0, a]),
                        distance=_r(dist[0, a]),
                        win_set=None if not np.isfinite(ws[0, a]) else _r(ws[0, a]),
                        accept=bool(ans.accept[0, a]),
                        reason=dec.REASONS[int(ans.reason[0, a])],
                    )
                    for a in np.flatnonzero(voters)
                },
                utilities={
                    ids[a]: _r(value[0, a]) for a in range(self.A) if self.sal[0, a].sum() > 0 and not voters[a]
                },
                passed=bool(passed[0]),
            )
        )

    def _narrate_outcome(
        self,
        tt: float,
        pid: str,
        prop: CompiledProposal,
        spec: FormatSpec,
        deal: np.ndarray,
        ans: dec.Answers,
        veto: np.ndarray,
        all_veto: np.ndarray,
        worst: np.ndarray,
        removed: np.ndarray,
        newly: np.ndarray,
    ) -> None:
        ids, iss = self.actor_ids, self.issue_ids
        for a in np.flatnonzero(all_veto[0]):
            why = dec.REASONS[int(ans.reason[0, a])] if veto[0, a] else "blocks convening the signing conference"
            self.emit(ev.Veto(tt, proposal=pid, actor=ids[a], reason=why, issue=iss[int(worst[0, a])]))
        for a in np.flatnonzero(removed[0]):
            self.emit(ev.LeaderRemoved(tt, actor=ids[a], proposal=pid, reason=dec.REASONS[dec.LEADER_REMOVED]))
        if newly[0]:
            self.emit(
                ev.Agreement(
                    tt,
                    proposal=pid,
                    format=spec.id,
                    terms={iss[i]: _r(deal[0, i]) for i in range(self.I)},
                    deferred=tuple(iss[i] for i in np.flatnonzero(prop.deferred)),
                )
            )

    # 6. deferred terms fall due
    def _deferred(self, t: float) -> None:
        falls = self.pend_time < t + self.dt - 1e-9
        if not falls.any():
            return
        self.sq = np.where(falls & self.pend_ok, self.pend_val, self.sq)
        for i in map(int, np.flatnonzero(falls[0])):
            record = ev.DeferredImplemented if self.pend_ok[0, i] else ev.DeferredReneged
            self.emit(record(t, issue=self.issue_ids[i], value=_r(self.pend_val[0, i])))
        self.pend_time = np.where(falls, np.nan, self.pend_time)

    # 7. war onset
    def _war(self, k: int, t: float, power: _Power, incidents: np.ndarray, shocks: _Shocks) -> np.ndarray:
        D, cur, s = self.D, self.cur, self.sides
        p_war = war.onset_probability(
            base=cur["hazard_base"],
            incentive=cur["hazard_incentive"],
            tension=power.tension,
            shift_weight=cur["hazard_shift"],
            shift=power.shift,
            incident_weight=cur["incident_hazard"],
            incidents_per_year=incidents / self.dt,
            agreement_factor=cur["agreement_hazard_factor"],
            agreed=self.agreed,
            dt=self.dt,
        )
        p_war = p_war if s is not None else np.zeros(D)
        p_war = np.where(shocks.forced_war, 1.0, p_war)
        self.p_war_by[:, k] = p_war
        fight = (self.rng.random(D) < p_war) | shocks.forced_war
        u_win = self.rng.random(D)
        if s is None or not fight.any():
            return np.asarray(p_war)
        hi_wins = u_win < power.p_hi
        x_hi, x_lo = war.war_outcomes(self.sq, self.pos, s, cur["war_gain"])
        outcome = np.where(hi_wins[:, None], x_hi, x_lo)
        has_forced = ~np.isnan(shocks.forced_sq)
        outcome = np.where(has_forced, shocks.forced_sq, outcome)
        # a scheduled war's winner: the side whose leader the imposed outcome is closer to
        closer_hi = np.abs(outcome - self.pos[:, s.lead_high]).sum(axis=1) < np.abs(
            outcome - self.pos[:, s.lead_low]
        ).sum(axis=1)
        hi_wins = np.where(has_forced.any(axis=1), closer_hi, hi_wins)
        self.sq = np.where(fight[:, None], outcome, self.sq)
        self.wars += fight
        # a scheduled war starts on its date; one drawn from the hazard at the start of the step
        onset = np.where(shocks.forced_war, max(t, shocks.forced_time or t), t)
        self.first_war = np.where(fight & np.isnan(self.first_war), onset, self.first_war)
        nxt = np.array(
            [self.chain.index(f.after_war) if f.after_war is not None else fi for fi, f in enumerate(self.specs)]
        )
        before = self.fmt
        self.fmt = np.where(fight, nxt[self.fmt], self.fmt)
        if fight[0]:
            ids = self.actor_ids
            winner = ids[s.lead_high] if hi_wins[0] else ids[s.lead_low]
            end = float(onset[0]) + float(cur["war_duration"][0])
            self.emit(
                ev.War(
                    float(onset[0]),
                    p_war=_r(p_war[0]),
                    forced=bool(shocks.forced_war[0]),
                    winner=winner,
                    p_win_high_side=_r(power.p_hi[0]),
                    side_high=tuple(ids[a] for a in np.flatnonzero(s.high)),
                    side_low=tuple(ids[a] for a in np.flatnonzero(s.low)),
                )
            )
            self.emit(ev.Ceasefire(end, after="war", winner=winner, status_quo=self._sq_dict()))
            if self.fmt[0] != before[0]:
                self.emit(ev.FormatSwitch(end, to=self.specs[int(self.fmt[0])].id, reason="after war"))
        return np.asarray(p_war)

    def _adapt(self) -> None:
        """Parties adapt to facts on the ground: positions drift toward the status quo."""
        drift = (self.parties | self.combat)[None, :, None] & (self.sal > 0)
        rate = self.cur["concession_rate"][:, None, None] * self.dt
        self.pos = np.where(drift, self.pos + rate * (self.sq[:, None, :] - self.pos), self.pos)

    def _record(self, k: int, t: float, power: _Power, p_war: np.ndarray, incidents: np.ndarray) -> None:
        self.agreement_by[:, k] = self.agreed
        self.war_by[:, k] = self.wars > 0  # cumulative, like agreement_by: a war has begun by this step
        self.sq_by[:, k] = self.sq
        self.traj_pos[k] = self.pos[0]
        self.traj_monitor[k] = self.monitor_level[0]
        self.traj_incidents[k] = incidents[0]
        self.traj_format.append(self.specs[int(self.fmt[0])].id)
        s, ids = self.sides, self.actor_ids
        self.emit(
            ev.Step(
                t,
                p_war=_r(p_war[0]),
                p_win={ids[s.lead_high]: _r(power.p_hi[0]), ids[s.lead_low]: _r(1 - power.p_hi[0])} if s else {},
                status_quo=self._sq_dict(),
                monitoring=_r(self.monitor_level[0]),
                format=self.traj_format[-1],
            )
        )

    def _result(self) -> BatchResult:
        return BatchResult(
            years=self.years,
            actor_ids=self.actor_ids,
            issue_ids=self.issue_ids,
            proposal_ids=self.proposal_ids,
            format_ids=tuple(self.chain),
            inputs={},
            agreement=self.agreed,
            agreement_year=self.agreement_year,
            agreement_proposal=self.agreement_prop,
            terms=self.terms,
            wars=self.wars,
            first_war_year=self.first_war,
            agreement_by_year=self.agreement_by,
            war_by_year=self.war_by,
            vetoes=self.vetoes,
            final_status_quo=self.sq,
            final_format=self.fmt,
            p_war_by_year=self.p_war_by,
            status_quo_by_year=self.sq_by,
            removals=self.removals,
            trajectory={
                "years": self.years.copy(),
                "status_quo": self.sq_by[0].copy(),
                "p_war": self.p_war_by[0].copy(),
                "positions": self.traj_pos,
                "monitoring": self.traj_monitor,
                "incidents": self.traj_incidents,
                "format": self.traj_format,
            },
        )


class _Drafting:
    """A format's drafting context for one step: the candidate outcomes and the utilities of the
    actors who matter (the table and the voters - not, say, all 57 participating states)."""

    def __init__(self, proc: Process, spec: FormatSpec, power: _Power) -> None:
        self.proc, self.spec, self.power = proc, spec, power
        self.at_table = spec.table & ~proc.excluded
        self.voters = spec.voters & ~proc.excluded
        self.mediators = self.at_table & ~proc.parties
        self.rel = np.flatnonzero(self.at_table | self.voters)
        self.rel_at = {int(a): n for n, a in enumerate(self.rel)}
        self.reservation = np.maximum(power.u_sq, power.u_war)
        self._cand: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def _candidates(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self._cand is None:
            p = self.proc
            cand = candidates(p.sq, np.maximum(self.power.cap, 1e-9), p.pos, p.sal, self.at_table)
            dist = weighted_distance(cand, cand, p.pos[:, self.rel], p.sal[:, self.rel])
            self._cand = (cand, 1.0 - dist / 100.0, dist)
        return self._cand

    def draft(self, what: str, sponsors: list[int], noise: np.ndarray) -> tuple[str, np.ndarray, np.ndarray]:
        """``(label, point (D, I), tabled (D,))`` of a generated proposal."""
        p, spec, rel = self.proc, self.spec, self.rel
        cur, parties = p.cur, p.parties
        cand, u_cand, dist_cand = self._candidates()
        # mediators estimate the parties' reservation values with error (Kydd 2003)
        r_hat = (self.reservation + cur["mediator_noise"][:, None] * noise)[:, rel]
        r_hat = np.where(np.isfinite(r_hat), r_hat, 0.0)
        if what == "nash":
            bargainers = (self.voters & parties)[rel] if (self.voters & parties).any() else self.voters[rel]
            point, exists = nash_choice(cand, u_cand, r_hat, bargainers)
            return "gen.nash", point, exists
        bias = cur["mediator_bias"]
        winset_hat = dec.win_set(
            p.winset_base,
            p.winset_factor,
            p.mood,
            p.sal.mean(axis=2),
            np.zeros(p.D, dtype=bool),
            mood_effect=cur["mood_effect"],
            salience_winset=cur["salience_winset"],
            leak_effect=cur["leak_effect"],
        )[:, rel]
        sides = self.at_table & parties
        if sides.any():
            comp = compromise_position(np.maximum(self.power.cap[:, sides], 1e-9), p.pos[:, sides], p.sal[:, sides])
            comp = np.where(np.isnan(comp), p.sq, comp)
        else:
            comp = p.sq
        drafts, weights = [], []
        for m in sponsors:
            lev = _leverage(
                sponsors if what == "joint" else [m],
                parties,
                self.power.cap,
                self.mediators,
                cur["mediator_leverage"],
                p.pos,
                p.sal,
            )[:, rel]
            fallback = (1.0 - bias[:, None]) * comp + bias[:, None] * p.pos[:, m]
            drafts.append(
                choose_draft(
                    cand,
                    u_cand,
                    dist_cand,
                    r_hat,
                    winset_hat,
                    proposer=self.rel_at[m],
                    proposer_is_party=bool(parties[m]),
                    voters=self.voters[rel],
                    parties=parties[rel],
                    kind=spec.decision_kind,
                    threshold=spec.threshold,
                    margin=cur["acceptance_margin"],
                    bias=bias,
                    leverage=lev,
                    fallback=fallback,
                )
            )
            weights.append(np.maximum(self.power.cap[:, m], 1e-9))
        w = np.stack(weights, 1)
        point = (np.stack(drafts, 1) * w[:, :, None]).sum(axis=1) / w.sum(axis=1)[:, None]
        label = f"gen.{spec.id}.joint" if what == "joint" else f"gen.{p.actor_ids[sponsors[0]]}"
        return label, point, np.ones(p.D, dtype=bool)
