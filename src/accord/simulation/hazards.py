"""The hazard of fighting breaking out, as a discrete-time logit over covariates the engine computes.

``P(fighting begins in a year) = logistic(β₀ + Σ_j β_j x_j)``, converted to the scenario's step
as ``1 − (1 − P)^dt``. The covariates are things a political scientist would look for, each
computed from the engine's own state in the step:

=================  ==============================================================================
covariate          what it is
=================  ==============================================================================
gap                the bargaining gap: the largest amount by which a belligerent's war value
                   (with its optimism) exceeds its value of the status quo (Fearon 1995)
commitment         the commitment problem: the anticipated loss of a declining side's chance of
                   winning over the anticipation horizon, times its stake in a war (Powell 2006)
log_years_since    log(1 + years since the last fighting): recent fighting begets fighting
ceasefire          a ceasefire agreement in force (Fortna 2004)
process            a process agreement in force
settlement         a partial or comprehensive agreement in force
peacekeeping       peacekeepers deployed with an agreement in force (Fortna 2004)
monitoring         ceasefire monitoring capacity, 0-1
incidents          ceasefire incidents per year
=================  ==============================================================================

The coefficients are engine parameters (``hazard_*``, see ``accord parameters``); until they are
calibrated on the conflict panel they are labelled assumptions.
"""

from __future__ import annotations

import numpy as np

__all__ = ["COVARIATES", "onset_probability", "per_step"]

COVARIATES: dict[str, str] = {
    "gap": "hazard_gap",
    "commitment": "hazard_commitment",
    "log_years_since": "hazard_recency",
    "ceasefire": "hazard_ceasefire",
    "process": "hazard_process",
    "settlement": "hazard_settlement",
    "peacekeeping": "hazard_peacekeeping",
    "monitoring": "hazard_monitoring",
    "incidents": "hazard_incidents",
}
"""Covariate name → the engine parameter that is its coefficient."""


def per_step(p_year: np.ndarray, dt: float) -> np.ndarray:
    """A yearly probability as the probability within a step of ``dt`` years."""
    return np.asarray(1.0 - (1.0 - np.clip(p_year, 0.0, 1.0)) ** dt)


def onset_probability(covariates: dict[str, np.ndarray], params: dict[str, np.ndarray], dt: float) -> np.ndarray:
    """``P(fighting begins within the step)`` ``(D,)`` from the covariates ``(D,)`` by name and
    the current parameters (``hazard_intercept`` and one coefficient per covariate)."""
    eta = np.array(params["hazard_intercept"], dtype=float, copy=True)
    for name, coef in COVARIATES.items():
        eta = eta + params[coef] * covariates[name]
    p_year = 0.5 * (1.0 + np.tanh(0.5 * np.clip(eta, -60.0, 60.0)))
    return per_step(p_year, dt)
