"""``accord replay``: one run of a scenario under a format, as a readable timeline or a JSON log."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from accord.analysis.storage import write_text_atomic
from accord.cli.common import FROM_HELP, console, fail, history_help, load_or_exit, resolve_history
from accord.scenario import date_to_year
from accord.simulation import PARAMETERS, EngineError, Replay, replay
from accord.simulation.events import Incidents, Step, describe


def _print(r: Replay, quiet_incidents: bool = True) -> None:
    steps = Table(title=f"{r.scenario_name}: {r.format}, seed {r.seed}, history: {r.history} — by step")
    steps.add_column("year", justify="right")
    steps.add_column("format")
    issues = r.trajectory["issues"]
    for i in issues:
        steps.add_column(f"sq {i}", justify="right")
    steps.add_column("P(war)", justify="right")
    steps.add_column("monitoring", justify="right")
    steps.add_column("incidents", justify="right")
    tr = r.trajectory
    for k, y in enumerate(tr["years"]):
        steps.add_row(
            f"{y:g}",
            tr["format"][k],
            *[f"{tr['status_quo'][k][i]:.1f}" for i in range(len(issues))],
            f"{tr['p_war'][k]:.3f}",
            f"{tr['monitoring'][k]:.2f}",
            f"{tr['incidents'][k]:g}",
        )
    console.print(steps)
    table = Table(title="Timeline")
    table.add_column("t", justify="right")
    table.add_column("kind")
    table.add_column("what", overflow="fold")
    for e in r.events:
        if isinstance(e, Step) or (quiet_incidents and isinstance(e, Incidents)):
            continue
        table.add_row(f"{e.time:.2f}", e.kind, describe(e))
    console.print(table)
    s = r.summary
    if s["agreement"]:
        terms = ", ".join(f"{i} {v:.1f}" for i, v in s["terms"].items())
        console.print(
            f"[bold green]Agreement[/bold green] in {s['year']:.2f} on {s['proposal']}: {terms}", highlight=False
        )
    else:
        console.print("[bold red]No agreement[/bold red]", highlight=False)
    for b in s["blocked_by"]:
        console.print(
            f"  blocked by {b['actor']}: {len(b['reasons'])} reason(s); first: {b['reasons'][0]}", highlight=False
        )
    if s["wars"]:
        for w in s["wars"]:
            console.print(f"  war {w['start']:.2f}–{w['end']:.2f}, winner {w['winner']}", highlight=False)
    else:
        console.print("  no war", highlight=False)
    if s["leaders_removed"]:
        console.print(f"  leaders removed: {', '.join(s['leaders_removed'])}", highlight=False)
    sq = ", ".join(f"{i} {v:.1f}" for i, v in s["final_status_quo"].items())
    console.print(f"  final status quo: {sq}; final format: {s['final_format']}", highlight=False)


def replay_cmd(
    case_or_path: str = typer.Argument(..., help="a built-in case name or a scenario YAML file"),
    format: str | None = typer.Option(
        None,
        "--format",
        "-f",
        help="minsk-group, bilateral, single-mediator, inclusive, majority or one the scenario defines",
    ),
    seed: int = typer.Option(0, "--seed", "-s", help="seed of the inputs and the process"),
    until: float | None = typer.Option(None, "--until", help="stop at this (decimal) year"),
    mediator: str | None = typer.Option(
        None, "--mediator", help="actor id of the mediator of single-mediator (default: the least biased)"
    ),
    as_json: bool = typer.Option(False, "--json", help="print the full event log as JSON instead of tables"),
    output: str | None = typer.Option(None, "--output", "-o", help="also write the JSON event log to this file"),
    incidents: bool = typer.Option(False, "--incidents", help="list every step's ceasefire incidents in the timeline"),
    history: str | None = typer.Option(
        None, "--history", metavar="imposed|counterfactual", help=history_help("imposed")
    ),
    from_year: str | None = typer.Option(None, "--from", metavar="YEAR", help=FROM_HELP),
) -> None:
    """Replay a scenario once: a timeline of proposals, answers, vetoes, escalation and war, and a summary."""
    s = load_or_exit(case_or_path)
    hist = resolve_history(history, from_year, "imposed")
    if seed < 0:
        fail(f"--seed: expected a non-negative integer, found {seed}")
    first = date_to_year(s.meta.start)
    if until is not None and until <= first:
        fail(f"--until: expected a year after the scenario's start ({s.meta.start}), found {until:g}")
    try:
        r = replay(s, format=format, seed=seed, until=until, mediator=mediator, history=hist)
    except EngineError as e:
        fail(f"{case_or_path}: {e}")
    text = r.to_json()
    if output is not None:
        try:
            write_text_atomic(Path(output), text + "\n")
        except OSError as e:
            fail(f"--output: cannot write {output}: {e.strerror or e}")
    if as_json:
        typer.echo(text)
    else:
        _print(r, quiet_incidents=not incidents)


def parameters_cmd() -> None:
    """List the engine parameters a scenario may set under `parameters:` (default, unit, meaning, reference)."""
    table = Table(title="Engine parameters (scenario `parameters:`; a format's `parameters:` override them)")
    for col in ("name", "default", "unit", "meaning", "reference"):
        table.add_column(col, overflow="fold")
    for p in PARAMETERS.values():
        table.add_row(p.name, f"{p.default:g}", p.unit, p.meaning, p.reference)
    console.print(table)
