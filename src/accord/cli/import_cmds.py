"""``accord import ktab|csv FILE.csv``: turn actor tables into scenario files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from accord.analysis.storage import write_text_atomic
from accord.cli.common import console, fail
from accord.scenario import ScenarioError
from accord.scenario.importers import Scale, import_table, parse_scale, scenario_text

app = typer.Typer(
    help="Turn actor tables (KTAB CSV, or actor,capability,position,salience) into scenario files.",
    no_args_is_help=True,
)

_KINDS = ("state", "de-facto-authority", "organisation", "group", "person")


def _run(
    layout: str,
    file: Path,
    output: Path | None,
    scale: str,
    name: str | None,
    kind: str,
    start: str,
    end: str,
    force: bool,
) -> None:
    if kind not in _KINDS:
        fail(f"--kind: expected one of {', '.join(_KINDS)}, found {kind!r}")
    try:
        sc: Scale | None = parse_scale(scale)
    except ValueError as e:
        fail(str(e))
    if not file.is_file():
        fail(f"{file}:1:1: (file): expected a readable CSV file, found none")
    out = output if output is not None else file.with_suffix(".yaml")
    if out.exists() and not force:
        fail(f"{out}: expected a new file, found one already there (pass --force to replace it)")
    try:
        scenario, scales = import_table(file, layout, scale=sc, name=name, kind=kind, start=start, end=end)
    except ScenarioError as e:
        fail(str(e))
    try:
        write_text_atomic(out, scenario_text(scenario))
    except OSError as e:
        fail(f"{out}: expected a writable path, found: {e.strerror}")
    console.print(
        f"[green]wrote[/green] {out}: {len(scenario.issues)} issue(s), {len(scenario.actors)} actors",
        highlight=False,
    )
    for issue, s in zip(scenario.issues, scales, strict=True):
        if s is not None:
            console.print(
                f"  {issue.id}: positions mapped linearly from the native scale {s.low:g}..{s.high:g} to 0..100 "
                "(recorded in the issue's description; `accord forecast` prints both)",
                highlight=False,
            )


_File = Annotated[Path, typer.Argument(help="The table to import (CSV).")]
_Out = Annotated[Path | None, typer.Option("--output", "-o", help="Scenario file to write (default: FILE with .yaml).")]
_Scale = Annotated[
    str,
    typer.Option(
        "--scale",
        help="Native position scale LOW:HIGH mapped to 0..100, or auto (kept if within 0..100, else the data's range).",
    ),
]
_Title = Annotated[str | None, typer.Option("--title", help="Scenario title (default: from the file).")]
_Kind = Annotated[str, typer.Option("--kind", help="Actor kind for every row: " + ", ".join(_KINDS) + ".")]
_Start = Annotated[str, typer.Option("--start", help="Scenario start date (YYYY[-MM[-DD]]); tables carry none.")]
_End = Annotated[str, typer.Option("--end", help="Scenario end date.")]
_Force = Annotated[bool, typer.Option("--force", help="Replace an existing output file.")]


@app.command("ktab")
def ktab(
    file: _File,
    output: _Out = None,
    scale: _Scale = "auto",
    title: _Title = None,
    kind: _Kind = "group",
    start: _Start = "2000",
    end: _End = "2001",
    force: _Force = False,
) -> None:
    """Import a KTAB CSV (positions 0-100, saliences 0-100 -> 0-1, Influence -> capability)."""
    _run("ktab", file, output, scale, title, kind, start, end, force)


@app.command("csv")
def csv_table(
    file: _File,
    output: _Out = None,
    scale: _Scale = "auto",
    title: _Title = None,
    kind: _Kind = "group",
    start: _Start = "2000",
    end: _End = "2001",
    force: _Force = False,
) -> None:
    """Import an actor,capability,position,salience table (one issue; salience 0-1)."""
    _run("csv", file, output, scale, title, kind, start, end, force)
