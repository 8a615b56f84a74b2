"""The engine's hazard computed by blocks of rows (covariate_rows, capability_rows, hazard_logit
with rows and a LogitCache) gives the same bits as its term-by-term definition."""

from __future__ import annotations

import numpy as np
import pytest

from accord.models.hazards import ALL_COVARIATES, STATE, capability_state, covariate_rows, covariates
from accord.scenario.parameters import FITTED_OVERRIDES, PARAMETERS
from accord.simulation import hazards as engine_hazards

SPECIAL = np.array([np.nan, 0.0, -0.0, np.inf, -np.inf])


def _values(rng: np.random.Generator, shape: tuple[int, ...], p: float) -> np.ndarray:
    a = np.array(rng.normal(size=shape) * rng.choice([1.0, 10.0]), dtype=float)
    hit = rng.random(shape) < p
    a[hit] = rng.choice(SPECIAL, size=int(hit.sum()))
    return a


def _state(rng: np.random.Generator, d: int) -> dict[str, np.ndarray]:
    out = {k: _values(rng, (d,), 0.05) for k in STATE}
    for k in STATE:
        if k.startswith("in_force") or k == "fighting_last_year":
            out[k] = (rng.random(d) < rng.choice([0.0, 0.1, 0.5])).astype(float)
    out["years_since_fighting"] = np.abs(out["years_since_fighting"])
    return out


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_covariate_rows_are_the_covariates_bit_for_bit() -> None:
    rng = np.random.default_rng(2)
    for shape in [(1,), (5,), (3, 4)]:
        for _ in range(100):
            state = {k: _values(rng, shape, 0.15) for k in STATE}
            ref = covariates(state)
            got = covariate_rows(np.array([state[k] for k in STATE]))
            for i, name in enumerate(ALL_COVARIATES):
                assert ref[name].tobytes() == got[i].tobytes(), name


def _share(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    tot = x + y
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(tot > 0, x / tot, np.nan))


def test_capability_state_is_its_definition_bit_for_bit() -> None:
    # the definition as it was written share by share (accord.models.hazards, before capability_rows)
    rng = np.random.default_rng(1)
    keep = (1.0 - 0.10) ** 5
    grow = (1.0 - keep) / 0.10
    for shape in [(), (1,), (7,), (3, 4)]:
        for _ in range(100):
            ka, kb, pa, pb, ma, mb = (np.abs(_values(rng, shape, 0.2)) * 100 for _ in range(6))
            now = _share(ka, kb)
            ref = {
                "cap_share_a": now,
                "cap_shift_expected": _share(keep * ka + ma * grow, keep * kb + mb * grow) - now,
                "cap_shift_realised": now - _share(pa, pb),
            }
            got = capability_state(ka, kb, pa, pb, ma, mb)
            for k, v in ref.items():
                assert np.shape(got[k]) == np.shape(v) and np.asarray(got[k]).tobytes() == v.tobytes(), k


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("draws", [1, 7, 50])
def test_hazard_logit_by_rows_is_the_term_by_term_sum_bit_for_bit(draws: int) -> None:
    rng = np.random.default_rng(draws)
    cache = engine_hazards.LogitCache()
    for _ in range(150):
        state = _state(rng, draws)
        params = {n: np.full(draws, spec.default) for n, spec in PARAMETERS.items()}
        for p in (*FITTED_OVERRIDES, *engine_hazards.ENGINE_TERMS.values()):
            r = rng.random()
            if r < 0.3:
                params[p] = _values(rng, (draws,), 0.3)
            elif r < 0.4:
                params[p] = np.full(draws, np.nan)
        terms = {t: _values(rng, (draws,), 0.1) for t in engine_hazards.ENGINE_TERMS}
        coef = engine_hazards.coefficients({}, draws)
        if rng.random() < 0.3:
            coef["onset"]["intercept"] = _values(rng, (draws,), 0.2)
        ref = engine_hazards._term_by_term(state, coef, params, terms)
        which = engine_hazards.which_hazard(state)
        rows = np.array([state[k] for k in STATE])
        for kw in ({}, {"cache": cache}, {"rows": rows, "cache": cache}):
            eta, used = engine_hazards.hazard_logit(state, coef, params, terms, **kw)  # type: ignore[arg-type]
            assert used.dtype == which.dtype and (used == which).all()
            assert eta.shape == ref.shape and eta.tobytes() == ref.tobytes()


def test_per_steps_clip_returns_logistics_output_bit_for_bit() -> None:
    # the risk phase skips per_step's clip on logistic's output (in [0, 1], or NaN passed through)
    eta = np.concatenate([np.linspace(-100.0, 100.0, 20001), [np.inf, -np.inf, np.nan, -np.nan, 0.0, -0.0]])
    p = engine_hazards.logistic(eta)
    assert np.clip(p, 0.0, 1.0).tobytes() == p.tobytes()
