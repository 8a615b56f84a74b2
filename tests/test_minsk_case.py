"""The built-in minsk-group case: loads, every number sourced, data copied faithfully."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from accord.scenario import load_scenario, provenance
from accord.scenario.citations import citations
from accord.scenario.schema import Scenario, Series
from accord.scenario.seeds import check_quotes, dangling_citations

SHARED = Path(__file__).resolve().parents[2] / "shared"  # the project's shared/ folder, when present

DATA = SHARED / "data"
MAIN = ("ARM", "AZE", "NK", "RUS", "FRA", "USA", "TUR", "IRN", "EU")
ISSUES = ("status", "districts", "lachin", "displaced", "security", "transport", "border", "constitution")
PROPOSALS = (
    "package-1997",
    "step-by-step-1997",
    "common-state-1998",
    "mixed-2005",
    "madrid-2007",
    "updated-2009",
    "phased-2020",
)


@pytest.fixture(scope="module")
def case() -> Scenario:
    return load_scenario("minsk-group")


def test_loads_with_every_number_sourced(case: Scenario) -> None:
    p = provenance(case)
    assert p.unsourced == []
    assert p.total > 250
    assert case.meta.start.startswith("1992") and case.meta.end.startswith("2025")


def test_issues_actors_and_proposals_as_the_issue_lists(case: Scenario) -> None:
    assert tuple(case.issue_ids) == ISSUES
    for i in case.issues:
        assert i.low and i.high and i.low != i.high
    for a in MAIN:
        actor = case.actor(a)
        assert set(actor.positions) == set(ISSUES), a
    assert {r for a in ("RUS", "FRA", "USA") for r in case.actor(a).roles} >= {"co-chair", "mediator"}
    assert tuple(p.id for p in case.proposals) == PROPOSALS


def test_every_assumption_reference_is_declared_and_every_declaration_used(case: Scenario) -> None:
    c = citations(case)
    assert c.inline_assumptions(case) == []
    assert c.unused_assumptions(case) == []
    assert c.unused_sources(case) == []
    assert dangling_citations(case) == []


def test_all_57_osce_states_with_member_since() -> None:
    path = DATA / "osce_participating_states.csv"
    if not path.exists():
        pytest.skip("shared data not available")
    s = load_scenario("minsk-group")
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert len(rows) == 57
    states = s.actors_with_role("participating-state")
    assert len(states) == 57
    by_name = {a.name: a for a in states}
    for r in rows:
        assert by_name[r["state"]].member_since == int(r["participating_since"]), r["state"]
    for a in ("IRN", "EU", "NK"):
        assert "participating-state" not in s.actor(a).roles


@pytest.mark.parametrize(
    ("actor", "column", "source"), [("ARM", "armenia", "sipri-milex-arm"), ("AZE", "azerbaijan", "sipri-milex-aze")]
)
def test_capability_is_the_sipri_constant_2022_series(actor: str, column: str, source: str) -> None:
    path = DATA / "sipri_milex_armenia_azerbaijan.csv"
    if not path.exists():
        pytest.skip("shared data not available")
    s = load_scenario("minsk-group")
    cap = s.actor(actor).capability
    assert isinstance(cap, Series) and cap.source == source
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    published = {
        int(r["year"]): float(r[f"{column}_milex_const2022_usd_m"])
        for r in rows
        if r[f"{column}_milex_const2022_usd_m"]
    }
    assert set(cap.series) == set(published)  # Armenia 1994 is missing in both: not invented
    for year, value in published.items():
        assert cap.series[year] == pytest.approx(value, abs=1e-4)


def test_armenia_1994_is_interpolated_not_invented(case: Scenario) -> None:
    cap = case.actor("ARM").capability
    assert isinstance(cap, Series) and 1994 not in cap.series
    assert cap.at(1994.0) == pytest.approx((cap.series[1993] + cap.series[1995]) / 2)


def test_events_model_the_2020_war_and_the_2022_switch(case: Scenario) -> None:
    ev = {e.id: e for e in case.events}
    assert ev["war-2020"].status_quo["districts"].nominal == 0  # the tripartite statement's terms
    assert set(ev["war-2020"].status_quo) == set(ISSUES)  # a war moves every issue unless pinned
    assert ev["troika-breakup-2022"].switch_format == "bilateral"
    kinds = {e.kind for e in case.events}
    assert {
        "ceasefire",
        "resignation",
        "leak",
        "escalation",
        "office-closure",
        "format-dispute",
        "war",
        "war-end",
    } <= kinds
    assert {"mediator-breakup", "border-commission", "offer-refused", "constitutional-claim"} <= kinds
    leadership = ev["leadership-crisis-2020"]
    assert set(leadership.actors) == {"AZE", "TJK", "TUR"}


def test_every_seed_quote_is_verbatim_in_the_packaged_seed(case: Scenario) -> None:
    checks = check_quotes(case)
    assert len(checks) > 50
    bad = [(q.source_id, q.problem) for q in checks if not q.ok]
    assert bad == []


def test_every_seed_quote_is_verbatim_in_the_shared_seeds(case: Scenario) -> None:
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip("shared seeds not available")
    for sid, src in case.sources.items():
        if src.kind == "seed":
            assert src.seed is not None and src.quote is not None
            text = (seeds / src.seed).read_text(encoding="utf-8")
            assert src.quote in text, sid


def test_packaged_seeds_are_byte_copies_of_the_shared_seeds() -> None:
    from importlib import resources

    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip("shared seeds not available")
    root = resources.files("accord.cases").joinpath("seeds")
    shared = sorted(p.name for p in Path(seeds).glob("*.txt"))
    assert shared == sorted(e.name for e in root.iterdir() if e.name.endswith(".txt"))
    for name in shared:
        assert root.joinpath(name).read_bytes() == (seeds / name).read_bytes(), name
