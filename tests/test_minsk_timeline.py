"""The historical timeline of the minsk-group case: what it records, and that it agrees with the case."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from accord.analysis.backtest import observed, outcomes_for
from accord.scenario import ScenarioError, load_scenario
from accord.scenario.schema import date_to_year
from accord.scenario.timeline import differences, load_timeline

SHARED = Path(__file__).resolve().parents[2] / "shared"  # the project's shared/ folder, when present


def _years(outcome: str, first: int = 1992, last: int = 2025) -> set[int]:
    t = load_timeline("minsk-group")
    return {y for y in range(first, last + 1) if observed(t.year(y), outcome)[0]}


def test_timeline_loads_and_checks_against_the_case() -> None:
    s = load_scenario("minsk-group")
    t = load_timeline("minsk-group", s)
    assert t.case == "minsk-group" and t.scored_years == [1995, 2025]
    assert {e.proposal for e in t.of("proposal")} == {p.id for p in s.proposals}
    assert all(e.accepted is False for e in t.of("proposal"))  # none of the proposals was accepted
    formats = [(e.date, e.format) for e in t.of("format")]
    assert ("2022-04", "bilateral") in formats
    dates = [e.year for e in t.entries]
    assert dates == sorted(dates)
    assert outcomes_for(t)[-2:] == ["renewal_signed", "ceasefire_in_force"]


def test_the_record_year_by_year() -> None:
    assert _years("fighting") == {1992, 1993, 1994, 2016, 2020}
    assert _years("onset") == {2016, 2020}  # the first war was under way when the case starts
    assert _years("ceasefire_signed") == {1994, 2020}
    assert _years("process_signed") == {2008, 2017}
    assert _years("renewal_signed") == {2010}
    assert _years("partial_signed") == _years("comprehensive_signed") == set()
    # the 1994 ceasefire holds until the 2016 clashes; the tripartite statement from 2020
    assert _years("ceasefire_in_force") == set(range(1994, 2016)) | set(range(2020, 2026))


def test_timeline_quotes_are_verbatim_in_the_shared_seeds() -> None:
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip("shared seeds not available")
    for e in load_timeline("minsk-group").entries:
        assert e.quote in (seeds / e.seed).read_text(encoding="utf-8"), e.event


def test_bad_timeline_is_a_located_error(tmp_path: Path) -> None:
    text = resources.files("accord.cases").joinpath("timelines/minsk-group.yaml").read_text(encoding="utf-8")
    p = tmp_path / "t.yaml"
    p.write_text(text.replace("proposal: mixed-2005", "proposal: mixed-2006"), encoding="utf-8")
    with pytest.raises(ScenarioError) as e:
        load_timeline(str(p), load_scenario("minsk-group"))
    assert "mixed-2006" in str(e.value) and f"{p}:" in str(e.value)
    p.write_text(text.replace("    until: 2020-11-10\n", "", 1), encoding="utf-8")
    with pytest.raises(ScenarioError) as e:
        load_timeline(str(p))
    assert "until" in str(e.value)


def test_timeline_and_case_agree_on_fighting_agreements_and_format_switches() -> None:
    s = load_scenario("minsk-group")
    t = load_timeline("minsk-group", s)
    # fighting the case imposes in every year, and every agreement its events sign (type and date)
    assert differences(t, s) == []
    assert {(e.agreement, e.date) for e in t.of("agreement")} == {
        (e.agreement, e.date) for e in s.events if e.agreement is not None
    }
    # the tracks agree too (Russia's separate talks in 1994 and 2020)
    tracks = {e.date: e.track for e in s.events if e.agreement is not None}
    assert {e.date: e.track for e in t.of("agreement")} == tracks
    # the 2014 escalation is context: the case does not code it as fighting, nor does the record
    e2014 = next(e for e in t.entries if e.date == "2014" and "scalation" in e.event)
    assert e2014.compare == "none" and e2014.note
    assert next(e for e in s.events if e.id == "escalation-2014").fighting_effect is None
    # format switches: the case switches where the timeline first records the new format
    switches = {(e.date, e.switch_format) for e in s.events if e.switch_format is not None}
    first_seen: dict[str, str] = {}
    for e in t.of("format"):
        first_seen.setdefault(e.format or "", e.date)
    assert switches == {(d, f) for f, d in first_seen.items() if f != s.formats[0].id}
    # every fighting entry matches a dated event of the case (start, and a war's end)
    for e in t.of("fighting"):
        starts = {ev.date for ev in s.events if ev.fighting_effect in ("starts", "flare")}
        assert e.date in starts, e.event
        if e.until is not None:
            ends = {date_to_year(ev.date) for ev in s.events if ev.fighting_effect == "ends"}
            assert date_to_year(e.until) in ends, e.event
