"""The process on hand-made scenarios: decision rules, ratification, escalation, war, format
switches; the batch kernel's shapes, seeding and overrides."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.scenario import ScenarioError, load_scenario
from accord.scenario.parameters import PARAMETERS
from accord.simulation import EngineError, replay, run_batch, uncertain_inputs
from engine_scenarios import actor, proposal, scenario, veto_scenario

FORMATS = ["minsk-group", "bilateral", "single-mediator", "inclusive", "majority"]


def test_every_parameter_has_default_unit_meaning_and_reference() -> None:
    for p in PARAMETERS.values():
        assert p.low <= p.default <= p.high, p.name
        assert p.unit and p.meaning and p.reference, p.name


def test_consensus_is_vetoed_and_majority_passes() -> None:
    s = veto_scenario()
    r = replay(s, format="minsk-group")
    assert not r.summary["agreement"]
    assert [b["actor"] for b in r.summary["blocked_by"]] == ["P2"]
    assert "worse than the status quo" in r.summary["blocked_by"][0]["reasons"][0]
    b = run_batch(s, format="minsk-group", draws=3, seed=0)
    assert (b.vetoes[:, b.actor_ids.index("P2"), 0] == 1).all() and b.vetoes.sum() == 3
    r = replay(s, format="majority")
    assert r.summary["agreement"] and r.summary["year"] == 2001 and r.summary["proposal"] == "deal"
    assert r.summary["terms"] == {"x": 30.0} and r.summary["final_status_quo"] == {"x": 30.0}


def test_bilateral_table_does_not_hear_a_mediators_plan() -> None:
    r = replay(veto_scenario(), format="bilateral")
    assert r.summary["proposals_tabled"] == 0 and not r.summary["agreement"]


def test_leader_whose_winset_excludes_the_deal_rejects_it() -> None:
    # status quo 100; P1 at 0 and P2 at 50 both gain from x = 50 (0.5 > 0 and 1 > 0.5).
    # The deal lies 50 points from P1: inside a 60-point win-set, outside a 40-point one.
    def run(win_set: float) -> dict:
        s = scenario(
            [
                actor("P1", ["party"], 0, domestic={"win_set": win_set}),
                actor("P2", ["party"], 50, domestic={"win_set": 100}),
                actor("M1", ["mediator"], 50),
            ],
            proposals=[proposal("deal", "M1", 50)],
            parameters={"salience_winset": 0.0},
        )
        return replay(s, format="single-mediator").summary

    assert run(60.0)["agreement"]
    s = run(40.0)
    assert not s["agreement"]
    assert s["blocked_by"] == [
        {"actor": "P1", "reasons": ["deal: outside its domestic win-set (cannot be ratified at home) (issue x)"]}
    ]


def test_a_leak_closes_the_winset() -> None:
    def run(leak: float) -> bool:
        s = scenario(
            [
                actor("P1", ["party"], 0, domestic={"win_set": 60}),
                actor("P2", ["party"], 50, domestic={"win_set": 100}),
                actor("M1", ["mediator"], 50),
            ],
            proposals=[proposal("deal", "M1", 50)],
            parameters={"salience_winset": 0.0, "leak_effect": 0.5},
            formats=[{"id": "single-mediator", "label": "leaky", "leak_risk": leak}],
        )
        return bool(replay(s, format="single-mediator").summary["agreement"])

    assert run(0.0) and not run(1.0)  # a leak halves P1's win-set to 30 < 50


def test_party_whose_war_value_rises_above_the_status_quo_escalates() -> None:
    # P1 (0) against P2 (100) with the status quo at P2's ideal; P1's capability rises from 10
    # to 1000 (2000-2005). War value of P1 = P(win) - 0.2 with war_gain 1: negative in 2000
    # (P = 10/110), positive from 2001 (interpolated capability 208: P = 0.68).
    s = scenario(
        [
            actor("P1", ["party"], 0, cap={"series": {2000: 10, 2005: 1000}, "assumption": "test"}),
            actor("P2", ["party"], 100, cap=100),
        ],
        parameters={"war_cost": 0.2, "war_gain": 1.0, "hazard_incentive": 0.5, "hazard_base": 0.0},
    )
    r = replay(s, format="bilateral")
    esc = [e for e in r.events if e["kind"] == "escalation"]
    assert esc and esc[0]["actor"] == "P1" and esc[0]["t"] == 2001.0
    assert esc[0]["war_value"] > esc[0]["status_quo_value"]
    p_war = r.trajectory["p_war"]
    assert p_war[0] == 0.0 and p_war[1] > 0.0
    b = run_batch(s, format="bilateral", draws=200, seed=2)
    assert (b.p_war_by_year[:, 0] == 0).all() and (b.p_war_by_year[:, 1] > 0).all()
    assert b.wars.sum() > 0 and np.isnan(b.first_war_year[b.wars == 0]).all()


def test_war_moves_the_status_quo_by_its_outcome_and_switches_format() -> None:
    # certain war in the first step; P1 is overwhelmingly stronger, so it wins and moves the
    # status quo half-way to its position (war_gain 0.5): 100 -> 50. Then bilateral talks.
    s = scenario(
        [actor("P1", ["party"], 0, cap=1e9), actor("P2", ["party"], 100, cap=1.0), actor("M1", ["co-chair"], 50)],
        parameters={"hazard_base": 1000.0, "war_gain": 0.5, "agreement_hazard_factor": 0.0},
        formats=[{"id": "minsk-group", "label": "Minsk Group until a war", "after_war": "bilateral"}],
        end=2001,
    )
    r = replay(s, format="minsk-group")
    (war,) = r.summary["wars"]
    assert war["start"] == 2000.0 and war["winner"] == "P1" and war["end"] > war["start"]
    assert r.summary["final_status_quo"] == {"x": 50.0}
    assert r.summary["final_format"] == "bilateral"
    kinds = [e["kind"] for e in r.events]
    assert kinds.index("war") < kinds.index("ceasefire") < kinds.index("format-switch")


def test_scheduled_war_event_sets_the_status_quo() -> None:
    events = [{"id": "w", "date": "2002-09", "kind": "war", "label": "war", "status_quo": {"x": 20}}]
    s = scenario([actor("P1", ["party"], 0), actor("P2", ["party"], 100)], events=events)
    r = replay(s, format="bilateral")
    (w,) = r.summary["wars"]
    assert w["start"] == pytest.approx(2002 + 8 / 12) and w["winner"] == "P1" and w["scheduled"]
    b = run_batch(s, format="bilateral", draws=3, seed=0)
    assert np.allclose(b.first_war_year, 2002 + 8 / 12) and (b.war_by_year[:, 2]).all()
    assert r.summary["final_status_quo"] == {"x": 20.0}
    s2 = scenario(
        [actor("P1", ["party"], 0), actor("P2", ["party"], 100)], events=events, parameters={"history_events": 0}
    )
    assert replay(s2, format="bilateral").summary["wars"] == []


def test_monitoring_mandate_blocked_under_consensus_not_under_majority() -> None:
    # P1 expects to gain from war, so it blocks the monitoring mandate; under consensus that
    # erodes monitoring, under a two-thirds majority of 4 participating states it does not.
    actors = [
        actor("P1", ["party", "participating-state"], 0, cap=1000),
        actor("P2", ["party", "participating-state"], 100, cap=100),
        actor("M1", ["co-chair", "participating-state"], 50),
        actor("M2", ["co-chair", "participating-state"], 50),
    ]
    s = scenario(actors, parameters={"war_cost": 0.1, "war_gain": 1.0})
    r = replay(s, format="minsk-group")
    blocked = [e for e in r.events if e["kind"] == "mandate-blocked"]
    assert blocked and blocked[0]["blocked_by"] == ["P1"]
    mon = r.trajectory["monitoring"]
    assert mon[-1] < mon[0] < 0.2 + 1e-9
    r = replay(s, format="majority")
    assert not [e for e in r.events if e["kind"] == "mandate-blocked"]
    assert r.trajectory["monitoring"][-1] == pytest.approx(0.2)


def test_phased_deal_defers_an_issue_and_implements_it_later() -> None:
    s = scenario(
        [
            actor("P1", ["party"], 0, domestic={"win_set": 100}),
            actor("P2", ["party"], 0, domestic={"win_set": 100}),
            actor("M1", ["co-chair"], 0),
        ],
        proposals=[proposal("steps", "M1", 10, kind="phased", deferred={"issues": ["x"], "until": "2003"})],
        parameters={"deferred_credibility": 1.0},
    )
    r = replay(s, format="minsk-group")
    assert r.summary["agreement"] and r.summary["year"] == 2001
    sq = r.trajectory["status_quo"]
    assert [row[0] for row in sq] == [100.0, 100.0, 100.0, 10.0, 10.0]
    assert any(e["kind"] == "deferred-implemented" for e in r.events)


def test_replay_equals_a_one_draw_batch() -> None:
    s = load_scenario("example")
    for f in FORMATS:
        r = replay(s, format=f, seed=11)
        b = run_batch(s, format=f, draws=1, seed=11)
        assert r.batch.agreement[0] == b.agreement[0]
        assert np.array_equal(r.batch.agreement_year, b.agreement_year, equal_nan=True)
        assert r.batch.agreement_proposal[0] == b.agreement_proposal[0]
        assert np.array_equal(r.batch.final_status_quo, b.final_status_quo)
        assert r.batch.wars[0] == b.wars[0] and np.array_equal(r.batch.vetoes, b.vetoes)


def test_batch_shapes_frame_and_common_random_inputs() -> None:
    s = load_scenario("example")
    assert set(uncertain_inputs(s)) == {"actors.ARM.salience.districts"}
    D = 40
    results = {f: run_batch(s, format=f, draws=D, seed=5) for f in FORMATS}
    b = results["minsk-group"]
    A, I, Y = len(b.actor_ids), len(b.issue_ids), len(b.years)  # noqa: E741
    assert b.years.tolist() == [1994.0, 1995.0, 1996.0, 1997.0, 1998.0, 1999.0]
    assert b.agreement.shape == (D,) and b.terms.shape == (D, I) and b.vetoes.shape == (D, A, I)
    assert b.agreement_by_year.shape == (D, Y) and b.war_by_year.shape == (D, Y)
    assert (b.agreement_proposal[~b.agreement] == -1).all() and np.isnan(b.terms[~b.agreement]).all()
    drawn = b.inputs["actors.ARM.salience.districts"]
    assert drawn.shape == (D,) and drawn.min() >= 0.4 and drawn.max() <= 0.7 and drawn.std() > 0
    for other in results.values():  # same seed: same inputs under every format
        assert np.array_equal(other.inputs["actors.ARM.salience.districts"], drawn)
    frame = b.to_frame()
    assert len(frame) == D and "in.actors.ARM.salience.districts" in frame and "terms.status" in frame
    assert "vetoes.AZE.status" in frame and "war_by.1997" in frame and "sq.1999.districts" in frame
    assert b.status_quo_by_year.shape == (D, Y, I)
    assert np.array_equal(b.status_quo_by_year[:, -1], b.final_status_quo)
    other_batch = run_batch(s, format="minsk-group", draws=D, seed=5, batch_index=1)
    assert not np.array_equal(other_batch.inputs["actors.ARM.salience.districts"], drawn)


def test_overrides_set_inputs_per_draw() -> None:
    s = veto_scenario()
    b = run_batch(
        s, format="minsk-group", draws=2, seed=0, overrides={"actors.P2.positions.x": np.array([100.0, 30.0])}
    )
    # P2 at 30 welcomes x = 30; at 100 it vetoes
    assert b.agreement.tolist() == [False, True]
    assert b.inputs["actors.P2.positions.x"].tolist() == [100.0, 30.0]
    b = run_batch(s, format="minsk-group", draws=2, seed=0, overrides={"parameters.war_cost": np.array([0.1, 0.2])})
    assert b.inputs["parameters.war_cost"].tolist() == [0.1, 0.2]
    with pytest.raises(EngineError, match="known input"):
        run_batch(s, draws=2, seed=0, overrides={"parameters.war_kost": np.zeros(2)})
    with pytest.raises(EngineError, match="shape"):
        run_batch(s, draws=2, seed=0, overrides={"parameters.war_cost": np.zeros(3)})


def test_unknown_parameter_in_a_scenario_is_named() -> None:
    # the loader refuses the name with its line; the engine refuses it too for a scenario built in code
    with pytest.raises(
        ScenarioError,
        match=r"paper.yaml:\d+:\d+: parameters.war_cots: expected a known engine parameter, found 'war_cots' "
        r"\(did you mean 'war_cost'\?\)",
    ):
        scenario([actor("P1", ["party"], 0), actor("P2", ["party"], 100)], parameters={"war_cots": 0.1})
    good = scenario([actor("P1", ["party"], 0), actor("P2", ["party"], 100)])
    data = good.model_dump()
    data["parameters"]["war_cots"] = {"value": 0.1}
    with pytest.raises(
        EngineError,
        match=r"parameters: expected a known engine parameter, found 'war_cots' \(did you mean 'war_cost'\?\)",
    ):
        replay(type(good).model_validate(data))


def test_example_replays_under_every_format() -> None:
    s = load_scenario("example")
    for f in FORMATS:
        r = replay(s, format=f, seed=0)
        kinds = {e["kind"] for e in r.events}
        assert "start" in kinds and "proposal" in kinds, f
        assert r.summary["final_format"] in (f, "bilateral")


def test_dated_events_switch_format_change_parameters_and_remove_mediators() -> None:
    actors = [actor("P1", ["party"], 0), actor("P2", ["party"], 100), actor("M1", ["co-chair"], 50)]
    events = [
        {"id": "talks", "date": "2002", "kind": "format-change", "label": "direct talks", "switch_format": "bilateral"},
        {
            "id": "tense",
            "date": "2003-06",
            "kind": "escalation",
            "label": "hazard jumps",
            "effects": {"hazard_base": 1000},
        },
    ]
    r = replay(scenario(actors, events=events), format="minsk-group")
    assert r.trajectory["format"] == ["minsk-group", "minsk-group", "bilateral", "bilateral", "bilateral"]
    assert [w["start"] for w in r.summary["wars"]][:1] == [2003.0]
    assert r.trajectory["p_war"][:3] == [0.0, 0.0, 0.0] and r.trajectory["p_war"][3] == 1.0
    # the co-chairs break up: their plan dated after the break-up is no longer tabled
    breakup = [{"id": "split", "date": "2001", "kind": "mediator-breakup", "label": "troika ends", "actors": ["M1"]}]
    r = replay(
        scenario(actors, events=breakup, proposals=[proposal("late", "M1", 50, date="2002")]), format="minsk-group"
    )
    assert r.summary["proposals_tabled"] == 0


@settings(max_examples=15, deadline=None)
@given(
    p1=st.floats(0, 100),
    p2=st.floats(0, 100),
    sq=st.floats(0, 100),
    term=st.floats(0, 100),
    hazard=st.floats(0, 2),
    interval=st.sampled_from([0.0, 1.0]),
    fmt=st.sampled_from(FORMATS),
    seed=st.integers(0, 2**16),
)
def test_batch_invariants(
    p1: float, p2: float, sq: float, term: float, hazard: float, interval: float, fmt: str, seed: int
) -> None:
    s = scenario(
        [actor("P1", ["party"], p1), actor("P2", ["party"], p2), actor("M1", ["co-chair", "mediator"], (p1 + p2) / 2)],
        status_quo=sq,
        proposals=[proposal("deal", "M1", term)],
        parameters={"hazard_base": hazard, "proposal_interval": interval, "defiance": 0.2},
    )
    b = run_batch(s, format=fmt, draws=8, seed=seed)
    assert ((b.final_status_quo >= -1e-9) & (b.final_status_quo <= 100 + 1e-9)).all()
    agreed = b.agreement
    assert ((b.terms[agreed] >= -1e-9) & (b.terms[agreed] <= 100 + 1e-9)).all()
    assert (b.agreement_by_year[:, -1] == agreed).all()
    assert (np.diff(b.agreement_by_year.astype(int), axis=1) >= 0).all()  # once agreed, stays agreed
    assert (b.war_by_year[:, -1] == (b.wars > 0)).all()  # cumulative: a war has begun by then
    assert (np.diff(b.war_by_year.astype(int), axis=1) >= 0).all()
    assert ((b.p_war_by_year >= 0) & (b.p_war_by_year <= 1)).all()
    assert ((b.agreement_year[agreed] >= b.years[0]) & (b.agreement_year[agreed] < b.years[-1] + 1)).all()
    assert np.isnan(b.agreement_year[~agreed]).all()
    again = run_batch(s, format=fmt, draws=8, seed=seed)
    assert np.array_equal(again.final_status_quo, b.final_status_quo) and np.array_equal(again.wars, b.wars)


def test_inclusive_table_gives_the_affected_actor_a_veto() -> None:
    # P1 (0) and P2 (40) both gain from x = 30 against a status quo of 100; the de facto
    # authorities (NK, at 100) lose. The Minsk Group format keeps NK off the table; the
    # inclusive format gives it a vote, and a single "no" blocks consensus.
    wide = {"domestic": {"win_set": 100}}
    s = scenario(
        [
            actor("P1", ["party"], 0, **wide),
            actor("P2", ["party"], 40, **wide),
            {**actor("NK", ["affected"], 100, **wide), "kind": "de-facto-authority"},
            actor("M1", ["co-chair", "mediator"], 30),
        ],
        proposals=[proposal("deal", "M1", 30)],
    )
    assert replay(s, format="minsk-group").summary["agreement"]
    r = replay(s, format="inclusive")
    assert not r.summary["agreement"]
    assert [b["actor"] for b in r.summary["blocked_by"]] == ["NK"]


def test_mediator_leverage_carries_with_the_side_it_is_close_to() -> None:
    from accord.simulation.process import _leverage

    pos = np.array([[[0.0], [100.0], [0.0], [50.0]]])  # P1, P2, M (biased to P1), N (neutral)
    sal = np.ones((1, 4, 1))
    parties = np.array([True, True, False, False])
    cap = np.array([[1.0, 1.0, 1.0, 3.0]])
    mediators = np.array([False, False, True, True])
    lev = _leverage([2], parties, cap, mediators, np.array([0.1]), pos, sal)
    # M holds a quarter of the mediators' capability; P1 trusts it fully, P2 not at all
    assert np.allclose(lev[0, :2], [0.025, 0.0])
    lev = _leverage([2, 3], parties, cap, mediators, np.array([0.1]), pos, sal)
    # together at their weighted position 37.5: trust 0.625 and 0.375
    assert np.allclose(lev[0, :2], [0.0625, 0.0375])
    assert not _leverage([0], parties, cap, mediators, np.array([0.1]), pos, sal).any()  # a party's offer


def test_principles_settle_the_range_later_by_a_binding_decision() -> None:
    s = scenario(
        [
            actor("P1", ["party"], 0, domestic={"win_set": 100}),
            actor("P2", ["party"], 0, domestic={"win_set": 100}),
            actor("M1", ["co-chair"], 0),
        ],
        proposals=[
            {
                "id": "principles",
                "label": "basic principles",
                "sponsor": ["M1"],
                "date": "2001",
                "kind": "principles",
                "terms": {"x": {"value": 30, "range": [20, 40]}},
                "deferred": {"issues": ["x"], "until": "2003"},
            }
        ],
        parameters={"deferred_credibility": 1.0},
    )
    b = run_batch(s, format="minsk-group", draws=50, seed=4)
    assert b.agreement.all() and (b.agreement_year == 2001).all()
    assert (b.status_quo_by_year[:, 2, 0] == 100).all()  # still open in 2002
    settled = b.status_quo_by_year[:, 3, 0]  # the binding decision, 2003
    assert ((settled >= 20) & (settled <= 40)).all() and settled.std() > 0


def test_a_leader_who_signs_beyond_the_winset_can_be_removed() -> None:
    # the deal (x = 50) lies 50 points from P1, just outside its 48-point win-set: with defiance 1
    # the leader signs with probability 2 - 50/48 = 0.96 (it does at seed 0), and removal is certain
    s = scenario(
        [
            actor("P1", ["party"], 0, domestic={"win_set": 48, "removal_risk": 1.0}),
            actor("P2", ["party"], 50, domestic={"win_set": 100}),
            actor("M1", ["mediator"], 50),
        ],
        proposals=[proposal("deal", "M1", 50)],
        parameters={"salience_winset": 0.0, "defiance": 1.0},
    )
    r = replay(s, format="single-mediator")
    assert not r.summary["agreement"] and r.summary["leaders_removed"] == ["P1"]
    removed = [e for e in r.events if e["kind"] == "leader-removed"]
    assert removed and removed[0]["actor"] == "P1" and removed[0]["t"] == 2001.0
