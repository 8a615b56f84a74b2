"""One interface for bargaining models (in the manner of scikit-learn estimators).

Every model takes the same inputs (capabilities, positions and saliences, optionally a status
quo) shaped ``(draws, actors, issues)`` and returns a :class:`Forecast`; a caller can swap one
model for another without changing anything else::

    from accord.models import get_model
    from accord.scenario.arrays import stance_arrays

    inputs = stance_arrays(scenario, draws=1000, rng=rng)
    forecast = get_model("eum", rounds=8).forecast(inputs)
    forecast.position          # (draws, issues)
    forecast.trajectory        # (rounds+1, draws, actors, issues) for iterative models

Raw arrays are wrapped with :func:`stances`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from accord.scenario.arrays import StanceArrays


@dataclass(frozen=True)
class Forecast:
    """What a model predicts.

    Attributes
    ----------
    position: ``(D, I)`` the forecast outcome per draw and issue (NaN where no actor has weight).
    trajectory: ``(rounds+1, D, A, I)`` every actor's position per round (iterative models), else None.
    path: ``(rounds+1, D, I)`` the model's outcome after each round (iterative models), else None.
    model: the model's registry name; options: the options it ran with.
    """

    position: np.ndarray
    model: str
    options: dict[str, Any] = field(default_factory=dict)
    trajectory: np.ndarray | None = None
    path: np.ndarray | None = None

    @property
    def rounds(self) -> int:
        return 0 if self.trajectory is None else int(self.trajectory.shape[0]) - 1


def stances(
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    *,
    status_quo: np.ndarray | None = None,
    has_stance: np.ndarray | None = None,
    actor_ids: tuple[str, ...] | None = None,
    issue_ids: tuple[str, ...] | None = None,
) -> StanceArrays:
    """Wrap raw arrays as model inputs, checking shapes.

    ``capability (D, A)`` or ``(A,)``; ``position``, ``salience (D, A, I)``, or ``(A, I)`` for one
    draw, or ``(A,)`` for one draw of one issue; ``status_quo (D, I)`` or ``(I,)``."""
    x = np.asarray(position, dtype=float)
    if x.ndim == 1:
        x = x[None, :, None]
    elif x.ndim == 2:
        x = x[None]
    if x.ndim != 3:
        raise ValueError(f"position: expected an array shaped (draws, actors, issues), found {x.ndim} dimensions")
    D, A, n_issues = x.shape
    s = np.asarray(salience, dtype=float).reshape(-1, A, n_issues) if np.size(salience) else np.zeros_like(x)
    s = np.broadcast_to(s, x.shape).copy()
    c = np.asarray(capability, dtype=float)
    c = np.broadcast_to(c.reshape(-1, A), (D, A)).copy()
    sq = np.full((D, n_issues), np.nan) if status_quo is None else np.asarray(status_quo, dtype=float)
    sq = np.broadcast_to(sq.reshape(-1, n_issues), (D, n_issues)).copy()
    has = np.ones((A, n_issues), dtype=bool) if has_stance is None else np.asarray(has_stance, dtype=bool)
    for name, arr in (("capability", c), ("salience", s), ("position", x)):
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name}: expected finite numbers, found NaN or infinity")
    if np.any(c < 0):
        raise ValueError("capability: expected numbers >= 0, found a negative one")
    if np.any((s < 0) | (s > 1)):
        raise ValueError("salience: expected numbers between 0 and 1")
    return StanceArrays(
        actor_ids or tuple(f"a{i}" for i in range(A)),
        issue_ids or tuple(f"i{k}" for k in range(n_issues)),
        c,
        x,
        s,
        has,
        sq,
    )


def effective_salience(inputs: StanceArrays) -> np.ndarray:
    """Salience with actors who hold no stance on an issue set to 0 (they carry no weight there)."""
    return np.where(inputs.has_stance[None], inputs.salience, 0.0)


class Model(ABC):
    """A bargaining model: options at construction, inputs at :meth:`forecast`."""

    name: ClassVar[str]
    reference: ClassVar[str]

    @abstractmethod
    def forecast(self, inputs: StanceArrays) -> Forecast:
        """Forecast the outcome per draw and issue."""

    @property
    def options(self) -> dict[str, Any]:
        return {}

    def __repr__(self) -> str:
        opts = ", ".join(f"{k}={v!r}" for k, v in self.options.items())
        return f"{type(self).__name__}({opts})"
