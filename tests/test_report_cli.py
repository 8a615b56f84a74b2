"""`accord report` end to end on the real engine: from a case, from a sweep's run directory, bad input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accord.cli.app import app

runner = CliRunner()


def test_report_from_a_case_with_figures(tmp_path: Path) -> None:
    out, figs = tmp_path / "r" / "report.html", tmp_path / "figs"
    res = runner.invoke(
        app,
        [
            "report",
            "example",
            "-o",
            str(out),
            "--figures",
            str(figs),
            "--runs",
            "40",
            "--format",
            "minsk-group",
            "--format",
            "inclusive",
            "--sensitivity-samples",
            "2",
            "--replicates",
            "2",
        ],
    )
    assert res.exit_code == 0, res.output
    html = out.read_text()
    for key in ("timeline", "positions", "agreements", "fighting", "formats", "vetoes"):
        assert f'id="fig-{key}"' in html
    # (with the fitted hazards every run of the example has a war and none a settlement, so the
    # sensitivity section says there is nothing to rank instead of showing Morris μ*)
    assert "Replay under minsk-group" in html and ("Morris μ*" in html or "nothing to rank" in html)
    assert "<script" not in html.lower()
    assert re.search(r"<td>inclusive</td><td class=\"num\">40</td>", html)
    stems = {p.stem for p in figs.glob("*.png")}
    assert {"timeline", "positions", "agreements", "fighting", "formats", "vetoes"} <= stems
    assert {p.stem for p in figs.glob("*.svg")} == stems
    # same seed, same numbers: the format table is identical on a second run
    again = tmp_path / "again.html"
    runner.invoke(
        app,
        [
            "report",
            "example",
            "-o",
            str(again),
            "--runs",
            "40",
            "-f",
            "minsk-group",
            "-f",
            "inclusive",
            "--sensitivity-samples",
            "2",
            "--replicates",
            "2",
        ],
    )

    def table(h: str) -> str:
        return h[h.index('<h2 id="formats">') : h.index('<h2 id="vetoes">')].split("</figure>")[1]

    assert table(again.read_text()) == table(html)


def test_report_from_a_sweep_run_directory(tmp_path: Path) -> None:
    run = tmp_path / "run"
    res = runner.invoke(
        app, ["sweep", "example", "--runs", "60", "--out", str(run), "--workers", "1", "--chunk-size", "30"]
    )
    assert res.exit_code == 0, res.output
    out = tmp_path / "from-run.html"
    res = runner.invoke(app, ["report", str(run), "-o", str(out)])
    assert res.exit_code == 0, res.output
    html = out.read_text()
    assert "run directory" in html and 'id="fig-agreements"' in html and 'id="fig-timeline"' in html
    assert '<td class="num">60</td>' in html


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["report", "no-such-case"], "expected a built-in case"),
        (["report", "example", "-f", "nope"], "--format: expected one of"),
    ],
)
def test_report_bad_input_exits_2(args: list[str], expected: str, tmp_path: Path) -> None:
    res = runner.invoke(app, [*args, "-o", str(tmp_path / "x.html")])
    assert res.exit_code == 2 and expected in res.output
    assert not (tmp_path / "x.html").exists()


def test_report_from_a_folder_that_is_not_a_run(tmp_path: Path) -> None:
    res = runner.invoke(app, ["report", str(tmp_path), "-o", str(tmp_path / "x.html")])
    assert res.exit_code == 2 and "found no manifest.json" in res.output
    (tmp_path / "manifest.json").write_text('{"status": "running"}')
    res = runner.invoke(app, ["report", str(tmp_path), "-o", str(tmp_path / "x.html")])
    assert res.exit_code == 2 and "expected a complete sweep" in res.output


def test_report_on_a_scenario_the_engine_refuses_exits_2(tmp_path: Path, example_text: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        example_text.replace("\nevents:", "\nparameters:\n  no_such_parameter: {value: 1, assumption: coding}\nevents:")
    )
    res = runner.invoke(app, ["report", str(bad), "-o", str(tmp_path / "x.html")])
    assert res.exit_code == 2 and "expected a known engine parameter, found 'no_such_parameter'" in res.output
    assert not (tmp_path / "x.html").exists()
