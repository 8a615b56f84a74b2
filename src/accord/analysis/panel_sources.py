"""Reading the three research data sets the conflict panel is built from, with checked fields.

- **UCDP/PRIO Armed Conflict Dataset** (v25.1; Gleditsch et al. 2002, *J. Peace Research* 39(5);
  Davies, Pettersson & Öberg 2025, *J. Peace Research*): one row per conflict-year with at least
  25 battle-related deaths.
- **COW National Material Capabilities** (v6.0; Singer, Bremer & Stuckey 1972; codebook Greig &
  Enterline 2021): one row per state-year, ``milex`` in thousands of current US$, ``cinc``.
- **PA-X Peace Agreements Database** (Bell & Badanjak 2019, *J. Peace Research* 56(3)): one row
  per agreement with its stage, date, UCDP conflict and provision codes.

Each reader returns a plain :class:`pandas.DataFrame` of typed columns or raises
:class:`PanelInputError` naming the file, the row, the field and what was expected. Rows on the
Armenia–Azerbaijan conflict are removed here (see :data:`WITHHELD_UCDP_CONFLICT`), whatever the
file holds, and counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "ARMENIA",
    "AZERBAIJAN",
    "WITHHELD_UCDP_CONFLICT",
    "PanelInputError",
    "PaxAgreements",
    "UcdpRows",
    "read_nmc",
    "read_pax",
    "read_ucdp",
]

WITHHELD_UCDP_CONFLICT = 388
"""UCDP conflict 388 (Armenia–Azerbaijan, Nagorno-Karabakh): never fitted on, so that the Minsk
Group replay stays an out-of-sample test of anything calibrated on the panel."""
ARMENIA, AZERBAIJAN = 371, 373  # COW and Gleditsch–Ward codes alike
_WITHHELD_NAMES = re.compile(r"armenia|azerbaijan|karabakh|karabagh|artsakh", re.IGNORECASE)

PAX_STAGES: dict[str, str] = {
    "Cea": "ceasefire",
    "Pre": "process",
    "SubPar": "partial",
    "SubComp": "comprehensive",
    "Imp": "implementation",
    "Ren": "renewal",
}
"""PA-X ``Stage`` code → the agreement type accord uses (PA-X codebook: ceasefire/related,
pre-negotiation/process, substantive-partial, substantive-comprehensive, implementation/renegotiation,
renewal). ``Oth`` (other) is counted among agreements but has no type."""


class PanelInputError(ValueError):
    """A data file that cannot be used: names the file, the row or column and what was expected."""


def _require(frame: pd.DataFrame, path: Path, columns: list[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise PanelInputError(
            f"{path}: expected columns {', '.join(missing)}, found none of that name (header: "
            f"{', '.join(map(str, frame.columns[:12]))}{', …' if len(frame.columns) > 12 else ''})"
        )


def _read_csv(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise PanelInputError(f"{path}: expected a CSV file, found no file")
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        raise PanelInputError(f"{path}: expected a UTF-8 CSV file, found one that cannot be read ({e})") from None


def _ints(frame: pd.DataFrame, path: Path, column: str, *, allow_empty: bool = False) -> pd.Series:
    """A column of integers (``12``, ``12.0``); a bad cell raises with its 1-based file line."""
    raw = frame[column].str.strip()
    empty = raw.eq("") | raw.str.upper().eq("NA")
    num = pd.to_numeric(raw.where(~empty), errors="coerce")
    bad = (num.isna() & ~empty) | (num.notna() & (num != num.round()))
    if not allow_empty:
        bad |= empty
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise PanelInputError(f"{path}:{i + 2}: {column}: expected an integer, found {frame[column].iloc[i]!r}")
    return num.astype("Int64")


def _code_lists(frame: pd.DataFrame, path: Path, column: str) -> list[tuple[int, ...]]:
    """UCDP state-code cells like ``"2, 200, 210"`` (empty = no state) as tuples of ints."""
    out: list[tuple[int, ...]] = []
    for i, cell in enumerate(frame[column]):
        parts = [p.strip() for p in cell.split(",") if p.strip()]
        try:
            out.append(tuple(int(float(p)) for p in parts))
        except ValueError:
            raise PanelInputError(
                f"{path}:{i + 2}: {column}: expected comma-separated state codes, found {cell!r}"
            ) from None
    return out


@dataclass(frozen=True)
class UcdpRows:
    """The conflict-years read, and what was dropped on the withheld conflict."""

    frame: pd.DataFrame
    rows_read: int
    conflicts_read: int
    dropped_withheld_rows: int


UCDP_COLUMNS = [
    "conflict_id", "location", "side_a", "side_b", "incompatibility", "year", "intensity_level",
    "type_of_conflict", "gwno_a", "gwno_a_2nd", "gwno_b", "gwno_b_2nd", "region",
]  # fmt: skip


def read_ucdp(path: Path) -> UcdpRows:
    """UCDP/PRIO conflict-years with ``states_a`` / ``states_b`` (primary and secondary, GW codes)."""
    raw = _read_csv(path)
    _require(raw, path, UCDP_COLUMNS)
    f = pd.DataFrame({"conflict_id": _ints(raw, path, "conflict_id"), "year": _ints(raw, path, "year")})
    for c in ("incompatibility", "intensity_level", "type_of_conflict"):
        f[c] = _ints(raw, path, c)
    for c, ok in (("intensity_level", {1, 2}), ("type_of_conflict", {1, 2, 3, 4}), ("incompatibility", {1, 2, 3})):
        bad = ~f[c].isin(ok)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise PanelInputError(f"{path}:{i + 2}: {c}: expected one of {sorted(ok)}, found {raw[c].iloc[i]!r}")
    for c in ("location", "side_a", "side_b", "region"):
        f[c] = raw[c].str.strip()
    prim_a, sec_a = _code_lists(raw, path, "gwno_a"), _code_lists(raw, path, "gwno_a_2nd")
    prim_b, sec_b = _code_lists(raw, path, "gwno_b"), _code_lists(raw, path, "gwno_b_2nd")
    f["states_a"] = [tuple(dict.fromkeys(p + s)) for p, s in zip(prim_a, sec_a, strict=True)]
    f["states_b"] = [tuple(dict.fromkeys(p + s)) for p, s in zip(prim_b, sec_b, strict=True)]
    f["external_a"] = [bool(s) for s in sec_a]
    f["external_b"] = [bool(s) for s in sec_b]
    dup = f.duplicated(["conflict_id", "year"])
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise PanelInputError(
            f"{path}:{i + 2}: conflict_id, year: expected one row per conflict-year, found "
            f"{f.conflict_id.iloc[i]} {f.year.iloc[i]} twice"
        )
    withheld = (f.conflict_id == WITHHELD_UCDP_CONFLICT) | pd.Series(
        [_is_armenia_azerbaijan(a, b) for a, b in zip(f.states_a, f.states_b, strict=True)], index=f.index
    )
    kept = f.loc[~withheld].sort_values(["conflict_id", "year"]).reset_index(drop=True)
    return UcdpRows(kept, len(f), int(f.conflict_id.nunique()), int(withheld.sum()))


def _is_armenia_azerbaijan(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    return (ARMENIA in a and AZERBAIJAN in b) or (AZERBAIJAN in a and ARMENIA in b)


def read_nmc(path: Path) -> pd.DataFrame:
    """COW NMC state-years: ``ccode``, ``year``, ``milex`` (thousands of current US$, NaN where
    NMC codes -9 = missing) and ``cinc`` (NaN where missing)."""
    raw = _read_csv(path)
    _require(raw, path, ["ccode", "year", "milex", "cinc"])
    f = pd.DataFrame({"ccode": _ints(raw, path, "ccode"), "year": _ints(raw, path, "year")})
    for c in ("milex", "cinc"):
        v = pd.to_numeric(raw[c].str.strip(), errors="coerce")
        bad = v.isna() & raw[c].str.strip().ne("")
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise PanelInputError(f"{path}:{i + 2}: {c}: expected a number (-9 = missing), found {raw[c].iloc[i]!r}")
        f[c] = v.where(v >= 0)  # NMC's -9 (and any negative) is "missing"
    dup = f.duplicated(["ccode", "year"])
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise PanelInputError(f"{path}:{i + 2}: ccode, year: expected one row per state-year, found a repeat")
    return f.sort_values(["ccode", "year"]).reset_index(drop=True)


@dataclass(frozen=True)
class PaxAgreements:
    """PA-X agreements with a UCDP conflict, and counts of what was dropped and why."""

    frame: pd.DataFrame  # AgtId, conflict_id, year, stage (accord's type or "other"), peacekeeping, third_party
    read: int
    dropped_withheld: int
    dropped_no_conflict: int


PEACEKEEPING_CODE = "ImPK"
"""PA-X implementation provision 'international mission / force / similar' (peacekeeping or
monitoring mission): 1 if the agreement provides for one."""
THIRD_PARTY_CODES = ("ThrdPart", "ImUN", "ImOth")
"""PA-X fields that show a third party: ``ThrdPart`` (named third-party signatories, witnesses or
facilitators; non-empty text), ``ImUN`` (UN signatory), ``ImOth`` (other international signatory)."""


def read_pax(path: Path) -> PaxAgreements:
    """PA-X agreements, typed by stage, with the peacekeeping and third-party flags accord uses."""
    raw = _read_csv(path)
    cols = ["AgtId", "Con", "Dat", "Stage", "UcdpCon", "Loc1GWNO", "Loc2GWNO", PEACEKEEPING_CODE, *THIRD_PARTY_CODES]
    _require(raw, path, cols)
    agt = _ints(raw, path, "AgtId")
    dat = raw["Dat"].str.strip()
    ok_date = dat.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
    if not ok_date.all():
        i = int(np.flatnonzero(~ok_date.to_numpy())[0])
        raise PanelInputError(f"{path}:{i + 2}: Dat: expected a date YYYY-MM-DD, found {raw['Dat'].iloc[i]!r}")
    stage = raw["Stage"].str.strip()
    known = stage.isin([*PAX_STAGES, "Oth"])
    if not known.all():
        i = int(np.flatnonzero(~known.to_numpy())[0])
        raise PanelInputError(
            f"{path}:{i + 2}: Stage: expected one of {', '.join([*PAX_STAGES, 'Oth'])}, found {raw['Stage'].iloc[i]!r}"
        )
    flags = {}
    for c in (PEACEKEEPING_CODE, "ImUN", "ImOth"):
        v = raw[c].str.strip()
        bad = ~v.isin(["0", "1"])
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise PanelInputError(f"{path}:{i + 2}: {c}: expected 0 or 1, found {raw[c].iloc[i]!r}")
        flags[c] = v.eq("1")
    named_third = raw["ThrdPart"].str.contains(r"[A-Za-z]", regex=True)  # "/" or blanks name nobody
    conflict = _ints(raw, path, "UcdpCon", allow_empty=True)
    loc = pd.concat(
        [_ints(raw, path, "Loc1GWNO", allow_empty=True), _ints(raw, path, "Loc2GWNO", allow_empty=True)], axis=1
    )
    withheld = (
        conflict.eq(WITHHELD_UCDP_CONFLICT).fillna(False)
        | raw["Con"].str.contains(_WITHHELD_NAMES)
        | loc.isin([ARMENIA, AZERBAIJAN]).any(axis=1)
    )
    f = pd.DataFrame(
        {
            "AgtId": agt,
            "conflict_id": conflict,
            "year": dat.str[:4].astype(int),
            "stage": stage.map(PAX_STAGES).fillna("other"),
            "peacekeeping": flags[PEACEKEEPING_CODE],
            "third_party": named_third | flags["ImUN"] | flags["ImOth"],
        }
    )
    no_conflict = conflict.isna() & ~withheld
    kept = f.loc[~withheld & ~no_conflict].reset_index(drop=True)
    return PaxAgreements(kept, len(f), int(withheld.sum()), int(no_conflict.sum()))
