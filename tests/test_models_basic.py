"""What the papers state about the compromise, median and Nash models, and the shared interface."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.optimize import minimize, minimize_scalar

from accord.models import MODELS, get_model, stances
from accord.models.compromise import compromise_position
from accord.models.median import median_position
from accord.models.nash import nash_log_product, nash_solution
from accord.scenario import load_scenario
from accord.scenario.arrays import stance_arrays

finite = st.floats(0.0, 100.0, allow_nan=False)
weight = st.floats(0.01, 1.0, allow_nan=False)


@settings(max_examples=50, deadline=None)
@given(
    st.integers(1, 8).flatmap(
        lambda a: st.tuples(
            arrays(float, (2, a), elements=weight),
            arrays(float, (2, a, 2), elements=finite),
            arrays(float, (2, a, 2), elements=weight),
        )
    )
)
def test_compromise_is_the_weighted_mean(data: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    # Thomson et al. 2006: outcome = Σ c·s·x / Σ c·s
    c, x, s = data
    out = compromise_position(c, x, s)
    for d in range(2):
        for i in range(2):
            assert np.isclose(out[d, i], np.average(x[d, :, i], weights=c[d] * s[d, :, i]))


@settings(max_examples=50, deadline=None)
@given(
    st.integers(1, 9).flatmap(
        lambda a: st.tuples(
            arrays(float, (1, a), elements=weight),
            arrays(float, (1, a, 1), elements=st.integers(0, 10).map(float)),
            arrays(float, (1, a, 1), elements=weight),
        )
    )
)
def test_median_is_the_weighted_median(data: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    # Black 1948: with votes c·s, the median position is beaten by no other in a pairwise vote
    c, x, s = data
    m = median_position(c, x, s)[0, 0]
    w = c[0] * s[0, :, 0]
    pos = x[0, :, 0]
    assert m in pos
    assert w[pos < m].sum() < 0.5 * w.sum() <= w[pos <= m].sum() * (1 + 1e-12)
    for other in pos:
        closer_to_m = w[np.abs(pos - m) < np.abs(pos - other)].sum()
        closer_to_other = w[np.abs(pos - other) < np.abs(pos - m)].sum()
        assert closer_to_m >= closer_to_other - 1e-12


def test_median_example() -> None:
    c = np.array([[1.0, 1.0, 3.0]])
    x = np.array([[[0.0], [50.0], [100.0]]])
    s = np.ones((1, 3, 1))
    assert median_position(c, x, s)[0, 0] == 100.0
    assert median_position(c, x, np.array([[[1.0], [1.0], [0.5]]]))[0, 0] == 50.0


@settings(max_examples=30, deadline=None)
@given(
    st.integers(2, 5).flatmap(
        lambda a: st.tuples(
            arrays(float, (1, a), elements=weight),
            arrays(float, (1, a, 2), elements=finite),
            arrays(float, (1, a, 2), elements=weight),
            arrays(float, (1, 2), elements=finite),
            arrays(float, (200, 2), elements=finite),
        )
    ),
    st.sampled_from(["quadratic", "linear"]),
)
def test_nash_solution_maximizes_the_nash_product(data: tuple[np.ndarray, ...], utility: str) -> None:
    # Nash 1950: the solution maximizes Π (u_i - d_i)^α_i over the feasible points
    a, x, s, d, others = data
    z = nash_solution(a, x, s, d, utility=utility)  # type: ignore[arg-type]
    alpha = a / a.sum()
    eps = 1e-1 if utility == "linear" else 0.0
    best = nash_log_product(z, alpha, x, s, d, utility, eps)[0]  # type: ignore[arg-type]
    rivals = nash_log_product(
        others, np.repeat(alpha, 200, 0), np.repeat(x, 200, 0), np.repeat(s, 200, 0), np.repeat(d, 200, 0), utility, eps
    )  # type: ignore[arg-type]
    if np.isfinite(rivals).any():
        assert np.isfinite(best)
        assert best >= rivals.max() - 1e-6 * max(1.0, abs(best))
    else:
        assert np.allclose(z, d) or np.isfinite(best)


def test_nash_solution_with_an_actor_of_small_weight_leaves_the_edge() -> None:
    # found in review: Newton steps from the edge where actor 0 (weight 0.002) gains almost
    # nothing crawled along it, 1.09 short in the log product after 300 steps
    a = np.array([[0.002, 0.566, 0.435, 0.263, 0.326]])
    x = np.array([[[16.6, 87.1, 75.1], [64.5, 80.8, 48.1], [38.2, 54.8, 27.4], [61.3, 83.2, 78.0], [92.7, 72.0, 18.1]]])
    s = np.array([[[0.529, 0.781, 0.059], [0.532, 0.125, 0.982], [0.471, 0.742, 0.609], [0.225, 0.142, 0.27],
                   [0.696, 0.728, 0.531]]])  # fmt: skip
    d = np.array([[17.8, 88.9, 19.7]])
    alpha = a / a.sum()
    got = nash_log_product(nash_solution(a, x, s, d), alpha, x, s, d)[0]
    many = nash_log_product(nash_solution(a, x, s, d, iterations=5000), alpha, x, s, d)[0]
    assert got >= 6.7042 and abs(got - many) < 1e-9


def test_nash_solution_found_by_hypothesis_reaches_the_kink() -> None:
    # the old normalized-gradient ascent stopped at (0.06, 2.0); (0, 1) is better for all three
    a = np.array([[0.25, 0.25, 1.0]])
    x = np.array([[[0.0, 1.0], [1.0, 1.0], [8.0, 1.0]]])
    s = np.array([[[1.0, 0.03125], [0.03125, 0.03125], [0.03125, 0.03125]]])
    d = np.array([[0.0, 17.0]])
    z = nash_solution(a, x, s, d, utility="linear")
    alpha = a / a.sum()
    got = nash_log_product(z, alpha, x, s, d, "linear", 0.1)[0]
    assert got >= nash_log_product(np.array([[0.0, 1.0]]), alpha, x, s, d, "linear", 0.1)[0]
    assert abs(z[0, 1] - 1.0) < 1e-6


@pytest.mark.parametrize("utility", ["quadratic", "linear"])
@pytest.mark.parametrize("skew", [1, 4])
def test_nash_solution_is_not_improved_by_a_local_search(utility: str, skew: int) -> None:
    """On random problems (5 actors, 3 issues, some issues nearly indifferent to an actor; with
    ``skew`` 4 some weights are tiny, so that the maximum lies where an actor gains almost
    nothing), a Nelder-Mead search started at the solution finds no higher Nash product."""
    rng = np.random.default_rng(11 + skew)
    D, A, I = 30, 5, 3  # noqa: E741
    a = rng.uniform(0.01, 1.0, (D, A)) ** skew
    x = rng.uniform(0.0, 100.0, (D, A, I))
    s = np.where(rng.random((D, A, I)) < 0.3, 0.03, rng.uniform(0.01, 1.0, (D, A, I)))
    d = rng.uniform(0.0, 100.0, (D, I))
    z = nash_solution(a, x, s, d, utility=utility)  # type: ignore[arg-type]
    alpha = a / a.sum(axis=1, keepdims=True)
    eps = 0.1 if utility == "linear" else 0.0
    f = nash_log_product(z, alpha, x, s, d, utility, eps)  # type: ignore[arg-type]
    assert np.isfinite(f).sum() >= D // 2  # most of these problems have a bargaining range
    for k in np.flatnonzero(np.isfinite(f)):

        def neg(p: np.ndarray, k: int = k) -> float:
            v = nash_log_product(
                np.clip(p, 0.0, 100.0)[None], alpha[k : k + 1], x[k : k + 1], s[k : k + 1], d[k : k + 1], utility, eps
            )[0]  # type: ignore[arg-type]
            return float(-v) if np.isfinite(v) else 1e300

        r = minimize(neg, z[k], method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 4000})
        assert -r.fun <= f[k] + 1e-9 * max(1.0, abs(f[k])), (k, z[k], r.x)


def test_nash_two_parties_matches_one_dimensional_optimum() -> None:
    x = np.array([[[40.0], [60.0]]])
    s = np.ones((1, 2, 1))
    d = np.array([[0.0]])
    for a in ([1.0, 1.0], [3.0, 1.0]):
        alpha = np.array(a) / sum(a)

        def neg(z: float, alpha: np.ndarray = alpha) -> float:
            g1 = 40.0**2 - (z - 40.0) ** 2
            g2 = 60.0**2 - (z - 60.0) ** 2
            return -(alpha[0] * np.log(g1) + alpha[1] * np.log(g2))

        ref = minimize_scalar(neg, bounds=(0.001, 79.999), method="bounded", options={"xatol": 1e-9}).x
        got = nash_solution(np.array([a]), x, s, d)[0, 0]
        assert abs(got - ref) < 1e-4
    # the stronger party pulls the solution towards its position
    assert nash_solution(np.array([[3.0, 1.0]]), x, s, d)[0, 0] < nash_solution(np.array([[1.0, 1.0]]), x, s, d)[0, 0]


def test_nash_with_nothing_to_gain_stays_at_disagreement() -> None:
    # the disagreement point is actor 0's ideal: no point makes actor 0 better off
    x = np.array([[[10.0], [90.0]]])
    d = np.array([[10.0]])
    assert np.allclose(nash_solution(np.ones((1, 2)), x, np.ones((1, 2, 1)), d), d)


def test_nash_needs_a_disagreement_point() -> None:
    inputs = stances(np.ones(2), np.array([[10.0], [90.0]]), np.ones((2, 1)))
    with pytest.raises(ValueError, match="disagreement point"):
        get_model("nash").forecast(inputs)
    f = get_model("nash", disagreement=np.array([50.0])).forecast(inputs)
    assert np.allclose(f.position, 50.0)  # symmetric parties on either side of d: nobody gains by moving


def test_every_model_has_the_same_interface_on_a_scenario() -> None:
    s = load_scenario("example")
    inputs = stance_arrays(s, draws=4, rng=np.random.default_rng(np.random.SeedSequence(3)))
    for name in MODELS:
        f = get_model(name).forecast(inputs)
        assert f.position.shape == (4, 2)
        assert np.all((f.position >= 0) & (f.position <= 100))
        assert f.model == name
        again = get_model(name).forecast(inputs)
        assert np.array_equal(f.position, again.position)
    eum = get_model("eum", rounds=3).forecast(inputs)
    assert eum.trajectory is not None and eum.trajectory.shape == (4, 4, 6, 2)
    assert eum.path is not None and np.array_equal(eum.path[-1], eum.position)


def test_actor_without_stance_carries_no_weight() -> None:
    c = np.array([1.0, 1.0, 100.0])
    x = np.array([[0.0], [100.0], [0.0]])
    s = np.array([[1.0], [1.0], [1.0]])
    has = np.array([[True], [True], [False]])
    f = get_model("compromise").forecast(stances(c, x, s, has_stance=has))
    assert np.allclose(f.position, 50.0)


def test_unknown_model_and_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="expected one of compromise, median, eum, nash"):
        get_model("oracle")
    with pytest.raises(ValueError, match="salience"):
        stances(np.ones(2), np.zeros((2, 1)), np.full((2, 1), 2.0))
    with pytest.raises(ValueError, match="finite"):
        stances(np.ones(2), np.array([[np.nan], [1.0]]), np.ones((2, 1)))
