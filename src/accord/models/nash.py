"""The asymmetric Nash bargaining solution over the issue space.

The outcome ``z`` (one point in the issue space, all issues at once) maximizes the weighted
Nash product ``Π_i (u_i(z) - u_i(d))^{α_i}`` over the points that every actor with weight
prefers to the disagreement point ``d`` (Nash, "The bargaining problem", *Econometrica* 18(2),
1950; the asymmetric form: Kalai, "Nonsymmetric Nash solutions and replications of 2-person
bargaining", *Int. J. Game Theory* 6, 1977; Roth, *Axiomatic Models of Bargaining*, 1979).

Utilities are salience-weighted losses over issues: ``u_i(z) = -Σ_k s_ik (z_k - x_ik)²``
(``"quadratic"``, the default) or ``-Σ_k s_ik |z_k - x_ik|`` (``"linear"``). Bargaining
weights ``α_i`` are capabilities by default. The disagreement point is the status quo unless
one is given.

Solving: the log of the Nash product is concave on the feasible set for both utilities, so
projected Newton steps (Bertsekas, "Projected Newton methods for optimization problems with
simple constraints", *SIAM J. Control Optim.* 20(2), 1982) with a backtracking line search,
vectorized over draws, converge to the maximum, falling back to a normalized gradient step
where the Newton step finds no rise. They follow the weights ``α_i + μ`` down to ``μ = 0``
(a continuation, as interior-point methods follow their central path: Boyd & Vandenberghe,
*Convex Optimization*, 2004, ch. 11), so that an actor of small weight does not hold the
iterates at the edge of the feasible set. They start from the best of 50 points on the
segment from ``d`` towards the weighted compromise point, or, where none of those improves on ``d`` for every weighted actor, from the
point found by raising the smallest gain (projected subgradient steps). Where that finds no
point either, the solution is ``d`` itself (no agreement improves on disagreement for all).
The linear loss is smoothed (``sqrt(e² + ε²)``, ``ε`` = 1e-3 of the scale) to have a gradient.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from accord import fpmath as fp
from accord.models.base import Forecast, Model, effective_salience
from accord.scenario.arrays import StanceArrays

Utility = Literal["quadratic", "linear"]


def _loss(e: np.ndarray, utility: Utility, eps: float) -> tuple[np.ndarray, np.ndarray]:
    if utility == "quadratic":
        return e * e, 2.0 * e
    root = np.sqrt(e * e + eps * eps)
    return root, e / root


def _curvature(e: np.ndarray, utility: Utility, eps: float) -> np.ndarray:
    """The loss's second derivative (of ``e² `` or of ``sqrt(e² + ε²)``)."""
    if utility == "quadratic":
        return np.full(e.shape, 2.0)
    root = np.sqrt(e * e + eps * eps)
    out: np.ndarray = (eps * eps) / (root * root * root)
    return out


def nash_log_product(
    z: np.ndarray,
    weights: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    disagreement: np.ndarray,
    utility: Utility = "quadratic",
    eps: float = 0.0,
) -> np.ndarray:
    """``Σ_i α_i log(u_i(z) - u_i(d))`` per draw, ``-inf`` where some weighted actor does not gain.

    ``z, disagreement (D, I)``; ``weights (D, A)``; ``position, salience (D, A, I)``."""
    active = (weights > 0) & (salience.sum(axis=2) > 0)
    lz, _ = _loss(z[:, None, :] - position, utility, eps)
    ld, _ = _loss(disagreement[:, None, :] - position, utility, eps)
    gain = (salience * (ld - lz)).sum(axis=2)
    ok = np.all((gain > 0) | ~active, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(active, weights * fp.log(np.where(gain > 0, gain, 1.0)), 0.0)
    out: np.ndarray = np.where(ok, terms.sum(axis=1), -np.inf)
    return out


def nash_solution(
    weights: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    disagreement: np.ndarray,
    *,
    utility: Utility = "quadratic",
    low: float = 0.0,
    high: float = 100.0,
    iterations: int = 300,
) -> np.ndarray:
    """The asymmetric Nash bargaining solution per draw.

    Parameters
    ----------
    weights: ``(D, A)`` bargaining weights (≥ 0; actors with weight 0 do not count).
    position, salience: ``(D, A, I)``; disagreement: ``(D, I)``, finite.
    utility: ``"quadratic"`` or ``"linear"`` salience-weighted loss.
    low, high: the feasible box of every issue.
    iterations: at most this many Newton steps at the actors' weights (each vectorized over
        draws), after at most 30 at each of the seven weights of the continuation.

    Returns
    -------
    ``(D, I)`` the point maximizing the weighted Nash product (``d`` where nothing improves on it).
    """
    if utility not in ("quadratic", "linear"):
        raise ValueError(f"utility: expected quadratic or linear, found {utility!r}")
    d = np.asarray(disagreement, dtype=float)
    if not np.all(np.isfinite(d)):
        raise ValueError("disagreement: expected a finite point on every issue (a status quo or a given point)")
    a = np.asarray(weights, dtype=float)
    x = np.asarray(position, dtype=float)
    s = np.asarray(salience, dtype=float)
    D = x.shape[0]
    scale = max(high - low, 1e-12)
    eps = 1e-3 * scale if utility == "linear" else 0.0
    total = a.sum(axis=1, keepdims=True)
    alpha = np.where(total > 0, a / np.where(total > 0, total, 1.0), 0.0)
    active = (alpha > 0) & (s.sum(axis=2) > 0)
    ld, _ = _loss(d[:, None, :] - x, utility, eps)  # each actor's losses at disagreement, per issue

    def objective(z: np.ndarray) -> np.ndarray:
        return nash_log_product(z, alpha, x, s, d, utility, eps)

    # start: the best point on the segment from d towards the weighted compromise point
    w = alpha[:, :, None] * s
    wsum = w.sum(axis=1)
    m = np.where(wsum > 0, (w * x).sum(axis=1) / np.where(wsum > 0, wsum, 1.0), d)
    ts = np.linspace(0.02, 1.0, 50)
    best_z = d.copy()
    best_f = np.full(D, -np.inf)
    for t in ts:  # 50 fixed candidates, each vectorized over draws
        z = d + t * (m - d)
        f = objective(z)
        better = f > best_f
        best_z = np.where(better[:, None], z, best_z)
        best_f = np.where(better, f, best_f)
    feasible = np.isfinite(best_f)
    if not feasible.all():
        # The segment missed the feasible set (it can be a thin lens off that line): search for a
        # point every weighted actor prefers to d by maximizing the smallest gain, a concave
        # problem, with projected subgradient steps along the least-served actor's gradient.
        z = d.copy()
        for k in range(200):
            lz, dlz = _loss(z[:, None, :] - x, utility, eps)
            gain = np.where(active, (s * (ld - lz)).sum(axis=2), np.inf)
            worst = np.argmin(gain, axis=1)
            g = -np.take_along_axis(s * dlz, worst[:, None, None], axis=1)[:, 0, :]
            norm = np.linalg.norm(g, axis=1, keepdims=True)
            z = np.clip(z + (0.25 * scale / (k + 1)) * g / np.where(norm > 0, norm, 1.0), low, high)
            f = objective(z)
            better = (f > best_f) & ~feasible
            best_z = np.where(better[:, None], z, best_z)
            best_f = np.where(better, f, best_f)
        feasible = np.isfinite(best_f)

    def newton_direction(r: np.ndarray, z: np.ndarray, wt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The gradient and the projected Newton direction of ``Σ wt_i log gain_i`` in the draws
        ``r`` (Bertsekas 1982): an issue at a bound whose gradient points out of the box is held
        there."""
        xr, sr = x[r], s[r]
        e = z[:, None, :] - xr
        lz, dlz = _loss(e, utility, eps)
        gain = (sr * (ld[r] - lz)).sum(axis=2)
        ok = active[r] & (gain > 0)
        g_i = np.where(gain > 0, gain, 1.0)
        sd = sr * dlz  # minus each actor's gradient of its gain
        idx = np.arange(z.shape[1])
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # a gain near 0: handled below
            coef = np.where(ok, wt / g_i, 0.0)
            grad: np.ndarray = -(coef[:, :, None] * sd).sum(axis=1)
            # the Hessian: each actor's (concave) gain's curvature, and minus the outer products of
            # the gains' gradients; negative definite where the weighted actors care about an issue
            hess = -np.einsum("da,dai,daj->dij", np.where(ok, wt / (g_i * g_i), 0.0), sd, sd)
            diag = (coef[:, :, None] * sr * _curvature(e, utility, eps)).sum(axis=1)
            hess[:, idx, idx] -= diag
        held = ((z <= low) & (grad < 0)) | ((z >= high) & (grad > 0))
        free = ~held
        both = free[:, :, None] & free[:, None, :]
        neg = np.where(both, -hess, 0.0)
        ridge = 1e-9 * np.abs(neg[:, idx, idx]).max(axis=1, initial=0.0) + 1e-300
        neg[:, idx, idx] = np.where(free, neg[:, idx, idx] + ridge[:, None], 1.0)
        neg[~np.isfinite(neg).all(axis=(1, 2))] = np.eye(z.shape[1])  # there: a gradient step
        gfree = np.where(free, np.nan_to_num(grad, nan=0.0), 0.0)
        try:
            with np.errstate(all="ignore"):
                step = np.linalg.solve(neg, gfree[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:
            step = gfree
        step = np.where(np.isfinite(step).all(axis=1, keepdims=True), step, gfree)
        return grad, step

    def line_search(
        r: np.ndarray, z: np.ndarray, f: np.ndarray, direction: np.ndarray, first: np.ndarray, wt: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """In the draws ``r`` (``z``, ``f``, ... their rows, ``z`` and ``f`` updated in place),
        halve the step from ``first`` until ``Σ wt_i log gain_i`` rises (at most 50 times)."""
        moved = np.zeros(r.size, dtype=bool)
        t = first.copy()
        for _ in range(50):
            p = np.flatnonzero(~moved)
            if p.size == 0:
                break
            cand = np.clip(z[p] + t[p, None] * direction[p], low, high)
            fc = nash_log_product(cand, wt[p], x[r[p]], s[r[p]], d[r[p]], utility, eps)
            up = fc > f[p]
            q = p[up]
            z[q], f[q], moved[q] = cand[up], fc[up], True
            t[p[~up]] *= 0.5
        return z, f, moved, t

    def ascend(z: np.ndarray, wt: np.ndarray, steps: int) -> np.ndarray:
        """Projected Newton steps on ``Σ wt_i log gain_i`` with a backtracking line search; where
        the Newton direction finds no rise (rounding near a kink of the smoothed linear loss), a
        normalized gradient step. Each step works on the draws not yet done."""
        z = z.copy()
        f = nash_log_product(z, wt, x, s, d, utility, eps)
        todo = feasible.copy()
        gstep = np.full(D, 0.05 * scale)
        for _ in range(steps):
            r = np.flatnonzero(todo)
            if r.size == 0:
                break
            zr, fr, wr = z[r], f[r], wt[r]
            before = fr.copy()
            grad, newton = newton_direction(r, zr, wr)
            zr, fr, moved, _ = line_search(r, zr, fr, newton, np.ones(r.size), wr)
            stuck = np.flatnonzero(~moved)
            if stuck.size:
                g = grad[stuck]
                with np.errstate(over="ignore", invalid="ignore"):  # a huge gradient: no step taken
                    norm = np.linalg.norm(g, axis=1)
                    unit = g / np.where(norm > 0, norm, 1.0)[:, None]
                rs = r[stuck]
                zs, fs, moved_g, t = line_search(rs, zr[stuck], fr[stuck], unit, gstep[rs], wr[stuck])
                zr[stuck], fr[stuck], moved[stuck] = zs, fs, moved_g
                gstep[rs] = np.where(moved_g, np.minimum(t * 2.0, 0.05 * scale), gstep[rs])
            z[r], f[r] = zr, fr
            # done where nothing rose, or a rise within rounding of the log product
            todo[r] = moved & (fr - before > 1e-13 * np.maximum(1.0, np.abs(fr)))
        return z

    # A weight continuation, as interior-point methods follow their central path: the weights
    # α_i + μ (μ = 1, 0.1, ..., 1e-6, then 0) keep a point away from the edge of the feasible
    # set where an actor of small weight gains almost nothing, along which Newton steps from the
    # edge crawl; each stage starts from the last one's point (all are feasible: the same set).
    z = best_z
    for mu in (1.0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6):
        z = ascend(z, np.where(active, alpha + mu, 0.0), 30)
    z = ascend(z, alpha, iterations)
    out: np.ndarray = np.where(feasible[:, None], z, d)
    return out


class NashModel(Model):
    """Asymmetric Nash bargaining solution with a disagreement point (Nash 1950; Kalai 1977).

    Parameters
    ----------
    utility: ``"quadratic"`` (default) or ``"linear"`` salience-weighted loss.
    weights: bargaining weights per actor ``(A,)`` or ``(D, A)``; default: capabilities.
    disagreement: ``(I,)`` or ``(D, I)``; default: the status quo of each issue.
    low, high: the issue scale (0-100 in scenarios).
    """

    name = "nash"
    reference = "Nash 1950, Econometrica 18(2); Kalai 1977, Int. J. Game Theory 6"

    def __init__(
        self,
        utility: Utility = "quadratic",
        weights: np.ndarray | None = None,
        disagreement: np.ndarray | None = None,
        low: float = 0.0,
        high: float = 100.0,
        iterations: int = 300,
    ) -> None:
        if utility not in ("quadratic", "linear"):
            raise ValueError(f"nash utility: expected quadratic or linear, found {utility!r}")
        self.utility: Utility = utility
        self.weights = weights
        self.disagreement = disagreement
        self.low, self.high, self.iterations = low, high, iterations

    @property
    def options(self) -> dict[str, Any]:
        return {"utility": self.utility, "low": self.low, "high": self.high}

    def forecast(self, inputs: StanceArrays) -> Forecast:
        D, A, n_issues = inputs.position.shape
        if self.disagreement is not None:
            d = np.broadcast_to(np.asarray(self.disagreement, dtype=float).reshape(-1, n_issues), (D, n_issues))
        else:
            d = inputs.status_quo
            missing = [inputs.issue_ids[k] for k in range(n_issues) if np.isnan(d[:, k]).any()]
            if missing:
                raise ValueError(
                    "nash: expected a disagreement point, found no status quo for issue(s) "
                    + ", ".join(missing)
                    + " (give status_quo in the scenario or a disagreement point)"
                )
        a = inputs.capability if self.weights is None else np.asarray(self.weights, dtype=float)
        a = np.broadcast_to(a.reshape(-1, A), (D, A))
        pos = nash_solution(
            a,
            inputs.position,
            effective_salience(inputs),
            d,
            utility=self.utility,
            low=self.low,
            high=self.high,
            iterations=self.iterations,
        )
        return Forecast(position=pos, model=self.name, options=self.options)
