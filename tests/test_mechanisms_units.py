"""Mechanisms on their own: rules, ratification, utility and texts, candidates, the Nash point,
mediators' credibility and leverage, the agreement book, power."""

from __future__ import annotations

import numpy as np
import pytest

from accord.mechanisms import ratification as rat
from accord.mechanisms.agreements import AgreementBook, binding_probability, type_index
from accord.mechanisms.mediation import bias_toward, credibility, inducement, inducements, update_optimism
from accord.mechanisms.proposals import CompiledProposal, candidates, nash_choice, predicted_pass, value_of
from accord.mechanisms.rules import Consensus, Majority, make_rule
from accord.mechanisms.utility import expected_distance, utility, utility_numpy
from accord.simulation.power import advance_stock, projected_stock, sides_from_positions, win_probability


def test_single_no_blocks_consensus_but_not_a_qualified_majority() -> None:
    voters = np.array([True, True, True, False])
    accept = np.array([[True, True, False, False]])
    c = Consensus(voters).decide(accept)
    assert not c.passed[0] and c.blocking[0].tolist() == [False, False, True, False]
    m = Majority(voters, 0, 2 / 3).decide(accept)
    assert m.passed[0] and m.objectors[0].tolist() == [False, False, True, False] and not m.blocking.any()
    # silent voters (no stance) count as yes under a majority and never block consensus
    assert Majority(voters, 3, 0.75).passes(accept)[0]
    assert not Majority(voters, 0, 0.75).passes(accept)[0]
    assert Consensus(voters, 51).passes(np.array([[True, True, True, False]]))[0]
    # extra leading axes: a drafter's (D, K, A) predictions
    many = np.ones((2, 5, 4), dtype=bool)
    many[1, 3, 0] = False
    assert Consensus(voters).passes(many).tolist() == [[True] * 5, [True, True, True, False, True]]
    with pytest.raises(ValueError, match=r"decision\.kind"):
        make_rule("plurality", voters)


def test_ratification_probability_is_smooth_and_centred_on_the_reversion_point() -> None:
    p = rat.ratification_probability(np.array([0.5, 0.6, 0.7]), np.array(0.6), np.array(0.05))
    assert np.isclose(p[1], 0.5) and p[0] < 0.5 < p[2] and np.isclose(p[0] + p[2], 1.0)
    sharp = rat.ratification_probability(np.array([0.59, 0.61]), np.array(0.6), np.array(1e-4))
    assert sharp[0] < 1e-9 and sharp[1] > 1 - 1e-9


def test_answers_weigh_the_chance_of_ratification_against_the_audience_cost() -> None:
    one = np.ones((1, 1))

    def ans(value: float, p: float, cost: float, u_rat: float = 0.0, u_rem: float = 0.0) -> rat.Answers:
        return rat.answer(
            value * one,
            0.5 * one,
            0.5 * one,
            -np.inf * one,
            p * one,
            audience_cost=cost * one,
            removal_risk=one,
            margin=np.array([0.0]),
            u_ratify=u_rat * one,
            u_remove=u_rem * one,
        )

    assert ans(0.7, 1.0, 0.0).accept[0, 0]
    # gain 0.2 at P(ratified) 0.5 with audience cost 0.1: 0.1 - 0.05 > 0, signs
    a = ans(0.7, 0.5, 0.1, u_rat=0.9)
    assert a.sign[0, 0] and not a.accept[0, 0] and a.removed[0, 0] and a.reason[0, 0] == rat.LEADER_REMOVED
    # an audience cost of 0.3 makes the gamble not worth it
    b = ans(0.7, 0.5, 0.3)
    assert not b.sign[0, 0] and b.reason[0, 0] == rat.RATIFICATION_RISK
    assert ans(0.4, 1.0, 0.0).reason[0, 0] == rat.WORSE_THAN_STATUS_QUO


def test_expected_distance_and_salience_weighted_utility() -> None:
    assert expected_distance(np.array(0.0), np.array(100.0), np.array(50.0)) == 25.0
    assert expected_distance(np.array(20.0), np.array(40.0), np.array(0.0)) == 30.0
    pos = np.array([[[0.0, 100.0]]])
    sal = np.array([[[1.0, 3.0]]])
    x = np.array([[[0.0, 50.0]]])
    assert np.isclose(utility(x, x, pos, sal)[0, 0, 0], 1 - (3 * 50) / (4 * 100))


def _text(
    point: list[float], deferred: list[bool], lo: list[float] | None = None, hi: list[float] | None = None
) -> CompiledProposal:
    n = len(point)
    nan = np.full((1, n), np.nan)
    return CompiledProposal(
        "p",
        "p",
        "phased",
        "partial",
        2000.0,
        (0,),
        np.array([point]),
        nan if lo is None else np.array([lo]),
        nan if hi is None else np.array([hi]),
        np.array(deferred),
        np.nan,
        False,
    )


def test_deferred_terms_are_valued_by_their_credibility() -> None:
    pos, sal, sq = np.zeros((1, 1, 2)), np.ones((1, 1, 2)), np.array([[100.0, 100.0]])
    p = _text([0.0, 0.0], [False, True])
    # full deal: u = 1; deferred issue left at the status quo: u = 0.5; credibility 0.5
    assert np.isclose(value_of(p, sq, pos, sal, np.array([0.5]))[0, 0], 0.75)
    assert np.array_equal(p.immediate(sq), np.array([[0.0, 100.0]]))
    principles = _text([30.0], [True], [20.0], [40.0])
    assert np.isclose(
        value_of(principles, np.array([[100.0]]), np.zeros((1, 1, 1)), np.ones((1, 1, 1)), np.array([1.0]))[0, 0], 0.7
    )


def test_candidates_include_partial_moves_one_issue_at_a_time() -> None:
    pos = np.array([[[0.0, 0.0], [100.0, 100.0]]])
    cand = candidates(np.array([[100.0, 100.0]]), np.ones((1, 2)), pos, np.ones((1, 2, 2)), np.array([True, True]))
    partial = cand.points[0, cand.partial]
    assert cand.partial.sum() == 20
    assert ((partial == 100.0).sum(axis=1) == 1).all()  # exactly one issue moved in each


def test_nash_point_of_symmetric_parties_is_the_midpoint() -> None:
    pos = np.array([[[0.0], [100.0]]])
    sal = np.ones((1, 2, 1))
    cand = candidates(np.array([[100.0]]), np.ones((1, 2)), pos, sal, np.array([True, True]))
    u = utility(cand.points, cand.points, pos, sal)
    best, exists = nash_choice(u, np.zeros((1, 2)), np.array([True, True]))
    assert exists[0] and np.isclose(cand.points[0, best[0], 0], 50.0)
    _, exists = nash_choice(u, np.full((1, 2), 0.9), np.array([True, True]))
    assert not exists[0]


def test_predicted_pass_uses_the_rule_object_and_the_pivots() -> None:
    # two voters; candidate 0 both gain and both pivots ratify; candidate 1 voter 2's pivot balks
    u_lead = np.array([[[0.8, 0.8], [0.8, 0.8]]])
    u_piv = np.array([[[0.8, 0.8], [0.8, 0.3]]])
    kw = dict(
        needs_ratification=np.array([True, True]),
        audience_cost=np.zeros((1, 2)),
        margin=np.array([0.0]),
        noise=np.array([1e-4]),
        leverage=np.zeros((1, 2)),
    )
    r = np.full((1, 2), 0.5)
    voters = np.array([True, True])
    p = predicted_pass(u_lead, u_piv, r, r, rule=Consensus(voters), **kw)
    assert np.allclose(p, [[1.0, 0.0]])
    p = predicted_pass(u_lead, u_piv, r, r, rule=Majority(voters, 0, 0.5), **kw)
    assert p[0, 0] > 0.9 and p[0, 1] > 0.5


def test_a_biased_mediator_is_credible_to_the_side_it_favours() -> None:
    med = np.array([[0.0]])
    b_fav = bias_toward(med, np.array([[0.0]]), np.array([[100.0]]), np.ones((1, 1)))
    b_other = bias_toward(med, np.array([[100.0]]), np.array([[0.0]]), np.ones((1, 1)))
    assert b_fav[0] == 1.0 and b_other[0] == -1.0
    assert credibility(b_fav)[0] == 1.0 and credibility(b_other)[0] == 0.0
    neutral = bias_toward(np.array([[50.0]]), np.array([[0.0]]), np.array([[100.0]]), np.ones((1, 1)))
    assert credibility(neutral)[0] == 0.5
    o = update_optimism(np.array([[0.2, 0.2]]), np.array([[1.0, 0.0]]), np.array([0.5]), 1.0)
    assert np.allclose(o, [[0.1, 0.2]])


def test_the_most_credible_mediator_kernel_is_the_loop_over_bias_toward() -> None:
    """Each party's most credible mediator: the first to reach the strict maximum, NaN never."""
    from accord.simulation._information import most_credible

    rng = np.random.default_rng(5)
    for trial in range(60):
        D, A, I = int(rng.choice([1, 4, 30])), int(rng.integers(3, 10)), int(rng.integers(1, 17))  # noqa: E741
        pos = np.round(rng.random((D, A, I)) * 4) * 25  # ties and equidistant mediators
        sal = rng.integers(0, 3, (D, A, I)).astype(float)
        if trial % 4 == 0:
            pos[rng.random(pos.shape) < 0.05] = np.nan
        meds = np.flatnonzero(rng.random(A) < 0.5)
        pairs = rng.integers(0, A, (int(rng.integers(1, 4)), 2))
        infmt = rng.random(D) < 0.8
        best0 = np.where(rng.random((D, pairs.shape[0])) < 0.3, 0.6, 0.0)
        best, who = best0.copy(), np.full(best0.shape, -1)
        most_credible(pos, sal, meds, pairs, infmt, best, who)
        want, want_who = best0.copy(), np.full(best0.shape, -1)
        with np.errstate(all="ignore"):
            for m in meds:
                for c, (own, other) in enumerate(pairs):
                    cred = credibility(bias_toward(pos[:, m], pos[:, own], pos[:, other], sal[:, m]))
                    better = (cred > want[:, c]) & infmt
                    want[:, c] = np.where(better, cred, want[:, c])
                    want_who[:, c] = np.where(better, m, want_who[:, c])
        assert best.tobytes() == want.tobytes() and (who == want_who).all()


def test_leverage_is_spent_only_when_the_deal_is_worth_it_to_the_mediator() -> None:
    sq = np.array([[100.0]])
    deal = np.array([[50.0]])
    mpos, msal = np.array([[40.0]]), np.ones((1, 1))
    # the mediator gains 0.5 from moving 100 -> 50; capacity 0.02 at cost 1: worth it
    assert inducement(deal, deal, sq, mpos, msal, np.array([0.02]), np.array([1.0]))[0] == 0.02
    # a mediator that prefers the status quo (at 100) spends nothing
    assert inducement(deal, deal, sq, np.array([[100.0]]), msal, np.array([0.02]), np.array([1.0]))[0] == 0.0


def test_agreement_book_signs_breaks_down_and_lapses() -> None:
    book = AgreementBook(3)
    book.sign("ceasefire", np.array([True, True, False]), 1994.0)
    book.sign("process", np.array([True, False, False]), 1995.0, expires=1998.0)
    assert book.any_in_force("ceasefire").tolist() == [True, True, False]
    broke = book.break_down(np.array([False, True, False]))
    assert broke[1, type_index("ceasefire")] and book.broken[1, type_index("ceasefire")] == 1
    gone = book.lapse(1998.0)
    assert gone[0, type_index("process")] and not book.any_in_force("process")[0]
    assert book.first[0, type_index("ceasefire")] == 1994.0 and np.isnan(book.first[2, 0])
    assert binding_probability(np.array([True, False]), np.array([0.6, 0.6])).tolist() == [0.6, 0.0]


def test_stocks_accumulate_and_the_contest_is_finite() -> None:
    d = np.array([0.1])
    s = advance_stock(np.array([[100.0]]), np.array([[10.0]]), d, 1.0)
    assert np.isclose(s[0, 0], 100.0)  # the steady state of 10 a year at 10% depreciation
    far = projected_stock(np.array([[100.0]]), np.array([[20.0]]), d, np.array([50.0]))
    assert 190 < far[0, 0] < 200
    sides = sides_from_positions(
        np.array([[0.0], [100.0]]), np.ones((2, 1)), np.array([True, True]), np.array([True, True])
    )
    assert sides is not None and sides.lead_low == 0 and sides.lead_high == 1
    p = win_probability(np.array([[1e200, 1.0]]), sides, np.array([10.0]))
    assert np.isfinite(p).all() and p[0] < 1e-300
    assert win_probability(np.zeros((1, 2)), sides, np.array([1.0]))[0] == 0.5


def test_several_mediators_inducements_at_once_are_each_mediators_own() -> None:
    rng = np.random.default_rng(5)
    D, M, I = 40, 3, 6  # noqa: E741
    sq = np.round(rng.random((D, I)) * 100, 1)
    lo = np.round(rng.random((D, I)) * 100, 1)
    hi = lo + rng.random((D, I)) * 10 * (rng.random((D, I)) < 0.5)  # some ranged terms
    pos, sal = rng.random((D, M, I)) * 100, rng.random((D, M, I))
    capacity, cost = rng.random((D, M)) * 0.05, rng.random(D) * 4
    both = inducements(lo, hi, sq, pos, sal, capacity, cost)
    assert (both > 0).any() and (both == 0).any()  # some mediators give, some do not
    for m in range(M):
        # each mediator alone, by the NumPy utilities: the deal and the status quo as two texts
        u = utility_numpy(np.stack([lo, sq], axis=1), np.stack([hi, sq], axis=1), pos[:, m : m + 1], sal[:, m : m + 1])
        want = np.where(u[:, 0, 0] - u[:, 1, 0] >= cost * capacity[:, m], capacity[:, m], 0.0)
        assert np.array_equal(both[:, m].view(np.uint64), want.view(np.uint64))
        one = inducement(lo, hi, sq, pos[:, m], sal[:, m], capacity[:, m], cost)
        assert np.array_equal(one.view(np.uint64), want.view(np.uint64))


def test_the_contest_kernel_gives_the_numpy_functions_bits() -> None:
    """Stocks and both contests from one kernel: advance_stock / the steady state, projected_stock
    and win_probability, bit for bit (sides of 2 to 19 actors: NumPy's pairwise sums from 8 on)."""
    from accord.simulation._contest import contest
    from accord.simulation.power import Sides

    rng = np.random.default_rng(3)
    for trial in range(200):
        D, A = int(rng.choice([1, 2, 7, 50])), int(rng.integers(2, 20))
        high = rng.random(A) < 0.5
        sides = Sides(0, 1, ~high & (rng.random(A) < 0.8), high)
        stock = rng.random((D, A)) * 10.0 ** rng.integers(-3, 9, (D, A))
        flows = rng.random((D, A)) * 10.0 ** rng.integers(-3, 6, (D, A))
        stock[rng.random((D, A)) < 0.2] = 0.0
        flows[rng.random((D, A)) < 0.2] = 0.0
        delta, horizon = rng.random(D) * 0.5, rng.random(D) * 10
        exponent = rng.random(D) * 10.0 ** rng.integers(-1, 4, D)
        if trial % 7 == 0:
            delta[0] = 0.0
        if trial % 11 == 0:
            flows[0, 0] = np.nan
        if trial % 13 == 0:
            exponent[0] = 1e308
        dt, first = float(rng.choice([1.0, 0.25, 1 / 12])), trial % 5 == 0
        with np.errstate(all="ignore"):
            want = flows / delta[:, None] if first else advance_stock(stock, flows, delta, dt)
            future = projected_stock(want, flows, delta, horizon)
            p_now, p_future = win_probability(want, sides, exponent), win_probability(future, sides, exponent)
        got, p = np.empty((D, A)), np.empty((2, D))
        contest(stock, flows, delta, dt, first, horizon, exponent, sides.masks, got, p)
        assert got.tobytes() == want.tobytes()
        assert p[0].tobytes() == p_now.tobytes() and p[1].tobytes() == p_future.tobytes()


def test_the_war_kernels_give_war_outcomes_and_war_values_of_bits() -> None:
    from accord.simulation._contest import war_inputs, war_values
    from accord.simulation.power import Sides, war_outcomes, war_values_of

    rng = np.random.default_rng(4)
    for trial in range(100):
        D, A, I = int(rng.choice([1, 3, 40])), int(rng.integers(2, 12)), int(rng.integers(1, 9))  # noqa: E741
        high = rng.random(A) < 0.5
        lead_lo, lead_hi = (int(x) for x in rng.choice(A, 2, replace=False))
        high[lead_hi], high[lead_lo] = True, False
        comb = rng.random(A) < 0.7
        sides = Sides(lead_lo, lead_hi, ~high & comb, high & comb)
        pos, piv = (np.round(rng.random((D, A, I)) * 4) * 25 for _ in range(2))  # ties: no move
        sal, sq = rng.random((D, A, I)), rng.random((D, I)) * 100
        if trial % 9 == 0:
            pos[0, lead_hi, 0] = np.nan
        war_issues = rng.random(I) < 0.7
        texts, who, weights = np.empty((D, 3, I)), np.empty((D, 2 * A, I)), np.empty((D, 2 * A, I))
        war_inputs(sq, pos, piv, sal, sides.leads, war_issues, texts, who, weights)
        x_hi, x_lo = war_outcomes(sq, pos, sides, war_issues)
        assert texts.tobytes() == np.stack([sq, x_hi, x_lo], axis=1).tobytes()
        assert who.tobytes() == np.concatenate([pos, piv], axis=1).tobytes()
        assert weights.tobytes() == np.concatenate([sal, sal], axis=1).tobytes()
        u = rng.random((D, 3, 2 * A))
        p_hi, opt, cost = rng.random(D), rng.random((D, A)) - 0.5, rng.random(D) * 0.3
        p_bel, values, stake, incentive = np.empty((D, A)), np.empty((D, 2, A)), np.empty((D, A)), np.empty((D, A))
        war_values(p_hi, sides.sign, opt, u, comb, cost, p_bel, values, stake, incentive)
        want_bel = np.clip(p_hi[:, None] + sides.sign[None, :] * opt, 0.01, 0.99)
        u_war, want_stake = war_values_of(want_bel, u[:, 1, :A], u[:, 2, :A], comb, cost)
        u_war_piv, _ = war_values_of(want_bel, u[:, 1, A:], u[:, 2, A:], comb, cost)
        assert p_bel.tobytes() == want_bel.tobytes() and stake.tobytes() == want_stake.tobytes()
        assert values.tobytes() == np.stack([u_war, u_war_piv], axis=1).tobytes()
        assert incentive.tobytes() == (u_war - u[:, 0, :A]).tobytes()
