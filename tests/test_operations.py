"""What a user meets on a fresh machine: start-up imports, file permissions, progress on stderr,
and Ctrl-C during a sweep."""

from __future__ import annotations

import os
import re
import shlex
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from accord.analysis.storage import write_json_atomic, write_text_atomic

ACCORD = [sys.executable, "-c", "from accord.cli.app import main; main()"]
HEAVY = ("pandas", "scipy", "matplotlib", "dask", "distributed", "pyarrow", "statsmodels", "SALib", "fastapi")


def test_the_command_line_starts_without_the_heavy_libraries() -> None:
    # start-up time itself is measured in benchmarks/bench_startup.py, not asserted here
    code = f"import sys, accord.cli.app; print([m for m in {HEAVY!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_atomic_files_respect_the_umask_like_open(tmp_path: Path, umask: None) -> None:
    write_text_atomic(tmp_path / "a.txt", "x")
    write_json_atomic(tmp_path / "a.json", {"x": 1})
    with open(tmp_path / "b.txt", "w") as f:  # what open() gives, for comparison
        f.write("x")
    assert _mode(tmp_path / "a.txt") == _mode(tmp_path / "a.json") == _mode(tmp_path / "b.txt") == 0o644
    os.umask(0o077)
    write_text_atomic(tmp_path / "private.txt", "x")
    assert _mode(tmp_path / "private.txt") == 0o600
    # replacing a file keeps its mode, as open(path, "w") does
    (tmp_path / "a.txt").chmod(0o640)
    write_text_atomic(tmp_path / "a.txt", "y")
    assert _mode(tmp_path / "a.txt") == 0o640 and (tmp_path / "a.txt").read_text() == "y"


def test_command_outputs_are_readable_by_others_under_umask_022(tmp_path: Path, umask: None) -> None:
    env = dict(os.environ)
    log, run = tmp_path / "replay.json", tmp_path / "run"
    subprocess.run([*ACCORD, "replay", "example", "-o", str(log)], env=env, check=True, capture_output=True)
    subprocess.run(
        [*ACCORD, "sweep", "example", "--runs", "20", "--workers", "1", "--out", str(run)],
        env=env,
        check=True,
        capture_output=True,
    )
    chunks = sorted((run / "results").glob("chunk-*.parquet"))
    assert chunks
    for p in (log, *chunks, run / "manifest.json", run / "scenario.yaml"):
        assert _mode(p) == 0o644, (p, oct(_mode(p)))
    assert _mode(run / "results") == 0o755


def test_backtest_and_report_show_progress_on_stderr(tmp_path: Path) -> None:
    # the example, not minsk-group: the Minsk backtest's scores are not to be seen before its frozen run
    bt = subprocess.run(
        [*ACCORD, "backtest", "example", "--runs", "2", "--bootstrap", "10"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert bt.returncode == 0, bt.stderr
    assert re.search(r"backtest example.* (\d+)/\1 ", bt.stderr) and "Scores per outcome" in bt.stdout
    rep = subprocess.run(
        [*ACCORD, "report", "example", "-o", str(tmp_path / "r.html"), "--runs", "20", "--sensitivity-samples", "0"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert rep.returncode == 0, rep.stderr
    assert "report example" in rep.stderr and "history of the sweeps: counterfactual" in rep.stderr
    assert "wrote" in rep.stdout


def _wait_for_chunks(folder: Path, n: int, proc: subprocess.Popen[str], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if folder.is_dir() and len(list(folder.glob("chunk-*.parquet"))) >= n:
            return
        assert proc.poll() is None, f"the sweep ended before it could be interrupted: {proc.communicate()}"
        time.sleep(0.02)
    proc.kill()
    raise AssertionError("no chunks written in time")


@pytest.mark.skipif(not hasattr(signal, "SIGINT") or os.name != "posix", reason="needs POSIX signals")
@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_ends_a_sweep_with_130_and_says_how_to_resume(tmp_path: Path, workers: str) -> None:
    out = tmp_path / "s"
    cmd = [*ACCORD, "sweep", "example", "--runs", "6000", "--chunk-size", "20", "--seed", "1", "--out", str(out)]
    proc = subprocess.Popen([*cmd, "--workers", workers], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for_chunks(out / "results", 3, proc)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert "Traceback" not in stderr and lines[-1].startswith("interrupted; resume with: accord sweep example")
    resume = shlex.split(lines[-1].split("resume with: ", 1)[1])
    assert resume[-1] == "--resume" and resume[resume.index("--out") + 1] == str(out)
    if workers == "1":  # the printed command finishes the sweep
        done = subprocess.run([*ACCORD, *resume[1:]], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        from accord.analysis.sweep import load_results

        assert len(load_results(out)) == 6000


def test_analysis_errors_name_parameters_and_the_command_line_names_flags() -> None:
    from accord.cli.common import as_flags

    msg = "x: a sweep is already stored here; pass `resume=True` to continue it, or choose another `out`"
    assert as_flags(msg) == "x: a sweep is already stored here; pass --resume to continue it, or choose another --out"
    assert as_flags("use `chunk_size=5`") == "use --chunk-size 5"
