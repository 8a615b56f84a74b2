"""The sweep machinery: chunk plan, atomic chunk files, resume, executors (on the small example case)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from accord.analysis.executors import ExecutorError, LocalExecutor, make_executor
from accord.analysis.runs import plan_chunks, run_formats
from accord.analysis.sweep import (
    CHUNKS,
    MANIFEST,
    RESULTS,
    SweepError,
    chunk_path,
    load_batch,
    load_results,
    run_sweep,
)
from accord.scenario import load_scenario
from accord.simulation import BatchResult, run_batch


@pytest.fixture(scope="module")
def example():  # type: ignore[no-untyped-def]
    return load_scenario("example")


def sweep(example, out: Path, **kw):  # type: ignore[no-untyped-def]
    kw.setdefault("runs", 230)
    kw.setdefault("chunk_size", 50)
    kw.setdefault("seed", 7)
    return run_sweep(example, out, **kw)


def test_plan_chunks_covers_every_run_once() -> None:
    plan = plan_chunks(230, 50)
    assert [c.draws for c in plan] == [50, 50, 50, 50, 30]
    ids = np.concatenate([c.run_ids for c in plan])
    assert np.array_equal(ids, np.arange(230))
    assert len(plan_chunks(3, 50)) == 1
    with pytest.raises(ValueError, match="runs: expected at least 1 run"):
        plan_chunks(0, 5)
    with pytest.raises(ValueError, match="chunk size"):
        plan_chunks(5, 0)


def test_sweep_writes_one_row_per_replay_and_a_manifest(example, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    outcome = sweep(example, tmp_path / "s")
    df = load_results(tmp_path / "s")
    assert len(df) == 230 and df["run"].is_unique and list(df["run"]) == list(range(230))
    # inputs were drawn (uncertain salience of ARM on districts, uniform 0.4-0.7) and vary
    col = "in.actors.ARM.salience.districts"
    assert df[col].between(0.4, 0.7).all() and df[col].std() > 0.05
    assert {"agreement", "agreement_year", "wars"} <= set(df.columns)
    m = json.loads((tmp_path / "s" / MANIFEST).read_text())
    assert m["status"] == "complete" and m["runs"] == 230 and m["seed"] == 7 and m["chunk_size"] == 50
    assert m["chunks"] == 5 and len(m["scenario_hash"]) == 64 and "numpy" in m["versions"]
    assert m["history"] == "imposed" and m["mediator"] is None and m["format_ids"][0] == "minsk-group"
    # the chunk files are the results: one per chunk, kept, nothing else left in the folder
    assert sorted(p.name for p in (tmp_path / "s" / RESULTS).iterdir()) == [f"chunk-{k:06d}.parquet" for k in range(5)]
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == [MANIFEST, RESULTS, "scenario.yaml"]
    assert outcome.chunks_computed == 5 and outcome.chunks_reused == 0


def test_results_equal_direct_engine_calls_and_the_run_service(example, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sweep(example, tmp_path / "s")
    df = load_results(tmp_path / "s")
    direct = pd.concat(
        [run_batch(example, draws=c.draws, seed=7, batch_index=c.index).to_frame() for c in plan_chunks(230, 50)],
        ignore_index=True,
    )
    pd.testing.assert_frame_equal(df.drop(columns="run"), direct)
    # the run service plans the same chunks: the same numbers in memory
    (batch,) = run_formats(example, [None], runs=230, seed=7, history="imposed", chunk_size=50).values()
    pd.testing.assert_frame_equal(df.drop(columns="run"), batch.to_frame())
    # and the table reads back into the same batch
    back = load_batch(tmp_path / "s")
    for name in ("agreement", "wars", "vetoes", "status_quo_by_year", "agreement_proposal", "final_format"):
        assert np.array_equal(getattr(back, name), getattr(batch, name), equal_nan=True), name
    assert back.proposal_ids == batch.proposal_ids and back.format_ids == batch.format_ids


def test_same_seed_same_numbers_other_seed_other_numbers(example, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sweep(example, tmp_path / "a")
    sweep(example, tmp_path / "b")
    sweep(example, tmp_path / "c", seed=8)
    a, b, c = (load_results(tmp_path / x) for x in "abc")
    pd.testing.assert_frame_equal(a, b)
    assert not np.array_equal(a["in.actors.ARM.salience.districts"], c["in.actors.ARM.salience.districts"])


class _Crash(RuntimeError):
    pass


def _crashing_runner(after: int):  # type: ignore[no-untyped-def]
    """Fails at chunk ``after`` (chunks run in order inline), like a process dying mid-sweep."""

    def runner(*args, **kw) -> BatchResult:  # type: ignore[no-untyped-def]
        if kw["batch_index"] >= after:
            raise _Crash("simulated failure")
        return run_batch(*args, **kw)

    return runner


def test_resume_after_failure_recomputes_only_missing_chunks(example, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "s"
    with pytest.raises(_Crash):
        run_sweep(example, out, runs=230, chunk_size=50, seed=7, runner=_crashing_runner(3))
    assert len(list((out / CHUNKS).glob("chunk-*.parquet"))) == 3
    m = json.loads((out / MANIFEST).read_text())
    assert m["status"] == "running" and "results_sha256" not in m
    with pytest.raises(SweepError, match="the sweep is not complete"):
        load_results(out)
    with pytest.raises(SweepError, match="pass `resume=True` to continue it, or choose another `out`"):
        sweep(example, out)
    outcome = sweep(example, out, resume=True)
    assert outcome.chunks_reused == 3 and outcome.chunks_computed == 2
    sweep(example, tmp_path / "ref")
    pd.testing.assert_frame_equal(load_results(out), load_results(tmp_path / "ref"))
    # resuming a complete sweep does nothing and keeps the results
    again = sweep(example, out, resume=True)
    assert again.chunks_computed == 0
    pd.testing.assert_frame_equal(load_results(out), load_results(tmp_path / "ref"))


def test_resume_drops_damaged_chunks_and_temp_leftovers(example, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "s"
    with pytest.raises(_Crash):
        run_sweep(example, out, runs=230, chunk_size=50, seed=7, runner=_crashing_runner(2))
    chunk_path(out, 1).write_bytes(b"not parquet")  # damage one
    (out / CHUNKS / ".tmp-chunk-000002.parquet.x").write_bytes(b"half")  # a killed writer's leftover
    outcome = sweep(example, out, resume=True)
    assert outcome.chunks_reused == 1 and outcome.chunks_computed == 4
    sweep(example, tmp_path / "ref")
    pd.testing.assert_frame_equal(load_results(out), load_results(tmp_path / "ref"))


def test_resume_refuses_a_different_sweep(example, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "s"
    with pytest.raises(_Crash):
        run_sweep(example, out, runs=230, chunk_size=50, seed=7, runner=_crashing_runner(1))
    with pytest.raises(SweepError, match=r"seed: stored 7, asked 8"):
        sweep(example, out, seed=8, resume=True)
    with pytest.raises(SweepError, match=r"runs: stored 230, asked 231"):
        sweep(example, out, runs=231, resume=True)
    with pytest.raises(SweepError, match="chunk_size"):
        sweep(example, out, chunk_size=10, resume=True)
    with pytest.raises(SweepError, match=r"history: stored 'imposed', asked 'counterfactual'"):
        sweep(example, out, history="counterfactual", resume=True)
    # without --chunk-size, a resume takes the stored one
    assert sweep(example, out, chunk_size=None, resume=True).chunk_size == 50


def test_refuses_a_folder_with_other_files(example, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "notes.txt").write_text("mine")
    with pytest.raises(SweepError, match="new or empty folder"):
        sweep(example, tmp_path / "s")


def test_local_processes_give_the_same_table_as_inline(example, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sweep(example, tmp_path / "inline")
    with LocalExecutor(2) as ex:
        sweep(example, tmp_path / "pool", executor=ex)
    pd.testing.assert_frame_equal(load_results(tmp_path / "inline"), load_results(tmp_path / "pool"))


def test_executor_errors_are_clear() -> None:
    with pytest.raises(ExecutorError, match="`address` needs `backend=dask`"):
        make_executor("local", address="tcp://127.0.0.1:1")
    with pytest.raises(ValueError, match="at least 1 worker"):
        LocalExecutor(0)


def test_progress_reports_rows(example, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    seen: list[tuple[int, int]] = []
    sweep(example, tmp_path / "s", progress=lambda done, total, what: seen.append((done, total)))
    assert seen[0] == (0, 230) and seen[-1] == (230, 230)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
