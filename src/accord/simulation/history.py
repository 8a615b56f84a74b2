"""The history switch: which parts of a scenario's dated events a run imposes.

A scenario's ``events`` mix two things: the *context* of the mediation (what the parties and
the organisation faced: new parameters, leaks, office closures, a co-chair breakup) and
*outcomes* that a model of mediation should explain rather than be told (a war and how it ended,
a status quo set by a ceasefire or a statement, a format change, a resignation). A replay of what
happened imposes both; a counterfactual ("what would this format have done?") imposes only the
context, so that war and peace, the status quo and the format come from the model.

This table is the one statement of the rule (the engine applies it in
:func:`accord.simulation.process.dated_events` and :func:`~accord.simulation.process.dated_changes`):

=================================================  ===========  ================
part of a dated event                              ``imposed``  ``counterfactual``
=================================================  ===========  ================
``effects`` (engine parameters, ``monitoring``)    applied      applied
``leak`` (the pivots' bar rises for the step)      applied      applied
``office-closure`` (monitoring capacity cut)       applied      applied
``mediator-breakup`` (mediators leave the table)   applied      applied
dated stances, pivots and leaders (``changes``)    applied      applied
fighting that starts, ends or flares up            applied      not applied: fighting comes from the hazard
``status_quo`` of any event                        applied      not applied
  (a ceasefire line, a statement's terms)
``agreement`` an event signs (e.g. a ceasefire)    applied      not applied
``switch_format`` (the format changes)             applied      not applied
``resignation``; a dated leader change with        applied      not applied: the model's own removals
  ``cause`` resignation or removal
=================================================  ===========  ================

``History("counterfactual", start=1997.0)`` (``--from 1997``) imposes everything dated before
1997 and only the context from then on: the 1994 occupation stands, and what followed is the
model's. Which commands default to which mode is stated in each command's ``--help`` (replay,
sweep and backtest: imposed; compare, sensitivity, the report's sweeps and the dashboard's
comparison: counterfactual).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from accord.scenario.schema import date_to_year

__all__ = ["COUNTERFACTUAL", "IMPOSED", "History", "HistoryLike", "HistoryMode"]

HistoryMode = Literal["imposed", "counterfactual"]

_FROM = re.compile(r"^\s*from\s+(\S+)\s*$")


@dataclass(frozen=True)
class History:
    """``mode`` ``imposed`` or ``counterfactual``; ``start``: a counterfactual's first decimal year
    (events dated before it are imposed in full), ``None`` for a counterfactual from the start."""

    mode: HistoryMode = "imposed"
    start: float | None = None

    def __post_init__(self) -> None:
        if self.mode not in ("imposed", "counterfactual"):
            raise ValueError(f"history: expected imposed or counterfactual, found {self.mode!r}")
        if self.start is not None:
            if self.mode != "counterfactual":
                raise ValueError("history: a start year needs mode counterfactual (imposed before, model after)")
            if not math.isfinite(self.start):
                raise ValueError(f"history: expected a finite start year, found {self.start!r}")

    @classmethod
    def from_year(cls, year: float | str) -> History:
        """Imposed before ``year`` (a decimal year or a date ``YYYY[-MM[-DD]]``), counterfactual from it on."""
        if isinstance(year, str):
            try:
                start = float(year) if re.fullmatch(r"\d+\.\d*", year.strip()) else date_to_year(year.strip())
            except ValueError:
                raise ValueError(f"history: expected a year such as 1997 or 1997-06, found {year!r}") from None
        else:
            start = float(year)
        return cls("counterfactual", start)

    @classmethod
    def parse(cls, value: HistoryLike | None) -> History:
        """``imposed``, ``counterfactual``, ``from YEAR`` (see :meth:`from_year`) or a History;
        None means imposed (a replay of what happened)."""
        if value is None:
            return cls("imposed")
        if isinstance(value, History):
            return value
        if not isinstance(value, str):
            raise ValueError(f"history: expected imposed, counterfactual or 'from YEAR', found {value!r}")
        text = value.strip()
        if text in ("imposed", "counterfactual"):
            return cls(text)  # type: ignore[arg-type]  # narrowed by the test above
        m = _FROM.match(text)
        if m:
            return cls.from_year(m.group(1))
        raise ValueError(f"history: expected imposed, counterfactual or 'from YEAR', found {value!r}")

    def imposes(self, when: float) -> bool:
        """Whether the outcome parts of an event dated ``when`` are applied (see the table above)."""
        if self.mode == "imposed":
            return True
        return self.start is not None and when < self.start - 1e-9

    def __str__(self) -> str:
        """The form :meth:`parse` reads back: ``imposed``, ``counterfactual`` or ``from 1997``."""
        if self.start is None:
            return self.mode
        return f"from {self.start:g}"

    @property
    def label(self) -> str:
        """The short form shown in outputs (as :meth:`__str__`)."""
        return str(self)

    def describe(self) -> str:
        """In words, for a command's output."""
        if self.mode == "imposed":
            return "history imposed (dated wars, statements and format changes applied as they happened)"
        if self.start is None:
            return "counterfactual (dated wars, statements and format changes not imposed; context events apply)"
        return (
            f"counterfactual from {self.start:g} (history imposed before {self.start:g}; from then on only "
            "context events apply)"
        )


IMPOSED = History("imposed")
COUNTERFACTUAL = History("counterfactual")

HistoryLike = History | str
"""What the ``history=`` argument of every run accepts: a :class:`History` or its string form."""
