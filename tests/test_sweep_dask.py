"""The Dask backend against a real scheduler and workers, started as separate processes on 127.0.0.1.

The results must equal the local backend's, row for row and bit for bit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from accord.analysis.executors import DaskExecutor, ExecutorError, LocalExecutor
from accord.analysis.sweep import load_results, run_sweep
from accord.scenario import load_scenario


def _env() -> dict[str, str]:
    # workers import accord from the same environment
    return dict(os.environ)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A scheduler and two single-threaded workers, each its own process; yields the scheduler file."""
    folder = tmp_path_factory.mktemp("dask")
    sched_file = folder / "scheduler.json"
    # loopback only: with --no-dashboard the HTTP server (health, metrics) still listens, on every
    # interface unless told otherwise
    common = ["--no-dashboard", "--dashboard-address", "127.0.0.1:0"]
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "distributed.cli.dask_scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--scheduler-file",
                str(sched_file),
                *common,
            ],
            env=_env(),
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        deadline = time.monotonic() + 30
        while not sched_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert sched_file.exists(), "the scheduler did not start"
        for name in ("w1", "w2"):
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "distributed.cli.dask_worker",
                        "--scheduler-file",
                        str(sched_file),
                        "--nthreads",
                        "1",
                        "--no-nanny",
                        "--host",
                        "127.0.0.1",
                        "--name",
                        name,
                        "--local-directory",
                        str(folder),
                        *common,
                    ],
                    env=_env(),
                    cwd=folder,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        from distributed import Client

        with Client(scheduler_file=str(sched_file), timeout=30) as client:
            client.wait_for_workers(2, timeout=30)
        yield sched_file
        with Client(scheduler_file=str(sched_file), timeout=10) as client:
            client.shutdown()  # stops workers and scheduler cleanly
        for p in procs:
            p.wait(timeout=20)
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()


def test_dask_cluster_gives_the_same_results_as_local(cluster: Path, tmp_path: Path) -> None:
    example = load_scenario("example")
    kw = {"runs": 300, "chunk_size": 40, "seed": 11}
    address = json.loads(cluster.read_text())["address"]
    assert address.startswith("tcp://127.0.0.1:")
    with DaskExecutor(address) as ex:
        assert ex.workers == 2
        run_sweep(example, tmp_path / "dask", executor=ex, **kw)  # type: ignore[arg-type]
    with DaskExecutor(str(cluster)) as ex:  # a scheduler file works as an address too
        run_sweep(example, tmp_path / "dask-file", executor=ex, **kw)  # type: ignore[arg-type]
    with LocalExecutor(1) as ex:
        run_sweep(example, tmp_path / "local", executor=ex, **kw)  # type: ignore[arg-type]
    local = load_results(tmp_path / "local")
    pd.testing.assert_frame_equal(load_results(tmp_path / "dask"), local, check_exact=True)
    pd.testing.assert_frame_equal(load_results(tmp_path / "dask-file"), local, check_exact=True)


def test_dask_cluster_runs_the_real_engine_identically(cluster: Path, tmp_path: Path) -> None:
    example = load_scenario("example")
    kw = {"runs": 400, "chunk_size": 50, "seed": 4, "format": "inclusive"}
    with DaskExecutor(str(cluster)) as ex:
        run_sweep(example, tmp_path / "dask", executor=ex, **kw)  # type: ignore[arg-type]
    with LocalExecutor(2) as ex:
        run_sweep(example, tmp_path / "local", executor=ex, **kw)  # type: ignore[arg-type]
    dask_df, local_df = load_results(tmp_path / "dask"), load_results(tmp_path / "local")
    assert (len(dask_df) == 400 and dask_df["agreement_year"].notna().any()) or dask_df["wars"].sum() > 0
    pd.testing.assert_frame_equal(dask_df, local_df, check_exact=True)


def test_unreachable_or_malformed_address_is_a_clear_error() -> None:
    with pytest.raises(ExecutorError, match="tcp://HOST:PORT"):
        DaskExecutor("no-such-scheduler-file.json")
    with pytest.raises(ExecutorError, match="could not reach"):
        DaskExecutor("tcp://127.0.0.1:9", timeout=2)


def test_a_local_cluster_listens_on_loopback_only() -> None:
    """Its scheduler, dashboard, nannies and workers: nothing reachable from another machine."""
    import ipaddress

    import psutil

    me = psutil.Process()

    def listening(procs: list[psutil.Process]) -> set[tuple[int, object]]:
        return {(p.pid, c.laddr) for p in procs for c in p.net_connections(kind="inet") if c.status == "LISTEN"}

    # other tests' servers and clusters may be running in or under this process: only new ones count
    before_children = {p.pid for p in me.children(recursive=True)}
    before = listening([me])
    with DaskExecutor(None, workers=1) as ex:
        started = [p for p in me.children(recursive=True) if p.pid not in before_children]
        new = sorted(listening([me, *started]) - before, key=str)
        dashboard = ex._cluster.dashboard_link
    assert len(new) >= 3, new  # scheduler, its dashboard, the worker
    assert all(ipaddress.ip_address(addr.ip).is_loopback for _, addr in new), new
    assert dashboard.startswith("http://127.0.0.1:")


def test_dask_without_address_starts_and_stops_a_local_cluster(tmp_path: Path) -> None:
    example = load_scenario("example")
    kw = {"runs": 120, "chunk_size": 40, "seed": 6}
    with DaskExecutor(None, workers=1) as ex:
        assert ex.workers == 1 and "LocalCluster" in ex.describe()
        run_sweep(example, tmp_path / "dask", executor=ex, **kw)  # type: ignore[arg-type]
    run_sweep(example, tmp_path / "local", **kw)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(load_results(tmp_path / "dask"), load_results(tmp_path / "local"), check_exact=True)
