"""Where each number of a scenario comes from: counts by source and by assumption."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from accord.scenario.errors import PathPart, field_path
from accord.scenario.quantity import Quantity
from accord.scenario.references import iter_provenanced
from accord.scenario.schema import Scenario, Series


@dataclass
class Provenance:
    """How many numbers rest on each source and each assumption, and which have neither."""

    by_source: Counter[str] = field(default_factory=Counter)
    by_assumption: Counter[str] = field(default_factory=Counter)
    unsourced: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.by_source.values()) + sum(self.by_assumption.values()) + len(self.unsourced)


def provenance(s: Scenario) -> Provenance:
    """Count every number in the scenario (a series counts one per year)."""
    out = Provenance()
    for path, obj in iter_provenanced(s):
        if not isinstance(obj, Quantity | Series):
            continue
        n = len(obj.series) if isinstance(obj, Series) else 1
        if obj.source is not None:
            out.by_source[obj.source] += n
        elif obj.assumption is not None:
            text = s.assumptions.get(obj.assumption, obj.assumption)
            out.by_assumption[text] += n
        else:
            out.unsourced.extend([_where(path)] * n)
    return out


def _where(path: tuple[PathPart, ...]) -> str:
    return field_path(path)
