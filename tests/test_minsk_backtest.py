"""The backtest machinery on the minsk-group case: structure only, with few runs.

The Minsk case's parameters are frozen before it is scored, and its scored backtest is run once,
by hand, for the README. So these tests never look at a Minsk score: they check that the cut is
right, that every scored year and outcome gets a row with a probability, and that nothing is
printed (a failing assertion names the row, not a number)."""

from __future__ import annotations

import numpy as np
import pytest

from accord.analysis.backtest import backtest, inputs_before, outcomes_for, same_inputs
from accord.scenario import load_scenario
from accord.scenario.parameters import PARAMETERS
from accord.scenario.schema import Scenario, date_to_year
from accord.scenario.timeline import load_timeline
from accord.simulation import run_batch


@pytest.fixture(scope="module")
def case() -> Scenario:
    return load_scenario("minsk-group")


def test_inputs_before_drops_later_events_proposals_and_changes(case: Scenario) -> None:
    s = inputs_before(case, 2016.0, keep_proposal="phased-2020")
    assert all(e.date < "2016" for e in s.events)
    assert "escalation-2014" in {e.id for e in s.events}
    assert "four-day-war-2016" not in {e.id for e in s.events}
    assert [p.id for p in s.proposals][-2:] == ["updated-2009", "phased-2020"]
    arm = s.actor("ARM")
    assert [c.from_ for c in arm.changes] == ["1998-02", "2008"]  # Pashinyan (2018-05) and later stances cut
    assert all(date_to_year(c.from_) < 2016.0 for a in s.actors for c in a.changes)
    assert len(case.events) > len(s.events) and len(case.actor("ARM").changes) > len(arm.changes)


def test_quiet_years_share_replays_and_dated_changes_split_them(case: Scenario) -> None:
    years = list(range(1995, 2026))
    groups = same_inputs(case, years)
    assert [y for g in groups for y in g] == years
    starts = {g[0] for g in groups}
    # a dated change with no event in its year starts a new replay: Ilham Aliyev (2003-12), Pashinyan (2018-05)
    assert {2004, 2019} <= starts
    assert 2003 not in starts  # 2002 and 2003 see the same inputs


def test_shared_runs_for_quiet_years_equal_one_run_per_year(case: Scenario) -> None:
    # 2002 and 2003 see the same inputs; one run to 2004 must give the same 2002 numbers as a run to 2003
    s = inputs_before(case, 2002.0)
    long = run_batch(s, draws=5, seed=1, until=2004.0)
    short = run_batch(s, draws=5, seed=1, until=2003.0)
    k = int(np.flatnonzero(np.isclose(short.years, 2002.0))[0])
    assert np.array_equal(long.p_onset_by_year[:, k], short.p_onset_by_year[:, k])
    assert np.array_equal(long.signed_by_year[:, k], short.signed_by_year[:, k])


def test_minsk_backtest_has_a_row_for_every_scored_year_and_outcome(case: Scenario) -> None:
    t = load_timeline("minsk-group", case)
    r = backtest(case, t, runs=2, seed=0, bootstrap=0)
    outcomes = outcomes_for(t)
    assert "renewal_signed" in outcomes and "implementation_signed" not in outcomes  # Astana 2010; no implementation
    keys = [(row.year, row.outcome) for row in r.year_rows]
    assert sorted(keys) == sorted((y, o) for y in range(1995, 2026) for o in outcomes)
    bad = [(row.year, row.outcome) for row in r.year_rows if not 0.0 <= row.p <= 1.0]
    assert bad == []
    assert [row.kind for row in r.rows] == ["proposal"] * 7 + ["format"] * 5
    assert all(0.0 <= row.p_event <= 1.0 for row in r.rows)
    assert set(r.scores) == {*outcomes, "proposal", "format"}
    assert r.notes == []  # the record and the case's events agree on fighting and agreements
    assert {p[0] for p in r.parameters} >= {"war_cost", "war_gain", "minsk-group.conference_signing"}


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
