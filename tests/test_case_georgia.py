"""The built-in georgia-abkhazia-south-ossetia case: every number sourced, every data set row it
cites present in shared/data/panel/ as cited, coded only from what was known at each date, its
timeline the UCDP and PA-X record, and it replays under every format it can run."""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

import pytest
from tests.panel_data import PANEL_DIR, SHARED_PANEL

from accord.analysis.backtest import backtest, outcomes_for
from accord.mechanisms.agreements import TYPES
from accord.mechanisms.formats import available_formats, runnable_formats
from accord.scenario import builtin_cases, load_scenario, parse_scenario, provenance
from accord.scenario.citations import citations, cited_ids
from accord.scenario.errors import ScenarioError
from accord.scenario.quantity import Quantity
from accord.scenario.schema import Actor, Scenario, Series, StanceChange, date_to_year
from accord.scenario.seeds import dangling_citations
from accord.scenario.timeline import Timeline, TimelineEntry, check_timeline, load_timeline
from accord.simulation import replay
from accord.simulation.events import WarStarted

CASE = "georgia-abkhazia-south-ossetia"
SRC = Path(__file__).resolve().parents[1] / "src" / "accord" / "cases"
PANEL = PANEL_DIR  # the project's shared/data/panel, or ACCORD_PANEL_DATA (tests/panel_data.py)
ISSUES = ("abkhazia", "south-ossetia", "returns", "security")
MAIN = ("GEO", "ABK", "SOS", "RUS", "NOS", "UN", "OSCE", "EU", "FRA", "DEU", "GBR", "USA")
STAGE = {"Cea": "ceasefire", "Pre": "process", "SubPar": "partial", "SubComp": "comprehensive"}
STAGE |= {"Imp": "implementation", "Ren": "renewal"}  # the conflict panel's mapping (docs/panel.md)
KNOWN_BY_START = 1995.0
"""Starting stances rest on rows dated before 1995 (the wars of 1992-93, the texts of 1992-94)."""


@pytest.fixture(scope="module")
def case() -> Scenario:
    return load_scenario(CASE)


@pytest.fixture(scope="module")
def timeline(case: Scenario) -> Timeline:
    return load_timeline(CASE, case)


@cache
def _csv(name: str) -> list[dict[str, str]]:
    path = PANEL / name
    if not path.exists():
        pytest.skip(f"shared/data/panel/{name} is not available (the data sets are not shipped with accord)")
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _fields(row: str) -> dict[str, str]:
    """``"key value; key value"`` of a source's or an entry's ``row:`` as a dict."""
    out = {}
    for part in row.split("; "):
        key, _, value = part.partition(" ")
        out[key.rstrip(":")] = value
    return out


def _sources(case: Scenario, prefix: str) -> dict[str, str]:
    return {sid: src.row or "" for sid, src in case.sources.items() if sid.startswith(prefix)}


# -- provenance ------------------------------------------------------------------------------


def test_registered_and_valid_with_every_number_sourced(case: Scenario) -> None:
    assert CASE in builtin_cases()
    p = provenance(case)
    assert p.unsourced == []
    # the COW series (Georgia 24 years, Russia 25) are the numbers that rest directly on a row
    assert dict(p.by_source) == {"cow-nmc-372": 24, "cow-nmc-365": 25}
    assert p.total == 238 and sum(p.by_assumption.values()) == 189
    assert case.meta.start == "1992" and case.meta.end == "2024-12"


def test_every_source_and_assumption_is_used_and_every_citation_resolves(case: Scenario) -> None:
    c = citations(case)
    assert c.inline_assumptions(case) == []
    assert c.unused_assumptions(case) == []
    assert c.unused_sources(case) == []
    assert dangling_citations(case) == []
    assert {src.kind for src in case.sources.values()} == {"dataset", "literature"}  # no seeds in this case
    kinds = {sid: src.kind for sid, src in case.sources.items()}
    assert sum(k == "dataset" for k in kinds.values()) == 64 + 7 + 2 + 1


def test_background_knowledge_is_labelled_where_it_is_used(case: Scenario) -> None:
    # a text that codes what no row says names it as the developer's knowledge
    for aid in ("eu-stance", "friends-stance", "sq-2008", "rus-2008", "geneva-flags"):
        assert "background knowledge" in case.assumptions[aid], aid
    ev = {e.id: e for e in case.events}
    for eid in ("geneva-2008", "unomig-ends-2009", "osce-mission-ends-2009"):
        assert ev[eid].source is None and "background knowledge" in (ev[eid].note or "").lower(), eid
    for a in case.actors:
        for ch in a.changes:
            if ch.source is None:
                assert ch.leader is not None and not _change_numbers(ch), (a.id, ch.from_)
                assert "background knowledge" in (ch.note or "").lower(), (a.id, ch.from_)


# -- the data rows ---------------------------------------------------------------------------


def test_pax_rows_are_the_georgian_agreements_as_cited() -> None:
    case = load_scenario(CASE)
    rows = {r["AgtId"]: r for r in _csv("pax_agreements.csv")}
    georgian = {i for i, r in rows.items() if "Georgia" in r["Con"]}
    cited = _sources(case, "pax-")
    assert {sid.removeprefix("pax-") for sid in cited} == georgian and len(georgian) == 64
    # PA-X covers 1990-2020 (the timeline's last scored year) and has no Georgian text after 2008
    assert max(int(r["Dat"][:4]) for r in rows.values()) == 2020
    assert max(int(rows[i]["Dat"][:4]) for i in georgian) == 2008
    for sid, row in cited.items():
        r, f = rows[sid.removeprefix("pax-")], _fields(row)
        assert f["AgtId"] == r["AgtId"] and f["Dat"] == r["Dat"], sid
        assert f["Stage"] == r["Stage"] and f["StageSub"] == r["StageSub"], sid
        assert f["PP"] == f"{r['PP']} {r['PPName']}" and f["UcdpCon"] == r["UcdpCon"], sid
        assert row.split("; Agt: ", 1)[1] == r["Agt"].strip(), sid
        note = case.sources[sid].note or ""
        assert note.startswith(f"Reports {r['Dat']}."), sid
        assert f"ImPK {r['ImPK']}," in note and f"ImUN {r['ImUN']}." in note and f"Con {r['Con']}," in note, sid


def test_ucdp_rows_exist_as_cited() -> None:
    case = load_scenario(CASE)
    rows = {(r["conflict_id"], r["year"]): r for r in _csv("ucdp_prio_acd_v25_1.csv")}
    cited = _sources(case, "ucdp-")
    assert set(cited) == {
        "ucdp-380-1992", "ucdp-380-1993", "ucdp-392-1992", "ucdp-392-1993",
        "ucdp-393-1992", "ucdp-393-2004", "ucdp-393-2008",
    }  # fmt: skip
    for sid, row in cited.items():
        f = _fields(row)
        r = rows[(f["conflict_id"], f["year"])]
        assert sid == f"ucdp-{r['conflict_id']}-{r['year']}"
        for key, value in f.items():
            assert r[key] == value, (sid, key)
    # every conflict-year of the two territorial conflicts is cited: the record leaves none out
    territorial = {k for k in rows if k[0] in ("392", "393")}
    assert {(sid.split("-")[1], sid.split("-")[2]) for sid in cited} >= territorial


def test_capability_is_the_cow_milex_series_and_held_after_2016(case: Scenario) -> None:
    rows = _csv("cow_nmc_v6_0_abridged.csv")
    for actor, ccode, missing in (("GEO", "372", {1993}), ("RUS", "365", set())):
        cap = case.actor(actor).capability
        assert isinstance(cap, Series) and cap.source == f"cow-nmc-{ccode}"
        published = {
            int(r["year"]): int(r["milex"]) / 1000
            for r in rows
            if r["ccode"] == ccode and int(r["year"]) >= 1992 and int(r["milex"]) >= 0
        }
        absent = {int(r["year"]) for r in rows if r["ccode"] == ccode and int(r["year"]) >= 1992} - set(published)
        assert absent == missing  # COW's -9: not invented, interpolated by Series.at
        assert cap.series == pytest.approx(published) and max(cap.series) == 2016
        assert cap.at(2024.0) == cap.series[2016]
    geo = case.actor("GEO").capability
    assert isinstance(geo, Series) and geo.at(1993.0) == pytest.approx((geo.series[1992] + geo.series[1994]) / 2)


def test_osce_membership_from_the_list_of_participating_states(case: Scenario) -> None:
    path = SHARED_PANEL.parent / "osce_participating_states.csv"
    if not path.exists():
        pytest.skip("shared/data/osce_participating_states.csv is not available")
    with path.open(encoding="utf-8") as f:
        since = {r["state"]: int(r["participating_since"]) for r in csv.DictReader(f)}
    states = case.actors_with_role("participating-state")
    assert {a.id for a in states} == {"GEO", "RUS", "FRA", "DEU", "GBR", "USA"}
    for a in states:
        assert a.member_since == since[a.name], a.id


# -- coded only from what was known at each date ---------------------------------------------

_REPORTS = re.compile(r"^Reports (\d{4}(?:-\d{2}(?:-\d{2})?)?)[ .]")


def _reported(case: Scenario) -> dict[str, float]:
    out = {}
    for sid, src in case.sources.items():
        if src.kind == "dataset" and sid != "osce-states":
            m = _REPORTS.match(src.note or "")
            assert m, f"{sid}: expected a note beginning 'Reports DATE', found {src.note!r}"
            out[sid] = date_to_year(m.group(1))
    return out


def _rows_of(case: Scenario, q: Quantity) -> list[str]:
    """Data rows a number rests on: its own source, or those its assumption text cites."""
    ids = [q.source] if q.source is not None else cited_ids(case.assumptions[q.assumption or ""])
    return [i for i in ids if case.sources[i].kind == "dataset"]


def _initial_numbers(a: Actor) -> dict[str, Quantity]:
    out: dict[str, Quantity] = {f"positions.{k}": q for k, q in a.positions.items()}
    out |= {f"salience.{k}": q for k, q in a.salience.items()}
    if isinstance(a.capability, Quantity):
        out["capability"] = a.capability
    if a.optimism is not None:
        out["optimism"] = a.optimism
    if a.domestic is not None:
        out |= {f"domestic.pivot.{k}": q for k, q in a.domestic.pivot.items()}
        for name in ("removal_risk", "audience_cost"):
            q = getattr(a.domestic, name)
            if q is not None:
                out[f"domestic.{name}"] = q
    return out


def _change_numbers(ch: StanceChange) -> dict[str, Quantity]:
    out: dict[str, Quantity] = {}
    for name in ("positions", "salience", "pivot"):
        out |= {f"{name}.{k}": q for k, q in getattr(ch, name).items()}
    for name in ("removal_risk", "audience_cost"):
        q = getattr(ch, name)
        if q is not None:
            out[name] = q
    return out


def test_every_data_source_says_which_date_it_reports(case: Scenario) -> None:
    dates = _reported(case)
    assert len(dates) == 64 + 7 + 2
    assert dates["pax-724"] == pytest.approx(date_to_year("2008-08-12"))
    assert dates["ucdp-393-2008"] == pytest.approx(date_to_year("2008-08-12"))
    assert dates["ucdp-392-1993"] == pytest.approx(date_to_year("1993-11-29"))


def test_no_stance_from_the_start_rests_on_a_later_row(case: Scenario) -> None:
    dates = _reported(case)
    late, n = [], 0
    for a in case.actors:
        for name, q in _initial_numbers(a).items():
            n += 1
            late += [f"{a.id}.{name} <- {sid}" for sid in _rows_of(case, q) if dates[sid] >= KNOWN_BY_START]
    assert late == []
    assert n > 100
    # the rows a starting stance would be tempted to use, all later, are cited by none
    start_rows = {sid for a in case.actors for q in _initial_numbers(a).values() for sid in _rows_of(case, q)}
    assert not {"ucdp-393-2004", "ucdp-393-2008", "pax-724", "pax-342", "pax-1031"} & start_rows


def test_dated_changes_are_ordered_and_rest_on_no_later_row(case: Scenario) -> None:
    dates = _reported(case)
    late, n = [], 0
    for a in case.actors:
        when = [date_to_year(c.from_) for c in a.changes]
        assert when == sorted(when) and len(set(when)) == len(when), a.id
        assert all(date_to_year(case.meta.start) < w < date_to_year(case.meta.end) for w in when), a.id
        for ch in a.changes:
            numbers = _change_numbers(ch)
            n += len(numbers)
            cited = {sid for q in numbers.values() for sid in _rows_of(case, q)}
            if numbers:
                assert ch.source is not None and ch.source in case.sources, (a.id, ch.from_)
                cited.add(ch.source)  # a leader-only change may cite a later row that names the leader
            t = date_to_year(ch.from_)
            late += [f"{a.id}.changes.{ch.from_} <- {sid}" for sid in sorted(cited) if dates[sid] > t + 1e-9]
    assert late == []
    assert n == 6
    rus = {c.from_: c for c in case.actor("RUS").changes}
    assert rus["2008-08-26"].source == "ucdp-393-2008"
    assert rus["2008-08-26"].positions["abkhazia"].bounds() == (95, 100)
    geo = {c.from_: c for c in case.actor("GEO").changes}
    assert geo["1994"].source == "ucdp-380-1993" and geo["2004-01"].leader == "Mikheil Saakashvili"


# -- structure -------------------------------------------------------------------------------


def test_actors_issues_and_roles(case: Scenario) -> None:
    assert tuple(case.issue_ids) == ISSUES
    assert {i.id for i in case.issues if i.war} == {"abkhazia", "south-ossetia"}
    assert tuple(a.id for a in case.actors) == MAIN
    for a in case.actors:
        assert set(a.positions) == set(ISSUES) == set(a.salience), a.id
    rus = case.actor("RUS")
    assert {"party", "mediator"} <= set(rus.roles)  # mediator and party
    assert {a.id for a in case.actors if "co-chair" in a.roles} == {"UN", "OSCE", "EU"}  # Geneva's co-chairs
    assert [a.id for a in case.actors if "party" in a.roles] == ["GEO", "ABK", "SOS", "RUS"]
    assert case.proposals == []  # the data sets record signed texts only


def test_russia_fights_on_the_de_facto_side(case: Scenario) -> None:
    # the engine sets the sides once, from the starting positions (rus-1992)
    wars = [e for e in replay(case, seed=0).events if isinstance(e, WarStarted)]
    assert wars and all(e.imposed for e in wars)
    for e in wars:
        assert e.side_low == ["GEO"] and e.side_high == ["ABK", "SOS", "RUS"]


def test_formats_and_tracks(case: Scenario) -> None:
    f = {x.id: x for x in case.formats}
    assert list(f) == ["un-friends", "geneva-discussions"]
    assert f["un-friends"].proposers == ["UN"] and f["un-friends"].decision is not None
    assert f["un-friends"].decision.voters == ["GEO", "ABK"]
    assert f["geneva-discussions"].proposers == ["OSCE", "EU", "UN"]
    t = {x.id: x for x in case.tracks}
    assert list(t) == ["russia", "jcc", "eu-2008"]
    assert t["russia"].agreements == ["ceasefire"] and t["russia"].when == "fighting"
    # no partial text drafted where one territory's authority is absent
    assert "partial" not in t["jcc"].agreements and "comprehensive" not in t["jcc"].agreements
    assert t["jcc"].decision is not None and t["jcc"].decision.voters == ["GEO", "SOS", "RUS", "NOS"]
    ev = {e.id: e for e in case.events}
    assert ev["geneva-2008"].switch_format == "geneva-discussions" and ev["geneva-2008"].date == "2008-10-15"
    assert set(available_formats(case)) == set(runnable_formats(case))


def test_every_pax_agreement_is_an_event_of_its_stage(case: Scenario) -> None:
    signed = [e for e in case.events if e.agreement is not None]
    assert len(signed) == 64
    for e in signed:
        src = case.sources[e.source or ""]
        f = _fields(src.row or "")
        assert e.date == f["Dat"] and e.agreement == STAGE[f["Stage"]], e.id
    by_type = {k: sum(e.agreement == k for e in signed) for k in TYPES}
    assert by_type == {
        "ceasefire": 20,
        "process": 26,
        "partial": 8,
        "comprehensive": 0,
        "implementation": 8,
        "renewal": 2,
    }
    assert {e.track for e in signed} == {None, "russia", "jcc", "eu-2008"}


def test_fighting_follows_the_ucdp_episodes(case: Scenario) -> None:
    effects = [(e.date, e.fighting_effect) for e in case.events if e.kind in ("war", "war-end")]
    assert effects == [
        ("1992-06-08", "starts"), ("1992-08-14", "ends"), ("1992-08-17", "starts"), ("1993-11-29", "ends"),
        ("2004-08-19", "starts"), ("2004-10-12", "ends"), ("2008-08-12", "starts"), ("2008-11-09", "ends"),
    ]  # fmt: skip
    ev = {e.id: e for e in case.events}
    for eid, sid, key in (
        ("south-ossetia-fighting-1992", "ucdp-393-1992", "start_date2"),
        ("south-ossetia-fighting-ends-1992", "ucdp-393-1992", "ep_end_date"),
        ("abkhazia-war-1992", "ucdp-392-1992", "start_date2"),
        ("abkhazia-war-ends-1993", "ucdp-392-1993", "ep_end_date"),
        ("south-ossetia-fighting-2004", "ucdp-393-2004", "start_date2"),
        ("south-ossetia-fighting-ends-2004", "ucdp-393-2004", "ep_end_date"),
        ("war-2008", "ucdp-393-2008", "start_date2"),
        ("war-ends-2008", "ucdp-393-2008", "ep_end_date"),
    ):
        d, m, y = _fields(case.sources[sid].row or "")[key].split("-")
        assert ev[eid].date == f"{y}-{int(m):02d}-{int(d):02d}" and ev[eid].source == sid, eid
    # a ceasefire text inside a UCDP episode does not end the fighting; one in a quiet year is a ceasefire
    episodes = [(date_to_year(ev[a].date), date_to_year(ev[b].date)) for a, b in (
        ("south-ossetia-fighting-1992", "south-ossetia-fighting-ends-1992"),
        ("abkhazia-war-1992", "abkhazia-war-ends-1993"),
        ("south-ossetia-fighting-2004", "south-ossetia-fighting-ends-2004"),
        ("war-2008", "war-ends-2008"),
    )]  # fmt: skip
    for e in case.events:
        if e.agreement == "ceasefire":
            inside = any(a <= date_to_year(e.date) <= b for a, b in episodes)
            assert e.kind == ("statement" if inside else "ceasefire"), e.id
            assert e.fighting_effect == (None if inside else "ends"), e.id
    # the wars' outcomes are set where they end, and South Ossetia's is restated after the Abkhaz war
    assert set(ev["war-ends-2008"].status_quo) == set(ISSUES)
    assert set(ev["abkhazia-war-ends-1993"].status_quo) == {"abkhazia", "returns", "south-ossetia"}
    assert ev["abkhazia-war-ends-1993"].status_quo["south-ossetia"].assumption == "sq-south-ossetia-1992"
    assert ev["south-ossetia-fighting-ends-2004"].status_quo == {}


# -- the timeline ----------------------------------------------------------------------------


def test_timeline_is_the_ucdp_and_pax_record(case: Scenario, timeline: Timeline) -> None:
    assert timeline.case == CASE and timeline.scored_years == [1995, 2020]
    assert all(e.source is not None and e.seed is None for e in timeline.entries)
    for e in timeline.entries:
        src = case.sources[e.source or ""]
        assert src.kind == "dataset"
        case_row, entry_row = _fields(src.row or ""), _fields(e.row or "")
        for key, value in entry_row.items():
            if key == "ThrdPart":
                continue  # checked against the CSV below
            assert case_row[key] == value, (e.date, key)
    # agreements: the case's events one to one (date, type, track)
    events = sorted((e.date, e.agreement, e.track, e.source) for e in case.events if e.agreement is not None)
    entries = sorted((e.date, e.agreement, e.track, e.source) for e in timeline.of("agreement"))
    assert entries == events
    # fighting: the four UCDP episodes, onsets in 1992 (twice), 2004 and 2008
    spans = [(e.date, e.until) for e in timeline.of("fighting")]
    assert spans == [
        ("1992-06-08", "1992-08-14"), ("1992-08-17", "1993-11-29"),
        ("2004-08-19", "2004-10-12"), ("2008-08-12", "2008-11-09"),
    ]  # fmt: skip
    onsets = {y: len(timeline.year(y).onset) for y in range(1990, 2025) if timeline.year(y).onset}
    assert onsets == {1992: 2, 2004: 1, 2008: 1}  # 1992: South Ossetia, then Abkhazia three days after
    assert [y for y in range(1990, 2025) if timeline.year(y).fighting] == [1992, 1993, 2004, 2008]
    # the case's war and war-end events give the same spans (the two records agree)
    ev = sorted((e.date, e.fighting_effect) for e in case.events if e.kind in ("war", "war-end"))
    assert [(a, b) for (a, _), (b, _) in zip(ev[::2], ev[1::2], strict=True)] == spans
    assert [e.format for e in timeline.of("format")] == ["un-friends", "un-friends"]


def test_timeline_fighting_years_are_the_ucdp_conflict_years(timeline: Timeline) -> None:
    # the years the record has fighting are exactly the years UCDP has a row of conflict 392 or
    # 393 (Abkhazia, South Ossetia), and a year's fighting entries are those conflicts' rows
    rows = _csv("ucdp_prio_acd_v25_1.csv")
    ucdp = {int(r["year"]) for r in rows if r["conflict_id"] in ("392", "393")}
    fought = {y for y in range(1946, 2025) if timeline.year(y).fighting}
    assert fought == ucdp == {1992, 1993, 2004, 2008}
    by_year = {y: {r["conflict_id"] for r in rows if r["conflict_id"] in ("392", "393") and int(r["year"]) == y}
               for y in ucdp}  # fmt: skip
    for y in sorted(ucdp):
        cited = {(e.source or "").split("-")[1] for e in timeline.year(y).fighting}
        assert cited == by_year[y], y


def test_timeline_thirdparty_quotes_are_in_pax(timeline: Timeline) -> None:
    rows = {r["AgtId"]: r for r in _csv("pax_agreements.csv")}
    n = 0
    for e in timeline.entries:
        f = _fields(e.row or "")
        if "ThrdPart" in f:
            n += 1
            assert f["ThrdPart"] in rows[f["AgtId"]]["ThrdPart"], e.date
    assert n == 2


def test_timeline_evidence_rules() -> None:
    base = {"date": "2000", "event": "x", "compare": "none"}
    assert TimelineEntry.model_validate({**base, "source": "a", "row": "r"}).seed is None
    with pytest.raises(ValueError, match="seed and quote"):
        TimelineEntry.model_validate({**base, "source": "a", "row": "r", "seed": "s", "quote": "q"})
    assert TimelineEntry.model_validate({**base, "source": "a"}).row is None  # a row is optional
    with pytest.raises(ValueError, match="row only with its source"):
        TimelineEntry.model_validate({**base, "row": "r"})
    with pytest.raises(ValueError, match="until"):
        TimelineEntry.model_validate({**base, "compare": "fighting", "fighting": "war", "source": "a", "row": "r"})
    with pytest.raises(ValueError, match="on or after"):
        TimelineEntry.model_validate(
            {**base, "compare": "fighting", "fighting": "war", "until": "1999", "source": "a", "row": "r"}
        )


def test_timeline_source_must_be_a_dataset_of_the_case(case: Scenario) -> None:
    t = Timeline.model_validate(
        {
            "case": CASE,
            "scored_years": [1995, 1996],
            "entries": [
                {"date": "1995", "event": "x", "compare": "none", "source": "fearon-1995", "row": "r"},
                {"date": "1995", "event": "y", "compare": "agreement", "agreement": "process", "track": "nosuch",
                 "source": "pax-12", "row": "r"},
            ],
        }
    )  # fmt: skip
    problems = [p.message for p in check_timeline(t, case)]
    assert any("kind: dataset source" in m and "fearon-1995" in m for m in problems)
    assert any("expected a track" in m and "nosuch" in m for m in problems)
    assert len(problems) == 2


# -- replays ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["un-friends", "geneva-discussions", "minsk-group", "bilateral", "single-mediator",
                                 "inclusive", "majority"])  # fmt: skip
def test_replays_under_every_format_it_can_run(case: Scenario, fmt: str) -> None:
    assert fmt in runnable_formats(case)
    r = replay(case, format=fmt, seed=0, history="imposed")
    years = r.batch.years
    assert years[0] == 1992 and years[-1] == 2024 and len(years) == 33
    # imposed history: every dated agreement is signed in its year, every UCDP episode is fought
    for e in case.events:
        if e.agreement is not None:
            k = int(date_to_year(e.date)) - 1992
            assert r.batch.signed_by_year[0, k, TYPES.index(e.agreement)], (fmt, e.id)
    fought = {int(y) for y, f in zip(years, r.batch.fighting_by_year[0], strict=True) if f}
    assert {1992, 1993, 2004, 2008} <= fought, fmt
    assert r.trajectory["format"][-1] == "geneva-discussions"  # the dated switch of October 2008
    cf = replay(case, format=fmt, seed=0, history="counterfactual")
    assert len(cf.batch.years) == 33


def test_replay_is_reproducible(case: Scenario) -> None:
    a = replay(case, seed=3).to_json()
    assert a == replay(case, seed=3).to_json()


def test_a_copy_round_trips_through_the_loader(case: Scenario) -> None:
    from accord.scenario import dump_scenario

    again = parse_scenario(dump_scenario(case), "copy")
    assert provenance(again).total == provenance(case).total
    with pytest.raises(ScenarioError, match="cow-nmc-999"):
        parse_scenario(dump_scenario(case).replace("source: cow-nmc-372", "source: cow-nmc-999"), "bad")


# -- the backtest ----------------------------------------------------------------------------
# Structure only, with few runs: the case and the engine are frozen before the case is scored,
# and the scored backtest is run once by the lead, so no test here looks at a score.


def test_backtest_has_a_row_for_every_scored_year_and_outcome(case: Scenario, timeline: Timeline) -> None:
    r = backtest(case, timeline, runs=2, seed=0, bootstrap=0)
    outcomes = outcomes_for(timeline)
    # PA-X has ceasefire, process, partial, implementation and renewal texts of Georgia; none comprehensive
    assert timeline.agreement_types() == {"ceasefire", "process", "partial", "implementation", "renewal"}
    assert {"fighting", "onset", "ceasefire_in_force", "partial_signed", "renewal_signed"} <= set(outcomes)
    keys = sorted((row.year, row.outcome) for row in r.year_rows)
    assert keys == sorted((y, o) for y in range(1995, 2021) for o in outcomes)
    assert [(row.year, row.outcome) for row in r.year_rows if not 0.0 <= row.p <= 1.0] == []
    assert [(row.kind, row.date) for row in r.rows] == [("format", "1993-12-01"), ("format", "1997-11-19")]
    assert all(0.0 <= row.p_event <= 1.0 for row in r.rows)
    assert r.notes == []  # the record and the case's events agree on fighting and agreements
    assert r.scored_years == (1995, 2020) and r.case == CASE


def test_bad_evidence_and_fighting_values_are_located_errors(case: Scenario, tmp_path: Path) -> None:
    # a timeline file: an entry with a source that is not a data set of the case, and one with a
    # seed but no quote, each named by its line and field
    bad = tmp_path / "timeline.yaml"
    bad.write_text(
        f"case: {CASE}\n"
        "scored_years: [1995, 2000]\n"
        "entries:\n"
        "  - date: 1996\n"
        "    event: x\n"
        "    compare: none\n"
        "    source: fearon-1995\n"
        "    row: r\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as e:
        load_timeline(str(bad), case)
    (p,) = e.value.problems
    assert (p.file, p.line, p.field) == (str(bad), 7, "entries[0].source") and "kind: dataset" in p.message
    bad.write_text(bad.read_text(encoding="utf-8").replace("    source: fearon-1995\n    row: r\n", "    seed: s\n"))
    with pytest.raises(ScenarioError) as e:
        load_timeline(str(bad), case)
    (p,) = e.value.problems
    assert p.line == 4 and "seed and quote" in p.message and "found seed" in p.message
    # an event's fighting: a value outside starts/ends/flare/continues names the field
    text = (SRC / f"{CASE}.yaml").read_text(encoding="utf-8")
    assert text.count("    fighting: continues\n") == 7
    with pytest.raises(ScenarioError, match=r"events\[\d+\]\.fighting") as e:
        parse_scenario(text.replace("    fighting: continues\n", "    fighting: goes-on\n", 1), "bad.yaml")
    assert all(p.file == "bad.yaml" and p.line > 1 for p in e.value.problems)
