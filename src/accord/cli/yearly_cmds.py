"""``accord yearly``: the outlook year by year (fighting, war onset, each agreement type, ceasefires
in force, the status quo), from a sweep of one format."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.table import Table

from accord.cli import limits
from accord.cli.common import (
    FROM_HELP,
    as_flags,
    console,
    fail,
    history_help,
    load_or_exit,
    progress_bar,
    resolve_history,
)
from accord.simulation import EngineError


def yearly_cmd(
    case_or_path: str = typer.Argument(..., help="a built-in case name or a scenario YAML file"),
    runs: int = typer.Option(500, "--runs", "-n", min=1, help="replays (draws of the uncertain inputs)"),
    format: str | None = typer.Option(None, "--format", "-f", help="the format (default: the scenario's first)"),
    seed: int = typer.Option(0, "--seed", "-s", min=0, help="root seed"),
    mediator: str | None = typer.Option(None, "--mediator", help="mediator of a single-mediator format"),
    history: str | None = typer.Option(
        None, "--history", metavar="imposed|counterfactual", help=history_help("imposed")
    ),
    from_year: str | None = typer.Option(None, "--from", metavar="YEAR", help=FROM_HELP),
    as_json: bool = typer.Option(False, "--json", help="print the outlook as JSON"),
    max_memory: str = limits.max_memory_option(),
) -> None:
    """The outlook year by year: P(fighting), P(war onset), P(each agreement type signed), P(a ceasefire in
    force) and the status quo per issue (median and 90% band), with 95% Wilson intervals."""
    from accord.analysis.runs import DEFAULT_CHUNK_SIZE, run_formats
    from accord.analysis.yearly import yearly_outlook
    from accord.simulation.budget import kept_bytes

    limit = limits.budget(max_memory)
    limits.check_runs(runs, "outlook")
    s = load_or_exit(case_or_path)
    hist = resolve_history(history, from_year, "imposed")
    shape = limits.run_shape(s, case_or_path, format=format, mediator=mediator)
    kept = kept_bytes(shape, runs)  # the outlook reads every draw's outcomes at the end
    limits.refuse_kept(case_or_path, "outlook", kept, limit, f"use fewer --runs than {runs:,}")
    chunk, _ = limits.chunk_plan(
        case_or_path,
        [shape],
        limit,
        chunk=None,
        cap=DEFAULT_CHUNK_SIZE,
        workers=None,
        what="outlook",
        option=None,
        table=False,
        reserved=kept,
    )
    try:
        with progress_bar("yearly outlook") as update:
            batch = next(
                iter(
                    run_formats(
                        s,
                        [format],
                        runs=runs,
                        seed=seed,
                        history=hist,
                        mediator=mediator,
                        chunk_size=chunk,
                        progress=update,
                    ).values()
                )
            )
    except (EngineError, ValueError) as e:
        fail(f"{case_or_path}: {as_flags(str(e))}")
    years = yearly_outlook(batch)
    if as_json:
        out: dict[str, Any] = {
            "scenario": s.meta.name,
            "format": batch.format_ids[0],
            "runs": runs,
            "seed": seed,
            "history": str(hist),
            "years": [y.to_dict() for y in years],
        }
        typer.echo(json.dumps(out, indent=1))
        return
    t = Table(
        title=f"{s.meta.name} under {batch.format_ids[0]}: {runs:,} replays, seed {seed}; {hist.describe()}",
        title_justify="left",
    )
    for col in ("year", "fighting", "onset", "ceasefire", "process", "partial", "compr.", "cf. in force"):
        t.add_column(col, justify="right")
    for y in years:
        a = y.p_agreement
        t.add_row(
            f"{y.year:g}",
            f"{y.p_fighting.p:.2f}",
            f"{y.p_war_onset.p:.2f}",
            f"{a['ceasefire'].p:.2f}",
            f"{a['process'].p:.2f}",
            f"{a['partial'].p:.2f}",
            f"{a['comprehensive'].p:.2f}",
            f"{y.p_ceasefire_in_force.p:.2f}",
        )
    console.print(t)
    console.print(
        "Shares of replays: fighting at some time in the year; fighting that began in it; an agreement of the type "
        "signed in it; a ceasefire in force at its end. --json adds 95% intervals and the status quo per issue.",
        highlight=False,
    )
