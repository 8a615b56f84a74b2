"""Mediation formats resolved for the engine: who sits at the table, who proposes, how the table
and the organisation decide, monitoring, leak risk, format-level engine parameters, and the
scenario's parallel tracks.

The formats themselves are data (the built-ins and a scenario's ``formats:`` entries, with
``extends`` and overrides, see :mod:`accord.scenario.formats`); :func:`resolve_format` turns a
name into a :class:`FormatSpec` whose role references are resolved to actor indices, and
:func:`resolve_tracks` does the same for the scenario's ``tracks:``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.scenario.formats import (
    BUILTIN_FORMATS,
    FormatError,
    builtin_format,
    decision_voters,
    format_chain,
    mediator_candidates,
    merged_format,
    needs_mediator,
    track_voters,
)
from accord.scenario.quantity import Quantity
from accord.scenario.schema import Scenario, Track, date_to_year

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
    "resolve_track",
    "resolve_tracks",
    "runnable_formats",
    "unrunnable_formats",
    "uses_one_mediator",
]


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


def default_format(scenario: Scenario) -> str:
    """The format a run starts in when none is named: the scenario's first ``formats`` entry, else ``minsk-group``."""
    return scenario.formats[0].id if scenario.formats else "minsk-group"


def available_formats(scenario: Scenario) -> list[str]:
    """Formats a run of ``scenario`` may name: the scenario's own, then the built-in ones."""
    own = [f.id for f in scenario.formats]
    return own + [f for f in BUILTIN_FORMATS if f not in own]


def unrunnable_formats(scenario: Scenario) -> dict[str, str]:
    """The formats of :func:`available_formats` that cannot run on ``scenario``, each with why (no
    voter at a table, no mediator where one is needed, in it or in a format a run of it reaches,
    e.g. single-mediator in a scenario with no mediator or co-chair)."""
    out: dict[str, str] = {}
    for name in available_formats(scenario):
        try:
            for f in format_chain(scenario, name):
                resolve_format(scenario, f)
        except FormatError as e:
            out[name] = str(e)
    return out


def runnable_formats(scenario: Scenario) -> list[str]:
    """The formats of :func:`available_formats` that can run on ``scenario`` (those with a voter
    at the table and, where one is needed, a mediator), in that order."""
    skipped = unrunnable_formats(scenario)
    return [name for name in available_formats(scenario) if name not in skipped]


def _members(scenario: Scenario, refs: list[str]) -> np.ndarray:
    """Actors named by id or holding one of the roles in ``refs``, as an ``(A,)`` mask."""
    wanted = set(refs)
    return np.array([a.id in wanted or not wanted.isdisjoint(a.roles) for a in scenario.actors], dtype=bool)


def default_mediator(scenario: Scenario) -> str:
    """The least-biased mediator: the actor with role mediator or co-chair whose positions lie
    closest (salience-weighted, nominal values) to the parties' midpoint. Ties go to scenario order."""
    cands = [scenario.actor(a) for a in mediator_candidates(scenario)]
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
    return any(needs_mediator(fid, merged_format(scenario, fid)) for fid in format_chain(scenario, name))


def resolve_format(scenario: Scenario, name: str, *, mediator: str | None = None) -> FormatSpec:
    """Build the :class:`FormatSpec` named ``name`` for ``scenario``.

    ``mediator`` (an actor id) names the mediator of a ``single-mediator`` format, of a format
    that names a ``mediator``, or of one without proposers (the mediator sits at the table and
    drafts); default: the format's ``mediator`` field, else :func:`default_mediator`. Other
    formats ignore it.
    """
    f = merged_format(scenario, name)
    table_refs = list(f.table)
    proposer_refs = list(f.proposers)
    med: str | None = None
    if needs_mediator(name, f):  # other formats ignore ``mediator``
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
    decision = f.decision
    voters = _members(scenario, decision_voters(scenario, f))
    if not voters.any():
        raise FormatError(f"format {name}: expected at least one voter at the table, found none")
    org = f.organisation_decisions
    org_voters = _members(scenario, list(org.voters)) if org is not None else np.zeros(len(scenario.actors), bool)
    return FormatSpec(
        id=name,
        label=f.label,
        table=table,
        proposers=tuple(int(i) for i in np.flatnonzero(props)),
        decision_kind=decision.kind if decision is not None else "consensus",
        threshold=decision.threshold.nominal if decision is not None and decision.threshold is not None else 1.0,
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
    voters = _members(scenario, track_voters(scenario, t))
    if not voters.any():
        raise FormatError(f"track {t.id}: expected at least one voter at its table, found none")
    return TrackSpec(
        id=t.id,
        label=t.label,
        table=table | props,
        proposers=tuple(int(i) for i in np.flatnonzero(props)),
        decision_kind=t.decision.kind if t.decision is not None else "consensus",
        threshold=t.decision.threshold.nominal if t.decision is not None and t.decision.threshold is not None else 1.0,
        voters=voters,
        agreements=tuple(t.agreements),
        when=t.when,
        start=date_to_year(t.active_from) if t.active_from else -np.inf,
        end=date_to_year(t.active_until) if t.active_until else np.inf,
    )


def resolve_tracks(scenario: Scenario) -> list[TrackSpec]:
    """Every parallel track of the scenario, in file order."""
    return [resolve_track(scenario, t) for t in scenario.tracks]
