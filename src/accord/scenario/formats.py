"""The built-in mediation formats as data, and how a scenario's ``formats:`` entries build on them.

The five built-in formats are written below as :class:`accord.scenario.schema.Format` specs, the
same shape a scenario's ``formats:`` entry has. A scenario entry with a built-in's id overrides
the fields it sets; an entry with ``extends`` starts from another format. So a user defines a new
format in YAML without writing Python::

    formats:
      - id: contact-group
        label: Contact group with a qualified-majority table
        extends: minsk-group
        decision: {kind: majority, threshold: 0.6, voters: [party, co-chair]}
        leak_risk: {value: 0.3, assumption: coding}

This module is data and the graph of formats (``extends``, ``after_war``, ``switch_format``);
:mod:`accord.mechanisms.formats` resolves a format's (and a parallel track's) roles to actor
indices for the engine. :func:`format_problems` and :func:`track_problems` find, when a scenario
is loaded, what the engine would refuse: a cycle of ``extends``, a table with no voter, a format
whose mediator cannot be found, a track with no voter at its table.
"""

from __future__ import annotations

from typing import Any

from accord.scenario.errors import PathPart
from accord.scenario.quantity import Quantity
from accord.scenario.schema import DecisionRule, Format, Scenario, Track, date_to_year

__all__ = [
    "BUILTIN_FORMATS",
    "FormatError",
    "builtin_format",
    "decision_voters",
    "format_chain",
    "format_problems",
    "mediator_candidates",
    "merged_format",
    "needs_mediator",
    "track_problems",
    "track_voters",
]


class FormatError(ValueError):
    """A format cannot be built from the scenario (unknown name, no mediator, cycle)."""


def _q(x: float, why: str) -> Quantity:
    return Quantity(value=x, assumption=why)


def _rule(kind: str, voters: list[str], threshold: float | None = None) -> DecisionRule:
    data: dict[str, Any] = {"kind": kind, "voters": voters}
    if threshold is not None:
        data["threshold"] = {"value": threshold, "assumption": "qualified majority of two thirds"}
    return DecisionRule.model_validate(data)


_BUILTIN_DATA: dict[str, Format] = {
    "minsk-group": Format(
        id="minsk-group",
        label="OSCE Minsk Group: co-chair troika drafts, parties decide by consensus, OSCE consensus for mandates",
        table=["party", "co-chair", "mediator", "monitor"],
        proposers=["co-chair"],
        decision=_rule("consensus", ["party"]),
        organisation_decisions=_rule("consensus", ["participating-state"]),
        monitoring=_q(0.2, "PRCiO: a personal representative with a small team (seed 001)"),
        leak_risk=_q(0.15, "drafts leaked to the press at least once (2001, seed 001)"),
        parameters={
            "joint_drafting": _q(1.0, "the troika drafts one text (seed 001)"),
            "peacekeeping": _q(1.0, "the HLPG plans a force to deploy after an agreement (seed 001)"),
            "conference_signing": _q(1.0, "the Minsk Conference convenes only to sign (seed 001)"),
        },
    ),
    "bilateral": Format(
        id="bilateral",
        label="Direct talks: the parties alone propose and decide",
        table=["party"],
        proposers=["party"],
        decision=_rule("consensus", ["party"]),
        monitoring=_q(0.0, "no third-party monitors"),
        leak_risk=_q(0.05, "two delegations only"),
        parameters={"nash_proposals": _q(0.0, "no mediator to table a Nash point")},
    ),
    "single-mediator": Format(
        id="single-mediator",
        label="One named mediator (its bias and leverage) with the parties",
        table=["party"],
        proposers=[],
        decision=_rule("consensus", ["party"]),
        monitoring=_q(0.1, "one mediator's own monitors"),
        leak_risk=_q(0.08, "one mediator's team"),
    ),
    "inclusive": Format(
        id="inclusive",
        label="Inclusive table: parties, de facto authorities and affected actors, with the mediators",
        table=["party", "affected", "co-chair", "mediator", "monitor"],
        proposers=["co-chair", "mediator"],
        decision=_rule("consensus", ["party", "affected"]),
        organisation_decisions=_rule("consensus", ["participating-state"]),
        monitoring=_q(0.3, "a broader mission with local presence"),
        leak_risk=_q(0.25, "more delegations, more leaks"),
        parameters={"peacekeeping": _q(1.0, "as in the Minsk Group")},
    ),
    "majority": Format(
        id="majority",
        label="Qualified majority (two thirds) of parties and mediators instead of consensus",
        table=["party", "co-chair", "mediator", "monitor"],
        proposers=["co-chair", "mediator"],
        decision=_rule("majority", ["party", "co-chair", "mediator"], 2 / 3),
        organisation_decisions=_rule("majority", ["participating-state"], 2 / 3),
        monitoring=_q(0.2, "as in the Minsk Group"),
        leak_risk=_q(0.15, "as in the Minsk Group"),
        parameters={"peacekeeping": _q(1.0, "as in the Minsk Group")},
    ),
}

BUILTIN_FORMATS: tuple[str, ...] = tuple(_BUILTIN_DATA)


def builtin_format(name: str) -> Format:
    """The spec of a built-in format."""
    return _BUILTIN_DATA[name]


def merged_format(scenario: Scenario, name: str, seen: tuple[str, ...] = ()) -> Format:
    """The format ``name`` with ``extends`` and overrides applied (scenario entries win)."""
    if name in seen:
        raise FormatError(f"formats: expected no cycle of 'extends', found {' -> '.join((*seen, name))}")
    own = next((f for f in scenario.formats if f.id == name), None)
    if own is None:
        if name not in _BUILTIN_DATA:
            known = ", ".join(sorted(set(BUILTIN_FORMATS) | {f.id for f in scenario.formats}))
            raise FormatError(f"format: expected one of {known}, found {name!r}")
        return _BUILTIN_DATA[name]
    base_name = own.extends if own.extends is not None else (name if name in _BUILTIN_DATA else None)
    if base_name is None:
        return own
    base = _BUILTIN_DATA[name] if base_name == name else merged_format(scenario, base_name, (*seen, name))
    data = base.model_dump()
    set_fields = own.model_fields_set - {"id", "extends"}
    mine = own.model_dump(include=set_fields)  # once, not once per field
    for field in set_fields:
        if field == "parameters":
            data["parameters"] = {**data.get("parameters", {}), **mine["parameters"]}
        else:
            data[field] = mine[field]
    data["id"] = name
    data["extends"] = None
    return Format.model_validate(data)


def format_chain(scenario: Scenario, start: str) -> list[str]:
    """Every format a run that starts in ``start`` can reach: ``after_war`` links and the
    scenario's ``switch_format`` events, in a stable order (``start`` first)."""
    out = [start]
    targets = [e.switch_format for e in scenario.events if e.switch_format is not None]
    k = 0
    while k < len(out):
        f = merged_format(scenario, out[k])
        for nxt in ([f.after_war] if f.after_war else []) + targets:
            if nxt not in out:
                out.append(nxt)
        k += 1
    return out


# -- who takes part ---------------------------------------------------------------------------


def _holders(scenario: Scenario, refs: list[str]) -> list[str]:
    """Ids of the actors named in ``refs`` by id or by one of their roles, in scenario order."""
    return [a.id for a in scenario.actors if a.id in refs or any(r in refs for r in a.roles)]


def decision_voters(scenario: Scenario, f: Format) -> list[str]:
    """Ids of the actors who vote at the table of the (merged) format ``f``: the decision rule's
    ``voters`` (default: the parties); every party under ``unanimity-of-parties``."""
    decision = f.decision or _rule("consensus", ["party"])
    if decision.kind == "unanimity-of-parties":
        return _holders(scenario, ["party"])
    return _holders(scenario, list(decision.voters))


def track_voters(scenario: Scenario, t: Track) -> list[str]:
    """Ids of the actors who sign on the parallel track ``t``: its decision rule's ``voters``
    (default: the parties) who sit at its table."""
    decision = t.decision or _rule("consensus", ["party"])
    at_table = set(_holders(scenario, list(t.table)))
    return [a for a in _holders(scenario, list(decision.voters)) if a in at_table]


def needs_mediator(name: str, f: Format) -> bool:
    """A format built around one mediator: single-mediator, one naming its ``mediator``, or one with
    no proposers of its own (then a mediator sits at the table and drafts)."""
    return name == "single-mediator" or f.mediator is not None or not f.proposers


def mediator_candidates(scenario: Scenario) -> list[str]:
    """Ids of the actors who can mediate a format that names none: role mediator or co-chair."""
    return [a.id for a in scenario.actors if {"mediator", "co-chair"} & set(a.roles)]


# -- checks for `accord validate` ---------------------------------------------------------------

Problems = list[tuple[tuple[PathPart, ...], str]]


def _cycles(scenario: Scenario) -> Problems:
    by_id = {f.id: f for f in scenario.formats}
    out: Problems = []
    for i, f in enumerate(scenario.formats):
        seen = [f.id]
        nxt = f.extends
        while nxt is not None and nxt in by_id and nxt not in seen:
            seen.append(nxt)
            nxt = by_id[nxt].extends
        if nxt == f.id:
            out.append(
                (("formats", i, "extends"), f"expected no cycle of 'extends', found {' -> '.join([*seen, f.id])}")
            )
    return out


def _runnable(scenario: Scenario, name: str, f: Format, where: tuple[PathPart, ...]) -> Problems:
    out: Problems = []
    if not decision_voters(scenario, f):
        decision = f.decision or _rule("consensus", ["party"])
        refs = ["party"] if decision.kind == "unanimity-of-parties" else list(decision.voters)
        out.append(
            (
                where,
                f"expected at least one voter at the table of format {name} "
                f"(an actor with id or role {', '.join(refs)}) to replay it, found none",
            )
        )
    if needs_mediator(name, f) and f.mediator is None and not mediator_candidates(scenario):
        out.append(
            (
                where,
                f"expected an actor with role mediator or co-chair to mediate format {name} "
                "(or a 'mediator' field naming one), found none",
            )
        )
    return out


def _first_reference(scenario: Scenario, name: str) -> tuple[PathPart, ...]:
    """Where a run is sent to the format ``name``: an ``after_war`` or a ``switch_format``."""
    for i, f in enumerate(scenario.formats):
        if f.after_war == name:
            return ("formats", i, "after_war")
    for j, e in enumerate(scenario.events):
        if e.switch_format == name:
            return ("events", j, "switch_format")
    return ("actors",)  # the default format: what it lacks is an actor


def format_problems(scenario: Scenario, *, engine: bool = True) -> Problems:
    """What the engine would refuse about the scenario's formats, as (field path, message): a cycle
    of ``extends``; one of the scenario's own formats with no voter or no mediator; and, when
    ``engine``, the same for the built-in formats a run reaches from its default format (a table of
    actors for the bargaining models, e.g. an imported one, needs no party). Assumes valid references."""
    out = _cycles(scenario)
    if out:
        return out
    own = {f.id for f in scenario.formats}
    for i, f in enumerate(scenario.formats):
        out += _runnable(scenario, f.id, merged_format(scenario, f.id), ("formats", i))
    if engine:
        start = scenario.formats[0].id if scenario.formats else "minsk-group"
        for name in format_chain(scenario, start):
            if name not in own:
                out += _runnable(scenario, name, builtin_format(name), _first_reference(scenario, name))
    return out


def track_problems(scenario: Scenario) -> Problems:
    """What the engine would refuse about the scenario's parallel tracks, as (field path, message):
    a track with no voter at its table; one that closes before it opens. Assumes valid references."""
    out: Problems = []
    for i, t in enumerate(scenario.tracks):
        if not track_voters(scenario, t):
            refs = list((t.decision or _rule("consensus", ["party"])).voters)
            out.append(
                (
                    ("tracks", i, "table"),
                    f"expected at least one voter of track {t.id} (an actor with id or role "
                    f"{', '.join(refs)}) at its table, found none",
                )
            )
        if (
            t.active_from is not None
            and t.active_until is not None
            and date_to_year(t.active_until) <= date_to_year(t.active_from)
        ):
            out.append(
                (
                    ("tracks", i, "active_until"),
                    f"expected a date after active_from {t.active_from}, found {t.active_until}",
                )
            )
    return out
