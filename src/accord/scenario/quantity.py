"""Sourced numbers: a value or a distribution, with a source or a stated assumption.

Every number in a scenario file is a :class:`Quantity`. In YAML it is written either as a
bare number (``0.8``, which counts as *unsourced*) or as a mapping::

    {value: 0.8, source: sipri-2024}
    {value: 0.8, assumption: "why this number"}
    {dist: uniform, low: 0.6, high: 0.9, source: seed-001-quote}
    {dist: normal, mean: 50, sd: 10, low: 20, high: 80, assumption: "..."}
    {dist: triangular, low: 10, mode: 30, high: 60, assumption: "..."}

The *nominal* value is what a single deterministic replay uses; Monte Carlo sweeps draw
from the distribution with :meth:`Quantity.sample`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer, model_validator
from pydantic_core import PydanticCustomError

from accord._small import clip as _clip

DistName = Literal["uniform", "normal", "triangular"]

_DIST_FIELDS: dict[str, tuple[set[str], set[str]]] = {
    # dist: (required parameters, optional parameters)
    "uniform": ({"low", "high"}, set()),
    "normal": ({"mean", "sd"}, {"low", "high"}),
    "triangular": ({"low", "mode", "high"}, set()),
}
_ALL_PARAMS = {"low", "high", "mean", "sd", "mode"}


MAX_MAGNITUDE = 1e15
"""The largest magnitude of any number in a scenario. Capabilities in US dollars stay well below
it (world military spending is about 2.4e12), and bounded numbers keep the engine's sums, powers
and distribution widths finite: a uniform from -1.7e308 to 1.7e308 has an infinite width."""


def _fmt(x: float) -> str:
    return f"{x:g}"


class Quantity(BaseModel):
    """One number of a scenario, with its provenance and optional uncertainty."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    value: float | None = Field(
        default=None, description="the number (for a distribution: its nominal value, default its centre)"
    )
    dist: DistName | None = Field(
        default=None,
        description="a distribution for sweeps: `uniform` (low, high), `normal` (mean, sd, optional low/high), `triangular` (low, mode, high)",
    )
    low: float | None = Field(default=None, description="lower bound (uniform, triangular; a truncation for normal)")
    high: float | None = Field(default=None, description="upper bound (uniform, triangular; a truncation for normal)")
    mean: float | None = Field(default=None, description="mean (normal)")
    sd: float | None = Field(default=None, description="standard deviation (normal)")
    mode: float | None = Field(default=None, description="mode (triangular)")
    source: str | None = Field(default=None, description="a source id (from `sources`)")
    assumption: str | None = Field(default=None, description="an assumption id (from `assumptions`)")

    @model_validator(mode="before")
    @classmethod
    def _from_bare_number(cls, data: Any) -> Any:
        # A bare YAML number is a Quantity with no provenance. Booleans are not numbers.
        if isinstance(data, bool):
            raise PydanticCustomError("number_type", "expected a number, found {found}", {"found": repr(data)})
        if isinstance(data, int | float):
            if isinstance(data, int) and abs(data) > MAX_MAGNITUDE:
                # float() of a 400-digit integer overflows; say what is allowed instead
                raise PydanticCustomError(
                    "finite",
                    "expected a number of magnitude at most {max}, found an integer of {n} digits",
                    {"max": _fmt(MAX_MAGNITUDE), "n": len(str(abs(data)))},
                )
            return {"value": float(data)}
        if isinstance(data, dict):
            # ints are fine where floats are expected (strict mode accepts int for float)
            return data
        raise PydanticCustomError(
            "number_type",
            "expected a number or a mapping such as {{value: 1, source: ID}}, found {found}",
            {"found": _describe(data)},
        )

    @model_validator(mode="after")
    def _check_shape(self) -> Quantity:
        for name in ("value", "low", "high", "mean", "sd", "mode"):
            v = getattr(self, name)
            if v is not None and not (math.isfinite(v) and abs(v) <= MAX_MAGNITUDE):
                raise PydanticCustomError(
                    "finite",
                    "expected a finite number of magnitude at most {max} for {name}, found {found}",
                    {"max": _fmt(MAX_MAGNITUDE), "name": name, "found": _fmt(v)},
                )
        if self.source is not None and self.assumption is not None:
            raise PydanticCustomError("provenance", "expected either source or assumption, found both", {})
        given = {p for p in _ALL_PARAMS if getattr(self, p) is not None}
        if self.dist is None:
            if self.value is None:
                raise PydanticCustomError(
                    "missing_value", "expected value (or dist with its parameters), found neither", {}
                )
            if given:
                raise PydanticCustomError(
                    "extra_params",
                    "expected only value for a fixed number, found {params} (add dist: uniform|normal|triangular)",
                    {"params": ", ".join(sorted(given))},
                )
            return self
        if self.value is not None:
            raise PydanticCustomError("extra_params", "expected either value or dist, found both", {})
        required, optional = _DIST_FIELDS[self.dist]
        missing = required - given
        if missing:
            raise PydanticCustomError(
                "dist_params",
                "expected {dist} parameters {params}, missing {missing}",
                {"dist": self.dist, "params": ", ".join(sorted(required)), "missing": ", ".join(sorted(missing))},
            )
        extra = given - required - optional
        if extra:
            raise PydanticCustomError(
                "dist_params",
                "expected {dist} parameters {params}, found also {extra}",
                {
                    "dist": self.dist,
                    "params": ", ".join(sorted(required | optional)),
                    "extra": ", ".join(sorted(extra)),
                },
            )
        if self.low is not None and self.high is not None and not self.low < self.high:
            raise PydanticCustomError(
                "dist_bounds",
                "expected low < high, found low={low} high={high}",
                {"low": _fmt(self.low), "high": _fmt(self.high)},
            )
        if self.dist == "normal":
            assert self.sd is not None and self.mean is not None
            if self.sd <= 0:
                raise PydanticCustomError("dist_bounds", "expected sd > 0, found {sd}", {"sd": _fmt(self.sd)})
            if (self.low is not None and self.mean < self.low) or (self.high is not None and self.mean > self.high):
                raise PydanticCustomError(
                    "dist_bounds",
                    "expected low <= mean <= high, found mean={mean}",
                    {"mean": _fmt(self.mean)},
                )
        if self.dist == "triangular":
            assert self.low is not None and self.high is not None and self.mode is not None
            if not self.low <= self.mode <= self.high:
                raise PydanticCustomError(
                    "dist_bounds",
                    "expected low <= mode <= high, found mode={mode}",
                    {"mode": _fmt(self.mode)},
                )
        return self

    # -- reading ----------------------------------------------------------------------
    @property
    def nominal(self) -> float:
        """The value a deterministic replay uses (value, midpoint, mean or mode)."""
        if self.dist is None:
            assert self.value is not None
            return self.value
        if self.dist == "uniform":
            assert self.low is not None and self.high is not None
            return (self.low + self.high) / 2.0
        if self.dist == "normal":
            assert self.mean is not None
            return self.mean
        assert self.mode is not None
        return self.mode

    @property
    def is_uncertain(self) -> bool:
        return self.dist is not None

    @property
    def sourced(self) -> bool:
        return self.source is not None or self.assumption is not None

    def bounds(self) -> tuple[float, float]:
        """Smallest interval holding every value this quantity can take."""
        if self.dist is None:
            return (self.nominal, self.nominal)
        lo = self.low if self.low is not None else -math.inf
        hi = self.high if self.high is not None else math.inf
        return (lo, hi)

    def sample(self, rng: np.random.Generator, size: int, clip: tuple[float, float] | None = None) -> np.ndarray:
        """Draw ``size`` values; a normal is truncated to its bounds and to ``clip``."""
        if self.dist is None:
            return np.full(size, self.nominal)
        if self.dist == "uniform":
            assert self.low is not None and self.high is not None
            out = rng.uniform(self.low, self.high, size)
        elif self.dist == "triangular":
            assert self.low is not None and self.high is not None and self.mode is not None
            out = rng.triangular(self.low, self.mode, self.high, size)
        else:
            assert self.mean is not None and self.sd is not None
            out = rng.normal(self.mean, self.sd, size)
            lo, hi = self.bounds()
            out = _clip(out, lo, hi)
        if clip is not None:
            out = _clip(out, clip[0], clip[1])
        return out

    @model_serializer(mode="wrap")
    def _compact(self, handler: SerializerFunctionWrapHandler) -> Any:
        # The YAML form: a bare number when there is nothing else to say, no nulls.
        d = {k: v for k, v in handler(self).items() if v is not None}
        if set(d) == {"value"}:
            return d["value"]
        return d


def _describe(x: Any) -> str:
    if isinstance(x, str):
        return f"text {x!r}" if len(x) < 60 else f"text {x[:57]!r}..."
    if x is None:
        return "nothing (null)"
    if isinstance(x, list):
        return "a list"
    return type(x).__name__


def in_range(lo: float, hi: float, what: str) -> Callable[[Quantity], Quantity]:
    """An after-validator: every value the quantity can take lies in [lo, hi]."""

    def check(q: Quantity) -> Quantity:
        for name in ("value", "low", "high", "mean", "mode"):
            v = getattr(q, name)
            if v is not None and not lo <= v <= hi:
                label = "" if name == "value" else f" ({name})"
                span = f"between {_fmt(lo)} and {_fmt(hi)}" if math.isfinite(hi) else f">= {_fmt(lo)}"
                raise PydanticCustomError(
                    "out_of_range",
                    "expected {what} {span}, found {found}{label}",
                    {"what": what, "span": span, "found": _fmt(v), "label": label},
                )
        return q

    return check
