"""Capability of the states on each side of a conflict: military capital stocks and CINC.

**Stock** (perpetual inventory, geometric depreciation; OECD 2009, *Measuring Capital*, 2nd ed.):
``K_t = (1 − δ) K_{t−1} + m_t`` on COW NMC military expenditure ``m`` (thousands of current US$),
started at the steady state ``K = m / δ`` in a state's first year (and again when it re-enters
the state system after a gap). ``δ`` = :data:`DEPRECIATION` = 0.10 per year is an **assumption**
(a ten-year mean service life of what a military budget buys), the same default as the engine's
``stock_depreciation``. Interior gaps in NMC's ``milex`` (coded −9) are filled by linear
interpolation between the neighbouring years; leading and trailing gaps are left missing.
Current dollars are not deflated: the panel uses stocks only as a *share* of two sides in the
same year, where a common price level cancels (up to the timing of each side's spending).

**Projection** (the anticipated shift, Powell 2006, 'War as a commitment problem', *Int.
Organization* 60(1)): the stock ``h`` years ahead if spending stays at this year's level,
``(1 − δ)^h K_t + m_t (1 − (1 − δ)^h) / δ`` — what each side can foresee from today's budgets;
``h`` = :data:`ANTICIPATION_YEARS` = 5 (assumption, the engine's default horizon).

**Codes.** UCDP writes states in Gleditsch–Ward (GW) codes, NMC in COW codes; they agree for most
states. Where a GW code has no NMC row in the year, :data:`GW_TO_COW` is tried (each use is
counted); anything still unmatched is reported and leaves that side's capability missing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import cast

import numpy as np
import pandas as pd

from accord.models.hazards import SHIFT_HORIZON, STOCK_DEPRECIATION

__all__ = ["ANTICIPATION_YEARS", "DEPRECIATION", "GW_TO_COW", "StateCapability", "side_capability"]

# the constants belong to the covariates' definition, which the engine shares
DEPRECIATION = STOCK_DEPRECIATION
ANTICIPATION_YEARS = SHIFT_HORIZON

GW_TO_COW: dict[int, int] = {
    260: 255,  # Germany: GW keeps 260 after unification, COW codes unified Germany 255 (from 1990)
    678: 679,  # Yemen: GW keeps 678 after unification, COW codes unified Yemen 679 (from 1990)
    340: 345,  # Serbia: GW 340 from 2006, COW continues Yugoslavia/Serbia as 345
    972: 955,  # Tonga: GW 972, COW 955
}
"""Gleditsch–Ward → COW codes for the states whose codes differ (Gleditsch & Ward 1999, 'A revised
list of independent states since 1816', *International Interactions* 25(4); COW State System
Membership list), used only where the GW code itself has no NMC row in that year."""


@dataclass
class StateCapability:
    """Per state-year stocks, flows, projections and CINC; lookups keyed by (COW code, year)."""

    stock: dict[tuple[int, int], float]
    flow: dict[tuple[int, int], float]
    cinc: dict[tuple[int, int], float]
    last_year: int
    milex_missing: int
    milex_interpolated: int
    matched_direct: int = 0
    matched_remap: Counter[str] = field(default_factory=Counter)
    unmatched: Counter[int] = field(default_factory=Counter)

    @classmethod
    def from_nmc(cls, nmc: pd.DataFrame, depreciation: float = DEPRECIATION) -> StateCapability:
        stock: dict[tuple[int, int], float] = {}
        flow: dict[tuple[int, int], float] = {}
        interpolated = 0
        for key, g in nmc.groupby("ccode", sort=True):
            ccode = int(cast(int, key))
            years = g["year"].to_numpy(dtype=int)
            # a new spell wherever the state leaves and re-enters the system
            spell = np.concatenate([[0], np.cumsum(np.diff(years) != 1)])
            for s in np.unique(spell):
                sel = spell == s
                m = g["milex"].to_numpy(dtype=float)[sel]
                filled = pd.Series(m).interpolate(limit_area="inside").to_numpy()
                interpolated += int(np.isnan(m).sum() - np.isnan(filled).sum())
                k = np.nan
                for y, mt in zip(years[sel], filled, strict=True):
                    if np.isnan(mt):
                        k = np.nan  # trailing gap; a leading gap just waits for the first value
                        continue
                    k = mt / depreciation if np.isnan(k) else (1.0 - depreciation) * k + mt
                    stock[(ccode, int(y))] = float(k)
                    flow[(ccode, int(y))] = float(mt)
        cinc = {
            (int(c), int(y)): float(v)
            for c, y, v in zip(nmc["ccode"], nmc["year"], nmc["cinc"], strict=True)
            if not np.isnan(v)
        }
        return cls(stock, flow, cinc, int(nmc["year"].max()), int(nmc["milex"].isna().sum()), interpolated)

    def code(self, gw: int, year: int, *, count: bool = False) -> int | None:
        """The COW code under which NMC has state ``gw`` in ``year`` (None if it has none)."""
        if (gw, year) in self.stock or (gw, year) in self.cinc:
            if count:
                self.matched_direct += 1
            return gw
        cow = GW_TO_COW.get(gw)
        if cow is not None and ((cow, year) in self.stock or (cow, year) in self.cinc):
            if count:
                self.matched_remap[f"{gw}->{cow}"] += 1
            return cow
        if count:
            self.unmatched[gw] += 1
        return None


@dataclass(frozen=True)
class SideCapability:
    """One side's summed capability in one year; NaN where any of its states lacks the value."""

    stock: float
    stock_prev: float
    projected: float
    cinc: float


def side_capability(
    cap: StateCapability,
    states: tuple[int, ...],
    year: int,
    *,
    count: bool = False,
    depreciation: float = DEPRECIATION,
    horizon: int = ANTICIPATION_YEARS,
) -> SideCapability:
    """The summed stock (this and last year), projected stock and CINC of ``states`` in ``year``
    (same states in both years, so a change is a change in capability, not in who is on the side)."""
    nan = SideCapability(np.nan, np.nan, np.nan, np.nan)
    if not states or year > cap.last_year:
        return nan
    codes = [cap.code(s, year, count=count) for s in states]
    if any(c is None for c in codes):
        return nan
    keep = (1.0 - depreciation) ** horizon
    k = k_prev = proj = cinc = 0.0
    for c in codes:
        assert c is not None
        kt = cap.stock.get((c, year), np.nan)
        mt = cap.flow.get((c, year), np.nan)
        k += kt
        k_prev += cap.stock.get((c, year - 1), np.nan)
        proj += keep * kt + mt * (1.0 - keep) / depreciation
        cinc += cap.cinc.get((c, year), np.nan)
    return SideCapability(k, k_prev, proj, cinc)
