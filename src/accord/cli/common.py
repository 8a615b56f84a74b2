"""Shared CLI helpers: one console, and turning a bad scenario into exit code 2 without a traceback."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

from accord.scenario import Scenario, ScenarioError, load_scenario
from accord.simulation.history import History

console = Console()
err_console = Console(stderr=True)

EXIT_BAD_INPUT = 2


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    err_console.print(message, markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def load_or_exit(case_or_path: str) -> Scenario:
    """Load a scenario, or print every located problem and exit 2."""
    try:
        return load_scenario(case_or_path)
    except ScenarioError as e:
        fail(str(e))


def history_help(default: str) -> str:
    """The ``--history`` help of a command whose default is ``default``."""
    return (
        f"imposed or counterfactual (default here: {default}). imposed: the scenario's dated wars, statements, "
        "resignations and format changes happen as dated; counterfactual: only their context applies (parameter "
        "effects, leaks, office closures, mediator break-ups), so war, the status quo and the format come from "
        "the model. See also --from."
    )


FROM_HELP = (
    "A counterfactual from this year (e.g. 1997 or 1997-06): the history is imposed before it, "
    "the model alone decides from it on."
)


def resolve_history(history: str | None, from_year: str | None, default: str) -> History:
    """The run's :class:`History` from ``--history`` and ``--from`` (exit 2 with a message on bad input)."""
    if from_year is not None:
        if history == "imposed":
            fail("--from: a counterfactual from a year; it cannot be combined with --history imposed")
        try:
            return History.from_year(from_year)
        except ValueError:
            fail(f"--from: expected a year such as 1997 or 1997-06, found {from_year!r}")
    chosen = history if history is not None else default
    if chosen not in ("imposed", "counterfactual"):
        fail(f"--history: expected imposed or counterfactual, found {chosen!r}")
    return History.parse(chosen)
