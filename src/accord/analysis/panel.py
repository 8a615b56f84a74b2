"""The cross-conflict panel: one row per conflict-year, from UCDP, COW NMC and PA-X.

Built by :func:`build_panel` (``accord panel build``). A conflict enters in its first UCDP year
(25+ battle deaths) and stays to the end of the UCDP data (2024 in v25.1), fighting or not.
Each source covers fewer years, and outside its years its columns are missing (``<NA>``/NaN),
never zero:

- **UCDP** 1946–2024: fighting, intensity, episodes, sides — every year.
- **PA-X** agreements 1990–2020: the ``signed_*``, ``in_force_*``, ``peacekeeping_in_force``,
  ``third_party_in_force`` and ``breakdown`` columns are missing before 1990 and after 2020
  (``pax_observed`` is False there). In 1990 nothing is in force: PA-X starts then, so an
  agreement signed before 1990 is not seen (left-censoring).
- **COW NMC** 1816–2016: capability columns are missing after 2016 (``nmc_observed`` False).

**Agreement in force, and breakdown.** PA-X dates signatures but not ends. accord's rule: an
agreement is *in force* from the year after it is signed until the first later year with
fighting (25+ battle deaths in UCDP), which is its *breakdown* year (it is still counted in
force in that year, so that breakdown = fighting while an agreement is in force); from the next
year on it is no longer in force. Why: the data are yearly, so fighting in the signing year may
precede the signature and cannot count against it; the first later year of fighting is the
earliest yearly evidence that the agreement did not hold. It is strict (any 25-death year ends
every agreement of the conflict, even one that formally survives a spoiler) and gives agreements
no expiry (one signed in 1995 stays in force while the conflict stays quiet).

**Sides and capability.** Side A is UCDP's side A (in an intrastate conflict, the government),
side B the other; each side's states are its primary and secondary parties (``gwno_a`` and
``gwno_a_2nd``; ``gwno_b`` and ``gwno_b_2nd``), mapped to COW codes
(:mod:`accord.analysis.panel_capability`). In a year without fighting the sides of the last year
with fighting are kept. A side without any state (a rebel group with no state supporting it) has
no capability: the share is then missing, as it is where any state lacks NMC data. Shares and
shifts are signed from side A's point of view.

**First years.** A conflict's first row is the year it is first seen fighting (onset); it is
defined by the event, so the hazards (:mod:`accord.analysis.calibration`) leave it out of every
risk set.

**Armenia–Azerbaijan.** Rows of UCDP conflict 388 or any dyad with Armenia (371) on one side and
Azerbaijan (373) on the other, and PA-X agreements on Armenia, Azerbaijan or Nagorno-Karabakh, are
dropped and counted in the join report, should a data file ever contain them.

Columns (also written to ``docs/panel.md`` by ``accord panel docs``):
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from accord.analysis.panel_capability import (
    ANTICIPATION_YEARS,
    DEPRECIATION,
    GW_TO_COW,
    StateCapability,
    side_capability,
)
from accord.analysis.panel_sources import (
    PAX_STAGES,
    PEACEKEEPING_CODE,
    THIRD_PARTY_CODES,
    PanelInputError,
    read_nmc,
    read_pax,
    read_ucdp,
)
from accord.analysis.storage import frame_to_table, sha256_file, write_parquet_atomic

__all__ = [
    "AGREEMENT_TYPES",
    "COLUMNS",
    "PAX_END",
    "PAX_START",
    "Column",
    "JoinReport",
    "Panel",
    "PanelInputError",
    "build_panel",
    "columns_markdown",
    "read_panel",
    "write_panel",
]

PAX_START, PAX_END = 1990, 2020
AGREEMENT_TYPES: tuple[str, ...] = tuple(PAX_STAGES.values())
"""ceasefire, process, partial, comprehensive, implementation, renewal (PA-X stages)."""


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str
    source: str
    meaning: str


def _columns() -> tuple[Column, ...]:
    c = Column
    cols = [
        c("conflict_id", "int", "UCDP", "UCDP conflict id"),
        c(
            "year",
            "int",
            "UCDP",
            "calendar year; every year from the conflict's first UCDP year to the last year of the UCDP data",
        ),
        c("location", "str", "UCDP", "UCDP location (of the last year with fighting so far)"),
        c(
            "side_a",
            "str",
            "UCDP",
            "UCDP side A (the government in intrastate conflicts), of the last year with fighting so far",
        ),
        c("side_b", "str", "UCDP", "UCDP side B, of the last year with fighting so far"),
        c("region", "str", "UCDP", "UCDP region code(s)"),
        c(
            "type_of_conflict",
            "int",
            "UCDP",
            "1 extrasystemic, 2 interstate, 3 intrastate, 4 internationalized intrastate (last year with fighting so far)",
        ),
        c("incompatibility", "int", "UCDP", "1 territory, 2 government, 3 both (last year with fighting so far)"),
        c("territorial", "bool", "UCDP", "incompatibility is territory (1) or both (3)"),
        c("interstate", "bool", "UCDP", "type_of_conflict is 2 (interstate)"),
        c("fighting", "bool", "UCDP", "the conflict has a UCDP row this year (25+ battle-related deaths)"),
        c("intensity", "int", "UCDP", "0 no fighting, 1 minor (25-999 deaths), 2 war (1,000+); UCDP intensity_level"),
        c(
            "first_year",
            "bool",
            "UCDP",
            "the conflict's first year in UCDP (its onset; left out of every hazard's risk set)",
        ),
        c("onset", "bool", "UCDP", "same as first_year: the year the conflict starts"),
        c(
            "recurrence",
            "bool",
            "UCDP",
            "fighting this year after at least one year without (a new episode that is not the first)",
        ),
        c("new_episode", "bool", "UCDP", "onset or recurrence"),
        c(
            "episode",
            "int",
            "UCDP",
            "episode number: 1 from onset, +1 at each recurrence; quiet years keep the last episode's number",
        ),
        c("fighting_last_year", "bool", "UCDP", "fighting in the previous year (False in the first year)"),
        c(
            "years_since_fighting",
            "Int64",
            "UCDP",
            "year minus the last earlier year with fighting (1 after a year of fighting); <NA> in the first year",
        ),
        c(
            "external_support_a",
            "bool",
            "UCDP",
            "side A has secondary warring states (gwno_a_2nd), last year with fighting so far",
        ),
        c(
            "external_support_b",
            "bool",
            "UCDP",
            "side B has secondary warring states (gwno_b_2nd), last year with fighting so far",
        ),
        c(
            "pax_observed",
            "bool",
            "PA-X",
            f"{PAX_START} <= year <= {PAX_END}: PA-X covers the year; agreement columns are <NA> outside",
        ),
        c(
            "agreements_signed",
            "Int64",
            "PA-X",
            "agreements of the conflict (PA-X UcdpCon) signed this year, any stage (Oth included)",
        ),
    ]
    for t, code in zip(AGREEMENT_TYPES, PAX_STAGES, strict=True):
        cols.append(c(f"signed_{t}", "Int64", "PA-X", f"{t} agreements signed this year (PA-X Stage = {code})"))
    cols += [
        c(
            "signed_peacekeeping",
            "Int64",
            "PA-X",
            f"agreements signed this year providing for an international mission/force ({PEACEKEEPING_CODE} = 1)",
        ),
        c(
            "signed_third_party",
            "Int64",
            "PA-X",
            f"agreements signed this year with a third party ({' or '.join(THIRD_PARTY_CODES)})",
        ),
    ]
    for t in AGREEMENT_TYPES:
        cols.append(
            c(
                f"in_force_{t}",
                "boolean",
                "PA-X+UCDP",
                f"a {t} agreement is in force (signed in an earlier year, no fighting since the year after its signature until last year)",
            )
        )
    cols += [
        c("in_force_any", "boolean", "PA-X+UCDP", "any agreement (any stage) is in force"),
        c("peacekeeping_in_force", "boolean", "PA-X+UCDP", f"an agreement in force provides for an international mission/force ({PEACEKEEPING_CODE})"),
        c("third_party_in_force", "boolean", "PA-X+UCDP", f"an agreement in force has a third party ({', '.join(THIRD_PARTY_CODES)})"),
        c("breakdown", "boolean", "PA-X+UCDP", "fighting while an agreement is in force (the agreements in force break down this year)"),
        c("agreements_broken", "Int64", "PA-X+UCDP", "number of agreements in force that break down this year"),
        c("states_a", "str", "UCDP", "Gleditsch-Ward codes of side A's states (primary and secondary), ';'-separated; empty = none"),
        c("states_b", "str", "UCDP", "Gleditsch-Ward codes of side B's states, ';'-separated; empty = no state (e.g. a rebel group)"),
        c("nmc_observed", "bool", "COW NMC", "year <= last NMC year (2016 in v6.0); capability columns are NaN after it"),
        c("cap_stock_a", "float", "COW NMC", f"side A's military capital stock: perpetual inventory of milex (thousands of current US$), depreciation {DEPRECIATION}/yr (assumption); NaN if any state lacks data"),
        c("cap_stock_b", "float", "COW NMC", "side B's military capital stock (as cap_stock_a); NaN if side B has no state or any lacks data"),
        c("cap_share_a", "float", "COW NMC", "cap_stock_a / (cap_stock_a + cap_stock_b): side A's share of the two sides' stocks this year"),
        c("cap_log_ratio", "float", "COW NMC", "log(cap_stock_a / cap_stock_b); NaN where either is 0 or missing"),
        c("cap_share_a_prev", "float", "COW NMC", "side A's share last year, with this year's states on each side"),
        c("cap_shift_realised", "float", "COW NMC", "cap_share_a - cap_share_a_prev: the shift in side A's favour this year (signed)"),
        c("cap_share_a_projected", "float", "COW NMC", f"side A's share in {ANTICIPATION_YEARS} years if every state keeps spending at this year's rate (projected stocks)"),
        c("cap_shift_expected", "float", "COW NMC", f"cap_share_a_projected - cap_share_a: the anticipated shift over {ANTICIPATION_YEARS} years in side A's favour (signed; Powell 2006)"),
        c("cinc_a", "float", "COW NMC", "sum of side A's states' CINC (share of world capabilities)"),
        c("cinc_b", "float", "COW NMC", "sum of side B's states' CINC"),
        c("cinc_share_a", "float", "COW NMC", "cinc_a / (cinc_a + cinc_b)"),
        c("cap_observed", "bool", "COW NMC", "cap_share_a, cap_shift_realised and cap_shift_expected are all known"),
    ]  # fmt: skip
    return tuple(cols)


COLUMNS: tuple[Column, ...] = _columns()


def columns_markdown() -> str:
    """The column table as Markdown (``docs/panel.md`` and this module's docstring)."""
    lines = ["| column | type | source | meaning |", "|---|---|---|---|"]
    lines += [f"| `{c.name}` | {c.dtype} | {c.source} | {c.meaning} |" for c in COLUMNS]
    return "\n".join(lines) + "\n"


__doc__ = (__doc__ or "") + "\n" + columns_markdown()


@dataclass
class JoinReport:
    """What each source contributed to the panel, and what was dropped and why."""

    ucdp_rows_read: int = 0
    ucdp_conflicts_read: int = 0
    ucdp_rows_dropped_withheld: int = 0
    conflicts: int = 0
    conflict_years: int = 0
    years_fighting: int = 0
    years_quiet: int = 0
    first_year: int = 0
    last_year: int = 0
    pax_read: int = 0
    pax_dropped_withheld: int = 0
    pax_dropped_no_ucdp_conflict: int = 0
    pax_dropped_unknown_conflict: int = 0
    pax_unknown_conflict_ids: list[int] = field(default_factory=list)
    pax_dropped_before_first_year: int = 0
    pax_dropped_outside_coverage: int = 0
    pax_matched: int = 0
    pax_matched_by_stage: dict[str, int] = field(default_factory=dict)
    pax_conflicts_matched: int = 0
    pax_conflict_years_with_agreement: int = 0
    pax_conflict_years_observed: int = 0
    nmc_state_years: int = 0
    nmc_last_year: int = 0
    nmc_milex_missing: int = 0
    nmc_milex_interpolated: int = 0
    side_states_matched_direct: int = 0
    side_states_matched_remap: dict[str, int] = field(default_factory=dict)
    side_states_unmatched: dict[int, int] = field(default_factory=dict)
    conflict_years_nmc_observed: int = 0
    conflict_years_side_b_no_state: int = 0
    conflict_years_cap_observed: int = 0
    conflicts_cap_observed: int = 0

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["side_states_unmatched"] = {str(k): v for k, v in self.side_states_unmatched.items()}
        return d

    def lines(self) -> Iterator[str]:
        """The report as plain sentences, one per join."""
        yield (
            f"UCDP: {self.ucdp_rows_read} conflict-years of {self.ucdp_conflicts_read} conflicts read; "
            f"{self.ucdp_rows_dropped_withheld} dropped as Armenia-Azerbaijan (withheld)"
        )
        yield (
            f"panel: {self.conflicts} conflicts, {self.conflict_years} conflict-years {self.first_year}-{self.last_year} "
            f"({self.years_fighting} with fighting, {self.years_quiet} without)"
        )
        unknown = ", ".join(map(str, self.pax_unknown_conflict_ids[:20]))
        yield (
            f"PA-X: {self.pax_read} agreements read; matched {self.pax_matched} to {self.pax_conflicts_matched} conflicts "
            f"in {self.pax_conflict_years_with_agreement} conflict-years; dropped {self.pax_dropped_withheld} on "
            f"Armenia/Azerbaijan/Nagorno-Karabakh (withheld), {self.pax_dropped_no_ucdp_conflict} with no UCDP conflict "
            f"(UcdpCon empty or NA), {self.pax_dropped_unknown_conflict} whose UCDP conflict is not in the UCDP file"
            + (f" ({unknown})" if unknown else "")
            + f", {self.pax_dropped_before_first_year} dated before their conflict's first UCDP year, "
            f"{self.pax_dropped_outside_coverage} dated outside {PAX_START}-{PAX_END}"
        )
        yield "PA-X matched by stage: " + ", ".join(f"{k} {v}" for k, v in self.pax_matched_by_stage.items())
        yield (
            f"PA-X coverage: {self.pax_conflict_years_observed} conflict-years in {PAX_START}-{PAX_END}; "
            "agreement columns are <NA> outside those years"
        )
        remap = ", ".join(f"{k} {v}" for k, v in self.side_states_matched_remap.items()) or "none"
        unmatched = ", ".join(f"GW {k} x{v}" for k, v in sorted(self.side_states_unmatched.items())) or "none"
        yield (
            f"COW NMC: {self.nmc_state_years} state-years to {self.nmc_last_year}; milex missing in "
            f"{self.nmc_milex_missing}, {self.nmc_milex_interpolated} of them filled by interpolation between neighbours"
        )
        yield (
            f"UCDP states -> COW: {self.side_states_matched_direct} state-years matched by the same code, "
            f"re-coded: {remap}; unmatched (side capability missing): {unmatched}"
        )
        yield (
            f"capability: {self.conflict_years_nmc_observed} conflict-years up to {self.nmc_last_year}; "
            f"{self.conflict_years_side_b_no_state} of them with no state on side B; capability share and shifts "
            f"known in {self.conflict_years_cap_observed} conflict-years of {self.conflicts_cap_observed} conflicts"
        )


@dataclass(frozen=True)
class Panel:
    """The panel, how it was joined, and the files it came from (name and sha256 of each)."""

    frame: pd.DataFrame
    report: JoinReport
    sources: dict[str, dict[str, str]]


@dataclass
class _Agreement:
    year: int
    stage: str
    peacekeeping: bool
    third_party: bool


def _conflict_rows(cid: int, g: pd.DataFrame, last: int, pax: dict[int, list[_Agreement]]) -> list[dict[str, Any]]:
    """Every year of one conflict, first to ``last``."""
    active: dict[int, Any] = {int(y): r for y, r in zip(g["year"], g.itertuples(index=False), strict=True)}
    first = min(active)
    signed_by_year: dict[int, list[_Agreement]] = {}
    for a in pax.get(cid, []):
        signed_by_year.setdefault(a.year, []).append(a)
    rows: list[dict[str, Any]] = []
    ref: Any = None  # the last UCDP row with fighting so far
    episode = 0
    last_fight: int | None = None
    fought_prev = False
    in_force: list[_Agreement] = []
    for y in range(first, last + 1):
        fighting = y in active
        if fighting:
            ref = active[y]
        onset = y == first
        recurrence = fighting and not onset and not fought_prev
        episode += 1 if (onset or recurrence) else 0
        row: dict[str, Any] = {
            "conflict_id": cid,
            "year": y,
            "location": ref.location,
            "side_a": ref.side_a,
            "side_b": ref.side_b,
            "region": ref.region,
            "type_of_conflict": int(ref.type_of_conflict),
            "incompatibility": int(ref.incompatibility),
            "territorial": int(ref.incompatibility) in (1, 3),
            "interstate": int(ref.type_of_conflict) == 2,
            "fighting": fighting,
            "intensity": int(active[y].intensity_level) if fighting else 0,
            "first_year": onset,
            "onset": onset,
            "recurrence": recurrence,
            "new_episode": onset or recurrence,
            "episode": episode,
            "fighting_last_year": fought_prev,
            "years_since_fighting": (y - last_fight) if last_fight is not None else pd.NA,
            "external_support_a": bool(ref.external_a),
            "external_support_b": bool(ref.external_b),
            "pax_observed": PAX_START <= y <= PAX_END,
            "_states_a": tuple(ref.states_a),
            "_states_b": tuple(ref.states_b),
        }
        if PAX_START <= y <= PAX_END:
            signed = signed_by_year.get(y, [])
            row["agreements_signed"] = len(signed)
            for t in AGREEMENT_TYPES:
                row[f"signed_{t}"] = sum(a.stage == t for a in signed)
            row["signed_peacekeeping"] = sum(a.peacekeeping for a in signed)
            row["signed_third_party"] = sum(a.third_party for a in signed)
            for t in AGREEMENT_TYPES:
                row[f"in_force_{t}"] = any(a.stage == t for a in in_force)
            row["in_force_any"] = bool(in_force)
            row["peacekeeping_in_force"] = any(a.peacekeeping for a in in_force)
            row["third_party_in_force"] = any(a.third_party for a in in_force)
            row["breakdown"] = fighting and bool(in_force)
            row["agreements_broken"] = len(in_force) if fighting else 0
            if fighting:
                in_force = []  # every agreement in force breaks down in a year of fighting
            in_force = in_force + signed  # in force from next year
        rows.append(row)
        if fighting:
            last_fight = y
        fought_prev = fighting
    return rows


def _add_capability(frame: pd.DataFrame, cap: StateCapability) -> pd.DataFrame:
    n = len(frame)
    out = {k: np.full(n, np.nan) for k in ("ka", "kb", "ka0", "kb0", "pa", "pb", "ca", "cb")}
    for i, (states_a, states_b, year) in enumerate(
        zip(frame["_states_a"], frame["_states_b"], frame["year"], strict=True)
    ):
        a = side_capability(cap, states_a, int(year), count=True)
        b = side_capability(cap, states_b, int(year), count=True)
        out["ka"][i], out["ka0"][i], out["pa"][i], out["ca"][i] = a.stock, a.stock_prev, a.projected, a.cinc
        out["kb"][i], out["kb0"][i], out["pb"][i], out["cb"][i] = b.stock, b.stock_prev, b.projected, b.cinc

    def share(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        tot = x + y
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(np.where(tot > 0, x / tot, np.nan))

    frame["states_a"] = [";".join(map(str, s)) for s in frame["_states_a"]]
    frame["states_b"] = [";".join(map(str, s)) for s in frame["_states_b"]]
    frame["nmc_observed"] = frame["year"] <= cap.last_year
    frame["cap_stock_a"], frame["cap_stock_b"] = out["ka"], out["kb"]
    frame["cap_share_a"] = share(out["ka"], out["kb"])
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.log(out["ka"] / out["kb"])
    frame["cap_log_ratio"] = np.where(np.isfinite(ratio), ratio, np.nan)
    frame["cap_share_a_prev"] = share(out["ka0"], out["kb0"])
    frame["cap_shift_realised"] = frame["cap_share_a"] - frame["cap_share_a_prev"]
    frame["cap_share_a_projected"] = share(out["pa"], out["pb"])
    frame["cap_shift_expected"] = frame["cap_share_a_projected"] - frame["cap_share_a"]
    frame["cinc_a"], frame["cinc_b"] = out["ca"], out["cb"]
    frame["cinc_share_a"] = share(out["ca"], out["cb"])
    frame["cap_observed"] = frame[["cap_share_a", "cap_shift_realised", "cap_shift_expected"]].notna().all(axis=1)
    return frame.drop(columns=["_states_a", "_states_b"])


_DTYPES = {"int": "int64", "bool": "bool", "str": "object", "float": "float64", "Int64": "Int64", "boolean": "boolean"}


def build_panel(ucdp: Path, nmc: Path, pax: Path) -> Panel:
    """The panel from the three files (see the module docstring); raises :class:`PanelInputError`
    on a file that cannot be used."""
    report = JoinReport()
    u = read_ucdp(Path(ucdp))
    report.ucdp_rows_read, report.ucdp_conflicts_read = u.rows_read, u.conflicts_read
    report.ucdp_rows_dropped_withheld = u.dropped_withheld_rows
    if u.frame.empty:
        raise PanelInputError(f"{ucdp}: expected conflict-years, found none (after removing withheld rows)")
    last = int(u.frame["year"].max())
    first_year = u.frame.groupby("conflict_id")["year"].min()

    p = read_pax(Path(pax))
    report.pax_read, report.pax_dropped_withheld = p.read, p.dropped_withheld
    report.pax_dropped_no_ucdp_conflict = p.dropped_no_conflict
    agreements = p.frame
    known = agreements["conflict_id"].isin(first_year.index)
    report.pax_dropped_unknown_conflict = int((~known).sum())
    report.pax_unknown_conflict_ids = sorted(int(c) for c in agreements.loc[~known, "conflict_id"].unique())
    agreements = agreements.loc[known]
    early = agreements["year"].to_numpy() < first_year.loc[agreements["conflict_id"]].to_numpy()
    report.pax_dropped_before_first_year = int(early.sum())
    agreements = agreements.loc[~early]
    outside = (agreements["year"] < PAX_START) | (agreements["year"] > min(PAX_END, last))
    report.pax_dropped_outside_coverage = int(outside.sum())
    agreements = agreements.loc[~outside]
    report.pax_matched = len(agreements)
    report.pax_matched_by_stage = {t: int((agreements["stage"] == t).sum()) for t in (*AGREEMENT_TYPES, "other")}
    report.pax_conflicts_matched = int(agreements["conflict_id"].nunique())
    report.pax_conflict_years_with_agreement = int(agreements[["conflict_id", "year"]].drop_duplicates().shape[0])
    by_conflict: dict[int, list[_Agreement]] = {}
    r: Any
    for r in agreements.itertuples(index=False):
        by_conflict.setdefault(int(r.conflict_id), []).append(
            _Agreement(int(r.year), str(r.stage), bool(r.peacekeeping), bool(r.third_party))
        )

    rows: list[dict[str, Any]] = []
    for cid, g in u.frame.groupby("conflict_id", sort=True):
        rows += _conflict_rows(int(cast(int, cid)), g, last, by_conflict)
    frame = pd.DataFrame(rows)

    n = read_nmc(Path(nmc))
    cap = StateCapability.from_nmc(n)
    report.nmc_state_years, report.nmc_last_year = len(n), cap.last_year
    report.nmc_milex_missing, report.nmc_milex_interpolated = cap.milex_missing, cap.milex_interpolated
    frame = _add_capability(frame, cap)
    report.side_states_matched_direct = cap.matched_direct
    report.side_states_matched_remap = dict(cap.matched_remap)
    report.side_states_unmatched = dict(cap.unmatched)

    frame = _typed(frame)
    report.conflicts = int(frame["conflict_id"].nunique())
    report.conflict_years = len(frame)
    report.years_fighting = int(frame["fighting"].sum())
    report.years_quiet = report.conflict_years - report.years_fighting
    report.first_year, report.last_year = int(frame["year"].min()), int(frame["year"].max())
    report.pax_conflict_years_observed = int(frame["pax_observed"].sum())
    nmc_rows = frame["nmc_observed"]
    report.conflict_years_nmc_observed = int(nmc_rows.sum())
    report.conflict_years_side_b_no_state = int((nmc_rows & frame["states_b"].eq("")).sum())
    report.conflict_years_cap_observed = int(frame["cap_observed"].sum())
    report.conflicts_cap_observed = int(frame.loc[frame["cap_observed"], "conflict_id"].nunique())
    sources = {
        k: {"file": Path(v).name, "sha256": sha256_file(Path(v))}
        for k, v in (("ucdp", ucdp), ("nmc", nmc), ("pax", pax))
    }
    return Panel(frame, report, sources)


_META_KEY = b"accord.panel"


def write_panel(panel: Panel, path: Path) -> None:
    """The panel as Parquet (atomically), with its join report and sources in the file's metadata."""
    table = frame_to_table(panel.frame)
    meta = dict(table.schema.metadata or {})
    meta[_META_KEY] = json.dumps({"report": panel.report.to_dict(), "sources": panel.sources}).encode()
    write_parquet_atomic(Path(path), table.replace_schema_metadata(meta))


def read_panel(path: Path) -> Panel:
    """A panel written by :func:`write_panel` (``accord panel build``); checks its columns."""
    path = Path(path)
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as e:
        raise PanelInputError(
            f"{path}: expected a Parquet panel from `accord panel build`, found one that cannot be read ({e})"
        ) from None
    names = [c.name for c in COLUMNS]
    if table.column_names != names:
        absent = [c for c in names if c not in table.column_names]
        raise PanelInputError(
            f"{path}: expected the columns of `accord panel build`, missing {absent or 'none'} "
            f"(or in another order); rebuild the panel"
        )
    raw = (table.schema.metadata or {}).get(_META_KEY)
    meta = json.loads(raw) if raw else {"report": {}, "sources": {}}
    report = JoinReport()
    for k, v in meta["report"].items():
        if hasattr(report, k):
            setattr(report, k, v)
    return Panel(_typed(table.to_pandas()), report, meta["sources"])


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    names = [c.name for c in COLUMNS]
    extra = set(frame.columns) - set(names)
    absent = [c for c in names if c not in frame.columns]
    if extra or absent:  # a column built but not documented, or documented but not built
        raise AssertionError(f"panel columns out of step with COLUMNS: extra {sorted(extra)}, absent {absent}")
    out = frame[names].copy()
    for c in COLUMNS:
        out[c.name] = out[c.name].astype(_DTYPES[c.dtype])  # type: ignore[call-overload]
    return out


# the rules and constants a reader of the panel needs, in one place for the docs
RULES: dict[str, str] = {
    "depreciation": f"{DEPRECIATION} per year (assumption)",
    "anticipation_years": f"{ANTICIPATION_YEARS} (assumption)",
    "gw_to_cow": ", ".join(f"GW {g} -> COW {c}" for g, c in GW_TO_COW.items()),
    "pax_years": f"{PAX_START}-{PAX_END}",
}
