"""A replay told for people: which records the brief story keeps, who decided each, and its dates.

The command line (``accord replay``), the HTML report's event log and the dashboard's log all read
:func:`story`, so they tell the same story in the same sentences (the typed records'
:meth:`~accord.simulation.events.Event.brief` and :func:`~accord.simulation.events.describe`).
Each line is marked *history* (the scenario's dated outcome, imposed), *model* (the engine's own)
or *context* (a dated input that applies in every mode).
"""

from __future__ import annotations

from dataclasses import dataclass

from accord.simulation import Replay
from accord.simulation import events as ev

__all__ = ["BRIEF_KINDS", "StoryLine", "steps_per_year", "story", "who", "year_spans"]

#: records the brief story tells (one line each); the rest is in the full log
BRIEF_KINDS: tuple[type[ev.Event], ...] = (
    ev.DatedEvent,
    ev.WarStarted,
    ev.WarEnded,
    ev.AgreementSigned,
    ev.LeaderRemoved,
    ev.PassedUnbound,
    ev.Breakdown,
    ev.Implementation,
    ev.FormatSwitch,
    ev.Escalation,
)


@dataclass(frozen=True)
class StoryLine:
    """One line of the story: its date label, who decided it, the record's kind and the sentence."""

    t: float
    date: str
    by: str
    kind: str
    text: str

    def to_dict(self) -> dict[str, str | float]:
        return {"t": self.t, "date": self.date, "by": self.by, "kind": self.kind, "text": self.text}


def who(e: ev.Event) -> str:
    """``history`` (imposed as dated), ``context`` (a dated input) or ``model`` (the engine's own)."""
    if isinstance(e, ev.DatedEvent):
        return "history" if e.outcome_imposed else "context"
    if isinstance(e, ev.StanceChanged):
        return "context"
    return "history" if e.imposed else "model"


def steps_per_year(r: Replay) -> int:
    """Steps per year of the replay's trajectory (dates print as ``1994`` for yearly steps)."""
    years = r.trajectory["years"]
    return 1 if len(years) < 2 else max(1, round(1.0 / (years[1] - years[0])))


def _in_brief(
    e: ev.Event, first_mandate: bool, ended_by_ceasefire: set[tuple[float, str]], signed: set[tuple[float, str]]
) -> bool:
    if isinstance(e, ev.WarStarted) and e.imposed and not e.flare:
        return False  # the dated war event says it
    if isinstance(e, ev.Breakdown) and e.cause == "fighting" and not e.imposed:
        return False  # the line that fighting begins says it (the full log lists what broke)
    if isinstance(e, ev.AgreementSigned) and e.agreement == "ceasefire" and (e.time, e.table) in ended_by_ceasefire:
        return False  # "fighting ends (ceasefire at TABLE)" says it
    if isinstance(e, ev.AgreementSigned) and e.agreement == "renewal":
        return False  # counted in the summary
    if isinstance(e, BRIEF_KINDS):
        return True
    if isinstance(e, ev.StanceChanged):
        return e.leader is not None  # a new leader; stance changes are in the full log
    if isinstance(e, ev.ProposalTabled):
        if e.passed and (e.time, e.id) in signed:
            return False  # the signing line says it, with the terms
        return not e.id.startswith("gen.")  # the scenario's own proposals, with every answer
    return isinstance(e, ev.MandateBlocked) and first_mandate


def story(r: Replay, *, full: bool = False, incidents: bool = False) -> list[StoryLine]:
    """The replay's story: by default the records that matter, each in its brief sentence; with
    ``full`` every record but the per-step rows, each in its full sentence. ``incidents`` keeps
    the per-step ceasefire incidents."""
    spy = steps_per_year(r)
    out: list[StoryLine] = []
    seen_mandate = False
    ended = {(e.time, e.table) for e in r.events if isinstance(e, ev.WarEnded) and e.how == "ceasefire" and e.table}
    signed = {(e.time, e.proposal) for e in r.events if isinstance(e, ev.AgreementSigned)}
    for e in r.events:
        if isinstance(e, ev.Step) or (not incidents and isinstance(e, ev.Incidents)):
            continue
        first_mandate = isinstance(e, ev.MandateBlocked) and not seen_mandate
        seen_mandate = seen_mandate or isinstance(e, ev.MandateBlocked)
        if not (full or _in_brief(e, first_mandate, ended, signed)):
            continue
        out.append(StoryLine(e.time, ev.date_label(e.time, spy), who(e), e.kind, ev.describe(e) if full else e.brief()))
    return out


def year_spans(years: list[float]) -> str:
    """Whole years as spans: ``[1992, 1993, 1994, 2016]`` → ``"1992–1994, 2016"``."""
    spans: list[list[int]] = []
    for y in sorted({round(y) for y in years}):
        if spans and y == spans[-1][1] + 1:
            spans[-1][1] = y
        else:
            spans.append([y, y])
    return ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in spans)


def war_sentence(war: dict[str, object], spy: int) -> str:
    """One war of a replay's summary (``summary["wars"]``) as a sentence with dates, e.g.
    "War from 1992-03 to 1994-05, imposed as dated; ended by the scenario's dated event."."""

    def when(t: object) -> str:
        return ev.date_label(float(t), spy) if isinstance(t, int | float) else "?"

    start, end, how = war.get("start"), war.get("end"), war.get("how")
    by = "imposed as dated" if war.get("imposed") else "begun in the model"
    if war.get("flare"):
        return f"Clashes in {when(start)} ({by}), within the step."
    span = (
        f"from {when(start)} to {when(end)}" if end is not None else f"from {when(start)}, still under way at the end"
    )
    ended = {
        "ceasefire": "ended by a ceasefire",
        "victory": "ended by one side's victory",
        "imposed": "ended by the scenario's dated event",
    }.get(str(how), f"ended ({how})" if how else "")
    return f"War {span}, {by}" + (f"; {ended}." if end is not None and ended else ".")
