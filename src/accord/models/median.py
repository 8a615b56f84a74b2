"""The weighted median ("median voter") model.

Each actor casts ``c·s`` votes on an issue; the forecast is the position that no other beats
in a pairwise vote when every actor prefers what is nearer: the weighted median of positions
(Black, "On the rationale of group decision-making", *J. Political Economy* 56(1), 1948;
Bueno de Mesquita, "Political forecasting: an expected utility method", 1994, who takes the
median voter position as the forecast under majority rule).
"""

from __future__ import annotations

import numpy as np

from accord.models.base import Forecast, Model, effective_salience
from accord.scenario.arrays import StanceArrays


def weighted_median(x: np.ndarray, w: np.ndarray, axis: int = -1) -> np.ndarray:
    """Weighted median of ``x`` along ``axis`` with weights ``w`` (same shape).

    The smallest position at which the cumulative weight reaches half the total (with an exact
    even split, the lower of the two middle positions). In one dimension, with voters who
    prefer what is nearer, no other position beats it in a pairwise vote (Black 1948).
    NaN where all weights are zero."""
    w = np.moveaxis(np.broadcast_to(w, np.shape(x)), axis, -1)
    x = np.moveaxis(x, axis, -1)
    order = np.argsort(x, axis=-1, kind="stable")
    xs = np.take_along_axis(x, order, axis=-1)
    cw = np.cumsum(np.take_along_axis(w, order, axis=-1), axis=-1)
    total = cw[..., -1:]
    # relative tolerance: a cumulative sum that should equal half may round just below it
    k = np.argmax(cw >= 0.5 * total * (1 - 1e-12), axis=-1)
    out = np.take_along_axis(xs, k[..., None], axis=-1)[..., 0]
    return np.where(total[..., 0] > 0, out, np.nan)


def median_position(capability: np.ndarray, position: np.ndarray, salience: np.ndarray) -> np.ndarray:
    """Weighted median per issue with votes ``c·s``.

    Parameters
    ----------
    capability: ``(D, A)``; position, salience: ``(D, A, I)``.

    Returns
    -------
    ``(D, I)``; NaN where no actor has weight on an issue.
    """
    return weighted_median(position, capability[:, :, None] * salience, axis=1)


class MedianModel(Model):
    """Median voter model: the weighted median with votes ``c·s`` (Black 1948; Bueno de Mesquita 1994)."""

    name = "median"
    reference = "Black 1948, J. Political Economy 56(1); Bueno de Mesquita 1994"

    def forecast(self, inputs: StanceArrays) -> Forecast:
        pos = median_position(inputs.capability, inputs.position, effective_salience(inputs))
        return Forecast(position=pos, model=self.name)
