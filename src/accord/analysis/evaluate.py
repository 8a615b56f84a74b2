"""Out-of-sample skill of the fitted hazards: grouped cross-validation by conflict.

Each hazard's specification (:data:`accord.models.hazards.HAZARDS`) is refitted with one conflict
left out (leave-one-conflict-out; or ``folds`` groups of conflicts for a fast run) and scored on
the left-out conflict's years, so no conflict is ever predicted by a model that saw it. The
pooled out-of-fold predictions are scored by:

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
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import GroupKFold, LeaveOneGroupOut

from accord.analysis.calibration import HazardSample, fit_hazard, hazard_sample
from accord.models.hazards import HAZARDS

__all__ = ["RECENT_YEARS", "OutOfFold", "cross_validate", "evaluate", "score"]

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


def _skill(brier: float, ref: float) -> float:
    return float(1.0 - brier / ref) if ref > 0 else float("nan")


def _point(y: np.ndarray, p: np.ndarray, base: np.ndarray, persist: np.ndarray) -> dict[str, float]:
    both = 0 < y.sum() < len(y)
    brier = float(brier_score_loss(y, p))
    b_base = float(brier_score_loss(y, base))
    b_pers = float(brier_score_loss(y, persist))
    return {
        "auc": float(roc_auc_score(y, p)) if both else float("nan"),
        "brier": brier,
        "brier_base_rate": b_base,
        "brier_persistence": b_pers,
        "brier_skill_base_rate": _skill(brier, b_base),
        "brier_skill_persistence": _skill(brier, b_pers),
    }


def _bootstrap(
    y: np.ndarray, p: np.ndarray, base: np.ndarray, persist: np.ndarray, groups: np.ndarray, reps: int, seed: int
) -> dict[str, list[float]]:
    """95% percentile intervals of every point metric, resampling conflicts with replacement."""
    ids, inverse = np.unique(groups, return_inverse=True)
    members = [np.flatnonzero(inverse == g) for g in range(ids.size)]
    rng = np.random.default_rng(seed)
    draws: dict[str, list[float]] = {}
    for _ in range(reps):
        pick = rng.integers(0, ids.size, ids.size)
        idx = np.concatenate([members[g] for g in pick])
        for k, v in _point(y[idx], p[idx], base[idx], persist[idx]).items():
            draws.setdefault(k, []).append(v)
    out: dict[str, list[float]] = {}
    for k, vals in draws.items():
        a = np.asarray(vals, dtype=float)
        a = a[np.isfinite(a)]
        out[k] = [float(np.percentile(a, 2.5)), float(np.percentile(a, 97.5))] if a.size else [np.nan, np.nan]
    return out


def reliability(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict[str, float]]:
    """Mean prediction and observed rate in ``bins`` bins of (about) equal count."""
    order = np.argsort(p, kind="stable")
    out = []
    for chunk in np.array_split(order, min(bins, len(order))):
        if chunk.size:
            out.append({"p_mean": float(p[chunk].mean()), "observed": float(y[chunk].mean()), "n": int(chunk.size)})
    return out


def score(oof: OutOfFold, *, bootstrap: int = 1000, seed: int = 0, rows: np.ndarray | None = None) -> dict[str, Any]:
    """Every metric of one hazard's out-of-fold predictions (optionally on a subset of rows)."""
    s = oof.sample
    sel = np.ones(len(s.y), dtype=bool) if rows is None else rows
    y, p, base, persist, groups = s.y[sel], oof.p[sel], oof.base_rate[sel], s.persistence[sel], s.groups[sel]
    out: dict[str, Any] = _point(y, p, base, persist)
    ci = _bootstrap(y, p, base, persist, groups, bootstrap, seed) if bootstrap > 0 else {}
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
