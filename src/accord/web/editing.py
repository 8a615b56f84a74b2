"""Edits to a scenario's actors from the dashboard, re-validated exactly as ``accord validate`` does.

An edit changes one number (an actor's position or salience on an issue, or its capability)
in the scenario's plain data; the edited data then goes through the same validator as a file
(:func:`accord.scenario.loader.validate_data`), keeping the file's line numbers, so a refused
edit reads like ``accord validate``'s output. An accepted number is labelled with the
``dashboard-edit`` assumption, so provenance stays honest: it no longer rests on its source.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Any, Literal

from accord.scenario import Problem, Scenario, ScenarioError
from accord.scenario.loader import validate_data
from accord.scenario.yaml_io import LocatedData

Field = Literal["position", "salience", "capability"]
FIELDS: tuple[Field, ...] = ("position", "salience", "capability")

EDIT_ASSUMPTION = "dashboard-edit"
EDIT_ASSUMPTION_TEXT = "Changed by a user in the accord dashboard; not taken from a source."


@dataclass(frozen=True)
class Edit:
    """Set ``field`` of actor ``actor`` (on ``issue`` for positions and saliences) to ``value``.

    For a capability given as a yearly series, ``value`` is the series' ``scale`` (a multiplier)."""

    actor: str
    field: str
    issue: str | None
    value: Any

    @property
    def key(self) -> tuple[str, str, str | None]:
        return (self.actor, self.field, self.issue)


def _number(value: Any) -> Any:
    """Numbers typed in a browser arrive as text: read them as numbers, leave anything else for the validator."""
    if isinstance(value, str):
        try:
            x = float(value.strip())
        except ValueError:
            return value
        return x if math.isfinite(x) else value
    return value


def _problem(located: LocatedData, path: tuple[str | int, ...], message: str) -> ScenarioError:
    from accord.scenario.errors import field_path

    return ScenarioError([Problem(located.name, *located.locate(path), field_path(path), message)])


def apply_edits(located: LocatedData, edits: list[Edit]) -> dict[str, Any]:
    """A deep copy of the scenario data with the edits applied; raises :class:`ScenarioError`
    (located at the actor) for an edit that names no such actor, field or stance."""
    data: dict[str, Any] = copy.deepcopy(located.data)
    actors = data.get("actors")
    if not isinstance(actors, list):
        raise _problem(located, ("actors",), "expected a list of actors, found none")
    index = {a.get("id"): k for k, a in enumerate(actors) if isinstance(a, dict)}
    used = False
    for e in edits:
        if e.field not in FIELDS:
            raise _problem(located, ("actors",), f"expected a field to edit ({', '.join(FIELDS)}), found {e.field!r}")
        if e.actor not in index:
            raise _problem(located, ("actors",), f"expected a known actor id, found {e.actor!r}")
        k = index[e.actor]
        actor = actors[k]
        value = _number(e.value)
        if e.field == "capability":
            cap = actor.get("capability")
            if isinstance(cap, dict) and "series" in cap:
                actor["capability"] = {**cap, "scale": value}
                used = True  # the series keeps its source; the scale is the user's
                continue
            actor["capability"] = _edited(cap, value)
            used = True
            continue
        section = "positions" if e.field == "position" else "salience"
        stances = actor.get(section)
        if e.issue is None or not isinstance(stances, dict) or e.issue not in stances:
            raise _problem(
                located,
                ("actors", k, section),
                f"expected an issue on which {e.actor} holds a {e.field}, found {e.issue!r}",
            )
        stances[e.issue] = _edited(stances[e.issue], value)
        used = True
    if used:
        assumptions = data.get("assumptions")
        if not isinstance(assumptions, dict):
            assumptions = {}
            data["assumptions"] = assumptions
        assumptions.setdefault(EDIT_ASSUMPTION, EDIT_ASSUMPTION_TEXT)
    return data


def _edited(old: Any, value: Any) -> dict[str, Any]:
    # A fixed number now: the old distribution and its source no longer describe it.
    del old
    return {"value": value, "assumption": EDIT_ASSUMPTION}


def validate_edits(located: LocatedData, edits: list[Edit]) -> Scenario:
    """The edited scenario, validated like a file; raises :class:`ScenarioError` with located problems."""
    data = apply_edits(located, edits)
    return validate_data(LocatedData(data, located.locations, located.name))
