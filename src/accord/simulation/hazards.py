"""The hazard of fighting breaking out: the logit fitted on the conflict panel, plus the engine's
own terms on its logit scale.

``P(fighting begins in a year) = logistic(η_fitted + η_engine)``, converted to the scenario's step
as ``1 − (1 − P)^dt``.

**Fitted** (``η_fitted``): the *onset/recurrence* hazard of :mod:`accord.models.hazards`, a
discrete-time logit (Beck, Katz & Tucker 1998, *AJPS* 42(4)) fitted on the UCDP/PA-X/COW conflict
panel (the shipped table ``accord/models/data/hazards.json``: UCDP/PRIO ACD v25.1, COW NMC v6.0,
PA-X; fit at commit b7bca40; n = 6,092 conflict-years after a year without fighting, 193
recurrences, 268 conflicts, 1990-2020; Wald 95% intervals in the table). Its covariates are
computed from the engine's state exactly as the panel defines them
(:mod:`accord.simulation.conflict_year`): log(1 + years since fighting), the capability share of
UCDP's side A and its anticipated and realised shifts (with a missing-capability indicator),
agreements in force by type, peacekeeping and a third party in force, territory, interstate.

It applies in every step the sides do not fight at its start, with an agreement in force or
not: a *breakdown* (fighting while an agreement is in force) is the onset of fighting in a year
with an agreement in force, so its probability is the onset hazard with the agreements in force
(the fitted breakdown hazard is not used; docs/engine.md says why). In the year after fighting
ended the years since fighting are 1, one less than anywhere in the onset hazard's risk set (the
panel cannot tell a war that ended in a year from one that went on): there the fitted log-time
term is extrapolated.

**Engine terms** (``η_engine``), which no panel measures, are labelled assumptions added to the
fitted logit (offsets; engine parameters, ``accord parameters``):

=================  =====================  ==========================================================
term               parameter              what it is
=================  =====================  ==========================================================
gap                ``hazard_gap``         the bargaining gap: the largest amount by which a
                                          belligerent's war value (with its optimism) exceeds its
                                          value of the status quo (Fearon 1995)
monitoring         ``hazard_monitoring``  ceasefire monitoring capacity, 0-1 (Fortna 2004)
incidents          ``hazard_incidents``   ceasefire incidents per year
commitment         ``hazard_commitment``  optional (default none): a declining side's anticipated
                                          loss of P(win) times its stake (Powell 2006); the fitted
                                          shift terms measure the anticipated shift already
=================  =====================  ==========================================================

With every engine term at zero the engine's yearly hazard is the fitted model's prediction
(tests/test_engine_hazards.py checks it on panel rows).

**Overrides.** A scenario may replace fitted coefficients: ``hazards: {onset: {NAME: number}}``
(``intercept`` or a covariate), or the parameters of :data:`accord.scenario.parameters.FITTED_OVERRIDES`
(``hazard_ceasefire`` etc., the names of the engine's pre-calibration hazard). Both are numbers
with provenance and may be uncertain (drawn per draw) or swept.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from accord.models.hazards import HAZARDS, HazardTable, covariates, default_table
from accord.scenario.parameters import FITTED_OVERRIDES
from accord.scenario.schema import Scenario

__all__ = [
    "ENGINE_TERMS",
    "ONSET",
    "check_overrides",
    "fitted_logit",
    "logistic",
    "onset_coefficients",
    "onset_logit",
    "per_step",
]

ONSET = "onset"
"""The fitted hazard the engine uses."""

ENGINE_TERMS: dict[str, str] = {
    "gap": "hazard_gap",
    "monitoring": "hazard_monitoring",
    "incidents": "hazard_incidents",
    "commitment": "hazard_commitment",
}
"""Engine term → the parameter that is its coefficient on the logit scale (NaN: the term is off)."""


def per_step(p_year: np.ndarray, dt: float) -> np.ndarray:
    """A yearly probability as the probability within a step of ``dt`` years."""
    return np.asarray(1.0 - (1.0 - np.clip(p_year, 0.0, 1.0)) ** dt)


def logistic(eta: np.ndarray) -> np.ndarray:
    """``1 / (1 + e^−η)`` without overflow (the form :mod:`accord.models.hazards` uses)."""
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * np.clip(eta, -60.0, 60.0))))


def coefficient_names(hazard: str = ONSET) -> tuple[str, ...]:
    """``intercept`` and the covariates of a fitted hazard."""
    return ("intercept", *HAZARDS[hazard].covariates)


def check_overrides(scenario: Scenario) -> list[str]:
    """Problems with a scenario's overrides of fitted coefficients, each naming its field."""
    out: list[str] = []
    names = coefficient_names()
    for hazard, coefs in scenario.hazards.items():
        if hazard != ONSET:
            out.append(
                f"hazards.{hazard}: expected {ONSET!r}, the one fitted hazard the engine uses (breakdown is onset "
                f"with an agreement in force; the others are scored, not used: docs/engine.md), found {hazard!r}"
            )
            continue
        for name in coefs:
            if name not in names:
                out.append(f"hazards.{hazard}.{name}: expected intercept or a covariate ({', '.join(names[1:])})")
    set_here = scenario.hazards.get(ONSET, {})
    for param, targets in FITTED_OVERRIDES.items():
        both = [t for t in targets if t in set_here]
        if param in scenario.parameters and both:
            out.append(
                f"parameters.{param}: expected one override of {', '.join(both)}, found it also under "
                f"hazards.{ONSET}"
            )
    for f in scenario.formats:
        for name in f.parameters:
            if name.startswith("hazard_"):
                out.append(
                    f"formats.{f.id}.parameters.{name}: expected hazard terms for the whole scenario (under "
                    "parameters: or hazards:), found one for a format"
                )
    return out


def onset_coefficients(
    values: Mapping[str, np.ndarray], draws: int, table: HazardTable | None = None
) -> dict[str, np.ndarray]:
    """The onset hazard's coefficients ``(D,)`` by name: the fitted ones (the shipped table unless
    ``table``), replaced where the scenario's ``hazards.onset.NAME`` inputs say."""
    fitted = (table or default_table()).hazards[ONSET]
    out: dict[str, np.ndarray] = {"intercept": np.full(draws, fitted.intercept)}
    for name in HAZARDS[ONSET].covariates:
        out[name] = np.full(draws, fitted.coef[name])
    for name in out:
        key = f"hazards.{ONSET}.{name}"
        if key in values:
            out[name] = np.asarray(values[key], dtype=float).copy()
    return out


def fitted_logit(state: Mapping[str, np.ndarray], coef: Mapping[str, np.ndarray]) -> np.ndarray:
    """``η_fitted (D,)``: the onset logit of the panel state ``state`` (:data:`accord.models.hazards.STATE`)
    with per-draw coefficients ``coef`` (:func:`onset_coefficients`)."""
    names = HAZARDS[ONSET].covariates
    x = covariates(state, names)
    eta = np.array(coef["intercept"], dtype=float, copy=True)
    for name in names:
        eta = eta + coef[name] * x[name]
    return eta


def onset_logit(
    state: Mapping[str, np.ndarray],
    coef: Mapping[str, np.ndarray],
    params: Mapping[str, np.ndarray],
    terms: Mapping[str, np.ndarray],
) -> np.ndarray:
    """``η (D,)`` of the yearly onset hazard: the fitted logit, with coefficients overridden where a
    :data:`~accord.scenario.parameters.FITTED_OVERRIDES` parameter is set (not NaN) in this step's
    ``params``, plus each engine term (:data:`ENGINE_TERMS`) times its parameter."""
    coef = dict(coef)
    for param, targets in FITTED_OVERRIDES.items():
        v = params[param]
        if np.isnan(v).all():
            continue
        for t in targets:
            coef[t] = np.where(np.isnan(v), coef[t], v)
    eta = fitted_logit(state, coef)
    for term, param in ENGINE_TERMS.items():
        b = params[param]
        eta = eta + np.where(np.isnan(b), 0.0, b * terms[term])
    return eta
