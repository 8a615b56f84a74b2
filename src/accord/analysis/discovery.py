"""Scenario discovery: which ranges of the uncertain inputs lead to agreement, or to war.

Two plain summaries of a sample ``X (n, k)`` of inputs and an outcome ``y (n,)`` in [0, 1]
(a probability per sample point, or 0/1):

- :func:`binned_rates`: for each input, the mean outcome in each quantile bin of that input
  (one bin per level when the design puts the input on a few levels, as Morris does),
  and the spread between the best and worst bin — a one-input-at-a-time view that ranks
  inputs by how much the outcome moves across their range.
- :func:`prim_box`: the Patient Rule Induction Method (Friedman & Fisher, "Bump hunting in
  high-dimensional data", *Statistics and Computing* 9, 1999), as used for scenario discovery
  by Bryant & Lempert ("Thinking inside the box", *Technological Forecasting & Social Change*
  77, 2010): starting from the whole sample, repeatedly peel off the ``alpha`` share of points
  at the low or high end of one input, choosing the peel that most raises the mean outcome in
  what remains, until the box holds ``min_support`` of the points; then a restriction is
  dropped again if lifting it lowers the mean by less than one standard error (peeling on a
  noisy outcome also trims inputs that do not matter). The result is a box — a
  range per input that matters — with its *density* (mean outcome inside) and *coverage*
  (share of all the outcome mass that lies inside).

No decision tree: that would need scikit-learn, and a box is what the literature reports.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class BinnedRates:
    name: str
    edges: list[float]  # bins+1 edges
    rates: list[float]  # mean outcome per bin
    counts: list[int]

    @property
    def spread(self) -> float:
        valid = [r for r, c in zip(self.rates, self.counts, strict=True) if c > 0]
        return max(valid) - min(valid) if valid else 0.0


def binned_rates(X: np.ndarray, y: np.ndarray, names: list[str], bins: int = 4) -> list[BinnedRates]:
    """Mean of ``y`` per quantile bin of each input, inputs ranked by spread (largest first)."""
    out = []
    for j, name in enumerate(names):
        x = X[:, j]
        levels = np.unique(x)
        if len(levels) < 2:
            continue
        if len(levels) <= bins:
            # a design on a grid (Morris levels): one bin per level, edges at the levels
            edges = np.append(levels, levels[-1])
            which = np.searchsorted(levels, x)
        else:
            edges = np.unique(np.quantile(x, np.linspace(0, 1, bins + 1)))
            which = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, len(edges) - 2)
        counts = np.bincount(which, minlength=len(edges) - 1)
        sums = np.bincount(which, weights=y, minlength=len(edges) - 1)
        rates = np.divide(sums, counts, out=np.full(len(counts), np.nan), where=counts > 0)
        out.append(BinnedRates(name, [float(e) for e in edges], [float(r) for r in rates], [int(c) for c in counts]))
    return sorted(out, key=lambda b: -b.spread)


@dataclass(frozen=True)
class Box:
    """A PRIM box: bounds on the inputs it restricts, and how good it is."""

    limits: dict[str, tuple[float, float]]  # only the restricted inputs
    density: float  # mean outcome inside the box
    coverage: float  # share of the total outcome inside the box
    support: float  # share of sample points inside the box
    base_rate: float  # mean outcome over the whole sample


def prim_box(X: np.ndarray, y: np.ndarray, names: list[str], *, alpha: float = 0.1, min_support: float = 0.1) -> Box:
    """Peel a box towards high ``y`` (see the module docstring)."""
    n, k = X.shape
    if n == 0:
        raise ValueError("expected a non-empty sample")
    inside = np.ones(n, dtype=bool)
    lo, hi = X.min(axis=0).astype(float), X.max(axis=0).astype(float)
    g_lo, g_hi = lo.copy(), hi.copy()
    total = float(y.sum())
    while inside.sum() > min_support * n:
        best: tuple[float, np.ndarray, int, str, float] | None = None
        current = float(y[inside].mean())
        for j in range(k):
            xj = X[inside, j]
            for side in ("low", "high"):
                q = float(np.quantile(xj, alpha if side == "low" else 1 - alpha))
                cut = (X[:, j] < q) if side == "low" else (X[:, j] > q)
                if not (cut & inside).any():  # ties: peel the whole tied end
                    cut = (X[:, j] <= q) if side == "low" else (X[:, j] >= q)
                keep = inside & ~cut
                if keep.sum() < min_support * n or keep.sum() == inside.sum():
                    continue
                m = float(y[keep].mean())
                if best is None or m > best[0]:
                    best = (m, keep, j, side, q)
        if best is None or best[0] <= current:
            break
        _, inside, j, side, q = best
        if side == "low":
            lo[j] = float(X[inside, j].min())
        else:
            hi[j] = float(X[inside, j].max())
    # simplify: drop a restriction whose removal lowers the density by less than one standard
    # error — peeling on a noisy outcome also trims inputs that do not matter
    restricted = [j for j in range(k) if lo[j] > g_lo[j] or hi[j] < g_hi[j]]
    changed = True
    while changed and restricted:
        changed = False
        dens = float(y[inside].mean())
        se = float(y[inside].std(ddof=1)) / np.sqrt(max(1, int(inside.sum()) - 1)) if inside.sum() > 1 else 0.0
        for j in list(restricted):
            others = [i for i in restricted if i != j]
            wider = np.all((X[:, others] >= lo[others]) & (X[:, others] <= hi[others]), axis=1)
            if float(y[wider].mean()) >= dens - se:
                restricted.remove(j)
                lo[j], hi[j] = g_lo[j], g_hi[j]
                inside = wider
                changed = True
                break
    limits = {names[j]: (float(lo[j]), float(hi[j])) for j in restricted}
    inside_sum = float(y[inside].sum())
    return Box(
        limits=limits,
        density=float(y[inside].mean()),
        coverage=inside_sum / total if total > 0 else float("nan"),
        support=float(inside.mean()),
        base_rate=float(y.mean()),
    )
