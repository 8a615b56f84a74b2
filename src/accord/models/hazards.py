"""Yearly hazards of a conflict, as discrete-time logits fitted on many conflicts.

A discrete-time hazard (Beck, Katz & Tucker 1998, 'Taking time seriously', *American Journal of
Political Science* 42(4)) gives the probability that an event happens in a year, given that the
conflict is at risk of it that year: ``P = logistic(β₀ + Σ_j β_j x_j)``. The coefficients are
fitted on the UCDP/PA-X/COW conflict panel (:mod:`accord.analysis.calibration`, ``accord
calibrate``) and ship with the package in ``data/hazards.json`` with their data citation, the git
commit of the fit, n, events and 95% intervals; the Armenia–Azerbaijan conflict is not in the
panel, so the Minsk Group case stays out of sample.

This module is the ONE definition of the covariates (:data:`COVARIATES`): what each means and
how it is computed from a conflict's state in one year, the same for a panel row and for the
engine's draws. :func:`covariates` computes them from the *state* (:data:`STATE`, arrays of any
shape, e.g. ``(draws,)``); :func:`predict` applies a hazard's coefficients, vectorized.

The state of a conflict in year t that the covariates read (names as in the panel):

- ``fighting_last_year`` (0/1), ``years_since_fighting`` (t minus the last earlier year of
  fighting, ≥ 1);
- ``cap_share_a`` (side A's share of the two sides' military capital stocks this year),
  ``cap_shift_expected`` (its anticipated change over the next 5 years if spending stays at this
  year's level, Powell 2006), ``cap_shift_realised`` (its change since last year) — NaN where a
  side has no state or no data;
- ``in_force_<type>`` for the six PA-X agreement types, ``peacekeeping_in_force``,
  ``third_party_in_force`` (0/1; in force = signed in an earlier year and no fighting since);
- ``territorial``, ``interstate`` (0/1, static traits of the conflict).

**Missing capability** (a side without any state, or no NMC data): ``cap_missing`` = 1 and the
capability covariates take their neutral values (share 0.5, shifts 0), so a row is never dropped
for it; the indicator's coefficient absorbs the difference (missing-indicator method).

References: Powell 2006, 'War as a commitment problem', *Int. Organization* 60(1); Fortna 2004,
*Peace Time* (ceasefire agreements, peacekeeping); Walter 2002, *Committing to Peace* (third-party
guarantees).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from accord import fpmath as fp

__all__ = [
    "AGREEMENT_TYPES",
    "COVARIATES",
    "HAZARDS",
    "SHIFT_HORIZON",
    "SPEC_VERSION",
    "STATE",
    "STOCK_DEPRECIATION",
    "Covariate",
    "FittedHazard",
    "HazardSpec",
    "HazardTable",
    "HazardTableError",
    "capability_rows",
    "capability_state",
    "covariate_rows",
    "covariates",
    "default_table",
    "load_table",
    "predict",
]

SPEC_VERSION = "1"
"""Bumped whenever a covariate's meaning or computation changes; a table fitted under another
version is refused."""

STOCK_DEPRECIATION = 0.10
"""δ of the military capital stock the capability covariates are computed on (perpetual inventory
``K_t = (1 − δ) K_{t−1} + m_t``, started at the steady state ``m / δ``): an **assumption** of the
panel (:mod:`accord.analysis.panel_capability`), part of the covariates' definition, so the engine
uses it whatever its own ``stock_depreciation``."""

SHIFT_HORIZON = 5
"""Years ahead of the anticipated shift ``cap_shift_expected`` (an assumption of the panel, part of
the covariate's definition: the engine uses it whatever its own ``anticipation_years``)."""

AGREEMENT_TYPES = ("ceasefire", "process", "partial", "comprehensive", "implementation", "renewal")

STATE: tuple[str, ...] = (
    "fighting_last_year",
    "years_since_fighting",
    "cap_share_a",
    "cap_shift_expected",
    "cap_shift_realised",
    *(f"in_force_{t}" for t in AGREEMENT_TYPES),
    "peacekeeping_in_force",
    "third_party_in_force",
    "territorial",
    "interstate",
)
"""What :func:`covariates` reads from a conflict's state in one year."""

_CAP_INPUTS = ("cap_share_a", "cap_shift_expected", "cap_shift_realised")
Arrays = Mapping[str, np.ndarray]


@dataclass(frozen=True)
class Covariate:
    name: str
    meaning: str
    computed: str
    compute: Callable[[Arrays], np.ndarray]


def _flag(name: str) -> Callable[[Arrays], np.ndarray]:
    return lambda s: np.asarray(s[name], dtype=float)


_MISSING = "cap_missing (computed once)"  # the key covariates() keeps the mask under


def _cap_missing(s: Arrays) -> np.ndarray:
    if _MISSING in s:
        return s[_MISSING]
    missing = np.zeros(np.broadcast_shapes(*(np.shape(s[k]) for k in _CAP_INPUTS)), dtype=bool)
    for k in _CAP_INPUTS:
        missing = missing | np.isnan(np.asarray(s[k], dtype=float))
    return missing


def _cap(
    name: str, neutral: float, transform: Callable[[np.ndarray], np.ndarray] = np.asarray
) -> Callable[[Arrays], np.ndarray]:
    return lambda s: np.asarray(
        np.where(_cap_missing(s), neutral, transform(np.asarray(s[name], dtype=float))), dtype=float
    )


COVARIATES: tuple[Covariate, ...] = (
    Covariate("fighting_last_year", "fighting (25+ battle deaths) in the previous year", "fighting_last_year as 0/1", _flag("fighting_last_year")),
    Covariate("log_years_since_fighting", "time since the last fighting: recent fighting begets fighting", "log(1 + years_since_fighting)",
              lambda s: fp.log1p(np.asarray(s["years_since_fighting"], dtype=float))),
    Covariate("cap_share_a", "side A's share of the two sides' military capital stocks (0-1)", "cap_share_a; 0.5 where capability is missing", _cap("cap_share_a", 0.5)),
    Covariate("cap_shift_expected", "anticipated change of side A's share over 5 years at current spending (signed, + = A rising; Powell 2006)",
              "cap_shift_expected; 0 where capability is missing", _cap("cap_shift_expected", 0.0)),
    Covariate("cap_shift_expected_abs", "size of the anticipated shift, whichever side it favours (the commitment problem; Powell 2006)",
              "|cap_shift_expected|; 0 where capability is missing", _cap("cap_shift_expected", 0.0, np.abs)),
    Covariate("cap_shift_realised", "change of side A's share since last year (signed, + = A gained)", "cap_shift_realised; 0 where capability is missing",
              _cap("cap_shift_realised", 0.0)),
    Covariate("cap_missing", "capability of a side unknown (no state on it, or no NMC data)", "1 if any of cap_share_a, cap_shift_expected, cap_shift_realised is NaN",
              lambda s: _cap_missing(s).astype(float)),
    *(Covariate(f"in_force_{t}", f"a {t} agreement is in force", f"in_force_{t} as 0/1", _flag(f"in_force_{t}")) for t in AGREEMENT_TYPES),
    Covariate("peacekeeping_in_force", "an agreement in force provides for an international mission or force (PA-X ImPK)", "peacekeeping_in_force as 0/1", _flag("peacekeeping_in_force")),
    Covariate("third_party_in_force", "an agreement in force has a third party (PA-X ThrdPart, ImUN, ImOth)", "third_party_in_force as 0/1", _flag("third_party_in_force")),
    Covariate("territorial", "the incompatibility is over territory (UCDP 1 or 3)", "territorial as 0/1", _flag("territorial")),
    Covariate("interstate", "an interstate conflict (UCDP type 2)", "interstate as 0/1", _flag("interstate")),
)  # fmt: skip
"""The covariates, in the order the coefficient table lists them (after the intercept)."""

_BY_NAME = {c.name: c for c in COVARIATES}
ALL_COVARIATES = tuple(c.name for c in COVARIATES)


@dataclass(frozen=True)
class HazardSpec:
    """One hazard: its event, its risk set (which conflict-years are at risk), its covariates,
    and the persistence forecast it is scored against ('last year's state of the outcome')."""

    name: str
    event: str
    risk_set: str
    covariates: tuple[str, ...]
    persistence: str


HAZARDS: dict[str, HazardSpec] = {
    h.name: h
    for h in (
        HazardSpec("fighting", "fighting this year", "every conflict-year", ALL_COVARIATES, "fighting last year"),
        HazardSpec(
            "onset",
            "fighting this year (a recurrence)",
            "conflict-years after a year without fighting",
            tuple(c for c in ALL_COVARIATES if c != "fighting_last_year"),  # 0 throughout the risk set
            "fighting last year (always 0 here)",
        ),
        HazardSpec("ceasefire", "a ceasefire agreement signed this year", "every conflict-year", ALL_COVARIATES,
                   "a ceasefire signed last year"),
        HazardSpec("comprehensive", "a comprehensive agreement signed this year", "every conflict-year", ALL_COVARIATES,
                   "a comprehensive agreement signed last year"),
        HazardSpec("breakdown", "fighting this year (the agreements in force break down)",
                   "conflict-years with an agreement in force", ALL_COVARIATES, "fighting last year"),
    )
}  # fmt: skip
"""The five fitted hazards. Every risk set is the panel's conflict-years in PA-X's 1990-2020,
without each conflict's first year (its onset defines it)."""


def capability_state(
    stock_a: ArrayLike, stock_b: ArrayLike, prev_a: ArrayLike, prev_b: ArrayLike, flow_a: ArrayLike, flow_b: ArrayLike
) -> dict[str, np.ndarray]:
    """``cap_share_a``, ``cap_shift_expected`` and ``cap_shift_realised`` from the two sides' summed
    military capital stocks this year and last year and their spending this year (arrays of any
    shape; NaN where a side's capability is unknown), as the panel defines them: the share
    ``K_A / (K_A + K_B)`` (NaN where both are 0), its change since last year, and its change over
    :data:`SHIFT_HORIZON` years if spending stays at this year's level (projected stocks
    ``(1 − δ)^h K + m (1 − (1 − δ)^h) / δ``, δ = :data:`STOCK_DEPRECIATION`; Powell 2006)."""

    ka, kb, pa, pb, ma, mb = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (stock_a, stock_b, prev_a, prev_b, flow_a, flow_b))
    )
    cap = capability_rows(np.array([ka, kb]), np.array([pa, pb]), np.array([ma, mb]))
    return {k: np.asarray(cap[i, ...]) for i, k in enumerate(_CAP_INPUTS)}


_KEEP = (1.0 - STOCK_DEPRECIATION) ** SHIFT_HORIZON
_GROW = (1.0 - _KEEP) / STOCK_DEPRECIATION


def capability_rows(stock: np.ndarray, prev: np.ndarray, flow: np.ndarray) -> np.ndarray:
    """:func:`capability_state` on inputs stacked by side, ``(3, ...)`` rows ``cap_share_a``,
    ``cap_shift_expected``, ``cap_shift_realised``: ``stock``, ``prev`` and ``flow`` are
    ``(2, ...)`` float arrays, side A's and side B's summed stock this year, a year ago and their
    spending this year.

    The sides' projections and the three shares are each computed as one array (the same
    elementwise operations, so the same bits) because the engine calls this every step on
    ``(D,)`` arrays, where each NumPy call's overhead, not its arithmetic, is the cost."""
    z = np.array([stock, _KEEP * stock + flow * _GROW, prev])  # now, projected, a year ago; (2, ...) each
    x = z[:, 0]
    tot = x + z[:, 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(tot > 0, x / tot, np.nan)  # NaN where both stocks are 0
    now = share[0, ...]  # [i, ...]: a view even of 0-d rows
    return np.array([now, share[1, ...] - now, now - share[2, ...]])


def covariates(state: Mapping[str, ArrayLike], names: tuple[str, ...] = ALL_COVARIATES) -> dict[str, np.ndarray]:
    """The named covariates from a conflict's state (:data:`STATE` arrays, broadcast together)."""
    missing = [k for k in STATE if k not in state]
    if missing:
        raise KeyError(f"hazard covariates: expected the state values {', '.join(missing)}, found none of that name")
    arrays = {k: np.asarray(state[k], dtype=float) for k in STATE}
    arrays[_MISSING] = _cap_missing(arrays)  # read by five covariates
    return {n: _BY_NAME[n].compute(arrays) for n in names}


# where covariate_rows finds each state value (rows of STATE) and puts each covariate (rows of
# ALL_COVARIATES); checked here so a reordering of either fails at import, not in the bits
_S = {k: i for i, k in enumerate(STATE)}
_C = {k: i for i, k in enumerate(ALL_COVARIATES)}
_FLAGS = (
    *(f"in_force_{t}" for t in AGREEMENT_TYPES),
    "peacekeeping_in_force",
    "third_party_in_force",
    "territorial",
    "interstate",
)
_S_FLAGS = slice(_S[_FLAGS[0]], _S[_FLAGS[-1]] + 1)
_C_FLAGS = slice(_C[_FLAGS[0]], _C[_FLAGS[-1]] + 1)
_C_CAP = slice(_C["cap_share_a"], _C["cap_shift_realised"] + 1)
_CAP_NEUTRAL = np.array([0.5, 0.0, 0.0, 0.0])  # share, expected, |expected|, realised
_CAP_NEUTRAL_1D = _CAP_NEUTRAL[:, None]  # against (4, D) rows, the engine's case
assert STATE[_S_FLAGS] == _FLAGS and ALL_COVARIATES[_C_FLAGS] == _FLAGS
assert ALL_COVARIATES[_C_CAP] == ("cap_share_a", "cap_shift_expected", "cap_shift_expected_abs", "cap_shift_realised")
assert ALL_COVARIATES[_C_CAP.stop] == "cap_missing"


def covariate_rows(state: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Every covariate (:data:`ALL_COVARIATES`, as rows) of a state given as rows in
    :data:`STATE`'s order, ``(len(STATE), ...)`` floats: the same values, bit for bit, as
    :func:`covariates` (``tests/test_hazard_rows.py`` compares them), computed by blocks of rows
    because the engine calls it every step on ``(D,)`` arrays, where each NumPy call's
    overhead, not its arithmetic, is the cost. ``out``: the ``(len(ALL_COVARIATES), ...)``
    array to write them into (returned)."""
    if out is None:
        out = np.empty((len(ALL_COVARIATES), *state.shape[1:]))
    out[_C["fighting_last_year"]] = state[_S["fighting_last_year"]]
    out[_C["log_years_since_fighting"]] = fp.log1p(state[_S["years_since_fighting"]])
    cap = out[_C_CAP]
    cap[0] = state[_S["cap_share_a"]]
    cap[1] = state[_S["cap_shift_expected"]]
    np.abs(state[_S["cap_shift_expected"]], cap[2])
    cap[3] = state[_S["cap_shift_realised"]]
    missing = np.logical_or.reduce(np.isnan(cap), axis=0)  # any of the three inputs NaN (|NaN| is NaN)
    np.copyto(
        cap, _CAP_NEUTRAL_1D if missing.ndim == 1 else _CAP_NEUTRAL.reshape((4,) + (1,) * missing.ndim), where=missing
    )
    out[_C["cap_missing"]] = missing
    out[_C_FLAGS] = state[_S_FLAGS]
    return out


class HazardTableError(ValueError):
    """A coefficient table that cannot be used (names the file and the field)."""


@dataclass(frozen=True)
class FittedHazard:
    name: str
    intercept: float
    coef: dict[str, float]
    ci: dict[str, tuple[float, float]]
    n: int
    events: int
    conflicts: int

    def linear_predictor(self, state: Mapping[str, ArrayLike]) -> np.ndarray:
        x = covariates(state, tuple(self.coef))
        eta = np.asarray(self.intercept, dtype=float)
        for name, b in self.coef.items():
            eta = eta + b * x[name]
        return np.asarray(eta)


@dataclass(frozen=True)
class HazardTable:
    """The shipped (or a user's) coefficients of every hazard, with the fit's provenance."""

    hazards: dict[str, FittedHazard]
    meta: dict[str, Any]
    source: str

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], source: str) -> HazardTable:
        version = d.get("spec_version")
        if version != SPEC_VERSION:
            raise HazardTableError(
                f"{source}: spec_version: expected {SPEC_VERSION!r} (this accord's covariates), found {version!r}; "
                "refit with `accord calibrate`"
            )
        out: dict[str, FittedHazard] = {}
        for name, h in dict(d.get("hazards", {})).items():
            where = f"{source}: hazards.{name}"
            try:
                coef = {str(k): float(v) for k, v in h["coef"].items()}
                ci = {str(k): (float(v[0]), float(v[1])) for k, v in h["ci95"].items()}
                intercept = coef.pop("intercept")
                fitted = FittedHazard(name, intercept, coef, ci, int(h["n"]), int(h["events"]), int(h["conflicts"]))
            except (KeyError, TypeError, ValueError, IndexError) as e:
                raise HazardTableError(
                    f"{where}: expected coef, ci95, n, events, conflicts with numbers ({e})"
                ) from None
            unknown = [k for k in coef if k not in _BY_NAME]
            if unknown:
                raise HazardTableError(f"{where}.coef: expected covariates of spec {SPEC_VERSION}, found {unknown}")
            out[name] = fitted
        absent = [h for h in HAZARDS if h not in out]
        if absent:
            raise HazardTableError(f"{source}: hazards: expected {', '.join(HAZARDS)}, missing {', '.join(absent)}")
        return cls(out, {k: v for k, v in d.items() if k != "hazards"}, source)

    def predict(self, hazard: str, state: Mapping[str, ArrayLike]) -> np.ndarray:
        """P(event in the year) for every element of the state's arrays."""
        try:
            h = self.hazards[hazard]
        except KeyError:
            raise KeyError(f"hazard: expected one of {', '.join(self.hazards)}, found {hazard!r}") from None
        eta = h.linear_predictor(state)
        return np.asarray(0.5 * (1.0 + fp.tanh(0.5 * np.clip(eta, -60.0, 60.0))))  # logistic, overflow-free


def load_table(path: Path) -> HazardTable:
    """A coefficient table written by ``accord calibrate``."""
    try:
        d = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise HazardTableError(
            f"{path}: expected a JSON coefficient table, found one that cannot be read ({e})"
        ) from None
    return HazardTable.from_dict(d, str(path))


SHIPPED = "data/hazards.json"


@cache
def default_table() -> HazardTable:
    """The coefficients shipped in the package (``accord/models/data/hazards.json``)."""
    text = resources.files("accord.models").joinpath(SHIPPED).read_text(encoding="utf-8")
    return HazardTable.from_dict(json.loads(text), f"accord.models/{SHIPPED}")


def predict(hazard: str, state: Mapping[str, ArrayLike], table: HazardTable | None = None) -> np.ndarray:
    """P(the hazard's event in one year) from a conflict's state (arrays over draws), with the
    shipped coefficients unless ``table`` is given. See :data:`HAZARDS` and :data:`COVARIATES`."""
    return (table or default_table()).predict(hazard, state)
