"""Monte Carlo sweeps: many replays over a scenario's uncertain inputs, written so nothing is lost.

A sweep of ``runs`` replays is planned by the run service (:func:`accord.analysis.runs.plan_tasks`:
the same chunks, seeds and engine calls as :func:`~accord.analysis.runs.run_formats`, so a sweep
and ``run_formats`` give the same numbers for the same seed and chunk size); each chunk is one
vectorized ``run_batch`` call, encoded by the worker that ran it in the lean columnar layout of
:mod:`accord.analysis.lean` (constant columns kept once in the file's metadata, per-actor and
per-year arrays in long form, ids dictionary-encoded, the drawn inputs drawn again on read
unless ``store_inputs``) and written to ``results/chunk-KKKKKK.parquet`` atomically as soon as
it completes. Those files *are* the results, a Parquet dataset read chunk by chunk in run
order: nothing is rewritten at the end. ``manifest.json`` records what identifies the sweep —
scenario hash, format, seed, number of runs, chunk size, horizon, history, mediator,
compression, whether the inputs are stored — and the versions that produced it.

A sweep imposes the scenario's history by default (``history="imposed"``, as a replay does).

As each chunk is written its SHA-256 (of the bytes in memory, so never read back) goes into the
manifest (``chunk_sha256``, saved at most every ``MANIFEST_EVERY_S`` seconds and whenever the
sweep stops); once every chunk is there, ``results_sha256`` is the SHA-256 of the list of chunk
digests in order, as ``sha256sum`` prints it (``cd results && sha256sum chunk-*.parquet |
sha256sum`` gives it again). Resuming (``resume=True``) checks the manifest, keeps every chunk
file whose bytes match their recorded digest and computes the others again (missing, damaged,
or written after the manifest was last saved), whether the sweep was running or complete.
Because a chunk depends only on (scenario, format, seed, chunk index, chunk size, history,
compression), the results are the same bytes whether the sweep ran in one go, was killed and
resumed any number of times, or ran on another backend.

One process writes a folder at a time: it holds ``sweep.lock`` (:mod:`accord.analysis.locks`)
from start to end, so a second sweep, or a resume while one runs, is refused with a message
naming the holder; the lock of a process that died is taken over. A write the storage refuses
(a full disk, a read-only folder) stops the sweep with a :class:`SweepError` naming the path;
what was finished stays on disk and a resume continues from it. Clean-up (deleting temporary
files) is repeated by every resume, so a sweep killed while cleaning up leaves nothing behind.

The coordinating process keeps nothing per chunk but its digest (64 characters): memory does
not grow with the number of runs.

Layout of an output folder::

    manifest.json      identity, versions, status (running | complete), SHA-256 of chunks and results
    scenario.yaml      the scenario as run (for reproduction, and to draw the inputs again)
    sweep.lock         while a sweep writes here: who (process id, host, command, start)
    results/           one lean Parquet file per chunk, chunk-000000.parquet … in run order

Readers (:func:`load_results`, :func:`load_batch`, :func:`iter_batches`, :func:`summarize_results`)
rebuild exactly the wide table of :meth:`BatchResult.to_frame` (plus ``run``) and the
:class:`BatchResult` an in-memory ``run_formats`` of the same draws returns, bit for bit.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import json
import platform
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from accord import __version__
from accord.analysis import lean
from accord.analysis.executors import Executor
from accord.analysis.locks import FolderLock, LockHeld, describe_holder
from accord.analysis.progress import Progress
from accord.analysis.runs import DEFAULT_CHUNK_SIZE, Chunk, Runner, RunTask, execute, plan_chunks, plan_tasks
from accord.analysis.storage import (
    TMP_PREFIX,
    StorageError,
    remove_leftovers,
    sha256_file,
    write_bytes_atomic,
    write_json_atomic,
)
from accord.scenario import Scenario, ScenarioError, dump_scenario, parse_scenario
from accord.simulation import BatchResult, History, HistoryLike, check_run, run_batch
from accord.simulation.inputs import draw_inputs

if TYPE_CHECKING:  # pandas loads where a wide table is asked for
    import pandas as pd

MANIFEST = "manifest.json"
#: the results: a folder of one lean Parquet file per chunk (the chunk files are the results)
RESULTS = "results"
CHUNKS = RESULTS
SCENARIO_COPY = "scenario.yaml"
LOCK = "sweep.lock"
#: save the manifest (with the digests of the chunks written so far) at most this often; a chunk
#: written after the last save is computed again on resume, so a kill loses about this much work
MANIFEST_EVERY_S = 1.0
MANIFEST_VERSION = 3  # 2: history and mediator are part of a sweep's identity; 3: the lean layout
DEFAULT_COMPRESSION = "zstd"

_CHUNK_RE = re.compile(r"^chunk-(\d{6,})\.parquet$")
#: fields of the manifest that must match for a resume
IDENTITY = (
    "scenario_hash",
    "format",
    "seed",
    "runs",
    "chunk_size",
    "until",
    "history",
    "mediator",
    "compression",
    "store_inputs",
)
#: identity fields that a resume takes from the manifest when the caller leaves them out (None)
_STORED_DEFAULTS = ("chunk_size", "compression", "store_inputs")


class SweepError(ValueError):
    """A sweep cannot start or resume as asked (the message says why and what to do, naming the
    function's parameters, e.g. ``resume=True``; the command line names its flags instead)."""


def _redrawn(
    scenario: Scenario, seed: int, c: Chunk, overrides: dict[str, np.ndarray] | None = None
) -> dict[str, np.ndarray]:
    """The inputs of chunk ``c``, drawn again as the engine drew them (common random numbers)."""
    return draw_inputs(scenario, c.draws, seed=seed, batch_index=c.index, overrides=overrides)[1]


def run_chunk(task: RunTask, compression: str = DEFAULT_COMPRESSION, store_inputs: bool = False) -> bytes:
    """Compute one chunk and encode it (in the worker): the bytes of its lean Parquet file.

    The inputs are left out only where drawing them again gives the same bits (checked here, by
    their SHA-256); otherwise, or with ``store_inputs``, they are stored."""
    batch = task.run()
    keep = store_inputs
    if not keep:
        try:
            overrides = dict(task.overrides) if task.overrides is not None else None
            again = _redrawn(task.scenario, task.seed, task.chunk, overrides)
        except (KeyError, ValueError):
            again = {}
        keep = list(again) != list(batch.inputs) or lean.inputs_digest(again) != lean.inputs_digest(batch.inputs)
    table = lean.encode(batch, task.chunk.run_ids, store_inputs=keep)
    return lean.to_parquet(table, compression)


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
        """The results folder (one Parquet file per chunk, in run order)."""
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


def _results_digest(plan: list[Chunk], digests: dict[str, str]) -> str:
    """SHA-256 of the chunks' digests in run order, as ``sha256sum chunk-*.parquet`` lists them."""
    h = hashlib.sha256()
    for c in plan:
        name = f"chunk-{c.index:06d}.parquet"
        h.update(f"{digests[name]}  {name}\n".encode())
    return h.hexdigest()


def results_sha256(out: Path | str) -> str:
    """The SHA-256 of the chunk files in ``out/results`` as ``results_sha256`` records it, computed
    from their bytes (it reads them all): what ``cd results && sha256sum chunk-*.parquet | sha256sum``
    prints."""
    folder = Path(out) / RESULTS
    h = hashlib.sha256()
    for p in sorted(folder.iterdir()):
        if _CHUNK_RE.match(p.name):
            h.update(f"{sha256_file(p)}  {p.name}\n".encode())
    return h.hexdigest()


def _results_intact(out: Path, manifest: dict[str, Any], plan: list[Chunk]) -> bool:
    """Whether every chunk file of a complete sweep has the bytes the manifest recorded."""
    digests = _chunk_digests(manifest)
    want = manifest.get("results_sha256")
    try:
        return (
            isinstance(want, str)
            and all(chunk_path(out, c.index).name in digests for c in plan)
            and _results_digest(plan, digests) == want
            and all(sha256_file(chunk_path(out, c.index)) == digests[chunk_path(out, c.index).name] for c in plan)
        )
    except OSError:
        return False


def _clean_up(out: Path) -> None:
    """Remove what a complete sweep no longer needs: temporary files a killed writer left.

    Idempotent: a sweep killed half-way through this is cleaned up by the next resume."""
    remove_leftovers(out)
    remove_leftovers(out / RESULTS)


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
    compression: str | None = None,
    store_inputs: bool | None = None,
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
    compression: Parquet codec of the chunk files (``zstd`` default, or the manifest's on resume;
        one of :data:`accord.analysis.lean.COMPRESSIONS`).
    store_inputs: store the drawn inputs as ``in.NAME`` columns (default: not stored, drawn
        again on read and checked by SHA-256; or the manifest's on resume).

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
        "compression": compression,
        "store_inputs": None if store_inputs is None else bool(store_inputs),
    }
    if compression is not None and compression not in lean.COMPRESSIONS:
        raise SweepError(f"compression: expected one of {', '.join(lean.COMPRESSIONS)}, found {compression!r}")
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
        for key in _STORED_DEFAULTS:
            if wanted[key] is None:
                wanted[key] = manifest.get(key)
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
        for key, default in zip(_STORED_DEFAULTS, (DEFAULT_CHUNK_SIZE, DEFAULT_COMPRESSION, False), strict=True):
            if wanted[key] is None:
                wanted[key] = default
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
            "layout": lean.LAYOUT_VERSION,
            "versions": versions(),
            # the order of the labels in agreement_proposal and final_format (BatchResult.from_frame)
            "proposal_ids": list(probe.proposal_ids),
            "format_ids": list(probe.format_ids),
        }
    size = int(wanted["chunk_size"] or DEFAULT_CHUNK_SIZE)
    plan = plan_chunks(runs, size)  # raises ValueError on runs < 1 or size < 1
    manifest["chunks"] = len(plan)

    if manifest.get("status") == "complete":
        if _results_intact(out, manifest, plan):
            _clean_up(out)  # a sweep killed while cleaning up is finished here
            if progress is not None:
                progress(runs, runs, "complete")
            return SweepOutcome(
                out, runs, size, len(plan), len(plan), 0, time.perf_counter() - started, manifest, notes
            )
        missing = [chunk_path(out, c.index) for c in plan if not chunk_path(out, c.index).is_file()]
        notes += [f"{p}: missing; computed again" for p in missing]
        for key in ("results", "results_sha256", "rows"):
            manifest.pop(key, None)
        manifest["status"] = "running"
        write_json_atomic(manifest_path, manifest)  # before a damaged chunk goes: never 'complete' without it

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
    encode = functools.partial(
        run_chunk, compression=str(wanted["compression"]), store_inputs=bool(wanted["store_inputs"])
    )
    saved = time.monotonic()
    try:
        for task, data in execute(
            todo_tasks, total=runs, fn=encode, executor=executor, progress=progress, done=rows_done
        ):
            path = chunk_path(out, task.chunk.index)
            write_bytes_atomic(path, data)
            digests[path.name] = hashlib.sha256(data).hexdigest()  # of the bytes written, never read back
            del data
            if time.monotonic() - saved >= MANIFEST_EVERY_S:
                write_json_atomic(manifest_path, manifest)
                saved = time.monotonic()
    finally:
        # whatever stopped the loop (the end, a failing chunk, Ctrl-C, a full disk), record the
        # digests of the chunks on disk; if even that fails, those chunks are computed again
        with contextlib.suppress(StorageError):
            write_json_atomic(manifest_path, manifest)

    lost = [c.index for c in plan if chunk_path(out, c.index).name not in digests]
    if lost:
        raise RuntimeError(f"chunks {lost[:5]}: finished without their files being recorded")
    manifest.update(
        status="complete",
        rows=runs,
        results=RESULTS,
        results_sha256=_results_digest(plan, digests),
        versions=versions(),
    )
    write_json_atomic(manifest_path, manifest)
    _clean_up(out)
    return SweepOutcome(out, runs, size, len(plan), reused, len(todo), time.perf_counter() - started, manifest, notes)


def _unreadable(path: Path, e: Exception) -> SweepError:
    return SweepError(
        f"{path}: cannot read the sweep's results ({e}); if the file is damaged, run the sweep again "
        "with `resume=True`: it checks the file against the manifest and computes it again"
    )


def _complete(out: Path) -> dict[str, Any]:
    manifest = _read_manifest(out / MANIFEST)
    if manifest.get("status") != "complete":
        raise SweepError(f"{out}: the sweep is not complete; run it again with `resume=True`")
    return manifest


def iter_batches(out: Path | str, *, inputs: bool = True) -> Iterator[tuple[Chunk, BatchResult]]:
    """The chunks of a complete sweep in run order, each as the engine's :class:`BatchResult`
    (memory: one chunk). ``inputs``: with the drawn inputs (drawn again from ``scenario.yaml``,
    seed and chunk where they are not stored, and checked against the SHA-256 the sweep recorded);
    False: without them (``inputs == {}``), which is cheaper."""
    out = Path(out)
    manifest = _complete(out)
    plan = plan_chunks(int(manifest["runs"]), int(manifest["chunk_size"]))
    scenario: Scenario | None = None

    def redraw(c: Chunk) -> dict[str, np.ndarray]:
        nonlocal scenario
        if scenario is None:
            path = out / SCENARIO_COPY
            try:
                data = path.read_bytes()
            except OSError as e:
                raise SweepError(f"{path}: expected the scenario as run (to draw the inputs again): {e}") from None
            # the copy is the very text the hash was taken of: no second dump (~1 s for Minsk)
            if hashlib.sha256(data).hexdigest() != manifest.get("scenario_hash"):
                raise SweepError(f"{path}: expected the scenario the manifest's hash names, found a changed file")
            try:
                scenario = parse_scenario(data, str(path))
            except ScenarioError as e:
                raise SweepError(str(e)) from None
        return _redrawn(scenario, int(manifest["seed"]), c)

    for c, path, table in _chunk_tables(out, plan):
        try:
            batch = lean.decode(table, redraw=functools.partial(redraw, c) if inputs else None)
        except ValueError as e:
            raise SweepError(f"{path}: {e}") from None
        yield c, batch


def _chunk_tables(
    out: Path, plan: list[Chunk], fields: list[str] | None = None
) -> Iterator[tuple[Chunk, Path, pa.Table]]:
    """Each chunk's stored table (only the columns ``fields`` need), its run ids checked."""
    for c in plan:
        path = chunk_path(out, c.index)
        try:
            if fields is None:
                table = pq.read_table(path)
            else:
                pf = pq.ParquetFile(path)
                table = pf.read(columns=lean.columns_of(pf.schema_arrow, fields))
        except (OSError, pa.ArrowException) as e:
            raise _unreadable(path, e) from None
        if "run" not in table.column_names or not np.array_equal(table.column("run").to_numpy(), c.run_ids):
            raise SweepError(f"{path}: expected run ids {c.start}..{c.start + c.draws - 1}")
        yield c, path, table


def summarize_results(out: Path | str) -> dict[str, float]:
    """Headline numbers of a complete sweep, read one chunk at a time (memory: one chunk).

    Returns ``runs``, ``p_agreement``, ``median_agreement_year`` (NaN if none), ``p_war`` (at
    least one war) and ``vetoes_per_replay`` (where the kernel has actors and issues)."""
    out = Path(out)
    manifest = _complete(out)
    plan = plan_chunks(int(manifest["runs"]), int(manifest["chunk_size"]))
    n = agree = war = vetoes = 0.0
    years: list[np.ndarray] = []
    has_vetoes = False
    fields = ["agreement", "agreement_year", "wars", "vetoes"]
    for _, path, table in _chunk_tables(out, plan, fields):
        try:
            b = lean.decode_fields(table, fields)
        except ValueError as e:
            raise SweepError(f"{path}: {e}") from None
        n += table.num_rows
        agree += float(b["agreement"].sum())
        y = np.asarray(b["agreement_year"], dtype=float)
        years.append(y[~np.isnan(y)])
        war += float((b["wars"] > 0).sum())
        has_vetoes = b["vetoes"].shape[1] * b["vetoes"].shape[2] > 0
        vetoes += float(b["vetoes"].sum())
    out_d: dict[str, float] = {"runs": n}
    if n:
        out_d["p_agreement"] = agree / n
        all_years = np.concatenate(years) if years else np.array([])
        out_d["median_agreement_year"] = float(np.median(all_years)) if all_years.size else float("nan")
        out_d["p_war"] = war / n
        if has_vetoes:
            out_d["vetoes_per_replay"] = vetoes / n
    return out_d


def load_batch(out: Path | str, *, inputs: bool = True) -> BatchResult:
    """The results of a complete sweep as one :class:`~accord.simulation.BatchResult` (draw ``i`` =
    run ``i``), equal bit for bit to what ``run_formats`` returns for the same draws (its
    ``trajectory``, draw 0's narration, is not stored). ``inputs``: see :func:`iter_batches`."""
    return BatchResult.concat([b for _, b in iter_batches(out, inputs=inputs)])


def load_results(out: Path | str, *, inputs: bool = True) -> pd.DataFrame:
    """The results of a complete sweep as the wide table, one row per replay: ``run`` then the
    columns of :meth:`BatchResult.to_frame` (``in.NAME`` for the inputs, unless ``inputs=False``)."""
    import pandas as pd

    batch = load_batch(out, inputs=inputs)
    return pd.DataFrame({"run": np.arange(batch.draws, dtype=np.int64), **batch.columns()})
