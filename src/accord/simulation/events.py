"""The replay's event log as typed records: one frozen dataclass per kind of happening.

Every record has ``t`` (decimal year), ``kind`` (a class constant) and ``imposed`` (True when the
happening is the scenario's history applied as it was, False when the model produced it), plus
its own fields. :meth:`Event.to_dict` gives the JSON form and :meth:`Event.sentence` one line of
prose; the CLI, the report, the dashboard and the Python API all read these.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar

__all__ = [
    "EVENT_TYPES",
    "KINDS",
    "AgreementSigned",
    "Breakdown",
    "DatedEvent",
    "Escalation",
    "Event",
    "Fighting",
    "FormatSwitch",
    "Implementation",
    "Incidents",
    "Lapse",
    "LeaderRemoved",
    "Log",
    "MandateBlocked",
    "OptimismCorrected",
    "PassedUnbound",
    "ProposalTabled",
    "StanceChanged",
    "Start",
    "Step",
    "Veto",
    "WarEnded",
    "WarStarted",
    "date_label",
    "describe",
    "short_reason",
]


def date_label(t: float, steps_per_year: int = 12) -> str:
    """``1994.33`` → ``1994-05``; a whole year stays ``1994`` when steps are yearly."""
    if not math.isfinite(t):
        return "?"
    year = math.floor(t + 1e-9)
    if steps_per_year == 1 and abs(t - year) < 1e-6:
        return f"{year}"
    month = min(12, math.floor((t - year) * 12 + 1e-3) + 1)  # times are rounded to 6 decimals
    return f"{year}-{month:02d}"


_SHORT = {
    "worse than no agreement (the status quo, with its risk of war)": "no agreement is better",
    "worse than its expected value of war": "war is better",
    "its domestic pivot would likely reject it (not worth the audience cost of signing)": "its pivot would reject it",
    "signed, but its domestic pivot rejected it at ratification": "its pivot rejected it",
    "signed, its domestic pivot rejected it and the leader lost office": "its pivot rejected it; leader fell",
    "blocks convening the signing conference": "blocks the conference",
    "outvoted, and no one enforces the text against it": "outvoted, not bound",
}
"""Short forms of the refusal reasons (:data:`accord.mechanisms.ratification.REASONS`) for the story."""


def short_reason(text: str) -> str:
    """``text`` with every refusal reason in it in its short form (for the brief story)."""
    for long, short in _SHORT.items():
        text = text.replace(long, short)
    return text


def _fmt_terms(terms: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.0f}" for k, v in terms.items())


@dataclass(frozen=True)
class Event:
    """Base of every record."""

    kind: ClassVar[str] = "event"
    t: float
    imposed: bool = field(default=False, kw_only=True)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        return {"kind": self.kind, **d}

    @property
    def time(self) -> float:
        """The decimal year of the record (``t``)."""
        return self.t

    @property
    def involved(self) -> list[str]:
        """Actor ids the record concerns (for tables)."""
        out: list[str] = []
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name in ("actor", "mediator", "party") and isinstance(v, str):
                out.append(v)
            elif f.name in (
                "actors",
                "sponsors",
                "blocked_by",
                "objectors",
                "parties",
                "side_high",
                "side_low",
            ) and isinstance(v, list):
                out.extend(v)
        return out

    def sentence(self) -> str:  # pragma: no cover - every kind overrides it
        return self.kind

    def brief(self) -> str:
        """A shorter sentence for the replay's story (default: :meth:`sentence`)."""
        return self.sentence()


Log = Callable[[Event], None]
"""The engine's narration callback: called with each record of draw 0."""


@dataclass(frozen=True)
class Start(Event):
    kind: ClassVar[str] = "start"
    format: str
    format_label: str
    history: str
    status_quo: dict[str, float]

    def sentence(self) -> str:
        return f"start under {self.format} ({self.format_label}); history {self.history}"


@dataclass(frozen=True)
class Step(Event):
    kind: ClassVar[str] = "step"
    format: str
    fighting: bool
    p_onset: float
    p_win: dict[str, float]
    status_quo: dict[str, float]
    monitoring: float
    in_force: list[str]

    def sentence(self) -> str:
        state = "fighting" if self.fighting else f"quiet, P(fighting begins) {self.p_onset:.3f}"
        agreements = ", ".join(self.in_force) if self.in_force else "none"
        return f"{self.format}: {state}; in force: {agreements}; monitoring {self.monitoring:.2f}"


@dataclass(frozen=True)
class DatedEvent(Event):
    """One of the scenario's dated events, as applied (``imposed``) or as context only."""

    kind: ClassVar[str] = "event"
    id: str
    event: str
    label: str
    actors: list[str]
    outcome_imposed: bool
    status_quo: dict[str, float]
    switch_format: str | None

    @property
    def _context_only(self) -> bool:
        """An outcome the scenario dates but this run does not impose (context kinds are never imposed)."""
        return not self.outcome_imposed and self.event not in _CONTEXT_KINDS

    def sentence(self) -> str:
        tail = " (history not imposed: context only)" if self._context_only else ""
        return f"{self.label} [{self.event}]{tail}"

    def brief(self) -> str:  # the label says what happened; its kind is in the full log
        return f"{self.label}{' (context only)' if self._context_only else ''}"


_CONTEXT_KINDS = {"leak", "office-closure", "mediator-breakup", "statement", "other", "format-dispute"}


@dataclass(frozen=True)
class StanceChanged(Event):
    kind: ClassVar[str] = "stance-changed"
    actor: str
    leader: str | None
    positions: dict[str, float]
    pivot: dict[str, float]

    def sentence(self) -> str:
        who = f"{self.actor}: {self.leader} takes office" if self.leader else f"{self.actor}: stance changes"
        parts = []
        if self.positions:
            parts.append("positions " + _fmt_terms(self.positions))
        if self.pivot:
            parts.append("domestic pivot " + _fmt_terms(self.pivot))
        return who + (f" ({'; '.join(parts)})" if parts else "")


@dataclass(frozen=True)
class Escalation(Event):
    kind: ClassVar[str] = "escalation"
    actor: str
    war_value: float
    status_quo_value: float
    p_win: float
    rising: bool = True

    def sentence(self) -> str:
        if not self.rising:
            return f"{self.actor} de-escalates: war no longer beats the status quo"
        return (
            f"{self.actor} escalates: it expects more from war ({self.war_value:.3f}, P(win) {self.p_win:.2f}) "
            f"than from the status quo ({self.status_quo_value:.3f})"
        )

    def brief(self) -> str:
        if not self.rising:
            return self.sentence()
        return (
            f"{self.actor} escalates: war {self.war_value:.2f} (P(win) {self.p_win:.2f}) "
            f"> status quo {self.status_quo_value:.2f}"
        )


@dataclass(frozen=True)
class MandateBlocked(Event):
    kind: ClassVar[str] = "mandate-blocked"
    format: str
    blocked_by: list[str]
    monitoring: float

    def sentence(self) -> str:
        return (
            f"monitoring mandate blocked by {', '.join(self.blocked_by)} (expects to gain from war); "
            f"monitoring falls to {self.monitoring:.2f}"
        )

    def brief(self) -> str:
        return (
            f"{', '.join(self.blocked_by)} blocks monitoring (expects to gain from war): down to {self.monitoring:.2f}"
        )


@dataclass(frozen=True)
class Incidents(Event):
    kind: ClassVar[str] = "incidents"
    count: int
    monitoring: float

    def sentence(self) -> str:
        return f"{self.count} ceasefire incidents (monitoring {self.monitoring:.2f})"


@dataclass(frozen=True)
class OptimismCorrected(Event):
    kind: ClassVar[str] = "optimism-corrected"
    party: str
    mediator: str
    before: float
    after: float

    def sentence(self) -> str:
        return (
            f"{self.mediator}'s warnings are credible to {self.party}: its overestimate of its chances "
            f"falls from {self.before:+.3f} to {self.after:+.3f}"
        )


@dataclass(frozen=True)
class ProposalTabled(Event):
    kind: ClassVar[str] = "proposal"
    id: str
    label: str
    agreement: str
    table: str
    sponsors: list[str]
    terms: dict[str, float]
    deferred: list[str]
    leaked: bool
    answers: dict[str, dict[str, Any]]
    passed: bool

    def sentence(self) -> str:
        said = "; ".join(
            f"{a} {'signs' if v['sign'] else 'refuses'}"
            + (f" (P(ratified) {v['p_ratify']:.2f})" if v.get("p_ratify") is not None and v["sign"] else "")
            + ("" if v["sign"] else f": {v['reason']}")
            for a, v in self.answers.items()
        )
        leak = " [leaked]" if self.leaked else ""
        terms = f" ({_fmt_terms(self.terms)})" if self.terms else ""
        return f"{self.label} [{self.agreement}] tabled at {self.table}{terms}{leak}: {said}"

    def brief(self) -> str:
        said = "; ".join(
            f"{a} " + ("signs" if v["sign"] else f"refuses ({short_reason(v['reason'])})")
            for a, v in self.answers.items()
        )
        leak = " [leaked]" if self.leaked else ""
        return f"{self.label} [{self.agreement}]{leak}: {said}"


@dataclass(frozen=True)
class Veto(Event):
    kind: ClassVar[str] = "veto"
    proposal: str
    actor: str
    reason: str
    issue: str

    def sentence(self) -> str:
        return f"{self.actor} blocks {self.proposal}: {self.reason} (mostly over {self.issue})"


@dataclass(frozen=True)
class LeaderRemoved(Event):
    kind: ClassVar[str] = "leader-removed"
    actor: str
    proposal: str

    def sentence(self) -> str:
        return (
            f"{self.actor}'s leader signed {self.proposal}, the domestic pivot rejected it, and the leader falls; "
            "the successor takes the pivot's positions"
        )


@dataclass(frozen=True)
class AgreementSigned(Event):
    kind: ClassVar[str] = "agreement"
    proposal: str
    agreement: str
    table: str
    parties: list[str]
    terms: dict[str, float]
    deferred: list[str]
    peacekeepers: bool

    def sentence(self) -> str:
        pk = "; peacekeepers deploy" if self.peacekeepers else ""
        terms = f": {_fmt_terms(self.terms)}" if self.terms else ""
        defer = f"; deferred: {', '.join(self.deferred)}" if self.deferred else ""
        return f"{self.agreement} agreement signed at {self.table} ({self.proposal}){terms}{defer}{pk}"

    def brief(self) -> str:
        if self.agreement in ("process", "renewal", "ceasefire"):
            return f"{self.agreement} agreement signed at {self.table}"
        return self.sentence()


@dataclass(frozen=True)
class PassedUnbound(Event):
    kind: ClassVar[str] = "passed-unbound"
    proposal: str
    objectors: list[str]

    def sentence(self) -> str:
        return (
            f"{self.proposal} passes by vote over {', '.join(self.objectors)}'s objection; no one enforces it, "
            "so it binds no one and is not in force"
        )


@dataclass(frozen=True)
class Implementation(Event):
    kind: ClassVar[str] = "implementation"
    issues: list[str]
    implemented: bool
    enforced: bool
    values: dict[str, float]

    def sentence(self) -> str:
        if self.implemented:
            how = " (enforced by peacekeepers)" if self.enforced else ""
            return f"deferred terms implemented{how}: {_fmt_terms(self.values)}"
        return f"deferred terms on {', '.join(self.issues)} not implemented: the agreement fails"


@dataclass(frozen=True)
class Breakdown(Event):
    kind: ClassVar[str] = "breakdown"
    agreements: list[str]
    cause: str

    def sentence(self) -> str:
        return f"{', '.join(self.agreements)} agreement(s) break down ({self.cause})"


@dataclass(frozen=True)
class Lapse(Event):
    kind: ClassVar[str] = "lapse"
    agreements: list[str]

    def sentence(self) -> str:
        return f"{', '.join(self.agreements)} agreement(s) lapse (term ran out)"


@dataclass(frozen=True)
class WarStarted(Event):
    kind: ClassVar[str] = "war"
    p_onset: float
    side_high: list[str]
    side_low: list[str]
    p_win_high_side: float
    flare: bool = False

    def sentence(self) -> str:
        what = "clashes flare up" if self.flare else "fighting begins"
        p = "" if self.imposed else f" (P {self.p_onset:.3f})"
        return (
            f"{what}{p}: {', '.join(self.side_high)} vs {', '.join(self.side_low)}; "
            f"P({self.side_high[0]}'s side wins) {self.p_win_high_side:.2f}"
        )

    def brief(self) -> str:
        what = "clashes flare up" if self.flare else "fighting begins"
        p = "" if self.imposed else f" (P {self.p_onset:.2f})"
        return (
            f"{what}{p}: {', '.join(self.side_high)} (P(win) {self.p_win_high_side:.2f}) vs {', '.join(self.side_low)}"
        )


@dataclass(frozen=True)
class Fighting(Event):
    kind: ClassVar[str] = "fighting"
    prevails: str
    status_quo: dict[str, float]

    def sentence(self) -> str:
        return f"{self.prevails}'s side prevails in the fighting; the front moves ({_fmt_terms(self.status_quo)})"


@dataclass(frozen=True)
class WarEnded(Event):
    kind: ClassVar[str] = "war-end"
    how: str
    table: str | None
    status_quo: dict[str, float]

    def sentence(self) -> str:
        return f"{self.brief()}; status quo {_fmt_terms(self.status_quo)}"

    def brief(self) -> str:  # the new status quo is in the full log and the summary's final one
        where = f" at {self.table}" if self.table else ""
        return f"fighting ends ({self.how}{where})"


@dataclass(frozen=True)
class FormatSwitch(Event):
    kind: ClassVar[str] = "format-switch"
    to: str
    reason: str

    def sentence(self) -> str:
        return f"format switches to {self.to} ({self.reason})"


EVENT_TYPES: dict[str, type[Event]] = {
    cls.kind: cls
    for cls in (
        Start,
        Step,
        DatedEvent,
        StanceChanged,
        Escalation,
        MandateBlocked,
        Incidents,
        OptimismCorrected,
        ProposalTabled,
        Veto,
        LeaderRemoved,
        AgreementSigned,
        PassedUnbound,
        Implementation,
        Breakdown,
        Lapse,
        WarStarted,
        Fighting,
        WarEnded,
        FormatSwitch,
    )
}
"""Every record type by its ``kind``."""

KINDS: tuple[str, ...] = tuple(EVENT_TYPES)


def describe(event: Event) -> str:
    """The one-line sentence the command line, the report, the dashboard and the API show."""
    return event.sentence()
