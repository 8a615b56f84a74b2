"""A case's historical timeline: what happened, dated and quoted, for backtests.

A timeline is a YAML file next to the case (``accord/cases/timelines/CASE.yaml``), kept apart
from the scenario so that a replay never sees what it is scored against. Each entry has a
date, a one-line description, the actors (ids of the case), a verbatim quote from a seed, and
``compare``: what the entry is a record of.

``fighting``
    Fighting between the parties: ``fighting: war`` (with ``until:``, the date it ended) or
    ``fighting: clashes`` (a flare-up within its date's year, e.g. a four-day war; ``until:``
    optional). ``under_way: true``: the fighting had begun before ``date`` (e.g. a war under way
    when the case starts), so the entry records no onset.
``agreement``
    An agreement signed: ``agreement:`` its type (ceasefire, process, partial, comprehensive,
    implementation, renewal: PA-X's stages, as the engine uses them) and optionally ``track:``
    (a track of the case, e.g. a great power's separate talks).
``proposal``
    The fate of a proposal of the case (``proposal:``, ``accepted:``).
``format``
    The mediation format in use after the date (``format:``).
``none``
    Context only; nothing is scored on it.

What the record says about a year (:meth:`Timeline.year`), by rules stated once here:

- *fighting in year y*: a fighting entry's span ``[date, until]`` (``[date, date]`` without
  ``until``) meets the year;
- *onset in year y*: a fighting entry that is not ``under_way`` begins in y while no other
  fighting is under way;
- *an agreement of type T signed in y*: an agreement entry of type T dated in y;
- *a ceasefire in force at the end of y*: a ceasefire signed by the end of y with no fighting
  after its date up to the end of y. This is the rule of the engine and of the conflict panel
  (``docs/panel.md``): an agreement in force breaks down when fighting resumes.

Years in ``scored_years`` with no fighting or agreement entry are years without either: the
record is what the timeline's sources say, and a silent year counts as a quiet one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from accord.scenario.errors import Problem, ScenarioError, field_path
from accord.scenario.loader import CASES_PACKAGE, _problems_from_pydantic
from accord.scenario.schema import AgreementType, Date, Id, Scenario, Strict, Text, date_to_year
from accord.scenario.seeds import explain_mismatch, read_seed
from accord.scenario.yaml_io import LocatedData, parse_yaml, read_text

__all__ = [
    "Compare",
    "Timeline",
    "TimelineEntry",
    "YearRecord",
    "check_timeline",
    "differences",
    "has_timeline",
    "load_timeline",
    "read_timeline_bytes",
    "step_years",
    "timeline_path",
]

TIMELINES_DIR = "timelines"

Compare = Literal["fighting", "agreement", "proposal", "format", "none"]

_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # compare: (required fields, optional fields)
    "fighting": (("fighting",), ("until", "under_way")),
    "agreement": (("agreement",), ("track",)),
    "proposal": (("proposal", "accepted"), ()),
    "format": (("format",), ()),
    "none": ((), ()),
}
_KIND_FIELDS = ("fighting", "until", "under_way", "agreement", "track", "proposal", "accepted", "format")


class TimelineEntry(Strict):
    """One dated happening."""

    date: Date
    event: Text
    actors: list[Id] = Field(default_factory=list)
    compare: Compare
    fighting: Literal["war", "clashes"] | None = Field(default=None, description="compare: fighting - how much")
    until: Date | None = Field(
        default=None, description="compare: fighting - the date it ended (a war needs it; clashes end within the year)"
    )
    under_way: bool | None = Field(
        default=None, description="compare: fighting - already under way at the date (no onset recorded)"
    )
    agreement: AgreementType | None = Field(default=None, description="compare: agreement - the type signed")
    track: Id | None = Field(default=None, description="compare: agreement - the track it was signed on (optional)")
    proposal: Id | None = Field(default=None, description="compare: proposal - the case's proposal id")
    accepted: bool | None = Field(default=None, description="compare: proposal - whether the parties accepted it")
    format: Id | None = Field(default=None, description="compare: format - the format in use after the date")
    seed: str
    quote: Text
    note: Text | None = Field(default=None, description="why it is coded so (a judgement, said where it is made)")

    @model_validator(mode="after")
    def _fields_for_compare(self) -> TimelineEntry:
        need, may = _FIELDS[self.compare]
        missing = [f for f in need if getattr(self, f) is None]
        if self.compare == "fighting" and self.fighting == "war" and self.until is None:
            missing.append("until (the date the war ended)")
        if missing:
            raise PydanticCustomError(
                "timeline_fields",
                "expected {fields} for compare: {kind}, missing {missing}",
                {"fields": ", ".join(need) or "no other field", "kind": self.compare, "missing": ", ".join(missing)},
            )
        extra = [f for f in _KIND_FIELDS if f not in need + may and getattr(self, f) is not None]
        if extra:
            raise PydanticCustomError(
                "timeline_fields",
                "expected only {fields} for compare: {kind}, found {extra}",
                {"fields": ", ".join(need + may) or "no other field", "kind": self.compare, "extra": ", ".join(extra)},
            )
        if self.until is not None and date_to_year(self.until) < date_to_year(self.date):
            raise PydanticCustomError(
                "date_order", "expected until on or after date {d}, found {u}", {"d": self.date, "u": self.until}
            )
        return self

    @property
    def year(self) -> float:
        """Decimal year of the entry's date."""
        return date_to_year(self.date)

    @property
    def span(self) -> tuple[float, float]:
        """``(start, end)`` decimal years of a fighting entry (a flare-up without ``until``: its date)."""
        return self.year, date_to_year(self.until) if self.until is not None else self.year

    def label(self) -> str:
        """The entry in a few words, with its date."""
        return f"{self.event} ({self.date}{f' to {self.until}' if self.until else ''})"


@dataclass(frozen=True)
class YearRecord:
    """What the timeline says about one calendar year (rules in the module docstring)."""

    year: int
    fighting: tuple[TimelineEntry, ...]
    onset: tuple[TimelineEntry, ...]
    signed: dict[str, tuple[TimelineEntry, ...]]
    ceasefire_in_force: tuple[TimelineEntry, ...]
    """The ceasefires in force at the end of the year (empty: none)."""


class Timeline(Strict):
    """The historical record of one case."""

    case: Id
    scored_years: list[int] = Field(
        min_length=2, max_length=2, description="first and last year scored year by year (inclusive)"
    )
    entries: list[TimelineEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _years_in_order(self) -> Timeline:
        first, last = self.scored_years
        if last < first:
            raise PydanticCustomError(
                "date_order", "expected [first, last] with first <= last, found [{a}, {b}]", {"a": first, "b": last}
            )
        return self

    def of(self, compare: Compare) -> list[TimelineEntry]:
        return [e for e in self.entries if e.compare == compare]

    @property
    def years(self) -> list[int]:
        """The scored years, in order."""
        return list(range(self.scored_years[0], self.scored_years[1] + 1))

    def agreement_types(self) -> set[str]:
        """The agreement types the record holds at least once."""
        return {e.agreement for e in self.of("agreement") if e.agreement is not None}

    def _fighting_between(self, lo: float, hi: float, strict_lo: bool) -> list[TimelineEntry]:
        """Fighting entries whose span meets ``[lo, hi)`` (``(lo, hi)`` with ``strict_lo``)."""
        out = []
        for e in self.of("fighting"):
            start, end = e.span
            after = end > lo if strict_lo else end >= lo
            if start < hi and after:
                out.append(e)
        return out

    def year(self, y: int) -> YearRecord:
        """The record of calendar year ``y``."""
        lo, hi = float(y), float(y + 1)
        fighting = self._fighting_between(lo, hi, strict_lo=False)
        onset = []
        for e in fighting:
            start, _ = e.span
            if e.under_way or not lo <= start < hi:
                continue
            # fighting already under way when this entry begins is not a new onset
            if not [o for o in self._fighting_between(start, start, strict_lo=False) if o is not e and o.year < start]:
                onset.append(e)
        signed: dict[str, tuple[TimelineEntry, ...]] = {}
        for e in self.of("agreement"):
            if e.agreement is not None and lo <= e.year < hi:
                signed[e.agreement] = (*signed.get(e.agreement, ()), e)
        in_force = tuple(
            c
            for c in self.of("agreement")
            if c.agreement == "ceasefire" and c.year < hi and not self._fighting_between(c.year, hi, strict_lo=True)
        )
        return YearRecord(y, tuple(fighting), tuple(onset), signed, in_force)


def timeline_path(case: str) -> str:
    return f"{TIMELINES_DIR}/{case}.yaml"


def has_timeline(case: str) -> bool:
    """Whether a built-in case ships a timeline."""
    return resources.files(CASES_PACKAGE).joinpath(TIMELINES_DIR).joinpath(f"{case}.yaml").is_file()


def read_timeline_bytes(case_or_path: str) -> tuple[bytes, str]:
    """The bytes of a built-in case's timeline or of a timeline file, and the name errors use.

    Raises :class:`ScenarioError` when it is neither."""
    if has_timeline(case_or_path):
        ref = resources.files(CASES_PACKAGE).joinpath(TIMELINES_DIR).joinpath(f"{case_or_path}.yaml")
        return ref.read_bytes(), f"{timeline_path(case_or_path)} (built-in)"
    p = Path(case_or_path)
    if not p.is_file():
        raise ScenarioError(
            [Problem(case_or_path, 1, 1, "(file)", "expected a case with a timeline or a timeline file, found neither")]
        )
    return p.read_bytes(), case_or_path


def load_timeline(case_or_path: str, scenario: Scenario | None = None) -> Timeline:
    """Load a built-in case's timeline by case name, or a timeline file by path.

    With ``scenario``, also check the timeline against it (:func:`check_timeline`).
    Raises :class:`ScenarioError` with located problems."""
    raw, name = read_timeline_bytes(case_or_path)
    located = parse_yaml(read_text(raw, name), name)
    try:
        timeline = Timeline.model_validate(located.data)
    except ValidationError as e:
        raise ScenarioError(_problems_from_pydantic(e, located)) from None
    if scenario is not None:
        problems = check_timeline(timeline, scenario, located)
        if problems:
            raise ScenarioError(problems)
    return timeline


def step_years(scenario: Scenario) -> list[float]:
    """The start of every step of the scenario (as the engine steps it)."""
    start, end = date_to_year(scenario.meta.start), date_to_year(scenario.meta.end)
    dt = 1.0 / scenario.meta.steps_per_year
    steps = max(1, math.ceil((end - start) / dt - 1e-9))
    return [start + dt * k for k in range(steps)]


def check_timeline(timeline: Timeline, scenario: Scenario, located: LocatedData | None = None) -> list[Problem]:
    """Problems with a timeline against its case: unknown actors, proposals, formats or tracks,
    scored years outside the case, quotes not in their seeds."""
    name = located.name if located is not None else f"timeline of {timeline.case}"
    out: list[Problem] = []

    def add(path: tuple[str | int, ...], msg: str) -> None:
        line, col = located.locate(path) if located is not None else (1, 1)
        out.append(Problem(name, line, col, field_path(path), msg))

    case = scenario.meta.name
    if timeline.case != case:
        add(("case",), f"expected {case!r} (the case it is checked against), found {timeline.case!r}")
    start = date_to_year(scenario.meta.start)
    years = step_years(scenario)
    first, last = timeline.scored_years
    if start != math.floor(start):
        add(
            ("scored_years",),
            f"expected a case that starts on 1 January for a year-by-year record, found start {scenario.meta.start}",
        )
    elif first < start or last > math.floor(years[-1]):
        add(
            ("scored_years",),
            f"expected years within the case's {start:g}-{math.floor(years[-1])}, found [{first}, {last}]",
        )
    actors = set(scenario.actor_ids)
    proposals = {p.id: p for p in scenario.proposals}
    formats = {f.id for f in scenario.formats}
    tracks = {t.id for t in scenario.tracks}
    seeds: dict[str, str | None] = {}
    for i, e in enumerate(timeline.entries):
        for j, a in enumerate(e.actors):
            if a not in actors:
                add(("entries", i, "actors", j), f"expected an actor of {case}, found {a!r}")
        if e.proposal is not None:
            prop = proposals.get(e.proposal)
            if prop is None:
                add(("entries", i, "proposal"), f"expected a proposal of {case}, found {e.proposal!r}")
            elif prop.agreement_type not in ("partial", "comprehensive"):
                # the engine records which text a settlement came from, not which a process text did
                add(
                    ("entries", i, "proposal"),
                    f"expected a proposal that would be a partial or comprehensive agreement (the backtest "
                    f"scores P(accepted) on settlements), found {e.proposal!r} of type {prop.agreement_type}",
                )
        if e.format is not None and e.format not in formats:
            add(("entries", i, "format"), f"expected a format of {case}, found {e.format!r}")
        if e.track is not None and e.track not in tracks:
            add(
                ("entries", i, "track"),
                f"expected a track of {case} ({', '.join(sorted(tracks)) or 'none'}), found {e.track!r}",
            )
        if e.seed not in seeds:
            seeds[e.seed] = read_seed(e.seed)
        text = seeds[e.seed]
        if text is None:
            add(("entries", i, "seed"), f"expected a seed file shipped with accord, found {e.seed!r}")
        elif e.quote not in text:
            add(
                ("entries", i, "quote"),
                f"expected the quote verbatim in {e.seed}, not found: {explain_mismatch(e.quote, text)}",
            )
    return out


def _case_fighting(scenario: Scenario) -> list[tuple[float, float, str]]:
    """Spans of the fighting a case's events impose: ``(start, end, event id)``."""
    spans: list[tuple[float, float, str]] = []
    open_since: tuple[float, str] | None = None
    end_of_case = date_to_year(scenario.meta.end)
    for e in sorted(scenario.events, key=lambda e: date_to_year(e.date)):
        when, effect = date_to_year(e.date), e.fighting_effect
        if effect == "starts" and open_since is None:
            open_since = (when, e.id)
        elif effect == "ends" and open_since is not None:
            spans.append((open_since[0], when, open_since[1]))
            open_since = None
        elif effect == "flare" and open_since is None:
            spans.append((when, when, e.id))
    if open_since is not None:
        spans.append((open_since[0], end_of_case, open_since[1]))
    return spans


def differences(timeline: Timeline, scenario: Scenario) -> list[str]:
    """Where the record and the case's own dated events disagree, year by year over the case's
    years: fighting the case imposes or not, agreements its events sign (type and date).

    Not errors (a case may leave an outcome to the model), but a backtest reports them: for the
    years after such a difference, the history the model is given is not the recorded one."""
    out: list[str] = []
    start = math.floor(date_to_year(scenario.meta.start))
    end = math.floor(step_years(scenario)[-1])
    spans = _case_fighting(scenario)
    for y in range(start, end + 1):
        rec = timeline.year(y)
        case_fights = [i for s, e, i in spans if s < y + 1 and e >= y]
        if rec.fighting and not case_fights:
            out.append(f"{y}: the record has fighting ({rec.fighting[0].label()}); the case's events impose none")
        if case_fights and not rec.fighting:
            out.append(f"{y}: the case's event {case_fights[0]} imposes fighting; the record has none")
    recorded = {(e.agreement, date_to_year(e.date)) for e in timeline.of("agreement")}
    imposed = {(e.agreement, date_to_year(e.date)): e.id for e in scenario.events if e.agreement is not None}
    for e in timeline.of("agreement"):
        if (e.agreement, e.year) not in imposed and start <= e.year < end + 1:
            out.append(f"{e.date}: the record has a {e.agreement} agreement ({e.event}); no event of the case signs it")
    for (kind, when), eid in imposed.items():
        if (kind, when) not in recorded:
            out.append(f"{eid}: the case's event signs a {kind} agreement the record does not have at that date")
    return out
