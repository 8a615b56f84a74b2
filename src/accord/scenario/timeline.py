"""A case's historical timeline: what happened, dated and quoted, for backtests.

A timeline is a YAML file next to the case (``accord/cases/timelines/CASE.yaml``), kept apart
from the scenario so that a replay never sees what it is scored against. Each entry has a
date, a one-line description, the actors (ids of the case), its evidence, and ``compare``: what
the entry is evidence of (``proposal``, ``settlement``, ``war``, ``agreement``, ``format`` or
``none``).

The evidence is a verbatim quote from a seed (``seed`` and ``quote``), or a ``source`` of the case
(e.g. a data set row: a UCDP conflict-year, a PA-X agreement), or an ``assumption`` of the case
(e.g. the developer's background knowledge, said so in its text); ``source`` and ``assumption``
may be given together. ``compare: agreement`` records an agreement signed, with its ``agreement``
type (PA-X's stages, as the engine uses them) and optionally the ``track`` it was signed on; the
backtest does not score it yet.
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

Compare = Literal["proposal", "settlement", "war", "agreement", "format", "none"]


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
    format: Id | None = Field(default=None, description="compare: format - the format in use after the date")
    agreement: AgreementType | None = Field(default=None, description="compare: agreement - the type signed")
    track: Id | None = Field(default=None, description="compare: agreement - the track it was signed on (optional)")
    seed: str | None = Field(default=None, description="seed file of the quote")
    quote: Text | None = Field(default=None, description="verbatim sentence of the seed")
    source: Id | None = Field(default=None, description="a source of the case the entry rests on (e.g. a data set row)")
    assumption: Id | None = Field(
        default=None, description="an assumption of the case the entry rests on (e.g. background knowledge)"
    )
    note: Text | None = Field(default=None, description="why it is coded so (a judgement, said where it is made)")

    @model_validator(mode="after")
    def _fields_for_compare(self) -> TimelineEntry:
        need: dict[str, tuple[str, ...]] = {
            "proposal": ("proposal", "accepted"),
            "settlement": ("accepted",),
            "war": ("severity",),
            "agreement": ("agreement",),
            "format": ("format",),
            "none": (),
        }
        missing = [f for f in need[self.compare] if getattr(self, f) is None]
        if missing:
            raise PydanticCustomError(
                "timeline_fields",
                "expected {fields} for compare: {kind}, missing {missing}",
                {"fields": ", ".join(need[self.compare]), "kind": self.compare, "missing": ", ".join(missing)},
            )
        if self.compare != "agreement" and (self.agreement is not None or self.track is not None):
            raise PydanticCustomError(
                "timeline_fields",
                "expected agreement and track only for compare: agreement, found {k}",
                {"k": self.compare},
            )
        if (self.seed is None) != (self.quote is None):
            raise PydanticCustomError(
                "timeline_evidence",
                "expected seed and quote together, found only {f}",
                {"f": "seed" if self.seed else "quote"},
            )
        if self.seed is None and self.source is None and self.assumption is None:
            raise PydanticCustomError(
                "timeline_evidence",
                "expected the entry's evidence: seed and quote, a source or an assumption of the case, found none",
                {},
            )
        return self

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

    def war_years(self) -> dict[int, str]:
        """Year -> worst severity of any war/escalation onset that year."""
        out: dict[int, str] = {}
        for e in self.of("war"):
            y = int(e.year)
            if out.get(y) != "war":
                out[y] = e.severity or "war"
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
    """Problems with a timeline against its case: unknown actors, proposals, formats, tracks, sources
    or assumptions, quotes not in their seeds."""
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
            known = ", ".join(sorted(tracks)) or "none"
            add(("entries", i, "track"), f"expected a track of {scenario.meta.name} ({known}), found {e.track!r}")
        if e.source is not None and e.source not in scenario.sources:
            add(("entries", i, "source"), f"expected a source of {scenario.meta.name}, found {e.source!r}")
        if e.assumption is not None and e.assumption not in scenario.assumptions:
            add(("entries", i, "assumption"), f"expected an assumption of {scenario.meta.name}, found {e.assumption!r}")
        if e.seed is None or e.quote is None:
            continue
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
