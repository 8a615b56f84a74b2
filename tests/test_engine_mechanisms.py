"""The engine's answers come from mechanisms: each claim of issue 11's "done when" on a small
hand-made scenario whose outcome can be reasoned out, checked over many draws with common
random numbers."""

from __future__ import annotations

import itertools

import numpy as np

from accord.scenario import Scenario, parse_scenario
from accord.scenario.yaml_io import dump_yaml
from accord.simulation import replay, run_batch
from engine_scenarios import QUIET, actor, proposal, scenario

D = 400


def _two_issue(parameters: dict[str, float] | None = None, pivot: float | None = None, **extra: object) -> Scenario:
    """P1 wants x (contested by force), P2 wants y; a mediator tables x = y = 60 in 2001 and 2003.
    Both gain from the text against the status quo (0, 0); P1's war value competes with it."""

    def party(aid: str, x: float, y: float, sx: float, sy: float, **more: object) -> dict:
        return {
            "id": aid,
            "name": aid,
            "kind": "state",
            "roles": ["party"],
            "capability": 100,
            "positions": {"x": x, "y": y},
            "salience": {"x": sx, "y": sy},
            **more,
        }

    p1_extra: dict[str, object] = {"optimism": {"dist": "uniform", "low": 0.0, "high": 0.4, "assumption": "t"}}
    if pivot is not None:  # a pivot `pivot` points more hawkish than the leader on both issues
        p1_extra["domestic"] = {"pivot": {"x": 80 + pivot, "y": 20 - pivot}}
    data = {
        "meta": {"name": "mech", "title": "t", "start": 2000, "end": 2005, "step": "year"},
        "issues": [
            {"id": "x", "label": "x", "low": "0", "high": "100", "status_quo": 0, "war": True},
            {"id": "y", "label": "y", "low": "0", "high": "100", "status_quo": 0},
        ],
        "actors": [
            party("P1", 80, 20, 1.0, 0.4, **p1_extra),
            party("P2", 0, 100, 0.4, 1.0),
            {
                "id": "M",
                "name": "M",
                "kind": "state",
                "roles": ["mediator"],
                "positions": {"x": 60, "y": 60},
                "salience": {"x": 1, "y": 1},
            },
        ],
        "proposals": [
            {
                "id": f"deal{y}",
                "label": "deal",
                "sponsor": ["M"],
                "date": str(y),
                "kind": "package",
                "terms": {"x": 60, "y": 60},
            }
            for y in (2001, 2003)
        ],
        "parameters": {**QUIET, "ratification_noise": 0.05, **(parameters or {})},
        "conflict": {"side_a": ["P1"]},  # two state parties: the fitted hazards need UCDP's side A
        **extra,
    }
    return parse_scenario(dump_yaml(data), "mech.yaml")


def test_raising_the_cost_of_war_never_lowers_the_chance_of_agreement() -> None:
    # the risk of war does not depend on the gap here (hazard_gap 0), so a higher cost of war
    # makes no agreement worse for every side and nothing else
    s = _two_issue({"hazard_intercept": -2.0, "hazard_gap": 0.0})
    shares = []
    for cost in np.linspace(0.0, 0.6, 7):
        b = run_batch(s, format="single-mediator", draws=D, seed=3, overrides={"parameters.war_cost": np.full(D, cost)})
        shares.append(b.agreement.mean())
    assert all(b >= a for a, b in itertools.pairwise(shares)), shares
    assert shares[-1] > shares[0]


def test_a_pivot_more_hawkish_than_the_leader_lowers_the_chance_of_agreement() -> None:
    # the leader of P1 (at 0) gains from x = 50 against a status quo of 100; its pivot sits
    # `hawk` points further from the deal than the leader would (toward 100 is dovish here, so
    # hawkish is toward 0 - the pivot is at 0 and values x by its own, noisier bar)
    from test_simulation_engine import _pivot_scenario

    shares = []
    for pivot in (50.0, 60.0, 70.0, 75.0, 80.0, 90.0):
        s = _pivot_scenario(pivot, ratification_noise=0.05)
        shares.append(run_batch(s, format="single-mediator", draws=D, seed=3).agreement.mean())
    assert all(b <= a for a, b in itertools.pairwise(shares)), shares
    assert shares[-1] < shares[0]


def test_a_majority_text_without_enforcement_leaves_the_outvoted_partys_war_risk() -> None:
    # P2 (at 100, status quo 100) is outvoted by P1 and two co-chairs on x = 30; nobody enforces it
    actors = [
        actor("P1", ["party"], 0),
        actor("P2", ["party"], 100),
        actor("M1", ["co-chair", "mediator"], 30),
        actor("M2", ["co-chair", "mediator"], 30),
    ]
    params = {"hazard_intercept": -3.0, "optimism_default": 0.1}
    with_text = scenario(actors, proposals=[proposal("deal", "M1", 30)], parameters=params)
    without = scenario(actors, parameters=params)
    a = run_batch(with_text, format="majority", draws=D, seed=8)
    b = run_batch(without, format="majority", draws=D, seed=8)
    quiet = ~a.fighting_by_year[:, :2].any(axis=1)
    assert (a.passed_unbound[quiet] == 1).all() and not a.agreement.any()
    assert np.array_equal(a.p_onset_by_year, b.p_onset_by_year)
    assert np.array_equal(a.final_status_quo, b.final_status_quo)
    # with peacekeepers that enforce it, the text binds and the status quo moves
    enforced = scenario(
        actors,
        proposals=[proposal("deal", "M1", 30, peacekeeping=True)],
        parameters={**params, "enforcement_peacekeeping": 1.0},
    )
    c = run_batch(enforced, format="majority", draws=D, seed=8)
    signed_2001 = c.signed_by_year[:, 1, c.agreement_types.index("comprehensive")]
    quiet = ~c.fighting_by_year[:, :2].any(axis=1)
    assert signed_2001[quiet].all() and (c.status_quo_by_year[quiet, 1, 0] == 30).all()


def test_a_ceasefire_lowers_the_hazard_only_while_it_holds() -> None:
    actors = [actor("P1", ["party"], 0), actor("P2", ["party"], 100)]
    params = {"hazard_intercept": -4.0, "hazard_ceasefire": -1.5, "hazard_recency": 0.0}
    ceasefire = {"id": "cf", "date": "2001", "kind": "statement", "label": "ceasefire", "agreement": "ceasefire"}
    flare = {"id": "clash", "date": "2003", "kind": "clashes", "label": "clashes"}
    held = scenario(actors, events=[ceasefire, flare], parameters=params, end=2006)
    none = scenario(actors, events=[flare], parameters=params, end=2006)
    a = run_batch(held, format="bilateral", draws=D, seed=1)
    b = run_batch(none, format="bilateral", draws=D, seed=1)
    quiet = ~a.fighting_by_year[:, :2].any(axis=1) & ~b.fighting_by_year[:, :2].any(axis=1)
    cf = a.agreement_types.index("ceasefire")
    assert a.in_force_by_year[quiet, 1, cf].all() and not a.in_force_by_year[:, 3, cf].any()
    assert (a.breakdown_by_year[:, 3, cf] | ~a.in_force_by_year[:, 2, cf]).all()
    assert (a.p_onset_by_year[quiet, 2] < b.p_onset_by_year[quiet, 2]).all()  # in force: lower
    after = ~a.fighting_by_year[:, 4] & ~b.fighting_by_year[:, 4]
    assert np.allclose(a.p_onset_by_year[after, 5], b.p_onset_by_year[after, 5])  # broken: the same


def test_an_imposed_flare_up_is_over_within_its_step() -> None:
    # a four-day war imposed as `clashes` is fighting in its year, breaks what is in force, and
    # does not carry on: with a hazard of ~0 nobody fights the next year (regression: the flare's
    # p_onset of 1 was also drawn as a hazard onset, so every run fought on into the next year)
    actors = [actor("P1", ["party"], 0), actor("P2", ["party"], 100)]
    params = {"hazard_intercept": -15.0, "hazard_recency": 0.0}
    flare = {"id": "clash", "date": "2003", "kind": "clashes", "label": "clashes"}
    b = run_batch(scenario(actors, events=[flare], parameters=params, end=2006), format="bilateral", draws=D, seed=1)
    years = list(np.floor(b.years + 1e-9).astype(int))
    k = years.index(2003)
    assert b.fighting_by_year[:, k].all() and b.onset_by_year[:, k].all()
    assert not b.fighting_by_year[:, k + 1 :].any()


def test_a_biased_mediators_warning_moves_only_the_favoured_side() -> None:
    def run(mediator_at: float) -> dict[str, float]:
        s = scenario(
            [
                actor("P1", ["party"], 0, optimism={"value": 0.3, "assumption": "t"}),
                actor("P2", ["party"], 100, optimism={"value": 0.3, "assumption": "t"}),
                actor("M", ["mediator"], mediator_at),
            ],
            status_quo=50,
            parameters={"information_rate": 0.5},
            end=2002,
        )
        r = replay(s, format="single-mediator", mediator="M")
        return {e.party: e.after for e in r.events if e.kind == "optimism-corrected" and e.t == 2000.0}

    assert set(run(0.0)) == {"P1"}  # a mediator at P1's position is credible to P1 only
    assert set(run(100.0)) == {"P2"}
    assert set(run(50.0)) == {"P1", "P2"}  # an even-handed one is half-credible to both


def test_no_per_draw_value_is_taken_from_draw_zero() -> None:
    s = scenario(
        [actor("P1", ["party"], 0), actor("P2", ["party"], 0), actor("M1", ["co-chair"], 0)],
        proposals=[proposal("steps", "M1", 10, kind="phased", deferred={"issues": ["x"]})],
        parameters={
            "deferred_credibility": 1.0,
            "deferral_years": {"dist": "uniform", "low": 1.0, "high": 4.0, "assumption": "t"},  # type: ignore[dict-item]
        },
        end=2008,
    )
    b = run_batch(s, format="minsk-group", draws=60, seed=0)
    implemented = b.first_signed[:, b.agreement_types.index("implementation")]
    drawn = b.inputs["parameters.deferral_years"]
    assert np.unique(implemented).size > 1  # the deferred terms fall due at each draw's own date
    assert np.all(implemented >= 2001 + np.floor(drawn) - 1e-9)


def test_what_the_other_side_concedes_is_only_as_good_as_its_promise() -> None:
    # x = 50 against a status quo of 100: P1 (at 0) gains 0.5 if P2 carries it out. With
    # implementation credibility c, P1 values it at c x 0.5 + (1 - c) x 0 and signs only if that
    # beats its war value (0.35 here); peacekeepers that come with the deal make the promise credible.
    from test_simulation_engine import _pivot_scenario

    def agree(c: float, peacekeepers: bool = False) -> bool:
        s = _pivot_scenario(0.0, implementation_credibility=c, peacekeeping_credibility=1.0)
        if peacekeepers:
            data = s.model_dump(by_alias=True, exclude_defaults=True)
            data["proposals"][0]["peacekeeping"] = True
            data["formats"] = [{"id": "single-mediator", "label": "with a force", "parameters": {"peacekeeping": 1}}]
            s = parse_scenario(dump_yaml(data), "pk.yaml")
        return bool(replay(s, format="single-mediator").summary["agreement"])

    assert agree(1.0) and agree(0.8) and not agree(0.4)
    from accord.mechanisms.utility import committed_utility

    x = np.array([[[50.0]]])
    u = committed_utility(x, x, np.array([[100.0]]), np.array([[[0.0], [100.0]]]), np.ones((1, 2, 1)), np.array([0.4]))
    assert np.allclose(u[0, 0], [0.4 * 0.5, 0.5])  # P1's gain discounted; P2's concession certain
    assert agree(0.0, peacekeepers=True)  # a force that enforces the deal makes the promise credible
