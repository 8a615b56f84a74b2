"""``accord replay``: one run of a scenario under a format, as a readable timeline or a JSON log."""

from __future__ import annotations

import math
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from accord.analysis.storage import write_text_atomic
from accord.cli import limits
from accord.cli.common import FROM_HELP, check_mediator, console, fail, history_help, load_or_exit, resolve_history
from accord.reports.story import steps_per_year, story, year_spans
from accord.scenario import date_to_year
from accord.scenario.parameters import is_fitted
from accord.simulation import PARAMETERS, EngineError, Replay, replay
from accord.simulation import events as ev


def _print(r: Replay, *, full: bool = False, quiet_incidents: bool = True) -> None:
    title = f"{r.scenario_name} · format {r.format} · seed {r.seed} · history {r.history}"
    console.print(f"[bold]{title}[/bold]", highlight=False)
    if full:
        steps = Table(title="by step", title_justify="left")
        tr = r.trajectory
        for col, justify in (
            ("year", "right"),
            ("format", "left"),
            ("fighting", "left"),
            ("P(onset)", "right"),
            ("in force", "left"),
            ("monitoring", "right"),
        ):
            steps.add_column(col, justify=justify, overflow="fold")  # type: ignore[arg-type]
        spy = steps_per_year(r)
        for k, y in enumerate(tr["years"]):
            in_force = [kind for kind, on in zip(tr["agreement_types"], tr["in_force"][k], strict=True) if on]
            steps.add_row(
                ev.date_label(y, spy),
                tr["format"][k],
                "yes" if tr["fighting"][k] else "",
                f"{tr['p_onset'][k]:.3f}",
                ", ".join(in_force),
                f"{tr['monitoring'][k]:.2f}",
            )
        console.print(steps)
    told = Table(
        title="history: imposed as dated · model: the engine's own · context: dated inputs",
        title_justify="left",
        expand=False,
        box=None,
        pad_edge=False,
    )
    told.add_column("date", no_wrap=True)
    told.add_column("by", no_wrap=True)
    told.add_column("what", overflow="fold", ratio=1)
    for line in story(r, full=full, incidents=not quiet_incidents):
        told.add_row(line.date, line.by, escape(line.text))
    console.print(told)
    _print_summary(r, full=full)


def _print_summary(r: Replay, *, full: bool) -> None:
    """The replay's summary as a two-column grid, so long values wrap under their own column."""
    s = r.summary
    spy = steps_per_year(r)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column(overflow="fold", ratio=1)
    grid.add_row("signed", ", ".join(f"{k} {n}" for k, n in s["signed"].items() if n) or "none")
    if s["agreement"]:
        terms = ", ".join(f"{i} {v:.0f}" for i, v in s["terms"].items() if v is not None)
        grid.add_row("settlement", escape(f"{s['proposal']} ({ev.date_label(s['year'], spy)}): {terms}"))
    fighting = s["fighting_years"]
    grid.add_row("fighting in", year_spans(fighting) if fighting else "no year")
    if s["leaders_removed"]:
        grid.add_row("removed", ", ".join(s["leaders_removed"]))
    for b in s["blocked_by"][:4]:
        reason = b["reasons"][0] if full else ev.short_reason(b["reasons"][0])
        n = len(b["reasons"])
        grid.add_row(f"{b['actor']} refused", escape(f"{n} text{'s' if n != 1 else ''}; e.g. {reason}"))
    grid.add_row("status quo", ", ".join(f"{i} {v:.0f}" for i, v in s["final_status_quo"].items()) + " (at the end)")
    grid.add_row("format", f"{s['final_format']} (at the end)")
    hint = "" if full else "  (--full: every step and every text tabled; --json: the whole log)"
    console.print(f"[bold]Summary[/bold]{hint}", highlight=False)
    console.print(grid, highlight=False)


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
    full: bool = typer.Option(False, "--full", help="every step and every text tabled, not only the story"),
    history: str | None = typer.Option(
        None, "--history", metavar="imposed|counterfactual", help=history_help("imposed")
    ),
    from_year: str | None = typer.Option(None, "--from", metavar="YEAR", help=FROM_HELP),
    max_memory: str = limits.max_memory_option(),
) -> None:
    """Replay a scenario once: a timeline of proposals, answers, vetoes, escalation and war, and a summary."""
    limit = limits.budget(max_memory)
    s = load_or_exit(case_or_path)
    hist = resolve_history(history, from_year, "imposed")
    if seed < 0:
        fail(f"--seed: expected a non-negative integer, found {seed}")
    first = date_to_year(s.meta.start)
    if until is not None and not (math.isfinite(until) and until > first):
        fail(f"--until: expected a year after the scenario's start ({s.meta.start}), found {until:g}")
    check_mediator(s, [format], mediator)
    shape = limits.run_shape(s, case_or_path, format=format, mediator=mediator, until=until)
    limits.chunk_plan(
        case_or_path, [shape], limit, chunk=1, cap=1, workers=None, what="replay", option=None, table=False
    )
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
        _print(r, full=full, quiet_incidents=not incidents)


def parameters_cmd() -> None:
    """List the engine parameters a scenario may set under `parameters:` (default, range, unit, meaning, reference)."""
    table = Table(title="Engine parameters (scenario `parameters:`; a format's `parameters:` override them)")
    for col in ("name", "default", "range", "unit", "meaning", "reference"):
        table.add_column(col, overflow="fold")
    for p in PARAMETERS.values():
        default = "fitted" if is_fitted(p) else f"{p.default:g}"  # an override of a fitted coefficient
        table.add_row(p.name, default, f"{p.low:g} – {p.high:g}", p.unit, p.meaning, p.reference)
    console.print(table)
