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
    parties: str | None = None,
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
        scenario, scales = import_table(
            file,
            layout,
            scale=sc,
            name=name,
            kind=kind,
            start=start,
            end=end,
            parties=[p.strip() for p in parties.split(",")] if parties else None,
        )
    except ScenarioError as e:
        fail(str(e))
    try:
        write_text_atomic(out, scenario_text(scenario))
    except OSError as e:
        fail(f"{out}: expected a writable path, found: {e.strerror}")
    two = [a.id for a in scenario.actors if "party" in a.roles]
    console.print(
        f"[green]wrote[/green] {out}: {len(scenario.issues)} issue(s), {len(scenario.actors)} actors; "
        f"format {scenario.formats[0].id}: bilateral talks between the parties {two[0]} and {two[1]}"
        + ("" if parties else " (the strongest actors on opposite sides; --parties names others)"),
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
_Parties = Annotated[
    str | None,
    typer.Option(
        "--parties",
        help="The two parties, A,B (actor ids or names in the table); default: the most capable actor and the most "
        "capable on the other side of the capability-weighted mean.",
    ),
]


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
    parties: _Parties = None,
) -> None:
    """Import a KTAB CSV (positions 0-100, saliences 0-100 -> 0-1, Influence -> capability)."""
    _run("ktab", file, output, scale, title, kind, start, end, force, parties)


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
    parties: _Parties = None,
) -> None:
    """Import an actor,capability,position,salience table (one issue; salience 0-1)."""
    _run("csv", file, output, scale, title, kind, start, end, force, parties)
