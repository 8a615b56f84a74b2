"""Out-of-sample skill of the fitted hazards: grouped cross-validation by conflict.

Each hazard's specification (:data:`accord.models.hazards.HAZARDS`) is refitted with one conflict
left out (leave-one-conflict-out; or ``folds`` groups of conflicts for a fast run) and scored on
the left-out conflict's years, so no conflict is ever predicted by a model that saw it. The
pooled out-of-fold predictions are scored by (:mod:`accord.analysis.skill`, the one implementation
of these metrics, which the backtest of a case uses too):

- **AUC** (discrimination; scikit-learn ``roc_auc_score``);
- **Brier score** (scikit-learn ``brier_score_loss``) and its **skill** ``1 − Brier / Brier_ref``
  against two references: the **base rate** (the event rate of the training folds, a constant per
  fold) and **persistence** (last year's state of the outcome: fighting last year for fighting,
  onset and breakdown; an agreement of the type signed last year for the agreement hazards);
  positive skill = better than the reference, negative = worse;
- a **reliability** table (mean prediction vs observed rate in bins of equal count);
- **intervals**: 95% percentile intervals from a bootstrap that resamples whole conflicts
  (clustered by conflict, so a conflict's years stay together), holding the predictions fixed.

Pre-registered before the first cross-validation run (so not chosen after seeing a score):
besides all risk-set rows, every outcome is also scored on the rows with
``years_since_fighting <= 10`` (``recent``), because long-quiet conflicts (e.g. extrasystemic
wars of the 1940s-50s still in the panel in 1990-2020) are easy negatives that flatter the AUC.

References: Brier 1950, *Monthly Weather Review* 78(1); Murphy 1973, *J. Applied Meteorology*
12(4) (skill scores and reliability); Ward, Greenhill & Bakke 2010, 'The perils of policy by
p-value: predicting civil conflicts', *J. Peace Research* 47(4) (out-of-sample evaluation of
conflict models).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold, LeaveOneGroupOut

from accord.analysis.calibration import HazardSample, fit_hazard, hazard_sample
from accord.analysis.skill import bootstrap_intervals, point_scores, reliability
from accord.models.hazards import HAZARDS

__all__ = ["RECENT_YEARS", "OutOfFold", "cross_validate", "evaluate", "reliability", "score"]

RECENT_YEARS = 10


@dataclass(frozen=True)
class OutOfFold:
    """Out-of-fold predictions of one hazard, with its references, aligned with the sample rows."""

    sample: HazardSample
    p: np.ndarray
    base_rate: np.ndarray
    folds: int


def cross_validate(sample: HazardSample, folds: int | None = None) -> OutOfFold:
    """Out-of-fold predictions, leaving one conflict out (``folds=None``) or ``folds`` groups."""
    n_groups = int(np.unique(sample.groups).size)
    splitter: Any = LeaveOneGroupOut() if folds is None else GroupKFold(n_splits=min(folds, n_groups))
    p = np.full(len(sample.y), np.nan)
    base = np.full(len(sample.y), np.nan)
    X = sample.X.to_numpy()
    k = 0
    for train, test in splitter.split(X, sample.y, groups=sample.groups):
        res = fit_hazard(sample.X.iloc[train], sample.y[train])
        with np.errstate(over="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", category=RuntimeWarning)  # exp overflow: p is 0 or 1 there
            p[test] = np.asarray(res.predict(X[test]))
        base[test] = sample.y[train].mean()
        k += 1
    return OutOfFold(sample, p, base, k)


def _references(base: np.ndarray, persist: np.ndarray) -> dict[str, np.ndarray]:
    return {"base_rate": base, "persistence": persist}


def score(oof: OutOfFold, *, bootstrap: int = 1000, seed: int = 0, rows: np.ndarray | None = None) -> dict[str, Any]:
    """Every metric of one hazard's out-of-fold predictions (optionally on a subset of rows)."""
    s = oof.sample
    sel = np.ones(len(s.y), dtype=bool) if rows is None else rows
    y, p, base, persist, groups = s.y[sel], oof.p[sel], oof.base_rate[sel], s.persistence[sel], s.groups[sel]
    refs = _references(base, persist)
    out: dict[str, Any] = point_scores(y, p, refs)
    ci = bootstrap_intervals(y, p, refs, groups, bootstrap, seed)[0] if bootstrap > 0 else {}
    for k in out.copy():
        if k in ci:
            out[f"{k}_ci"] = ci[k]
    out.update(
        n=int(y.size),
        events=int(y.sum()),
        conflicts=int(np.unique(groups).size),
        base_rate=float(y.mean()) if y.size else float("nan"),
        reliability=reliability(y, p),
    )
    return out


def evaluate(
    frame: pd.DataFrame,
    *,
    hazards: Sequence[str] | None = None,
    folds: int | None = None,
    bootstrap: int = 1000,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Cross-validate every hazard on the panel; JSON-ready
    ``{"cv": ..., "outcomes": {name: {auc, auc_ci, brier, brier_base_rate, brier_persistence, n, ...}}}``."""
    names = list(hazards or HAZARDS)
    outcomes: dict[str, Any] = {}
    folds_used = 0
    for name in names:
        outcomes[name] = _evaluate_one(frame, name, folds, bootstrap, seed, progress)
        folds_used = max(folds_used, outcomes[name]["folds"])
    return {
        "cv": "leave-one-conflict-out" if folds is None else f"grouped {folds}-fold by conflict",
        "folds": folds_used,
        "bootstrap": {"replicates": bootstrap, "clustered_by": "conflict", "interval": "95% percentile", "seed": seed},
        "references": {
            "base_rate": "event rate of the training folds",
            "persistence": {n: HAZARDS[n].persistence for n in names},
        },
        "outcomes": outcomes,
    }


def _evaluate_one(
    frame: pd.DataFrame,
    name: str,
    folds: int | None,
    bootstrap: int,
    seed: int,
    progress: Callable[[str], None] | None,
) -> dict[str, Any]:
    """Cross-validate and score one hazard, on all its risk set and on the recent rows."""
    if progress:
        progress(name)
    sample = hazard_sample(frame, name)
    oof = cross_validate(sample, folds)
    result = score(oof, bootstrap=bootstrap, seed=seed)
    recent = sample.years_since_fighting <= RECENT_YEARS
    result["recent"] = {
        "rows": f"years_since_fighting <= {RECENT_YEARS}",
        **score(oof, bootstrap=bootstrap, seed=seed, rows=recent),
    }
    result["folds"] = oof.folds
    return result
