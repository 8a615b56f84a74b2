"""Is an outcome a knife-edge? P(agreement of each type by a year) along a grid of one input.

For each named input (an engine parameter such as ``ratification_noise``, or a scenario number
such as ``actors.ARM.domestic.removal_risk``), the input is fixed at each point of an even grid
over its range while every other input is drawn as usual, with the same seed at every point
(common random numbers), and the share of runs with an agreement of each type signed by
``year`` is recorded. A result that comes from a mechanism changes smoothly along such a grid;
one that hangs on a parameter jumps. :func:`largest_jump` is the largest change between
neighbouring grid points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from accord.scenario import Scenario
from accord.scenario.parameters import PARAMETERS
from accord.simulation import run_batch
from accord.simulation.history import History
from accord.simulation.inputs import all_inputs, field_range

__all__ = ["DOMESTIC_PARAMETERS", "Curve", "domestic_inputs", "grid_range", "largest_jump", "robustness_curves"]

DOMESTIC_PARAMETERS = ("ratification_noise", "audience_cost_default", "removal_risk_default", "leak_effect")
"""Engine parameters of the two-level game."""


@dataclass
class Curve:
    """``shares[type]`` at each grid point ``x`` of one input."""

    name: str
    x: np.ndarray
    shares: dict[str, np.ndarray] = field(default_factory=dict)

    def largest_jump(self) -> tuple[float, str]:
        return largest_jump(self)


def largest_jump(curve: Curve) -> tuple[float, str]:
    """The largest change of any type's share between neighbouring grid points, and the type."""
    best, kind = 0.0, ""
    for k, y in curve.shares.items():
        if y.size > 1:
            j = float(np.abs(np.diff(y)).max())
            if j > best:
                best, kind = j, k
    return best, kind


def domestic_inputs(scenario: Scenario) -> list[str]:
    """Every domestic-politics input of a scenario: the engine's two-level-game parameters and each
    actor's pivot positions, removal risk and audience cost."""
    names = [f"parameters.{p}" for p in DOMESTIC_PARAMETERS]
    for name in all_inputs(scenario):
        parts = name.split(".")
        if parts[0] == "actors" and len(parts) >= 4 and parts[2] == "domestic":
            names.append(name)
    return names


def grid_range(scenario: Scenario, name: str) -> tuple[float, float]:
    """The range a grid spans: a scenario number's declared bounds (its distribution's), else the
    parameter's declared range narrowed to [default / 2, default · 2] where that is finite."""
    q = all_inputs(scenario).get(name)
    if q is not None and q.is_uncertain:
        lo, hi = q.bounds()
        f_lo, f_hi = field_range(name)
        return max(lo, f_lo), min(hi, f_hi)
    if name.startswith("parameters."):
        spec = PARAMETERS[name.split(".", 1)[1]]
        lo, hi, default = spec.low, spec.high, spec.default
        if q is not None:
            default = q.nominal
        a, b = (default / 2.0, default * 2.0) if default > 0 else (lo, hi)
        return max(lo, a), min(hi, b)
    f_lo, f_hi = field_range(name)
    nominal = q.nominal if q is not None else 0.0
    span = 0.2 * (f_hi - f_lo) if math.isfinite(f_hi - f_lo) else max(abs(nominal), 1.0)
    return max(f_lo, nominal - span), min(f_hi, nominal + span)


def robustness_curves(
    scenario: Scenario,
    names: list[str],
    *,
    points: int,
    runs: int,
    year: float,
    seed: int = 0,
    format: str | None = None,
    history: History | str = "imposed",
) -> list[Curve]:
    """One :class:`Curve` per input over ``points`` grid points, ``runs`` draws each."""
    curves = []
    for name in names:
        lo, hi = grid_range(scenario, name)
        xs = np.linspace(lo, hi, points)
        curve = Curve(name, xs)
        per_point: dict[str, list[float]] = {}
        for x in xs:
            b = run_batch(
                scenario, format=format, draws=runs, seed=seed, overrides={name: np.full(runs, x)}, history=history
            )
            col = int(np.searchsorted(b.years, year, side="right")) - 1
            for kind in b.agreement_types:
                per_point.setdefault(kind, []).append(float(b.signed_by(kind)[:, max(col, 0)].mean()))
        curve.shares = {k: np.array(v) for k, v in per_point.items()}
        curves.append(curve)
    return curves
