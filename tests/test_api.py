"""The notebook API (``import accord``): the same numbers as the command line and the dashboard, and
the README's example runs as written."""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import accord
from accord.cli.app import app
from accord.simulation.events import describe

README = Path(__file__).resolve().parents[1] / "README.md"
runner = CliRunner()


def _cli_json(args: list[str]) -> dict:  # type: ignore[type-arg]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    return dict(json.loads(r.stdout[r.stdout.index("{") :]))


def _dashboard_comparison(case: str, formats: list[str], runs: int, seed: int, history: str | None) -> dict:  # type: ignore[type-arg]
    from accord.web.app import create_app

    with TestClient(create_app(), base_url="http://127.0.0.1", headers={"Origin": "http://127.0.0.1"}) as c:
        opened = c.post("/open", data={"case": case}, follow_redirects=False)
        wid = str(opened.headers["location"]).rsplit("/", 1)[-1]
        body = {"kind": "sweep", "formats": formats, "draws": runs, "seed": seed}
        if history is not None:
            body["history"] = history
        job = c.post(f"/api/w/{wid}/run", json=body).json()["job"]
        deadline = time.monotonic() + 120
        while c.get(f"/api/jobs/{job['id']}").json()["state"] not in ("done", "failed", "cancelled"):
            assert time.monotonic() < deadline, "the sweep did not finish"
            time.sleep(0.05)
        return dict(c.get(f"/api/w/{wid}/results").json()["comparison"])


@pytest.mark.parametrize("history", [None, "imposed"])
def test_dashboard_cli_and_api_give_identical_comparisons(history: str | None) -> None:
    case, formats, runs, seed = "minsk-group", ["minsk-group", "inclusive"], 40, 5
    extra = [] if history is None else ["--history", history]
    cli = _cli_json(
        ["compare", case, "--formats", ",".join(formats), "--runs", str(runs), "--seed", str(seed), "--json", *extra]
    )
    kw = {} if history is None else {"history": history}
    api = accord.compare(case, formats=formats, runs=runs, seed=seed, **kw).to_dict()
    web = _dashboard_comparison(case, formats, runs, seed, history)
    assert cli["history"] == (history or "counterfactual")
    assert api == cli
    assert web == json.loads(json.dumps(cli))  # the dashboard's JSON, number for number


def test_replay_tables_and_the_cli_log_agree() -> None:
    r = accord.replay("minsk-group", seed=2)
    cli = runner.invoke(app, ["replay", "minsk-group", "--seed", "2", "--json"]).stdout
    assert r.to_json() == cli.rstrip("\n")
    ev = r.events
    assert list(ev.columns) == ["time", "year", "kind", "actors", "text", "record"]
    assert pd.api.types.is_datetime64_any_dtype(ev["time"]) and len(ev) == len(r.replay.events)
    assert [describe(e) for e in r.replay.events] == list(ev["text"])
    war = ev[ev.kind == "war"].iloc[0]
    assert war.time == pd.Timestamp("1992-03-01") and set(war.actors) >= {"ARM", "AZE"}
    t = r.trajectory
    assert len(t) == 34 and t["year"].iloc[0] == 1992.0 and "status_quo.status" in t.columns
    assert np.allclose(t["p_war_onset"], r.replay.trajectory["p_onset"])
    assert "in_force.ceasefire" in t.columns and t["fighting"].iloc[0]
    p = r.positions
    assert set(p.columns) == {"step", "year", "actor", "issue", "position"}
    assert set(p.actor) == {a.id for a in accord.load("minsk-group").actors if a.positions}


def test_sweep_tables_equal_the_cli_sweep(tmp_path: Path) -> None:
    out = tmp_path / "s"
    r = runner.invoke(
        app,
        ["sweep", "example", "--runs", "150", "--chunk-size", "60", "--seed", "4", "--out", str(out), "--workers", "1"],
    )
    assert r.exit_code == 0, r.output
    from accord.analysis.sweep import load_results

    on_disk = load_results(out)
    mem = accord.sweep("example", runs=150, chunk_size=60, seed=4)
    pd.testing.assert_frame_equal(mem.table.drop(columns="format"), on_disk)
    written = accord.sweep("example", runs=150, chunk_size=60, seed=4, out=tmp_path / "api")
    pd.testing.assert_frame_equal(written.table, mem.table)
    assert mem.history == "imposed" and len(mem.runs) == 150 and len(mem.by_year) == 150 * len(mem.batch.years)
    kinds = mem.batch.agreement_types
    assert set(mem.by_year.columns) == {"run", "format", "year", "agreement", "war", "fighting", "war_onset"} | {
        "p_war_onset"
    } | {f"{p}_{k}" for p in ("signed", "in_force") for k in kinds}
    # by_year is the long form of the table's per-year columns
    wide = on_disk[[f"war_by.{y:g}" for y in mem.batch.years]].to_numpy()
    assert np.array_equal(mem.by_year["war"].to_numpy().reshape(wide.shape), wide)


def test_compare_runs_table_has_every_run_of_every_format() -> None:
    c = accord.compare("example", formats=["minsk-group", "majority"], runs=50)
    assert len(c.runs) == 100 and list(c.runs["format"].unique()) == ["minsk-group", "majority"]
    assert "in.actors.ARM.salience.districts" in c.runs.columns and "vetoes" in c.runs.columns
    # common random numbers: run i has the same inputs under both formats
    a, b = (
        c.runs[c.runs.format == f]["in.actors.ARM.salience.districts"].to_numpy() for f in ("minsk-group", "majority")
    )
    assert np.array_equal(a, b)
    s = c.summary
    assert set(s.format) == {"minsk-group", "majority"} and (s.p_war_low <= s.p_war).all()


def test_readme_python_example_runs_as_written() -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("\n## Python API") :]
    m = re.search(r"```python\n(.*?)```", section, re.S)
    assert m, "the README's Python API section has a python code block"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(m.group(1), "README.md", "exec"), {"__name__": "__readme__"})
    assert out.getvalue().strip()


def test_import_accord_is_light_and_the_api_loads_on_use() -> None:
    code = (
        "import sys, accord; heavy = [m for m in ('pandas', 'scipy', 'matplotlib', 'dask') if m in sys.modules]; "
        "print(heavy); accord.replay; print('pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0] == "[]" and out[1] == "True"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        accord.nope  # noqa: B018
