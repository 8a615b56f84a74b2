"""Every kind of bad scenario file gives a located message and exit code 2, never a traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accord.cli.app import app
from accord.scenario import ScenarioError, parse_scenario
from accord.scenario.yaml_io import MAX_BYTES

runner = CliRunner()
LOCATED = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<field>\S+): expected .+", re.M)


def _validate(tmp_path: Path, text: str | bytes, name: str = "bad.yaml") -> tuple[int, str]:
    p = tmp_path / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(p)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output


def _located(output: str) -> list[re.Match[str]]:
    found = list(LOCATED.finditer(output))
    assert found, f"no located message in: {output!r}"
    return found


def _first_changed_line(before: str, after: str) -> int:
    for n, (a, b) in enumerate(zip(before.splitlines(), after.splitlines(), strict=False), start=1):
        if a != b:
            return n
    raise AssertionError("texts do not differ")


# (name, transform of the example text, field the message must name, text the message must contain)
CASES: list[tuple[str, tuple[str, str], str, str]] = [
    ("syntax", ("  name: example", "  name: [example"), "(file)", "syntax error"),
    (
        "unknown-field",
        ("    kind: de-facto-authority\n", "    kind: de-facto-authority\n    colour: red\n"),
        "actors[2].colour",
        "unknown field 'colour'",
    ),
    (
        "wrong-type",
        ("      status: {value: 95, assumption: coding}", "      status: {value: high, assumption: coding}"),
        "actors[0].positions.status.value",
        "expected a number, found text 'high'",
    ),
    (
        "position-range",
        ("      status: {value: 95, assumption: coding}", "      status: {value: 140, assumption: coding}"),
        "actors[0].positions.status",
        "expected a position between 0 and 100, found 140",
    ),
    (
        "salience-range",
        (
            "      status: {value: 0.9, assumption: salience-core}\n      districts: {dist",
            "      status: {value: 1.5, assumption: salience-core}\n      districts: {dist",
        ),
        "actors[0].salience.status",
        "expected a salience between 0 and 1, found 1.5",
    ),
    (
        "negative-capability",
        ("capability: {value: 55, assumption: nk-cap}", "capability: {value: -5, assumption: nk-cap}"),
        "actors[2].capability",
        "expected a number >= 0, found -5",
    ),
    (
        "unknown-actor",
        ("    sponsor: [RUS, FRA, USA]\n    date: 1997-07", "    sponsor: [RUS, FRA, UKR]\n    date: 1997-07"),
        "proposals[0].sponsor[2]",
        "expected a known actor",
    ),
    (
        "unknown-issue",
        (
            "      districts: {value: 15, assumption: coding}\n    source: seed-package-1997",
            "      corridor: {value: 15, assumption: coding}\n    source: seed-package-1997",
        ),
        "proposals[0].terms.corridor",
        "expected a known issue",
    ),
    (
        "unknown-source",
        ("source: seed-occupation}", "source: seed-occupaton}"),
        "issues[1].status_quo.source",
        "did you mean 'seed-occupation'",
    ),
    ("duplicate-id", ("  - id: USA\n", "  - id: RUS\n"), "actors[4].id", "found 'RUS' again"),
    ("duplicate-key", ("  start: 1994\n", "  start: 1994\n  start: 1995\n"), "meta.start", "duplicate key"),
    ("missing-field", ("  start: 1994\n", ""), "meta.start", "required field"),
    ("bad-date", ("date: 1997-07", "date: July 1997"), "proposals[0].date", "expected a date YYYY"),
    (
        "bad-distribution",
        (
            "{dist: uniform, low: 0.4, high: 0.7, assumption: coding}",
            "{dist: uniform, low: 0.8, high: 0.7, assumption: coding}",
        ),
        "actors[0].salience.districts",
        "expected low < high",
    ),
    ("tag", ("meta:\n", "meta: !!python/object:os.system\n"), "meta", "tags are not allowed"),
]


@pytest.mark.parametrize(("name", "change", "field", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_located(
    tmp_path: Path, example_text: str, name: str, change: tuple[str, str], field: str, fragment: str
) -> None:
    old, new = change
    assert old in example_text, f"test fixture out of date: {old!r}"
    text = example_text.replace(old, new, 1)
    code, out = _validate(tmp_path, text)
    assert code == 2, out
    matches = _located(out)
    hit = [m for m in matches if m.group("field") == field]
    assert hit, f"no message for {field} in {out!r}"
    assert fragment in out
    # the location points at the line that was changed (or the file start for file-level problems)
    if new and field != "(file)" and name not in ("missing-field",):
        changed_line = _first_changed_line(example_text, text)
        assert abs(int(hit[0].group("line")) - changed_line) <= 1, (out, changed_line)


def test_empty_file(tmp_path: Path) -> None:
    code, out = _validate(tmp_path, "# only a comment\n")
    assert code == 2 and "found an empty file" in out
    _located(out)


def test_not_a_mapping(tmp_path: Path) -> None:
    code, out = _validate(tmp_path, "- a\n- b\n")
    assert code == 2 and "expected a mapping" in out


def test_binary_file(tmp_path: Path) -> None:
    code, out = _validate(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert code == 2 and "binary data" in out
    _located(out)


def test_not_utf8(tmp_path: Path) -> None:
    code, out = _validate(tmp_path, "meta:\n  name: caf\xe9\n".encode("latin-1"))
    assert code == 2 and "undecodable byte 0xe9" in out and ":2:1:" in out


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    code, out = _validate(tmp_path, b"# " + b"x" * (MAX_BYTES + 10))
    assert code == 2 and "at most 5 MiB" in out


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    code, out = _validate(tmp_path, "\n".join(lines) + "\n")
    assert code == 2 and "alias bomb" in out


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    code, out = _validate(tmp_path, "a: &a [*a]\n")
    assert code == 2
    _located(out)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    r = runner.invoke(app, ["validate", str(tmp_path / "nope.yaml")])
    assert r.exit_code == 2 and "found neither" in r.output
    r = runner.invoke(app, ["validate", str(tmp_path)])
    assert r.exit_code == 2 and "found a directory" in r.output
    r = runner.invoke(app, ["show", "exampel"])
    assert r.exit_code == 2 and "did you mean the built-in case 'example'" in r.output


def test_every_problem_is_reported_not_just_the_first(example_text: str) -> None:
    text = example_text.replace("status: {value: 95, assumption: coding}", "status: {value: 140, assumption: coding}")
    text = text.replace("capability: {value: 55, assumption: nk-cap}", "capability: {value: -5, assumption: nk-cap}")
    with pytest.raises(ScenarioError) as e:
        parse_scenario(text, "two.yaml")
    fields = {p.field for p in e.value.problems}
    assert {"actors[0].positions.status", "actors[2].capability"} <= fields


def test_valid_file_passes(tmp_path: Path, example_text: str) -> None:
    code, out = _validate(tmp_path, example_text, "good.yaml")
    assert code == 0 and "ok" in out and "0 unsourced" in out


def test_a_problem_on_line_100_prints_its_line_number(tmp_path: Path, example_text: str) -> None:
    # rich would print ":100:" as an emoji; the consoles have emoji codes off
    lines = example_text.splitlines(keepends=True)
    first = next(k for k, line in enumerate(lines) if line.startswith("  - id: ARM"))
    assert first < 99, "test fixture out of date: the first actor starts after line 99"
    # an unknown key right after the first actor's id, on line 100: comments in front move it there
    padding = ["# padding\n"] * (99 - (first + 1))
    text = "".join(padding + lines[: first + 1]) + "    colour: red\n" + "".join(lines[first + 1 :])
    assert text.splitlines()[99] == "    colour: red"
    code, out = _validate(tmp_path, text)
    assert code == 2 and ":100:13: actors[0].colour:" in out, out
