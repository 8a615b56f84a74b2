"""A sweep's folder under faults, through the Python API: the lock, the digests checked on resume,
damaged files computed again, idempotent clean-up and refused writes (on the small example case).

The same faults from the command line, on a real full disk and a read-only folder, and the
processes a killed sweep leaves, are in test_sweep_processes.py."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from accord.analysis import sweep as sweep_module
from accord.analysis.locks import FolderLock, LockHeld
from accord.analysis.storage import StorageError, sha256_file, write_bytes_atomic
from accord.analysis.sweep import (
    CHUNKS,
    LOCK,
    MANIFEST,
    RESULTS,
    SweepError,
    chunk_path,
    load_results,
    results_sha256,
    run_sweep,
    summarize_results,
)
from accord.scenario import Scenario, load_scenario
from accord.simulation import BatchResult, run_batch


@pytest.fixture(scope="module")
def example() -> Scenario:
    return load_scenario("example")


KW = {"runs": 230, "chunk_size": 50, "seed": 7}


@pytest.fixture(scope="module")
def reference(example: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An uninterrupted sweep: what every repaired or resumed one must equal, byte for byte."""
    out = tmp_path_factory.mktemp("ref") / "s"
    run_sweep(example, out, **KW)  # type: ignore[arg-type]
    return out


def _same_as_reference(out: Path, reference: Path) -> None:
    # the same bytes in every chunk file, and the manifest's digest is theirs
    assert results_sha256(out) == results_sha256(reference) == _manifest(out)["results_sha256"]
    pd.testing.assert_frame_equal(load_results(out), load_results(reference), check_exact=True)


class _Crash(RuntimeError):
    pass


def _crashing_runner(after: int):  # type: ignore[no-untyped-def]
    def runner(*args, **kw) -> BatchResult:  # type: ignore[no-untyped-def]
        if kw["batch_index"] >= after:
            raise _Crash("simulated failure")
        return run_batch(*args, **kw)

    return runner


def _partial(example: Scenario, out: Path, chunks: int) -> None:
    """A sweep stopped after ``chunks`` chunks (inline, in order), as if the process had died."""
    with pytest.raises(_Crash):
        run_sweep(example, out, runner=_crashing_runner(chunks), **KW)  # type: ignore[arg-type]


def _manifest(out: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((out / MANIFEST).read_text())


# -- the lock --------------------------------------------------------------------------------


def _hold_lock(path: Path) -> subprocess.Popen[str]:
    """Another process that holds the lock ``path`` until its stdin closes."""
    code = (
        "import sys\nfrom accord.analysis.locks import FolderLock\n"
        "lock = FolderLock(sys.argv[1], command='accord sweep (the other one)')\nlock.acquire()\n"
        "print('locked', flush=True)\nsys.stdin.read()\nlock.release()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def _release(holder: subprocess.Popen[str]) -> None:
    assert holder.stdin is not None
    holder.stdin.close()
    assert holder.wait(timeout=30) == 0


def test_a_second_writer_is_refused_naming_the_folder_and_the_holder(example: Scenario, tmp_path: Path) -> None:
    out = tmp_path / "s"
    _partial(example, out, 2)
    before = {p.name: sha256_file(p) for p in (out / CHUNKS).iterdir()}
    holder = _hold_lock(out / LOCK)
    try:
        for resume in (True, False):
            with pytest.raises(SweepError) as err:
                run_sweep(example, out, resume=resume, **KW)  # type: ignore[arg-type]
            msg = str(err.value)
            assert msg.startswith(f"{out}: another sweep is writing here: process {holder.pid} on ")
            assert "(accord sweep (the other one))" in msg and "choose another `out`" in msg
        # a new sweep that another process has just begun in an empty folder: refused too
        fresh = tmp_path / "fresh"
        fresh.mkdir()
        other = _hold_lock(fresh / LOCK)
        try:
            with pytest.raises(SweepError, match=f"process {other.pid}"):
                run_sweep(example, fresh, **KW)  # type: ignore[arg-type]
        finally:
            _release(other)
    finally:
        _release(holder)
    assert {p.name: sha256_file(p) for p in (out / CHUNKS).iterdir()} == before, "the refused writer wrote nothing"
    outcome = run_sweep(example, out, resume=True, **KW)  # type: ignore[arg-type]
    assert outcome.chunks_reused == 2 and outcome.notes == []
    assert not (out / LOCK).exists(), "a lock released normally is deleted"


def test_the_lock_excludes_a_second_holder_in_the_same_process(tmp_path: Path) -> None:
    with FolderLock(tmp_path / LOCK, command="first") as first:
        assert first.held
        with pytest.raises(LockHeld, match=f"process {os.getpid()} on .*\\(first\\)"):
            FolderLock(tmp_path / LOCK).acquire()
    with FolderLock(tmp_path / LOCK) as again:  # released: free again
        assert again.held and again.stale == {}


def test_a_stale_lock_of_a_dead_process_is_taken_over(example: Scenario, tmp_path: Path, reference: Path) -> None:
    out = tmp_path / "s"
    _partial(example, out, 3)
    # what a process killed with SIGKILL leaves: the file with its note, but no lock on it
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    (out / LOCK).write_text(json.dumps({"pid": pid, "host": "h", "since": "then", "command": "accord sweep x"}))
    outcome = run_sweep(example, out, resume=True, **KW)  # type: ignore[arg-type]
    assert outcome.notes == [
        f"took over the lock left by process {pid} on h, since then (accord sweep x), which is no longer running"
    ]
    assert outcome.chunks_reused == 3 and outcome.chunks_computed == 2
    _same_as_reference(out, reference)
    assert not (out / LOCK).exists()


def test_a_file_system_that_cannot_lock_files_gets_a_note_not_a_traceback(
    example: Scenario, tmp_path: Path, reference: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accord.analysis import locks

    def no_locks(fd: int) -> bool:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(locks, "_try_lock", no_locks)
    outcome = run_sweep(example, tmp_path / "s", **KW)  # type: ignore[arg-type]
    assert outcome.notes == [
        f"{tmp_path / 's' / LOCK}: this file system cannot lock files (No locks available); a second sweep "
        "writing to this folder at the same time would not be stopped"
    ]
    _same_as_reference(tmp_path / "s", reference)


# -- digests ---------------------------------------------------------------------------------


def test_the_manifest_records_each_chunks_sha256_as_it_is_written(example: Scenario, tmp_path: Path) -> None:
    out = tmp_path / "s"
    _partial(example, out, 3)
    recorded = _manifest(out)["chunk_sha256"]
    on_disk = {p.name: sha256_file(p) for p in sorted((out / CHUNKS).glob("chunk-*.parquet"))}
    assert recorded == on_disk and len(on_disk) == 3
    run_sweep(example, out, resume=True, **KW)  # type: ignore[arg-type]
    m = _manifest(out)
    assert m["status"] == "complete" and m["results_sha256"] == results_sha256(out)
    assert len(m["chunk_sha256"]) == 5
    assert m["chunk_sha256"] == {p.name: sha256_file(p) for p in (out / RESULTS).iterdir()}


def test_a_chunk_whose_bytes_differ_from_its_digest_is_computed_again(
    example: Scenario, tmp_path: Path, reference: Path
) -> None:
    out = tmp_path / "s"
    _partial(example, out, 3)
    # a valid Parquet file with the right number of rows, but another chunk's: only the digest tells
    shutil.copyfile(chunk_path(out, 0), chunk_path(out, 1))
    outcome = run_sweep(example, out, resume=True, **KW)  # type: ignore[arg-type]
    assert outcome.chunks_reused == 2 and outcome.chunks_computed == 3
    assert outcome.notes == [
        f"{out / CHUNKS / 'chunk-000001.parquet'}: damaged (its SHA-256 is not the one recorded); recomputed"
    ]
    _same_as_reference(out, reference)


def test_a_chunk_written_after_the_manifest_was_last_saved_is_computed_again(
    example: Scenario, tmp_path: Path, reference: Path
) -> None:
    out = tmp_path / "s"
    _partial(example, out, 3)
    m = _manifest(out)
    del m["chunk_sha256"]["chunk-000002.parquet"]  # as after a kill -9 between the chunk and the save
    write_bytes_atomic(out / MANIFEST, json.dumps(m).encode())
    (out / CHUNKS / "chunk-000099.parquet").write_bytes(b"belongs to no chunk of this plan")
    outcome = run_sweep(example, out, resume=True, **KW)  # type: ignore[arg-type]
    assert outcome.chunks_reused == 2 and outcome.chunks_computed == 3 and outcome.notes == []
    _same_as_reference(out, reference)


@pytest.mark.parametrize("damage", ["truncate", "delete", "flip"])
def test_a_damaged_chunk_of_a_complete_sweep_is_refused_by_readers_and_computed_again_by_resume(
    example: Scenario, tmp_path: Path, reference: Path, damage: str
) -> None:
    out = tmp_path / "s"
    run_sweep(example, out, **KW)  # type: ignore[arg-type]
    table = chunk_path(out, 3)
    data = table.read_bytes()
    if damage == "truncate":
        table.write_bytes(data[: len(data) // 2])
        for read in (load_results, summarize_results):
            with pytest.raises(SweepError, match=f"{table}: cannot read the sweep's results .*`resume=True`"):
                read(out)
        note = f"{table}: damaged (its SHA-256 is not the one recorded); recomputed"
    elif damage == "delete":
        table.unlink()
        note = f"{table}: missing; computed again"
    else:  # one byte changed in a column's data: may well still read, but is not what was written
        table.write_bytes(data[:100] + bytes([data[100] ^ 0xFF]) + data[101:])
        note = f"{table}: damaged (its SHA-256 is not the one recorded); recomputed"
    outcome = run_sweep(example, out, resume=True, **KW)  # type: ignore[arg-type]
    assert outcome.notes == [note]
    assert outcome.chunks_computed == 1 and outcome.chunks_reused == 4, "only the damaged chunk is computed again"
    _same_as_reference(out, reference)
    again = run_sweep(example, out, resume=True, **KW)  # type: ignore[arg-type]
    assert again.chunks_computed == 0 and again.notes == []


# -- clean-up --------------------------------------------------------------------------------


class _Killed(BaseException):
    """Stands for SIGKILL arriving half-way through the clean-up (nothing after it runs)."""


def test_a_kill_during_clean_up_leaves_nothing_stale_after_the_next_resume(
    example: Scenario, tmp_path: Path, reference: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "s"

    def clean_up_then_die(folder: Path) -> None:
        sweep_module.remove_leftovers(folder)  # the folder's leftovers gone, the results' not yet
        raise _Killed

    monkeypatch.setattr(sweep_module, "_clean_up", clean_up_then_die)
    with pytest.raises(_Killed):
        run_sweep(example, out, **KW)  # type: ignore[arg-type]
    monkeypatch.undo()
    assert _manifest(out)["status"] == "complete"
    (out / ".tmp-manifest.json.abc").write_bytes(b"a killed writer's leftover")
    (out / RESULTS / ".tmp-chunk-000001.parquet.abc").write_bytes(b"another")
    stamps = {p.name: p.stat().st_mtime_ns for p in (out / RESULTS).glob("chunk-*.parquet")}
    outcome = run_sweep(example, out, resume=True, **KW)  # type: ignore[arg-type]
    assert outcome.chunks_computed == 0
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, RESULTS, "scenario.yaml"]
    assert sorted(p.name for p in (out / RESULTS).iterdir()) == [f"chunk-{k:06d}.parquet" for k in range(5)]
    assert {p.name: p.stat().st_mtime_ns for p in (out / RESULTS).glob("chunk-*.parquet")} == stamps
    _same_as_reference(out, reference)


# -- refused writes --------------------------------------------------------------------------


def test_a_file_where_the_chunks_folder_belongs_is_a_located_error_and_stays_resumable(
    example: Scenario, tmp_path: Path, reference: Path
) -> None:
    out = tmp_path / "s"
    _partial(example, out, 2)
    (out / CHUNKS).rename(tmp_path / "kept")
    (out / CHUNKS).write_text("not a folder")
    with pytest.raises(SweepError) as err:
        run_sweep(example, out, resume=True, **KW)  # type: ignore[arg-type]
    assert str(err.value) == (
        f"{out / CHUNKS}: cannot write: a file stands where a folder is expected; move that file away, or write "
        "to another folder. Nothing finished is lost: once that is done, continue with `resume=True` and the "
        "same `out`"
    )
    assert isinstance(err.value.__cause__, StorageError)
    assert not (out / LOCK).exists()
    (out / CHUNKS).unlink()
    (tmp_path / "kept").rename(out / CHUNKS)
    outcome = run_sweep(example, out, resume=True, **KW)  # type: ignore[arg-type]
    assert outcome.chunks_reused == 2
    _same_as_reference(out, reference)


def test_a_file_given_as_the_output_folder_is_refused(example: Scenario, tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(SweepError, match=r"f: expected a folder for the sweep, found a file; choose another `out`"):
        run_sweep(example, tmp_path / "f", **KW)  # type: ignore[arg-type]


def test_storage_error_names_the_final_path_never_the_temporary_one(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("a file")
    with pytest.raises(StorageError) as err:
        write_bytes_atomic(tmp_path / "blocker" / "x.json", b"{}")
    assert err.value.path == tmp_path / "blocker"
    assert str(err.value).startswith(f"{tmp_path / 'blocker'}: cannot write: a file stands where a folder")
    assert isinstance(err.value, OSError)
