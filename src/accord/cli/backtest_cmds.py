"""``accord backtest``: replay a case from the inputs known before each historical event and
compare what the model says with what happened."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from accord.analysis.storage import write_text_atomic
from accord.cli.common import FROM_HELP, console, fail, history_help, load_or_exit, progress_bar, resolve_history
from accord.scenario import ScenarioError
from accord.scenario.timeline import has_timeline, load_timeline
from accord.simulation import EngineError, History

if TYPE_CHECKING:
    from accord.analysis.backtest import BacktestResult

_PIPE_WIDTH = 160


def _print(result: BacktestResult, out: Console) -> None:
    table = Table(
        title=f"Backtest of {result.case}: history vs model ({result.runs} runs per row, seed {result.seed}; "
        f"{History.parse(result.history).describe()})"
    )
    table.add_column("date", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("event", overflow="fold", ratio=2)
    table.add_column("history", overflow="fold", ratio=2)
    table.add_column("model", overflow="fold", ratio=3)
    table.add_column("p(history)", justify="right", no_wrap=True)
    table.add_column("agrees", no_wrap=True)
    table.add_column("note", overflow="fold", ratio=2)
    for r in result.rows:
        table.add_row(
            r.date,
            r.kind,
            Text(r.label),
            Text(r.history),
            Text(r.model),
            f"{r.p:.2f}",
            "yes" if r.agrees else "NO",
            Text(r.note),
        )
    out.print(table)
    scores = Table(title="Score (Brier: mean of (p - outcome)², 0 is perfect; skill = 1 - Brier/reference)")
    for col in ("rows", "agree", "Brier", "reference", "skill", "reference forecast"):
        scores.add_column(col, justify="left" if col in ("rows", "reference forecast") else "right")
    for name, s in result.scores.items():
        if not s.rows:
            continue
        scores.add_row(
            name, f"{s.agree}/{s.rows}", f"{s.brier:.3f}", f"{s.reference:.3f}", f"{s.skill:+.2f}", s.reference_name
        )
    out.print(scores)
    params = Table(title="Parameters used (set in the case file before the backtest; none fitted to it)")
    for col in ("parameter", "value", "provenance"):
        params.add_column(col)
    for name, value, prov in result.parameters:
        params.add_row(name, value, Text(prov))
    out.print(params)
    war = [r for r in result.rows if r.kind == "war"]
    hit = [r.p_event for r in war if r.outcome]
    quiet = [r.p_event for r in war if not r.outcome]
    if hit and quiet:
        out.print(
            f"war years: mean P(war begins) {sum(hit) / len(hit):.3f} in the {len(hit)} onset years vs "
            f"{sum(quiet) / len(quiet):.3f} in the {len(quiet)} quiet years (a model that discriminates "
            "gives the onset years more)",
            highlight=False,
        )
    o = result.scores["overall"]
    out.print(
        f"overall: the model agrees with history on {o.agree} of {o.rows} rows; "
        f"Brier {o.brier:.3f} (0.25 = saying 0.5 every time)",
        highlight=False,
    )


def backtest_cmd(
    case: str = typer.Argument(..., help="A built-in case with a timeline (e.g. minsk-group)."),
    runs: int = typer.Option(200, "--runs", min=1, max=100_000, help="Draws of the uncertain inputs per comparison."),
    seed: int = typer.Option(0, "--seed", min=0, help="Seed of every run."),
    timeline: Annotated[
        Path | None, typer.Option("--timeline", help="A timeline file (default: the case's own).")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Also write the result as JSON to this file.")] = None,
    history: Annotated[
        str | None, typer.Option("--history", metavar="imposed|counterfactual", help=history_help("imposed"))
    ] = None,
    from_year: Annotated[str | None, typer.Option("--from", metavar="YEAR", help=FROM_HELP)] = None,
) -> None:
    """Replay CASE from the inputs fixed before each event of its timeline and compare the model
    (P(agreement) per proposal, war onset per year, format in use) with what happened."""
    from accord.analysis.backtest import backtest

    scenario = load_or_exit(case)
    hist = resolve_history(history, from_year, "imposed")
    source = str(timeline) if timeline is not None else case
    if timeline is None and not has_timeline(case):
        fail(f"{case}: expected a built-in case with a timeline or --timeline FILE, found no timeline for it")
    try:
        tl = load_timeline(source, scenario)
    except ScenarioError as e:
        fail(str(e))
    if tl.case != scenario.meta.name:
        fail(f"{source}: case: expected {scenario.meta.name!r}, found {tl.case!r}")
    try:
        with progress_bar(f"backtest {scenario.meta.name}", unit="") as progress:
            result = backtest(scenario, tl, runs=runs, seed=seed, history=hist, progress=progress)
    except EngineError as e:
        fail(f"{case}: {e}")
    _print(result, console if console.is_terminal else Console(width=_PIPE_WIDTH, emoji=False))
    if out is not None:
        write_text_atomic(out, json.dumps(result.to_dict(), indent=2, sort_keys=True) + "\n")
        console.print(f"wrote {out}", highlight=False)
