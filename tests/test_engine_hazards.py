"""The engine's hazards of fighting are the fitted panel logits (accord.models.hazards) by default.

Statsmodels is not used here: the engine's hazard is compared with ``predict`` on the shipped
table (NumPy only)."""

from __future__ import annotations

import numpy as np
import pytest

from accord.analysis.calibration import hazard_sample
from accord.models.hazards import AGREEMENT_TYPES, HAZARDS, STATE, default_table, predict
from accord.scenario.parameters import PARAMETERS
from accord.simulation import EngineError, run_batch
from accord.simulation import hazards as engine_hazards
from engine_scenarios import actor, scenario
from panel_data import fixture_panel

# every hazard term of the engine at its default; QUIET's intercept override removed
FITTED: dict[str, float | None] = {"hazard_intercept": None}


def _params(draws: int) -> dict[str, np.ndarray]:
    return {name: np.full(draws, spec.default) for name, spec in PARAMETERS.items()}


def _terms(draws: int) -> dict[str, np.ndarray]:
    return {t: np.full(draws, 0.3) for t in engine_hazards.ENGINE_TERMS}  # non-zero: their defaults must be off


def test_engine_hazard_on_panel_rows_equals_the_fitted_prediction() -> None:
    # every risk-set row of a (fixture) panel, through the engine's hazard function with the
    # default coefficients and parameters: exactly the shipped model's predict() for the hazard
    # whose risk set the engine places the row in
    frame = fixture_panel().frame
    chosen: set[str] = set()
    for name in engine_hazards.USED:
        state = hazard_sample(frame, name).state
        n = len(state["fighting_last_year"])
        assert n > 0, name
        eta, which = engine_hazards.hazard_logit(state, engine_hazards.coefficients({}, n), _params(n), _terms(n))
        got = engine_hazards.logistic(eta)
        for j, model in enumerate(engine_hazards.USED):
            rows = which == j
            if rows.any():
                chosen.add(model)
                np.testing.assert_allclose(got[rows], predict(model, state)[rows], rtol=1e-12)
    assert len(chosen) >= 2, chosen


def _row(**kw: float) -> dict[str, np.ndarray]:
    base = dict.fromkeys(STATE, 0.0) | {"years_since_fighting": 4.0, "cap_share_a": 0.5, "territorial": 1.0}
    return {k: np.array([v]) for k, v in (base | kw).items()}


def test_the_engine_picks_the_hazard_whose_risk_set_holds_the_year() -> None:
    assert engine_hazards.which_hazard(_row())[0] == engine_hazards.USED.index("onset")
    assert engine_hazards.which_hazard(_row(in_force_process=1.0))[0] == engine_hazards.USED.index("breakdown")
    assert engine_hazards.which_hazard(_row(fighting_last_year=1.0, years_since_fighting=1.0))[0] == (
        engine_hazards.USED.index("fighting")
    )


@pytest.mark.parametrize("name", engine_hazards.USED)
def test_each_covariate_moves_the_hazard_in_the_direction_of_its_fitted_coefficient(name: str) -> None:
    table = default_table().hazards[name]
    base = _row(in_force_ceasefire=1.0) if name == "breakdown" else _row()
    if name == "fighting":
        base = _row(fighting_last_year=1.0, years_since_fighting=1.0)
    coef = engine_hazards.coefficients({}, 1)

    def hazard(state: dict[str, np.ndarray]) -> float:
        eta, used = engine_hazards.hazard_logit(state, coef, _params(1), _terms(1))
        assert engine_hazards.USED[int(used[0])] == name
        return float(engine_hazards.logistic(eta)[0])

    # flags that keep the row in this hazard's risk set (an agreement in force moves it to breakdown)
    flags = ["peacekeeping_in_force", "third_party_in_force", "interstate"]
    if name == "breakdown":  # a ceasefire in force is the base
        flags += [f"in_force_{t}" for t in AGREEMENT_TYPES if t != "ceasefire"]
    moves = {f: {f: 1.0} for f in flags}
    moves["cap_share_a"] = {"cap_share_a": 0.7}
    if name != "fighting":  # (the fighting hazard's row is the year after fighting)
        moves["log_years_since_fighting"] = {"years_since_fighting": 9.0}
    h0 = hazard(base)
    for cov, change in moves.items():
        h1 = hazard(base | {k: np.array([v]) for k, v in change.items()})
        b = table.coef[cov]
        assert np.sign(h1 - h0) == np.sign(b), (name, cov, b, h0, h1)


def _rising(parameters: dict[str, float | None] | None = None, **kw: object) -> object:
    return scenario(
        [
            actor("P1", ["party"], 0, cap={"series": {2000: 10, 2005: 1000}, "assumption": "test"}),
            actor("P2", ["party"], 100, cap=100),
        ],
        parameters={**FITTED, **(parameters or {})},
        **kw,  # type: ignore[arg-type]
    )


def test_the_engines_yearly_hazard_is_the_prediction_on_its_own_conflict_year() -> None:
    # a replay at the defaults: draw 0's hazard each year = predict() of the model it says it used,
    # on the panel state it records (years since fighting, capability share of side A, ...)
    traj = run_batch(_rising(), format="bilateral", draws=1, seed=0).trajectory
    models, state = traj["hazard_model"], traj["hazard_state"]
    assert set(state) == set(STATE)
    for k, model in enumerate(models):
        if traj["fighting"][k] and k and traj["fighting"][k - 1]:
            continue  # fighting under way: no onset hazard
        row = {n: np.array([state[n][k]]) for n in STATE}
        assert traj["onset_hazard"][k] == pytest.approx(float(predict(model, row)[0]), rel=1e-12), k
    # the covariates are the panel's: 2000 follows fighting in 1999 (the default last fighting),
    # P1 is side A and its capital stock grows with its spending
    assert state["fighting_last_year"][0] == 1.0 and state["years_since_fighting"][0] == 1.0
    share = np.array(state["cap_share_a"])
    assert share[0] == pytest.approx(10 / 110) and (np.diff(share) > 0).all()


def test_quiet_years_lower_the_onset_hazard_as_the_fitted_log_time_coefficient_says() -> None:
    # constant spending: only the years since fighting change; the fitted coefficient is negative
    assert default_table().hazards["onset"].coef["log_years_since_fighting"] < 0
    s = scenario([actor("P1", ["party"], 0), actor("P2", ["party"], 100)], parameters=FITTED, conflict={
        "side_a": ["P1"], "last_fighting": 1995})  # fmt: skip
    b = run_batch(s, format="bilateral", draws=50, seed=1)
    quiet = ~b.fighting_by_year.any(axis=1)
    assert quiet.any()
    p = b.p_onset_by_year[quiet]
    assert (np.diff(p, axis=1) < 0).all()


def test_a_scenario_override_replaces_the_fitted_coefficient() -> None:
    s = scenario(
        [actor("P1", ["party"], 0), actor("P2", ["party"], 100)],
        parameters=FITTED,
        conflict={"side_a": ["P1"], "last_fighting": 1995},
    )
    base = run_batch(s, format="bilateral", draws=20, seed=1).p_onset_by_year

    def with_hazards(h: dict[str, object]) -> object:
        return scenario(
            [actor("P1", ["party"], 0), actor("P2", ["party"], 100)],
            parameters=FITTED,
            conflict={"side_a": ["P1"], "last_fighting": 1995},
            hazards=h,
        )

    low = run_batch(with_hazards({"onset": {"intercept": {"value": -9.0, "assumption": "test"}}}),  # type: ignore[arg-type]
                    format="bilateral", draws=20, seed=1).p_onset_by_year  # fmt: skip
    assert (low[:, 0] < base[:, 0]).all()
    with pytest.raises(EngineError, match=r"hazards\.onset\.nonsense: expected intercept or a covariate"):
        run_batch(with_hazards({"onset": {"nonsense": 1.0}}), format="bilateral", draws=2, seed=0)  # type: ignore[arg-type]
    with pytest.raises(EngineError, match=r"hazards\.ceasefire: expected one of the fitted hazards"):
        run_batch(with_hazards({"ceasefire": {"intercept": 1.0}}), format="bilateral", draws=2, seed=0)  # type: ignore[arg-type]


def test_two_state_sides_without_side_a_take_the_first_listed_party_as_side_a() -> None:
    s = _rising()
    stated = run_batch(s, format="bilateral", draws=20, seed=0).p_onset_by_year
    side_a = s.conflict.side_a[0]  # type: ignore[attr-defined]
    first = s.model_copy(update={"conflict": None})  # type: ignore[attr-defined]
    assert first.actors[0].id == side_a
    assert np.array_equal(run_batch(first, format="bilateral", draws=20, seed=0).p_onset_by_year, stated)
    # the other order: the other side is side A and the capability share (so the hazard) changes
    swapped = first.model_copy(update={"actors": list(reversed(first.actors))})
    assert not np.array_equal(run_batch(swapped, format="bilateral", draws=20, seed=0).p_onset_by_year, stated)


def test_every_hazard_the_engine_uses_is_fitted_and_shipped() -> None:
    assert set(engine_hazards.USED) <= set(HAZARDS)
    for name in engine_hazards.ENGINE_TERMS.values():
        assert PARAMETERS[name].default == 0.0, name


def test_a_formats_hazard_term_is_refused_by_the_engine_too() -> None:
    """A scenario changed in Python after loading skips the loader's check (which
    test_validate_runnable covers); the engine names the same field."""
    s = scenario(
        [actor("P1", ["party"], 0), actor("P2", ["party"], 100)],
        parameters=FITTED,
        conflict={"side_a": ["P1"], "last_fighting": 1995},
        formats=[{"id": "bilateral", "label": "talks", "parameters": {"acceptance_margin": 0.0}}],
    )
    f = s.formats[0]
    term = f.model_copy(update={"parameters": {"hazard_gap": f.parameters["acceptance_margin"]}})
    s = s.model_copy(update={"formats": [term]})
    with pytest.raises(EngineError, match=r"formats\.bilateral\.parameters\.hazard_gap: expected hazard terms"):
        run_batch(s, format="bilateral", draws=2, seed=0)
