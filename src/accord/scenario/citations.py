"""Which numbers and which records rest on each declared source and assumption, by id.

:func:`accord.scenario.provenance` counts numbers by source id and by assumption *text*;
a sources report needs the ids, and the records (proposals, events) that cite a source
without carrying a number of their own.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from accord.scenario.errors import field_path
from accord.scenario.quantity import Quantity
from accord.scenario.references import iter_provenanced
from accord.scenario.schema import Scenario, Series

_CITED = re.compile(r"\[([A-Za-z][A-Za-z0-9_.\-]{0,63})\]")


@dataclass
class Citations:
    """Counts by id.

    Attributes
    ----------
    numbers_by_source: numbers (a yearly series counts one per year) citing each source id.
    records_by_source: proposals, events and other records whose own ``source:`` names the id.
    assumptions_by_source: assumption texts and notes that cite the source id in brackets.
    numbers_by_assumption: numbers labelled with each assumption (a declared id, or inline text).
    records_by_assumption: records (the ``conflict`` coding) labelled with each assumption.
    unsourced: field paths of numbers with neither.
    """

    numbers_by_source: Counter[str] = field(default_factory=Counter)
    records_by_source: Counter[str] = field(default_factory=Counter)
    assumptions_by_source: Counter[str] = field(default_factory=Counter)
    numbers_by_assumption: Counter[str] = field(default_factory=Counter)
    records_by_assumption: Counter[str] = field(default_factory=Counter)
    unsourced: list[str] = field(default_factory=list)

    def unused_sources(self, s: Scenario) -> list[str]:
        return [
            k
            for k in s.sources
            if not (self.numbers_by_source[k] or self.records_by_source[k] or self.assumptions_by_source[k])
        ]

    def unused_assumptions(self, s: Scenario) -> list[str]:
        return [k for k in s.assumptions if not (self.numbers_by_assumption[k] or self.records_by_assumption[k])]

    def inline_assumptions(self, s: Scenario) -> list[str]:
        """Assumption labels that are free text rather than a declared id."""
        return [k for k in (*self.numbers_by_assumption, *self.records_by_assumption) if k not in s.assumptions]


def citations(s: Scenario) -> Citations:
    """Count what rests on each source and assumption of ``s``."""
    out = Citations()
    for path, obj in iter_provenanced(s):
        if isinstance(obj, Quantity | Series):
            n = len(obj.series) if isinstance(obj, Series) else 1
            if obj.source is not None:
                out.numbers_by_source[obj.source] += n
            elif obj.assumption is not None:
                out.numbers_by_assumption[obj.assumption] += n
            else:
                out.unsourced.extend([field_path(path)] * n)
        else:
            src = getattr(obj, "source", None)
            if src is not None:
                out.records_by_source[src] += 1
            label = getattr(obj, "assumption", None)
            if isinstance(label, str):
                out.records_by_assumption[label] += 1
    for text in _texts(s):
        for sid in set(cited_ids(text)):
            out.assumptions_by_source[sid] += 1
    return out


def _texts(s: Scenario) -> list[str]:
    """Assumption texts and every ``note`` in the scenario."""
    out = list(s.assumptions.values())
    for group in (s.actors, s.formats, s.proposals, s.events, list(s.sources.values())):
        out.extend(x.note for x in group if x.note)
    if s.conflict is not None and s.conflict.note:
        out.append(s.conflict.note)
    return out


def cited_ids(text: str) -> list[str]:
    """Source ids a text cites in square brackets, e.g. ``[s001-lisbon-1996]``."""
    return _CITED.findall(text)
