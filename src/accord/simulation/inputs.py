"""The numbers of a scenario by stable dotted names, and drawing them per draw.

Names: ``actors.ARM.positions.status``, ``actors.ARM.salience.districts``,
``actors.NK.capability``, ``actors.ARM.domestic.pivot.status`` (``removal_risk``, ``audience_cost``),
``actors.ARM.optimism``, ``actors.ARM.changes.1998-02.positions.status`` (a dated change: ``salience``,
``pivot``, ``removal_risk``, ``audience_cost``),
``issues.status.status_quo``, ``parameters.war_cost``, ``hazards.onset.in_force_ceasefire`` (a
fitted coefficient the scenario replaces), ``formats.minsk-group.monitoring``
(``leak_risk``, ``parameters.NAME``), ``proposals.package-1997.terms.status``,
``events.ID.effects.NAME``, ``events.ID.status_quo.ISSUE``.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from accord._small import clip as _clip
from accord.scenario.parameters import PARAMETERS
from accord.scenario.quantity import Quantity
from accord.scenario.schema import Scenario
from accord.simulation._seeding import generator_of
from accord.simulation.streams import input_states, input_streams

__all__ = ["FIELD_RANGES", "all_inputs", "draw_inputs", "field_range", "uncertain_inputs"]

FIELD_RANGES: dict[str, tuple[float, float]] = {
    "positions": (0.0, 100.0),
    "salience": (0.0, 1.0),
    "status_quo": (0.0, 100.0),
    "terms": (0.0, 100.0),
    "monitoring": (0.0, 1.0),
    "leak_risk": (0.0, 1.0),
    "removal_risk": (0.0, 1.0),
    "audience_cost": (0.0, 1.0),
    "pivot": (0.0, 100.0),
    "optimism": (-0.5, 0.5),
    "capability": (0.0, np.inf),
}


def all_inputs(scenario: Scenario) -> dict[str, Quantity]:
    """Every number the engine reads from the scenario, by dotted name, in a stable order."""
    out: dict[str, Quantity] = {}
    for issue in scenario.issues:
        if issue.status_quo is not None:
            out[f"issues.{issue.id}.status_quo"] = issue.status_quo
    for a in scenario.actors:
        if isinstance(a.capability, Quantity):
            out[f"actors.{a.id}.capability"] = a.capability
        for i, q in a.positions.items():
            out[f"actors.{a.id}.positions.{i}"] = q
        for i, q in a.salience.items():
            out[f"actors.{a.id}.salience.{i}"] = q
        if a.domestic is not None:
            for i, q in a.domestic.pivot.items():
                out[f"actors.{a.id}.domestic.pivot.{i}"] = q
            for field in ("removal_risk", "audience_cost"):
                q = getattr(a.domestic, field)
                if q is not None:
                    out[f"actors.{a.id}.domestic.{field}"] = q
        if a.optimism is not None:
            out[f"actors.{a.id}.optimism"] = a.optimism
        for ch in a.changes:
            base = f"actors.{a.id}.changes.{ch.from_}"
            for field in ("positions", "salience", "pivot"):
                for i, q in getattr(ch, field).items():
                    out[f"{base}.{field}.{i}"] = q
            for field in ("removal_risk", "audience_cost"):
                q = getattr(ch, field)
                if q is not None:
                    out[f"{base}.{field}"] = q
    for name, q in scenario.parameters.items():
        out[f"parameters.{name}"] = q
    for hazard, coefs in scenario.hazards.items():
        for name, q in coefs.items():
            out[f"hazards.{hazard}.{name}"] = q
    for f in scenario.formats:
        if f.monitoring is not None:
            out[f"formats.{f.id}.monitoring"] = f.monitoring
        if f.leak_risk is not None:
            out[f"formats.{f.id}.leak_risk"] = f.leak_risk
        for name, q in f.parameters.items():
            out[f"formats.{f.id}.parameters.{name}"] = q
    for p in scenario.proposals:
        for i, t in p.terms.items():
            out[f"proposals.{p.id}.terms.{i}"] = t
    for e in scenario.events:
        for name, q in e.effects.items():
            out[f"events.{e.id}.effects.{name}"] = q
        for i, q in e.status_quo.items():
            out[f"events.{e.id}.status_quo.{i}"] = q
    return out


def uncertain_inputs(scenario: Scenario) -> dict[str, Quantity]:
    """Every uncertain number of a scenario (one with a distribution), by stable dotted name."""
    return {k: q for k, q in all_inputs(scenario).items() if q.is_uncertain}


@lru_cache(maxsize=65536)  # a name's range never changes; a batch asks for every input's
def field_range(name: str) -> tuple[float, float]:
    """The values the input ``name`` may take: a parameter's declared range, else its field's range."""
    parts = name.split(".")
    if "parameters" in parts[:-1] or (len(parts) > 1 and parts[-2] == "effects"):
        spec = PARAMETERS.get(parts[-1])
        return (float(spec.low), float(spec.high)) if spec is not None else (-np.inf, np.inf)
    for part in reversed(parts):
        if part in FIELD_RANGES:
            return FIELD_RANGES[part]
    return (-np.inf, np.inf)


def draw_inputs(
    scenario: Scenario,
    draws: int,
    *,
    seed: int,
    batch_index: int = 0,
    overrides: dict[str, np.ndarray] | None = None,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Draw every input for ``draws`` draws of batch ``batch_index``.

    Each uncertain number is sampled from its own stream, keyed by its name
    (:func:`accord.simulation.streams.input_stream`), so the same seed gives the same value of an
    input whatever the format and whatever else the scenario holds or an override fixes; certain
    ones take their value. ``overrides`` set any named input (or any ``parameters.NAME`` of the
    engine) per draw, shape ``(draws,)``; an overridden input is not drawn.

    Returns ``(values, drawn)``: every input by name, and the uncertain or overridden ones
    (what :class:`BatchResult.inputs` reports).
    """
    known = all_inputs(scenario)
    values: dict[str, np.ndarray] = {}
    drawn: dict[str, np.ndarray] = {}
    fixed = overrides or {}
    uncertain = [name for name, q in known.items() if q.is_uncertain and name not in fixed]
    sampled = _sample(known, uncertain, seed, batch_index, draws)
    for name, q in known.items():
        if name in sampled:
            values[name] = drawn[name] = sampled[name]
        else:
            values[name] = np.full(draws, q.nominal)
    for name, arr in (overrides or {}).items():
        param_name = name.startswith("parameters.") and name.split(".", 1)[1] in PARAMETERS
        if name not in known and not param_name:
            raise KeyError(f"overrides: expected a known input name, found {name!r}")
        a = np.asarray(arr, dtype=float)
        if a.shape != (draws,):
            raise ValueError(f"overrides[{name!r}]: expected shape ({draws},), found {a.shape}")
        values[name] = a
        drawn[name] = a
    return values, drawn


def _sample(
    known: dict[str, Quantity], uncertain: list[str], seed: int, batch_index: int, draws: int
) -> dict[str, np.ndarray]:
    """Each of ``uncertain``'s values, from its own stream: what ``q.sample(input_stream(…), draws,
    clip=field_range(name))`` gives, bit for bit.

    A uniform input is ``low + (high − low) · u`` for its stream's doubles ``u``, as
    ``Generator.uniform`` computes it; the doubles of every uniform input come from one kernel call
    (:func:`accord.simulation._pcg.pcg64_doubles`, NumPy's PCG64) and the clip to the fields'
    ranges is one call over all of them, instead of a generator, a draw and a clip each. Normal
    and triangular inputs are drawn by their generators."""
    states = input_states(seed, batch_index, uncertain)
    if states is None:  # a seed NumPy reads its own way: its generators, one by one
        gens = input_streams(seed, batch_index, uncertain)
        return {n: known[n].sample(g, draws, clip=field_range(n)) for n, g in zip(uncertain, gens, strict=True)}
    out: dict[str, np.ndarray] = {}
    rows: list[int] = []
    low: list[float] = []
    width: list[float] = []
    for r, name in enumerate(uncertain):
        q = known[name]
        if q.dist == "uniform" and q.low is not None and q.high is not None and math.isfinite(q.high - q.low):
            rows.append(r)
            low.append(q.low)
            width.append(q.high - q.low)  # the double Generator.uniform computes, then multiplies by
        else:
            out[name] = q.sample(generator_of(states[r]), draws, clip=field_range(name))
    if rows:
        from accord.simulation import _pcg  # numba loads on first use

        u = np.empty((len(rows), draws))
        _pcg.pcg64_doubles(states[rows], u)
        names = [uncertain[r] for r in rows]
        lo, hi = np.array([field_range(n) for n in names]).T
        block = _clip(np.array(low)[:, None] + np.array(width)[:, None] * u, lo[:, None], hi[:, None])
        out.update(zip(names, block, strict=True))
    return out
