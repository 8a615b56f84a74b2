"""What a report shows beyond the comparison itself, computed from the engine's ``BatchResult``:
bands per year, a rank-correlation screening, and the actors × issues input table.

The format comparison is :func:`accord.analysis.compare.summarize_formats`, the same numbers
``accord compare`` prints; intervals for shares are :func:`accord.analysis.estimates.wilson_interval`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accord.analysis.estimates import wilson_interval
from accord.scenario import Scenario


@dataclass(frozen=True)
class Band:
    """A probability per year with its 95% Wilson interval (Monte Carlo uncertainty)."""

    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray


def band(flags: np.ndarray) -> Band:
    """``flags`` is ``(draws, years)`` bool: the share of draws per year and its interval."""
    n = int(flags.shape[0])
    k = flags.sum(axis=0)
    low, high = wilson_interval(k, n)
    mean = k / n if n else np.full(k.shape, np.nan)
    return Band(np.asarray(mean, dtype=float), low, high)


@dataclass(frozen=True)
class SensitivityRow:
    input: str
    score: float
    uncertainty: float  # a p-value or a confidence half-width, as :attr:`Sensitivity.uncertainty` says


@dataclass
class Sensitivity:
    """Inputs ranked by how strongly they move an outcome.

    ``noise_floor``: the score an input that does nothing gets at this sample size (Morris'
    dummy factor); inputs at or below it cannot be told apart from noise."""

    outcome: str
    method: str
    rows: list[SensitivityRow] = field(default_factory=list)
    uncertainty: str = "p-value"
    noise_floor: float | None = None
    design: str = ""  # the n behind the scores, in words
    noise_rule: str = ""  # how the noise floor was set, in words

    def above_noise(self) -> list[SensitivityRow]:
        """The rows whose score stands above the noise floor (all of them when none is known)."""
        if self.noise_floor is None or not np.isfinite(self.noise_floor):
            return list(self.rows)
        return [r for r in self.rows if abs(r.score) > self.noise_floor]


def rank_sensitivity(inputs: Mapping[str, np.ndarray], outcome: np.ndarray, outcome_name: str) -> Sensitivity:
    """Rank uncertain inputs by Spearman's rank correlation with an outcome over the draws.

    A screening measure (monotone association, one input at a time); inputs that do not vary
    are left out. Sorted by absolute correlation, largest first. The noise floor is the |ρ| that
    the largest of as many inputs that do nothing would exceed with probability 5%
    (Bonferroni over the inputs, ρ ≈ normal with variance 1/(n − 1) under no association)."""
    from scipy import stats

    y = np.asarray(outcome, dtype=float)
    rows = []
    if np.ptp(y) > 0:
        for name, x in inputs.items():
            xv = np.asarray(x, dtype=float)
            if xv.shape != y.shape or np.ptp(xv) == 0:
                continue
            res = stats.spearmanr(xv, y)
            rho = float(res.statistic)
            if np.isnan(rho):
                continue
            rows.append(SensitivityRow(name, rho, float(res.pvalue)))
    rows.sort(key=lambda r: (-abs(r.score), r.input))
    n = int(y.size)
    floor = None
    if rows and n > 3:
        floor = float(stats.norm.ppf(1 - 0.05 / (2 * len(rows))) / np.sqrt(n - 1))
    return Sensitivity(
        outcome_name,
        "Spearman rank correlation over draws",
        rows,
        noise_floor=floor,
        design=f"{len(rows)} inputs over {n} draws",
        noise_rule="the |ρ| the largest of as many inputs without effect would pass in 5% of sweeps",
    )


def actor_issue_table(scenario: Scenario) -> list[dict[str, Any]]:
    """Rows of the actors x issues input table: nominal position / salience, capability, provenance."""
    from accord.scenario.schema import Series

    out = []
    for a in scenario.actors:
        if not a.positions and a.capability is None:
            continue
        cells = {}
        for i in scenario.issue_ids:
            if i in a.positions:
                p, s = a.positions[i], a.salience[i]
                cells[i] = {
                    "position": p.nominal,
                    "salience": s.nominal,
                    "uncertain": p.is_uncertain or s.is_uncertain,
                    "position_uncertain": p.is_uncertain,
                    "salience_uncertain": s.is_uncertain,
                    "cites": sorted({x for x in (p.source, p.assumption, s.source, s.assumption) if x}),
                }
        if isinstance(a.capability, Series):
            years = list(a.capability.series)
            cap = f"series {years[0]}–{years[-1]}" + (f" ×{a.capability.scale:g}" if a.capability.scale != 1 else "")
        elif a.capability is not None:
            cap = f"{a.capability.nominal:g}" + (" ~" if a.capability.is_uncertain else "")
        else:
            cap = "–"
        out.append({"id": a.id, "name": a.name, "kind": a.kind, "roles": a.roles, "capability": cap, "cells": cells})
    return out
