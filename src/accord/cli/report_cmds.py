"""``accord report``: a self-contained HTML report (and figures for papers) from a case or a run directory."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from accord.cli import limits
from accord.cli.common import console, fail, load_or_exit
from accord.scenario.parameters import with_parameter
from accord.simulation import EngineError, uncertain_inputs
from accord.simulation.budget import DEFAULT_MAX_MEMORY, kept_bytes


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
    draws: Annotated[
        int, typer.Option("--draws", min=1, max=1_000_000, help="Draws per format for the bands (a case only).")
    ] = 200,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the replay and the sweeps.")] = 0,
    chunk: Annotated[
        int | None,
        typer.Option("--chunk", min=1, help="Draws per engine call (default 100, fewer to fit --max-memory)."),
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
        bool,
        typer.Option(
            "--history/--counterfactual",
            help="Sweeps, comparison and sensitivity (a case only): --counterfactual (default) does not impose the "
            "dated wars, so formats can differ in war and peace; --history imposes them as the replay does.",
        ),
    ] = False,
    max_memory: Annotated[str, limits.max_memory_annotation()] = limits.DEFAULT,
) -> None:
    """Write one HTML file (opens offline) with the replay, bands, format comparison, vetoes, sensitivity and sources."""
    limit = limits.budget(max_memory)
    try:
        _report(
            case_or_rundir,
            out,
            figures_dir,
            formats,
            draws,
            seed,
            chunk,
            sensitivity_samples,
            replicates,
            history,
            limit,
        )
    except EngineError as e:
        fail(f"{case_or_rundir}: {e}")


def _report(
    case_or_rundir: str,
    out: str,
    figures_dir: str | None,
    formats: list[str] | None,
    draws: int,
    seed: int,
    chunk: int | None,
    sensitivity_samples: int,
    replicates: int,
    history: bool = False,
    limit: int = DEFAULT_MAX_MEMORY,
) -> None:
    from accord.reports import compute
    from accord.reports.report import ReportInputs, write_report

    started = time.perf_counter()
    formats = formats or []
    out_path = Path(out)
    fig_path = Path(figures_dir) if figures_dir else None
    if Path(case_or_rundir).is_dir():
        from accord.reports.rundir import RunDirError, read_run_dir

        try:
            inputs = read_run_dir(Path(case_or_rundir))
        except RunDirError as e:
            fail(str(e))
        if formats:
            fail("--format: a run directory's formats are fixed by its sweep; leave --format out")
    else:
        scenario = load_or_exit(case_or_rundir)
        known = compute.available_formats(scenario)
        for f in formats:
            if f not in known:
                fail(f"--format: expected one of {', '.join(known)}, found {f!r}")
        runnable, skipped = compute.runnable_formats(scenario)
        notes = [f"Format {name} is left out: {why}" for name, why in skipped.items() if not formats]
        chosen: list[str | None] = list(formats or runnable)
        shapes = [limits.run_shape(scenario, case_or_rundir, format=f) for f in chosen]
        kept = kept_bytes(shapes[0], draws) * len(chosen)
        if sensitivity_samples >= 2:
            kept += limits.sensitivity_design(
                case_or_rundir,
                limit,
                factors=len(uncertain_inputs(scenario)),
                method="morris",
                samples=sensitivity_samples,
                replicates=replicates,
            )
        limits.refuse_kept(case_or_rundir, "report", kept, limit, f"use fewer --draws than {draws:,} or fewer --format")
        chunk, _ = limits.chunk_plan(
            case_or_rundir,
            shapes,
            limit,
            chunk=chunk,
            cap=100,
            workers=None,
            what="report",
            option="--chunk",
            table=False,
            reserved=kept,
        )
        if sensitivity_samples >= 2 and replicates > chunk:  # a batch holds one design point's replicates
            limits.chunk_plan(
                case_or_rundir,
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
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task(f"replay under {chosen[0] or 'default'}", total=1)
            replay = compute.run_replay(scenario, format=chosen[0], seed=seed)
            bar.update(task, completed=1)
            sweep_task = bar.add_task("sweeps", total=len(chosen) * len(compute.chunk_sizes(draws, chunk)))

            def progress(done: int, total: int, what: str) -> None:
                bar.update(sweep_task, completed=done, total=total, description=what)

            swept = scenario
            if not history:
                # the replay follows the record; the sweeps ask what each format would have done
                swept = with_parameter(
                    scenario, "history_events", 0.0, "counterfactual sweeps: dated wars are not imposed"
                )
                notes.append(
                    "Sweeps, format comparison and sensitivity are counterfactual: the scenario's dated wars and "
                    "statements are not imposed (history_events = 0), so wars arise from each format's own "
                    "dynamics. The replay above follows the record. Use --history to impose them."
                )
            batches = compute.run_sweeps(swept, formats=chosen, draws=draws, seed=seed, chunk=chunk, progress=progress)
            sensitivity = None
            if sensitivity_samples >= 2:
                bar.add_task("sensitivity (Morris)", total=None)
                ranked, why = compute.run_sensitivity(
                    swept,
                    format=chosen[0],
                    seed=seed,
                    samples=sensitivity_samples,
                    replicates=replicates,
                    chunk_draws=max(chunk, replicates),
                )
                if why is None:
                    sensitivity = ranked
                else:
                    notes.append(f"Sensitivity: {why}")
        inputs = ReportInputs(
            scenario=scenario,
            origin=case_or_rundir,
            seed=seed,
            draws=draws,
            replay=replay,
            replay_format=chosen[0],
            batches=dict(batches),
            sensitivity=sensitivity,
            notes=notes,
        )
    try:
        written = write_report(inputs, out_path, fig_path)
    except OSError as e:
        fail(f"--out/--figures: cannot write {e.filename or out_path}: {e.strerror or e}")
    console.print(
        f"wrote {out_path} ({out_path.stat().st_size // 1024} KiB)"
        + (f" and {len(written) - 1} figure files in {fig_path}" if fig_path else "")
        + f" in {time.perf_counter() - started:.1f} s",
        highlight=False,
    )
