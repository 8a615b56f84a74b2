"""The outlook year by year: what a batch of replays says about each year of a scenario.

For every step: P(fighting at some time in the step), P(fighting begins in it), P(an agreement
of each type is signed in it), P(a ceasefire is in force at its end), and the status quo per
issue (median and a 90% band over the draws). Shares carry Wilson score intervals (Wilson 1927,
:mod:`accord.analysis.estimates`), so a user sees how many runs a number rests on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.analysis.estimates import proportion_ci
from accord.simulation.results import BatchResult

__all__ = ["Share", "YearOutlook", "yearly_outlook"]


@dataclass(frozen=True)
class Share:
    """A share of runs with its Wilson interval and the number of runs."""

    p: float
    low: float
    high: float
    n: int

    def to_dict(self) -> dict[str, float | int]:
        return {"p": self.p, "low": self.low, "high": self.high, "n": self.n}


def share(x: np.ndarray, confidence: float = 0.95) -> Share:
    """The share of true values in ``x`` with its Wilson score interval (:mod:`accord.analysis.estimates`)."""
    e = proportion_ci(np.asarray(x, dtype=float), confidence)
    return Share(e.mean, e.low, e.high, e.n)


@dataclass(frozen=True)
class YearOutlook:
    """One year of the outlook."""

    year: float
    p_fighting: Share
    p_war_onset: Share
    p_agreement: dict[str, Share]
    p_ceasefire_in_force: Share
    status_quo: dict[str, dict[str, float]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "p_fighting": self.p_fighting.p,
            "p_fighting_ci": [self.p_fighting.low, self.p_fighting.high],
            "p_war_onset": self.p_war_onset.p,
            "p_war_onset_ci": [self.p_war_onset.low, self.p_war_onset.high],
            "p_agreement": {k: v.p for k, v in self.p_agreement.items()},
            "p_agreement_ci": {k: [v.low, v.high] for k, v in self.p_agreement.items()},
            "p_ceasefire_in_force": self.p_ceasefire_in_force.p,
            "p_ceasefire_in_force_ci": [self.p_ceasefire_in_force.low, self.p_ceasefire_in_force.high],
            "status_quo": self.status_quo,
            "n": self.p_fighting.n,
        }


def yearly_outlook(batch: BatchResult, confidence: float = 0.95) -> list[YearOutlook]:
    """The outlook per step of a batch (see the module docstring)."""
    out = []
    cf = batch.agreement_types.index("ceasefire")
    for y, year in enumerate(batch.years):
        sq = batch.status_quo_by_year[:, y, :]
        out.append(
            YearOutlook(
                year=float(year),
                p_fighting=share(batch.fighting_by_year[:, y], confidence),
                p_war_onset=share(batch.onset_by_year[:, y], confidence),
                p_agreement={
                    kind: share(batch.signed_by_year[:, y, k], confidence)
                    for k, kind in enumerate(batch.agreement_types)
                },
                p_ceasefire_in_force=share(batch.in_force_by_year[:, y, cf], confidence),
                status_quo={
                    issue: {
                        "median": float(np.median(sq[:, i])),
                        "low": float(np.quantile(sq[:, i], 0.05)),
                        "high": float(np.quantile(sq[:, i], 0.95)),
                    }
                    for i, issue in enumerate(batch.issue_ids)
                },
            )
        )
    return out
