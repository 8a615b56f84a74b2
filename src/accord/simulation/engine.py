"""One entry point for the mediation process over many draws: :func:`run_batch`.

The kernel itself is :class:`accord.simulation.process.Process` (one method per phase of a
step); this module checks the scenario, resolves the formats, seeds the random streams and draws
the inputs. One kernel serves a single replay (``draws=1`` with an event log) and a sweep.
"""

from __future__ import annotations

import numpy as np

from accord.mechanisms.formats import resolve_format
from accord.scenario.formats import format_chain
from accord.scenario.parameters import unknown_parameters
from accord.scenario.schema import Scenario
from accord.simulation.inputs import draw_inputs
from accord.simulation.process import Log, Process
from accord.simulation.results import BatchResult

__all__ = ["BatchResult", "EngineError", "run_batch"]


class EngineError(ValueError):
    """The scenario cannot be run (unknown parameter, format or effect); the message names the field."""


def _check(scenario: Scenario) -> None:
    problems = [f"parameters: {m}" for m in unknown_parameters(list(scenario.parameters))]
    for f in scenario.formats:
        problems += [f"formats.{f.id}.parameters: {m}" for m in unknown_parameters(list(f.parameters))]
    for e in scenario.events:
        names = [n for n in e.effects if n != "monitoring"]
        problems += [f"events.{e.id}.effects: {m} (or 'monitoring')" for m in unknown_parameters(names)]
    if problems:
        raise EngineError("; ".join(problems))


def run_batch(
    scenario: Scenario,
    *,
    format: str | None = None,
    draws: int,
    seed: int,
    batch_index: int = 0,
    until: float | None = None,
    overrides: dict[str, np.ndarray] | None = None,
    mediator: str | None = None,
    log: Log | None = None,
) -> BatchResult:
    """Run ``draws`` replays of ``scenario`` in one vectorized pass.

    Parameters
    ----------
    format: the starting format (default: the scenario's first ``formats`` entry, else
        ``minsk-group``).
    draws: number of draws ``D``; seed, batch_index: randomness is
        ``SeedSequence(seed, spawn_key=(batch_index,))``, whose child 0 draws the uncertain inputs
        and child 1 the process (common random numbers across formats).
    until: stop at this decimal year (default: the scenario's end).
    overrides: named inputs per draw, shape ``(draws,)`` (see :mod:`accord.simulation.inputs`).
    mediator: actor id of the mediator of a single-mediator format.
    log: called as ``log(t, kind, **details)`` for every happening in draw 0 (the replay's events).

    Memory grows with ``D``: drafting holds about ``D · K · A_t · I`` floats (``K ≈ 11·(A_t + 1)``
    candidate outcomes, ``A_t`` actors at the table), so split very large sweeps into batches
    (``batch_index`` keeps their random streams independent).

    Raises
    ------
    EngineError: unknown parameter, effect, format or mediator.
    """
    if draws < 1:
        raise EngineError(f"draws: expected at least 1, found {draws}")
    _check(scenario)
    fmt0 = format or (scenario.formats[0].id if scenario.formats else "minsk-group")
    try:
        chain = format_chain(scenario, fmt0)
        specs = [resolve_format(scenario, f, mediator=mediator) for f in chain]
    except ValueError as e:
        raise EngineError(str(e)) from e
    ss = np.random.SeedSequence(seed, spawn_key=(batch_index,))
    child_inputs, child_process = ss.spawn(2)
    rng_in = np.random.default_rng(child_inputs)
    rng = np.random.default_rng(child_process)
    try:
        values, drawn = draw_inputs(scenario, rng_in, draws, overrides)
    except (KeyError, ValueError) as e:
        raise EngineError(str(e.args[0]) if e.args else str(e)) from e

    process = Process(scenario, specs, chain, values, rng, draws, until, log)
    result = process.run()
    result.inputs = drawn
    return result
