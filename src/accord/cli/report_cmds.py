"""``accord report``: a self-contained HTML report (and figures for papers) from a case or a run directory."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from accord.cli import limits
from accord.cli.common import (
    FROM_HELP,
    as_flags,
    console,
    err_console,
    fail,
    history_help,
    load_or_exit,
    progress_bar,
    resolve_history,
)
from accord.simulation import EngineError, uncertain_inputs

if TYPE_CHECKING:
    from accord.scenario import Scenario


def report(
    case_or_rundir: Annotated[
        str,
        typer.Argument(
            metavar="CASE_OR_RUNDIR",
            help="A built-in case, a scenario file, or a run directory written by `accord sweep --out`.",
        ),
    ],
    out: Annotated[str, typer.Option("--out", "-o", help="The HTML file to write.")] = "report.html",
    figures_dir: Annotated[
        str | None, typer.Option("--figures", help="Also write each figure as PNG and SVG into this folder.")
    ] = None,
    formats: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            "-f",
            help="Formats to compare (repeatable); default: all the scenario can use. The first is replayed.",
        ),
    ] = None,
    runs: Annotated[
        int, typer.Option("--runs", min=1, max=1_000_000, help="Draws per format for the sweeps (a case only).")
    ] = 200,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the replay and the sweeps.")] = 0,
    chunk_size: Annotated[
        int | None,
        typer.Option(
            "--chunk-size",
            min=1,
            help="Draws per engine batch (as accord compare; default 1000, fewer to fit --max-memory).",
        ),
    ] = None,
    sensitivity_samples: Annotated[
        int,
        typer.Option(
            "--sensitivity-samples",
            min=0,
            help="Morris trajectories for the sensitivity ranking (a case only); the cost is about "
            "(inputs + 2) x samples x replicates replays. 0: rank by rank correlation over the sweep's draws instead.",
        ),
    ] = 4,
    replicates: Annotated[int, typer.Option("--replicates", min=1, help="Replays per sensitivity design point.")] = 4,
    history: Annotated[
        str | None,
        typer.Option(
            "--history",
            metavar="imposed|counterfactual",
            help="Of the sweeps, the comparison and the sensitivity ranking (a case only; the replay follows the "
            "record). " + history_help("counterfactual"),
        ),
    ] = None,
    from_year: Annotated[str | None, typer.Option("--from", metavar="YEAR", help=FROM_HELP)] = None,
    max_memory: Annotated[str, limits.max_memory_annotation()] = limits.DEFAULT,
) -> None:
    """Write one HTML file (opens offline) with the replay, bands, format comparison, vetoes, sensitivity and sources."""
    from accord.mechanisms.formats import available_formats, runnable_formats
    from accord.reports.report import write_report

    limit = limits.budget(max_memory)
    started = time.perf_counter()
    out_path = Path(out)
    fig_path = Path(figures_dir) if figures_dir else None
    if Path(case_or_rundir).is_dir():
        from accord.reports.rundir import RunDirError, read_run_dir

        if formats:
            fail("--format: a run directory's formats are fixed by its sweep; leave --format out")
        if history is not None or from_year is not None:
            fail("--history/--from: a run directory's history is fixed by its sweep; leave them out")
        try:
            inputs = read_run_dir(Path(case_or_rundir))
        except RunDirError as e:
            fail(str(e))
    else:
        from accord.reports.compute import case_report_inputs

        scenario = load_or_exit(case_or_rundir)
        hist = resolve_history(history, from_year, "counterfactual")
        known = available_formats(scenario)
        for f in formats or []:
            if f not in known:
                fail(f"--format: expected one of {', '.join(known)}, found {f!r}")
        chunk_size = _fit(
            case_or_rundir,
            scenario,
            formats or runnable_formats(scenario),
            runs,
            chunk_size,
            sensitivity_samples,
            replicates,
            limit,
        )
        try:
            with progress_bar(f"report {scenario.meta.name}") as progress:
                inputs = case_report_inputs(
                    scenario,
                    origin=case_or_rundir,
                    formats=formats or [],
                    runs=runs,
                    seed=seed,
                    history=hist,
                    chunk_size=chunk_size,
                    sensitivity_samples=sensitivity_samples,
                    replicates=replicates,
                    progress=progress,
                )
        except ValueError as e:  # EngineError included
            fail(f"{case_or_rundir}: {as_flags(str(e))}")
        err_console.print(f"history of the sweeps: {hist.describe()}", highlight=False)
    try:
        written = write_report(inputs, out_path, fig_path)
    except OSError as e:
        fail(f"--out/--figures: cannot write {e.filename or out_path}: {e.strerror or e}")
    except EngineError as e:
        fail(f"{case_or_rundir}: {e}")
    console.print(
        f"wrote {out_path} ({out_path.stat().st_size // 1024} KiB)"
        + (f" and {len(written) - 1} figure files in {fig_path}" if fig_path else "")
        + f" in {time.perf_counter() - started:.1f} s",
        highlight=False,
    )


def _fit(
    source: str,
    scenario: Scenario,
    formats: list[str],
    runs: int,
    chunk_size: int | None,
    sensitivity_samples: int,
    replicates: int,
    limit: int,
) -> int:
    """The chunk size of a report's sweeps within ``limit`` bytes (exit 2 with what to change when
    even one chunk, what the sweeps keep or the sensitivity design cannot fit)."""
    from accord.analysis.runs import DEFAULT_CHUNK_SIZE
    from accord.simulation.budget import kept_bytes

    if not formats:
        return chunk_size or DEFAULT_CHUNK_SIZE  # nothing runs; the run service says why
    shapes = [limits.run_shape(scenario, source, format=f) for f in formats]
    kept = kept_bytes(shapes[0], runs) * len(formats)
    if sensitivity_samples >= 2:
        kept += limits.sensitivity_design(
            source,
            limit,
            factors=len(uncertain_inputs(scenario)),
            method="morris",
            samples=sensitivity_samples,
            replicates=replicates,
        )
    limits.refuse_kept(source, "report", kept, limit, f"use fewer --runs than {runs:,} or fewer --format")
    chunk, _ = limits.chunk_plan(
        source,
        shapes,
        limit,
        chunk=chunk_size,
        cap=DEFAULT_CHUNK_SIZE,
        workers=None,
        what="report",
        option="--chunk-size",
        table=False,
        reserved=kept,
    )
    if sensitivity_samples >= 2 and replicates > chunk:  # a batch holds one design point's replicates
        limits.chunk_plan(
            source,
            shapes[:1],
            limit,
            chunk=replicates,
            cap=replicates,
            workers=None,
            what="report",
            option="--replicates",
            table=False,
            reserved=kept,
        )
    return chunk
