"""Monte Carlo sweeps: many replays over a scenario's uncertain inputs, written so nothing is lost.

A sweep of ``runs`` replays is planned by the run service (:func:`accord.analysis.runs.plan_tasks`:
the same chunks, seeds and engine calls as :func:`~accord.analysis.runs.run_formats`, so a sweep
and ``run_formats`` give the same numbers for the same seed and chunk size); each chunk is one
vectorized ``run_batch`` call, and its rows (``BatchResult.to_frame()`` plus a global ``run`` id)
are written to ``chunks/chunk-KKKKKK.parquet`` atomically as soon as it completes.
``manifest.json`` records what identifies the sweep — scenario hash, format, seed, number of
runs, chunk size, horizon, history, mediator — and the versions that produced it.

A sweep imposes the scenario's history by default (``history="imposed"``, as a replay does).

Resuming (``resume=True``) checks the manifest, keeps every complete chunk file and computes
only the missing ones. Because a chunk depends only on (scenario, format, seed, chunk index,
chunk size, history), the final ``results.parquet`` — the chunks concatenated in order and checked to
hold exactly run ids ``0 .. runs-1`` once each — is the same whether the sweep ran in one go,
was killed and resumed any number of times, or ran on another backend.

Layout of an output folder::

    manifest.json      identity, versions, status (running | complete)
    scenario.yaml      the scenario as run (for reproduction)
    chunks/            one Parquet file per finished chunk (removed once results.parquet is complete)
    results.parquet    one row per replay, sorted by run
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import platform
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from accord import __version__
from accord.analysis.executors import Executor
from accord.analysis.progress import Progress
from accord.analysis.runs import DEFAULT_CHUNK_SIZE, Chunk, Runner, RunTask, execute, plan_chunks, plan_tasks
from accord.analysis.storage import (
    atomic_file,
    frame_to_table,
    remove_leftovers,
    write_bytes_atomic,
    write_json_atomic,
    write_parquet_atomic,
)
from accord.scenario import Scenario, dump_scenario, scenario_hash
from accord.simulation import BatchResult, History, HistoryLike, check_run, run_batch

MANIFEST = "manifest.json"
RESULTS = "results.parquet"
CHUNKS = "chunks"
SCENARIO_COPY = "scenario.yaml"
MANIFEST_VERSION = 2  # 2: history and mediator are part of a sweep's identity

_CHUNK_RE = re.compile(r"^chunk-(\d{6,})\.parquet$")
#: fields of the manifest that must match for a resume
IDENTITY = ("scenario_hash", "format", "seed", "runs", "chunk_size", "until", "history", "mediator")


class SweepError(ValueError):
    """A sweep cannot start or resume as asked (the message says why and what to do, naming the
    function's parameters, e.g. ``resume=True``; the command line names its flags instead)."""


def run_chunk(task: RunTask) -> pa.Table:
    """Compute one chunk: the engine's per-draw frame with the global ``run`` id in front."""
    c = task.chunk
    frame = task.run().to_frame().reset_index(drop=True)
    if "run" in frame.columns:
        raise RuntimeError("run_batch's frame already has a 'run' column; the sweep adds its own run ids")
    frame.insert(0, "run", c.run_ids)
    return frame_to_table(frame)


@dataclass
class SweepOutcome:
    """What a call to :func:`run_sweep` did."""

    out: Path
    runs: int
    chunk_size: int
    chunks_total: int
    chunks_reused: int
    chunks_computed: int
    seconds: float
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def results_path(self) -> Path:
        return self.out / RESULTS

    @property
    def runs_per_second(self) -> float:
        computed_runs = self.runs * self.chunks_computed / max(1, self.chunks_total)
        return computed_runs / self.seconds if self.seconds > 0 else float("nan")


def versions() -> dict[str, str]:
    """Versions of accord, Python and the libraries that shape a sweep's numbers and files."""
    out = {"accord": __version__, "python": platform.python_version()}
    for dist in ("numpy", "pandas", "pyarrow", "dask", "distributed"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            out[dist] = importlib.metadata.version(dist)
    return out


def chunk_path(out: Path, index: int) -> Path:
    return out / CHUNKS / f"chunk-{index:06d}.parquet"


def _identity(manifest: dict[str, Any]) -> dict[str, Any]:
    return {k: manifest.get(k) for k in IDENTITY}


def _read_manifest(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise SweepError(f"{path}: expected a sweep manifest (JSON), could not read it: {e}") from None
    if not isinstance(data, dict) or data.get("manifest_version") != MANIFEST_VERSION:
        found = data.get("manifest_version") if isinstance(data, dict) else None
        raise SweepError(
            f"{path}: expected a sweep manifest of version {MANIFEST_VERSION}, found "
            + (
                f"version {found} (written by an older accord: run the sweep again in a new `out`)"
                if found
                else "something else"
            )
        )
    return data


def stored_chunk_size(out: Path | str) -> int | None:
    """The chunk size recorded in a sweep folder's manifest; None when there is none to read."""
    path = Path(out) / MANIFEST
    if not path.is_file():
        return None
    try:
        value = _read_manifest(path).get("chunk_size")
    except SweepError:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else None


def _complete_chunks(out: Path, plan: list[Chunk]) -> set[int]:
    """Indices of chunk files that exist and hold the expected rows; damaged ones are removed."""
    folder = out / CHUNKS
    remove_leftovers(folder)
    by_index = {c.index: c for c in plan}
    done: set[int] = set()
    if not folder.is_dir():
        return done
    for p in sorted(folder.iterdir()):
        m = _CHUNK_RE.match(p.name)
        if not m:
            continue
        k = int(m.group(1))
        c = by_index.get(k)
        ok = False
        if c is not None:
            try:
                meta = pq.read_metadata(p)
                ok = meta.num_rows == c.draws and "run" in meta.schema.names
            except (OSError, pa.ArrowException):
                ok = False
        if ok:
            done.add(k)
        else:
            # a file we cannot trust is recomputed; atomic writes make this rare (e.g. disk damage)
            p.unlink()
    return done


def run_sweep(
    scenario: Scenario,
    out: Path | str,
    *,
    runs: int,
    format: str | None = None,
    seed: int = 0,
    history: HistoryLike = "imposed",
    mediator: str | None = None,
    chunk_size: int | None = None,
    until: float | None = None,
    resume: bool = False,
    executor: Executor | None = None,
    runner: Runner = run_batch,
    source: str | None = None,
    progress: Progress | None = None,
) -> SweepOutcome:
    """Run (or resume) a sweep of ``runs`` replays into the folder ``out``.

    Parameters
    ----------
    scenario: the scenario; its content hash identifies the sweep.
    out: output folder (created). Must be new or empty unless ``resume``.
    runs: number of replays (draws of the uncertain inputs).
    format: mediation format id (``None``: the engine's default for the scenario).
    seed: root seed; with ``chunk_size`` it fixes every number of the results.
    history: ``imposed`` (default, as a replay), ``counterfactual`` or ``from YEAR``.
    mediator: actor id of a single-mediator format's mediator.
    chunk_size: draws per engine batch (default 1000, or the manifest's on resume).
    until: optional horizon (decimal year) passed to the engine.
    resume: continue a sweep in ``out``; its manifest must match these arguments.
    executor: where chunks run (default: inline in this process).
    runner: the engine's ``run_batch`` (replaceable for tests).
    source: how the user named the scenario (recorded in the manifest).
    progress: ``progress(rows done, runs, what)`` at the start and after each chunk.

    Raises
    ------
    SweepError: the folder holds something else, or the manifest does not match.
    """
    started = time.perf_counter()
    out = Path(out)
    manifest_path = out / MANIFEST
    hist = History.parse(history)
    wanted = {
        "scenario_hash": scenario_hash(scenario),
        "format": format,
        "seed": int(seed),
        "runs": int(runs),
        "chunk_size": None if chunk_size is None else int(chunk_size),
        "until": until,
        "history": str(hist),
        "mediator": mediator,
    }
    if manifest_path.exists():
        if not resume:
            raise SweepError(
                f"{out}: a sweep is already stored here; pass `resume=True` to continue it, or choose another `out`"
            )
        manifest = _read_manifest(manifest_path)
        if wanted["chunk_size"] is None:
            wanted["chunk_size"] = manifest.get("chunk_size")
        have = _identity(manifest)
        diff = [f"{k}: stored {have[k]!r}, asked {wanted[k]!r}" for k in IDENTITY if have[k] != wanted[k]]
        if diff:
            raise SweepError(
                f"{manifest_path}: cannot resume, the sweep stored here differs from the one asked for ("
                + "; ".join(diff)
                + "). Use the same scenario and options, or another `out`."
            )
    else:
        if out.exists() and (not out.is_dir() or any(p for p in out.iterdir())):
            raise SweepError(f"{out}: expected a new or empty folder for the sweep, found existing files")
        if wanted["chunk_size"] is None:
            wanted["chunk_size"] = DEFAULT_CHUNK_SIZE
        # checked before anything is written: an unknown format or a scenario the engine cannot
        # run fails here, not after a manifest that a corrected rerun would have to match
        if runner is run_batch:
            check_run(scenario, format, mediator)
        probe = runner(
            scenario,
            format=format,
            draws=1,
            seed=int(seed),
            batch_index=0,
            until=until,
            mediator=mediator,
            history=hist,
        )
        manifest = {
            "manifest_version": MANIFEST_VERSION,
            **wanted,
            "scenario": scenario.meta.name,
            "scenario_source": source,
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "status": "running",
            "versions": versions(),
            # the order of the labels in agreement_proposal and final_format (BatchResult.from_frame)
            "proposal_ids": list(probe.proposal_ids),
            "format_ids": list(probe.format_ids),
        }
    size = int(wanted["chunk_size"] or DEFAULT_CHUNK_SIZE)
    plan = plan_chunks(runs, size)  # raises ValueError on runs < 1 or size < 1
    manifest["chunks"] = len(plan)
    out.mkdir(parents=True, exist_ok=True)

    if manifest.get("status") == "complete" and (out / RESULTS).exists():
        if progress is not None:
            progress(runs, runs, "complete")
        return SweepOutcome(out, runs, size, len(plan), len(plan), 0, time.perf_counter() - started, manifest)

    write_json_atomic(manifest_path, manifest)
    write_bytes_atomic(out / SCENARIO_COPY, dump_scenario(scenario).encode())
    done = _complete_chunks(out, plan)
    reused = len(done)
    todo = [c for c in plan if c.index not in done]
    rows_done = sum(c.draws for c in plan if c.index in done)
    tasks = plan_tasks(
        scenario,
        [format],
        runs=runs,
        seed=int(seed),
        history=hist,
        mediator=mediator,
        chunk_size=size,
        until=until,
        runner=runner,
    )
    todo_tasks = [t for t in tasks if t.chunk.index not in done]
    for task, table in execute(
        todo_tasks, total=runs, fn=run_chunk, executor=executor, progress=progress, done=rows_done
    ):
        write_parquet_atomic(chunk_path(out, task.chunk.index), table)

    digest = _assemble(out, plan)
    manifest.update(status="complete", rows=runs, results=RESULTS, results_sha256=digest, versions=versions())
    write_json_atomic(manifest_path, manifest)
    shutil.rmtree(out / CHUNKS, ignore_errors=True)
    return SweepOutcome(out, runs, size, len(plan), reused, len(todo), time.perf_counter() - started, manifest)


#: buffer this many bytes of chunks before writing a row group: the Parquet writer keeps some
#: metadata per row group (about 1.5 MB for a 900-column table), so one row group per small
#: chunk would grow memory with the number of chunks
ROW_GROUP_BYTES = 32 * 2**20


def _assemble(out: Path, plan: list[Chunk]) -> str:
    """Concatenate the chunk files in order into ``results.parquet`` and check the run ids.

    Streams the chunks, buffering at most about ``ROW_GROUP_BYTES`` per row group, so memory
    stays bounded whatever the number of runs."""
    schema: pa.Schema | None = None
    writer: pq.ParquetWriter | None = None
    buffer: list[pa.Table] = []
    buffered = 0

    def flush() -> None:
        nonlocal buffered
        if buffer:
            assert writer is not None
            writer.write_table(pa.concat_tables(buffer))
            buffer.clear()
            buffered = 0

    with atomic_file(out / RESULTS) as f:
        try:
            for c in plan:
                table = pq.read_table(chunk_path(out, c.index))
                run = table.column("run").to_numpy()
                if not np.array_equal(run, c.run_ids):
                    raise RuntimeError(f"chunk {c.index}: expected run ids {c.start}..{c.start + c.draws - 1}")
                if schema is None:
                    schema = table.schema
                    writer = pq.ParquetWriter(f, schema, compression="zstd")
                elif not table.schema.equals(schema):
                    table = table.cast(schema)
                buffer.append(table)
                buffered += table.nbytes
                if buffered >= ROW_GROUP_BYTES:
                    flush()
            flush()
        finally:
            if writer is not None:
                writer.close()
    h = hashlib.sha256()
    with open(out / RESULTS, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def summarize_results(out: Path | str) -> dict[str, float]:
    """Headline numbers of a complete sweep, read one row group at a time (memory: one chunk).

    Returns ``runs``, ``p_agreement``, ``median_agreement_year`` (NaN if none), ``p_war`` (at
    least one war) and ``vetoes_per_replay`` — those whose columns the results hold."""
    pf = pq.ParquetFile(Path(out) / RESULTS)
    names = set(pf.schema_arrow.names)
    veto_cols = [c for c in pf.schema_arrow.names if c.startswith("vetoes.")]
    cols = [c for c in ("agreement", "agreement_year", "wars") if c in names] + veto_cols
    n = agree = war = vetoes = 0.0
    years: list[np.ndarray] = []
    for batch in pf.iter_batches(columns=cols or ["run"], batch_size=10_000):
        n += batch.num_rows
        if "agreement" in names:
            agree += float(np.asarray(batch.column("agreement")).sum())
        if "agreement_year" in names:
            y = np.asarray(batch.column("agreement_year"), dtype=float)
            years.append(y[~np.isnan(y)])
        if "wars" in names:
            war += float((np.asarray(batch.column("wars")) > 0).sum())
        for c in veto_cols:
            vetoes += float(np.asarray(batch.column(c)).sum())
    out_d: dict[str, float] = {"runs": n}
    if n:
        if "agreement" in names:
            out_d["p_agreement"] = agree / n
        if "agreement_year" in names:
            all_years = np.concatenate(years) if years else np.array([])
            out_d["median_agreement_year"] = float(np.median(all_years)) if all_years.size else float("nan")
        if "wars" in names:
            out_d["p_war"] = war / n
        if veto_cols:
            out_d["vetoes_per_replay"] = vetoes / n
    return out_d


def load_results(out: Path | str) -> pd.DataFrame:
    """The results of a complete sweep, one row per replay, after checking run ids 0..N-1 once each."""
    out = Path(out)
    manifest = _read_manifest(out / MANIFEST)
    if manifest.get("status") != "complete":
        raise SweepError(f"{out}: the sweep is not complete; run it again with `resume=True`")
    frame = pd.read_parquet(out / RESULTS)
    n = int(manifest["runs"])
    if len(frame) != n or not np.array_equal(frame["run"].to_numpy(), np.arange(n)):
        raise SweepError(f"{out / RESULTS}: expected exactly {n} rows with run ids 0..{n - 1}")
    return frame


def load_batch(out: Path | str) -> BatchResult:
    """The results of a complete sweep as one :class:`~accord.simulation.BatchResult` (draw ``i`` = run ``i``)."""
    out = Path(out)
    manifest = _read_manifest(out / MANIFEST)
    frame = load_results(out)
    try:
        return BatchResult.from_frame(
            frame, proposal_ids=manifest.get("proposal_ids"), format_ids=manifest.get("format_ids")
        )
    except ValueError as e:
        raise SweepError(f"{out / RESULTS}: {e}") from None
