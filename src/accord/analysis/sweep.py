"""Monte Carlo sweeps: many replays over a scenario's uncertain inputs, written so nothing is lost.

A sweep of ``runs`` replays is planned by the run service (:func:`accord.analysis.runs.plan_tasks`:
the same chunks, seeds and engine calls as :func:`~accord.analysis.runs.run_formats`, so a sweep
and ``run_formats`` give the same numbers for the same seed and chunk size); each chunk is one
vectorized ``run_batch`` call, and its rows (``BatchResult.to_frame()`` plus a global ``run`` id)
are written to ``chunks/chunk-KKKKKK.parquet`` atomically as soon as it completes.
``manifest.json`` records what identifies the sweep — scenario hash, format, seed, number of
runs, chunk size, horizon, history, mediator — and the versions that produced it.

A sweep imposes the scenario's history by default (``history="imposed"``, as a replay does).

As each chunk is written its SHA-256 goes into the manifest (``chunk_sha256``, saved at most
every ``MANIFEST_EVERY_S`` seconds and whenever the sweep stops), and the final table's into
``results_sha256``. Resuming (``resume=True``) checks the manifest, keeps every chunk file whose
bytes match their recorded digest and computes the others again (missing, damaged, or written
after the manifest was last saved); a complete sweep whose table no longer matches its digest
(truncated, say) is computed again. Because a chunk depends only on (scenario, format, seed,
chunk index, chunk size, history), the final ``results.parquet`` — the chunks concatenated in
order and checked to hold exactly run ids ``0 .. runs-1`` once each — is the same whether the
sweep ran in one go, was killed and resumed any number of times, or ran on another backend.

One process writes a folder at a time: it holds ``sweep.lock`` (:mod:`accord.analysis.locks`)
from start to end, so a second sweep, or a resume while one runs, is refused with a message
naming the holder; the lock of a process that died is taken over. A write the storage refuses
(a full disk, a read-only folder) stops the sweep with a :class:`SweepError` naming the path;
what was finished stays on disk and a resume continues from it. Clean-up (deleting ``chunks/``
and temporary files once the table is complete) is repeated by every resume, so a sweep killed
while cleaning up leaves nothing behind for good.

Layout of an output folder::

    manifest.json      identity, versions, status (running | complete), SHA-256 of chunks and table
    scenario.yaml      the scenario as run (for reproduction)
    sweep.lock         while a sweep writes here: who (process id, host, command, start)
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
from accord.analysis.locks import FolderLock, LockHeld, describe_holder
from accord.analysis.progress import Progress
from accord.analysis.runs import DEFAULT_CHUNK_SIZE, Chunk, Runner, RunTask, execute, plan_chunks, plan_tasks
from accord.analysis.storage import (
    TMP_PREFIX,
    StorageError,
    atomic_file,
    remove_leftovers,
    sha256_file,
    write_bytes_atomic,
    write_json_atomic,
    write_parquet_atomic,
)
from accord.scenario import Scenario, dump_scenario
from accord.simulation import BatchResult, History, HistoryLike, check_run, run_batch

MANIFEST = "manifest.json"
RESULTS = "results.parquet"
CHUNKS = "chunks"
SCENARIO_COPY = "scenario.yaml"
LOCK = "sweep.lock"
#: save the manifest (with the digests of the chunks written so far) at most this often; a chunk
#: written after the last save is computed again on resume, so a kill loses about this much work
MANIFEST_EVERY_S = 1.0
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
    cols = task.run().columns()
    if "run" in cols:
        raise RuntimeError("run_batch's frame already has a 'run' column; the sweep adds its own run ids")
    # straight from the arrays: a DataFrame of ~1,500 columns costs more than the engine's batch
    return pa.table({"run": np.asarray(c.run_ids), **cols})


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
    #: what the call found and repaired (a stale lock taken over, damaged files recomputed)
    notes: list[str] = field(default_factory=list)

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


def _chunk_digests(manifest: dict[str, Any]) -> dict[str, str]:
    recorded = manifest.get("chunk_sha256")
    if not isinstance(recorded, dict):
        return {}
    return {k: v for k, v in recorded.items() if isinstance(k, str) and isinstance(v, str)}


def _unlink(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as e:
        raise StorageError.from_os_error(e, path) from None


def _verified_chunks(out: Path, plan: list[Chunk], digests: dict[str, str]) -> tuple[set[int], list[str]]:
    """Indices of the chunk files whose bytes have the SHA-256 the manifest recorded for them.

    Every other chunk file (damaged, or written after the manifest was last saved) is deleted and
    its digest dropped from ``digests``, so it is computed again; the digest of a file that is
    merely missing is kept (the folder may be back later; a recomputed chunk replaces it).
    Returns the indices and the names of the files that were damaged (a digest recorded,
    different bytes)."""
    folder = out / CHUNKS
    remove_leftovers(folder)
    expected = {chunk_path(out, c.index).name: c.index for c in plan}
    done: set[int] = set()
    damaged: list[str] = []
    if folder.is_dir():
        for p in sorted(folder.iterdir()):
            if not _CHUNK_RE.match(p.name):
                continue
            want = digests.get(p.name)
            if p.name in expected and want is not None and sha256_file(p) == want:
                done.add(expected[p.name])
                continue
            if want is not None:
                damaged.append(p.name)
            digests.pop(p.name, None)
            _unlink(p)
    return done, damaged


def _results_intact(out: Path, manifest: dict[str, Any]) -> bool:
    path = out / RESULTS
    want = manifest.get("results_sha256")
    try:
        return isinstance(want, str) and path.is_file() and sha256_file(path) == want
    except OSError:
        return False


def _clean_up(out: Path) -> None:
    """Remove what a complete sweep no longer needs: the chunk files and any temporary file.

    Idempotent: a sweep killed half-way through this is cleaned up by the next resume."""
    shutil.rmtree(out / CHUNKS, ignore_errors=True)
    remove_leftovers(out)


def _only_leftovers(out: Path) -> bool:
    """Whether ``out`` holds nothing but the lock and temporary files a killed writer left."""
    return all(p.name == LOCK or p.name.startswith(TMP_PREFIX) for p in out.iterdir())


def _check_and_probe(
    scenario: Scenario,
    runner: Runner,
    *,
    format: str | None,
    seed: int,
    until: float | None,
    mediator: str | None,
    hist: History,
) -> BatchResult:
    """One draw, before anything is written: an unknown format or a scenario the engine cannot
    run fails here, not after a manifest that a corrected rerun would have to match."""
    if runner is run_batch:
        check_run(scenario, format, mediator)
    return runner(
        scenario, format=format, draws=1, seed=seed, batch_index=0, until=until, mediator=mediator, history=hist
    )


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

    The folder is locked (``sweep.lock``) for the whole call: a second writer, or a resume while
    the sweep runs, is refused with a message naming the process that holds it. A lock left by a
    process that died is taken over (and said so in ``SweepOutcome.notes``).

    Raises
    ------
    SweepError: the folder holds something else, is locked by another sweep, the manifest does
        not match, or the storage refused a write (a full disk, a read-only folder: the message
        names the path; everything finished is kept and ``resume=True`` continues).
    """
    started = time.perf_counter()
    out = Path(out)
    hist = History.parse(history)
    text = dump_scenario(scenario)  # once: the hash and the folder's copy (the Minsk case takes ~1 s)
    wanted = {
        "scenario_hash": hashlib.sha256(text.encode()).hexdigest(),  # = scenario_hash(scenario)
        "format": format,
        "seed": int(seed),
        "runs": int(runs),
        "chunk_size": None if chunk_size is None else int(chunk_size),
        "until": until,
        "history": str(hist),
        "mediator": mediator,
    }
    if out.exists() and not out.is_dir():
        raise SweepError(f"{out}: expected a folder for the sweep, found a file; choose another `out`")
    probe = None
    if not (out / MANIFEST).exists():
        probe = _check_and_probe(
            scenario, runner, format=format, seed=int(seed), until=until, mediator=mediator, hist=hist
        )
    try:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StorageError.from_os_error(e, out) from None
        lock = FolderLock(out / LOCK)
        try:
            lock.acquire()
        except LockHeld as e:
            raise SweepError(
                f"{out}: another sweep is writing here: {describe_holder(e.holder)}. Wait for it to finish "
                "(or stop it), or choose another `out`"
            ) from None
        try:
            return _run_locked(
                scenario,
                out,
                lock,
                wanted,
                probe,
                text,
                hist=hist,
                resume=resume,
                executor=executor,
                runner=runner,
                source=source,
                progress=progress,
                started=started,
            )
        finally:
            lock.release()
    except StorageError as e:
        raise SweepError(
            f"{e}. Nothing finished is lost: once that is done, continue with `resume=True` and the same `out`"
        ) from e


def _run_locked(
    scenario: Scenario,
    out: Path,
    lock: FolderLock,
    wanted: dict[str, Any],
    probe: BatchResult | None,
    scenario_text: str,
    *,
    hist: History,
    resume: bool,
    executor: Executor | None,
    runner: Runner,
    source: str | None,
    progress: Progress | None,
    started: float,
) -> SweepOutcome:
    """:func:`run_sweep` once the folder is locked: every decision about what is there is made here."""
    notes: list[str] = []
    if lock.stale:
        notes.append(f"took over the lock left by {describe_holder(lock.stale)}, which is no longer running")
    if lock.unsupported:
        notes.append(
            f"{lock.path}: this file system cannot lock files ({lock.unsupported}); a second sweep writing to "
            "this folder at the same time would not be stopped"
        )
    manifest_path = out / MANIFEST
    runs, seed, format = int(wanted["runs"]), int(wanted["seed"]), wanted["format"]
    until, mediator = wanted["until"], wanted["mediator"]
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
        if not _only_leftovers(out):
            raise SweepError(f"{out}: expected a new or empty folder for the sweep, found existing files")
        if wanted["chunk_size"] is None:
            wanted["chunk_size"] = DEFAULT_CHUNK_SIZE
        if probe is None:  # the manifest was there when run_sweep looked, and is gone now
            probe = _check_and_probe(
                scenario, runner, format=format, seed=seed, until=until, mediator=mediator, hist=hist
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

    if manifest.get("status") == "complete":
        if _results_intact(out, manifest):
            _clean_up(out)  # a sweep killed while cleaning up is finished here
            if progress is not None:
                progress(runs, runs, "complete")
            return SweepOutcome(
                out, runs, size, len(plan), len(plan), 0, time.perf_counter() - started, manifest, notes
            )
        notes.append(
            f"{out / RESULTS}: missing or damaged (its SHA-256 is not the one the manifest recorded); "
            "the sweep is computed again"
        )
        for key in ("results", "results_sha256", "rows"):
            manifest.pop(key, None)
        manifest["status"] = "running"
        write_json_atomic(manifest_path, manifest)  # before the damaged table goes: never 'complete' without it
        _unlink(out / RESULTS)

    remove_leftovers(out)
    digests = _chunk_digests(manifest)
    done, damaged = _verified_chunks(out, plan, digests)
    notes += [f"{out / CHUNKS / name}: damaged (its SHA-256 is not the one recorded); recomputed" for name in damaged]
    manifest["chunk_sha256"] = digests  # updated in place as chunks are written
    write_json_atomic(manifest_path, manifest)
    write_bytes_atomic(out / SCENARIO_COPY, scenario_text.encode())
    reused = len(done)
    todo = [c for c in plan if c.index not in done]
    rows_done = sum(c.draws for c in plan if c.index in done)
    tasks = plan_tasks(
        scenario,
        [format],
        runs=runs,
        seed=seed,
        history=hist,
        mediator=mediator,
        chunk_size=size,
        until=until,
        runner=runner,
    )
    todo_tasks = [t for t in tasks if t.chunk.index not in done]
    saved = time.monotonic()
    try:
        for task, table in execute(
            todo_tasks, total=runs, fn=run_chunk, executor=executor, progress=progress, done=rows_done
        ):
            path = chunk_path(out, task.chunk.index)
            digests[path.name] = write_parquet_atomic(path, table)
            if time.monotonic() - saved >= MANIFEST_EVERY_S:
                write_json_atomic(manifest_path, manifest)
                saved = time.monotonic()
    finally:
        # whatever stopped the loop (the end, a failing chunk, Ctrl-C, a full disk), record the
        # digests of the chunks on disk; if even that fails, those chunks are computed again
        with contextlib.suppress(StorageError):
            write_json_atomic(manifest_path, manifest)

    digest = _assemble(out, plan)
    manifest.update(status="complete", rows=runs, results=RESULTS, results_sha256=digest, versions=versions())
    write_json_atomic(manifest_path, manifest)
    _clean_up(out)
    return SweepOutcome(out, runs, size, len(plan), reused, len(todo), time.perf_counter() - started, manifest, notes)


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
    return sha256_file(out / RESULTS)


def _unreadable(path: Path, e: Exception) -> SweepError:
    return SweepError(
        f"{path}: cannot read the sweep's results ({e}); if the file is damaged, run the sweep again "
        "with `resume=True`: it checks the file against the manifest and computes it again"
    )


def summarize_results(out: Path | str) -> dict[str, float]:
    """Headline numbers of a complete sweep, read one row group at a time (memory: one chunk).

    Returns ``runs``, ``p_agreement``, ``median_agreement_year`` (NaN if none), ``p_war`` (at
    least one war) and ``vetoes_per_replay`` — those whose columns the results hold."""
    path = Path(out) / RESULTS
    try:
        pf = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as e:
        raise _unreadable(path, e) from None
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
    try:
        frame = pd.read_parquet(out / RESULTS)
    except (OSError, pa.ArrowException) as e:
        raise _unreadable(out / RESULTS, e) from None
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
