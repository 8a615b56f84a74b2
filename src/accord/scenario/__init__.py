"""Scenario layer: the file format, safe loading with located errors, and provenance."""

from accord.scenario.errors import Problem, ScenarioError
from accord.scenario.loader import builtin_cases, dump_scenario, load_scenario, parse_scenario, scenario_hash
from accord.scenario.provenance import Provenance, provenance
from accord.scenario.quantity import Quantity
from accord.scenario.schema import Actor, Event, Format, Issue, Proposal, Scenario, Series, Source, date_to_year

__all__ = [
    "Actor",
    "Event",
    "Format",
    "Issue",
    "Problem",
    "Proposal",
    "Provenance",
    "Quantity",
    "Scenario",
    "ScenarioError",
    "Series",
    "Source",
    "builtin_cases",
    "date_to_year",
    "dump_scenario",
    "load_scenario",
    "parse_scenario",
    "provenance",
    "scenario_hash",
]
