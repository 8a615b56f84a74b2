"""Small hand-made scenarios whose outcomes can be worked out on paper (shared by engine tests)."""

from __future__ import annotations

from typing import Any

import numpy as np

from accord.scenario import Scenario, parse_scenario
from accord.scenario.yaml_io import dump_yaml

QUIET = {
    # no war, no incidents, no generated texts, no leaks, no optimism, sharp ratification, no
    # audience costs or removals: only what a test turns on
    "hazard_intercept": -15.0,
    "incident_rate": 0.0,
    "incident_tension": 0.0,
    "proposal_interval": 0.0,
    "leak_effect": 0.0,
    "mediator_leverage": 0.0,
    "optimism_default": 0.0,
    "ratification_noise": 0.0001,
    "audience_cost_default": 0.0,
    "removal_risk_default": 0.0,
    "ceasefire_talks": 0.0,
    "ceasefire_talks_direct": 0.0,
    "implementation_credibility": 1.0,
}


def actor(aid: str, roles: list[str], pos: float, cap: Any = 100.0, **extra: Any) -> dict[str, Any]:
    return {
        "id": aid,
        "name": aid,
        "kind": "state",
        "roles": roles,
        "capability": cap,
        "positions": {"x": pos},
        "salience": {"x": 1.0},
        **extra,
    }


def scenario(
    actors: list[dict[str, Any]],
    *,
    status_quo: float = 100.0,
    proposals: list[dict[str, Any]] | None = None,
    parameters: dict[str, float | None] | None = None,
    formats: list[dict[str, Any]] | None = None,
    events: list[dict[str, Any]] | None = None,
    start: int = 2000,
    end: int = 2005,
    conflict: dict[str, Any] | None = None,
    hazards: dict[str, Any] | None = None,
) -> Scenario:
    parties = [a["id"] for a in actors if "party" in a["roles"]]
    data: dict[str, Any] = {
        "meta": {"name": "paper", "title": "hand-made", "start": start, "end": end, "step": "year"},
        "issues": [{"id": "x", "label": "x", "low": "zero", "high": "hundred", "status_quo": status_quo}],
        "actors": actors,
        "proposals": proposals or [],
        # a parameter given as None is left out (e.g. QUIET's intercept, for the fitted hazards)
        "parameters": {k: v for k, v in {**QUIET, **(parameters or {})}.items() if v is not None},
        "formats": formats or [],
        "events": events or [],
    }
    if hazards is not None:
        data["hazards"] = hazards
    if conflict is not None:
        data["conflict"] = conflict
    elif len(parties) >= 2:  # two state parties: the fitted hazards need UCDP's side A (the first party here)
        data["conflict"] = {"side_a": parties[:1]}
    return parse_scenario(dump_yaml(data), "paper.yaml")


def proposal(pid: str, sponsor: str, x: float, date: str = "2001", **extra: Any) -> dict[str, Any]:
    return {"id": pid, "label": pid, "sponsor": [sponsor], "date": date, "kind": "package", "terms": {"x": x}, **extra}


def veto_scenario() -> Scenario:
    """P1 (0) and P2 (100) with the status quo at 100; two co-chairs at 30 table x = 30 in 2001.

    P1 gains (0.7 > 0), P2 loses (0.7 < 1): P2 vetoes under consensus. Under a two-thirds
    majority of parties and co-chairs, 3 of 4 vote yes and it passes.
    """
    return scenario(
        [
            actor("P1", ["party"], 0),
            actor("P2", ["party"], 100),
            actor("M1", ["co-chair", "mediator"], 30),
            actor("M2", ["co-chair", "mediator"], 30),
        ],
        proposals=[proposal("deal", "M1", 30)],
    )


def sized_scenario(
    actors: int, issues: int, proposals: int = 0, years: int = 5, *, mediators: int = 3, step: str = "year"
) -> Scenario:
    """A scenario of a given shape (two parties, ``mediators`` co-chairs, the rest affected actors
    with stances; uncertain saliences; the proposals all in the last year, so that the tables draft
    before), for measuring memory and work against the budget."""
    ids = [f"I{i}" for i in range(issues)]
    rng = np.random.default_rng(0)
    people: list[dict[str, Any]] = []
    for k in range(actors):
        roles = ["party"] if k < 2 else ["co-chair", "mediator"] if k < 2 + mediators else ["affected"]
        people.append(
            {
                "id": f"A{k}",
                "name": f"A{k}",
                "kind": "state",
                "roles": [*roles, "participating-state"],
                "capability": float(rng.uniform(10, 100)),
                "positions": {i: float(rng.uniform(0, 100)) for i in ids},
                "salience": {i: {"dist": "uniform", "low": 0.2, "high": 0.8} for i in ids},
            }
        )
    props = [
        {
            "id": f"P{j}",
            "label": f"P{j}",
            "sponsor": ["A2" if mediators else "A0"],
            "date": str(1900 + years - 1),  # after the first drafts: the budget's worst case
            "kind": "package",
            "terms": {i: 50.0 for i in ids},
        }
        for j in range(proposals)
    ]
    data: dict[str, Any] = {
        "meta": {"name": "sized", "title": "sized", "start": "1900", "end": str(1900 + years), "step": step},
        "issues": [{"id": i, "label": i, "low": "0", "high": "100"} for i in ids],
        "actors": people,
        "proposals": props,
        # no fighting (a fighting step drafts nothing): the tables draft every year, the worst case
        "parameters": {"hazard_intercept": -15.0},
    }
    return Scenario.model_validate(data)
