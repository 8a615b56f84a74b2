"""The built-in minsk-group case: loads, every number sourced, coded only from what was known at
each date, data copied faithfully."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from accord.scenario import load_scenario, provenance
from accord.scenario.citations import citations, cited_ids
from accord.scenario.parameters import PARAMETERS
from accord.scenario.quantity import Quantity
from accord.scenario.schema import Actor, Scenario, Series, StanceChange, date_to_year
from accord.scenario.seeds import check_quotes, dangling_citations, read_seed

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
    assert p.total > 350
    # numbers resting directly on a source (seed quotes, the SIPRI series) and on named assumptions
    assert sum(p.by_source.values()) >= 70
    assert sum(p.by_assumption.values()) + sum(p.by_source.values()) == p.total
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


# -- coded only from what was known at each date ---------------------------------------------

_REPORTS = re.compile(r"^Reports (\d{4}(?:-\d{2}(?:-\d{2})?)?)[ .]")
KNOWN_BY_START = 1995.0
"""The stance an actor holds from the start rests on what the seeds report before 1995 (the first
war and its ceasefire); the model's war onsets are scored from 1995, its proposals from 1997."""


def _reported(case: Scenario) -> dict[str, float]:
    """Decimal date each seed source reports (its note begins 'Reports YYYY[-MM[-DD]]')."""
    out = {}
    for sid, src in case.sources.items():
        if src.kind == "seed":
            m = _REPORTS.match(src.note or "")
            assert m, f"{sid}: expected a note beginning 'Reports DATE', found {src.note!r}"
            out[sid] = date_to_year(m.group(1))
    return out


def _seed_sources_of(case: Scenario, q: Quantity) -> list[str]:
    """Seed sources a number rests on: its own source, or those its assumption text cites."""
    ids = [q.source] if q.source is not None else cited_ids(case.assumptions[q.assumption or ""])
    return [i for i in ids if case.sources[i].kind == "seed"]


def _initial_numbers(a: Actor) -> dict[str, Quantity]:
    out: dict[str, Quantity] = {}
    out.update({f"positions.{k}": q for k, q in a.positions.items()})
    out.update({f"salience.{k}": q for k, q in a.salience.items()})
    if isinstance(a.capability, Quantity):
        out["capability"] = a.capability
    if a.optimism is not None:
        out["optimism"] = a.optimism
    if a.domestic is not None:
        out.update({f"domestic.pivot.{k}": q for k, q in a.domestic.pivot.items()})
        for f in ("removal_risk", "audience_cost"):
            q = getattr(a.domestic, f)
            if q is not None:
                out[f"domestic.{f}"] = q
    return out


def _change_numbers(ch: StanceChange) -> dict[str, Quantity]:
    out: dict[str, Quantity] = {}
    for f in ("positions", "salience", "pivot"):
        out.update({f"{f}.{k}": q for k, q in getattr(ch, f).items()})
    for f in ("removal_risk", "audience_cost"):
        q = getattr(ch, f)
        if q is not None:
            out[f] = q
    return out


def test_every_seed_source_says_which_date_it_reports(case: Scenario) -> None:
    dates = _reported(case)
    assert len(dates) >= 80
    assert dates["s002-unification-2019"] == pytest.approx(date_to_year("2019-08-05"))
    assert dates["s001-lisbon-1996"] < date_to_year("1997-07") < dates["s001-resignation-1998"] + 1


def test_no_stance_from_the_start_rests_on_a_later_source(case: Scenario) -> None:
    dates = _reported(case)
    late = []
    for a in case.actors:
        for name, q in _initial_numbers(a).items():
            for sid in _seed_sources_of(case, q):
                if dates[sid] >= KNOWN_BY_START:
                    late.append(f"{a.id}.{name} <- {sid}")
    assert late == []


def test_no_dated_change_rests_on_a_source_after_its_date(case: Scenario) -> None:
    dates = _reported(case)
    late, n = [], 0
    for a in case.actors:
        for ch in a.changes:
            when = date_to_year(ch.from_)
            numbers = _change_numbers(ch)
            cited = {sid for q in numbers.values() for sid in _seed_sources_of(case, q)}
            if numbers and ch.source is not None:
                cited.add(ch.source)  # a leader-only change may cite a later text that names the leader
            n += len(numbers)
            late += [f"{a.id}.changes.{ch.from_} <- {sid}" for sid in sorted(cited) if dates[sid] > when + 1e-9]
    assert late == []
    assert n >= 35


def test_later_statements_are_dated_changes_not_starting_stances(case: Scenario) -> None:
    # the statements the issue names: each is a change from its own date, and cited by no start stance
    def change_citing(actor: str, sid: str) -> StanceChange:
        for ch in case.actor(actor).changes:
            qs = _change_numbers(ch).values()
            if ch.source == sid or any(sid in _seed_sources_of(case, q) for q in qs):
                return ch
        raise AssertionError(f"{actor}: no change cites {sid}")

    assert change_citing("ARM", "s002-unification-2019").from_ == "2019-08-05"
    assert change_citing("ARM", "s002-tonoyan-2019").from_ == "2019-04"
    assert change_citing("AZE", "s002-valdai-2019").from_ == "2019-10-04"
    assert change_citing("AZE", "s004-constitution").from_ == "2024-12"
    assert change_citing("ARM", "s004-constitution").from_ == "2024-12"
    assert change_citing("AZE", "s001-leak-2001").from_ == "2001-02"
    assert change_citing("RUS", "s002-lavrov-2020").from_ == "2020-04-15"
    start_cites = {sid for a in case.actors for q in _initial_numbers(a).values() for sid in _seed_sources_of(case, q)}
    for sid in (
        "s002-unification-2019",
        "s002-valdai-2019",
        "s004-constitution",
        "s001-leak-2001",
        "s001-resignation-1998",
        "s003-russia-uncertainty",
        "s002-new-constitution",
    ):
        assert sid not in start_cites, sid


def test_changes_are_in_date_order_one_per_date(case: Scenario) -> None:
    for a in case.actors:
        when = [date_to_year(c.from_) for c in a.changes]
        assert when == sorted(when) and len(set(when)) == len(when), a.id
        assert all(date_to_year(case.meta.start) < w < date_to_year(case.meta.end) for w in when), a.id
        for c in a.changes:
            assert c.source is not None and c.source in case.sources, (a.id, c.from_)


# -- leaders, pivots, optimism ---------------------------------------------------------------


def _leaders(a: Actor) -> list[tuple[str, str, str | None]]:
    return [(c.from_, c.leader, c.cause) for c in a.changes if c.leader is not None]


def test_leaders_and_their_dates(case: Scenario) -> None:
    arm, aze = case.actor("ARM"), case.actor("AZE")
    assert arm.leader == "Levon Ter-Petrosyan"
    assert _leaders(arm) == [
        ("1998-02", "Robert Kocharyan", "resignation"),
        ("2008", "Serzh Sargsyan", "election"),
        ("2018-05", "Nikol Pashinyan", "other"),
    ]
    assert aze.leader is None  # the seeds do not name Azerbaijan's leader in 1992
    assert _leaders(aze) == [("1993", "Heydar Aliyev", "other"), ("2003-12", "Ilham Aliyev", "election")]
    # only the resignation is an outcome the model may produce itself; the others are context
    outcomes = [c.leader for a in (arm, aze) for c in a.changes if c.leader and c.is_outcome]
    assert outcomes == ["Robert Kocharyan"]
    # every leader is named in the seed his change cites; dates the seeds do not give say so
    for a in (arm, aze):
        for c in a.changes:
            if c.leader is not None:
                src = case.sources[c.source or ""]
                text = read_seed(src.seed or "")
                assert text is not None and c.leader.split()[-1] in text, c.leader
    assert "assumption" in (arm.changes[1].note or "") and "assumption" in (arm.changes[2].note or "")
    ev = {e.id: e for e in case.events}
    assert ev["resignation-1998"].date == arm.changes[0].from_


def test_armenia_pivot_is_more_hawkish_than_its_first_leader(case: Scenario) -> None:
    arm = case.actor("ARM")
    assert arm.domestic is not None
    assert set(arm.domestic.pivot) == {"status", "districts"}
    for issue, pivot in arm.domestic.pivot.items():
        p_lo, _ = pivot.bounds()
        _, l_hi = arm.positions[issue].bounds()
        assert p_lo >= l_hi, issue  # in every draw, not only on average
    assert arm.domestic.removal_risk is not None and arm.domestic.audience_cost is not None
    later = {c.from_: c for c in arm.changes}
    assert later["1998-02"].removal_risk is not None
    assert later["1998-02"].removal_risk.nominal > arm.domestic.removal_risk.nominal


def test_azerbaijan_pivot_hardens_from_the_2001_leak(case: Scenario) -> None:
    aze = case.actor("AZE")
    assert aze.domestic is not None and aze.domestic.pivot == {}
    leak = next(c for c in aze.changes if c.pivot)
    assert leak.from_ == "2001-02" and leak.source == "s001-leak-2001"
    assert leak.pivot["status"].nominal < aze.positions["status"].nominal  # lower = more hawkish for Baku
    assert {e.date for e in case.events if e.kind == "leak"} == {"2001-02"}


def test_belligerents_carry_the_same_labelled_optimism(case: Scenario) -> None:
    qs = [case.actor(a).optimism for a in ("ARM", "AZE", "NK")]
    assert all(q is not None and q.assumption == "optimism-belligerents" for q in qs)
    assert len({q.bounds() for q in qs if q is not None}) == 1  # no side favoured without a source
    assert all(case.actor(a).optimism is None for a in ("RUS", "FRA", "USA", "TUR", "IRN", "EU"))


# -- issues, tracks, events, proposals -------------------------------------------------------


def test_territory_and_control_are_contested_by_force(case: Scenario) -> None:
    assert {i.id for i in case.issues if i.war} == {"status", "districts", "lachin"}
    for i in case.issues:
        if i.war:
            assert i.description and "Contested by force" in i.description, i.id


def test_russias_separate_track(case: Scenario) -> None:
    (track,) = case.tracks
    assert track.id == "russia"
    assert track.table == ["ARM", "AZE", "RUS"] and track.proposers == ["RUS"]
    assert track.agreements == ["ceasefire"] and track.when == "fighting"
    assert track.source == "s001-ceasefire-1994"
    assert [e.id for e in case.events if e.track == "russia"] == ["ceasefire-1994", "tripartite-2020"]


def test_events_start_and_end_fighting_in_a_consistent_order(case: Scenario) -> None:
    ev = {e.id: e for e in case.events}
    fights = [(e.date, e.id, e.fighting_effect) for e in sorted(case.events, key=lambda e: date_to_year(e.date))]
    fights = [f for f in fights if f[2] is not None]
    assert [(i, f) for _, i, f in fights] == [
        ("war-1992", "starts"),
        ("ceasefire-1994", "ends"),
        ("four-day-war-2016", "flare"),
        ("war-2020", "starts"),
        ("tripartite-2020", "ends"),
    ]
    assert ev["escalation-2014"].kind == "escalation" and ev["escalation-2014"].fighting_effect is None
    assert ev["four-day-war-2016"].kind == "clashes"
    # the wars' outcomes are set where they end, on the issues fought over
    war_issues = {i.id for i in case.issues if i.war}
    assert ev["war-1992"].status_quo == {} and ev["war-2020"].status_quo == {}
    assert ev["ceasefire-1994"].status_quo["districts"].nominal == 100
    assert ev["ceasefire-1994"].status_quo["districts"].source == "s000-occupation"
    assert ev["tripartite-2020"].status_quo["districts"].nominal == 0
    assert ev["tripartite-2020"].status_quo["districts"].source == "s000-tripartite"
    assert set(ev["tripartite-2020"].status_quo) == war_issues
    assert (ev["war-2020"].date, ev["tripartite-2020"].date) == ("2020-09-27", "2020-11-10")


def test_agreements_signed_in_the_record(case: Scenario) -> None:
    signed = {e.id: (e.date, e.agreement, e.track) for e in case.events if e.agreement is not None}
    assert signed == {
        "ceasefire-1994": ("1994-05", "ceasefire", "russia"),
        "maiendorf-2008": ("2008-11", "process", None),
        "astana-2010": ("2010-12-01", "renewal", None),
        "geneva-2017": ("2017-10", "process", None),
        "tripartite-2020": ("2020-11-10", "ceasefire", "russia"),
    }
    ev = {e.id: e for e in case.events}
    assert ev["troika-breakup-2022"].switch_format == "bilateral"
    kinds = {e.kind for e in case.events}
    assert {"ceasefire", "resignation", "leak", "escalation", "clashes", "office-closure", "format-dispute"} <= kinds
    assert {"war", "war-end", "mediator-breakup", "border-commission", "offer-refused", "constitutional-claim"} <= kinds
    assert set(ev["leadership-crisis-2020"].actors) == {"AZE", "TJK", "TUR"}


def test_each_proposal_names_the_agreement_it_would_be(case: Scenario) -> None:
    types = {p.id: p.agreement for p in case.proposals}
    assert types == {
        "package-1997": "comprehensive",
        "step-by-step-1997": "partial",
        "common-state-1998": "comprehensive",
        "mixed-2005": "partial",  # principles with substantive terms: the kind's default (process) is wrong
        "madrid-2007": "partial",
        "updated-2009": "partial",
        "phased-2020": "partial",
    }
    for p in case.proposals:
        assert p.agreement_type == p.agreement
        if p.agreement == "partial":
            assert p.deferred is not None and p.deferred.issues == ["status"], p.id


# -- engine parameters -----------------------------------------------------------------------

REMOVED = (
    "war_duration", "hazard_base", "hazard_incentive", "hazard_shift", "incident_hazard",
    "agreement_hazard_factor", "win_set_default", "mood_effect", "salience_winset", "defiance",
    "successor_winset", "concession_rate", "history_events",
)  # fmt: skip


def test_every_engine_parameter_is_set_with_provenance(case: Scenario) -> None:
    # every one but the hazard terms: the case's hazards are the fitted ones (no coefficient
    # overridden, the engine's own terms off)
    hazard_terms = {n for n in PARAMETERS if n.startswith("hazard_")}
    assert set(case.parameters) == set(PARAMETERS) - hazard_terms
    assert case.hazards == {} and case.conflict is not None and case.conflict.side_a == ["AZE"]
    assert not set(REMOVED) & set(case.parameters)
    for f in case.formats:
        assert set(f.parameters) <= set(PARAMETERS), f.id
    for name, q in case.parameters.items():
        assert q.sourced and q.assumption in case.assumptions, name
        spec = PARAMETERS[name]
        lo, hi = q.bounds()
        assert spec.low <= lo <= hi <= spec.high, name


def test_parameters_labelled_engine_default_are_the_default_with_a_50_percent_range(case: Scenario) -> None:
    labelled = 0
    for name, q in case.parameters.items():
        spec = PARAMETERS[name]
        if q.assumption == "param-default":
            labelled += 1
            if q.is_uncertain:
                a, b = sorted((0.5 * spec.default, 1.5 * spec.default))  # a negative default flips the ends
                assert q.bounds() == pytest.approx((max(spec.low, a), min(spec.high, b))), name
            else:
                assert q.nominal == spec.default == 0, name
        elif q.assumption == "param-flag":
            assert spec.unit == "flag" and q.nominal == spec.default, name
    assert labelled >= 25  # 35 before the hand-set hazard terms (10) gave way to the fitted hazards


def test_parameters_argued_from_the_seeds_cite_them(case: Scenario) -> None:
    argued = {
        n: q.assumption for n, q in case.parameters.items() if q.assumption not in ("param-default", "param-flag")
    }
    assert set(argued) == {"war_cost", "war_gain", "deferred_credibility", "mediator_bias"}
    dates = _reported(case)
    for name, aid in argued.items():
        seeds = [i for i in cited_ids(case.assumptions[aid or ""]) if case.sources[i].kind == "seed"]
        assert seeds, name
        # a parameter holds from 1992: argued from what was known when the first proposal was tabled
        assert max(dates[i] for i in seeds) <= date_to_year("1997-07"), name
    assert max(dates[i] for i in cited_ids(case.assumptions["param-war-gain"]) if i in dates) < KNOWN_BY_START
    assert max(dates[i] for i in cited_ids(case.assumptions["param-war-cost"]) if i in dates) < KNOWN_BY_START
