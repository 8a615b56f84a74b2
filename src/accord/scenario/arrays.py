"""A scenario's numbers as arrays shaped ``(draws, actors, issues)`` for the vectorized kernels."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.scenario.quantity import Quantity
from accord.scenario.schema import Scenario, Series, date_to_year


@dataclass(frozen=True)
class StanceArrays:
    """Actors' capabilities, positions and saliences at one date, for ``D`` draws.

    Attributes
    ----------
    actor_ids, issue_ids:
        Labels of axis 1 and axis 2.
    capability: ``(D, A)``
    position: ``(D, A, I)`` on the 0-100 scale (0 where an actor has no stance).
    salience: ``(D, A, I)`` in 0-1 (0 where an actor has no stance).
    has_stance: ``(A, I)`` whether the actor holds a position on the issue at all.
    status_quo: ``(D, I)``; NaN where the scenario gives none.
    """

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    capability: np.ndarray
    position: np.ndarray
    salience: np.ndarray
    has_stance: np.ndarray
    status_quo: np.ndarray

    @property
    def draws(self) -> int:
        return int(self.position.shape[0])


def _draw(q: Quantity, rng: np.random.Generator | None, draws: int, clip: tuple[float, float]) -> np.ndarray:
    if rng is None or not q.is_uncertain:
        return np.full(draws, q.nominal)
    return q.sample(rng, draws, clip=clip)


def stance_arrays(
    scenario: Scenario,
    *,
    year: float | None = None,
    draws: int = 1,
    rng: np.random.Generator | None = None,
    actors: list[str] | None = None,
) -> StanceArrays:
    """Compile positions, saliences and capabilities.

    With ``rng=None`` every draw takes the nominal values; with a Generator, uncertain
    numbers are sampled independently per draw (in a fixed order, so a seed reproduces).
    ``year`` picks capability from yearly series (default: the scenario's start).
    ``actors`` restricts and orders the actor axis (default: every actor with a stance).
    """
    when = date_to_year(scenario.meta.start) if year is None else year
    chosen = [scenario.actor(a) for a in actors] if actors is not None else [a for a in scenario.actors if a.positions]
    issue_ids = tuple(scenario.issue_ids)
    A, n_issues = len(chosen), len(issue_ids)
    cap = np.zeros((draws, A))
    pos = np.zeros((draws, A, n_issues))
    sal = np.zeros((draws, A, n_issues))
    has = np.zeros((A, n_issues), dtype=bool)
    for a, actor in enumerate(chosen):
        c = actor.capability
        if isinstance(c, Series):
            cap[:, a] = c.at(when)
        elif c is not None:
            cap[:, a] = _draw(c, rng, draws, (0.0, np.inf))
        for i, issue_id in enumerate(issue_ids):
            if issue_id in actor.positions:
                has[a, i] = True
                pos[:, a, i] = _draw(actor.positions[issue_id], rng, draws, (0.0, 100.0))
                sal[:, a, i] = _draw(actor.salience[issue_id], rng, draws, (0.0, 1.0))
    sq = np.full((draws, n_issues), np.nan)
    for i, issue in enumerate(scenario.issues):
        if issue.status_quo is not None:
            sq[:, i] = _draw(issue.status_quo, rng, draws, (0.0, 100.0))
    return StanceArrays(tuple(a.id for a in chosen), issue_ids, cap, pos, sal, has, sq)
