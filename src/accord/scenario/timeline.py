"""A case's historical timeline: what happened, dated and quoted, for backtests.

A timeline is a YAML file next to the case (``accord/cases/timelines/CASE.yaml``), kept apart
from the scenario so that a replay never sees what it is scored against. Each entry has a
date, a one-line description, the actors (ids of the case), its evidence, and ``compare``: what
the entry is evidence of (``proposal``, ``settlement``, ``war``, ``fighting``, ``agreement``,
``format`` or ``none``).

Evidence is either a verbatim quote from a seed (``seed:``, ``quote:``) or a data set row: a
``kind: dataset`` source of the case (``source:``) with the row's fields as read (``row:``), for
cases whose record comes from data sets such as PA-X and UCDP rather than from texts.

``fighting`` entries record fighting between the parties (``fighting: war`` with ``until:``, the
date it ended, or ``fighting: clashes``, a flare-up within its year); ``under_way: true`` when it
had begun before the entry's date. ``agreement`` entries record a text signed (``agreement:`` its
PA-X type; ``track:`` a track of the case). A fighting entry that begins while no other is under
way is a war onset in its year (:meth:`Timeline.war_years`), as a ``war`` entry is.
"""

from __future__ import annotations

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

TIMELINES_DIR = "timelines"

Compare = Literal["proposal", "settlement", "war", "fighting", "agreement", "format", "none"]


class TimelineEntry(Strict):
    """One dated happening."""

    date: Date
    event: Text
    actors: list[Id] = Field(default_factory=list)
    compare: Compare
    proposal: Id | None = Field(default=None, description="compare: proposal - the case's proposal id")
    accepted: bool | None = Field(
        default=None,
        description="compare: proposal - whether the parties accepted it; compare: settlement - "
        "whether any agreement had been reached by the date",
    )
    severity: Literal["war", "escalation"] | None = Field(default=None, description="compare: war")
    fighting: Literal["war", "clashes"] | None = Field(default=None, description="compare: fighting - how much")
    until: Date | None = Field(default=None, description="compare: fighting - the date it ended")
    under_way: bool | None = Field(default=None, description="compare: fighting - begun before the date (no onset)")
    agreement: AgreementType | None = Field(default=None, description="compare: agreement - the type signed")
    track: Id | None = Field(default=None, description="compare: agreement - the track it was signed on")
    format: Id | None = Field(default=None, description="compare: format - the format in use after the date")
    seed: str | None = Field(default=None, description="a seed file shipped with accord (with quote)")
    quote: Text | None = Field(default=None, description="the sentence quoted verbatim from the seed")
    source: Id | None = Field(default=None, description="a kind: dataset source of the case (with row)")
    row: Text | None = Field(default=None, description="the data set row's fields as read")
    note: Text | None = Field(default=None, description="why it is coded so")

    @model_validator(mode="after")
    def _fields_for_compare(self) -> TimelineEntry:
        need: dict[str, tuple[str, ...]] = {
            "proposal": ("proposal", "accepted"),
            "settlement": ("accepted",),
            "war": ("severity",),
            "fighting": ("fighting",),
            "agreement": ("agreement",),
            "format": ("format",),
            "none": (),
        }
        missing = [f for f in need[self.compare] if getattr(self, f) is None]
        if self.compare == "fighting" and self.fighting == "war" and self.until is None:
            missing.append("until (the date the war ended)")
        if missing:
            raise PydanticCustomError(
                "timeline_fields",
                "expected {fields} for compare: {kind}, missing {missing}",
                {"fields": ", ".join(need[self.compare]), "kind": self.compare, "missing": ", ".join(missing)},
            )
        given = [f for f in ("seed", "quote", "source", "row") if getattr(self, f) is not None]
        if given not in (["seed", "quote"], ["source", "row"]):
            raise PydanticCustomError(
                "timeline_evidence",
                "expected seed and quote (a seed's sentence) or source and row (a data set row), found {found}",
                {"found": ", ".join(given) or "none"},
            )
        if self.until is not None and date_to_year(self.until) < date_to_year(self.date):
            raise PydanticCustomError(
                "date_order", "expected until on or after date {d}, found {u}", {"d": self.date, "u": self.until}
            )
        return self

    @property
    def span(self) -> tuple[float, float]:
        """``(start, end)`` decimal years of a fighting entry (without ``until``: its date)."""
        return self.year, date_to_year(self.until) if self.until is not None else self.year

    @property
    def year(self) -> float:
        """Decimal year of the entry's date."""
        return date_to_year(self.date)


class Timeline(Strict):
    """The historical record of one case."""

    case: Id
    scored_years: list[int] = Field(min_length=2, max_length=2, description="first and last year scored for war onsets")
    entries: list[TimelineEntry] = Field(min_length=1)

    def of(self, compare: Compare) -> list[TimelineEntry]:
        return [e for e in self.entries if e.compare == compare]

    def onsets(self) -> list[TimelineEntry]:
        """``war`` entries, and ``fighting`` entries that begin while no other fighting is under way."""
        fights = self.of("fighting")
        out = list(self.of("war"))
        for e in fights:
            start = e.year
            during = [o for o in fights if o is not e and o.year < start <= o.span[1]]
            if not e.under_way and not during:
                out.append(e)
        return out

    def war_years(self) -> dict[int, str]:
        """Year -> worst severity of any war/escalation onset that year (a fighting entry's onset:
        ``war`` for a war, ``escalation`` for clashes)."""
        out: dict[int, str] = {}
        for e in self.onsets():
            y = int(e.year)
            severity = e.severity if e.compare == "war" else ("war" if e.fighting == "war" else "escalation")
            if out.get(y) != "war":
                out[y] = severity or "war"
        return out


def timeline_path(case: str) -> str:
    return f"{TIMELINES_DIR}/{case}.yaml"


def has_timeline(case: str) -> bool:
    """Whether a built-in case ships a timeline."""
    return resources.files(CASES_PACKAGE).joinpath(TIMELINES_DIR).joinpath(f"{case}.yaml").is_file()


def load_timeline(case_or_path: str, scenario: Scenario | None = None) -> Timeline:
    """Load a built-in case's timeline by case name, or a timeline file by path.

    With ``scenario``, also check the timeline against it (:func:`check_timeline`).
    Raises :class:`ScenarioError` with located problems."""
    if has_timeline(case_or_path):
        ref = resources.files(CASES_PACKAGE).joinpath(TIMELINES_DIR).joinpath(f"{case_or_path}.yaml")
        raw, name = ref.read_bytes(), f"{timeline_path(case_or_path)} (built-in)"
    else:
        p = Path(case_or_path)
        if not p.is_file():
            raise ScenarioError(
                [
                    Problem(
                        case_or_path,
                        1,
                        1,
                        "(file)",
                        "expected a case with a timeline or a timeline file, found neither",
                    )
                ]
            )
        raw, name = p.read_bytes(), case_or_path
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


def check_timeline(timeline: Timeline, scenario: Scenario, located: LocatedData | None = None) -> list[Problem]:
    """Problems with a timeline against its case: unknown actors or proposals, quotes not in their seeds."""
    name = located.name if located is not None else f"timeline of {timeline.case}"
    out: list[Problem] = []

    def add(path: tuple[str | int, ...], msg: str) -> None:
        line, col = located.locate(path) if located is not None else (1, 1)
        out.append(Problem(name, line, col, field_path(path), msg))

    actors = set(scenario.actor_ids)
    proposals = {p.id for p in scenario.proposals}
    formats = {f.id for f in scenario.formats}
    tracks = {t.id for t in scenario.tracks}
    seeds: dict[str, str | None] = {}
    for i, e in enumerate(timeline.entries):
        for j, a in enumerate(e.actors):
            if a not in actors:
                add(("entries", i, "actors", j), f"expected an actor of {scenario.meta.name}, found {a!r}")
        if e.proposal is not None and e.proposal not in proposals:
            add(("entries", i, "proposal"), f"expected a proposal of {scenario.meta.name}, found {e.proposal!r}")
        if e.format is not None and e.format not in formats:
            add(("entries", i, "format"), f"expected a format of {scenario.meta.name}, found {e.format!r}")
        if e.track is not None and e.track not in tracks:
            add(("entries", i, "track"), f"expected a track of {scenario.meta.name}, found {e.track!r}")
        if e.source is not None:
            src = scenario.sources.get(e.source)
            if src is None or src.kind != "dataset":
                add(
                    ("entries", i, "source"),
                    f"expected a kind: dataset source of {scenario.meta.name}, found {e.source!r}",
                )
            continue
        if e.seed is None or e.quote is None:
            continue  # the entry's own validation requires one form of evidence
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
