"""``accord init``: write a small valid, commented scenario to start from."""

from __future__ import annotations

from pathlib import Path

import typer

from accord.analysis.storage import write_text_atomic
from accord.cli.common import console, fail
from accord.scenario import ScenarioError
from accord.scenario.starter import StarterError, starter_scenario


def init(
    name: str = typer.Argument(..., help="The scenario's id (letters, digits, -, _ and .); the file is NAME.yaml."),
    parties: str = typer.Option("A,B", "--parties", help="Comma-separated ids of the parties (at least two)."),
    mediators: str = typer.Option(
        "M", "--mediators", help="Comma-separated ids of the mediators (none of them a party); empty for none."
    ),
    out: str | None = typer.Option(None, "--out", "-o", help="Where to write it (default: NAME.yaml here)."),
    force: bool = typer.Option(False, "--force", help="Overwrite the file if it exists."),
) -> None:
    """Write a small valid scenario (one issue, the parties, the mediators, a format, a proposal and
    an event, every field commented) to start a new case from; docs/scenario-format.md has the rest."""
    path = Path(out) if out is not None else Path(f"{name}.yaml")
    if path.exists() and not force:
        fail(f"{path}: the file exists; expected a new file (or --force to overwrite it)")
    try:
        text = starter_scenario(name, parties.split(","), mediators.split(",") if mediators.strip() else [])
    except (StarterError, ScenarioError) as e:
        fail(str(e))
    write_text_atomic(path, text)
    console.print(f"wrote {path}: next, [bold]accord validate {path}[/bold] and [bold]accord replay {path}[/bold]")
