"""The hazard of fighting breaking out: the logits fitted on the conflict panel, chosen by risk set.

``P(fighting in a year) = logistic(η)``, converted to the scenario's step as ``1 − (1 − P)^dt``
(the covariates are a calendar year's state, constant within it, so the yearly hazard is the
step's constant rate).

**Fitted, by default.** In a step whose sides are not fighting at its start, ``η`` is the linear
predictor of the one fitted hazard of :mod:`accord.models.hazards` whose risk set holds the
engine's conflict-year (the panel's state, :mod:`accord.simulation.conflict_year`), so no row is
outside the data a model was fitted on:

===============  ===========================================================================
hazard           the engine's conflict-year
===============  ===========================================================================
``breakdown``    an agreement is in force (as the panel defines it: signed in an earlier year,
                 no fighting since)
``onset``        no agreement in force, no fighting last year (recurrence after a quiet year)
``fighting``     no agreement in force, fighting last year (the war ended last year)
===============  ===========================================================================

The coefficients are those shipped in ``accord/models/data/hazards.json``: discrete-time logits
(Beck, Katz & Tucker 1998, *AJPS* 42(4)) fitted at commit b7bca40 on the UCDP/PRIO ACD v25.1 ×
COW NMC v6.0 × PA-X panel, 1990-2020 (onset n = 6,092, 193 events; breakdown n = 1,627, 299;
fighting n = 7,377, 1,183), the Armenia-Azerbaijan conflict withheld. They are point estimates,
the same in every draw: the table ships standard errors but no covariance matrix, and sampling
each coefficient independently would ignore their strong correlations (e.g. the signed and
absolute capability shifts), so no sampling is done. The fitted hazards of a ceasefire and of a
comprehensive agreement being signed are not used by the engine (its agreements come from
negotiation; docs/engine.md).

**Engine terms** (``η += b × term``; parameters, ``accord parameters``): the bargaining gap
(``hazard_gap``, Fearon 1995), ceasefire monitoring (``hazard_monitoring``), incidents
(``hazard_incidents``) and the stake-weighted commitment term (``hazard_commitment``, Powell
2006). No panel measures them: they are **off by default** (0), so the engine's yearly hazard is
the fitted model's prediction (tests/test_engine_hazards.py checks it); a scenario may turn them
on, as labelled assumptions.

**Overrides.** ``hazards: {HAZARD: {NAME: number}}`` replaces coefficient ``NAME`` (``intercept``
or a covariate) of one fitted hazard; the parameters of
:data:`accord.scenario.parameters.FITTED_OVERRIDES` (``hazard_intercept``, ``hazard_ceasefire``,
… the names of the engine's pre-calibration hazard) replace their coefficients in all three
hazards. Both are numbers with provenance, may be uncertain (drawn per draw) or swept, and are
checked by :func:`check_overrides` (located errors).
"""

from __future__ import annotations

import operator
from collections.abc import Mapping

import numpy as np

from accord import fpmath as fp
from accord._small import clip
from accord.models.hazards import (
    AGREEMENT_TYPES,
    ALL_COVARIATES,
    HAZARDS,
    STATE,
    HazardTable,
    covariate_rows,
    covariates,
    default_table,
)
from accord.scenario.parameters import FITTED_OVERRIDES
from accord.scenario.runnable import FORMAT_HAZARD_TERM, format_hazard_terms
from accord.scenario.schema import Scenario

__all__ = [
    "ENGINE_TERMS",
    "USED",
    "LogitCache",
    "check_overrides",
    "coefficients",
    "hazard_logit",
    "logistic",
    "per_step",
    "which_hazard",
]

USED = ("onset", "breakdown", "fighting")
"""The fitted hazards the engine uses, in the order of :func:`which_hazard`'s codes (0, 1, 2)."""

ENGINE_TERMS: dict[str, str] = {
    "gap": "hazard_gap",
    "monitoring": "hazard_monitoring",
    "incidents": "hazard_incidents",
    "commitment": "hazard_commitment",
}
"""Engine term → the parameter that is its coefficient on the logit scale (default 0: off)."""


def per_step(p_year: np.ndarray, dt: float) -> np.ndarray:
    """Convert a yearly probability to a step of ``dt`` years (constant hazard within the year)."""
    return np.asarray(1.0 - fp.power(1.0 - clip(p_year, 0.0, 1.0), dt))


def logistic(eta: np.ndarray) -> np.ndarray:
    """``1 / (1 + e^−η)`` without overflow (the form :mod:`accord.models.hazards` uses)."""
    return np.asarray(0.5 * (1.0 + fp.tanh(0.5 * clip(eta, -60.0, 60.0))))


def coefficient_names(hazard: str) -> tuple[str, ...]:
    """``intercept`` and the covariates of a fitted hazard."""
    return ("intercept", *HAZARDS[hazard].covariates)


def check_overrides(scenario: Scenario) -> list[str]:
    """Problems with a scenario's overrides of fitted coefficients, each naming its field."""
    out: list[str] = []
    for hazard, coefs in scenario.hazards.items():
        if hazard not in USED:
            out.append(
                f"hazards.{hazard}: expected one of the fitted hazards the engine uses ({', '.join(USED)}), "
                f"found {hazard!r}"
            )
            continue
        names = coefficient_names(hazard)
        for name in coefs:
            if name not in names:
                out.append(f"hazards.{hazard}.{name}: expected intercept or a covariate ({', '.join(names[1:])})")
    for param, targets in FITTED_OVERRIDES.items():
        if param not in scenario.parameters:
            continue
        both = [f"hazards.{h}.{t}" for h in USED for t in targets if t in scenario.hazards.get(h, {})]
        if both:
            out.append(
                f"parameters.{param}: expected one override of a coefficient, found it also as {', '.join(both)}"
            )
    for f in scenario.formats:
        out += [f"formats.{f.id}.parameters.{name}: {FORMAT_HAZARD_TERM}" for name in format_hazard_terms(f.parameters)]
    return out


def coefficients(
    values: Mapping[str, np.ndarray], draws: int, table: HazardTable | None = None
) -> dict[str, dict[str, np.ndarray]]:
    """Each used hazard's coefficients ``(D,)`` by name: the fitted ones (the shipped table unless
    ``table``), replaced where the scenario's ``hazards.HAZARD.NAME`` inputs say."""
    out: dict[str, dict[str, np.ndarray]] = {}
    for hazard in USED:
        fitted = (table or default_table()).hazards[hazard]
        c: dict[str, np.ndarray] = {"intercept": np.full(draws, fitted.intercept)}
        for name in HAZARDS[hazard].covariates:
            c[name] = np.full(draws, fitted.coef[name])
        for name in c:
            key = f"hazards.{hazard}.{name}"
            if key in values:
                c[name] = np.asarray(values[key], dtype=float).copy()
        out[hazard] = c
    return out


def which_hazard(state: Mapping[str, np.ndarray]) -> np.ndarray:
    """``(D,)`` index into :data:`USED` of the hazard whose risk set holds each draw's conflict-year."""
    in_force = np.zeros(np.shape(state["fighting_last_year"]), dtype=bool)
    for t in AGREEMENT_TYPES:
        in_force |= np.asarray(state[f"in_force_{t}"]) > 0
    last = np.asarray(state["fighting_last_year"]) > 0
    return np.where(in_force, 1, np.where(last, 2, 0))


def fitted_logit(hazard: str, state: Mapping[str, np.ndarray], coef: Mapping[str, np.ndarray]) -> np.ndarray:
    """``η (D,)`` of fitted hazard ``hazard`` on the panel state ``state`` with per-draw coefficients."""
    names = HAZARDS[hazard].covariates
    x = covariates(state, names)
    eta = np.array(coef["intercept"], dtype=float, copy=True)
    for name in names:
        eta = eta + coef[name] * x[name]
    return eta


# the logit's rows: the intercept's 1, the covariates in ALL_COVARIATES' order, then the engine
# terms in ENGINE_TERMS' order; a hazard reads them with its coefficients in that order (onset,
# without fighting_last_year, reads the others: a copy of 21 rows rather than 22 in place)
_N_ROWS = 1 + len(ALL_COVARIATES) + len(ENGINE_TERMS)
_COV = slice(1, 1 + len(ALL_COVARIATES))


def _layout(hazard: str) -> tuple[slice | np.ndarray, tuple[str, ...]]:
    """Which rows a hazard's linear predictor reads, and the coefficient of each, in order."""
    names = HAZARDS[hazard].covariates
    terms = tuple(ENGINE_TERMS.values())
    if names == ALL_COVARIATES:
        return slice(0, _N_ROWS), ("intercept", *names, *terms)
    row = {n: 1 + i for i, n in enumerate(ALL_COVARIATES)}
    idx = [0, *(row[n] for n in names), *range(_COV.stop, _N_ROWS)]
    return np.array(idx), ("intercept", *names, *terms)


class LogitCache:
    """One run's coefficients of :func:`hazard_logit` as matrices, rebuilt only when the
    coefficients or a parameter they read is another object than the last call's.

    Parameters are replaced, never written in place, in the engine (a dated event sets
    ``st.params[name]`` to another array), and the run's fitted coefficients do not change, so
    identity says whether anything changed; a caller that writes those arrays in place must not
    pass a cache."""

    def __init__(self) -> None:
        self._key: tuple[object, ...] = ()  # compared by identity
        self._shape: tuple[int, ...] | None = None
        self._coef: dict[int, np.ndarray] = {}
        self._term_nan: np.ndarray | None = None
        self._rows: np.ndarray | None = None

    def coefficients(
        self, coef: Mapping[str, Mapping[str, np.ndarray]], params: Mapping[str, np.ndarray], shape: tuple[int, ...]
    ) -> tuple[dict[int, np.ndarray], np.ndarray | None, np.ndarray]:
        """Each used hazard's ``(rows, *shape)`` coefficients, where an engine term's is NaN, and
        a ``(rows, *shape)`` buffer for the logit's rows, its intercept row set to 1 (refilled
        by every call of :func:`hazard_logit`)."""
        key = (coef, *_read_params(params))
        if shape != self._shape or not all(map(operator.is_, self._key, key)) or len(self._key) != len(key):
            self._coef, self._term_nan = _coefficient_matrices(coef, params, shape)
            self._key, self._shape = key, shape
            self._rows = np.empty((_N_ROWS, *shape))
            self._rows[0] = 1.0
        assert self._rows is not None
        return self._coef, self._term_nan, self._rows


_PARAMS = (*FITTED_OVERRIDES, *ENGINE_TERMS.values())  # the parameters the coefficients read
_read_params = operator.itemgetter(*_PARAMS)  # their arrays as a tuple, in one C call
_LAYOUT = {h: _layout(h) for h in USED}
_IN_FORCE = slice(STATE.index(f"in_force_{AGREEMENT_TYPES[0]}"), STATE.index(f"in_force_{AGREEMENT_TYPES[-1]}") + 1)
_FIGHTING = STATE.index("fighting_last_year")
assert STATE[_IN_FORCE] == tuple(f"in_force_{t}" for t in AGREEMENT_TYPES)


def _coefficient_matrices(
    coef: Mapping[str, Mapping[str, np.ndarray]], params: Mapping[str, np.ndarray], shape: tuple[int, ...]
) -> tuple[dict[int, np.ndarray], np.ndarray | None]:
    out: dict[int, np.ndarray] = {}
    # the overrides set (not NaN) in some draw, looked at once for the three hazards
    overrides = [(v, np.isnan(v), targets) for param, targets in FITTED_OVERRIDES.items() for v in [params[param]]]
    overrides = [o for o in overrides if not o[1].all()]
    for j, hazard in enumerate(USED):
        c = dict(coef[hazard])
        for v, unset, targets in overrides:
            for t in targets:
                if t in c:
                    c[t] = np.where(unset, c[t], v)
        c |= {p: params[p] for p in ENGINE_TERMS.values()}
        _, names = _LAYOUT[hazard]
        out[j] = _stack([c[n] for n in names], shape)
    nan = np.empty((len(ENGINE_TERMS), *shape), dtype=bool)
    for i, p in enumerate(ENGINE_TERMS.values()):
        nan[i] = np.isnan(params[p])
    return out, (nan if nan.any() else None)


def _stack(values: list[np.ndarray], shape: tuple[int, ...]) -> np.ndarray:
    """``(len(values), *shape)`` floats, each value broadcast to ``shape``."""
    try:
        m = np.array(values, dtype=float)  # one call where every value has the shape already
    except ValueError:  # shapes that differ (broadcast below)
        m = np.empty(0)
    if m.shape != (len(values), *shape):
        m = np.empty((len(values), *shape))
        for i, v in enumerate(values):
            m[i] = v
    return m


def hazard_logit(
    state: Mapping[str, np.ndarray],
    coef: Mapping[str, Mapping[str, np.ndarray]],
    params: Mapping[str, np.ndarray],
    terms: Mapping[str, np.ndarray],
    *,
    rows: np.ndarray | None = None,
    cache: LogitCache | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``(η, which)`` ``(D,)``: the yearly logit of fighting in a step quiet at its start, from the
    hazard :func:`which_hazard` picks, with coefficients overridden where a
    :data:`~accord.scenario.parameters.FITTED_OVERRIDES` parameter is set (not NaN) in this step's
    ``params``, plus each engine term (:data:`ENGINE_TERMS`) times its parameter.

    ``rows``: the same state as one ``(len(STATE), D)`` array in :data:`STATE`'s order (what
    :meth:`~accord.simulation.conflict_year.ConflictYear.state` builds), so it is not stacked
    again; ``cache``: the run's :class:`LogitCache`.

    The sum is the same, bit for bit, as ``intercept + Σ b·x`` (in :data:`ALL_COVARIATES`' order)
    ``+ Σ where(b is NaN, 0, b·term)`` term by term: every product is one array, summed in that
    order by ``np.add.accumulate`` (a running sum, left to right, never pairwise)."""
    if rows is None:
        absent = [k for k in STATE if k not in state]
        if absent:
            raise KeyError(f"hazard covariates: expected the state values {', '.join(absent)}, found none of that name")
        shape = np.broadcast_shapes(*(np.shape(state[k]) for k in STATE))
        rows = np.array([np.broadcast_to(np.asarray(state[k], dtype=float), shape) for k in STATE])
    shape = rows.shape[1:]
    in_force = np.logical_or.reduce(rows[_IN_FORCE] > 0, axis=0)
    which = np.where(in_force, 1, np.where(rows[_FIGHTING] > 0, 2, 0))
    if cache is None:
        cache = LogitCache()
    c, term_nan, x = cache.coefficients(coef, params, shape)
    covariate_rows(rows, x[_COV])
    for i, term in enumerate(ENGINE_TERMS, start=_COV.stop):
        x[i] = terms[term]
    counts = np.bincount(which.ravel(), minlength=len(USED)).tolist()
    eta: np.ndarray | None = None
    for j, hazard in enumerate(USED):
        if not counts[j]:
            continue
        take, _ = _LAYOUT[hazard]
        prod = c[j] * x[take]
        if term_nan is not None:
            np.copyto(prod[-len(ENGINE_TERMS) :], 0.0, where=term_nan)  # a NaN parameter's term is off
        eta_j = np.add.accumulate(prod, axis=0)[-1]
        if counts[j] == which.size:
            eta = eta_j  # every draw in this hazard's risk set
        else:
            eta = np.where(which == j, eta_j, eta if eta is not None else np.zeros(shape))
    out = np.asarray(eta if eta is not None else np.zeros(shape))
    total = np.add.reduce(out, axis=None)
    if total != total:
        # a NaN: which of two NaNs a sum keeps (their sign) differs between NumPy's loops (its
        # SIMD add and its scalar tail), so the term-by-term sum is redone exactly as it was
        return _term_by_term(state, coef, params, terms), which
    return out, which


def _term_by_term(
    state: Mapping[str, np.ndarray],
    coef: Mapping[str, Mapping[str, np.ndarray]],
    params: Mapping[str, np.ndarray],
    terms: Mapping[str, np.ndarray],
) -> np.ndarray:
    """:func:`hazard_logit`'s ``η`` one array operation per term (its definition, and its bits
    where the sum has a NaN)."""
    which = which_hazard(state)
    eta = np.zeros(which.shape)
    for j, hazard in enumerate(USED):
        if not (which == j).any():
            continue
        c = dict(coef[hazard])
        for param, targets in FITTED_OVERRIDES.items():
            v = params[param]
            if np.isnan(v).all():
                continue
            for t in targets:
                if t in c:
                    c[t] = np.where(np.isnan(v), c[t], v)
        eta = np.where(which == j, fitted_logit(hazard, state, c), eta)
    for term, param in ENGINE_TERMS.items():
        b = params[param]
        eta = eta + np.where(np.isnan(b), 0.0, b * terms[term])
    return eta
