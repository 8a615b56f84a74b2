"""The `accord sweep`, `compare` and `sensitivity` commands on the real engine, and the kill test:
`accord sweep` killed with SIGKILL mid-run, then `--resume`d, equals an uninterrupted sweep."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from accord.analysis.sweep import CHUNKS, MANIFEST, RESULTS, load_results, run_sweep
from accord.cli.app import app
from accord.scenario import load_scenario

runner = CliRunner()
ACCORD = [sys.executable, "-c", "from accord.cli.app import main; main()"]


def test_sweep_cli_writes_results_and_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "s"
    args = ["sweep", "example", "--runs", "300", "--chunk-size", "100", "--out", str(out), "--workers", "1"]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    assert "P(agreement by the horizon)" in r.output and "300 replays" in r.output
    df = load_results(out)
    assert len(df) == 300 and df["run"].is_unique
    assert any(c.startswith("in.") for c in df.columns) and {"agreement", "agreement_year", "wars"} <= set(df.columns)
    m = json.loads((out / MANIFEST).read_text())
    assert m["scenario"] == "example" and m["seed"] == 0 and m["scenario_source"] == "example"
    again = runner.invoke(app, args)
    assert again.exit_code == 2 and "--resume" in again.output and "Traceback" not in again.output
    stamp = (out / RESULTS).stat().st_mtime_ns
    resumed = runner.invoke(app, [*args, "--resume"])
    assert resumed.exit_code == 0, resumed.output
    assert (out / RESULTS).stat().st_mtime_ns == stamp, "resuming a complete sweep leaves its results alone"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sweep", "example", "--runs", "5", "--format", "no-such-format"], "no-such-format"),
        (["sweep", "example", "--runs", "5", "--address", "tcp://127.0.0.1:1"], "--backend dask"),
        (["sweep", "example", "--runs", "5", "--backend", "ray"], "expected local or dask"),
        (["sweep", "no-such-case.yaml", "--runs", "5"], "no-such-case.yaml"),
        (["compare", "example", "--formats", "minsk-group", "--runs", "10"], "at least two formats"),
        (["compare", "example", "--formats", "minsk-group,nope", "--runs", "10"], "nope"),
        (["compare", "example", "--formats", "minsk-group,inclusive", "--years", "x"], "--years"),
        (["sensitivity", "example", "--method", "fast"], "morris or sobol"),
        (["sensitivity", "example", "--method", "sobol", "--samples", "6"], "power of 2"),
    ],
)
def test_bad_input_exits_2_without_traceback(tmp_path: Path, args: list[str], message: str) -> None:
    extra = ["--out", str(tmp_path / "s")] if args[0] == "sweep" else []
    args = [*args, *extra, "--workers", "1"]
    r = runner.invoke(app, args)
    assert r.exit_code == 2, r.output
    assert message in r.output and "Traceback" not in r.output


def test_a_bad_format_leaves_no_files_behind(tmp_path: Path) -> None:
    out = tmp_path / "s"
    r = runner.invoke(app, ["sweep", "example", "--runs", "5", "--format", "nope", "--out", str(out), "--workers", "1"])
    assert r.exit_code == 2 and not out.exists()


def test_compare_cli_json(tmp_path: Path) -> None:
    r = runner.invoke(
        app,
        ["compare", "example", "--formats", "minsk-group,majority", "--runs", "200", "--workers", "1", "--json"],
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.output[r.output.index("{") :])
    assert [f["format"] for f in data["formats"]] == ["minsk-group", "majority"]
    d = data["differences"][0]
    assert d["inputs_identical"] is True and d["common_inputs"] >= 1
    assert set(d["p_agreement_by_year"]) == {f"{y:g}" for y in data["years"]}


def test_compare_cli_tables() -> None:
    r = runner.invoke(
        app, ["compare", "example", "--formats", "minsk-group,inclusive", "--runs", "200", "--workers", "1"]
    )
    assert r.exit_code == 0, r.output
    for text in ("Paired differences against minsk-group", "Who vetoes most", "inclusive vs minsk-group"):
        assert text in r.output


def test_sensitivity_cli_json() -> None:
    r = runner.invoke(
        app, ["sensitivity", "example", "--samples", "4", "--replicates", "4", "--workers", "1", "--json"]
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.output[r.output.index("{") :])
    assert data["method"] == "morris" and data["factors"][0]["input"] == "actors.ARM.salience.districts"
    assert set(data["ranking"]) == {"agreement", "war", "vetoes"}
    assert set(data["discovery"]) == {"agreement", "war"}


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_accord_sweep_killed_with_sigkill_then_resumed_equals_uninterrupted(tmp_path: Path) -> None:
    out = tmp_path / "killed"
    cmd = [*ACCORD, "sweep", "example", "--runs", "800", "--chunk-size", "10", "--seed", "3", "--out", str(out)]
    cmd += ["--workers", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 90
    killed_at = 0
    while time.monotonic() < deadline:
        folder = out / CHUNKS
        n = len(list(folder.glob("chunk-*.parquet"))) if folder.is_dir() else 0
        if n >= 5:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            killed_at = n
            break
        assert proc.poll() is None, f"the sweep ended before it could be killed: {proc.stderr.read()!r}"  # type: ignore[union-attr]
        time.sleep(0.01)
    assert killed_at, "no chunk was written in time"
    assert proc.returncode == -signal.SIGKILL
    assert json.loads((out / MANIFEST).read_text())["status"] == "running"
    assert len(list((out / CHUNKS).glob("chunk-*.parquet"))) < 80, "killed mid-sweep"

    assert (out / "sweep.lock").exists(), "SIGKILL leaves the lock file (but not the lock)"

    done = subprocess.run([*cmd, "--resume"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"note: took over the lock left by process {proc.pid} on " in done.stderr
    assert not (out / "sweep.lock").exists()
    resumed = load_results(out)
    assert len(resumed) == 800 and resumed["run"].is_unique

    ref = tmp_path / "ref"
    run_sweep(load_scenario("example"), ref, runs=800, chunk_size=10, seed=3)
    pd.testing.assert_frame_equal(resumed, load_results(ref), check_exact=True)


def test_compare_says_no_events_and_gives_the_n_behind_conditional_terms() -> None:
    # the example's conditional terms come with their n (how many draws settled under each)
    r = runner.invoke(
        app,
        ["compare", "example", "--formats", "bilateral,single-mediator", "--runs", "60", "--workers", "1"],
        env={"COLUMNS": "120"},
    )
    assert r.exit_code == 0, r.output
    assert "no events" in r.output and "+0.000 [+0.000, +0.000]" not in r.output
    terms = r.output[r.output.index("Expected terms given agreement") :].split("Who vetoes most")[0]
    assert re.search(r"┃\s+n ┃", terms) and re.search(r"│ bilateral\s+│\s+\d+ │", terms), terms


def test_an_interrupt_that_numba_turns_into_a_system_error_still_says_how_to_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ctrl-C landing inside a compiled kernel's call comes back as SystemError("... returned a
    # result with an exception set") caused by the KeyboardInterrupt (seen in the suite's Ctrl-C test)
    import accord.analysis.sweep as sweep_module

    def interrupted(*args: object, **kw: object) -> None:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as e:
            raise SystemError("CPUDispatcher(<function utilities>) returned a result with an exception set") from e

    monkeypatch.setattr(sweep_module, "run_sweep", interrupted)
    out = tmp_path / "s"
    r = runner.invoke(app, ["sweep", "example", "--runs", "40", "--workers", "1", "--out", str(out)])
    assert r.exit_code == 130, r.output
    assert "interrupted; resume with: accord sweep example --runs 40" in r.output and "--resume" in r.output

    def broken(*args: object, **kw: object) -> None:
        raise SystemError("a real internal error")

    monkeypatch.setattr(sweep_module, "run_sweep", broken)
    r = runner.invoke(app, ["sweep", "example", "--runs", "40", "--workers", "1", "--out", str(out)])
    assert isinstance(r.exception, SystemError), "any other SystemError is not taken for an interrupt"
