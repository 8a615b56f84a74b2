"""Fitting the yearly hazards (:mod:`accord.models.hazards`) on the conflict panel.

Each hazard is a discrete-time logit (Beck, Katz & Tucker 1998, *AJPS* 42(4)) fitted by maximum
likelihood with statsmodels' GLM (binomial family, logit link, IRLS) on its risk set: the panel's
conflict-years in PA-X's years 1990-2020 (where agreements are observed), without each conflict's
first year (the onset that defines it), restricted further per hazard
(:data:`accord.models.hazards.HAZARDS`). Intervals are Wald 95% intervals from the model's
standard errors. No row of a risk set is dropped: a missing capability is an indicator plus a
neutral value (see :mod:`accord.models.hazards`); :func:`hazard_sample` raises if any covariate
is still missing, so a silent drop cannot happen.

``accord calibrate`` writes the table the package ships (``src/accord/models/data/hazards.json``)
with the data citation, the git commit of the code that fitted it, n, events and intervals.
"""

from __future__ import annotations

import subprocess
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.api as sm
from threadpoolctl import threadpool_limits

from accord.analysis.panel import PAX_END, PAX_START
from accord.models.hazards import HAZARDS, SPEC_VERSION, STATE, covariates

__all__ = [
    "CITATION",
    "HazardSample",
    "fit_hazard",
    "git_commit",
    "hazard_sample",
    "hazard_table",
]

CITATION = {
    "ucdp": "UCDP/PRIO Armed Conflict Dataset v25.1: Davies, Pettersson & Öberg (2025), 'Organized violence "
    "1989-2024', J. Peace Research; Gleditsch et al. (2002), 'Armed Conflict 1946-2001: A New Dataset', "
    "J. Peace Research 39(5). CC BY 4.0.",
    "nmc": "Correlates of War National Material Capabilities v6.0: Singer, Bremer & Stuckey (1972), 'Capability "
    "Distribution, Uncertainty, and Major Power War, 1820-1965', in Russett (ed.), Peace, War, and Numbers; "
    "codebook Greig & Enterline (2021).",
    "pax": "PA-X Peace Agreements Database: Bell & Badanjak (2019), 'Introducing PA-X: A new peace agreement "
    "database and dataset', J. Peace Research 56(3); University of Edinburgh.",
    "withheld": "UCDP conflict 388 (Armenia-Azerbaijan) and the PA-X agreements on Armenia/Azerbaijan/"
    "Nagorno-Karabakh are not in the data: the Minsk Group case stays out of sample.",
}


def _lag_positive(frame: pd.DataFrame, column: str) -> pd.Series:
    """Whether ``column`` (a count) was positive in the conflict's previous year (missing = no)."""
    prev = frame.groupby("conflict_id", sort=False)[column].shift(1)
    return prev.fillna(0).astype(float) > 0


@dataclass(frozen=True)
class HazardSample:
    """One hazard's risk set: design matrix (intercept first), events, conflicts, and the
    persistence forecast (last year's state of the outcome); ``state``: the rows' raw state
    (:data:`accord.models.hazards.STATE`), what :func:`accord.models.hazards.predict` reads."""

    name: str
    X: pd.DataFrame
    y: np.ndarray
    groups: np.ndarray
    persistence: np.ndarray
    years_since_fighting: np.ndarray
    year: np.ndarray
    state: dict[str, np.ndarray]


def _risk_rows(frame: pd.DataFrame, name: str) -> pd.Series:
    base = frame["pax_observed"] & ~frame["first_year"] & frame["year"].between(PAX_START, PAX_END)
    if name == "onset":
        return base & ~frame["fighting_last_year"]
    if name == "breakdown":
        return base & frame["in_force_any"].fillna(False).astype(bool)
    return base


def _outcome(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in ("fighting", "onset", "breakdown"):
        return frame["fighting"].astype(bool)
    return frame[f"signed_{name}"].fillna(0).astype(int) > 0


def _persistence(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in ("ceasefire", "comprehensive"):
        return _lag_positive(frame, f"signed_{name}")
    return frame["fighting_last_year"].astype(bool)


def hazard_sample(frame: pd.DataFrame, name: str) -> HazardSample:
    """The risk set of hazard ``name`` in a panel (from :func:`accord.analysis.panel.build_panel`)."""
    spec = HAZARDS[name]
    frame = frame.sort_values(["conflict_id", "year"]).reset_index(drop=True)
    persistence = _persistence(frame, name)
    rows = _risk_rows(frame, name).to_numpy()
    sub = frame.loc[rows]
    state = {k: sub[k].astype("float64").to_numpy() for k in STATE}
    x = covariates(state, spec.covariates)
    X = pd.DataFrame({"intercept": np.ones(len(sub)), **x}, index=sub.index)
    bad = X.isna().any(axis=1)
    if bad.any():
        r = sub.loc[bad].iloc[0]
        cols = [c for c in X.columns if np.isnan(X.loc[bad].iloc[0][c])]
        raise ValueError(
            f"hazard {name}: covariates {cols} missing for conflict {r['conflict_id']} year {r['year']} "
            "(a risk-set row would be dropped)"
        )
    return HazardSample(
        name,
        X.reset_index(drop=True),
        _outcome(sub, name).to_numpy(dtype=float),
        sub["conflict_id"].to_numpy(dtype=int),
        persistence.loc[rows].to_numpy(dtype=float),
        sub["years_since_fighting"].astype("float64").to_numpy(),
        sub["year"].to_numpy(dtype=int),
        state,
    )


def fit_hazard(X: pd.DataFrame, y: np.ndarray) -> Any:
    """The binomial GLM (logit link) of ``y`` on ``X`` (which holds the intercept), by statsmodels."""
    # one BLAS thread: these least-squares steps are small, and threads only contend for the cores
    with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"):
        warnings.simplefilter("ignore", category=RuntimeWarning)  # exp overflow on separated folds
        return sm.GLM(y, X, family=sm.families.Binomial()).fit()


def git_commit(where: Path, ignore: tuple[str, ...] = ()) -> dict[str, Any]:
    """HEAD of the git checkout holding ``where`` and whether tracked files differ from it
    (``ignore``: paths whose changes do not count, e.g. the table being written)."""
    try:
        head = subprocess.run(
            ["git", "-C", str(where), "rev-parse", "HEAD"], capture_output=True, text=True, check=True, timeout=30
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(where), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {"commit": "unknown (not a git checkout)", "dirty": None}
    changed = [ln[3:] for ln in status.splitlines() if ln[3:] and not any(ln[3:].endswith(i) for i in ignore)]
    return {"commit": head, "dirty": bool(changed), "changed": changed}


def hazard_table(frame: pd.DataFrame, provenance: Mapping[str, Any]) -> dict[str, Any]:
    """Fit every hazard on the panel and return the coefficient table (JSON-ready)."""
    hazards: dict[str, Any] = {}
    for name, spec in HAZARDS.items():
        s = hazard_sample(frame, name)
        res = fit_hazard(s.X, s.y)
        ci = np.asarray(res.conf_int(alpha=0.05))
        names = list(s.X.columns)
        hazards[name] = {
            "event": spec.event,
            "risk_set": spec.risk_set,
            "n": len(s.y),
            "events": int(s.y.sum()),
            "conflicts": int(np.unique(s.groups).size),
            "coef": {k: float(v) for k, v in zip(names, np.asarray(res.params), strict=True)},
            "se": {k: float(v) for k, v in zip(names, np.asarray(res.bse), strict=True)},
            "ci95": {k: [float(lo), float(hi)] for k, (lo, hi) in zip(names, ci, strict=True)},
            "log_likelihood": float(res.llf),
            "converged": bool(res.converged),
        }
    return {
        "spec_version": SPEC_VERSION,
        "model": "discrete-time logit hazard (statsmodels GLM, binomial family, logit link); ci95: Wald",
        "window": [PAX_START, PAX_END],
        "citation": CITATION,
        "statsmodels": statsmodels.__version__,
        **provenance,
        "hazards": hazards,
    }
