"""Commands over many replays: sweep, compare, sensitivity."""

from __future__ import annotations

import json
import math
import os
import shlex
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from accord.cli import limits
from accord.cli.common import (
    FROM_HELP,
    as_flags,
    check_mediator,
    console,
    err_console,
    fail,
    history_help,
    load_or_exit,
    progress_bar,
    resolve_history,
)
from accord.simulation import EngineError, uncertain_inputs
from accord.simulation.budget import kept_bytes

if TYPE_CHECKING:
    from accord.analysis.compare import Comparison, Estimate
    from accord.analysis.executors import Executor
    from accord.analysis.sensitivity import SensitivityReport
    from accord.analysis.sweep import SweepOutcome


def _executor(backend: str, address: str | None, workers: int | None) -> Executor:
    from accord.analysis.executors import Backend, ExecutorError, make_executor

    if backend not in ("local", "dask"):
        fail(f"--backend: expected local or dask, found {backend!r}")
    b: Backend = "dask" if backend == "dask" else "local"
    try:
        return make_executor(b, workers=workers, address=address)
    except ExecutorError as e:
        fail(f"--backend {backend}: {as_flags(str(e))}")


_BACKEND = typer.Option("local", "--backend", help="local (processes on this machine) or dask.")
_ADDRESS = typer.Option(
    None, "--address", help="Dask scheduler tcp://HOST:PORT or scheduler file (default: a LocalCluster)."
)
_WORKERS = typer.Option(None, "--workers", min=1, help="Processes (local) or LocalCluster workers; default: CPUs.")
_SEED = typer.Option(0, "--seed", min=0, help="Root seed: same seed, same numbers.")
_FROM = typer.Option(None, "--from", metavar="YEAR", help=FROM_HELP)
_MEDIATOR = typer.Option(
    None, "--mediator", help="Actor id of a single-mediator format's mediator (default: the least biased)."
)


def _history_option(default: str) -> Any:
    return typer.Option(None, "--history", metavar="imposed|counterfactual", help=history_help(default))


def _workers(backend: str, address: str | None, workers: int | None) -> int | None:
    """How many chunks may run at once on this machine (None: on a remote cluster's own machines)."""
    if backend == "dask" and address is not None:
        return None
    return workers if workers is not None else (os.cpu_count() or 1)


def sweep(
    case_or_path: str = typer.Argument(..., help="A built-in case name or a scenario file."),
    runs: int = typer.Option(..., "--runs", min=1, help="Number of replays."),
    format: str | None = typer.Option(None, "--format", help="Mediation format id (default: the scenario's own)."),
    seed: int = _SEED,
    out: Path | None = typer.Option(  # noqa: B008
        None, "--out", help="Output folder (default: runs/NAME-FORMAT-sSEED-nRUNS, plus -counterfactual or -fromYEAR)."
    ),
    backend: str = _BACKEND,
    address: str | None = _ADDRESS,
    workers: int | None = _WORKERS,
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted sweep in --out."),
    chunk_size: int | None = typer.Option(
        None,
        "--chunk-size",
        min=1,
        help="Replays per batch (default 1000, fewer when 1000 would need more than a quarter of --max-memory; "
        "part of the sweep's identity, kept on --resume).",
    ),
    history: str | None = _history_option("imposed"),
    from_year: str | None = _FROM,
    mediator: str | None = _MEDIATOR,
    max_memory: str = limits.max_memory_option(),
    compression: str | None = typer.Option(
        None,
        "--compression",
        help="Parquet codec of the results: zstd (default), lz4, snappy, gzip, brotli or none (kept on --resume).",
    ),
    store_inputs: bool = typer.Option(
        False,
        "--store-inputs",
        help="Store the drawn inputs in the results (default: drawn again exactly when read, checked by SHA-256; "
        "kept on --resume).",
    ),
) -> None:
    """Monte Carlo sweep: draw the uncertain inputs, replay, write one Parquet row per replay (lean, by chunk)."""
    from accord.analysis.runs import DEFAULT_CHUNK_SIZE
    from accord.analysis.sweep import SweepError, run_sweep, stored_chunk_size

    limit = limits.budget(max_memory)
    limits.check_runs(runs)
    scenario = load_or_exit(case_or_path)
    hist = resolve_history(history, from_year, "imposed")
    # the default folder names what sets the numbers; a history other than the default too
    tag = "" if hist.mode == "imposed" else "-" + str(hist).replace(" ", "")
    check_mediator(scenario, [format], mediator)
    folder = (
        out if out is not None else Path("runs") / f"{scenario.meta.name}-{format or 'default'}-s{seed}-n{runs}{tag}"
    )
    if chunk_size is None and resume:
        chunk_size = stored_chunk_size(folder)  # a resumed sweep keeps its chunks
    shape = limits.run_shape(scenario, case_or_path, format=format, mediator=mediator)
    chunk_size, workers = limits.chunk_plan(
        case_or_path,
        [shape],
        limit,
        chunk=chunk_size,
        cap=DEFAULT_CHUNK_SIZE,
        workers=_workers(backend, address, workers),
        what="sweep",
        option="--chunk-size",
    )
    with _executor(backend, address, workers) as ex, _signals_interrupt() as received:
        try:
            with progress_bar(f"sweep {scenario.meta.name}") as update:
                outcome = run_sweep(
                    scenario,
                    folder,
                    runs=runs,
                    format=format,
                    seed=seed,
                    history=hist,
                    mediator=mediator,
                    chunk_size=chunk_size,
                    resume=resume,
                    executor=ex,
                    source=case_or_path,
                    progress=update,
                    compression=compression,
                    store_inputs=True if store_inputs else None,  # left out: the manifest's on --resume
                )
        except SweepError as e:
            fail(as_flags(str(e)))
        except EngineError as e:
            fail(f"{case_or_path}: {e}")
        except (KeyboardInterrupt, SystemError) as e:
            # a Ctrl-C that lands inside a compiled kernel's call comes back from numba as a
            # SystemError ("returned a result with an exception set") caused by the interrupt
            if isinstance(e, SystemError) and not received and not isinstance(e.__cause__, KeyboardInterrupt):
                raise
            ex.abort()  # running chunks are lost; the finished ones are on disk already
            again = ["accord", "sweep", case_or_path, "--runs", str(runs), "--out", str(folder), "--seed", str(seed)]
            again += ["--format", format] if format else []
            again += ["--chunk-size", str(chunk_size)] if chunk_size else []
            again += ["--from", from_year] if from_year else ["--history", hist.mode]
            again += ["--mediator", mediator] if mediator else []
            what = "terminated (SIGTERM)" if received == [signal.SIGTERM] else "interrupted"
            code = 128 + signal.SIGTERM if received == [signal.SIGTERM] else 130
            fail(f"{what}; resume with: {shlex.join([*again, '--resume'])}", code=code)
        where = ex.describe()
    for note in outcome.notes:
        err_console.print(f"note: {as_flags(note)}", markup=False, highlight=False, soft_wrap=True)
    _print_sweep(outcome, where)


@contextmanager
def _signals_interrupt() -> Iterator[list[int]]:
    """While a sweep runs, SIGTERM stops it as Ctrl-C does (workers stopped, the command that
    resumes printed) instead of killing it outright; yields the signals received. A second
    SIGTERM or Ctrl-C while stopping ends the process at once (its workers follow it)."""
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received  # signal handlers can only be set from the main thread
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop), signal.signal(signal.SIGINT, stop)
    try:
        yield received
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])


def _print_sweep(o: SweepOutcome, where: str) -> None:
    from accord.analysis.sweep import SweepError, summarize_results

    try:
        summary = summarize_results(o.out)
    except SweepError as e:
        fail(as_flags(str(e)))
    t = Table(title=f"Sweep: {o.runs:,} replays → {o.results_path}", show_header=False)
    t.add_column("what")
    t.add_column("value")
    t.add_row(
        "chunks",
        f"{o.chunks_total} × up to {o.chunk_size:,} replays ({o.chunks_computed} computed, {o.chunks_reused} kept)",
    )
    t.add_row("history", str(o.manifest.get("history")))
    t.add_row("ran on", where)
    if o.chunks_computed:
        t.add_row("time", f"{o.seconds:.1f} s ({o.runs_per_second:,.0f} runs/s)")
    labels = {
        "p_agreement": ("P(agreement by the horizon)", "{:.3f}"),
        "median_agreement_year": ("median year of agreement, given one", "{:.1f}"),
        "p_war": ("P(at least one war)", "{:.3f}"),
        "vetoes_per_replay": ("vetoes per replay", "{:.2f}"),
    }
    for key, (label, fmt) in labels.items():
        if key in summary and not math.isnan(summary[key]):
            t.add_row(label, fmt.format(summary[key]))
    t.add_row("manifest", str(o.out / "manifest.json"))
    console.print(t)


def _split(values: str, what: str) -> list[str]:
    items = [v.strip() for v in values.split(",") if v.strip()]
    if not items:
        fail(f"{what}: expected a comma-separated list, found {values!r}")
    return items


def _fmt_est(e: Estimate, signed: bool = False, digits: int = 3) -> str:
    if e.n == 0 or math.isnan(e.mean):
        return "–"
    sign = "+" if signed else ""
    if math.isnan(e.low):
        return f"{e.mean:{sign}.{digits}f}"
    return f"{e.mean:{sign}.{digits}f} [{e.low:{sign}.{digits}f}, {e.high:{sign}.{digits}f}]"


def compare(
    case_or_path: str = typer.Argument(..., help="A built-in case name or a scenario file."),
    formats: str | None = typer.Option(
        None,
        "--formats",
        help="Comma-separated format ids; the first is the baseline (default: every format the scenario can run, "
        "its own first, then the built-in ones).",
    ),
    runs: int = typer.Option(1000, "--runs", min=2, help="Replays per format (the same draws for every format)."),
    seed: int = _SEED,
    years: str | None = typer.Option(None, "--years", help="Years for P(... by year), e.g. 2000,2010,2020."),
    confidence: float = typer.Option(0.95, "--confidence", min=0.5, max=0.999, help="Confidence level."),
    chunk_size: int | None = typer.Option(
        None, "--chunk-size", min=1, help="Replays per batch (default 1000, fewer to fit --max-memory)."
    ),
    backend: str = _BACKEND,
    address: str | None = _ADDRESS,
    workers: int | None = _WORKERS,
    as_json: bool = typer.Option(False, "--json", help="Print the comparison as JSON."),
    history: str | None = _history_option("counterfactual"),
    from_year: str | None = _FROM,
    mediator: str | None = _MEDIATOR,
    max_memory: str = limits.max_memory_option(),
) -> None:
    """Compare formats on common random numbers: paired differences with confidence intervals."""
    from accord.analysis.compare import compare_formats
    from accord.analysis.runs import DEFAULT_CHUNK_SIZE

    limit = limits.budget(max_memory)
    limits.check_runs(runs, "comparison")
    scenario = load_or_exit(case_or_path)
    hist = resolve_history(history, from_year, "counterfactual")
    if formats is None:
        from accord.mechanisms.formats import runnable_formats

        names = runnable_formats(scenario)
    else:
        names = _split(formats, "--formats")
    check_mediator(scenario, names, mediator)
    year_list: list[float] | None = None
    if years is not None:
        try:
            year_list = [float(y) for y in _split(years, "--years")]
        except ValueError:
            fail(f"--years: expected numbers such as 2000,2010, found {years!r}")
        if not all(math.isfinite(y) for y in year_list):
            fail(f"--years: expected finite years such as 2000,2010, found {years!r}")
    shapes = [limits.run_shape(scenario, case_or_path, format=name, mediator=mediator) for name in names]
    kept = kept_bytes(shapes[0], runs) * len(names)  # every format's per-draw outcomes, until the end
    limits.refuse_kept(case_or_path, "comparison", kept, limit, f"use fewer --runs than {runs:,}")
    chunk_size, workers = limits.chunk_plan(
        case_or_path,
        shapes,
        limit,
        chunk=chunk_size,
        cap=DEFAULT_CHUNK_SIZE,
        workers=_workers(backend, address, workers),
        what="comparison",
        option="--chunk-size",
        table=False,
        reserved=kept,
    )
    with _executor(backend, address, workers) as ex:
        try:
            with progress_bar(f"compare {len(names)} formats") as update:
                cmp = compare_formats(
                    scenario,
                    names,
                    runs=runs,
                    seed=seed,
                    history=hist,
                    mediator=mediator,
                    chunk_size=chunk_size,
                    years=year_list,
                    confidence=confidence,
                    executor=ex,
                    progress=update,
                )
        except ValueError as e:  # EngineError included
            fail(f"{case_or_path}: {as_flags(str(e))}")
    if as_json:
        typer.echo(json.dumps(cmp.to_dict(), indent=2))
        return
    _print_comparison(cmp)


def _print_comparison(c: Comparison) -> None:
    from accord.analysis.compare import difference_text
    from accord.simulation import History

    pct = f"{c.confidence:.0%}"
    console.print(
        f"[bold]{c.scenario}[/bold]: {c.runs:,} replays per format, seed {c.seed}, chunk size {c.chunk_size}; "
        f"history: {History.parse(c.history).describe()}",
        highlight=False,
    )
    t = Table(title=f"{c.scenario}: outcomes per format ({c.runs:,} replays each, {pct} CI)")
    for col in ("format", "by year", "P(agreement)", "P(war)"):
        t.add_column(col, justify="left" if col == "format" else "right")
    for f in c.formats:
        for k, y in enumerate(c.years):
            t.add_row(f.format if k == 0 else "", f"{y:g}", _fmt_est(f.p_agreement[y]), _fmt_est(f.p_war[y]))
        t.add_section()
    console.print(t)

    d = Table(title=f"Paired differences against {c.formats[0].format} (same inputs, draw by draw; {pct} CI)")
    for col in ("format", "by year", "Δ P(agreement)", "Δ P(war)"):
        d.add_column(col, justify="left" if col == "format" else "right")
    shares = {f.format: f for f in c.formats}
    base = c.formats[0]
    for diff in c.differences:
        other = shares[diff.format]
        for k, y in enumerate(c.years):
            d.add_row(
                diff.format if k == 0 else "",
                f"{y:g}",
                difference_text(diff.p_agreement[y], base.p_agreement[y], other.p_agreement[y]),
                difference_text(diff.p_war[y], base.p_war[y], other.p_war[y]),
            )
        d.add_section()
    console.print(d)

    issues = list(c.formats[0].terms)
    tt = Table(title="Expected terms given agreement (0-100; n draws), and paired Δ where both agree")
    tt.add_column("format")
    tt.add_column("n", justify="right")
    for i in issues:
        tt.add_column(i, justify="right")
    for f in c.formats:
        n = max((f.terms[i].n for i in issues), default=0)
        tt.add_row(f.format, str(n), *[_fmt_est(f.terms[i], digits=1) for i in issues])
    for diff in c.differences:
        n = max((diff.terms[i].n for i in issues), default=0)
        tt.add_row(f"Δ {diff.format}", str(n), *[_fmt_est(diff.terms[i], True, 1) for i in issues])
    console.print(tt)

    v = Table(title="Who vetoes most, and on which issue")
    for col in ("format", "actor", "vetoes / replay", "share of replays", "main issue"):
        v.add_column(col)
    for f in c.formats:
        if not f.vetoes:
            v.add_row(f.format, "–", "0", "", "")
        for k, row in enumerate(f.vetoes):
            v.add_row(
                f.format if k == 0 else "",
                str(row["actor"]),
                f"{row['vetoes_per_replay']:.2f}",
                f"{row['share_of_replays']:.1%}",
                f"{row['main_issue']} ({row['main_issue_share']:.0%})",
            )
    console.print(v)

    last = c.years[-1]
    kinds = [kind for kind in ("ceasefire", "process", "partial", "comprehensive") if kind in c.formats[0].p_signed]
    a = Table(title=f"Agreements of each type signed by {last:g}, and fighting in {last:g} ({pct} CI)")
    a.add_column("format")
    for kind in kinds:
        a.add_column(kind, justify="right")
    a.add_column("fighting", justify="right")
    for f in c.formats:
        a.add_row(f.format, *[_fmt_est(f.p_signed[kind][last]) for kind in kinds], _fmt_est(f.p_fighting[last]))
    console.print(a)
    w = Table(title="Why: refusals per replay by reason, leaders who fell, texts passed but not in force")
    for col in ("format", "actor", "refusals / replay", "main reasons"):
        w.add_column(col, overflow="fold")
    for f in c.formats:
        m = f.mechanisms
        rows = m.get("refusals", [])[:3]
        if not rows:
            w.add_row(f.format, "–", "0", "")
        for k, row in enumerate(rows):
            reasons = sorted(row["by_reason"].items(), key=lambda kv: -kv[1])[:2]
            w.add_row(
                f.format if k == 0 else "",
                str(row["actor"]),
                f"{row['per_replay']:.2f}",
                "; ".join(f"{why} ({n:.2f})" for why, n in reasons),
            )
        extra = []
        if m.get("leaders_removed_per_replay"):
            extra.append(
                "leaders fell: " + ", ".join(f"{a} {n:.2f}" for a, n in m["leaders_removed_per_replay"].items())
            )
        share = m.get("share_with_a_text_passed_but_not_in_force", 0.0)
        if share:
            extra.append(f"a text passed over an objection, unenforced, in {share:.0%} of replays")
        if extra:
            w.add_row("", "", "", "; ".join(extra))
        w.add_section()
    console.print(w)
    for diff in c.differences:
        e = diff.p_agreement[last]
        said = difference_text(e, base.p_agreement[last], shares[diff.format].p_agreement[last])
        verdict = "higher" if e.excludes_zero and e.mean > 0 else "lower" if e.excludes_zero else "not distinguishable"
        worded = {
            "no events": "has no events in either format",
            "every draw": "is 1 in both formats",
            "same in every draw": "is the same in every draw",
        }
        if said in worded:
            verdict, said = worded[said], ""
        crn = (
            f"common random numbers checked on {diff.common_inputs} shared inputs"
            if diff.inputs_identical
            else "inputs NOT identical"
        )
        console.print(
            f"{diff.format} vs {diff.baseline}: P(agreement by {last:g}) {verdict}{f' ({said})' if said else ''}; {crn}.",
            highlight=False,
        )
    for note in c.notes:
        err_console.print(f"note: {note}", highlight=False)


def sensitivity(
    case_or_path: str = typer.Argument(..., help="A built-in case name or a scenario file."),
    format: str | None = typer.Option(None, "--format", help="Mediation format id (default: the scenario's own)."),
    method: str = typer.Option("morris", "--method", help="morris (screening) or sobol (variance shares)."),
    samples: int | None = typer.Option(
        None, "--samples", min=2, help="Morris trajectories (default 10) or Sobol base N, a power of 2 (default 64)."
    ),
    replicates: int = typer.Option(8, "--replicates", min=1, help="Replays per design point."),
    seed: int = _SEED,
    top: int = typer.Option(10, "--top", min=1, help="Inputs to list per outcome."),
    backend: str = _BACKEND,
    address: str | None = _ADDRESS,
    workers: int | None = _WORKERS,
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    history: str | None = _history_option("counterfactual"),
    from_year: str | None = _FROM,
    mediator: str | None = _MEDIATOR,
    max_memory: str = limits.max_memory_option(),
) -> None:
    """Global sensitivity of agreement, war and vetoes to each uncertain input, and scenario discovery."""
    from accord.analysis.runs import DEFAULT_CHUNK_SIZE
    from accord.analysis.sensitivity import SensitivityError, analyse_sensitivity

    limit = limits.budget(max_memory)
    scenario = load_or_exit(case_or_path)
    hist = resolve_history(history, from_year, "counterfactual")
    if method not in ("morris", "sobol"):
        fail(f"--method: expected morris or sobol, found {method!r}")
    check_mediator(scenario, [format], mediator)
    design = limits.sensitivity_design(
        case_or_path,
        limit,
        factors=len(uncertain_inputs(scenario)),
        method=method,
        samples=samples,
        replicates=replicates,
    )
    shape = limits.run_shape(scenario, case_or_path, format=format, mediator=mediator)

    def fit(chunk: int | None, option: str | None, n: int | None) -> tuple[int, int | None]:
        return limits.chunk_plan(
            case_or_path,
            [shape],
            limit,
            chunk=chunk,
            cap=DEFAULT_CHUNK_SIZE,
            workers=n,
            what="sensitivity analysis",
            option=option,
            table=False,
            reserved=design,
        )

    chunk_draws, n_workers = fit(None, None, _workers(backend, address, workers))
    if replicates > chunk_draws:  # a batch holds at least one design point's replicates
        chunk_draws, n_workers = fit(replicates, "--replicates", n_workers)
    with _executor(backend, address, n_workers) as ex:
        try:
            with progress_bar(f"sensitivity ({method})") as update:
                rep = analyse_sensitivity(
                    scenario,
                    format=format,
                    method="sobol" if method == "sobol" else "morris",
                    samples=samples,
                    replicates=replicates,
                    seed=seed,
                    history=hist,
                    mediator=mediator,
                    chunk_draws=chunk_draws,
                    executor=ex,
                    progress=update,
                )
        except SensitivityError as e:
            fail(f"{case_or_path}: {as_flags(str(e))}")
        except EngineError as e:
            fail(f"{case_or_path}: {e}")
    if as_json:
        typer.echo(json.dumps(rep.to_dict(), indent=2))
        return
    _print_sensitivity(rep, top)


def _print_sensitivity(r: SensitivityReport, top: int) -> None:
    from accord.analysis.sensitivity import DUMMY
    from accord.simulation import History

    console.print(
        f"[bold]{r.scenario}[/bold] under {r.format}; history: {History.parse(r.history).describe()}",
        highlight=False,
    )
    console.print(
        f"{len(r.factors)} uncertain inputs, {r.method} design of "
        f"{r.design_points} points × {r.replicates} replicates; base rates: P(agreement) "
        f"{r.base_rates['agreement']:.3f}, P(war) {r.base_rates['war']:.3f}, vetoes/replay {r.base_rates['vetoes']:.2f}",
        highlight=False,
    )
    for outcome, rows in r.ranking.items():
        if not rows:
            continue
        floor = r.noise_floor[outcome]
        t = Table(title=f"{outcome}: inputs ranked by {r.index_name} (noise floor = dummy input: {floor:.3g})")
        t.add_column("#", justify="right")
        t.add_column("input")
        t.add_column(r.index_name, justify="right")
        t.add_column("± 95%", justify="right")
        for key in rows[0].extra:
            t.add_column(key, justify="right")
        t.add_column("")
        shown = 0
        for row in rows:
            if row.name == DUMMY:
                continue
            shown += 1
            if shown > top:
                break
            mark = "" if row.index - row.conf > floor else "≈ noise"
            t.add_row(
                str(shown),
                row.name,
                f"{row.index:.3g}",
                f"{row.conf:.2g}",
                *[f"{v:.3g}" for v in row.extra.values()],
                mark,
            )
        console.print(t)
    for outcome, box in r.boxes.items():
        t = Table(title=f"Scenario discovery: where {outcome} is most likely (PRIM box)")
        t.add_column("input")
        t.add_column("range in box")
        for name, (lo, hi) in box.limits.items():
            t.add_row(name, f"{lo:.3g} – {hi:.3g}")
        if not box.limits:
            t.add_row("(no input range raises the rate)", "")
        console.print(t)
        console.print(
            f"  P({outcome}) in the box {box.density:.3f} vs {box.base_rate:.3f} overall; "
            f"box holds {box.support:.0%} of design points and {box.coverage:.0%} of the {outcome} cases",
            highlight=False,
        )
        b = Table(title=f"P({outcome}) across each input's range: the inputs that move it most")
        b.add_column("input")
        b.add_column("rate per quantile bin or design level (low → high)")
        for x in r.bins[outcome][: min(top, 5)]:
            b.add_row(x.name, "  ".join("–" if math.isnan(v) else f"{v:.2f}" for v in x.rates))
        console.print(b)
    for note in r.notes:
        err_console.print(f"note: {note}", highlight=False)


def register(app: Any) -> None:
    """Add the commands to the ``accord`` app."""
    app.command("sweep")(sweep)
    app.command("compare")(compare)
    app.command("sensitivity")(sensitivity)
