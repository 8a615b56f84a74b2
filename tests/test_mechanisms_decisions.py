"""Decision rules, ratification (two-level game), utilities, proposal values and the Nash point,
on arrays small enough to check by hand."""

from __future__ import annotations

import numpy as np

from accord.mechanisms import decisions as dec
from accord.mechanisms.proposals import CompiledProposal, candidates, nash_choice, value_of
from accord.mechanisms.utility import expected_distance, utility


def test_single_veto_blocks_consensus_but_not_qualified_majority() -> None:
    accept = np.array([[True, True, True, False]])
    voters = np.ones(4, dtype=bool)
    passed, veto = dec.aggregate(accept, voters, "consensus", 1.0)
    assert not passed[0]
    assert veto[0].tolist() == [False, False, False, True]
    passed, veto = dec.aggregate(accept, voters, "majority", 2 / 3)
    assert passed[0] and not veto.any()
    # two of four is below two thirds
    passed, _ = dec.aggregate(np.array([[True, True, False, False]]), voters, "majority", 2 / 3)
    assert not passed[0]


def test_non_voters_cannot_veto() -> None:
    accept = np.array([[True, False]])
    passed, veto = dec.aggregate(accept, np.array([True, False]), "consensus", 1.0)
    assert passed[0] and not veto.any()


def _answer(
    value: float, sq: float, war: float, distance: float, winset: float, defy: float = 0.0, removal: float = 0.0
) -> dec.Answers:
    one = np.ones((1, 1))
    return dec.answer(
        value * one,
        sq * one,
        war * one,
        distance * one,
        winset * one,
        margin=np.array([0.01]),
        defiance=np.array([defy]),
        removal_risk=removal * one,
        u_defy=0.5 * one,
        u_remove=0.5 * one,
    )


def test_answers_and_reasons() -> None:
    assert _answer(0.8, 0.5, -np.inf, 10, 20).accept[0, 0]
    a = _answer(0.5, 0.6, -np.inf, 10, 20)
    assert not a.accept[0, 0] and a.reason[0, 0] == dec.WORSE_THAN_STATUS_QUO
    a = _answer(0.7, 0.5, 0.75, 10, 20)  # war beats the deal
    assert not a.accept[0, 0] and a.reason[0, 0] == dec.WORSE_THAN_WAR


def test_leader_whose_winset_excludes_the_deal_rejects_it() -> None:
    a = _answer(0.9, 0.5, -np.inf, distance=30, winset=20)
    assert not a.accept[0, 0] and a.reason[0, 0] == dec.OUTSIDE_WINSET
    # a defiant leader signs; with certain removal the signature is void
    a = _answer(0.9, 0.5, -np.inf, distance=25, winset=20, defy=1.0, removal=1.0)
    assert not a.accept[0, 0] and a.removed[0, 0] and a.reason[0, 0] == dec.LEADER_REMOVED
    # the chance to defy is 1 x (2 - 25/20) = 0.75 > u = 0.5: signs; at 35 points, 0.25 < 0.5: not
    a = _answer(0.9, 0.5, -np.inf, distance=25, winset=20, defy=1.0, removal=0.0)
    assert a.accept[0, 0] and a.defied[0, 0]
    a = _answer(0.9, 0.5, -np.inf, distance=35, winset=20, defy=1.0, removal=0.0)
    assert not a.accept[0, 0] and a.reason[0, 0] == dec.OUTSIDE_WINSET
    a = _answer(0.9, 0.5, -np.inf, distance=45, winset=20, defy=1.0, removal=0.0)  # beyond twice
    assert not a.accept[0, 0]


def test_winset_shrinks_with_salience_mood_and_leaks() -> None:
    one = np.ones((1, 1))
    kw = {"mood_effect": np.array([0.5]), "salience_winset": np.array([0.5]), "leak_effect": np.array([0.5])}
    base = dec.win_set(20 * one, one, 0 * one, 0 * one, np.array([False]), **kw)
    assert base[0, 0] == 20
    assert dec.win_set(20 * one, one, 0 * one, one, np.array([False]), **kw)[0, 0] == 20 / 1.5
    assert dec.win_set(20 * one, one, -one, 0 * one, np.array([False]), **kw)[0, 0] == 10
    assert dec.win_set(20 * one, one, 0 * one, 0 * one, np.array([True]), **kw)[0, 0] == 10


def test_expected_distance_over_a_range() -> None:
    assert expected_distance(np.array(0.0), np.array(100.0), np.array(50.0)) == 25.0
    assert expected_distance(np.array(20.0), np.array(40.0), np.array(0.0)) == 30.0
    assert expected_distance(np.array(30.0), np.array(30.0), np.array(10.0)) == 20.0


def test_utility_is_salience_weighted() -> None:
    pos = np.array([[[0.0, 100.0]]])  # one actor, two issues
    sal = np.array([[[1.0, 3.0]]])
    x = np.array([[[50.0, 50.0]]])
    assert np.isclose(utility(x, x, pos, sal)[0, 0, 0], 0.5)
    x = np.array([[[0.0, 50.0]]])
    assert np.isclose(utility(x, x, pos, sal)[0, 0, 0], 1 - (3 * 50) / (4 * 100))


def test_phased_proposal_values_deferred_terms_by_credibility() -> None:
    # one actor at (0, 0); status quo (100, 100); deal (0, 0) with issue 2 deferred
    pos = np.zeros((1, 1, 2))
    sal = np.ones((1, 1, 2))
    sq = np.array([[100.0, 100.0]])
    nan = np.full((1, 2), np.nan)
    p = CompiledProposal(
        "p", "p", "phased", 2000.0, (0,), np.array([[0.0, 0.0]]), nan, nan, np.array([False, True]), np.nan, False
    )
    value, dist, _, _ = value_of(p, sq, pos, sal, np.array([0.5]))
    # full deal: u = 1; deferred issue left at the status quo: u = 0.5; credibility 0.5
    assert np.isclose(value[0, 0], 0.75)
    assert np.isclose(dist[0, 0], 0.0)
    package = CompiledProposal(
        "q", "q", "package", 2000.0, (0,), np.array([[0.0, 0.0]]), nan, nan, np.zeros(2, bool), np.nan, False
    )
    assert np.isclose(value_of(package, sq, pos, sal, np.array([0.5]))[0][0, 0], 1.0)


def test_principles_range_is_valued_by_expected_distance() -> None:
    pos = np.zeros((1, 1, 1))
    sal = np.ones((1, 1, 1))
    sq = np.array([[100.0]])
    p = CompiledProposal(
        "pr",
        "pr",
        "principles",
        2000.0,
        (0,),
        np.array([[30.0]]),
        np.array([[20.0]]),
        np.array([[40.0]]),
        np.array([True]),
        np.nan,
        False,
    )
    value, dist, lo, hi = value_of(p, sq, pos, sal, np.array([1.0]))
    assert np.isclose(dist[0, 0], 30.0) and np.isclose(value[0, 0], 0.7)
    assert lo[0, 0] == 20 and hi[0, 0] == 40


def test_nash_point_of_symmetric_parties_is_the_midpoint() -> None:
    pos = np.array([[[0.0], [100.0]]])
    sal = np.ones((1, 2, 1))
    cap = np.ones((1, 2))
    sq = np.array([[100.0]])
    cand = candidates(sq, cap, pos, sal, np.array([True, True]))
    u = utility(cand, cand, pos, sal)
    point, exists = nash_choice(cand, u, np.zeros((1, 2)), np.array([True, True]))
    assert exists[0] and np.isclose(point[0, 0], 50.0)
    # no candidate beats both reservation values: no Nash point
    _, exists = nash_choice(cand, u, np.full((1, 2), 0.9), np.array([True, True]))
    assert not exists[0]


def test_mediator_draft_leans_to_its_own_interest_within_what_passes() -> None:
    # parties at 0 and 100, status quo at 100 (so party 2 needs a concession to stay above 0.5 gain)
    # candidates on one issue: 0, 10, ..., 100; party reservation values 0.3 and 0.3
    from accord.mechanisms.proposals import choose_draft

    cand = np.linspace(0, 100, 11)[None, :, None]  # (1, 11, 1)
    pos = np.array([[[0.0], [100.0], [80.0]]])  # P1, P2, mediator
    sal = np.ones((1, 3, 1))
    u = utility(cand, cand, pos, sal)
    dist = 100 * (1 - u)
    kw = {
        "voters": np.array([True, True, False]),
        "parties": np.array([True, True, False]),
        "kind": "consensus",
        "threshold": 1.0,
        "margin": np.array([0.0]),
        "leverage": np.zeros((1, 3)),
        "fallback": np.array([[55.0]]),
    }
    r = np.array([[0.3, 0.3, 0.0]])
    wide = np.full((1, 3), np.inf)
    # acceptable: x in [30, 70]; a neutral mediator maximises the worse-off party's gain: 50
    neutral = choose_draft(cand, u, dist, r, wide, proposer=2, proposer_is_party=False, bias=np.array([0.0]), **kw)
    assert neutral[0, 0] == 50
    # a mediator who weighs only its own interest (at 80) picks the acceptable point nearest to it
    biased = choose_draft(cand, u, dist, r, wide, proposer=2, proposer_is_party=False, bias=np.array([1.0]), **kw)
    assert biased[0, 0] == 70
    # a party proposer takes the best acceptable point for itself
    party = choose_draft(cand, u, dist, r, wide, proposer=0, proposer_is_party=True, bias=np.array([0.0]), **kw)
    assert party[0, 0] == 30
    # nothing passes: the fallback (the biased compromise) is tabled
    none = choose_draft(
        cand,
        u,
        dist,
        np.array([[0.9, 0.9, 0.0]]),
        wide,
        proposer=2,
        proposer_is_party=False,
        bias=np.array([0.0]),
        **kw,
    )
    assert none[0, 0] == 55


def test_asymmetric_nash_point_follows_the_weights() -> None:
    # maximise 0.75 log(1 - x/100) + 0.25 log(x/100): x = 25
    pos = np.array([[[0.0], [100.0]]])
    sal = np.ones((1, 2, 1))
    cand = candidates(np.array([[100.0]]), np.ones((1, 2)), pos, sal, np.array([True, True]))
    u = utility(cand, cand, pos, sal)
    point, _ = nash_choice(cand, u, np.zeros((1, 2)), np.array([True, True]), weights=np.array([[0.75, 0.25]]))
    assert np.isclose(point[0, 0], 25.0)
