"""The replay's event log as typed records: one frozen dataclass per kind of happening.

The engine narrates draw 0 of a batch by calling ``log(event)`` with one of the records below
(:class:`accord.simulation.process.Process`); :func:`accord.simulation.replay` collects them in
order. Every reader — the ``accord replay`` timeline, ``--json``, the report, the dashboard and
the Python API (``accord.replay(...).events``) — reads these types:

- :meth:`Event.to_dict` is the record in the replay's JSON (``t``, ``kind`` and the fields);
- :func:`describe` renders a record as the one-line sentence the command line prints;
- :meth:`Event.involved` names the actors a record is about.

=====================  ============================================================
kind                   what happened (draw 0)
=====================  ============================================================
``start``              the run starts under a format, from a status quo
``event``              a dated scenario event applies (``imposed``: its outcome too,
                       see :mod:`accord.simulation.history`)
``escalation``         a party's war value rises above its status-quo value
``de-escalation``      ... and falls back below it
``mandate-blocked``    the organisation's rule fails to renew the monitoring mandate
``incidents``          ceasefire incidents on the line of contact in a step
``proposal``           a proposal is put to the table, with every voter's answer
``veto``               a voter's no, with its reason and the issue it objects to most
``leader-removed``     a leader who signed beyond the domestic win-set falls
``agreement``          a proposal passes
``deferred-implemented`` / ``deferred-reneged``  a deferred term falls due
``war``                a war begins (scheduled by the history or drawn from the hazard)
``ceasefire``          the war ends, leaving a new status quo
``format-switch``      the format changes after a war
``step``               the end of a step: P(war), the status quo, monitoring, format
=====================  ============================================================
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

__all__ = [
    "KINDS",
    "Agreement",
    "Answer",
    "Ceasefire",
    "DeEscalation",
    "DeferredImplemented",
    "DeferredReneged",
    "Escalation",
    "Event",
    "FormatSwitch",
    "Incidents",
    "LeaderRemoved",
    "MandateBlocked",
    "ProposalTabled",
    "ScenarioEvent",
    "Start",
    "Step",
    "Veto",
    "War",
    "describe",
]


def _plain(x: Any) -> Any:
    """JSON-shaped copy: nested records to dicts, tuples to lists."""
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return {f.name: _plain(getattr(x, f.name)) for f in dataclasses.fields(x)}
    if isinstance(x, Mapping):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_plain(v) for v in x]
    return x


def _issues(values: Mapping[str, float], digits: int = 1) -> str:
    return ", ".join(f"{i} {v:.{digits}f}" for i, v in values.items())


@dataclass(frozen=True)
class Event:
    """One happening at decimal year ``time`` (rounded to 10⁻⁶, the log's precision)."""

    time: float
    kind: ClassVar[str] = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "time", round(float(self.time), 6))

    def to_dict(self) -> dict[str, Any]:
        """The record as it appears in the replay's JSON: ``t``, ``kind`` and every field."""
        out: dict[str, Any] = {"t": self.time, "kind": self.kind}
        for f in dataclasses.fields(self):
            if f.name != "time":
                out[f.name] = _plain(getattr(self, f.name))
        return out

    def involved(self) -> tuple[str, ...]:
        """The actors this record is about (none for a record about the whole process)."""
        return ()

    def text(self) -> str:
        """The record as one sentence (see :func:`describe`)."""
        raise NotImplementedError


def describe(event: Event) -> str:
    """The sentence ``accord replay`` prints for ``event`` (also the report's, the dashboard's and
    the Python API's ``text``)."""
    return event.text()


@dataclass(frozen=True)
class Start(Event):
    format: str
    format_label: str
    status_quo: dict[str, float]
    kind: ClassVar[str] = "start"

    def text(self) -> str:
        return f"format {self.format} ({self.format_label}); status quo {_issues(self.status_quo)}"


@dataclass(frozen=True)
class ScenarioEvent(Event):
    """A dated event of the scenario; ``imposed``: its outcome parts were applied too (history)."""

    id: str
    event: str
    label: str
    actors: tuple[str, ...]
    status_quo: dict[str, float]
    switch_format: str | None
    imposed: bool
    kind: ClassVar[str] = "event"

    def involved(self) -> tuple[str, ...]:
        return self.actors

    def text(self) -> str:
        extra = f" → format {self.switch_format}" if self.switch_format and self.imposed else ""
        has_outcome = bool(self.status_quo) or self.switch_format is not None or self.event in ("war", "resignation")
        note = " (counterfactual: outcome not imposed)" if has_outcome and not self.imposed else ""
        return f"{self.event}: {self.label}{extra}{note}"


@dataclass(frozen=True)
class Escalation(Event):
    actor: str
    war_value: float
    status_quo_value: float
    p_win: float
    kind: ClassVar[str] = "escalation"

    def involved(self) -> tuple[str, ...]:
        return (self.actor,)

    def text(self) -> str:
        return (
            f"{self.actor} escalates: war value {self.war_value:.3f} > status quo {self.status_quo_value:.3f} "
            f"(P(win) {self.p_win:.2f})"
        )


@dataclass(frozen=True)
class DeEscalation(Event):
    actor: str
    war_value: float
    status_quo_value: float
    kind: ClassVar[str] = "de-escalation"

    def involved(self) -> tuple[str, ...]:
        return (self.actor,)

    def text(self) -> str:
        return f"{self.actor} no longer expects to gain from war"


@dataclass(frozen=True)
class MandateBlocked(Event):
    format: str
    blocked_by: tuple[str, ...]
    reason: str
    monitoring: float
    kind: ClassVar[str] = "mandate-blocked"

    def involved(self) -> tuple[str, ...]:
        return self.blocked_by

    def text(self) -> str:
        return f"monitoring mandate blocked by {', '.join(self.blocked_by)}; capacity {self.monitoring:.2f}"


@dataclass(frozen=True)
class Incidents(Event):
    count: int
    monitoring: float
    tension: float
    kind: ClassVar[str] = "incidents"

    def text(self) -> str:
        return f"{self.count} ceasefire incidents (monitoring {self.monitoring:.2f})"


@dataclass(frozen=True)
class Answer:
    """One voter's answer to a proposal: its value of the deal against the status quo and war."""

    value: float
    status_quo: float
    war: float | None
    distance: float
    win_set: float | None
    accept: bool
    reason: str


@dataclass(frozen=True)
class ProposalTabled(Event):
    """A proposal put to the table (``id``: the scenario's proposal id or a generated label)."""

    id: str
    label: str
    proposal_kind: str
    format: str
    sponsors: tuple[str, ...]
    terms: dict[str, float]
    range: dict[str, tuple[float, float]]
    deferred: tuple[str, ...]
    leaked: bool
    leaked_to: tuple[str, ...]
    answers: dict[str, Answer]
    utilities: dict[str, float]
    passed: bool
    kind: ClassVar[str] = "proposal"

    def involved(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*self.sponsors, *self.answers]))

    def text(self) -> str:
        deferred = f"; deferred: {', '.join(self.deferred)}" if self.deferred else ""
        answers = ", ".join(
            f"{a} {'yes' if x.accept else 'no'} ({x.value:.2f} vs sq {x.status_quo:.2f}"
            + (f", war {x.war:.2f}" if x.war is not None else "")
            + ")"
            for a, x in self.answers.items()
        )
        leak = " [leaked]" if self.leaked else ""
        verdict = "PASSED" if self.passed else "rejected"
        return (
            f"{self.id} ({self.proposal_kind}) by {'/'.join(self.sponsors)}: {_issues(self.terms)}{deferred}{leak} — "
            f"{answers} — {verdict}"
        )


@dataclass(frozen=True)
class Veto(Event):
    proposal: str
    actor: str
    reason: str
    issue: str
    kind: ClassVar[str] = "veto"

    def involved(self) -> tuple[str, ...]:
        return (self.actor,)

    def text(self) -> str:
        return f"{self.actor} vetoes {self.proposal}: {self.reason} (issue {self.issue})"


@dataclass(frozen=True)
class LeaderRemoved(Event):
    actor: str
    proposal: str
    reason: str
    kind: ClassVar[str] = "leader-removed"

    def involved(self) -> tuple[str, ...]:
        return (self.actor,)

    def text(self) -> str:
        return f"{self.actor}: {self.reason}"


@dataclass(frozen=True)
class Agreement(Event):
    proposal: str
    format: str
    terms: dict[str, float]
    deferred: tuple[str, ...]
    kind: ClassVar[str] = "agreement"

    def text(self) -> str:
        return f"AGREEMENT on {self.proposal} ({self.format}): {_issues(self.terms)}"


@dataclass(frozen=True)
class DeferredImplemented(Event):
    issue: str
    value: float
    kind: ClassVar[str] = "deferred-implemented"

    def text(self) -> str:
        return f"deferred term on {self.issue}: implemented ({self.value:g})"


@dataclass(frozen=True)
class DeferredReneged(Event):
    issue: str
    value: float
    kind: ClassVar[str] = "deferred-reneged"

    def text(self) -> str:
        return f"deferred term on {self.issue}: reneged ({self.value:g})"


@dataclass(frozen=True)
class War(Event):
    """A war begins: ``forced`` when the scenario's history schedules it, else drawn from the hazard."""

    p_war: float
    forced: bool
    winner: str
    p_win_high_side: float
    side_high: tuple[str, ...]
    side_low: tuple[str, ...]
    kind: ClassVar[str] = "war"

    def involved(self) -> tuple[str, ...]:
        return (*self.side_high, *self.side_low)

    def text(self) -> str:
        how = "scheduled" if self.forced else f"P(war) {self.p_war:.2f}"
        return f"WAR ({how}); winner {self.winner}"


@dataclass(frozen=True)
class Ceasefire(Event):
    after: str
    winner: str
    status_quo: dict[str, float]
    kind: ClassVar[str] = "ceasefire"

    def text(self) -> str:
        return f"ceasefire after {self.after}; status quo {_issues(self.status_quo)}"


@dataclass(frozen=True)
class FormatSwitch(Event):
    to: str
    reason: str
    kind: ClassVar[str] = "format-switch"

    def text(self) -> str:
        return f"format switches to {self.to} ({self.reason})"


@dataclass(frozen=True)
class Step(Event):
    """The end of a step (the replay's table by step reads these)."""

    p_war: float
    p_win: dict[str, float]
    status_quo: dict[str, float]
    monitoring: float
    format: str
    kind: ClassVar[str] = "step"

    def text(self) -> str:
        return (
            f"end of step under {self.format}: P(war) {self.p_war:.3f}, monitoring {self.monitoring:.2f}; "
            f"status quo {_issues(self.status_quo)}"
        )


KINDS: dict[str, type[Event]] = {
    c.kind: c
    for c in (
        Start,
        ScenarioEvent,
        Escalation,
        DeEscalation,
        MandateBlocked,
        Incidents,
        ProposalTabled,
        Veto,
        LeaderRemoved,
        Agreement,
        DeferredImplemented,
        DeferredReneged,
        War,
        Ceasefire,
        FormatSwitch,
        Step,
    )
}
"""Every kind of record the engine produces, by its ``kind``."""
