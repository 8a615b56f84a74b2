"""``accord replay``: every built-in format on the example, determinism, JSON, bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accord.cli.app import app

runner = CliRunner()
FORMATS = ["minsk-group", "bilateral", "single-mediator", "inclusive", "majority"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_replay_example_under_every_format(fmt: str) -> None:
    r = runner.invoke(app, ["replay", "example", "--format", fmt, "--seed", "3"], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "what" in r.output and f"format {fmt}" in r.output
    assert "Summary" in r.output and "signed " in r.output and "status quo " in r.output


def test_json_log_is_byte_identical_for_a_seed(tmp_path: Path) -> None:
    outs = []
    for k in range(2):
        path = tmp_path / f"run{k}.json"
        r = runner.invoke(app, ["replay", "example", "--seed", "7", "--json", "--output", str(path)])
        assert r.exit_code == 0, r.output
        outs.append((r.stdout, path.read_bytes()))
    assert outs[0][0] == outs[1][0] and outs[0][1] == outs[1][1]
    log = json.loads(outs[0][0])
    assert log["seed"] == 7 and log["format"] == "minsk-group"
    assert {"agreement", "year", "proposal", "terms", "blocked_by", "wars", "signed"} <= set(log["summary"])
    assert all("t" in e and "kind" in e for e in log["events"])
    proposals = [e for e in log["events"] if e["kind"] == "proposal"]
    assert all(set(e["answers"]) == {"ARM", "AZE"} for e in proposals)  # the parties vote
    assert all({"value", "sign", "reason", "p_ratify"} <= set(a) for e in proposals for a in e["answers"].values())
    assert len(log["trajectory"]["years"]) == 6
    other = runner.invoke(app, ["replay", "example", "--seed", "8", "--json"]).stdout
    assert other != outs[0][0]


def test_until_cuts_the_run() -> None:
    r = runner.invoke(app, ["replay", "example", "--until", "1996", "--json"])
    assert r.exit_code == 0
    assert json.loads(r.stdout)["trajectory"]["years"] == [1994.0, 1995.0]


def test_mediator_option() -> None:
    r = runner.invoke(app, ["replay", "example", "--format", "single-mediator", "--mediator", "RUS", "--json"])
    assert r.exit_code == 0
    events = json.loads(r.stdout)["events"]
    drafts = {e["id"] for e in events if e["kind"] == "proposal"}
    own = {s for e in events if e["kind"] == "proposal" and e["id"].startswith("gen.") for s in e["sponsors"]}
    assert own == {"RUS"} and not any(d.startswith("gen.FRA") for d in drafts)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["replay", "example", "--format", "minks-group"], "expected one of"),
        (["replay", "example", "--format", "single-mediator", "--mediator", "XX"], "mediator"),
        (["replay", "no-such-case.yaml"], "no-such-case.yaml"),
        (["replay", "example", "--until", "1990"], "--until"),
        (["replay", "example", "--seed", "-1"], "--seed"),
        # --mediator is never ignored: a format without one mediator, or a party, is an error
        (["replay", "minsk-group", "--mediator", "USA"], "--format single-mediator"),
        (["replay", "minsk-group", "--format", "single-mediator", "--mediator", "AZE"], "'AZE' (a party)"),
        (["compare", "example", "--formats", "minsk-group,bilateral", "--mediator", "RUS"], "would ignore it"),
        (["sweep", "example", "--runs", "5", "--mediator", "ARM", "--format", "single-mediator"], "a party"),
    ],
)
def test_bad_input_exits_2_with_a_message(args: list[str], message: str) -> None:
    r = runner.invoke(app, args)
    assert r.exit_code == 2
    assert message in r.output
    assert "Traceback" not in r.output


def test_unknown_parameter_in_file_exits_2(tmp_path: Path, example_text: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(example_text + "\nparameters:\n  war_cots: 0.1\n", encoding="utf-8")
    r = runner.invoke(app, ["replay", str(bad)])
    assert r.exit_code == 2
    assert "war_cots" in r.output and "war_cost" in r.output


def test_parameters_lists_every_engine_parameter() -> None:
    from accord.scenario.parameters import PARAMETERS

    r = runner.invoke(app, ["parameters"], env={"COLUMNS": "250"})
    assert r.exit_code == 0
    for name in PARAMETERS:
        assert name in r.output


def test_a_format_defined_in_yaml_replays_from_the_command_line(tmp_path: Path, example_text: str) -> None:
    text = example_text + (
        "\nformats:\n"
        "  - id: contact-group\n"
        "    label: Co-chairs plus a qualified majority of everyone at the table\n"
        "    extends: minsk-group\n"
        "    decision: {kind: majority, threshold: 0.6, voters: [party, co-chair]}\n"
        "    leak_risk: {value: 0.3, assumption: coding}\n"
    )
    path = tmp_path / "custom.yaml"
    path.write_text(text, encoding="utf-8")
    r = runner.invoke(app, ["replay", str(path), "--format", "contact-group", "--json"])
    assert r.exit_code == 0, r.output
    log = json.loads(r.stdout)
    assert log["format"] == "contact-group"
    assert all(e["table"] == "contact-group" for e in log["events"] if e["kind"] == "proposal")
    # with no --format the scenario's first format is used
    r = runner.invoke(app, ["replay", str(path), "--json"])
    assert json.loads(r.stdout)["format"] == "contact-group"


def test_replay_from_a_year_imposes_the_history_before_it_only() -> None:
    def wars(*args: str) -> list[dict[str, object]]:
        r = runner.invoke(app, ["replay", "minsk-group", "--json", *args])
        assert r.exit_code == 0, r.output
        log = json.loads(r.stdout)
        return [w for w in log["summary"]["wars"] if w["imposed"] and not w["flare"]]

    imposed = wars()
    assert [int(float(str(w["start"]))) for w in imposed] == [1992, 2020]
    # from 1997 the first war's outcome (the 1994 line) stands; the 2020 war is the model's to decide
    assert [int(float(str(w["start"]))) for w in wars("--from", "1997")] == [1992]
    assert wars("--history", "counterfactual") == []


def test_the_story_fits_80_columns_and_marks_history_apart_from_the_model() -> None:
    r = runner.invoke(app, ["replay", "minsk-group"], env={"COLUMNS": "80"})
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert len(lines) <= 120 and max(len(line) for line in lines) <= 80  # issue 14: brief by default
    assert "…" not in r.output  # nothing truncated
    assert "fighting in 1992–2000, 2016–2020" in r.output  # the summary's years as spans
    wide = runner.invoke(app, ["replay", "minsk-group"], env={"COLUMNS": "120"})
    assert wide.exit_code == 0 and "…" not in wide.output
    assert max(len(line) for line in wide.output.splitlines()) <= 120 and len(wide.output.splitlines()) < len(lines)
    assert " history  " in r.output and " model  " in r.output and " context  " in r.output
    assert "1994-05  history  Ceasefire brokered by Russia" in r.output  # dates, not decimal years
    full = runner.invoke(app, ["replay", "minsk-group", "--full"], env={"COLUMNS": "120"})
    assert full.exit_code == 0 and "P(onset)" in full.output and len(full.output.splitlines()) > len(lines)


def _command_paths() -> list[list[str]]:
    """Every command and group of the CLI, as the words that reach it (``[]`` is ``accord`` itself)."""
    import typer

    out: list[list[str]] = []

    def walk(cmd: object, path: list[str]) -> None:
        out.append(path)
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return out


@pytest.mark.parametrize("command", _command_paths(), ids=lambda c: " ".join(c) or "accord")
def test_help_shows_flags_as_flags_and_describes_every_option(command: list[str]) -> None:
    r = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    rows = [line for line in r.output.splitlines() if re.match(r"^│ +[-*]", line)]
    assert any("--help" in line for line in rows), r.output
    for line in rows:
        assert "<bool>" not in line, line
        # an option or argument row has a description after its name and type
        assert len(re.split(r"\s{2,}", line.strip("│ ").strip())) >= 2, line
