"""A small valid scenario to start from (``accord init``): every section of the format once,
commented, each number labelled as an assumption to be replaced by a source.

The text is checked with the same loader as ``accord validate`` before it is returned, so what
``accord init`` writes always validates.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from accord.scenario.loader import parse_scenario
from accord.scenario.schema import Scenario

__all__ = ["StarterError", "starter_scenario"]


class StarterError(ValueError):
    """Options that cannot make a scenario (e.g. an actor both a party and a mediator)."""


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a YAML double-quoted string


def _actor(actor_id: str, role: str, position: int, salience: float, capability: int | None) -> str:
    cap = f"\n    capability: {{value: {capability}, assumption: starter}}" if capability is not None else ""
    return f"""  - id: {actor_id}
    name: {_q(actor_id)}            # the full name
    kind: state                     # state | de-facto-authority | organisation | group | person
    roles: [{role}]{cap}
    positions: {{border: {{value: {position}, assumption: starter}}}}   # 0-100 as the issue defines them
    salience: {{border: {{value: {salience}, assumption: starter}}}}    # 0-1: how much the issue matters
"""


def starter_scenario(name: str, parties: Sequence[str] = ("A", "B"), mediators: Sequence[str] = ("M",)) -> str:
    """The YAML text of a small valid scenario named ``name``: one issue, the ``parties`` at its two
    ends (others in between), the ``mediators`` in the middle, one mediated format, one proposal
    and one event. Raises :class:`StarterError` for unusable options and
    :class:`~accord.scenario.errors.ScenarioError` if an id is not a valid id."""
    parties, mediators = [p.strip() for p in parties if p.strip()], [m.strip() for m in mediators if m.strip()]
    if len(parties) < 2:
        raise StarterError(f"--parties: expected at least two parties, found {len(parties)}")
    both = sorted(set(parties) & set(mediators))
    if both:
        raise StarterError(f"--mediators: expected actors that are not parties, found {', '.join(both)} in --parties")
    ids = parties + mediators
    repeated = sorted({a for a in ids if ids.count(a) > 1})
    if repeated:
        raise StarterError(f"expected each actor once, found {', '.join(repeated)} more than once")
    step = 100 // (len(parties) - 1)
    actors = "".join(
        _actor(p, "party", 100 if k == len(parties) - 1 else k * step, 1.0, 100) for k, p in enumerate(parties)
    )
    actors += "".join(_actor(m, "mediator", 50, 0.5, None) for m in mediators)
    a, b = parties[0], parties[-1]
    sponsor = mediators[0] if mediators else a
    proposers = "[mediator]" if mediators else "[party]"
    table = "[party, mediator]" if mediators else "[party]"
    text = f"""# {name}: a scenario to start from, written by `accord init`.
# Every section of the format appears once; docs/scenario-format.md describes each field.
# Each number is labelled with the assumption `starter`: replace it with a `source:` (see
# `sources` below) or with an assumption that says in a sentence what you coded and why.
# Check the file with `accord validate {name}.yaml`, then `accord replay {name}.yaml`.

meta:
  name: {name}
  title: {_q(f"{name} (a starter scenario)")}
  start: 2000          # the first step
  end: 2010            # the replay stops before it: 2009 is the last yearly step
  step: year           # year | half-year | quarter | month

issues:               # dimensions of the dispute, each on a 0-100 scale defined in words
  - id: border
    label: Border
    low: {_q(f"the line {a} claims")}       # what 0 means
    high: {_q(f"the line {b} claims")}      # what 100 means
    status_quo: {{value: 50, assumption: starter}}
    war: true          # contested by force: fighting moves the status quo toward the side that prevails

actors:
{actors}
formats:              # who sits at the table, who proposes, how the table decides
  - id: talks
    label: Mediated talks
    table: {table}      # roles or actor ids
    proposers: {proposers}
    decision: {{kind: consensus, voters: [party]}}   # consensus | majority (with threshold) | unanimity-of-parties

proposals:            # dated texts tabled at the table
  - id: split-2003
    label: Split the difference
    sponsor: {sponsor}
    date: 2003-06
    kind: package      # package | phased | common-state | principles
    terms: {{border: {{value: 50, assumption: starter}}}}

events:               # dated events; each needs an id
  - id: clashes-2005
    date: 2005-04
    kind: clashes      # ceasefire, escalation, clashes, war, war-end, statement, ... (see the reference)
    label: Border clashes
    actors: [{a}, {b}]

sources: {{}}           # id -> {{kind: seed | dataset | literature, ...}}: where numbers come from

assumptions:          # id -> a sentence saying what was coded and why
  starter: "A placeholder written by accord init; replace every use with a source or a coded judgement."
"""
    checked: Scenario = parse_scenario(text, f"{name}.yaml")  # raises ScenarioError on a bad id
    assert checked.meta.name == name
    return text
