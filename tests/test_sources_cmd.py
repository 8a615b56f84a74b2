"""`accord sources` and the seed-quote check."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from accord.cli.app import app
from accord.scenario import load_scenario, parse_scenario
from accord.scenario.seeds import check_quotes, explain_mismatch

runner = CliRunner()


def test_sources_minsk_group_ends_with_zero_unsourced() -> None:
    r = runner.invoke(app, ["sources", "minsk-group"])
    assert r.exit_code == 0, r.output
    lines = r.output.rstrip("\n").splitlines()
    assert lines[-1] == "unsourced numbers: 0"
    assert "sipri-milex-arm" in r.output and "s001-package-1997" in r.output
    assert "NOT FOUND" not in r.output


def test_sources_counts_numbers_per_source() -> None:
    r = runner.invoke(app, ["sources", "example", "--full"])
    assert r.exit_code == 0, r.output
    # sipri-arm carries Armenia's 5-year series in the example case
    row = next(line for line in r.output.splitlines() if "sipri-arm" in line)
    assert " 5 " in row
    assert r.output.rstrip("\n").splitlines()[-1] == "unsourced numbers: 0"


def _write_case(tmp_path: Path, quote: str, extra: str = "") -> Path:
    text = (Path(__file__).parents[1] / "src/accord/cases/example.yaml").read_text(encoding="utf-8")
    old = 'quote: "Meanwhile, Russia continued to supply modern weapons to Armenia, casting doubt on its neutrality."'
    assert old in text
    text = text.replace(old, f'quote: "{quote}"')
    text = text.replace("  - id: FRA\n", extra + "  - id: FRA\n") if extra else text
    p = tmp_path / "case.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_a_straight_apostrophe_is_reported_with_line_and_character(tmp_path: Path) -> None:
    # the seed has a curly apostrophe in "Armenia’s"; this quote (from another sentence) uses a straight one
    p = _write_case(tmp_path, "The war resulted in Armenia's occupation of 20 percent")
    text = p.read_text(encoding="utf-8").replace(
        'seed: 001_71f9567e829c96f9.txt\n    quote: "The war resulted',
        'seed: 000_a783ddf106cd64c4.txt\n    quote: "The war resulted',
    )
    p.write_text(text, encoding="utf-8")
    r = runner.invoke(app, ["sources", str(p)])
    assert r.exit_code == 2
    assert r.output.rstrip("\n").splitlines()[-1] == "unsourced numbers: 0"  # still the last line
    assert "U+0027" in r.output and "U+2019" in r.output
    assert "sources.seed-russia-arms.quote" in r.output
    v = runner.invoke(app, ["validate", str(p)])
    assert v.exit_code == 2
    assert f"{p}:" in v.output and "not found" in v.output


def test_unknown_seed_file_is_a_clear_error(tmp_path: Path) -> None:
    p = _write_case(tmp_path, "anything at all here")
    p.write_text(
        p.read_text(encoding="utf-8").replace(
            'seed: 001_71f9567e829c96f9.txt\n    quote: "anything', 'seed: ../../etc/passwd\n    quote: "anything'
        ),
        encoding="utf-8",
    )
    r = runner.invoke(app, ["validate", str(p)])
    assert r.exit_code == 2
    assert "expected a seed file shipped with accord" in r.output
    assert "Traceback" not in r.output


def test_seeds_next_to_a_scenario_are_used(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "mine.txt").write_text("Only “this” sentence is here.\n", encoding="utf-8")
    p = _write_case(tmp_path, "Only “this” sentence is here.")
    p.write_text(
        p.read_text(encoding="utf-8").replace(
            'seed: 001_71f9567e829c96f9.txt\n    quote: "Only', 'seed: mine.txt\n    quote: "Only'
        ),
        encoding="utf-8",
    )
    r = runner.invoke(app, ["validate", str(p)])
    assert r.exit_code == 0, r.output


def test_dangling_bracket_citation_in_an_assumption_is_reported(tmp_path: Path) -> None:
    text = (Path(__file__).parents[1] / "src/accord/cases/example.yaml").read_text(encoding="utf-8")
    text = text.replace('coding: "Position coded', 'coding: "[no-such-source] Position coded')
    p = tmp_path / "c.yaml"
    p.write_text(text, encoding="utf-8")
    r = runner.invoke(app, ["validate", str(p)])
    assert r.exit_code == 2
    assert "assumptions.coding" in r.output and "no-such-source" in r.output


def test_explain_mismatch_points_at_the_first_differing_character() -> None:
    seed = "The minister then said “yes” and left."
    msg = explain_mismatch('The minister then said "yes" and left.', seed)
    assert "character 24" in msg and "U+0022" in msg and "U+201C" in msg
    assert "no passage" in explain_mismatch("completely different words", seed)


def test_check_quotes_on_parsed_text_uses_packaged_seeds() -> None:
    s = load_scenario("example")
    assert all(q.ok for q in check_quotes(s))
    text = (Path(__file__).parents[1] / "src/accord/cases/example.yaml").read_text(encoding="utf-8")
    broken = parse_scenario(text.replace("in May 1994.", "in June 1994."), "x.yaml")
    bad = [q for q in check_quotes(broken) if not q.ok]
    assert [q.source_id for q in bad] == ["seed-ceasefire-1994"]
