"""The compromise model: the capability- and salience-weighted mean of positions.

Reference: Thomson, Stokman, Achen & König (eds.), *The European Union Decides*, Cambridge
University Press, 2006 (chapter 8: the compromise model predicts EU outcomes as well as any).
"""

from __future__ import annotations

import numpy as np

from accord.models.base import Forecast, Model, effective_salience
from accord.scenario.arrays import StanceArrays


def compromise_position(capability: np.ndarray, position: np.ndarray, salience: np.ndarray) -> np.ndarray:
    """Outcome per issue ``Σ c·s·x / Σ c·s``.

    Parameters
    ----------
    capability: ``(D, A)``; position, salience: ``(D, A, I)``.

    Returns
    -------
    ``(D, I)``; NaN on an issue where no actor has weight.
    """
    w = capability[:, :, None] * salience
    total = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (w * position).sum(axis=1) / total
    return np.where(total > 0, out, np.nan)


class CompromiseModel(Model):
    """The compromise model: outcome per issue ``Σ c·s·x / Σ c·s`` (Thomson et al. 2006, ch. 8).

    Actors without a stance on an issue carry no weight there."""

    name = "compromise"
    reference = "Thomson, Stokman, Achen & König (eds.), The European Union Decides, CUP 2006"

    def forecast(self, inputs: StanceArrays) -> Forecast:
        pos = compromise_position(inputs.capability, inputs.position, effective_salience(inputs))
        return Forecast(position=pos, model=self.name)
