"""The built-in moldova-transnistria case: loads with every number sourced, every data row it cites
exists in the shared panel files with the values it quotes, its timeline agrees with UCDP and
PA-X year by year, it is coded only from what was known at each date, and the backtest runs on it.

The case is scored out of sample by the lead with a frozen engine: these tests never look at a
score (a failing assertion names a row or an entry, not a number)."""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

import pytest

from accord.analysis.backtest import backtest, outcomes_for
from accord.scenario import ScenarioError, load_scenario, provenance
from accord.scenario.citations import citations, cited_ids
from accord.scenario.quantity import Quantity
from accord.scenario.schema import Scenario, Series, date_to_year
from accord.scenario.seeds import dangling_citations
from accord.scenario.timeline import Timeline, TimelineEntry, check_timeline, differences, load_timeline

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"  # the project's shared/data, when present
CASE = "moldova-transnistria"
UCDP_CONFLICT = "394"
PAX_PROCESS = "76"
KNOWN_BY_START = 1993.0
"""The stance an actor holds from the start rests on what was known by the end of 1992 (the war
and its ceasefire); the timeline scores years from 1993."""
STAGE_TYPE = {
    "Cea": "ceasefire",
    "Pre": "process",
    "SubPar": "partial",
    "SubComp": "comprehensive",
    "Imp": "implementation",
    "Ren": "renewal",
}
"""PA-X's stages as the engine's agreement types (Bell & Badanjak 2019, J. Peace Research 56(3))."""


@pytest.fixture(scope="module")
def case() -> Scenario:
    return load_scenario(CASE)


@pytest.fixture(scope="module")
def timeline(case: Scenario) -> Timeline:
    return load_timeline(CASE, case)


@cache
def _rows(file: str) -> list[dict[str, str]]:
    with (DATA / file).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _data(file: str) -> list[dict[str, str]]:
    if not (DATA / file).is_file():
        pytest.skip(f"shared data not available ({DATA / file}); CI has it")
    return _rows(file)


def _spec(row: str) -> dict[str, str]:
    """``file=F; key=value; ...`` as a dict (parts without ``=`` are words, not keys)."""
    return dict(p.strip().split("=", 1) for p in row.split(";") if "=" in p)


def _same(want: str, got: str) -> bool:
    """A cited value matches the cell: exactly, or as a number rounded to the digits cited."""
    if want == got:
        return True
    try:
        w, g = float(want), float(got)
    except ValueError:
        return False
    digits = len(want.split(".")[1]) if "." in want else 0
    return abs(w - g) <= 0.5 * 10**-digits + 1e-12


def _one_space(text: str) -> str:
    return " ".join(text.split())


def _row_of(case: Scenario, e: TimelineEntry) -> str:
    """The data row a timeline entry rests on."""
    assert e.source is not None
    row = case.sources[e.source].row
    assert row is not None, e.source
    return row


def _dataset_sources(case: Scenario, prefix: str) -> dict[str, dict[str, str]]:
    return {
        sid: _spec(s.row or "") for sid, s in case.sources.items() if s.kind == "dataset" and sid.startswith(prefix)
    }


# -- the case loads, every number sourced ------------------------------------------------------


def test_loads_with_every_number_sourced(case: Scenario) -> None:
    p = provenance(case)
    assert p.unsourced == []
    assert p.total > 150
    assert sum(p.by_source.values()) >= 25  # Moldova's COW series
    assert case.meta.start.startswith("1992") and case.meta.end.startswith("2024")
    assert {a.id for a in case.actors if "party" in a.roles} == {"MDA", "PMR", "RUS"}
    assert "mediator" in case.actor("RUS").roles  # Russia both a party and a mediator


def test_every_citation_is_declared_and_every_declaration_used(case: Scenario) -> None:
    c = citations(case)
    assert c.inline_assumptions(case) == []
    assert c.unused_assumptions(case) == []
    assert c.unused_sources(case) == []
    assert dangling_citations(case) == []


def test_background_knowledge_is_said_so(case: Scenario) -> None:
    # an assumption that cites no data row and no literature must say what it rests on
    said = ("background knowledge", "engine default", "engine's default", "coding judgement", "no data set")
    bare = [aid for aid, text in case.assumptions.items() if not cited_ids(text) and not any(w in text for w in said)]
    assert bare == []


# -- every cited data row exists in the panel files ------------------------------------------


@pytest.mark.parametrize(
    "sid",
    [
        "ucdp-394-1992",
        "pax-1024",
        "pax-1604",
        "pax-42",
        "pax-454",
        "pax-43",
        "pax-1957",
        "cow-nmc-359-1992",
        "cow-nmc-365-1992",
        "cow-nmc-369-1992",
    ],
)
def test_each_cited_row_is_in_the_data_with_the_values_cited(case: Scenario, sid: str) -> None:
    src = case.sources[sid]
    spec = _spec(src.row or "")
    rows = _data(spec.pop("file"))
    keys = {k: v for k, v in spec.items() if k in ("conflict_id", "year", "AgtId", "ccode")}
    found = [r for r in rows if all(r[k] == v for k, v in keys.items())]
    assert len(found) == 1, f"{sid}: expected one row with {keys}, found {len(found)}"
    row = found[0]
    wrong = {k: (v, row.get(k)) for k, v in spec.items() if k not in row or not _same(v, row[k])}
    assert wrong == {}, sid
    if src.quote is not None:  # a PA-X row's name
        assert _one_space(row["Agt"]) == src.quote, sid


def test_each_quoted_text_column_is_verbatim_in_its_row(case: Scenario) -> None:
    pax = _data("panel/pax_agreements.csv")
    quoted = {sid: spec for sid, spec in _dataset_sources(case, "pax-").items() if "column" in spec}
    assert len(quoted) >= 8
    for sid, spec in quoted.items():
        (row,) = [r for r in pax if r["AgtId"] == spec["AgtId"]]
        quote = case.sources[sid].quote
        assert quote is not None and quote in _one_space(row[spec["column"]]), sid


def test_the_process_holds_exactly_the_agreements_cited(case: Scenario) -> None:
    pax = _data("panel/pax_agreements.csv")
    spec = _spec(case.sources["pax-process-76"].row or "")
    process = [r for r in pax if r["PP"] == spec["PP"]]
    assert {r["PPName"] for r in process} == {spec["PPName"]}
    assert {r["AgtId"] for r in process} == set(spec["AgtId"].split(","))
    assert {r["UcdpCon"] for r in process} == {UCDP_CONFLICT}
    # and PA-X has no other agreement on the conflict outside the process
    assert {r["AgtId"] for r in pax if r["UcdpCon"] == UCDP_CONFLICT} == set(spec["AgtId"].split(","))


def test_ucdp_has_one_conflict_year_and_it_is_the_one_cited(case: Scenario) -> None:
    ucdp = _data("panel/ucdp_prio_acd_v25_1.csv")
    years = [r["year"] for r in ucdp if r["conflict_id"] == UCDP_CONFLICT]
    assert years == [_spec(case.sources["ucdp-394-1992"].row or "")["year"]]


def test_moldova_capability_is_the_cow_milex_series(case: Scenario) -> None:
    nmc = _data("panel/cow_nmc_v6_0_abridged.csv")
    spec = _spec(case.sources["cow-nmc-359"].row or "")
    first, last = (int(y) for y in spec["year"].split("-"))
    published = {
        int(r["year"]): float(r[spec["column"]])
        for r in nmc
        if r["ccode"] == spec["ccode"] and first <= int(r["year"]) <= last
    }
    assert {r["stateabb"] for r in nmc if r["ccode"] == spec["ccode"]} == {spec["stateabb"]}
    cap = case.actor("MDA").capability
    assert isinstance(cap, Series) and cap.source == "cow-nmc-359"
    assert cap.series == published  # copied as published, the 2000-2004 break included
    assert max(published) == 2016  # the data end there: nothing later is invented


def test_osce_states_are_the_57_with_member_since(case: Scenario) -> None:
    rows = _data("osce_participating_states.csv")
    assert len(rows) == 57
    states = {a.name: a for a in case.actors_with_role("participating-state")}
    assert len(states) == 57
    for r in rows:
        assert states[r["state"]].member_since == int(r["participating_since"]), r["state"]
    for a in ("PMR", "OSCE", "EU"):
        assert "participating-state" not in case.actor(a).roles


# -- the timeline agrees with UCDP and PA-X ----------------------------------------------------


def test_every_entry_rests_on_a_source_or_an_assumption_of_the_case(case: Scenario, timeline: Timeline) -> None:
    assert check_timeline(timeline, case) == []
    for e in timeline.entries:
        assert e.seed is None  # this case has no seeds: its evidence is data rows or assumptions
        assert e.source is not None or e.assumption is not None, e.event
    for e in timeline.of("fighting") + timeline.of("agreement"):
        assert e.source is not None, e.event  # what is scored rests on a data row


def test_timeline_years_agree_with_ucdp(case: Scenario, timeline: Timeline) -> None:
    ucdp = _data("panel/ucdp_prio_acd_v25_1.csv")
    fighting = {int(r["year"]) for r in ucdp if r["conflict_id"] == UCDP_CONFLICT}
    last_ucdp = max(int(r["year"]) for r in ucdp)
    assert timeline.scored_years[1] <= last_ucdp
    for y in range(1992, timeline.scored_years[1] + 1):
        rec = timeline.year(y)
        assert bool(rec.fighting) == (y in fighting), y
        assert bool(rec.onset) == (y in fighting and y - 1 not in fighting), y
    for e in timeline.of("fighting"):
        row = _spec(_row_of(case, e))
        assert row["conflict_id"] == UCDP_CONFLICT and int(row["year"]) == int(e.year)
        d, m, y = (int(x) for x in row["start_date"].split("-"))  # d-m-yyyy in this copy
        assert e.date == f"{y:04d}-{m:02d}-{d:02d}"  # UCDP's start date


def test_each_agreement_entry_is_its_pax_row_by_date_and_stage(case: Scenario, timeline: Timeline) -> None:
    pax = _data("panel/pax_agreements.csv")
    by_id = {r["AgtId"]: r for r in pax if r["PP"] == PAX_PROCESS}
    seen = []
    for e in timeline.of("agreement"):
        agt = _spec(_row_of(case, e))["AgtId"]
        row = by_id[agt]
        assert row["Dat"] == e.date, agt
        assert STAGE_TYPE[row["Stage"]] == e.agreement, agt
        seen.append(agt)
    assert sorted(seen) == sorted(by_id)  # one entry per PA-X row of the process, none more


def test_the_1992_ceasefire_is_in_force_in_every_scored_year(timeline: Timeline) -> None:
    # signed 1992-07-21 (PA-X 1024); UCDP records no fighting after 1992
    for y in timeline.years:
        (cf,) = timeline.year(y).ceasefire_in_force
        assert cf.source == "pax-1024", y


def test_the_kozak_memorandum_is_recorded_as_not_accepted(case: Scenario, timeline: Timeline) -> None:
    (e,) = timeline.of("proposal")
    assert (e.proposal, e.accepted) == ("kozak-2003", False)
    (p,) = case.proposals
    assert p.id == "kozak-2003" and p.agreement_type == "comprehensive"


def test_record_and_case_events_agree(case: Scenario, timeline: Timeline) -> None:
    assert differences(timeline, case) == []


# -- coded only from what was known at each date -----------------------------------------------

_REPORTS = re.compile(r"^Reports (\d{4}(?:-\d{2}(?:-\d{2})?)?)[ .(]")


def _reported(case: Scenario) -> dict[str, float]:
    out = {}
    for sid, src in case.sources.items():
        if src.kind == "dataset":
            m = _REPORTS.match(src.note or "")
            assert m, f"{sid}: expected a note beginning 'Reports DATE', found {src.note!r}"
            out[sid] = date_to_year(m.group(1))
    return out


def _data_sources_of(case: Scenario, q: Quantity) -> list[str]:
    ids = [q.source] if q.source is not None else cited_ids(case.assumptions[q.assumption or ""])
    return [i for i in ids if case.sources[i].kind == "dataset"]


def test_no_stance_from_the_start_rests_on_a_later_row(case: Scenario) -> None:
    dates = _reported(case)
    late = []
    for a in case.actors:
        numbers: list[Quantity] = [*a.positions.values(), *a.salience.values()]
        if isinstance(a.capability, Quantity):
            numbers.append(a.capability)
        if a.domestic is not None:
            numbers += list(a.domestic.pivot.values())
        late += [
            f"{a.id} <- {sid}" for q in numbers for sid in _data_sources_of(case, q) if dates[sid] >= KNOWN_BY_START
        ]
    for issue in case.issues:
        if isinstance(issue.status_quo, Quantity):
            late += [
                f"{issue.id} <- {s}" for s in _data_sources_of(case, issue.status_quo) if dates[s] >= KNOWN_BY_START
            ]
    assert late == []


def test_no_dated_change_rests_on_a_row_after_its_date(case: Scenario) -> None:
    dates = _reported(case)
    late, n = [], 0
    for a in case.actors:
        for ch in a.changes:
            qs = [q for f in ("positions", "salience", "pivot") for q in getattr(ch, f).values()]
            n += len(qs)
            cited = {sid for q in qs for sid in _data_sources_of(case, q)}
            late += [f"{a.id}.{ch.from_} <- {sid}" for sid in cited if dates[sid] > date_to_year(ch.from_) + 1e-9]
    assert late == []
    assert n >= 10


# -- the backtest runs on the case (structure only) --------------------------------------------


def test_backtest_runs_with_a_row_for_every_scored_year_and_outcome(case: Scenario, timeline: Timeline) -> None:
    r = backtest(case, timeline, runs=2, seed=0, bootstrap=0)
    outcomes = outcomes_for(timeline)
    keys = sorted((row.year, row.outcome) for row in r.year_rows)
    assert keys == sorted((y, o) for y in timeline.years for o in outcomes)
    assert [row for row in r.year_rows if not 0.0 <= row.p <= 1.0] == []
    observed = {(row.year, row.outcome): row.observed for row in r.year_rows}
    assert observed[(1994, "partial_signed")] == 1 and observed[(1997, "process_signed")] == 1
    assert sum(observed[(y, "fighting")] for y in timeline.years) == 0
    assert [row.kind for row in r.rows] == ["proposal"]
    assert r.notes == []


# -- the timeline's evidence rules (data rows and assumptions beside seed quotes) --------------


def _entry(**kw: object) -> dict[str, object]:
    return {"date": "1994-10-21", "event": "x", "compare": "agreement", "agreement": "partial", **kw}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "evidence"),
        ({"seed": "001_71f9567e829c96f9.txt"}, "seed and quote together"),
        ({"quote": "a sentence"}, "seed and quote together"),
    ],
)
def test_an_entry_without_whole_evidence_is_refused(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TimelineEntry.model_validate(_entry(**fields))


def test_unknown_source_or_assumption_is_a_located_problem(case: Scenario) -> None:
    t = Timeline.model_validate(
        {
            "case": CASE,
            "scored_years": [1993, 2024],
            "entries": [_entry(source="pax-9999"), _entry(assumption="no-such-assumption"), _entry(source="pax-42")],
        }
    )
    problems = check_timeline(t, case)
    assert [p.field for p in problems] == ["entries[0].source", "entries[1].assumption"]
    assert "expected a source of moldova-transnistria" in problems[0].message


def test_a_file_timeline_with_a_bad_source_is_refused_on_load(case: Scenario, tmp_path: Path) -> None:
    f = tmp_path / "t.yaml"
    f.write_text(
        "case: moldova-transnistria\nscored_years: [1993, 2024]\nentries:\n"
        "  - {date: 1994-10-21, event: x, compare: agreement, agreement: partial, source: nope}\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError, match="source"):
        load_timeline(str(f), case)
