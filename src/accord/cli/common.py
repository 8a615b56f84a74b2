"""Shared CLI helpers: one console, and turning a bad scenario into exit code 2 without a traceback."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

from accord.scenario import Scenario, ScenarioError, load_scenario

# no emoji codes: a located message "file.yaml:100:13: ..." must not print ":100:" as an emoji
console = Console(emoji=False)
err_console = Console(stderr=True, emoji=False)

EXIT_BAD_INPUT = 2


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    err_console.print(message, markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def load_or_exit(case_or_path: str, *, engine: bool = True) -> Scenario:
    """Load a scenario, or print every located problem and exit 2 (``engine``: see load_scenario)."""
    try:
        return load_scenario(case_or_path, engine=engine)
    except ScenarioError as e:
        fail(str(e))
