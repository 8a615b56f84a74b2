"""Bargaining models: forecast outcomes from capabilities, positions and saliences.

All models share one interface (:class:`~accord.models.base.Model`): construct with options,
call ``forecast(inputs)`` with :class:`~accord.scenario.arrays.StanceArrays` (from a scenario,
or :func:`~accord.models.base.stances` for raw arrays), get a :class:`~accord.models.base.Forecast`.
"""

from __future__ import annotations

from typing import Any

from accord.models.base import Forecast, Model, stances
from accord.models.compromise import CompromiseModel, compromise_position
from accord.models.eum import AS_PRINTED, EUMModel, EUMOptions
from accord.models.median import MedianModel, median_position
from accord.models.nash import NashModel, nash_solution

MODELS: dict[str, type[Model]] = {
    "compromise": CompromiseModel,
    "median": MedianModel,
    "eum": EUMModel,
    "nash": NashModel,
}


def get_model(name: str, **options: Any) -> Model:
    """A model by registry name (``compromise``, ``median``, ``eum``, ``nash``) with its options."""
    try:
        cls = MODELS[name]
    except KeyError:
        raise ValueError(f"model: expected one of {', '.join(MODELS)}, found {name!r}") from None
    return cls(**options)


__all__ = [
    "AS_PRINTED",
    "MODELS",
    "CompromiseModel",
    "EUMModel",
    "EUMOptions",
    "Forecast",
    "MedianModel",
    "Model",
    "NashModel",
    "compromise_position",
    "get_model",
    "median_position",
    "nash_solution",
    "stances",
]
