"""The historical timeline of the minsk-group case."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.scenario import ScenarioError, load_scenario
from accord.scenario.timeline import load_timeline

SHARED = Path(__file__).resolve().parents[2] / "shared"  # the project's shared/ folder, when present


def test_timeline_loads_and_checks_against_the_case() -> None:
    s = load_scenario("minsk-group")
    t = load_timeline("minsk-group", s)
    assert t.case == "minsk-group"
    assert {e.proposal for e in t.of("proposal")} == {p.id for p in s.proposals}
    assert all(e.accepted is False for e in t.of("proposal"))  # none of the proposals was accepted
    assert t.war_years() == {2014: "escalation", 2016: "war", 2020: "war"}
    formats = [(e.date, e.format) for e in t.of("format")]
    assert ("2022-04", "bilateral") in formats
    dates = [e.year for e in t.entries]
    assert dates == sorted(dates)


def test_timeline_quotes_are_verbatim_in_the_shared_seeds() -> None:
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip("shared seeds not available")
    for e in load_timeline("minsk-group").entries:
        assert e.quote in (seeds / e.seed).read_text(encoding="utf-8"), e.event


def test_bad_timeline_is_a_located_error(tmp_path: Path) -> None:
    from importlib import resources

    text = resources.files("accord.cases").joinpath("timelines/minsk-group.yaml").read_text(encoding="utf-8")
    p = tmp_path / "t.yaml"
    p.write_text(text.replace("proposal: mixed-2005", "proposal: mixed-2006"), encoding="utf-8")
    with pytest.raises(ScenarioError) as e:
        load_timeline(str(p), load_scenario("minsk-group"))
    assert "mixed-2006" in str(e.value) and f"{p}:" in str(e.value)
    p.write_text(text.replace("compare: war\n    severity: war\n", "compare: war\n", 1), encoding="utf-8")
    with pytest.raises(ScenarioError) as e:
        load_timeline(str(p))
    assert "severity" in str(e.value)
