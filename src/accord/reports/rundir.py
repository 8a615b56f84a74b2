"""Read a sweep's run directory (``accord sweep --out DIR``) back into report inputs.

The folder holds ``manifest.json`` (scenario hash, format, seed, runs, history, status),
``scenario.yaml`` (the scenario as run) and ``results/`` (one lean Parquet file per chunk,
:mod:`accord.analysis.lean`), read back with :func:`accord.analysis.sweep.load_batch`: the same
:class:`BatchResult`, drawn inputs included, as the sweep computed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from accord.analysis.sweep import SweepError, load_batch
from accord.reports.report import ReportInputs
from accord.scenario import ScenarioError, parse_scenario, scenario_hash
from accord.simulation import replay

MANIFEST = "manifest.json"
RESULTS = "results"
SCENARIO = "scenario.yaml"


class RunDirError(ValueError):
    """A folder that is not a complete sweep (the message names the file and what was expected)."""


def read_run_dir(folder: Path, *, with_replay: bool = True) -> ReportInputs:
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
    if not (folder / RESULTS).is_dir():
        raise RunDirError(f"{folder}: expected {RESULTS}/ (the sweep's results), found none")
    seed = int(manifest.get("seed") or 0)
    try:
        batch = load_batch(folder)
    except SweepError as e:
        raise RunDirError(str(e)) from None
    fmt = batch.format_ids[0] if batch.format_ids else manifest.get("format")
    r = ReportInputs(
        scenario=scenario,
        origin=f"run directory {folder}",
        seed=seed,
        draws=batch.draws,
        batches={str(fmt): batch},
        replay_format=fmt,
        history=str(manifest.get("history", "imposed")),
        chunk_size=int(manifest.get("chunk_size") or 1000),
    )
    if with_replay:
        r.replay = replay(scenario, format=fmt, seed=seed, mediator=manifest.get("mediator"))
    return r
