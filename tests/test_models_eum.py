"""The vectorized EUM against the loop reference, and what the papers state about the EUM."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.models import EUMModel, EUMOptions, stances
from accord.models.eum import SCHOLZ_CODE, eum_rounds, vote_shares, vote_shares_by_risk
from eum_reference import reference_eum

OPTION_SETS = [
    EUMOptions(),
    EUMOptions(probability="net", q=0.5, t=1.0),
    EUMOptions(median="mean", exclude_pair=True, salience="self", offer="nearest"),
    EUMOptions(risk="none", q=0.5, t=0.3, offer="least_move", scale="round"),
    EUMOptions(conflict="partial", challenge="stronger", q=0.7, t=0.0),
    EUMOptions(voter_risk=True, exclude_pair=True, perspective="receiver", offer="least_move"),
    EUMOptions(normaliser="global", probability="net", q=0.5, capitulation="as-coded", median="mean"),
]

# Scholz's code (the preset) and its variants: the tiered offer choice, the global normaliser,
# voters' own exponents, the receiver's perspective, capitulation as coded or fixed
SCHOLZ_SETS = [
    SCHOLZ_CODE,
    SCHOLZ_CODE.with_(capitulation="fixed"),
    SCHOLZ_CODE.with_(perspective="own", voter_risk=False, challenge="stronger"),
    SCHOLZ_CODE.with_(normaliser="pair", q=0.5, t=0.5, scale="round"),
]


@st.composite
def games(draw: st.DrawFn) -> tuple[list[float], list[float], list[float]]:
    n = draw(st.integers(2, 7))
    unit = st.floats(0.05, 1.0)
    c = [draw(unit) for _ in range(n)]
    s = [draw(unit) for _ in range(n)]
    # positions on a grid of a few values, so that ties (actors together) happen too
    x = [float(draw(st.integers(0, 20))) * 5.0 for _ in range(n)]
    return c, x, s


@settings(max_examples=60, deadline=None)
@given(games(), st.sampled_from(OPTION_SETS))
def test_vectorized_eum_matches_loop_reference(
    game: tuple[list[float], list[float], list[float]], opts: EUMOptions
) -> None:
    c, x, s = game
    hist, med = reference_eum(c, x, s, 4, opts)
    res = eum_rounds(np.array([c]), np.array([x]), np.array([s]), 4, opts)
    assert np.allclose(res.positions[:, 0, :], np.array(hist), atol=1e-9)
    assert np.allclose(res.median[:, 0], np.array(med), atol=1e-9)


@settings(max_examples=50, deadline=None)
@given(games(), st.sampled_from(SCHOLZ_SETS))
def test_vectorized_scholz_code_matches_loop_reference(
    game: tuple[list[float], list[float], list[float]], opts: EUMOptions
) -> None:
    c, x, s = game
    hist, med = reference_eum(c, x, s, 4, opts)
    res = eum_rounds(np.array([c]), np.array([x]), np.array([s]), 4, opts)
    assert np.allclose(res.positions[:, 0, :], np.array(hist), atol=1e-9)
    assert np.allclose(res.median[:, 0], np.array(med), atol=1e-9)


@settings(max_examples=30, deadline=None)
@given(games(), st.lists(st.floats(0.5, 2.0), min_size=7, max_size=7), st.lists(st.booleans(), min_size=7, max_size=7))
def test_risk_weighted_votes_and_global_total_match_direct_sums(
    game: tuple[list[float], list[float], list[float]], rs: list[float], present: list[bool]
) -> None:
    # votes v_k(i, j) = w_k (|y_k - y_j|^r_k - |y_k - y_i|^r_k), summed directly (A³ loop here)
    c, x, s = game
    n = len(x)
    y = np.array([x]) / 100.0
    act = np.array([present[:n]])
    w = np.array([c]) * np.array([s]) * act
    r = np.array([rs[:n]])
    pro, against, total = vote_shares_by_risk(y, w, r, act)
    direct_total = 0.0
    for i in range(n):
        for j in range(n):
            v = w[0] * (np.abs(y[0] - y[0, j]) ** r[0] - np.abs(y[0] - y[0, i]) ** r[0])
            assert np.isclose(pro[0, i, j], v[v > 0].sum(), atol=1e-12)
            assert np.isclose(against[0, i, j], -v[v < 0].sum(), atol=1e-12)
            if act[0, i] and act[0, j]:
                direct_total += np.abs(v).sum()
    assert np.isclose(total[0], direct_total, rtol=1e-12, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(games())
def test_vote_sums_match_direct_sum(game: tuple[list[float], list[float], list[float]]) -> None:
    c, x, s = game
    y = np.array([x]) / 100.0
    w = np.array([c]) * np.array([s])
    pro, against = vote_shares(y, w)
    n = len(x)
    for i in range(n):
        for j in range(n):
            v = w[0] * (np.abs(y[0] - y[0, j]) - np.abs(y[0] - y[0, i]))
            assert np.isclose(pro[0, i, j], v[v > 0].sum(), atol=1e-12)
            assert np.isclose(against[0, i, j], -v[v < 0].sum(), atol=1e-12)


def test_many_draws_in_one_call_equal_one_by_one() -> None:
    rng = np.random.default_rng(7)
    D, A = 50, 6
    c, x, s = rng.uniform(0.1, 1, (D, A)), rng.uniform(0, 100, (D, A)), rng.uniform(0.1, 1, (D, A))
    together = eum_rounds(c, x, s, 5, max_batch_elements=A * A * 7)  # forces several chunks
    for d in (0, 13, 49):
        alone = eum_rounds(c[d : d + 1], x[d : d + 1], s[d : d + 1], 5)
        assert np.array_equal(together.positions[:, d], alone.positions[:, 0])


def test_identical_positions_do_not_move() -> None:
    # Scholz et al. §6: an actor challenges only a different position; with every actor at the
    # same position there is nothing to contest, so nobody moves in any round.
    inputs = stances(np.array([0.3, 0.9, 0.5, 0.2]), np.full((4, 2), 40.0), np.array([[0.5, 1.0]] * 4))
    f = EUMModel(rounds=6).forecast(inputs)
    assert f.trajectory is not None
    assert np.all(f.trajectory == 40.0)
    assert np.allclose(f.position, 40.0)


def test_scale_invariance() -> None:
    # distances are measured on the issue's own range: a linear change of units changes nothing else
    c = np.array([[0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08]])
    x = np.array([[4, 7, 4, 4, 10, 10, 10, 7, 4, 7.0]])
    s = np.array([[0.8, 0.4, 0.2, 0.8, 0.6, 0.6, 0.9, 0.1, 1.0, 0.7]])
    a = eum_rounds(c, x, s, 8)
    b = eum_rounds(c, (x - 4) * 100 / 6, s, 8)
    assert np.allclose((a.positions - 4) * 100 / 6, b.positions)


@pytest.mark.parametrize("opts", [EUMOptions(), SCHOLZ_CODE], ids=["as-printed", "scholz-code"])
def test_actor_without_stance_neither_moves_nor_counts(opts: EUMOptions) -> None:
    c = np.array([1.0, 1.0, 1.0, 5.0, 0.5])
    x = np.array([[10.0], [50.0], [90.0], [0.0], [70.0]])
    s = np.array([[0.5], [0.5], [0.5], [0.0], [0.9]])
    has = np.array([[True], [True], [True], [False], [True]])
    keep = [0, 1, 2, 4]
    with_ghost = EUMModel(rounds=4, options=opts).forecast(stances(c, x, s, has_stance=has))
    without = EUMModel(rounds=4, options=opts).forecast(stances(c[keep], x[keep], s[keep]))
    assert with_ghost.trajectory is not None and without.trajectory is not None
    assert np.all(with_ghost.trajectory[:, 0, 3, 0] == 0.0)
    assert np.allclose(with_ghost.trajectory[:, :, keep], without.trajectory)
    assert not np.allclose(without.trajectory[-1], without.trajectory[0])  # something does move


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError, match="EUM option offer"):
        EUMOptions(offer="random")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown option"):
        EUMModel(rounds=2, colour="red")
    with pytest.raises(ValueError, match="EUM option capitulation"):
        EUMOptions(capitulation="sometimes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="do not combine"):
        SCHOLZ_CODE.with_(exclude_pair=True)
    with pytest.raises(ValueError, match="EUM option voter_risk"):
        EUMOptions(voter_risk="yes")  # type: ignore[arg-type]


def test_the_python_default_is_the_command_line_default() -> None:
    # accord forecast --model eum uses scholz-code unless --preset says otherwise; so does EUMModel()
    from accord.models.eum import DEFAULT_PRESET, PRESETS, SCHOLZ_CODE

    assert DEFAULT_PRESET == "scholz-code" and EUMModel().eum_options == PRESETS[DEFAULT_PRESET] == SCHOLZ_CODE
