"""A scenario compiled for the kernel: :class:`Context` (what does not change during a run).

The kernel carries only the actors who act in the conflict: those holding a stance, the parties
and armed actors, and whoever sits at a table or proposes. Participating states of an
organisation that hold no stance never object to anything, so a rule counts them as silent
"yes" votes (:mod:`accord.mechanisms.rules`) instead of carrying them through every array.

Tables. A run has one *table* per format of its chain (the format's own negotiation) and one
per parallel track of the scenario; each is a :class:`Table` with its seats, proposers, decision
rule (an object), the organisation's rule behind it, and the agreement types it negotiates.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field

import numpy as np

from accord.mechanisms.agreements import TYPES
from accord.mechanisms.formats import FormatSpec, TrackSpec
from accord.mechanisms.proposals import CompiledProposal
from accord.mechanisms.rules import Rule, make_rule
from accord.scenario.quantity import Quantity
from accord.scenario.schema import Event, Scenario, Series, StanceChange, date_to_year
from accord.simulation.conflict import ARMED_KINDS, ConflictTraits
from accord.simulation.decisions import Decisions
from accord.simulation.history import History
from accord.simulation.power import Sides, sides_from_positions

__all__ = ["Change", "Context", "Schedule", "Table", "compile_context", "kernel_actors"]

_ARMED_KINDS = ARMED_KINDS


@dataclass(frozen=True)
class Table:
    """Where texts are negotiated: a format's own table or a parallel track, over kernel actors.

    ``seats``: ``(A,)`` bool; ``proposers``: kernel indices; ``rule``: the table's decision rule;
    ``org_rule``: the organisation's rule for mandates and for convening a signing conference
    (None: no organisation); ``agreements``: types negotiated here; ``when``: always, fighting or
    quiet; ``start``/``end``: when the table sits; ``format_index``: the format it belongs to (None
    for a parallel track); ``mediator``: a single-mediator format's mediator id."""

    id: str
    label: str
    seats: np.ndarray
    proposers: tuple[int, ...]
    rule: Rule
    org_rule: Rule | None
    agreements: tuple[str, ...]
    when: str
    start: float
    end: float
    format_index: int | None
    parallel_tracks: bool = True
    after_war: str | None = None
    mediator: str | None = None

    def open_at(self, t: float) -> bool:
        return self.start <= t < self.end

    def negotiates(self, kind: str) -> bool:
        return kind in self.agreements


@dataclass(frozen=True)
class Change:
    """A dated change of one actor's inputs (``StanceChange``), with its kernel index."""

    time: float
    actor: int
    change: StanceChange
    name: str  # input-name prefix: actors.ID.changes.DATE


@dataclass
class Schedule:
    """What is dated in one step: changes, events (with their decimal years) and proposals."""

    changes: list[Change] = field(default_factory=list)
    events: list[tuple[Event, float]] = field(default_factory=list)
    proposals: list[CompiledProposal] = field(default_factory=list)


@dataclass
class Context:
    """Everything static about a run of ``D`` draws."""

    scenario: Scenario
    history: History
    draws: int
    values: dict[str, np.ndarray]
    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    parties: np.ndarray
    combatants: np.ndarray
    mediators: np.ndarray
    war_issues: np.ndarray
    sides: Sides | None
    specs: list[FormatSpec]
    chain: list[str]
    tables: list[Table]
    format_tables: list[int]
    proposals: list[CompiledProposal]
    events: list[Event]
    changes: list[Change]
    series: dict[int, Series]
    cap_const: np.ndarray
    start: float
    dt: float
    steps: int
    years: np.ndarray
    format_params: list[dict[str, np.ndarray]] = field(default_factory=list)
    monitoring: np.ndarray = field(default_factory=lambda: np.zeros(0))
    leak_risk: np.ndarray = field(default_factory=lambda: np.zeros(0))
    decisions: Decisions | None = None
    traits: ConflictTraits | None = None
    hazard_coef: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    capability_given: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    event_times: tuple[float, ...] = ()
    _step_of: dict[float, int] = field(default_factory=dict, repr=False)
    _years_list: list[float] | None = field(default=None, repr=False)
    _flows: tuple[float, np.ndarray] | None = field(default=None, repr=False)
    _series_table: tuple[dict[float, int], list[int], np.ndarray] | None = field(default=None, repr=False)
    _schedule: list[Schedule] | None = field(default=None, repr=False)
    # the information phase's fixed layout (process._information_layout)
    _information: tuple[np.ndarray, np.ndarray, list[np.ndarray | None]] | None = field(default=None, repr=False)

    def step_of(self, when: float) -> int:
        """The step decimal year ``when`` falls in (the first step also holds everything before
        the start; -1 for a date after the last step)."""
        step = self._step_of.get(when)
        if step is None:
            # the step whose interval [year, year + dt - 1e-9) holds it (the intervals are
            # disjoint: only the last step starting at or before it can; a date in the 1e-9 gap
            # or after the end falls in none); remembered, as dates repeat every step
            if self._years_list is None:
                self._years_list = self.years.tolist()
            years = self._years_list
            j = max(bisect.bisect_right(years, when) - 1, 0)
            step = j if when < years[j] + self.dt - 1e-9 else -1
            self._step_of[when] = step
        return step

    def in_step(self, when: float, k: int) -> bool:
        """Whether decimal year ``when`` falls in step ``k`` (see :meth:`step_of`)."""
        return self.step_of(when) == k

    def scheduled(self, k: int) -> Schedule:
        """The dated changes, events and proposals of step ``k``, in the scenario's order (found
        once per run: every step would otherwise test every date)."""
        if self._schedule is None:
            self._schedule = [Schedule() for _ in range(self.steps)]
            for c in self.changes:
                if (j := self.step_of(c.time)) >= 0:
                    self._schedule[j].changes.append(c)
            for e, when in zip(self.events, self.event_times, strict=True):
                if (j := self.step_of(when)) >= 0:
                    self._schedule[j].events.append((e, when))
            for p in self.proposals:
                if (j := self.step_of(p.time)) >= 0:
                    self._schedule[j].proposals.append(p)
        return self._schedule[k]

    @property
    def A(self) -> int:
        return len(self.actor_ids)

    @property
    def I(self) -> int:  # noqa: E743
        return len(self.issue_ids)

    def index(self, actor_id: str) -> int | None:
        try:
            return self.actor_ids.index(actor_id)
        except ValueError:
            return None

    def flows(self, t: float) -> np.ndarray:
        """Capability flows ``(D, A)`` at decimal year ``t`` (yearly series interpolated; read-only:
        a step asks for its year's several times, so the last one is kept)."""
        if self._flows is not None and self._flows[0] == t:
            return self._flows[1]
        c = self.cap_const.copy()
        if self.series:
            at_step, cols, table = self._series_by_step()
            j = at_step.get(t)
            if j is not None:
                c[:, cols] = table[j]
            else:
                for k, s in self.series.items():
                    c[:, k] = s.at(t)
        c.flags.writeable = False
        self._flows = (t, c)
        return c

    def _series_by_step(self) -> tuple[dict[float, int], list[int], np.ndarray]:
        """The series' values at every step's year, ``(steps, S)`` (interpolated once per run: a
        per-step :meth:`Series.at` rebuilds its lists and arrays). ``np.interp`` computes each
        point alone and ``× scale`` is the same multiplication, so the bits are those of ``at``."""
        if self._series_table is None:
            cols = list(self.series)
            table = np.empty((self.steps, len(cols)))
            for n, s in enumerate(self.series.values()):
                xp = np.array(list(s.series), dtype=float)
                fp = np.array(list(s.series.values()), dtype=float)
                table[:, n] = np.interp(self.years, xp, fp) * s.scale
            at_step = {float(y): j for j, y in enumerate(self.years)}
            self._series_table = (at_step, cols, table)
        return self._series_table


def kernel_actors(scenario: Scenario, specs: list[FormatSpec], tracks: list[TrackSpec]) -> np.ndarray:
    """Actors the kernel carries: a stance, a party or armed role, a seat or a proposer anywhere."""
    n = len(scenario.actors)
    keep = np.zeros(n, dtype=bool)
    for k, a in enumerate(scenario.actors):
        roles = set(a.roles)
        keep[k] = bool(a.positions) or "party" in roles or ("affected" in roles and a.kind in _ARMED_KINDS)
    for s in specs:
        keep |= s.table | s.voters
        keep[list(s.proposers)] = True
    for t in tracks:
        keep |= t.table | t.voters
        keep[list(t.proposers)] = True
    return keep


def _fmt_value(
    values: dict[str, np.ndarray], own: set[str], fid: str, key: str, q: Quantity | None, default: np.ndarray
) -> np.ndarray:
    name = f"formats.{fid}.{key}"
    if fid in own and name in values:
        return values[name]
    if q is not None:
        return np.full(default.shape, q.nominal)
    return default


def compile_context(
    scenario: Scenario,
    specs: list[FormatSpec],
    chain: list[str],
    tracks: list[TrackSpec],
    proposals: list[CompiledProposal],
    values: dict[str, np.ndarray],
    draws: int,
    until: float | None,
    history: History,
    monitoring_default: np.ndarray,
    traits: ConflictTraits | None = None,
    hazard_coef: dict[str, dict[str, np.ndarray]] | None = None,
    decisions: Decisions | None = None,
) -> Context:
    """Compile the static parts of a run (kernel actors, tables, rules, steps, sides); ``traits``:
    the conflict's coding for the hazards (:func:`~accord.simulation.conflict.conflict_traits`),
    ``hazard_coef``: the fitted hazards' coefficients per draw
    (:func:`~accord.simulation.hazards.coefficients`); ``decisions``: a training session's."""
    keep = kernel_actors(scenario, specs, tracks)
    kidx = np.flatnonzero(keep)
    pos_in_kernel = {int(a): n for n, a in enumerate(kidx)}
    actors = [scenario.actors[i] for i in kidx]
    roles = [set(a.roles) for a in actors]
    parties = np.array(["party" in r for r in roles], dtype=bool)
    combatants = np.array(
        [("party" in r or "affected" in r) and a.kind in _ARMED_KINDS for a, r in zip(actors, roles, strict=True)],
        dtype=bool,
    )
    mediators = np.array([bool({"mediator", "co-chair", "guarantor"} & r) for r in roles], dtype=bool)
    issue_ids = tuple(scenario.issue_ids)
    war_issues = np.array([iss.war for iss in scenario.issues], dtype=bool)
    if not war_issues.any():
        # a scenario that marks no issue as contested by force: a war moves every issue
        war_issues[:] = True

    nominal_pos = np.zeros((len(actors), len(issue_ids)))
    nominal_sal = np.zeros_like(nominal_pos)
    for k, a in enumerate(actors):
        for i, issue in enumerate(issue_ids):
            if issue in a.positions:
                nominal_pos[k, i] = a.positions[issue].nominal
                nominal_sal[k, i] = a.salience[issue].nominal
    sides = sides_from_positions(nominal_pos, nominal_sal, parties, combatants, war_issues)

    def kmask(mask: np.ndarray) -> np.ndarray:
        return np.asarray(mask[kidx], dtype=bool)

    def silent(mask: np.ndarray) -> int:
        return int((mask & ~keep).sum())

    own = {f.id for f in scenario.formats}
    tables: list[Table] = []
    format_tables: list[int] = []
    for fi, s in enumerate(specs):
        org = None
        if s.org_kind is not None:
            org = make_rule(s.org_kind, kmask(s.org_voters), s.org_threshold, silent(s.org_voters))
        format_tables.append(len(tables))
        tables.append(
            Table(
                id=s.id,
                label=s.label,
                seats=kmask(s.table),
                proposers=tuple(pos_in_kernel[p] for p in s.proposers),
                rule=make_rule(s.decision_kind, kmask(s.voters), s.threshold, silent(s.voters)),
                org_rule=org,
                agreements=TYPES,
                when="always",
                start=-math.inf,
                end=math.inf,
                format_index=fi,
                parallel_tracks=s.parallel_tracks,
                after_war=s.after_war,
                mediator=s.mediator,
            )
        )
    for t in tracks:
        tables.append(
            Table(
                id=t.id,
                label=t.label,
                seats=kmask(t.table),
                proposers=tuple(pos_in_kernel[p] for p in t.proposers),
                rule=make_rule(t.decision_kind, kmask(t.voters), t.threshold, silent(t.voters)),
                org_rule=None,
                agreements=t.agreements,
                when=t.when,
                start=t.start,
                end=t.end,
                format_index=None,
            )
        )

    series: dict[int, Series] = {}
    cap_const = np.zeros((draws, len(actors)))
    for k, a in enumerate(actors):
        if isinstance(a.capability, Series):
            series[k] = a.capability
        elif a.capability is not None:
            cap_const[:, k] = values[f"actors.{a.id}.capability"]

    changes = []
    for k, a in enumerate(actors):
        for ch in a.changes:
            changes.append(Change(date_to_year(ch.from_), k, ch, f"actors.{a.id}.changes.{ch.from_}"))
    changes.sort(key=lambda c: c.time)

    # proposals carry indices into the full actor list; re-index their sponsors to the kernel
    props = [
        CompiledProposal(
            p.id,
            p.label,
            p.kind,
            p.agreement,
            p.time,
            tuple(pos_in_kernel[s] for s in p.sponsors if s in pos_in_kernel),
            p.point,
            p.lo,
            p.hi,
            p.deferred,
            p.until,
            p.peacekeeping,
            p.track,
        )
        for p in proposals
    ]

    start = date_to_year(scenario.meta.start)
    end = date_to_year(scenario.meta.end)
    dt = 1.0 / scenario.meta.steps_per_year
    stop = end if until is None else min(end, until)
    steps = max(1, math.ceil((stop - start) / dt - 1e-9))
    years = start + dt * np.arange(steps)

    fparams = [
        {n: _fmt_value(values, own, s.id, f"parameters.{n}", q, np.zeros(draws)) for n, q in s.parameters.items()}
        for s in specs
    ]
    monitoring = np.stack(
        [_fmt_value(values, own, s.id, "monitoring", s.monitoring, monitoring_default) for s in specs], 1
    )
    leak = np.stack([_fmt_value(values, own, s.id, "leak_risk", s.leak_risk, np.zeros(draws)) for s in specs], 1)

    events = sorted(scenario.events, key=lambda e: date_to_year(e.date))
    return Context(
        scenario=scenario,
        history=history,
        draws=draws,
        values=values,
        actor_ids=tuple(a.id for a in actors),
        issue_ids=issue_ids,
        parties=parties,
        combatants=combatants,
        mediators=mediators,
        war_issues=war_issues,
        sides=sides,
        specs=specs,
        chain=chain,
        tables=tables,
        format_tables=format_tables,
        proposals=props,
        events=events,
        event_times=tuple(date_to_year(e.date) for e in events),
        changes=changes,
        series=series,
        cap_const=cap_const,
        start=start,
        dt=dt,
        steps=steps,
        years=years,
        format_params=fparams,
        monitoring=monitoring,
        leak_risk=leak,
        decisions=decisions,
        traits=traits if sides is not None else None,
        hazard_coef=hazard_coef or {},
        capability_given=np.array([a.capability is not None for a in actors], dtype=bool),
    )
