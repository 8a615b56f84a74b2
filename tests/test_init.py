"""`accord init` writes a small valid, commented scenario that validates and replays."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from accord.cli.app import app
from accord.scenario import load_scenario

runner = CliRunner()


def test_init_then_validate_then_replay(tmp_path: Path) -> None:
    path = tmp_path / "talks.yaml"
    r = runner.invoke(app, ["init", "talks", "--parties", "ARM,AZE", "--mediators", "FRA,RUS", "-o", str(path)])
    assert r.exit_code == 0, r.output
    text = path.read_text(encoding="utf-8")
    assert text.count("#") > 10, "the starter is commented"
    s = load_scenario(str(path))
    assert {a.id: a.roles for a in s.actors} == {
        "ARM": ["party"],
        "AZE": ["party"],
        "FRA": ["mediator"],
        "RUS": ["mediator"],
    }
    assert s.events[0].id and s.formats[0].decision is not None and s.formats[0].decision.kind == "consensus"
    for args in (["validate", str(path)], ["replay", str(path)], ["compare", str(path), "--runs", "20"]):
        res = runner.invoke(app, args, env={"COLUMNS": "80"})
        assert res.exit_code == 0, (args, res.output)
    assert "0 unsourced" in runner.invoke(app, ["validate", str(path)]).output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--parties", "A,B", "--mediators", "B"], "not parties, found B"),
        (["--parties", "A"], "at least two parties"),
        (["--parties", "A,B,A"], "A more than once"),
    ],
)
def test_init_refuses_options_that_make_no_scenario(tmp_path: Path, args: list[str], message: str) -> None:
    path = tmp_path / "x.yaml"
    r = runner.invoke(app, ["init", "x", "-o", str(path), *args])
    assert r.exit_code == 2 and message in r.output and not path.exists()


def test_init_never_overwrites_without_force(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("mine", encoding="utf-8")
    r = runner.invoke(app, ["init", "x", "-o", str(path)])
    assert r.exit_code == 2 and "exists" in r.output and path.read_text(encoding="utf-8") == "mine"
    assert runner.invoke(app, ["init", "x", "-o", str(path), "--force"]).exit_code == 0
    assert load_scenario(str(path)).meta.name == "x"
    bad = runner.invoke(app, ["init", "9x", "-o", str(tmp_path / "9x.yaml")])
    assert bad.exit_code == 2 and "meta.name" in bad.output
