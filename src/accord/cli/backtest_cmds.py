"""``accord backtest``: score a case against its historical record, year by year, from the inputs
known before each year; proposals and formats entry by entry."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from accord.analysis.storage import write_text_atomic
from accord.cli.common import (
    FROM_HELP,
    console,
    err_console,
    fail,
    history_help,
    load_or_exit,
    progress_bar,
    resolve_history,
)
from accord.scenario import ScenarioError
from accord.scenario.timeline import has_timeline, load_timeline, read_timeline_bytes
from accord.simulation import EngineError, History

if TYPE_CHECKING:
    from accord.analysis.backtest import BacktestResult

WIDTH = 80
"""The text output fits 80 columns (wider terminals get the same layout)."""

_SHORT = {
    "fighting": "fight",
    "onset": "onset",
    "ceasefire_signed": "cf",
    "process_signed": "proc",
    "partial_signed": "part",
    "comprehensive_signed": "comp",
    "implementation_signed": "impl",
    "renewal_signed": "renew",
    "ceasefire_in_force": "cf-in",
}


def _name(outcome: str) -> str:
    """An outcome's name in the text tables (agreement types alone: 'signed in the year')."""
    return "cf in force" if outcome == "ceasefire_in_force" else outcome.removesuffix("_signed")


def _f(x: Any, fmt: str = "{:.2f}") -> str:
    return fmt.format(x) if isinstance(x, int | float) and math.isfinite(x) else "–"


def _ci(s: dict[str, Any], key: str, fmt: str = "{:+.2f}") -> str:
    lo, hi = s.get(f"{key}_ci", [math.nan, math.nan])
    return f"[{_f(lo, fmt)}, {_f(hi, fmt)}]"


def _years_table(result: BacktestResult) -> Table:
    t = Table(
        title="P(outcome) by year; * = it happened (the record)",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        title_justify="left",
    )
    t.add_column("year", justify="right")
    for o in result.outcomes:
        t.add_column(_SHORT[o], justify="right")
    by = {(r.year, r.outcome): r for r in result.year_rows}
    for y in range(result.scored_years[0], result.scored_years[1] + 1):
        cells = []
        for o in result.outcomes:
            r = by[(y, o)]
            cells.append(Text(f"{r.p:.2f}*", style="bold") if r.observed else Text(f"{r.p:.2f} "))
        t.add_row(str(y), *cells)
    return t


def _scores_table(result: BacktestResult) -> Table:
    t = Table(
        title="Scores per outcome over the scored years (agreement types: signed in the year)",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        title_justify="left",
    )
    for col in ("outcome", "yrs", "ev", "AUC", "Brier", "vs base", "vs LOO", "vs pers"):
        t.add_column(col, justify="left" if col == "outcome" else "right")
    for o in result.outcomes:
        s = result.scores[o]
        auc = _f(s["auc"]) if not s["auc_note"] else "n/a"
        t.add_row(
            _name(o),
            str(s["n"]),
            str(s["events"]),
            auc,
            _f(s["brier"], "{:.3f}"),
            _f(s["brier_skill_base_rate"], "{:+.2f}"),
            _f(s.get("brier_skill_base_rate_loo"), "{:+.2f}"),
            _f(s["brier_skill_persistence"], "{:+.2f}"),
        )
    return t


def _intervals_table(result: BacktestResult) -> Table:
    t = Table(
        title=f"95% intervals of AUC and skill ({result.bootstrap} bootstrap replicates resampling years)",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        title_justify="left",
    )
    for col in ("outcome", "AUC (replicates)", "vs base", "vs LOO", "vs pers"):
        t.add_column(col, justify="left" if col == "outcome" else "right")
    for o in result.outcomes:
        s = result.scores[o]
        auc = "n/a: one class" if s["auc_note"] else f"{_ci(s, 'auc', '{:.2f}')} ({s['auc_replicates']})"
        t.add_row(
            _name(o),
            auc,
            _ci(s, "brier_skill_base_rate"),
            _ci(s, "brier_skill_base_rate_loo"),
            _ci(s, "brier_skill_persistence"),
        )
    return t


def _reliability_table(result: BacktestResult) -> Table:
    t = Table(
        title="Reliability: mean P / observed rate, in bins of equal count (lowest P first)",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        title_justify="left",
    )
    t.add_column("outcome")
    n_bins = max(len(result.scores[o]["reliability"]) for o in result.outcomes)
    for k in range(n_bins):
        t.add_column(f"bin {k + 1}", justify="right")
    for o in result.outcomes:
        bins = result.scores[o]["reliability"]
        t.add_row(_name(o), *(f"{b['p_mean']:.2f}/{b['observed']:.2f}" for b in bins))
    return t


def _rows_table(result: BacktestResult) -> Table:
    t = Table(
        title="Proposals and formats (Brier of P(event); 0.25 = saying 0.5)",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        title_justify="left",
    )
    for col in ("date", "entry", "history", "P(event)", "Brier"):
        t.add_column(col, justify="right" if col in ("P(event)", "Brier") else "left", overflow="fold")
    for r in result.rows:
        t.add_row(r.date, Text(r.label), Text(r.history), f"{r.p_event:.2f}", f"{r.brier:.3f}")
    return t


def print_result(result: BacktestResult, out: Console) -> None:
    """The backtest as text that fits 80 columns."""
    prov = result.provenance
    out.print(
        f"Backtest of {result.case}, {result.scored_years[0]}-{result.scored_years[1]}: {result.runs} runs per "
        f"replay, seed {result.seed}; {History.parse(result.history).describe()}. Each year is replayed from "
        "the inputs dated before it.",
        highlight=False,
    )
    if prov:
        dirty = " (uncommitted changes)" if prov.get("dirty") else ""
        out.print(
            f"code {str(prov.get('commit'))[:12]}{dirty}; case sha256 {str(prov['case']['sha256'])[:16]}; "
            f"timeline {str(prov['timeline']['sha256'])[:16]}; hazards {str(prov['hazards']['sha256'])[:16]}",
            highlight=False,
        )
    out.print(_years_table(result))
    out.print(_scores_table(result))
    out.print(
        "Skill = 1 - Brier / Brier of a reference (> 0 beats it). base = the record's own rate over the "
        "scored years (the headline reference); LOO = the rate over the other years; pers = last year's "
        "outcome. AUC n/a: one class in the record.",
        highlight=False,
    )
    out.print(_intervals_table(result))
    out.print(_reliability_table(result))
    if result.rows:
        out.print(_rows_table(result))
        for r in result.rows:
            if r.note:
                out.print(f"  {r.date} {r.label}: {r.note}", highlight=False)
    events = {o: result.scores[o]["events"] for o in result.outcomes}
    n = len(range(result.scored_years[0], result.scored_years[1] + 1))
    out.print(
        f"n is tiny: {n} years; events in the record: "
        + ", ".join(f"{_SHORT[o]} {k}" for o, k in events.items())
        + ". Intervals are wide and an AUC over one or two events says little.",
        highlight=False,
    )
    for note in result.notes:
        out.print(note, highlight=False)


def backtest_cmd(
    case: str = typer.Argument(
        ..., help="A built-in case with a timeline (e.g. example, minsk-group) or a scenario file."
    ),
    runs: int = typer.Option(200, "--runs", min=1, max=100_000, help="Draws of the uncertain inputs per replay."),
    seed: int = typer.Option(0, "--seed", min=0, help="Seed of every replay and of the bootstrap."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON (only JSON on stdout)."),
    out: Annotated[Path | None, typer.Option("--out", help="Also write the result as JSON to this file.")] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write an HTML report (tables and reliability diagrams).")
    ] = None,
    timeline: Annotated[
        Path | None, typer.Option("--timeline", help="A timeline file (default: the case's own).")
    ] = None,
    bootstrap: Annotated[int, typer.Option("--bootstrap", min=0, help="Bootstrap replicates over years.")] = 1000,
    history: Annotated[
        str | None, typer.Option("--history", metavar="imposed|counterfactual", help=history_help("imposed"))
    ] = None,
    from_year: Annotated[str | None, typer.Option("--from", metavar="YEAR", help=FROM_HELP)] = None,
) -> None:
    """Score CASE against its historical record: for each scored year, replay the case from the inputs
    dated before that year and compare P(fighting), P(war onset), P(each agreement type signed) and
    P(a ceasefire in force) with what happened (Brier score, skill against the base rate and
    persistence, AUC, reliability, bootstrap intervals); proposals and formats entry by entry. The
    output records the commit of the code and the sha256 of the case, its timeline and the hazard table."""
    from accord.analysis.backtest import backtest, provenance
    from accord.scenario.loader import resolve

    scenario = load_or_exit(case)
    hist = resolve_history(history, from_year, "imposed")
    source = str(timeline) if timeline is not None else case
    if timeline is None and not has_timeline(case):
        fail(f"{case}: expected a built-in case with a timeline or --timeline FILE, found no timeline for it")
    try:
        tl = load_timeline(source, scenario)
        tl_bytes, tl_name = read_timeline_bytes(source)
    except ScenarioError as e:
        fail(str(e))
    case_bytes, case_name = resolve(case)
    prov = provenance(case_bytes, case_name, tl_bytes, tl_name)
    try:
        with progress_bar(f"backtest {scenario.meta.name}", unit="") as progress:
            result = backtest(
                scenario,
                tl,
                runs=runs,
                seed=seed,
                history=hist,
                bootstrap=bootstrap,
                progress=progress,
                provenance=prov,
            )
    except (EngineError, ValueError) as e:
        fail(f"{case}: {e}")
    data = result.to_dict()
    text = json.dumps(data, indent=2, sort_keys=False) + "\n"
    if out is not None:
        write_text_atomic(out, text)
    if report is not None:
        from accord.reports.backtest import write_backtest

        write_backtest(data, report)
    if as_json:
        sys.stdout.write(text)
        for path in (out, report):
            if path is not None:
                err_console.print(f"wrote {path}", highlight=False)
        return
    print_result(result, Console(width=min(WIDTH, console.width) if console.is_terminal else WIDTH, emoji=False))
    for path in (out, report):
        if path is not None:
            console.print(f"wrote {path}", highlight=False)
