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


def test_timeline_and_case_agree_on_fighting_and_format_switches() -> None:
    from accord.scenario.schema import date_to_year

    s = load_scenario("minsk-group")
    t = load_timeline("minsk-group", s)
    first, last = t.scored_years
    by_year: dict[int, set[str]] = {}
    for e in s.events:
        by_year.setdefault(int(date_to_year(e.date)), set()).add(e.kind)
    # every war or escalation the timeline scores is an event of the case in that year ...
    for year, severity in t.war_years().items():
        assert by_year.get(year, set()) & {"war", "clashes", "escalation"}, (year, severity)
    # ... and every fighting the case imposes in a scored year is scored by the timeline
    fought = {int(date_to_year(e.date)) for e in s.events if e.fighting_effect in ("starts", "flare")}
    assert {y for y in fought if first <= y <= last} <= set(t.war_years())
    # the 2014 escalation is scored by the timeline, but the case does not impose fighting for it
    assert 2014 in t.war_years() and 2014 not in fought
    # format switches: the case switches where the timeline first records the new format
    switches = {(e.date, e.switch_format) for e in s.events if e.switch_format is not None}
    first_seen: dict[str, str] = {}
    for e in t.of("format"):
        first_seen.setdefault(e.format or "", e.date)
    assert switches == {(d, f) for f, d in first_seen.items() if f != s.formats[0].id}
    # the agreements the case records are dated as the timeline dates them
    ceasefire = next(e for e in t.entries if e.date == "1994-05")
    assert "ceasefire" in ceasefire.event.lower()
    assert {e.date for e in s.events if e.agreement == "ceasefire"} == {"1994-05", "2020-11-10"}
    assert "2020-11-10" in {e.date for e in t.entries}
