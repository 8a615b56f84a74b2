"""Mediation formats as data: who sits at the table, who proposes, how the table and the
organisation decide, monitoring, leak risk, and format-level engine parameters.

The five built-in formats are written below as :class:`accord.scenario.Format` specs, the same
shape a scenario's ``formats:`` entry has. A scenario entry with a built-in's id overrides the
fields it sets; an entry with ``extends`` starts from another format. So a user defines a new
format in YAML without writing Python::

    formats:
      - id: contact-group
        label: Contact group with a qualified-majority table
        extends: minsk-group
        decision: {kind: majority, threshold: 0.6, voters: [party, co-chair]}
        leak_risk: {value: 0.3, assumption: coding}

:func:`resolve_format` turns a name into a :class:`FormatSpec` whose role references are
resolved to actor indices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.scenario.quantity import Quantity
from accord.scenario.references import BUILTIN_FORMATS
from accord.scenario.schema import DecisionRule, Format, Scenario, Track, date_to_year

__all__ = [
    "BUILTIN_FORMATS",
    "FormatError",
    "FormatSpec",
    "TrackSpec",
    "available_formats",
    "builtin_format",
    "default_format",
    "default_mediator",
    "format_chain",
    "resolve_format",
    "resolve_tracks",
    "runnable_formats",
    "uses_one_mediator",
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

if tuple(_BUILTIN_DATA) != BUILTIN_FORMATS:  # the names live in the scenario layer, the specs here
    raise RuntimeError(f"built-in formats: specs for {tuple(_BUILTIN_DATA)}, names {BUILTIN_FORMATS}")


def builtin_format(name: str) -> Format:
    """The spec of a built-in format."""
    return _BUILTIN_DATA[name]


def default_format(scenario: Scenario) -> str:
    """The format a run starts in when none is named: the scenario's first ``formats`` entry, else ``minsk-group``."""
    return scenario.formats[0].id if scenario.formats else "minsk-group"


def available_formats(scenario: Scenario) -> list[str]:
    """Formats a run of ``scenario`` may name: the scenario's own, then the built-in ones."""
    own = [f.id for f in scenario.formats]
    return own + [f for f in BUILTIN_FORMATS if f not in own]


def runnable_formats(scenario: Scenario) -> list[str]:
    """The formats of :func:`available_formats` that can run on ``scenario`` (those with a voter
    at the table and, where one is needed, a mediator)."""
    out = []
    for name in available_formats(scenario):
        try:
            for f in format_chain(scenario, name):
                resolve_format(scenario, f)
        except ValueError:
            continue
        out.append(name)
    return out


def _merged(scenario: Scenario, name: str, seen: tuple[str, ...] = ()) -> Format:
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
    base = _BUILTIN_DATA[name] if base_name == name else _merged(scenario, base_name, (*seen, name))
    data = base.model_dump()
    set_fields = own.model_fields_set - {"id", "extends"}
    for field in set_fields:
        if field == "parameters":
            data["parameters"] = {**data.get("parameters", {}), **own.model_dump()["parameters"]}
        else:
            data[field] = own.model_dump()[field]
    data["id"] = name
    data["extends"] = None
    return Format.model_validate(data)


@dataclass(frozen=True)
class FormatSpec:
    """A format resolved against a scenario's actors (indices into ``scenario.actors``).

    Attributes
    ----------
    id, label: name and description.
    table: ``(A,)`` bool, who sits at the table.
    proposers: actor indices, in scenario order, who draft proposals.
    decision_kind, threshold, voters: the table's decision rule; ``voters`` is ``(A,)`` bool.
    org_kind, org_threshold, org_voters: the organisation's rule for mandates, budgets and
        field offices (``org_kind`` None when the format has no organisation behind it).
    monitoring, leak_risk: the Quantities (drawn per draw by the engine).
    parameters: format-level engine parameters (override the scenario's).
    after_war: format the process switches to after a war, or None.
    mediator: the one mediator of a single-mediator format, or None.
    parallel_tracks: whether the scenario's parallel tracks may sit beside this format.
    """

    id: str
    label: str
    table: np.ndarray
    proposers: tuple[int, ...]
    decision_kind: str
    threshold: float
    voters: np.ndarray
    org_kind: str | None
    org_threshold: float
    org_voters: np.ndarray
    monitoring: Quantity | None
    leak_risk: Quantity | None
    parameters: dict[str, Quantity]
    after_war: str | None
    mediator: str | None
    parallel_tracks: bool = True


@dataclass(frozen=True)
class TrackSpec:
    """A parallel negotiating table resolved against the scenario's actors.

    ``table``, ``voters``: ``(A,)`` bool; ``proposers``: actor indices (brokers); ``decision_kind``
    and ``threshold`` as for a format; ``agreements``: the types it negotiates; ``when``: always,
    fighting or quiet; ``start``, ``end``: decimal years it is open (inclusive, exclusive)."""

    id: str
    label: str
    table: np.ndarray
    proposers: tuple[int, ...]
    decision_kind: str
    threshold: float
    voters: np.ndarray
    agreements: tuple[str, ...]
    when: str
    start: float
    end: float


def _members(scenario: Scenario, refs: list[str]) -> np.ndarray:
    """Actors named by id or holding one of the roles in ``refs``, as an ``(A,)`` mask."""
    ids = scenario.actor_ids
    mask = np.zeros(len(ids), dtype=bool)
    for k, a in enumerate(scenario.actors):
        mask[k] = a.id in refs or any(r in refs for r in a.roles)
    return mask


def default_mediator(scenario: Scenario) -> str:
    """The least-biased mediator: the actor with role mediator or co-chair whose positions lie
    closest (salience-weighted, nominal values) to the parties' midpoint. Ties go to scenario order."""
    cands = [a for a in scenario.actors if {"mediator", "co-chair"} & set(a.roles)]
    if not cands:
        raise FormatError("single-mediator: expected an actor with role mediator or co-chair, found none")
    parties = scenario.actors_with_role("party")
    best, best_d = cands[0].id, float("inf")
    for m in cands:
        dist = 0.0
        for issue in scenario.issue_ids:
            ps = [p.positions[issue].nominal for p in parties if issue in p.positions]
            if ps and issue in m.positions:
                dist += m.salience[issue].nominal * abs(m.positions[issue].nominal - float(np.mean(ps)))
        if dist < best_d - 1e-12:
            best, best_d = m.id, dist
    return best


def uses_one_mediator(scenario: Scenario, name: str) -> bool:
    """Whether a run that starts in format ``name`` reaches a format built around one mediator (the
    formats :func:`resolve_format` gives a ``mediator`` to); a named mediator means nothing elsewhere."""
    for fid in format_chain(scenario, name):
        f = _merged(scenario, fid)
        if fid == "single-mediator" or f.mediator is not None or not f.proposers:
            return True
    return False


def resolve_format(scenario: Scenario, name: str, *, mediator: str | None = None) -> FormatSpec:
    """Build the :class:`FormatSpec` named ``name`` for ``scenario``.

    ``mediator`` (an actor id) names the mediator of a ``single-mediator`` format, of a format
    that names a ``mediator``, or of one without proposers (the mediator sits at the table and
    drafts); default: the format's ``mediator`` field, else :func:`default_mediator`. Other
    formats ignore it.
    """
    f = _merged(scenario, name)
    table_refs = list(f.table)
    proposer_refs = list(f.proposers)
    med: str | None = None
    # a format built around one mediator: single-mediator, one naming its mediator, or one with no
    # proposers of its own (then a mediator drafts). Other formats ignore ``mediator``.
    if name == "single-mediator" or f.mediator is not None or not proposer_refs:
        med = mediator or f.mediator or default_mediator(scenario)
        if med not in scenario.actor_ids:
            raise FormatError(f"mediator: expected an actor id, found {med!r}")
        roles = scenario.actor(med).roles
        if "party" in roles and "mediator" not in roles:  # Russia in Georgia or Moldova is both
            raise FormatError(f"mediator: expected a mediator or an actor that is not a party, found {med!r} (a party)")
        table_refs.append(med)
        if not proposer_refs:
            proposer_refs = [med]
    table = _members(scenario, table_refs)
    props = _members(scenario, proposer_refs) & table
    decision = f.decision or _rule("consensus", ["party"])
    voters = _members(scenario, list(decision.voters))
    if decision.kind == "unanimity-of-parties":
        voters = _members(scenario, ["party"])
    if not voters.any():
        raise FormatError(f"format {name}: expected at least one voter at the table, found none")
    org = f.organisation_decisions
    org_voters = _members(scenario, list(org.voters)) if org is not None else np.zeros(len(scenario.actors), bool)
    return FormatSpec(
        id=name,
        label=f.label,
        table=table,
        proposers=tuple(int(i) for i in np.flatnonzero(props)),
        decision_kind=decision.kind,
        threshold=decision.threshold.nominal if decision.threshold is not None else 1.0,
        voters=voters,
        org_kind=org.kind if org is not None else None,
        org_threshold=org.threshold.nominal if org is not None and org.threshold is not None else 1.0,
        org_voters=org_voters,
        monitoring=f.monitoring,
        leak_risk=f.leak_risk,
        parameters=dict(f.parameters),
        after_war=f.after_war,
        mediator=med,
        parallel_tracks=f.parallel_tracks,
    )


def resolve_track(scenario: Scenario, t: Track) -> TrackSpec:
    """Build the :class:`TrackSpec` of a scenario's track (voters default to the parties at its table)."""
    table = _members(scenario, list(t.table))
    props = _members(scenario, list(t.proposers))
    decision = t.decision or _rule("consensus", ["party"])
    voters = _members(scenario, list(decision.voters)) & table
    if not voters.any():
        raise FormatError(f"track {t.id}: expected at least one voter at its table, found none")
    return TrackSpec(
        id=t.id,
        label=t.label,
        table=table | props,
        proposers=tuple(int(i) for i in np.flatnonzero(props)),
        decision_kind=decision.kind,
        threshold=decision.threshold.nominal if decision.threshold is not None else 1.0,
        voters=voters,
        agreements=tuple(t.agreements),
        when=t.when,
        start=date_to_year(t.active_from) if t.active_from else -np.inf,
        end=date_to_year(t.active_until) if t.active_until else np.inf,
    )


def resolve_tracks(scenario: Scenario) -> list[TrackSpec]:
    """Every parallel track of the scenario, in file order."""
    return [resolve_track(scenario, t) for t in scenario.tracks]


def format_chain(scenario: Scenario, start: str) -> list[str]:
    """Every format a run that starts in ``start`` can reach: ``after_war`` links and the
    scenario's ``switch_format`` events, in a stable order (``start`` first)."""
    out = [start]
    targets = [e.switch_format for e in scenario.events if e.switch_format is not None]
    k = 0
    while k < len(out):
        f = _merged(scenario, out[k])
        for nxt in ([f.after_war] if f.after_war else []) + targets:
            if nxt not in out:
                out.append(nxt)
        k += 1
    return out
