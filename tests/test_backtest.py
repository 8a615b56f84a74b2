"""The year-by-year backtest: the cut of the inputs, the record a timeline gives, scores that can be
worked out on paper (a model that is always right, a model that says the base rate), the JSON and
HTML outputs and bad input. The engine runs only on the small example case; scores are checked on
stand-in engines whose answers are known."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests.engine_scenarios import actor, scenario
from typer.testing import CliRunner

from accord.analysis.backtest import backtest, inputs_before, outcomes_for, same_inputs, score_outcome
from accord.analysis.runs import run_formats
from accord.cli.app import app
from accord.scenario import Scenario, ScenarioError, load_scenario
from accord.scenario.schema import date_to_year
from accord.scenario.timeline import Timeline, check_timeline, differences, load_timeline
from accord.scenario.yaml_io import dump_yaml
from accord.simulation import BatchResult

runner = CliRunner()
SEED = "001_71f9567e829c96f9.txt"
QUOTE = "A bloody war began."  # any verbatim sentence of the seed: the test record's meaning is its dates


def _entry(date: str, compare: str, **kw: Any) -> dict[str, Any]:
    return {"date": date, "event": f"{compare} {date}", "compare": compare, "seed": SEED, "quote": QUOTE, **kw}


# -- a hand-made case and its record -------------------------------------------------------------

RECORD = [
    _entry("2003-05", "fighting", fighting="clashes"),
    _entry("2003-06", "agreement", agreement="ceasefire"),
    _entry("2004-10", "agreement", agreement="process"),
    _entry("2006-03", "fighting", fighting="war", until="2007-02"),
    _entry("2007-02", "agreement", agreement="ceasefire"),
    _entry("2009-06", "fighting", fighting="clashes"),
]
"""2001-2010: fighting 2003, 2006, 2007, 2009 (onsets 2003, 2006, 2009); ceasefires signed 2003 and
2007, a process text 2004; a ceasefire in force at the end of 2003-2005 and 2007-2008 (the 2006
war and the 2009 clashes break the one in force)."""

TRUTH = {
    "fighting": {2003, 2006, 2007, 2009},
    "onset": {2003, 2006, 2009},
    "ceasefire_signed": {2003, 2007},
    "process_signed": {2004},
    "partial_signed": set(),
    "comprehensive_signed": set(),
    "ceasefire_in_force": {2003, 2004, 2005, 2007, 2008},
}
YEARS = list(range(2001, 2011))


def paper_case() -> Scenario:
    """Two parties and a mediator, 2000-2010; one dated change of P1 (2004-06) and one of P2 (2008)."""
    p1 = actor("P1", ["party"], 0, changes=[{"from": "2004-06", "positions": {"x": 20}}])
    p2 = actor("P2", ["party"], 100, changes=[{"from": "2008", "leader": "B", "cause": "election"}])
    return scenario([p1, p2, actor("M", ["mediator", "co-chair"], 50)], start=2000, end=2011)


def paper_timeline(entries: list[dict[str, Any]] | None = None, years: tuple[int, int] = (2001, 2010)) -> Timeline:
    return Timeline.model_validate({"case": "paper", "scored_years": list(years), "entries": entries or RECORD})


def test_the_record_of_each_year_follows_the_stated_rules() -> None:
    t = paper_timeline()
    for outcome, years in TRUTH.items():
        from accord.analysis.backtest import observed

        got = {y for y in range(2000, 2011) if observed(t.year(y), outcome)[0]}
        assert got == years, outcome
    # a war under way when the record starts is fighting without an onset
    t2 = paper_timeline([_entry("2000-03", "fighting", fighting="war", until="2001-05", under_way=True)])
    assert bool(t2.year(2001).fighting) and not t2.year(2000).onset and not t2.year(2001).onset
    # clashes inside a war are not a new onset
    t3 = paper_timeline(
        [_entry("2002", "fighting", fighting="war", until="2002-12"), _entry("2002-06", "fighting", fighting="clashes")]
    )
    assert [e.fighting for e in t3.year(2002).onset] == ["war"]
    assert outcomes_for(t) == list(TRUTH)  # no implementation or renewal in the record
    assert "renewal_signed" in outcomes_for(paper_timeline([*RECORD, _entry("2008", "agreement", agreement="renewal")]))


# -- the cut ------------------------------------------------------------------------------------


def test_inputs_before_cuts_events_proposals_and_dated_changes() -> None:
    s = paper_case()
    cut = inputs_before(s, 2005.0)
    assert [c.from_ for c in cut.actor("P1").changes] == ["2004-06"]
    assert cut.actor("P2").changes == []
    assert [c.from_ for c in inputs_before(s, 2004.0).actor("P1").changes] == []
    assert len(s.actor("P2").changes) == 1  # the case itself is untouched
    ex = load_scenario("example")
    cut = inputs_before(ex, 1998.0, keep_proposal="common-state-1998")
    assert {e.id for e in cut.events} == {"war-1994", "ceasefire-1994"}
    assert [p.id for p in cut.proposals] == ["package-1997", "step-by-step-1997", "common-state-1998"]
    assert cut.actor("ARM").changes == [] and ex.actor("ARM").changes  # the 1998-02 change is after the cut


def test_years_share_a_replay_only_while_the_cut_leaves_the_same_inputs() -> None:
    s = paper_case()
    # a dated change is an input like an event: 2004-06 separates 2004 from 2005, 2008 separates 2008 from 2009
    assert same_inputs(s, YEARS) == [[2001, 2002, 2003, 2004], [2005, 2006, 2007, 2008], [2009, 2010]]
    no_changes = s.model_copy(update={"actors": [a.model_copy(update={"changes": []}) for a in s.actors]})
    assert same_inputs(no_changes, YEARS) == [YEARS]
    assert same_inputs(load_scenario("example"), [1995, 1996, 1997, 1998, 1999]) == [[1995, 1996, 1997], [1998], [1999]]


def test_a_shared_replay_gives_the_numbers_of_one_replay_per_year() -> None:
    ex = load_scenario("example")
    t = load_timeline("example", ex)
    r = backtest(ex, t, runs=8, seed=5, bootstrap=0)
    for y in t.years:
        (b,) = run_formats(
            inputs_before(ex, float(y)), [None], runs=8, seed=5, history="imposed", until=y + 1.0
        ).values()
        k = int(np.flatnonzero(np.isclose(b.years, y))[0])
        row = {x.outcome: x.p for x in r.year_rows if x.year == y}
        assert row["onset"] == pytest.approx(float(b.p_onset_by_year[:, k].mean()))
        assert row["fighting"] == pytest.approx(float(b.fighting_by_year[:, k].mean()))
        cf = b.agreement_types.index("ceasefire")
        assert row["ceasefire_in_force"] == pytest.approx(float(b.in_force_by_year[:, k, cf].mean()))
        assert row["process_signed"] == pytest.approx(float(b.signed_by_year[:, k, 1].mean()))


# -- scores on stand-in engines ----------------------------------------------------------------


def _stand_in(timeline: Timeline, mode: str, calls: list[tuple[Scenario, float]]) -> Any:
    """An engine that answers with the record (``truth``) or with its base rate every year (``base``)."""
    from accord.analysis.backtest import observed

    rates = {o: len(TRUTH[o] & set(YEARS)) / len(YEARS) for o in TRUTH}

    def run(s: Scenario, *, draws: int, until: float | None = None, **_: Any) -> BatchResult:
        calls.append((s, float(until or 0.0)))
        start = date_to_year(s.meta.start)
        years = np.arange(start, min(until or 2011.0, 2011.0))
        Y, T, D = len(years), 6, draws
        arr: dict[str, np.ndarray] = {
            k: np.zeros((D, Y), dtype=bool) for k in ("fighting_by_year", "onset_by_year", "war_by_year")
        }
        signed = np.zeros((D, Y, T), dtype=bool)
        in_force = np.zeros((D, Y, T), dtype=bool)
        p_onset = np.zeros((D, Y))
        for k, y in enumerate(years.astype(int)):
            rec = timeline.year(int(y))

            def yes(o: str, y: int = int(y), rec: Any = rec) -> np.ndarray:
                if mode == "truth":
                    return np.full(D, bool(observed(rec, o)[0]))
                return np.arange(D) < round(rates[o] * D)  # a share of exactly the base rate

            arr["fighting_by_year"][:, k] = yes("fighting")
            arr["onset_by_year"][:, k] = yes("onset")
            p_onset[:, k] = yes("onset").mean() if mode == "base" else yes("onset")
            for t, kind in enumerate(("ceasefire", "process", "partial", "comprehensive")):
                signed[:, k, t] = yes(f"{kind}_signed")
            in_force[:, k, 0] = yes("ceasefire_in_force")
        nan = np.full(D, np.nan)
        return BatchResult(
            years=years.astype(float),
            actor_ids=("P1", "P2"),
            issue_ids=("x",),
            proposal_ids=(),
            format_ids=("f",),
            agreement_types=("ceasefire", "process", "partial", "comprehensive", "implementation", "renewal"),
            history="imposed",
            inputs={},
            agreement=np.zeros(D, dtype=bool),
            agreement_year=nan,
            agreement_proposal=np.full(D, -1),
            terms=np.full((D, 1), np.nan),
            wars=np.zeros(D, dtype=np.int64),
            first_war_year=nan,
            agreement_by_year=np.zeros((D, Y), dtype=bool),
            p_onset_by_year=p_onset,
            signed_by_year=signed,
            in_force_by_year=in_force,
            breakdown_by_year=np.zeros((D, Y, T), dtype=bool),
            first_signed=np.full((D, T), np.nan),
            signed_count=np.zeros((D, T), dtype=np.int64),
            vetoes=np.zeros((D, 2, 1), dtype=np.int64),
            veto_reasons=np.zeros((D, 2, 8), dtype=np.int64),
            removals=np.zeros((D, 2), dtype=np.int64),
            unbound=np.zeros((D, 2), dtype=np.int64),
            passed_unbound=np.zeros(D, dtype=np.int64),
            final_status_quo=np.full((D, 1), np.nan),
            final_format=np.zeros(D, dtype=np.int64),
            status_quo_by_year=np.zeros((D, Y, 1)),
            **arr,
        )

    return run


def test_a_model_that_is_always_right_gets_auc_1_and_skill_1() -> None:
    s, t, calls = paper_case(), paper_timeline(), []
    r = backtest(s, t, runs=4, seed=0, bootstrap=50, runner=_stand_in(t, "truth", calls))
    assert [(g["years"], g["cut"]) for g in r.runs_by_cut] == [
        ([2001, 2002, 2003, 2004], 2001),
        ([2005, 2006, 2007, 2008], 2005),
        ([2009, 2010], 2009),
    ]
    for o in outcomes_for(t):
        sc = r.scores[o]
        assert sc["brier"] == 0.0 and sc["events"] == len(TRUTH[o])
        if TRUTH[o]:
            assert sc["auc"] == 1.0 and sc["auc_note"] == ""
            for ref in ("base_rate", "base_rate_loo", "persistence"):
                assert sc[f"brier_skill_{ref}"] == 1.0, (o, ref)
            assert sc["auc_ci"] == [1.0, 1.0] and 0 < sc["auc_replicates"] <= 50
        else:  # one class: no AUC, and a base rate of 0 is itself perfect (skill undefined)
            assert math.isnan(sc["auc"]) and sc["auc_note"] == "n/a: one class"
            assert math.isnan(sc["brier_skill_base_rate"])
    # persistence is last year's record: the 2003 clashes make 2004 a "fighting" year for it
    # wrong in 2003, 2004, 2006, 2008, 2009 and 2010
    assert r.scores["fighting"]["brier_persistence"] == pytest.approx(6 / 10)
    assert r.scores["fighting"]["base_rate"] == 0.4
    # every replay saw only inputs dated before its cut
    for (cut_case, until), g in zip(calls, r.runs_by_cut, strict=False):
        assert until == g["years"][-1] + 1
        dates = [c.from_ for a in cut_case.actors for c in a.changes]
        assert all(date_to_year(d) < g["cut"] for d in dates)
    json.dumps(r.to_dict(), allow_nan=False)  # NaN leaves as null


def test_a_model_that_says_the_base_rate_gets_skill_0_and_auc_one_half() -> None:
    s, t = paper_case(), paper_timeline()
    r = backtest(s, t, runs=10, seed=0, bootstrap=0, runner=_stand_in(t, "base", []))
    for o in ("fighting", "onset", "ceasefire_signed", "process_signed", "ceasefire_in_force"):
        sc = r.scores[o]
        assert sc["brier_skill_base_rate"] == pytest.approx(0.0, abs=1e-12), o
        assert sc["auc"] == 0.5, o
        # the leave-one-year-out rate is a worse constant than the record's own: skill against it is positive
        assert sc["brier_skill_base_rate_loo"] > 0, o
        assert sc["brier"] == pytest.approx(sc["base_rate"] * (1 - sc["base_rate"]))


def test_score_outcome_by_hand() -> None:
    y = np.array([0, 0, 1, 0, 1.0])
    p = np.array([0.1, 0.2, 0.6, 0.1, 0.15])
    before = np.array([1, 0, 0, 1, 0.0])
    s = score_outcome(y, p, before, np.arange(5), bootstrap=200, seed=1, bins=2)
    brier = np.mean((p - y) ** 2)
    assert s["brier"] == pytest.approx(brier)
    assert s["brier_base_rate"] == pytest.approx(np.mean((0.4 - y) ** 2))
    loo = np.array([2, 2, 1, 2, 1]) / 4
    assert s["brier_base_rate_loo"] == pytest.approx(np.mean((loo - y) ** 2))
    assert s["brier_persistence"] == pytest.approx(np.mean((before - y) ** 2))
    assert s["brier_skill_persistence"] == pytest.approx(1 - brier / np.mean((before - y) ** 2))
    assert s["auc"] == pytest.approx(5 / 6)  # of 6 (event, non-event) pairs, 5 are ordered right
    assert [b["n"] for b in s["reliability"]] == [3, 2]
    lo, hi = s["brier_ci"]
    assert lo <= s["brier"] <= hi


# -- outputs -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_json(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path, Path]:
    d = tmp_path_factory.mktemp("bt")
    out, report = d / "bt.json", d / "bt.html"
    args = ["backtest", "example", "--runs", "3", "--bootstrap", "20", "--json", "--out", str(out)]
    r = runner.invoke(app, [*args, "--report", str(report)])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout), out, report


def test_json_has_every_row_and_score_and_what_was_scored(cli_json: tuple[dict[str, Any], Path, Path]) -> None:
    data, out, _ = cli_json
    assert json.loads(out.read_text(encoding="utf-8")) == data
    assert data["case"] == "example" and data["runs"] == 3 and data["scored_years"] == [1995, 1999]
    outcomes = list(data["outcomes"])
    assert outcomes == outcomes_for(load_timeline("example"))
    assert {(r["year"], r["outcome"]) for r in data["year_rows"]} == {
        (y, o) for y in range(1995, 2000) for o in outcomes
    }
    for r in data["year_rows"]:
        assert 0.0 <= r["p"] <= 1.0 and r["observed"] in (0, 1) and r["cut"] <= r["year"]
    assert [r["kind"] for r in data["rows"]] == ["proposal"] * 3
    for o in outcomes:
        s = data["scores"][o]
        for k in ("auc", "brier", "brier_base_rate", "brier_base_rate_loo", "brier_persistence"):
            assert k in s
        assert {"brier_skill_base_rate", "brier_skill_persistence", "reliability", "n", "events", "auc_note"} <= set(s)
        assert s["n"] == 5
    assert data["scores"]["ceasefire_in_force"]["auc_note"] == "n/a: one class"  # in force every year
    p = data["provenance"]
    for part in ("case", "timeline", "hazards"):
        assert re.fullmatch(r"[0-9a-f]{64}", p[part]["sha256"]), part
    import hashlib

    from accord.scenario.loader import resolve

    assert p["case"]["sha256"] == hashlib.sha256(resolve("example")[0]).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{40}|unknown.*", p["commit"])
    assert data["method"]["references"]["base_rate"].startswith("the record's own rate")
    assert data["notes"] == []  # the example's events impose what its record says
    assert "NaN" not in out.read_text(encoding="utf-8")


def test_html_report_is_self_contained(cli_json: tuple[dict[str, Any], Path, Path]) -> None:
    data, _, report = cli_json
    text = report.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "<script" not in text and "http://" not in text.split("<svg")[0]
    for o in data["outcomes"]:
        assert f'data-figure="reliability-{o}"' in text and f'data-figure="years-{o}"' in text
    assert data["provenance"]["case"]["sha256"] in text and "tiny" in text


def test_text_output_fits_80_columns_and_names_what_was_scored() -> None:
    r = runner.invoke(app, ["backtest", "example", "--runs", "2", "--bootstrap", "10"])
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert max(len(x) for x in lines) <= 80
    assert "case sha256" in r.stdout and "Scores per outcome" in r.stdout and "n is tiny" in r.stdout
    assert re.search(r"^\s+1997\s", r.stdout, re.M)  # a year row
    assert "Package agreement" in r.stdout


# -- bad input ---------------------------------------------------------------------------------


def _write(tmp_path: Path, data: dict[str, Any], name: str = "t.yaml") -> Path:
    p = tmp_path / name
    p.write_text(dump_yaml(data), encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (_entry("2003", "war", severity="war"), "compare"),
        (_entry("2003", "fighting", fighting="war"), "until (the date the war ended)"),
        (_entry("2003", "fighting", fighting="clashes", accepted=True), "found accepted"),
        (_entry("2003", "fighting", fighting="clashes", until="2002"), "expected until on or after"),
        (_entry("2003", "agreement", agreement="armistice"), "agreement"),
        (_entry("2003", "agreement"), "missing agreement"),
    ],
)
def test_bad_timeline_entries_are_located_errors(tmp_path: Path, entry: dict[str, Any], message: str) -> None:
    p = _write(tmp_path, {"case": "example", "scored_years": [1995, 1999], "entries": [entry]})
    with pytest.raises(ScenarioError) as e:
        load_timeline(str(p))
    assert message in str(e.value) and f"{p}:" in str(e.value)


def test_timeline_checked_against_its_case(tmp_path: Path) -> None:
    s = paper_case()
    bad = paper_timeline(
        [
            _entry("2003", "agreement", agreement="ceasefire", track="moscow"),
            _entry("2004", "proposal", proposal="nope", accepted=False),
        ],
        years=(1999, 2012),
    )
    problems = "\n".join(str(p) for p in check_timeline(bad, s))
    assert "scored_years: expected years within the case's 2000-2010" in problems
    assert "expected a track of paper" in problems and "expected a proposal of paper" in problems
    wrong_case = Timeline.model_validate({"case": "other", "scored_years": [2001, 2002], "entries": RECORD})
    assert "expected 'paper'" in "\n".join(str(p) for p in check_timeline(wrong_case, s))
    with pytest.raises(ValueError, match="scored_years"):
        backtest(s, bad, runs=1, bootstrap=0)
    with pytest.raises(ValueError, match="runs"):
        backtest(s, paper_timeline(), runs=0)
    with pytest.raises(Exception, match="first <= last"):
        paper_timeline(years=(2005, 2001))


def test_a_proposal_row_needs_a_settlement_type(tmp_path: Path) -> None:
    from tests.engine_scenarios import proposal

    s = scenario(
        [actor("P1", ["party"], 0), actor("P2", ["party"], 100), actor("M", ["mediator", "co-chair"], 50)],
        proposals=[proposal("talks", "M", 50, kind="principles", agreement="process")],
    )
    t = Timeline.model_validate(
        {
            "case": "paper",
            "scored_years": [2001, 2002],
            "entries": [_entry("2001", "proposal", proposal="talks", accepted=False)],
        }
    )
    assert "partial or comprehensive" in "\n".join(str(p) for p in check_timeline(t, s))


def test_record_and_case_differences_are_reported() -> None:
    s = paper_case()
    d = differences(paper_timeline(), s)
    assert any(x.startswith("2003: the record has fighting") for x in d)
    assert any("ceasefire agreement" in x and x.startswith("2007-02") for x in d)
    r = backtest(s, paper_timeline(), runs=2, bootstrap=0, runner=_stand_in(paper_timeline(), "truth", []))
    assert r.notes and all(n.startswith("record vs case: ") for n in r.notes)


def test_cli_bad_input_exits_2_with_a_message(tmp_path: Path) -> None:
    r = runner.invoke(app, ["backtest", "paper-missing"])
    assert r.exit_code == 2 and "Traceback" not in r.output
    case = tmp_path / "case.yaml"
    case.write_text(load_scenario_text("example"), encoding="utf-8")
    r = runner.invoke(app, ["backtest", str(case)])
    assert r.exit_code == 2 and "no timeline" in r.output
    t = _write(tmp_path, {"case": "example", "scored_years": [1990, 1999], "entries": [_entry("1995", "none")]})
    r = runner.invoke(app, ["backtest", "example", "--timeline", str(t), "--runs", "1"])
    assert r.exit_code == 2 and "scored_years" in r.output and "Traceback" not in r.output


def load_scenario_text(case: str) -> str:
    from accord.scenario.loader import resolve

    return resolve(case)[0].decode("utf-8")
