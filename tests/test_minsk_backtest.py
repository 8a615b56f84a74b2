"""The backtest of the minsk-group case against its timeline (small runs: CI time is shared)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from accord.analysis.backtest import backtest, inputs_before
from accord.cli.app import app
from accord.scenario import load_scenario
from accord.scenario.parameters import PARAMETERS
from accord.scenario.schema import Scenario
from accord.scenario.timeline import Timeline, load_timeline
from accord.simulation import run_batch

runner = CliRunner()


@pytest.fixture(scope="module")
def case() -> Scenario:
    return load_scenario("minsk-group")


@pytest.fixture(scope="module")
def small(case: Scenario) -> Timeline:
    """One entry of each kind, and three scored years around the 2016 war."""
    t = load_timeline("minsk-group", case)
    keep = [
        e
        for e in t.entries
        if e.proposal == "updated-2009"
        or e.compare == "settlement"
        or (e.compare == "war" and e.date.startswith("2016"))
        or (e.compare == "format" and e.date == "2022-04")
    ]
    return t.model_copy(update={"entries": keep, "scored_years": [2015, 2017]})


def test_inputs_before_drops_later_events_and_proposals(case: Scenario) -> None:
    s = inputs_before(case, 2016.0, keep_proposal="phased-2020")
    assert all(e.date < "2016" for e in s.events)
    assert "escalation-2014" in {e.id for e in s.events}
    assert "four-day-war-2016" not in {e.id for e in s.events}
    assert [p.id for p in s.proposals][-2:] == ["updated-2009", "phased-2020"]
    assert len(case.events) > len(s.events)  # the case itself is untouched


def test_backtest_rows_scores_and_reproducibility(case: Scenario, small: Timeline) -> None:
    r = backtest(case, small, runs=6, seed=3)
    kinds = [row.kind for row in r.rows]
    assert kinds == ["proposal", "settlement", "war", "war", "war", "format"]
    for row in r.rows:
        assert 0.0 <= row.p_event <= 1.0
        assert row.brier == pytest.approx((row.p_event - row.outcome) ** 2)
        assert row.agrees == (row.p > 0.5)
    wars = {row.date: row.outcome for row in r.rows if row.kind == "war"}
    assert wars == {"2015": 0, "2016": 1, "2017": 0}
    fmt = r.rows[-1]
    # nothing in the inputs before April 2022 ends the Minsk Group format: the model cannot see the switch
    assert fmt.p_event == 0.0 and not fmt.agrees
    assert r.scores["overall"].rows == 6
    again = backtest(case, small, runs=6, seed=3)
    assert [x.p_event for x in again.rows] == [x.p_event for x in r.rows]
    assert {p[0] for p in r.parameters} >= {"war_cost", "hazard_intercept", "minsk-group.conference_signing"}
    json.dumps(r.to_dict())


def test_shared_runs_for_quiet_years_equal_one_run_per_year(case: Scenario) -> None:
    # 2002 and 2003 see the same inputs; one run to 2004 must give the same 2002 numbers as a run to 2003
    s = inputs_before(case, 2002.0)
    assert [e.id for e in inputs_before(case, 2003.0).events] == [e.id for e in s.events]
    long = run_batch(s, draws=5, seed=1, until=2004.0)
    short = run_batch(s, draws=5, seed=1, until=2003.0)
    k = int(np.flatnonzero(np.isclose(short.years, 2002.0))[0])
    assert np.allclose(long.p_onset_by_year[:, k], short.p_onset_by_year[:, k])


def test_cli_backtest_prints_table_and_score_and_writes_json(small: Timeline, tmp_path: Path) -> None:
    text = resources.files("accord.cases").joinpath("timelines/minsk-group.yaml").read_text(encoding="utf-8")
    assert "scored_years: [1995, 2025]" in text
    p = tmp_path / "t.yaml"
    # the full timeline file, scored on two war years only (for speed)
    lines = text.replace("scored_years: [1995, 2025]", "scored_years: [2015, 2016]")
    p.write_text(lines, encoding="utf-8")
    out = tmp_path / "bt.json"
    r = runner.invoke(app, ["backtest", "minsk-group", "--runs", "2", "--timeline", str(p), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "history vs model" in r.output and "overall: the model agrees with history on" in r.output
    assert "Four-Day" in r.output and "param-war-cost" in r.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["runs"] == 2 and data["scores"]["overall"]["rows"] == len(data["rows"])


def test_cli_backtest_without_timeline_is_a_clear_error() -> None:
    r = runner.invoke(app, ["backtest", "example"])
    assert r.exit_code == 2
    assert "no timeline" in r.output


def test_parameters_labelled_engine_default_are_centred_on_the_engine_default(case: Scenario) -> None:
    # the case says "engine default with a ±50% range": keep that true when the engine changes
    assert set(case.parameters) <= set(PARAMETERS)
    for name, q in case.parameters.items():
        assert q.sourced, name
        if q.assumption == "param-default":
            spec = PARAMETERS[name]
            if q.is_uncertain:
                lo, hi = q.bounds()
                a, b = sorted((0.5 * spec.default, 1.5 * spec.default))  # a negative default flips the ends
                assert lo == pytest.approx(max(spec.low, a)), name
                assert hi == pytest.approx(min(spec.high, b)), name
            else:
                assert q.nominal == spec.default, name
