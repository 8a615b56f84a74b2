"""Mediation formats, decision rules, proposals, ratification, agreements and mediation.

* :mod:`accord.mechanisms.formats` - :func:`resolve_format` and tracks (the formats as data: :mod:`accord.scenario.formats`);
* :mod:`accord.mechanisms.rules` - decision rules as objects (consensus, majority);
* :mod:`accord.mechanisms.ratification` - a leader signs, its domestic pivot ratifies (Putnam 1988);
* :mod:`accord.mechanisms.agreements` - agreement types and their lives (PA-X stages), enforcement;
* :mod:`accord.mechanisms.mediation` - mediators' information and leverage (Kydd 2003; Beardsley 2011);
* :mod:`accord.mechanisms.proposals` - texts, candidate drafts, predicted passage, the Nash point;
* :mod:`accord.mechanisms.utility` - actors' utility of (possibly ranged) outcomes.
"""

from accord.mechanisms.agreements import TYPES, AgreementBook, binding_probability
from accord.mechanisms.formats import BUILTIN_FORMATS, FormatError, FormatSpec, builtin_format, resolve_format
from accord.mechanisms.proposals import CompiledProposal, candidates, nash_choice, predicted_pass, value_of
from accord.mechanisms.ratification import REASONS, Answers, answer, ratification_probability
from accord.mechanisms.rules import Consensus, Decision, Majority, Rule, make_rule
from accord.mechanisms.utility import expected_distance, utility, weighted_distance

__all__ = [
    "BUILTIN_FORMATS",
    "REASONS",
    "TYPES",
    "AgreementBook",
    "Answers",
    "CompiledProposal",
    "Consensus",
    "Decision",
    "FormatError",
    "FormatSpec",
    "Majority",
    "Rule",
    "answer",
    "binding_probability",
    "builtin_format",
    "candidates",
    "expected_distance",
    "make_rule",
    "nash_choice",
    "predicted_pass",
    "ratification_probability",
    "resolve_format",
    "utility",
    "value_of",
    "weighted_distance",
]
