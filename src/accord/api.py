"""The Python API for notebooks: ``accord.load``, ``accord.replay``, ``accord.sweep``, ``accord.compare``.

Each function takes a built-in case name, a scenario file or a loaded
:class:`~accord.scenario.Scenario`, runs the same code as the command of the same name (through
the run service, :mod:`accord.analysis.runs`) with the same defaults, and returns an object whose
tables are pandas DataFrames. The same case, options and seed give the same numbers as the
command line::

    import accord

    r = accord.replay("minsk-group", seed=0)              # = accord replay minsk-group
    r.events[r.events.kind == "veto"]                    # who vetoed what, and why
    c = accord.compare("minsk-group", formats=["minsk-group", "inclusive"], runs=200)
    c.by_year.groupby(["format", "year"]).war.mean()     # = accord compare ... --runs 200

Histories (:mod:`accord.simulation.history`): ``replay`` and ``sweep`` impose the scenario's
dated wars, statements and format changes by default (``history="imposed"``); ``compare`` asks
what each format would have done (``history="counterfactual"``); ``history="from 1997"`` imposes
what is dated before 1997 only.

Tables
------
``ReplayResult.events``: one row per logged event: ``time`` (a date), ``year`` (decimal),
``kind``, ``actors`` (a tuple of actor ids), ``text`` (the sentence ``accord replay`` prints)
and ``record`` (the typed record, :mod:`accord.simulation.events`).
``ReplayResult.trajectory``: one row per step: ``step``, ``year``, ``date``, ``format``,
``fighting`` (at any time in the step), ``p_war_onset`` (the chance fighting begins in it),
``p_win_high`` (the high side's chance in a war), ``monitoring``, ``in_force.TYPE`` (an
agreement of each type in force at the end of the step) and ``status_quo.ISSUE``;
``ReplayResult.positions``: long form ``step, year, actor, issue, position``.
``runs`` (sweep and compare): one row per run × format: ``run``, ``format``, the drawn inputs
``in.NAME`` and the outcomes (``agreement``, ``agreement_year``, ``agreement_proposal``,
``wars``, ``first_war_year``, ``final_format``, ``vetoes``, ``removals``, ``terms.ISSUE``,
``final_status_quo.ISSUE``, ``signed.TYPE``). ``by_year``: long form ``run, format, year,
agreement`` (a partial or comprehensive agreement signed by the end of that year), ``war`` (a war
begun by then), ``fighting`` (fighting in that year), ``war_onset`` (fighting began in it),
``p_war_onset`` (the onset probability in that step), ``signed_TYPE`` (an agreement of the type
signed in that year) and ``in_force_TYPE`` (in force at its end). ``table``: the wide table a sweep's results read back as (``accord.analysis.sweep.load_results``), plus ``format``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from accord.analysis.runs import DEFAULT_CHUNK_SIZE, run_formats
from accord.scenario import Scenario, load_scenario
from accord.simulation import BatchResult, History, HistoryLike, Replay
from accord.simulation import replay as _replay
from accord.simulation.events import Event, describe

if TYPE_CHECKING:
    from accord.analysis.compare import Comparison
    from accord.analysis.progress import Progress

__all__ = ["CompareResult", "ReplayResult", "SweepResult", "compare", "load", "replay", "sweep"]

CaseLike = str | Path | Scenario
"""A built-in case name (``accord cases``), a path to a scenario file, or a loaded Scenario."""


def load(case_or_path: CaseLike) -> Scenario:
    """The scenario: a built-in case by name, or a scenario file, validated as ``accord validate``
    does (raises :class:`~accord.scenario.ScenarioError` listing every located problem)."""
    if isinstance(case_or_path, Scenario):
        return case_or_path
    return load_scenario(str(case_or_path))


def year_to_date(year: float) -> dt.date:
    """The date of a decimal year, the inverse of the scenario format's dates (``1997-07`` = 1997.5:
    months are twelfths of a year, days 365ths within a month)."""
    y = math.floor(year + 1e-9)
    frac = max(0.0, year - y)
    month = min(12, math.floor(frac * 12 + 1e-9) + 1)
    day = round((frac - (month - 1) / 12) * 365) + 1
    return dt.date(y, month, max(1, min(day, calendar.monthrange(y, month)[1])))


# -- replay -----------------------------------------------------------------------------


@dataclass
class ReplayResult:
    """One replay: ``events`` and ``trajectory`` as DataFrames (see the module docstring), the
    ``summary``, and the engine's :class:`~accord.simulation.Replay` as ``replay``."""

    replay: Replay
    events: pd.DataFrame
    trajectory: pd.DataFrame
    positions: pd.DataFrame

    @property
    def summary(self) -> dict[str, Any]:
        return self.replay.summary

    @property
    def history(self) -> History:
        return self.replay.history

    def to_json(self) -> str:
        """The event log as ``accord replay --json`` prints it (byte-identical for a seed)."""
        return self.replay.to_json()


def _events_frame(events: Sequence[Event]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "time": pd.to_datetime([year_to_date(e.time) for e in events]),
            "year": [e.time for e in events],
            "kind": [e.kind for e in events],
            "actors": [e.involved for e in events],
            "text": [describe(e) for e in events],
            "record": list(events),
        },
        columns=["time", "year", "kind", "actors", "text", "record"],
    )


def _trajectory_frames(r: Replay, scenario: Scenario) -> tuple[pd.DataFrame, pd.DataFrame]:
    t = r.trajectory
    years = [float(y) for y in t["years"]]
    cols: dict[str, Any] = {
        "step": np.arange(len(years)),
        "year": years,
        "date": pd.to_datetime([year_to_date(y) for y in years]),
        "format": t["format"],
        "fighting": t["fighting"],
        "p_war_onset": t["p_onset"],
        "p_win_high": t["p_win_high"],
        "monitoring": t["monitoring"],
    }
    in_force = np.asarray(t["in_force"], dtype=bool)
    for k, kind in enumerate(t["agreement_types"]):
        cols[f"in_force.{kind}"] = in_force[:, k]
    sq = np.asarray(t["status_quo"], dtype=float)
    for i, issue in enumerate(t["issues"]):
        cols[f"status_quo.{issue}"] = sq[:, i]
    trajectory = pd.DataFrame(cols)
    pos = np.asarray(t["positions"], dtype=float)
    rows = []
    # only the positions an actor holds (the scenario's); the engine keeps zeros for the others
    held = [
        (a, i)
        for a, actor_id in enumerate(t["actors"])
        for i, issue in enumerate(t["issues"])
        if issue in scenario.actor(actor_id).positions
    ]
    for k, year in enumerate(years):
        for a, i in held:
            rows.append((k, year, t["actors"][a], t["issues"][i], pos[k, a, i]))
    positions = pd.DataFrame(rows, columns=["step", "year", "actor", "issue", "position"])
    return trajectory, positions


def replay(
    case: CaseLike,
    *,
    format: str | None = None,
    seed: int = 0,
    history: HistoryLike = "imposed",
    until: float | None = None,
    mediator: str | None = None,
) -> ReplayResult:
    """One run of the mediation process, as ``accord replay`` (same defaults, same numbers).

    Parameters
    ----------
    case: a case name, a scenario file or a Scenario.
    format: the starting format (default: the scenario's first, else ``minsk-group``).
    seed: seeds the drawn inputs and the process.
    history: ``imposed`` (default), ``counterfactual`` or ``from YEAR``.
    until: stop at this decimal year; mediator: actor id of a single-mediator format's mediator.
    """
    scenario = load(case)
    r = _replay(scenario, format=format, seed=seed, history=history, until=until, mediator=mediator)
    trajectory, positions = _trajectory_frames(r, scenario)
    return ReplayResult(r, _events_frame(r.events), trajectory, positions)


# -- sweeps and comparisons ------------------------------------------------------------


_SCALARS = ("agreement", "agreement_year", "agreement_proposal", "wars", "first_war_year", "final_format")


def _runs_frame(batches: Mapping[str, BatchResult]) -> pd.DataFrame:
    frames = []
    for name, b in batches.items():
        wide = b.to_frame()
        cols: dict[str, Any] = {"run": np.arange(b.draws), "format": name}
        cols.update({c: wide[c] for c in wide.columns if c.startswith("in.")})
        cols.update({c: wide[c] for c in _SCALARS})
        cols["vetoes"] = b.vetoes.sum(axis=(1, 2))
        cols["removals"] = b.removals.sum(axis=1)
        for i, issue in enumerate(b.issue_ids):
            cols[f"terms.{issue}"] = b.terms[:, i]
        for i, issue in enumerate(b.issue_ids):
            cols[f"final_status_quo.{issue}"] = b.final_status_quo[:, i]
        frames.append(pd.DataFrame(cols))
    return pd.concat(frames, ignore_index=True)


def _by_year_frame(batches: Mapping[str, BatchResult]) -> pd.DataFrame:
    frames = []
    for name, b in batches.items():
        d, y = b.agreement_by_year.shape
        frames.append(
            pd.DataFrame(
                {
                    "run": np.repeat(np.arange(d), y),
                    "format": name,
                    "year": np.tile(b.years, d),
                    "agreement": b.agreement_by_year.reshape(-1),
                    "war": b.war_by_year.reshape(-1),
                    "fighting": b.fighting_by_year.reshape(-1),
                    "war_onset": b.onset_by_year.reshape(-1),
                    "p_war_onset": b.p_onset_by_year.reshape(-1),
                    **{f"signed_{k}": b.signed_by_year[:, :, t].reshape(-1) for t, k in enumerate(b.agreement_types)},
                    **{
                        f"in_force_{k}": b.in_force_by_year[:, :, t].reshape(-1)
                        for t, k in enumerate(b.agreement_types)
                    },
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _table(batches: Mapping[str, BatchResult]) -> pd.DataFrame:
    frames = []
    for name, b in batches.items():
        wide = b.to_frame()
        wide.insert(0, "format", name)
        wide.insert(0, "run", np.arange(b.draws))
        frames.append(wide)
    return pd.concat(frames, ignore_index=True)


@dataclass
class SweepResult:
    """Many replays of one format: ``runs``, ``by_year`` and the wide ``table`` (see the module
    docstring), the :class:`~accord.simulation.BatchResult` as ``batch``, and ``out``, the run
    directory when one was written."""

    batch: BatchResult
    format: str
    seed: int
    history: str
    out: Path | None = None
    _frames: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def _frame(self, key: str) -> pd.DataFrame:
        if key not in self._frames:
            build = {"runs": _runs_frame, "by_year": _by_year_frame, "table": _table}[key]
            self._frames[key] = build({self.format: self.batch})
        return self._frames[key]

    @property
    def runs(self) -> pd.DataFrame:
        return self._frame("runs")

    @property
    def by_year(self) -> pd.DataFrame:
        return self._frame("by_year")

    @property
    def table(self) -> pd.DataFrame:
        return self._frame("table")


def sweep(
    case: CaseLike,
    *,
    runs: int,
    format: str | None = None,
    seed: int = 0,
    history: HistoryLike = "imposed",
    mediator: str | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    until: float | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    progress: Progress | None = None,
) -> SweepResult:
    """Draw the uncertain inputs ``runs`` times and replay each, as ``accord sweep`` (same numbers).

    Parameters
    ----------
    history: ``imposed`` (default, as the command), ``counterfactual`` or ``from YEAR``.
    chunk_size: draws per engine batch (with ``seed`` it fixes every number; default 1000).
    out: also write the run directory ``accord sweep --out`` writes (resumable; ``resume=True``
        continues one); without it the sweep runs in memory.
    progress: ``progress(draws done, draws total, what)``.
    """
    scenario = load(case)
    hist = History.parse(history)
    if out is not None:
        from accord.analysis.sweep import load_batch, run_sweep

        run_sweep(
            scenario,
            out,
            runs=runs,
            format=format,
            seed=seed,
            history=hist,
            mediator=mediator,
            chunk_size=chunk_size,
            until=until,
            resume=resume,
            progress=progress,
        )
        batch = load_batch(out)
    else:
        (batch,) = run_formats(
            scenario,
            [format],
            runs=runs,
            seed=seed,
            history=hist,
            mediator=mediator,
            chunk_size=chunk_size,
            until=until,
            progress=progress,
        ).values()
    return SweepResult(batch, batch.format_ids[0], seed, str(hist), None if out is None else Path(out))


@dataclass
class CompareResult:
    """Formats compared on the same draws: ``runs``, ``by_year`` and ``table`` (see the module
    docstring) over every format, ``summary`` (one row per format × year: shares with their
    Wilson intervals and paired differences from the baseline), and ``comparison``, the object
    whose ``to_dict()`` is ``accord compare --json``."""

    batches: dict[str, BatchResult]
    comparison: Comparison
    _frames: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def _frame(self, key: str) -> pd.DataFrame:
        if key not in self._frames:
            build = {"runs": _runs_frame, "by_year": _by_year_frame, "table": _table}[key]
            self._frames[key] = build(self.batches)
        return self._frames[key]

    @property
    def runs(self) -> pd.DataFrame:
        return self._frame("runs")

    @property
    def by_year(self) -> pd.DataFrame:
        return self._frame("by_year")

    @property
    def table(self) -> pd.DataFrame:
        return self._frame("table")

    @property
    def summary(self) -> pd.DataFrame:
        c = self.comparison
        diffs = {d.format: d for d in c.differences}
        rows = []
        for f in c.formats:
            d = diffs.get(f.format)
            for y in c.years:
                row: dict[str, Any] = {"format": f.format, "year": y}
                for name, est in (("p_agreement", f.p_agreement[y]), ("p_war", f.p_war[y])):
                    row.update({name: est.mean, f"{name}_low": est.low, f"{name}_high": est.high})
                for name in ("agreement", "war"):
                    e = None if d is None else (d.p_agreement if name == "agreement" else d.p_war)[y]
                    row.update(
                        {
                            f"d_{name}": math.nan if e is None else e.mean,
                            f"d_{name}_low": math.nan if e is None else e.low,
                            f"d_{name}_high": math.nan if e is None else e.high,
                        }
                    )
                rows.append(row)
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """What ``accord compare --json`` prints."""
        return self.comparison.to_dict()


def compare(
    case: CaseLike,
    *,
    formats: Sequence[str],
    runs: int = 1000,
    seed: int = 0,
    history: HistoryLike = "counterfactual",
    mediator: str | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    until: float | None = None,
    years: Sequence[float] | None = None,
    confidence: float = 0.95,
    progress: Progress | None = None,
) -> CompareResult:
    """Run every format on the same draws and compare each with the first, as ``accord compare``
    (same defaults, same numbers).

    Parameters
    ----------
    formats: format ids, the baseline first (at least two).
    runs: draws per format (default 1000); seed, chunk_size: as for :func:`sweep`.
    history: ``counterfactual`` (default, as the command), ``imposed`` or ``from YEAR``.
    years: years of the per-year estimates in ``comparison`` and ``summary`` (default: four
        spread over the horizon); ``by_year`` holds every year.
    """
    from accord.analysis.compare import check_comparison, summarize_formats

    names = list(formats)
    check_comparison(names, confidence)
    scenario = load(case)
    batches = run_formats(
        scenario,
        names,
        runs=runs,
        seed=seed,
        history=history,
        mediator=mediator,
        chunk_size=chunk_size,
        until=until,
        progress=progress,
    )
    cmp = summarize_formats(
        batches,
        scenario=scenario.meta.name,
        seed=seed,
        history=history,
        chunk_size=chunk_size,
        years=None if years is None else [float(y) for y in years],
        confidence=confidence,
    )
    return CompareResult(batches, cmp)
