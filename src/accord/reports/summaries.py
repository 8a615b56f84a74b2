"""What a report shows, computed from replays and sweeps (the engine's ``Replay`` and ``BatchResult``).

The report layer reads results through the small protocols below, so it works the same on
results computed now and on results read back from a run directory.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from scipy import stats

from accord.scenario import Scenario


class BatchLike(Protocol):
    """A batch of replays over draws (see ``accord.simulation.run_batch``); only the fields read here."""

    @property
    def years(self) -> np.ndarray: ...

    @property
    def actor_ids(self) -> Sequence[str]: ...

    @property
    def issue_ids(self) -> Sequence[str]: ...

    @property
    def inputs(self) -> Mapping[str, np.ndarray]: ...

    @property
    def agreement(self) -> np.ndarray: ...

    @property
    def wars(self) -> np.ndarray: ...

    @property
    def agreement_by_year(self) -> np.ndarray: ...

    @property
    def war_by_year(self) -> np.ndarray: ...

    @property
    def vetoes(self) -> np.ndarray: ...


def wilson_interval(successes: np.ndarray, n: int, z: float = 1.959964) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a binomial proportion (Wilson 1927, *JASA* 22:209), vectorized.

    Better than the normal approximation near 0 and 1, where mediation outcomes often lie."""
    k = np.asarray(successes, dtype=float)
    if n <= 0:
        nan = np.full_like(k, np.nan)
        return nan, nan
    p = k / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


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
class FormatRow:
    """One row of the format comparison."""

    format: str
    draws: int
    p_agreement: float
    p_agreement_ci: tuple[float, float]
    p_war: float
    p_war_ci: tuple[float, float]
    median_agreement_year: float | None
    mean_vetoes: float
    # paired with the first format on the same draws (common random numbers): mean and 95% CI
    d_agreement: tuple[float, float, float] | None = None
    d_war: tuple[float, float, float] | None = None


def _paired(x: np.ndarray, base: np.ndarray) -> tuple[float, float, float] | None:
    from accord.analysis.compare import mean_ci

    if x.shape != base.shape or x.size < 2:
        return None
    e = mean_ci(x.astype(float) - base.astype(float), 0.95)
    return (e.mean, e.low, e.high)


def compare_formats(batches: Mapping[str, BatchLike]) -> list[FormatRow]:
    """P(agreement) and P(war) by the end, per format, with 95% Wilson intervals, and the paired
    difference from the first format (same draws, so the difference is estimated draw by draw)."""
    rows = []
    base = next(iter(batches.values()), None)
    for k, (name, b) in enumerate(batches.items()):
        n = int(b.agreement.shape[0])
        k_agree = int(np.sum(b.agreement))
        k_war = int(np.sum(np.asarray(b.wars) > 0))
        lo_a, hi_a = wilson_interval(np.array(k_agree), n)
        lo_w, hi_w = wilson_interval(np.array(k_war), n)
        years = np.asarray(getattr(b, "agreement_year", np.full(n, np.nan)), dtype=float)
        reached = years[~np.isnan(years)]
        rows.append(
            FormatRow(
                format=name,
                draws=n,
                p_agreement=k_agree / n if n else float("nan"),
                p_agreement_ci=(float(lo_a), float(hi_a)),
                p_war=k_war / n if n else float("nan"),
                p_war_ci=(float(lo_w), float(hi_w)),
                median_agreement_year=float(np.median(reached)) if reached.size else None,
                mean_vetoes=float(np.asarray(b.vetoes).sum(axis=(1, 2)).mean()) if n else float("nan"),
                d_agreement=None
                if k == 0 or base is None
                else _paired(np.asarray(b.agreement), np.asarray(base.agreement)),
                d_war=None if k == 0 or base is None else _paired(np.asarray(b.wars) > 0, np.asarray(base.wars) > 0),
            )
        )
    return rows


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


def rank_sensitivity(inputs: Mapping[str, np.ndarray], outcome: np.ndarray, outcome_name: str) -> Sensitivity:
    """Rank uncertain inputs by Spearman's rank correlation with an outcome over the draws.

    A screening measure (monotone association, one input at a time); inputs that do not vary
    are left out. Sorted by absolute correlation, largest first."""
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
    return Sensitivity(outcome_name, "Spearman rank correlation over draws", rows)


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
