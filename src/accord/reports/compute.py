"""Run what a report shows: one replay, sweeps per format and a sensitivity ranking.

Everything runs through the run service (:func:`accord.analysis.runs.run_formats`), so a report's
sweeps give the same numbers as ``accord compare`` and ``accord.compare`` for the same case,
formats, draws, seed, history and chunk size. The replay follows the record (history imposed);
the sweeps, the comparison and the sensitivity ranking are counterfactual by default.
"""

from __future__ import annotations

from collections.abc import Sequence

from accord.analysis.executors import Executor
from accord.analysis.progress import Progress
from accord.analysis.runs import DEFAULT_CHUNK_SIZE, run_formats
from accord.analysis.sensitivity import By
from accord.mechanisms.formats import default_format, runnable_formats, unrunnable_formats
from accord.reports.report import ReportInputs
from accord.reports.summaries import Sensitivity, SensitivityRow
from accord.scenario import Scenario
from accord.simulation import History, HistoryLike, replay

__all__ = ["case_report_inputs", "run_sensitivity"]


def run_sensitivity(
    scenario: Scenario,
    *,
    format: str | None = None,
    seed: int = 0,
    samples: int = 10,
    replicates: int = 8,
    history: HistoryLike = "counterfactual",
    outcomes: Sequence[str] = ("agreement", "war"),
    by: By = "group",
    chunk_draws: int = DEFAULT_CHUNK_SIZE,
    progress: Progress | None = None,
) -> tuple[list[Sensitivity], str | None]:
    """Morris screening of the uncertain inputs (``accord.analysis.sensitivity``), as report rows;
    by default groups of inputs (an actor's positions, a proposal's terms, each parameter), which
    need far fewer replays than single numbers to stand above the noise.

    ``chunk_draws``: about how many draws per engine batch (at least ``replicates``).
    Returns the rankings, or an empty list and the reason when the scenario has nothing to analyse."""
    from accord.analysis.sensitivity import DUMMIES, SensitivityError, analyse_sensitivity, is_dummy

    try:
        rep = analyse_sensitivity(
            scenario,
            format=format,
            method="morris",
            samples=samples,
            replicates=replicates,
            seed=seed,
            history=history,
            by=by,
            chunk_draws=chunk_draws,
            progress=progress,
        )
    except SensitivityError as e:
        return [], str(e)
    out = []
    for outcome in outcomes:
        rows = [
            SensitivityRow(r.name, float(r.index), float(r.conf))
            for r in rep.ranking.get(outcome, [])
            if not is_dummy(r.name)
        ]
        out.append(
            Sensitivity(
                outcome=outcome,
                method="Morris μ*",
                rows=rows,
                uncertainty="95% conf.",
                noise_floor=rep.noise_floor.get(outcome),
                design=f"{rep.trajectories} trajectories; {rep.design()}",
                noise_rule=f"the μ* the largest of {rep.ranked} inputs without effect would reach in 95% of designs, "
                f"from the effects of {DUMMIES} dummy inputs the engine never sees",
            )
        )
    return out, None


def case_report_inputs(
    scenario: Scenario,
    *,
    origin: str,
    formats: Sequence[str] = (),
    runs: int = 200,
    seed: int = 0,
    history: HistoryLike = "counterfactual",
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    sensitivity_samples: int = 4,
    replicates: int = 4,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> ReportInputs:
    """Everything a report of a case shows, computed now.

    Parameters
    ----------
    formats: the formats to sweep and compare, the first replayed (default: every format the
        scenario can run; the others are named in the report's notes with the reason).
    runs: draws per format; seed: of the replay, the sweeps and the sensitivity design.
    history: of the sweeps, the comparison and the sensitivity ranking (default counterfactual);
        the replay always follows the record.
    sensitivity_samples: Morris trajectories (fewer than 2: rank by rank correlation over the
        sweep's draws instead); replicates: replays per design point.
    progress: ``progress(done, total, what)`` for each stage (replay, sweeps, sensitivity).
    """
    hist = History.parse(history)
    chosen = list(formats) or runnable_formats(scenario)
    left_out = {} if formats else unrunnable_formats(scenario)
    first = chosen[0] or default_format(scenario)
    if progress is not None:
        progress(0, 1, f"replay under {first}")
    rep = replay(scenario, format=first, seed=seed)
    if progress is not None:
        progress(1, 1, f"replay under {first}")

    def sweeps(done: int, total: int, what: str) -> None:
        if progress is not None:
            progress(done, total, f"sweeps ({hist}): {what}")

    batches = run_formats(
        scenario,
        chosen,
        runs=runs,
        seed=seed,
        history=hist,
        chunk_size=chunk_size,
        executor=executor,
        progress=sweeps,
    )
    notes = [
        f"The replay follows the record (history imposed). The sweeps, the format comparison and the sensitivity "
        f"ranking: {hist.describe()}."
    ]
    notes += [f"Format {name} is left out: {why}" for name, why in left_out.items()]
    sensitivity = None
    if sensitivity_samples >= 2:

        def morris(done: int, total: int, what: str) -> None:
            if progress is not None:
                progress(done, total, f"sensitivity (Morris): {what}")

        ranked, why = run_sensitivity(
            scenario,
            format=first,
            seed=seed,
            samples=sensitivity_samples,
            replicates=replicates,
            history=hist,
            chunk_draws=max(chunk_size, replicates),
            progress=morris,
        )
        if why is None:
            sensitivity = ranked
        else:
            notes.append(f"Sensitivity: {why}")
    return ReportInputs(
        scenario=scenario,
        origin=origin,
        seed=seed,
        draws=runs,
        replay=rep,
        replay_format=first,
        batches=batches,
        history=str(hist),
        chunk_size=chunk_size,
        sensitivity=sensitivity,
        notes=notes,
    )
