"""The skill of probability forecasts of a yes/no outcome: one implementation for every score.

Both out-of-sample tests of accord use these functions: the cross-validation of the fitted hazards
on the conflict panel (:mod:`accord.analysis.evaluate`) and the backtest of a case year by year
(:mod:`accord.analysis.backtest`).

- **AUC** (discrimination; scikit-learn ``roc_auc_score``), defined only where both classes occur;
- **Brier score** (scikit-learn ``brier_score_loss``) and its **skill** ``1 − Brier / Brier_ref``
  against named reference forecasts (e.g. a base rate, persistence); positive = better than the
  reference, negative = worse, undefined (NaN) where the reference is perfect (Brier 0);
- a **reliability** table: mean prediction against observed rate in bins of equal count;
- **intervals**: percentile intervals from a bootstrap that resamples whole groups (conflicts,
  or years), holding the predictions fixed.

References: Brier 1950, 'Verification of forecasts expressed in terms of probability', *Monthly
Weather Review* 78(1); Murphy 1973, 'A new vector partition of the probability score', *J. Applied
Meteorology* 12(4) (skill scores and reliability); Efron & Tibshirani 1993, *An Introduction to the
Bootstrap* (percentile intervals).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from sklearn.metrics import brier_score_loss, roc_auc_score

__all__ = ["bootstrap_intervals", "both_classes", "point_scores", "reliability", "skill"]


def skill(brier: float, reference: float) -> float:
    """Brier skill ``1 − brier / reference``; NaN where the reference's Brier score is 0."""
    return float(1.0 - brier / reference) if reference > 0 else float("nan")


def both_classes(y: np.ndarray) -> bool:
    """Whether ``y`` holds both outcomes (the AUC is defined only then)."""
    return bool(0 < float(np.sum(y)) < len(y))


def point_scores(y: np.ndarray, p: np.ndarray, references: Mapping[str, np.ndarray]) -> dict[str, float]:
    """``auc``, ``brier``, then ``brier_NAME`` and ``brier_skill_NAME`` for each reference forecast."""
    brier = float(brier_score_loss(y, p))
    ref = {name: float(brier_score_loss(y, r)) for name, r in references.items()}
    out = {"auc": float(roc_auc_score(y, p)) if both_classes(y) else float("nan"), "brier": brier}
    out.update({f"brier_{name}": b for name, b in ref.items()})
    out.update({f"brier_skill_{name}": skill(brier, b) for name, b in ref.items()})
    return out


def bootstrap_intervals(
    y: np.ndarray,
    p: np.ndarray,
    references: Mapping[str, np.ndarray],
    groups: np.ndarray,
    replicates: int,
    seed: int,
) -> tuple[dict[str, list[float]], dict[str, int]]:
    """95% percentile intervals of every :func:`point_scores` metric, resampling groups with
    replacement, and for each metric the number of replicates where it was defined (the AUC is
    not defined in a replicate that drew one class only; those replicates are left out)."""
    ids, inverse = np.unique(groups, return_inverse=True)
    members = [np.flatnonzero(inverse == g) for g in range(ids.size)]
    rng = np.random.default_rng(seed)
    draws: dict[str, list[float]] = {}
    for _ in range(replicates):
        pick = rng.integers(0, ids.size, ids.size)
        idx = np.concatenate([members[g] for g in pick])
        refs = {name: r[idx] for name, r in references.items()}
        for k, v in point_scores(y[idx], p[idx], refs).items():
            draws.setdefault(k, []).append(v)
    intervals: dict[str, list[float]] = {}
    defined: dict[str, int] = {}
    for k, vals in draws.items():
        a = np.asarray(vals, dtype=float)
        a = a[np.isfinite(a)]
        intervals[k] = [float(np.percentile(a, 2.5)), float(np.percentile(a, 97.5))] if a.size else [np.nan, np.nan]
        defined[k] = int(a.size)
    return intervals, defined


def reliability(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict[str, float]]:
    """Mean prediction and observed rate in ``bins`` bins of (about) equal count."""
    order = np.argsort(p, kind="stable")
    out = []
    for chunk in np.array_split(order, min(bins, len(order))):
        if chunk.size:
            out.append({"p_mean": float(p[chunk].mean()), "observed": float(y[chunk].mean()), "n": int(chunk.size)})
    return out
