"""Read a sweep's run directory (``accord sweep --out DIR``) back into report inputs.

The folder holds ``manifest.json`` (scenario hash, format, seed, runs, status),
``scenario.yaml`` (the scenario as run) and ``results.parquet`` (one row per replay:
``BatchResult.to_frame()`` plus ``run``). Per-year flags are read from the engine's columns
``agreement_by.<year>`` / ``war_by.<year>``; a table without them gets them derived from the
agreement and first-war years (war then reads "war by year").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from accord.reports.report import ReportInputs
from accord.scenario import Scenario, ScenarioError, date_to_year, parse_scenario, scenario_hash

MANIFEST = "manifest.json"
RESULTS = "results.parquet"
SCENARIO = "scenario.yaml"


class RunDirError(ValueError):
    """A folder that is not a complete sweep (the message names the file and what was expected)."""


@dataclass
class FrameBatch:
    """A sweep's results table seen through the fields the reports read."""

    years: np.ndarray
    actor_ids: list[str]
    issue_ids: list[str]
    inputs: dict[str, np.ndarray]
    agreement: np.ndarray
    agreement_year: np.ndarray
    wars: np.ndarray
    first_war_year: np.ndarray
    agreement_by_year: np.ndarray
    war_by_year: np.ndarray
    vetoes: np.ndarray


def _per_year(frame: pd.DataFrame, prefix: str, years: np.ndarray) -> np.ndarray | None:
    cols = [f"{prefix}.{y:g}" for y in years]
    if all(c in frame.columns for c in cols):
        return frame[cols].to_numpy(dtype=bool)
    return None


def _years(frame: pd.DataFrame, scenario: Scenario) -> np.ndarray:
    found = []
    for c in frame.columns:
        if c.startswith("agreement_by."):
            try:
                found.append(float(c.removeprefix("agreement_by.")))
            except ValueError:
                continue
    if found:
        return np.array(sorted(found))
    start, end = date_to_year(scenario.meta.start), date_to_year(scenario.meta.end)
    return np.arange(np.floor(start), np.ceil(end), 1.0 / scenario.meta.steps_per_year)


def batch_from_frame(frame: pd.DataFrame, scenario: Scenario) -> FrameBatch:
    """Rebuild the report's view of a batch from a results table (one row per draw)."""
    need = ["agreement", "wars"]
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise RunDirError(f"{RESULTS}: expected columns {', '.join(need)}, missing {', '.join(missing)}")
    n = len(frame)
    years = _years(frame, scenario)
    agreement = frame["agreement"].to_numpy(dtype=bool)
    a_year = frame["agreement_year"].to_numpy(dtype=float) if "agreement_year" in frame else np.full(n, np.nan)
    w_year = frame["first_war_year"].to_numpy(dtype=float) if "first_war_year" in frame else np.full(n, np.nan)
    by_year = _per_year(frame, "agreement_by", years)
    if by_year is None:
        by_year = agreement[:, None] & (a_year[:, None] <= years[None, :])
    war_by = _per_year(frame, "war_by", years)
    if war_by is None:
        war_by = ~np.isnan(w_year)[:, None] & (w_year[:, None] <= years[None, :])
    actor_ids = [
        a.id for a in scenario.actors if any(f"vetoes.{a.id}.{i}" in frame.columns for i in scenario.issue_ids)
    ]
    if not actor_ids:
        actor_ids = [a.id for a in scenario.actors if a.positions]
    issue_ids = scenario.issue_ids
    vetoes = np.zeros((n, len(actor_ids), len(issue_ids)))
    for a, act in enumerate(actor_ids):
        for i, iss in enumerate(issue_ids):
            col = f"vetoes.{act}.{iss}"
            if col in frame.columns:
                vetoes[:, a, i] = frame[col].to_numpy(dtype=float)
    inputs = {c.removeprefix("in."): frame[c].to_numpy() for c in frame.columns if c.startswith("in.")}
    return FrameBatch(
        years=years,
        actor_ids=actor_ids,
        issue_ids=issue_ids,
        inputs={
            k: np.asarray(v, dtype=float) for k, v in inputs.items() if np.issubdtype(np.asarray(v).dtype, np.number)
        },
        agreement=agreement,
        agreement_year=a_year,
        wars=frame["wars"].to_numpy(),
        first_war_year=w_year,
        agreement_by_year=by_year,
        war_by_year=war_by,
        vetoes=vetoes,
    )


def read_run_dir(folder: Path, *, replay: bool = True) -> ReportInputs:
    """Report inputs from a complete sweep folder (and, by default, a replay of its scenario)."""
    mpath = folder / MANIFEST
    try:
        manifest: dict[str, Any] = json.loads(mpath.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunDirError(
            f"{folder}: expected a run directory written by `accord sweep --out`, found no {MANIFEST}"
        ) from None
    except (OSError, ValueError) as e:
        raise RunDirError(f"{mpath}: expected a sweep manifest (JSON), could not read it: {e}") from None
    if not isinstance(manifest, dict):
        raise RunDirError(f"{mpath}: expected a JSON object, found {type(manifest).__name__}")
    if manifest.get("status") != "complete":
        raise RunDirError(
            f"{mpath}: expected a complete sweep, found status {manifest.get('status')!r} (resume it first)"
        )
    try:
        scenario = parse_scenario((folder / SCENARIO).read_bytes(), str(folder / SCENARIO))
    except FileNotFoundError:
        raise RunDirError(f"{folder}: expected {SCENARIO} (the scenario as run), found none") from None
    except ScenarioError as e:
        raise RunDirError(str(e)) from None
    if manifest.get("scenario_hash") not in (None, scenario_hash(scenario)):
        raise RunDirError(f"{folder / SCENARIO}: expected the scenario the manifest's hash names, found a changed file")
    try:
        frame = pd.read_parquet(folder / RESULTS)
    except FileNotFoundError:
        raise RunDirError(f"{folder}: expected {RESULTS}, found none") from None
    except (OSError, ValueError) as e:
        raise RunDirError(f"{folder / RESULTS}: expected a Parquet table, could not read it: {e}") from None
    if "run" in frame.columns:
        frame = frame.sort_values("run", kind="stable").reset_index(drop=True)
    fmt = manifest.get("format")
    seed = int(manifest.get("seed") or 0)
    batch = batch_from_frame(frame, scenario)
    r = ReportInputs(
        scenario=scenario,
        origin=f"run directory {folder}",
        seed=seed,
        draws=len(frame),
        batches={str(fmt or "default"): batch},
        replay_format=fmt,
    )
    if replay:
        from accord.reports.compute import run_replay

        r.replay = run_replay(scenario, format=fmt, seed=seed)
    return r
