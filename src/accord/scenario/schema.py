"""The scenario file format, as pydantic models.

A scenario is plain data: meta, issues, actors, formats, proposals, events, parameters and
the sources every number rests on. Validation here checks each field on its own; checks that
span fields (an actor id a proposal refers to, a source a number cites) live in
:mod:`accord.scenario.references`, so that every error can point at the line that causes it.
"""

from __future__ import annotations

import calendar
import math
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from accord.scenario.quantity import MAX_MAGNITUDE, Quantity, in_range

# -- basic types ----------------------------------------------------------------------

_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]{0,63}$")
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

YEAR_MIN, YEAR_MAX = 1800, 2200
"""Every date and every year of a series lies in these years (a bounded horizon)."""
MAX_STEPS = 1200
"""Most steps from a scenario's start to its end: 100 years by month, 300 by quarter, 400 by year.
Work and memory grow with the steps (see ``accord.simulation.budget``)."""


def _check_id(v: str) -> str:
    if not _ID_RE.match(v):
        raise PydanticCustomError(
            "id_format",
            "expected an id of letters, digits, '-', '_' or '.', starting with a letter "
            "(at most 64 characters), found {found}",
            {"found": repr(v[:80])},
        )
    return v


def _check_date(v: str) -> str:
    m = _DATE_RE.match(v)
    if not m:
        raise PydanticCustomError(
            "date_format",
            "expected a date YYYY, YYYY-MM or YYYY-MM-DD, found {found}",
            {"found": repr(v[:80])},
        )
    year, month, day = m.groups()
    if not YEAR_MIN <= int(year) <= YEAR_MAX:
        raise PydanticCustomError(
            "date_format",
            "expected a year between {lo} and {hi}, found {found}",
            {"lo": YEAR_MIN, "hi": YEAR_MAX, "found": repr(v)},
        )
    if month is not None and not 1 <= int(month) <= 12:
        raise PydanticCustomError("date_format", "expected a month 01-12, found {found}", {"found": repr(v)})
    if day is not None:
        last = calendar.monthrange(int(year), int(month))[1]
        if not 1 <= int(day) <= last:
            raise PydanticCustomError(
                "date_format",
                "expected a day that exists (01-{last} in {ym}), found {found}",
                {"last": f"{last:02d}", "ym": f"{year}-{month}", "found": repr(v)},
            )
    return v


def _check_year(v: int) -> int:
    if not YEAR_MIN <= v <= YEAR_MAX:
        raise PydanticCustomError(
            "year", "expected a year between {lo} and {hi}, found {y}", {"lo": YEAR_MIN, "hi": YEAR_MAX, "y": v}
        )
    return v


def _date_from_number(v: Any) -> Any:
    # `start: 1992` arrives from YAML as an int (and `start: 0000` as 0)
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:04d}" if 0 <= v <= 9999 else str(v)
    return v


Id = Annotated[str, AfterValidator(_check_id)]
Year = Annotated[int, AfterValidator(_check_year)]
Date = Annotated[str, BeforeValidator(_date_from_number), AfterValidator(_check_date)]
Text = Annotated[str, Field(min_length=1, max_length=20_000)]

Position = Annotated[Quantity, AfterValidator(in_range(0, 100, "a position"))]
Salience = Annotated[Quantity, AfterValidator(in_range(0, 1, "a salience"))]
Share = Annotated[Quantity, AfterValidator(in_range(0, 1, "a share"))]
NonNegative = Annotated[Quantity, AfterValidator(in_range(0, float("inf"), "a number"))]


def date_to_year(d: str) -> float:
    """Decimal year of a date string: ``'1997-07'`` -> 1997.5 (start of month)."""
    m = _DATE_RE.match(d)
    if not m:
        raise ValueError(f"not a date: {d!r}")
    year, month, day = m.groups()
    y = float(year)
    if month is not None:
        y += (int(month) - 1) / 12.0
    if day is not None:
        y += (int(day) - 1) / 365.0
    return y


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# -- sources ---------------------------------------------------------------------------


class Source(Strict):
    """Where numbers come from: a seed document with a verbatim quote, a data set row, or a paper."""

    kind: Literal["seed", "dataset", "literature"] = Field(
        description="`seed` (a seed document, with `seed` and `quote`), `dataset` (with `dataset` and `row`) or `literature` (with `citation`)"
    )
    seed: str | None = Field(default=None, description="seed file name (kind: seed)")
    quote: Text | None = Field(default=None, description="exact sentence quoted from the seed")
    dataset: str | None = Field(default=None, description="data set name (kind: dataset)")
    row: str | None = Field(default=None, description="row/column of the data set used")
    citation: Text | None = Field(default=None, description="full reference")
    url: str | None = Field(default=None, description="where the source can be read")
    note: Text | None = Field(default=None, description="anything a reader should know about the source")

    @model_validator(mode="after")
    def _fields_for_kind(self) -> Source:
        need = {"seed": ("seed", "quote"), "dataset": ("dataset", "row"), "literature": ("citation",)}
        missing = [f for f in need[self.kind] if getattr(self, f) is None]
        if missing:
            raise PydanticCustomError(
                "source_fields",
                "expected {fields} for a source of kind {kind}, missing {missing}",
                {"fields": ", ".join(need[self.kind]), "kind": self.kind, "missing": ", ".join(missing)},
            )
        return self


# -- meta, issues ----------------------------------------------------------------------


class Meta(Strict):
    name: Id = Field(description="the scenario's id (used in file names and on the command line)")
    title: Text = Field(description="a human-readable title")
    description: Text | None = Field(default=None, description="what the scenario covers, in prose")
    start: Date = Field(description="first date of the replay (the first step)")
    end: Date = Field(
        description="the date the replay stops: the last step is the one that starts before it (`end: 2010` with yearly steps ends with 2009)"
    )
    step: Literal["year", "half-year", "quarter", "month"] = Field(
        default="year", description="length of one replay step"
    )
    version: str | None = Field(default=None, description="the scenario's own version label")

    @model_validator(mode="after")
    def _order(self) -> Meta:
        if date_to_year(self.end) <= date_to_year(self.start):
            raise PydanticCustomError(
                "date_order",
                "expected end after start, found start={s} end={e}",
                {"s": self.start, "e": self.end},
            )
        return self

    @property
    def steps(self) -> int:
        """Steps from start to end (the engine's ``T`` without ``--until``)."""
        return math.ceil((date_to_year(self.end) - date_to_year(self.start)) * self.steps_per_year - 1e-9)

    @property
    def steps_per_year(self) -> int:
        return {"year": 1, "half-year": 2, "quarter": 4, "month": 12}[self.step]


class Issue(Strict):
    """A dimension of the dispute on a 0-100 scale whose endpoints are defined in words."""

    id: Id = Field(description="the issue's id, used as a key in positions, saliences and terms")
    label: Text = Field(description="a short name")
    low: Text = Field(description="what 0 means")
    high: Text = Field(description="what 100 means")
    description: Text | None = Field(default=None, description="what the issue is about, in prose")
    status_quo: Position | None = Field(default=None, description="position of the status quo at start")
    war: bool = Field(
        default=False,
        description="contested by force: while the sides fight, the status quo on this issue moves toward the side "
        "that prevails (territory and control); other issues change only by agreement or event",
    )


# -- actors ----------------------------------------------------------------------------

ActorKind = Literal["state", "de-facto-authority", "organisation", "group", "person"]
Role = Literal[
    "party",
    "mediator",
    "co-chair",
    "participating-state",
    "guarantor",
    "observer",
    "monitor",
    "affected",
    "sponsor",
]


def _check_yearly_capability(x: float) -> float:
    if not 0 <= x <= MAX_MAGNITUDE:
        raise PydanticCustomError(
            "out_of_range",
            "expected a finite, non-negative capability of at most {max}, found {x}",
            {"max": f"{MAX_MAGNITUDE:g}", "x": f"{x:g}"},
        )
    return x


class Series(Strict):
    """A yearly series, e.g. military expenditure; one provenance for all its numbers."""

    series: dict[Year, Annotated[float, AfterValidator(_check_yearly_capability)]] = Field(
        min_length=1,
        description="year → value, e.g. `{1995: 81.2, 1996: 77.5}`; interpolated between years, held flat beyond the ends",
    )
    unit: str | None = Field(default=None, description="the unit of the values (e.g. `constant 2022 US$ m`)")
    source: str | None = Field(default=None, description="a source id (from `sources`) for every value")
    assumption: str | None = Field(default=None, description="an assumption id (from `assumptions`) for every value")
    scale: float = Field(default=1.0, description="a factor every value is multiplied by")

    @field_validator("series")
    @classmethod
    def _in_order(cls, v: dict[int, float]) -> dict[int, float]:
        return dict(sorted(v.items()))

    @field_validator("scale")
    @classmethod
    def _scale(cls, v: float) -> float:
        if not 0 <= v <= MAX_MAGNITUDE:
            raise PydanticCustomError(
                "out_of_range",
                "expected a finite, non-negative scale of at most {max}, found {s}",
                {"max": f"{MAX_MAGNITUDE:g}", "s": f"{v:g}"},
            )
        return v

    @model_validator(mode="after")
    def _one_provenance(self) -> Series:
        if self.source is not None and self.assumption is not None:
            raise PydanticCustomError("provenance", "expected either source or assumption, found both", {})
        top = max(self.series.values()) * self.scale
        if top > MAX_MAGNITUDE:
            raise PydanticCustomError(
                "out_of_range",
                "expected a capability of at most {max} once scaled, found {x} (series x scale)",
                {"max": f"{MAX_MAGNITUDE:g}", "x": f"{top:g}"},
            )
        return self

    def at(self, year: float) -> float:
        """Value at a (decimal) year: linear interpolation, held flat beyond the ends."""
        years = list(self.series)
        vals = list(self.series.values())
        import numpy as np

        return float(np.interp(year, years, vals)) * self.scale


def _capability_kind(data: Any) -> str:
    # called on raw YAML data when validating and on the model when serializing
    return "series" if isinstance(data, Series) or (isinstance(data, dict) and "series" in data) else "quantity"


Capability = Annotated[
    Annotated[Series, Tag("series")] | Annotated[NonNegative, Tag("quantity")],
    Discriminator(_capability_kind),
]


class Domestic(Strict):
    """Two-level-game inputs of a party (Putnam 1988): the leader must carry a deal at home.

    The *pivot* is the domestic ratifier whose consent a deal needs (a parliament, a security
    establishment, a hawkish faction). It accepts a deal that beats *its* value of no agreement,
    so the win-set is the set of deals the pivot prefers to the status quo or war, and it grows
    when no agreement gets worse (a lost war, a shifting balance)."""

    pivot: dict[Id, Position] = Field(
        default_factory=dict,
        description="the pivot's ideal point on the issues where it differs from the leader's position "
        "(e.g. more hawkish); other issues: the leader's",
    )
    removal_risk: Share | None = Field(
        default=None, description="probability the leader loses office when a deal it signed fails ratification"
    )
    audience_cost: Annotated[Quantity, AfterValidator(in_range(0, 1, "an audience cost"))] | None = Field(
        default=None, description="utility the leader loses when a deal it signed fails ratification (Fearon 1994)"
    )


class StanceChange(Strict):
    """Inputs of an actor that change from a date on: positions, saliences, pivot, leader.

    Code each change only from what was known at that date (a 2019 statement changes a stance
    from 2019, not in 1997)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)

    from_: Date = Field(alias="from", description="the date the change takes effect")
    leader: Text | None = Field(default=None, description="a new leader takes office (leadership change)")
    cause: Literal["election", "succession", "revolution", "resignation", "removal", "other"] | None = Field(
        default=None,
        description="why the leader changed; a resignation or removal is an outcome the engine can produce "
        "itself, so a counterfactual run does not impose it",
    )
    positions: dict[Id, Position] = Field(default_factory=dict, description="new positions from this date, per issue")
    salience: dict[Id, Salience] = Field(default_factory=dict, description="new saliences from this date, per issue")
    pivot: dict[Id, Position] = Field(default_factory=dict, description="the pivot's ideal point from this date")
    removal_risk: Share | None = Field(default=None, description="new removal risk from this date (0-1)")
    audience_cost: Annotated[Quantity, AfterValidator(in_range(0, 1, "an audience cost"))] | None = Field(
        default=None, description="new audience cost from this date (0-1)"
    )
    source: str | None = Field(default=None, description="a source id (from `sources`) for the change")
    note: Text | None = Field(default=None, description="anything a reader should know")

    @property
    def is_outcome(self) -> bool:
        """A change the process itself can produce (a leader's fall), not context."""
        return self.cause in ("resignation", "removal")


class Actor(Strict):
    id: Id = Field(description="the actor's id (e.g. an ISO code)")
    name: Text = Field(description="its full name")
    kind: ActorKind = Field(description="what kind of actor it is")
    capability: Capability | None = Field(
        default=None,
        description="its capability: a number, or a yearly `series` (e.g. military expenditure); 0 when absent",
    )
    roles: list[Role] = Field(
        default_factory=list,
        description="its roles in formats (`table`, `proposers` and `voters` select actors by role)",
    )
    positions: dict[Id, Position] = Field(
        default_factory=dict,
        description="its position on each issue it holds a stance on (0-100, as the issue defines the ends)",
    )
    salience: dict[Id, Salience] = Field(
        default_factory=dict, description="how much each issue matters to it (0-1); one for every issue in `positions`"
    )
    domestic: Domestic | None = Field(default=None, description="its domestic ratification inputs (two-level game)")
    leader: Text | None = Field(default=None, description="the leader in office at the start")
    optimism: Annotated[Quantity, AfterValidator(in_range(-0.5, 0.5, "an optimism"))] | None = Field(
        default=None,
        description="how far the actor overestimates its probability of winning a war (probability points); "
        "private information that mediators can correct (Fearon 1995; Kydd 2003)",
    )
    changes: list[StanceChange] = Field(default_factory=list, description="dated changes of stance, pivot or leader")
    member_since: Year | None = Field(default=None, description="year joined the organisation")
    note: Text | None = Field(default=None, description="anything a reader should know")

    @model_validator(mode="after")
    def _position_salience_pairs(self) -> Actor:
        if set(self.positions) != set(self.salience):
            only_p = sorted(set(self.positions) - set(self.salience))
            only_s = sorted(set(self.salience) - set(self.positions))
            parts = []
            if only_p:
                parts.append("salience missing for " + ", ".join(only_p))
            if only_s:
                parts.append("position missing for " + ", ".join(only_s))
            raise PydanticCustomError(
                "stance_pairs",
                "expected a position and a salience for each issue, found {what}",
                {"what": "; ".join(parts)},
            )
        if len(set(self.roles)) != len(self.roles):
            raise PydanticCustomError("duplicate", "expected each role once, found a repeat", {})
        return self

    def capability_at(self, year: float) -> float:
        """Nominal capability at a decimal year (0 when none is given)."""
        if self.capability is None:
            return 0.0
        if isinstance(self.capability, Series):
            return self.capability.at(year)
        return self.capability.nominal


# -- formats ---------------------------------------------------------------------------


class DecisionRule(Strict):
    kind: Literal["consensus", "majority", "unanimity-of-parties"] = Field(
        description="`consensus`: every voter must accept; `majority`: a `threshold` share of voters; `unanimity-of-parties`: every party"
    )
    threshold: Share | None = Field(default=None, description="share of votes needed (majority)")
    voters: list[Role | Id] = Field(default_factory=lambda: ["party"], description="roles or actor ids that vote")

    @model_validator(mode="after")
    def _threshold(self) -> DecisionRule:
        if self.kind == "majority" and self.threshold is None:
            raise PydanticCustomError("threshold", "expected a threshold for a majority rule, found none", {})
        if self.kind != "majority" and self.threshold is not None:
            raise PydanticCustomError(
                "threshold", "expected no threshold for a {kind} rule, found one", {"kind": self.kind}
            )
        return self


class Format(Strict):
    """Who sits at the table, who proposes, and how the table decides."""

    id: Id = Field(description="the format's id (`--format ID` on the command line)")
    label: Text = Field(description="a short name")
    extends: Id | None = Field(default=None, description="a built-in or earlier format to start from")
    table: list[Role | Id] = Field(default_factory=list, description="roles or actor ids at the table")
    proposers: list[Role | Id] = Field(default_factory=list, description="roles or actor ids who propose")
    decision: DecisionRule | None = Field(
        default=None,
        description="how the table decides (default: the built-in format's rule, else consensus of the parties)",
    )
    organisation_decisions: DecisionRule | None = Field(
        default=None, description="rule for mandates, budgets and field offices"
    )
    monitoring: Share | None = Field(default=None, description="ceasefire monitoring capacity 0-1")
    leak_risk: Share | None = Field(default=None, description="probability a draft leaks per round")
    parameters: dict[Id, Quantity] = Field(
        default_factory=dict,
        description="engine parameters that apply under this format only (`accord parameters` lists them)",
    )
    mediator: Id | None = Field(
        default=None, description="the one mediator of a single-mediator format (an actor id); optional"
    )
    after_war: Id | None = Field(
        default=None, description="format the process switches to after a war ends under this one; optional"
    )
    parallel_tracks: bool = Field(
        default=True,
        description="whether the scenario's parallel tracks may sit beside this format (false: the format "
        "monopolises the process)",
    )
    note: Text | None = Field(default=None, description="anything a reader should know")


# -- agreements and tracks -------------------------------------------------------------

AgreementType = Literal["ceasefire", "process", "partial", "comprehensive", "implementation", "renewal"]
"""The stages of a peace process, as PA-X codes them (Bell & Badanjak 2019): ceasefire,
pre-negotiation/process (principles, frameworks, commitments to talk), substantive-partial,
substantive-comprehensive, implementation, renewal."""

AGREEMENT_TYPES: tuple[str, ...] = ("ceasefire", "process", "partial", "comprehensive", "implementation", "renewal")


class Track(Strict):
    """A negotiating table beside the format's own: who sits, who proposes, what it negotiates.

    E.g. a great power's separate talks that produce ceasefires (Russia in 1994 and 2020)."""

    id: Id = Field(description="the track's id")
    label: Text = Field(description="a short name")
    table: list[Role | Id] = Field(min_length=1, description="roles or actor ids at this table")
    proposers: list[Role | Id] = Field(default_factory=list, description="who tables texts (a broker)")
    decision: DecisionRule | None = Field(default=None, description="default: every party at the table signs")
    agreements: list[AgreementType] = Field(
        default_factory=lambda: list[AgreementType](["ceasefire"]),
        description="the agreement types this track negotiates",
    )
    when: Literal["always", "fighting", "quiet"] = Field(
        default="fighting", description="when it sits: while the sides fight, in quiet years, or always"
    )
    active_from: Date | None = Field(default=None, description="the date the track opens (default: the start)")
    active_until: Date | None = Field(default=None, description="the date it closes (default: never)")
    source: str | None = Field(default=None, description="a source id (from `sources`)")
    note: Text | None = Field(default=None, description="anything a reader should know")


# -- proposals and events --------------------------------------------------------------


class TermValue(Quantity):
    """A proposal's term on one issue: a point (or a distribution), optionally with a range.

    ``range`` is what a *principles* proposal leaves open: the final value lies in it and is
    decided later (e.g. by a binding expression of will)."""

    range: list[float] | None = Field(
        default=None, description="`[low, high]`: the range a principles proposal leaves open on this issue (0-100)"
    )

    @model_validator(mode="after")
    def _range(self) -> TermValue:
        if self.range is not None and (len(self.range) != 2 or not (0 <= self.range[0] <= self.range[1] <= 100)):
            raise PydanticCustomError(
                "out_of_range",
                "expected a range [low, high] with 0 <= low <= high <= 100, found {r}",
                {"r": self.range},
            )
        return self


Term = Annotated[TermValue, AfterValidator(in_range(0, 100, "a term"))]


ProposalKind = Literal["package", "phased", "common-state", "principles"]


class Deferral(Strict):
    issues: list[Id] = Field(min_length=1, description="the issue ids left open")
    until: Date | None = Field(default=None, description="the date by which they are to be settled")
    trigger: str | None = Field(default=None, description="what settles them (e.g. `a binding expression of will`)")


class Proposal(Strict):
    id: Id = Field(description="the proposal's id")
    label: Text = Field(description="a short name")
    sponsor: list[Id] = Field(min_length=1, description="actor id(s) that table it (one id or a list)")
    date: Date = Field(description="when it is tabled")
    kind: ProposalKind = Field(
        description="`package`: all issues at once; `phased`: some issues first, others `deferred`; `common-state`; `principles`: ranges and deferred terms"
    )
    terms: dict[Id, Term] = Field(min_length=1, description="its term on each issue it covers (0-100)")
    deferred: Deferral | None = Field(
        default=None, description="issues left to later (phased and principles proposals)"
    )
    peacekeeping: bool | None = Field(
        default=None, description="the deal includes the planned peacekeeping force (HLPG); optional"
    )
    agreement: AgreementType | None = Field(
        default=None,
        description="the agreement it would be if signed; default from kind: package and common-state "
        "comprehensive, phased partial, principles process",
    )
    source: str | None = Field(default=None, description="a source id (from `sources`)")
    note: Text | None = Field(default=None, description="anything a reader should know")

    @property
    def agreement_type(self) -> str:
        if self.agreement is not None:
            return self.agreement
        return {"package": "comprehensive", "common-state": "comprehensive", "phased": "partial"}.get(
            self.kind, "process"
        )

    @model_validator(mode="before")
    @classmethod
    def _sponsor_list(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("sponsor"), str):
            return {**data, "sponsor": [data["sponsor"]]}
        return data


EventKind = Literal[
    "ceasefire",
    "escalation",
    "clashes",
    "war",
    "war-end",
    "statement",
    "resignation",
    "leak",
    "office-closure",
    "format-dispute",
    "format-change",
    "mediator-breakup",
    "bilateral-talks",
    "border-commission",
    "offer-refused",
    "constitutional-claim",
    "election",
    "other",
]


class Event(Strict):
    id: Id = Field(description="the event's id (unique within the scenario)")
    date: Date = Field(description="when it happens")
    kind: EventKind = Field(description="what kind of event it is")
    label: Text = Field(description="what happened, in a few words")
    actors: list[Id] = Field(default_factory=list, description="the actor ids involved")
    effects: dict[Id, Quantity] = Field(default_factory=dict, description="named effects, e.g. monitoring")
    status_quo: dict[Id, Position] = Field(default_factory=dict, description="new status quo per issue")
    switch_format: Id | None = Field(default=None, description="a format id the mediation switches to from this date")
    fighting: Literal["starts", "ends", "flare", "continues"] | None = Field(
        default=None,
        description="what the event does to fighting: starts it (default for a war), ends it (default for a "
        "ceasefire, a war-end or any event that signs a ceasefire), a flare-up within the step (default for "
        "clashes), or continues: changes nothing (e.g. a ceasefire text signed while the fighting went on)",
    )
    agreement: AgreementType | None = Field(
        default=None, description="the event is the signing of an agreement of this type (e.g. a ceasefire)"
    )
    track: Id | None = Field(default=None, description="the track it was signed on (default: the format's table)")
    peacekeeping: bool | None = Field(
        default=None,
        description="the agreement it signs provides for an international mission or force (as PA-X codes ImPK); "
        "default: no. Counted in the hazard's peacekeeping covariate",
    )
    third_party: bool | None = Field(
        default=None,
        description="the agreement it signs has a third party (as PA-X codes ThrdPart, ImUN, ImOth); default: "
        "yes when one of the event's actors is not a party",
    )
    source: str | None = Field(default=None, description="a source id (from `sources`)")
    note: Text | None = Field(default=None, description="anything a reader should know")

    @model_validator(mode="after")
    def _agreement_flags(self) -> Event:
        flags = [f for f in ("peacekeeping", "third_party") if getattr(self, f) is not None]
        if flags and self.agreement is None:
            raise PydanticCustomError(
                "agreement_flags",
                "expected {flags} only on an event that signs an agreement (agreement: ...), found no agreement",
                {"flags": " and ".join(flags)},
            )
        return self

    @property
    def fighting_effect(self) -> str | None:
        if self.fighting == "continues":
            return None
        if self.fighting is not None:
            return self.fighting
        if self.agreement == "ceasefire":
            return "ends"
        return {"war": "starts", "ceasefire": "ends", "war-end": "ends", "clashes": "flare"}.get(self.kind)


# -- the conflict as the conflict panel codes it ---------------------------------------


class Conflict(Strict):
    """The conflict as UCDP would code it, which the fitted hazards' covariates read
    (:mod:`accord.models.hazards`): which actors are UCDP's *side A* and *side B* (the capability
    share and its shifts are side A's), whether it is interstate, whether the incompatibility is
    territory, and the last year of fighting before the scenario starts.

    UCDP's convention: in an intrastate conflict side A is the government, which the engine takes
    when only one side is led by a state; when both are and ``side_a`` is left out, the side of the
    first party listed is side A (a convention: state it). Left out, the other fields take the defaults the engine documents
    (docs/engine.md, "The hazards of fighting")."""

    side_a: list[Id] = Field(
        min_length=1,
        description="UCDP side A: the combatants on one side of the war (their states' capability stocks make "
        "side A's share)",
    )
    side_b: list[Id] | None = Field(
        default=None, description="UCDP side B (default: the combatants on the other side of the war)"
    )
    interstate: bool | None = Field(
        default=None, description="an interstate conflict, UCDP type 2 (default: both sides' leaders are states)"
    )
    territory: bool | None = Field(
        default=None,
        description="the incompatibility is territory, UCDP 1 or 3 (default: an issue is contested by force, "
        "`war: true`)",
    )
    last_fighting: Year | None = Field(
        default=None,
        description="the last calendar year with fighting (25+ battle deaths) before the scenario starts "
        "(default: the year before the start)",
    )
    source: str | None = Field(default=None, description="a source id (from `sources`) for this coding")
    assumption: str | None = Field(default=None, description="an assumption id (from `assumptions`) for this coding")
    note: Text | None = Field(default=None, description="anything a reader should know")

    @model_validator(mode="after")
    def _sides(self) -> Conflict:
        for name, ids in (("side_a", self.side_a), ("side_b", self.side_b or [])):
            if len(set(ids)) != len(ids):
                raise PydanticCustomError("duplicate", "expected each actor once in {s}, found a repeat", {"s": name})
        both = sorted(set(self.side_a) & set(self.side_b or []))
        if both:
            raise PydanticCustomError("sides", "expected no actor on both sides, found {a}", {"a": ", ".join(both)})
        if self.source is not None and self.assumption is not None:
            raise PydanticCustomError("provenance", "expected either source or assumption, found both", {})
        if self.last_fighting is not None and not 1800 <= self.last_fighting <= 2200:
            raise PydanticCustomError(
                "out_of_range", "expected a year between 1800 and 2200, found {y}", {"y": self.last_fighting}
            )
        return self


# -- the scenario ----------------------------------------------------------------------


class Scenario(Strict):
    """A whole scenario file."""

    meta: Meta = Field(description="name, title, dates and step of the scenario")
    issues: list[Issue] = Field(min_length=1, description="the dimensions of the dispute (at least one)")
    actors: list[Actor] = Field(min_length=1, description="the states, authorities and organisations (at least one)")
    formats: list[Format] = Field(
        default_factory=list, description="formats of mediation defined here (the built-in ones are always available)"
    )
    tracks: list[Track] = Field(default_factory=list, description="parallel negotiating tables")
    proposals: list[Proposal] = Field(default_factory=list, description="dated proposals")
    events: list[Event] = Field(
        default_factory=list, description="dated events (wars, ceasefires, statements, format changes)"
    )
    parameters: dict[Id, Quantity] = Field(
        default_factory=dict,
        description="engine parameters for this scenario (`accord parameters` lists them with their defaults)",
    )
    conflict: Conflict | None = Field(
        default=None, description="the conflict as UCDP would code it (sides, type, incompatibility), for the hazards"
    )
    hazards: dict[Id, dict[Id, Quantity]] = Field(
        default_factory=dict,
        description="coefficients of the fitted hazards this scenario replaces, e.g. `onset: {in_force_ceasefire: "
        "{value: -0.5, source: ...}}` (hazard, then `intercept` or a covariate)",
    )
    sources: dict[Id, Source] = Field(default_factory=dict, description="id → where numbers come from")
    assumptions: dict[Id, Text] = Field(
        default_factory=dict, description="id → a sentence saying what was coded and why"
    )

    # -- lookups -----------------------------------------------------------------------
    @property
    def issue_ids(self) -> list[str]:
        return [i.id for i in self.issues]

    @property
    def actor_ids(self) -> list[str]:
        return [a.id for a in self.actors]

    def actor(self, actor_id: str) -> Actor:
        for a in self.actors:
            if a.id == actor_id:
                return a
        raise KeyError(actor_id)

    def format(self, format_id: str) -> Format:
        for f in self.formats:
            if f.id == format_id:
                return f
        raise KeyError(format_id)

    def actors_with_role(self, role: str) -> list[Actor]:
        return [a for a in self.actors if role in a.roles]
