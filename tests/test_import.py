"""``accord import csv|ktab`` and ``accord forecast`` on the imported tables."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from accord.cli.app import app
from accord.scenario import ScenarioError, load_scenario
from accord.scenario.importers import Scale, import_table, native_scale

DATA = Path(__file__).parent / "data"
EC = DATA / "eum_ec_car_emissions.csv"
runner = CliRunner()


def test_ec_table_imports_faithfully_on_its_native_scale() -> None:
    s, scales = import_table(EC, "csv", scale=Scale(4, 10))
    assert scales == [Scale(4.0, 10.0)]
    issue = s.issues[0]
    assert native_scale(issue.description) == Scale(4.0, 10.0)
    uk = s.actor("United-Kingdom")
    assert uk.name == "United Kingdom"
    assert uk.positions[issue.id].nominal == 100.0
    assert s.actor("Belgium").positions[issue.id].nominal == 50.0  # year 7 on 4..10
    assert s.actor("Denmark").salience[issue.id].nominal == 1.0
    assert uk.capability is not None and uk.capability.nominal == 0.16  # type: ignore[union-attr]
    assert uk.positions[issue.id].source == "table"


def test_ktab_tables_import() -> None:
    s, _ = import_table(DATA / "SOE-Policy.csv", "ktab")
    assert len(s.actors) == 26 and s.issue_ids == ["policy"]
    xj = s.actor("XJ")
    assert xj.name == "Xi Jinping"
    assert xj.positions["policy"].nominal == 30 and xj.salience["policy"].nominal == 0.30
    two, _ = import_table(DATA / "SOE-Pol-Comp.csv", "ktab")
    assert two.issue_ids == ["policy", "competitive"] and len(two.actors) == 13
    three, _ = import_table(DATA / "dummyData_3Dim.csv", "ktab")
    assert three.issue_ids == ["dim1", "dim2", "dim3"] and len(three.actors) == 7


def test_auto_scale_rescales_only_outside_0_100(tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    f.write_text("actor,capability,position,salience\nA,1,-50,0.5\nB,2,150,1\n")
    s, scales = import_table(f, "csv")
    assert scales == [Scale(-50.0, 150.0)]
    assert [a.positions["t"].nominal for a in s.actors] == [0.0, 100.0]


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ("actor,capability,position\nA,1,2\n", ":1:1: (header)", "missing salience"),
        ("actor,capability,position,salience\nA,1,x,0.5\n", ":2:3: position", "expected a number, found 'x'"),
        ("actor,capability,position,salience\nA,1,5,1.5\n", ":2:4: salience", "between 0 and 1"),
        ("actor,capability,position,salience\nA,-1,5,0.5\n", ":2:2: capability", ">= 0"),
        ("actor,capability,position,salience\nA,1,5\n", ":2:1: (row)", "expected 4 cells"),
        ("", ":1:1: (file)", "empty file"),
    ],
)
def test_bad_csv_is_located(tmp_path: Path, text: str, where: str, what: str) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(text)
    with pytest.raises(ScenarioError) as e:
        import_table(f, "csv")
    assert where in str(e.value) and what in str(e.value)
    r = runner.invoke(app, ["import", "csv", str(f)])
    assert r.exit_code == 2 and "Traceback" not in r.output


def test_bad_ktab_is_located(tmp_path: Path) -> None:
    f = tmp_path / "k.csv"
    f.write_text("S,desc,3,1,\nActor,Description,Influence,P Position,P Salience,\nA,a,1,50,50,\nB,b,1,150,50,\n")
    with pytest.raises(ScenarioError) as e:
        import_table(f, "ktab")
    assert ":4:4: P position: expected a position between 0 and 100, found 150" in str(e.value)
    f.write_text("S,desc,3,1,\nActor,Description,Influence,P Position,P Salience,\nA,a,1,50,50,\n")
    with pytest.raises(ScenarioError, match="expected 3 actor rows"):
        import_table(f, "ktab")


def test_cli_import_then_forecast_every_model(tmp_path: Path) -> None:
    out = tmp_path / "ec.yaml"
    r = runner.invoke(app, ["import", "csv", str(EC), "--scale", "4:10", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "native scale 4..10" in r.output
    load_scenario(str(out), engine=False)  # a table for the bargaining models: no parties
    again = runner.invoke(app, ["import", "csv", str(EC), "-o", str(out)])
    assert again.exit_code == 2 and "--force" in again.output
    for model in ("compromise", "median", "eum", "nash"):
        res = runner.invoke(app, ["forecast", str(out), "--model", model, "--json"])
        if model == "nash":
            # the table has no status quo: the Nash model says what it needs
            assert res.exit_code == 2 and "disagreement point" in res.output
            continue
        assert res.exit_code == 0, res.output
        data = json.loads(res.output)
        (issue,) = data["issues"]
        assert issue["native_scale"] == [4.0, 10.0]
        assert np.isclose(issue["forecast_native"], 4 + issue["forecast"] * 0.06)
    comp = json.loads(runner.invoke(app, ["forecast", str(out), "--json"]).output)
    assert np.isclose(comp["issues"][0]["forecast_native"], 5.003 / 0.677, atol=1e-3)  # Σcsx/Σcs on 4..10
    eum = json.loads(runner.invoke(app, ["forecast", str(out), "-m", "eum", "--rounds", "3", "--json"]).output)
    assert [r["round"] for r in eum["rounds"]] == [0, 1, 2, 3]
    assert eum["rounds"][0]["positions"]["United-Kingdom"]["eum_ec_car_emissions"] == 100.0
    table = runner.invoke(app, ["forecast", str(out), "-m", "eum", "--rounds", "2"])
    assert table.exit_code == 0 and "EUM rounds" in table.output


def test_cli_ktab_import_and_forecast(tmp_path: Path) -> None:
    out = tmp_path / "soe.yaml"
    assert runner.invoke(app, ["import", "ktab", str(DATA / "SOE-Pol-Comp.csv"), "-o", str(out)]).exit_code == 0
    for model in ("compromise", "median", "eum"):
        res = runner.invoke(app, ["forecast", str(out), "-m", model, "--json"])
        assert res.exit_code == 0, res.output
        assert [i["id"] for i in json.loads(res.output)["issues"]] == ["policy", "competitive"]


def test_cli_forecast_bad_arguments() -> None:
    for args in (
        ["forecast", "example", "-m", "oracle"],
        ["forecast", "example", "-m", "eum", "--option", "colour=red"],
        ["forecast", "example", "-m", "eum", "--option", "q=lots"],
        ["forecast", "example", "-m", "median", "--option", "q=0.5"],
        ["forecast", "no-such-file.yaml"],
    ):
        r = runner.invoke(app, args)
        assert r.exit_code == 2, (args, r.output)
        assert "Traceback" not in r.output


def test_cli_forecast_draws_are_reproducible() -> None:
    a = runner.invoke(app, ["forecast", "example", "-m", "eum", "--draws", "20", "--seed", "5", "--json"]).output
    b = runner.invoke(app, ["forecast", "example", "-m", "eum", "--draws", "20", "--seed", "5", "--json"]).output
    assert a == b and json.loads(a)["draws"] == 20


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(
            st.one_of(st.text(max_size=8), st.floats(allow_nan=True).map(str), st.integers(-5, 200).map(str)),
            max_size=7,
        ),
        max_size=6,
    ),
    st.sampled_from(["csv", "ktab"]),
    st.booleans(),
)
def test_any_table_imports_or_fails_with_located_problems(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]], layout: str, with_header: bool
) -> None:
    head = (
        [["actor", "capability", "position", "salience"]]
        if layout == "csv"
        else [["S", "d", "2", "1"], ["Actor", "Description", "Influence", "P Position", "P Salience"]]
    )
    lines = (head if with_header else []) + rows
    f = tmp_path_factory.mktemp("fuzz") / "t.csv"
    f.write_text(
        "\n".join(",".join(cell.replace(",", ";").replace("\n", " ") for cell in r) for r in lines), encoding="utf-8"
    )
    try:
        s, _ = import_table(f, layout)
    except ScenarioError as e:
        assert e.problems and all(p.line >= 1 and p.column >= 1 and "expected" in p.message for p in e.problems)
    else:
        assert all(0 <= a.positions[i].nominal <= 100 for a in s.actors for i in a.positions)


@pytest.mark.parametrize(("layout", "table"), [("csv", EC), ("ktab", DATA / "SOE-Pol-Comp.csv")])
def test_an_imported_table_replays_sweeps_and_reports(tmp_path: Path, layout: str, table: Path) -> None:
    out = tmp_path / "imported.yaml"
    r = runner.invoke(app, ["import", layout, str(table), "-o", str(out)])
    assert r.exit_code == 0, r.output
    s = load_scenario(str(out))
    parties = [a.id for a in s.actors if a.roles == ["party"]]
    assert len(parties) == 2 and s.formats[0].extends == "bilateral"
    # the most capable actor is one of them
    assert max(s.actors, key=lambda a: a.capability_at(2000)).id in parties
    for args in (
        ["replay", str(out)],
        ["sweep", str(out), "--runs", "20", "--out", str(tmp_path / "sweep")],
        ["report", str(out), "-o", str(tmp_path / "r.html"), "--runs", "20", "--sensitivity-samples", "2"],
    ):
        res = runner.invoke(app, args, env={"COLUMNS": "80"})
        assert res.exit_code == 0, (args, res.output)
    assert (tmp_path / "r.html").stat().st_size > 10_000


def test_import_parties_can_be_named_and_are_checked(tmp_path: Path) -> None:
    out = tmp_path / "ec.yaml"
    r = runner.invoke(app, ["import", "csv", str(EC), "-o", str(out), "--parties", "Italy,Greece"])
    assert r.exit_code == 0, r.output
    assert sorted(a.id for a in load_scenario(str(out)).actors if "party" in a.roles) == ["Greece", "Italy"]
    bad = runner.invoke(app, ["import", "csv", str(EC), "-o", str(tmp_path / "x.yaml"), "--parties", "Italy,Nowhere"])
    assert bad.exit_code == 2 and "Nowhere" in bad.output and "--parties" in bad.output
    same = runner.invoke(app, ["import", "csv", str(EC), "-o", str(tmp_path / "y.yaml"), "--parties", "Italy,Italy"])
    assert same.exit_code == 2 and "two different actors" in same.output
