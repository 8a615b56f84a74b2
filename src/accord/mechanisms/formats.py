"""Mediation formats resolved for the engine: who sits at the table, who proposes, how the table
and the organisation decide, monitoring, leak risk, and format-level engine parameters.

The formats themselves are data (the built-ins and a scenario's ``formats:`` entries, see
:mod:`accord.scenario.formats`); :func:`resolve_format` turns a name into a :class:`FormatSpec`
whose role references are resolved to actor indices.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.scenario.formats import FormatError, decision_voters, mediator_candidates, merged_format, needs_mediator
from accord.scenario.quantity import Quantity
from accord.scenario.schema import Scenario

__all__ = ["FormatSpec", "default_mediator", "resolve_format"]


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
    )
