"""Global sensitivity (SALib Morris / Sobol) and scenario discovery, on an engine whose answer is known."""

from __future__ import annotations

import json

import numpy as np
import pytest

from accord.analysis.discovery import binned_rates, prim_box
from accord.analysis.sensitivity import DUMMY, SensitivityError, analyse_sensitivity, factor_for
from accord.scenario import Quantity, load_scenario
from accord.simulation import BatchResult

A, B, C = "actors.X.salience.a", "actors.X.salience.b", "actors.X.salience.c"
INPUTS = {n: Quantity(dist="uniform", low=0.0, high=1.0) for n in (A, B, C)}


def known_runner(scenario, *, draws, seed, batch_index=0, overrides=None, **_):  # type: ignore[no-untyped-def]
    """Agreement with probability a; war with probability 0.5·b; c does nothing; vetoes ~ 2(1-a)."""
    assert overrides is not None and set(overrides) == {A, B, C}, "every factor is overridden, the dummy never"
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(batch_index, 1)))
    a, b = overrides[A], overrides[B]
    agreement = rng.random(draws) < a
    wars = (rng.random(draws) < 0.5 * b).astype(np.int64)
    vetoes = rng.poisson(2 * (1 - a))[:, None, None] * np.ones((1, 2, 2), dtype=np.int64)
    nan, years = np.full((draws, 2), np.nan), np.array([2000.0])
    y, t = len(years), 6
    onset = (wars > 0)[:, None]
    return BatchResult(
        years=years,
        actor_ids=("X", "Y"),
        issue_ids=("a", "b"),
        proposal_ids=(),
        format_ids=("minsk-group",),
        agreement_types=("ceasefire", "process", "partial", "comprehensive", "implementation", "renewal"),
        history="imposed",
        inputs=dict(overrides),
        agreement=agreement,
        agreement_year=np.where(agreement, 2000.0, np.nan),
        agreement_proposal=np.full(draws, -1),
        terms=nan,
        wars=wars,
        first_war_year=np.where(wars > 0, 2000.0, np.nan),
        agreement_by_year=agreement[:, None],
        war_by_year=onset,
        fighting_by_year=onset,
        onset_by_year=onset,
        p_onset_by_year=np.zeros((draws, y)),
        signed_by_year=np.zeros((draws, y, t), dtype=bool),
        in_force_by_year=np.zeros((draws, y, t), dtype=bool),
        breakdown_by_year=np.zeros((draws, y, t), dtype=bool),
        first_signed=np.full((draws, t), np.nan),
        signed_count=np.zeros((draws, t), dtype=np.int64),
        vetoes=vetoes,
        veto_reasons=np.zeros((draws, 2, 8), dtype=np.int64),
        removals=np.zeros((draws, 2), dtype=np.int64),
        unbound=np.zeros((draws, 2), dtype=np.int64),
        passed_unbound=np.zeros(draws, dtype=np.int64),
        final_status_quo=nan,
        final_format=np.zeros(draws, dtype=np.int64),
        status_quo_by_year=np.zeros((draws, 1, 2)),
    )


@pytest.fixture(scope="module")
def example():  # type: ignore[no-untyped-def]
    return load_scenario("example")


@pytest.mark.parametrize(("method", "samples"), [("morris", 20), ("sobol", 256)])
def test_ranks_the_input_that_drives_each_outcome(example, method, samples) -> None:  # type: ignore[no-untyped-def]
    rep = analyse_sensitivity(
        example, method=method, samples=samples, replicates=16, seed=2, inputs=INPUTS, runner=known_runner
    )
    assert rep.ranking["agreement"][0].name == A
    assert rep.ranking["war"][0].name == B
    assert rep.ranking["vetoes"][0].name == A
    # c does nothing: it sits near the dummy's noise floor, far below the driver
    for outcome in ("agreement", "war"):
        idx = {r.name: r.index for r in rep.ranking[outcome]}
        assert idx[C] < 0.5 * rep.ranking[outcome][0].index
        assert DUMMY in idx
    # scenario discovery: agreement lives at high a, war at high b
    box = rep.boxes["agreement"]
    assert A in box.limits and box.limits[A][0] > 0.4 and box.density > box.base_rate
    assert B in rep.boxes["war"].limits
    assert rep.bins["agreement"][0].name == A and rep.bins["agreement"][0].spread > 0.4
    json.dumps(rep.to_dict())


def test_factor_bounds() -> None:
    # an unbounded normal spans mean ± 3 sd, clipped to the field's range
    f = factor_for("actors.ARM.positions.status", Quantity(dist="normal", mean=95, sd=5))
    assert f is not None and (f.low, f.high) == (80, 100)
    g = factor_for("actors.ARM.salience.status", Quantity(dist="triangular", low=0.2, mode=0.3, high=0.6))
    assert g is not None and (g.low, g.high) == (0.2, 0.6)
    assert factor_for("actors.ARM.positions.status", Quantity(value=3.0)) is None


def test_errors(example) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SensitivityError, match="found none"):
        analyse_sensitivity(example, inputs={}, runner=known_runner)
    with pytest.raises(SensitivityError, match="power of 2"):
        analyse_sensitivity(example, method="sobol", samples=100, inputs=INPUTS, runner=known_runner)


def test_prim_finds_a_planted_box() -> None:
    rng = np.random.default_rng(0)
    X = rng.random((4000, 3))
    y = ((X[:, 0] > 0.6) & (X[:, 2] < 0.5)).astype(float)
    box = prim_box(X, y, ["x0", "x1", "x2"], alpha=0.05, min_support=0.05)
    assert set(box.limits) == {"x0", "x2"}
    assert abs(box.limits["x0"][0] - 0.6) < 0.05 and abs(box.limits["x2"][1] - 0.5) < 0.05
    assert box.density > 0.95 and box.coverage > 0.8
    rates = binned_rates(X, y, ["x0", "x1", "x2"])
    assert rates[-1].name == "x1" and rates[-1].spread < 0.1


def test_counterfactual_sensitivity_ranks_inputs_for_war_on_minsk_group() -> None:
    # with the dated wars imposed P(war) is 1 in every design point and nothing can be ranked for
    # war; the default counterfactual leaves war to the model
    s = load_scenario("minsk-group")
    rep = analyse_sensitivity(s, samples=2, replicates=2, seed=0)
    assert rep.history == "counterfactual" and rep.format == "minsk-group"
    assert 0 < rep.base_rates["war"] < 1
    ranked = [r for r in rep.ranking["war"] if r.name != DUMMY]
    assert ranked and ranked[0].index > 0 and not any("war: the same in every design point" in n for n in rep.notes)
    imposed = analyse_sensitivity(s, samples=2, replicates=2, seed=0, history="imposed")
    assert imposed.base_rates["war"] == 1.0 and imposed.ranking["war"] == []


def test_the_noise_floor_is_family_wise() -> None:
    from accord.analysis.sensitivity import family_noise_floor

    null = np.random.default_rng(0).exponential(1.0, 400)
    one, many = family_noise_floor(null, 10, 1, seed=1), family_noise_floor(null, 10, 50, seed=1)
    # the largest of 50 do-nothing inputs reaches higher by chance than one does
    assert 0 < one < many
    # more trajectories average the noise down
    assert family_noise_floor(null, 80, 50, seed=1) < many
    assert np.isnan(family_noise_floor(np.array([]), 10, 5, seed=1))


def test_inputs_are_grouped_by_actor_and_kind() -> None:
    from accord.analysis.sensitivity import input_group

    assert input_group("actors.ARM.positions.status") == "actors.ARM.positions"
    assert input_group("actors.ARM.salience.status") == "actors.ARM.salience"
    assert input_group("proposals.madrid.terms.status") == "proposals.madrid"
    assert input_group("events.e1.status_quo.status") == "events.e1"
    assert input_group("issues.status.status_quo") == "issues.status_quo"
    assert input_group("parameters.war_cost") == "parameters.war_cost"


def test_grouped_morris_ranks_groups_above_the_noise(example) -> None:  # type: ignore[no-untyped-def]
    rep = analyse_sensitivity(
        example, method="morris", samples=20, replicates=16, seed=2, inputs=INPUTS, runner=known_runner, by="group"
    )
    # a, b, c are one actor's saliences: one group, which drives agreement far above the noise
    names = {r.name for r in rep.ranking["agreement"] if not r.name.startswith("(dummy")}
    assert names == {"actors.X.salience"}
    assert [r.name for r in rep.above_noise("agreement")] == ["actors.X.salience"]
    assert rep.ranked == 1 and rep.replays == rep.design_points * 16
    assert rep.design().endswith(f"= {rep.replays:,} replays")
    with pytest.raises(SensitivityError, match="morris only"):
        analyse_sensitivity(example, method="sobol", samples=8, inputs=INPUTS, runner=known_runner, by="group")
