"""What a run takes from history and what it leaves to the model: :class:`History`.

- ``imposed``: the scenario's dated events happen as they did (a replay of what happened);
- ``counterfactual``: the *outcome* parts of dated events are left to the model (what would
  this format have done?);
- ``counterfactual`` from a year (``History.parse("1997")``, ``--from 1997``): history is
  imposed before that year, the model alone decides after it (from 1997 the 1994 occupation
  stands and only what followed is the model's).

Which parts of a dated event are outcomes (not imposed by a counterfactual) and which are
context (always applied):

=====================================  =========================================================
outcome (the model's in a counterfactual)  context (applied in every mode)
=====================================  =========================================================
fighting that starts, ends or flares   effects on engine parameters and monitoring
a status quo set by the event          leaks
an agreement the event signs           office closures
a format switch                        a mediator break-up
a resignation; a dated leader change   dated positions, saliences, pivots; leader changes by
with cause resignation or removal      election, succession or revolution
=====================================  =========================================================
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

__all__ = ["History", "HistoryError"]

Mode = Literal["imposed", "counterfactual"]


class HistoryError(ValueError):
    """A history setting that is not one of the accepted forms."""


@dataclass(frozen=True)
class History:
    """``mode`` and, for a counterfactual, the decimal year ``start`` from which the model decides
    alone (None: from the beginning)."""

    mode: Mode = "imposed"
    start: float | None = None

    def __post_init__(self) -> None:
        if self.mode not in ("imposed", "counterfactual"):
            raise HistoryError(f"history: expected 'imposed' or 'counterfactual', found {self.mode!r}")
        if self.start is not None and (self.mode != "counterfactual" or not math.isfinite(self.start)):
            raise HistoryError("history: a start year belongs to a counterfactual and must be a finite year")

    @classmethod
    def parse(cls, text: str | History | None, start: float | None = None) -> History:
        """``imposed``, ``counterfactual``, or a year (a counterfactual from that year)."""
        if isinstance(text, History):
            return text
        if text is None:
            return cls("imposed") if start is None else cls("counterfactual", float(start))
        t = str(text).strip().lower()
        if t in ("imposed", "counterfactual"):
            if start is not None:
                return cls("counterfactual", float(start))
            return cls(t)  # type: ignore[arg-type]
        try:
            year = float(t)
        except ValueError:
            raise HistoryError(
                f"history: expected 'imposed', 'counterfactual' or a year to start the counterfactual, found {text!r}"
            ) from None
        return cls("counterfactual", year)

    def imposes(self, t: float) -> bool:
        """Whether the outcome parts of an event dated ``t`` are imposed."""
        if self.mode == "imposed":
            return True
        return self.start is not None and t < self.start

    def describe(self) -> str:
        if self.mode == "imposed":
            return "imposed (dated wars, statements and format changes happen as they did)"
        if self.start is None:
            return "counterfactual (the model decides every outcome; dated wars and statements are not imposed)"
        return f"counterfactual from {self.start:g} (history imposed before, the model alone after)"

    @property
    def label(self) -> str:
        return self.mode if self.start is None else f"counterfactual from {self.start:g}"
