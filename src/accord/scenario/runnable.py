"""What the engine requires of a scenario beyond each field's own shape, checked when it is loaded,
so that ``accord validate`` says ok only for a scenario every command can run.

* engine parameters (``parameters``, a format's ``parameters``, an event's ``effects``): known
  names (:mod:`accord.scenario.parameters`) with every value and distribution bound in the
  parameter's range;
* formats: no cycle of ``extends``, a voter at every table, a mediator where one drafts
  (:func:`accord.scenario.formats.format_problems`);
* parallel tracks: a voter at every track's table, open before they close
  (:func:`accord.scenario.formats.track_problems`);
* events: one signed on a track (``track``) says what it signed (``agreement``); the type need not
  be one the track negotiates in the model (a record of history: the JCC signed partial texts);
* the conflict's coding: ``conflict.last_fighting`` before the start;
* deferrals: a proposal's ``deferred.until`` falls after the proposal's own date;
* the horizon: at most ``MAX_STEPS`` steps from start to end.

Problems are ``(field path, message)`` pairs, located by the loader; a path that ends in
``"<key>"`` points at the key itself (an unknown name) rather than its value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from accord.scenario.errors import PathPart
from accord.scenario.formats import format_problems, track_problems
from accord.scenario.parameters import PARAMETERS, unknown_parameters
from accord.scenario.quantity import Quantity
from accord.scenario.schema import MAX_STEPS, Scenario, date_to_year

__all__ = ["KEY", "runnable_problems"]

KEY = "<key>"
"""The last part of a path that points at a mapping's key (see accord.scenario.yaml_io)."""

Path_ = tuple[PathPart, ...]
Problems = list[tuple[Path_, str]]

_EFFECT_RANGES = {"monitoring": (0.0, 1.0)}
"""Event effects that are not engine parameters: ``monitoring`` sets the monitoring capacity."""


def _span(lo: float, hi: float) -> str:
    return f"between {lo:g} and {hi:g}"


def _quantity_in(q: Quantity, lo: float, hi: float, what: str) -> str | None:
    for name in ("value", "low", "high", "mean", "mode"):
        v = getattr(q, name)
        if v is not None and not lo <= v <= hi:
            label = "" if name == "value" else f" ({name})"
            return f"expected {what} {_span(lo, hi)}, found {v:g}{label}"
    return None


def _named_numbers(where: Path_, numbers: dict[str, Quantity], *, effects: bool) -> Problems:
    out: Problems = []
    for name, q in numbers.items():
        spec = PARAMETERS.get(name)
        if spec is not None:
            lo, hi, what = spec.low, spec.high, f"{name} ({spec.unit})"
        elif effects and name in _EFFECT_RANGES:
            lo, hi = _EFFECT_RANGES[name]
            what = f"{name} (share)"
        else:
            also = " (or 'monitoring'; see `accord parameters`)" if effects else " (see `accord parameters`)"
            out.append(((*where, name, KEY), unknown_parameters([name])[0] + also))
            continue
        problem = _quantity_in(q, lo, hi, what)
        if problem is not None:
            out.append(((*where, name), problem))
    return out


FORMAT_HAZARD_TERM = (
    "expected hazard terms for the whole scenario (under parameters: or hazards:), found one for a format"
)


def format_hazard_terms(parameters: Mapping[str, object]) -> list[str]:
    """A format's parameters that are terms of the fitted hazards (``hazard_*``), which hold for
    the whole scenario only: refused here at load time with their location, and by the engine
    (:func:`accord.simulation.hazards.check_overrides`) for a scenario built in Python."""
    return [name for name in parameters if name.startswith("hazard_")]


def parameter_problems(s: Scenario) -> Problems:
    """Unknown engine parameter names and values outside their ranges."""
    out = _named_numbers(("parameters",), s.parameters, effects=False)
    for i, f in enumerate(s.formats):
        out += _named_numbers(("formats", i, "parameters"), f.parameters, effects=False)
        out += [(("formats", i, "parameters", name), FORMAT_HAZARD_TERM) for name in format_hazard_terms(f.parameters)]
    for j, e in enumerate(s.events):
        out += _named_numbers(("events", j, "effects"), e.effects, effects=True)
    return out


def event_problems(s: Scenario) -> Problems:
    """Events signed on a parallel track without an agreement type. Assumes valid references."""
    tracks = {t.id: t for t in s.tracks}
    out: Problems = []
    for j, e in enumerate(s.events):
        if e.track is None:
            continue
        t = tracks[e.track]
        if e.agreement is None:
            out.append(
                (
                    ("events", j, "agreement"),
                    f"expected the agreement type signed on track {t.id} ({', '.join(t.agreements)}), found none",
                )
            )
    return out


def deferral_problems(s: Scenario) -> Problems:
    """Deferred terms that would fall due before (or on) the proposal that defers them."""
    out: Problems = []
    for i, p in enumerate(s.proposals):
        until = p.deferred.until if p.deferred is not None else None
        if until is not None and date_to_year(until) <= date_to_year(p.date):
            out.append(
                (
                    ("proposals", i, "deferred", "until"),
                    f"expected a date after the proposal's date {p.date}, found {until}",
                )
            )
    return out


def conflict_problems(s: Scenario) -> Problems:
    """A ``conflict.last_fighting`` on or after the scenario's start (the hazards read the years
    of quiet before it; the engine refuses it too)."""
    c = s.conflict
    start = math.floor(date_to_year(s.meta.start) + 1e-9)
    if c is None or c.last_fighting is None or c.last_fighting < start:
        return []
    return [
        (
            ("conflict", "last_fighting"),
            f"expected a year before the scenario's start ({start}), found {c.last_fighting}",
        )
    ]


def horizon_problems(s: Scenario) -> Problems:
    """A horizon of more than ``MAX_STEPS`` steps (work and memory grow with them)."""
    m = s.meta
    if m.steps <= MAX_STEPS:
        return []
    return [
        (
            ("meta", "end"),
            f"expected at most {MAX_STEPS} steps from start to end, found {m.steps:,} "
            f"({m.start} to {m.end} by {m.step}); shorten the horizon or use a longer step",
        )
    ]


def runnable_problems(s: Scenario, *, engine: bool = True) -> Problems:
    """Every problem above; empty when the engine can run the scenario. Assumes valid references.
    ``engine=False`` (the bargaining models): a scenario need not be runnable in its default format."""
    return (
        horizon_problems(s)
        + parameter_problems(s)
        + deferral_problems(s)
        + event_problems(s)
        + conflict_problems(s)
        + format_problems(s, engine=engine)
        + (track_problems(s) if engine else [])
    )
