"""The conflict as the conflict panel codes it: UCDP's sides, type and incompatibility.

The fitted hazards (:mod:`accord.models.hazards`) read a few static traits of a conflict, coded
as UCDP codes them (UCDP/PRIO Armed Conflict Dataset codebook; Gleditsch et al. 2002, *J. Peace
Research* 39(5)): which side is *side A* (the capability share and its shifts are side A's),
whether the conflict is interstate (UCDP type 2) and whether its incompatibility is territory
(UCDP 1 or 3). A scenario states them in ``conflict:``; what it leaves out is resolved here by
UCDP's own conventions:

- **side A.** In an intrastate conflict UCDP's side A is always the government, so when only one
  side of the war is led by a state, that side is side A. When both sides are led by states no
  convention tells the engine which is the government UCDP would list as side A, and the
  capability covariates are side A's: ``conflict.side_a`` is then **required** (a located error
  names it), unless a side's capability is missing (then side A changes nothing and the side
  whose leader's name sorts first is taken). Side B is the combatants on the other side of the war.
- **interstate**: both sides' leading parties are states (``kind: state``).
- **territory**: some issue is contested by force (``war: true``: territory and control).
- **last fighting** before the start: the year before the scenario's start (a scenario begins
  where a conflict has just been fought), unless ``conflict.last_fighting`` says.

The capability of a side is that of its *states* (``kind: state``), as in the panel (a rebel
group or a de facto authority has no capability there); a side with no state, or a state whose
capability the scenario does not give, leaves the capability covariates missing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.scenario.schema import Scenario, date_to_year
from accord.simulation.power import Sides, sides_from_positions

__all__ = ["ARMED_KINDS", "ConflictTraits", "conflict_traits", "scenario_sides"]

ARMED_KINDS = ("state", "de-facto-authority", "group")


@dataclass(frozen=True)
class ConflictTraits:
    """The resolved coding: the actor ids on UCDP's side A and side B, the states among them
    (whose capability counts), the static traits, the last year of fighting before the start,
    and for each trait whether the scenario stated it (``stated``) or a default decided."""

    side_a: tuple[str, ...]
    side_b: tuple[str, ...]
    states_a: tuple[str, ...]
    states_b: tuple[str, ...]
    interstate: bool
    territorial: bool
    last_fighting: int
    stated: frozenset[str]


def scenario_sides(scenario: Scenario) -> tuple[Sides | None, list[str]]:
    """The two sides of a war over the scenario's actors (as the engine computes them from nominal
    positions, :func:`~accord.simulation.power.sides_from_positions`), and the actor ids in order."""
    actors = scenario.actors
    ids = [a.id for a in actors]
    issues = scenario.issue_ids
    pos = np.zeros((len(actors), len(issues)))
    sal = np.zeros_like(pos)
    column = {issue: i for i, issue in enumerate(issues)}
    for k, a in enumerate(actors):
        for issue, q in a.positions.items():  # most actors hold no stance: skip their empty rows
            i = column.get(issue)
            if i is not None:
                pos[k, i] = q.nominal
                sal[k, i] = a.salience[issue].nominal
    parties = np.array(["party" in a.roles for a in actors], dtype=bool)
    combatants = np.array(
        [("party" in a.roles or "affected" in a.roles) and a.kind in ARMED_KINDS for a in actors], dtype=bool
    )
    war = np.array([iss.war for iss in scenario.issues], dtype=bool)
    if not war.any():
        war[:] = True
    return sides_from_positions(pos, sal, parties, combatants, war), ids


def _capability_read(scenario: Scenario, members: dict[str, list[str]]) -> bool:
    """Whether the capability covariates can be computed: each side has a state, and every state
    on either side has a capability in the scenario (else they are missing and side A is moot)."""
    actors = {a.id: a for a in scenario.actors}
    states = {s: [a for a in ids if actors[a].kind == "state"] for s, ids in members.items()}
    return all(states.values()) and all(actors[a].capability is not None for v in states.values() for a in v)


def conflict_traits(scenario: Scenario) -> ConflictTraits | None:
    """The scenario's conflict coding with UCDP's conventions for what it leaves out; None when
    no war is possible (fewer than two sides). Raises ValueError naming the ``conflict`` field."""
    sides, ids = scenario_sides(scenario)
    c = scenario.conflict
    if sides is None:
        return None
    kind = {a.id: a.kind for a in scenario.actors}
    name = {a.id: a.name for a in scenario.actors}
    low = [ids[k] for k in np.flatnonzero(sides.low)]
    high = [ids[k] for k in np.flatnonzero(sides.high)]
    lead = {"low": ids[sides.lead_low], "high": ids[sides.lead_high]}
    members = {"low": low, "high": high}
    stated: set[str] = set()

    def side_of(field: str, refs: list[str]) -> str:
        where = {"low" if r in low else "high" if r in high else "none" for r in refs}
        outside = [r for r in refs if r not in low and r not in high]
        if outside:
            raise ValueError(
                f"conflict.{field}: expected combatants (a party or an armed affected actor of kind state, "
                f"de-facto-authority or group), found {', '.join(outside)}"
            )
        if len(where) > 1:
            raise ValueError(
                f"conflict.{field}: expected actors on one side of the war (the engine's sides, from positions: "
                f"{', '.join(low)} | {', '.join(high)}), found {', '.join(refs)} on both"
            )
        return where.pop()

    if c is not None:
        stated.add("side_a")
        a_side = side_of("side_a", list(c.side_a))
        b_side = "high" if a_side == "low" else "low"
        if c.side_b is not None:
            stated.add("side_b")
            if side_of("side_b", list(c.side_b)) != b_side:
                raise ValueError(
                    f"conflict.side_b: expected actors on the other side of the war from side_a "
                    f"({', '.join(members[b_side])}), found {', '.join(c.side_b)}"
                )
            side_b = tuple(c.side_b)
        else:
            side_b = tuple(members[b_side])
        side_a = tuple(c.side_a)
    else:
        state_led = [s for s in ("low", "high") if kind[lead[s]] == "state"]
        if len(state_led) == 1:  # intrastate: the government is side A
            a_side = state_led[0]
        elif len(state_led) == 2 and _capability_read(scenario, members):
            # both sides led by states and no `conflict.side_a`: the side of the first party the
            # scenario lists (a documented convention; a case should say it, as the built-in ones do)
            first = next(a.id for a in scenario.actors if any(a.id in members[s] for s in ("low", "high")))
            a_side = "low" if first in members["low"] else "high"
        else:  # side A does not change the hazard (a side's capability is missing): the first by name
            a_side = min(("low", "high"), key=lambda s: name[lead[s]].casefold())
        b_side = "high" if a_side == "low" else "low"
        side_a, side_b = tuple(members[a_side]), tuple(members[b_side])

    interstate = kind[lead["low"]] == "state" and kind[lead["high"]] == "state"
    if c is not None and c.interstate is not None:
        stated.add("interstate")
        interstate = c.interstate
    territorial = any(iss.war for iss in scenario.issues)
    if c is not None and c.territory is not None:
        stated.add("territory")
        territorial = c.territory
    start_year = int(np.floor(date_to_year(scenario.meta.start) + 1e-9))
    last = start_year - 1
    if c is not None and c.last_fighting is not None:
        stated.add("last_fighting")
        last = c.last_fighting
        if last >= start_year:
            raise ValueError(
                f"conflict.last_fighting: expected a year before the scenario's start ({start_year}), found {last}"
            )
    return ConflictTraits(
        side_a=side_a,
        side_b=side_b,
        states_a=tuple(a for a in side_a if kind[a] == "state"),
        states_b=tuple(b for b in side_b if kind[b] == "state"),
        interstate=interstate,
        territorial=territorial,
        last_fighting=last,
        stated=frozenset(stated),
    )
