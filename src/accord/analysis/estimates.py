"""Estimates with intervals: a mean (normal approximation) and a share (Wilson score interval).

The Wilson interval (Wilson 1927, 'Probable inference, the law of succession, and statistical
inference', *JASA* 22) is statsmodels' ``proportion_confint(method="wilson")``; it stays within
[0, 1] and is sound near 0 and 1, where mediation outcomes often lie. This is the only place an
interval for a share is computed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["Estimate", "mean_ci", "proportion_ci", "wilson_interval"]


@dataclass(frozen=True)
class Estimate:
    """A mean with a confidence interval and the number of observations behind it."""

    mean: float
    low: float
    high: float
    n: int

    @property
    def excludes_zero(self) -> bool:
        return self.n > 1 and (self.low > 0 or self.high < 0)

    def to_dict(self) -> dict[str, float | int | None]:
        def clean(x: float) -> float | None:
            return None if math.isnan(x) else float(x)

        return {"mean": clean(self.mean), "low": clean(self.low), "high": clean(self.high), "n": self.n}


def _z(confidence: float) -> float:
    from scipy import stats

    return float(stats.norm.ppf(0.5 + confidence / 2))


def mean_ci(x: np.ndarray, confidence: float) -> Estimate:
    """Normal-approximation interval for the mean of ``x`` (NaN bounds below two observations)."""
    x = np.asarray(x, dtype=float)
    n = int(x.size)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    m = float(x.mean())
    if n < 2:
        return Estimate(m, math.nan, math.nan, n)
    half = _z(confidence) * float(x.std(ddof=1)) / math.sqrt(n)
    return Estimate(m, m - half, m + half, n)


def wilson_interval(successes: np.ndarray, n: int, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of ``successes`` out of ``n`` (vectorized over ``successes``); NaN for n = 0."""
    k = np.asarray(successes, dtype=float)
    if n <= 0:
        nan = np.full_like(k, np.nan)
        return nan, nan
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(k, n, alpha=1.0 - confidence, method="wilson")
    # the interval ends exactly at 0 for no successes and at 1 for all (statsmodels leaves ~1e-17)
    low = np.where(k <= 0, 0.0, np.clip(np.asarray(low, dtype=float), 0.0, 1.0))
    high = np.where(k >= n, 1.0, np.clip(np.asarray(high, dtype=float), 0.0, 1.0))
    return low, high


def proportion_ci(x: np.ndarray, confidence: float) -> Estimate:
    """The share of 1s among 0/1 outcomes ``x`` with its Wilson score interval."""
    x = np.asarray(x, dtype=float)
    n = int(x.size)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    k = float(x.sum())
    low, high = wilson_interval(np.array(k), n, confidence)
    return Estimate(k / n, float(low), float(high), n)
