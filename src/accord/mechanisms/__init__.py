"""Mediation formats, decision rules, proposal makers and ratification.

* :mod:`accord.mechanisms.formats` - :func:`resolve_format` (the formats as data: :mod:`accord.scenario.formats`);
* :mod:`accord.mechanisms.decisions` - answers (two-level game) and decision rules;
* :mod:`accord.mechanisms.proposals` - proposal kinds, mediators' drafts, the Nash point;
* :mod:`accord.mechanisms.utility` - actors' utility of (possibly ranged) outcomes.
"""

from accord.mechanisms.decisions import REASONS, Answers, aggregate, answer, win_set
from accord.mechanisms.formats import FormatSpec, resolve_format
from accord.mechanisms.proposals import CompiledProposal, candidates, choose_draft, nash_choice, value_of
from accord.mechanisms.utility import expected_distance, utility, weighted_distance

__all__ = [
    "REASONS",
    "Answers",
    "CompiledProposal",
    "FormatSpec",
    "aggregate",
    "answer",
    "candidates",
    "choose_draft",
    "expected_distance",
    "nash_choice",
    "resolve_format",
    "utility",
    "value_of",
    "weighted_distance",
    "win_set",
]
