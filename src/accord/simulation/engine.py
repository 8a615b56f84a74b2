"""One entry point for the mediation process over many draws: :func:`run_batch`.

The kernel itself is :class:`accord.simulation.process.Process` (one method per phase of a
step); this module checks the scenario, resolves the formats, seeds the random streams and draws
the inputs. One kernel serves a single replay (``draws=1`` with an event log) and a sweep.
"""

from __future__ import annotations

import numpy as np

from accord.mechanisms.formats import default_format, resolve_format, resolve_tracks
from accord.scenario.formats import format_chain
from accord.scenario.parameters import PARAMETERS, unknown_parameters
from accord.scenario.schema import Scenario
from accord.simulation import hazards
from accord.simulation.conflict import ConflictTraits, conflict_traits
from accord.simulation.context import compile_context
from accord.simulation.decisions import Decisions
from accord.simulation.events import Log
from accord.simulation.history import History, HistoryLike
from accord.simulation.inputs import draw_inputs
from accord.simulation.process import Observer, Process, compile_proposals
from accord.simulation.results import BatchResult
from accord.simulation.streams import Streams

__all__ = ["BatchResult", "EngineError", "check_run", "run_batch"]


class EngineError(ValueError):
    """The scenario cannot be run (unknown parameter, format or effect); the message names the field."""


def _check(scenario: Scenario) -> None:
    problems = [f"parameters: {m}" for m in unknown_parameters(list(scenario.parameters))]
    for f in scenario.formats:
        problems += [f"formats.{f.id}.parameters: {m}" for m in unknown_parameters(list(f.parameters))]
    for e in scenario.events:
        names = [n for n in e.effects if n != "monitoring"]
        problems += [f"events.{e.id}.effects: {m} (or 'monitoring')" for m in unknown_parameters(names)]
    problems += hazards.check_overrides(scenario)
    if problems:
        raise EngineError("; ".join(problems))


def _traits(scenario: Scenario) -> ConflictTraits | None:
    try:
        return conflict_traits(scenario)
    except ValueError as e:
        raise EngineError(str(e)) from None


def check_run(scenario: Scenario, format: str | None = None, mediator: str | None = None) -> str:
    """Check that ``scenario`` can run under ``format`` (default: :func:`default_format`); return its id.

    Raises EngineError naming the field (unknown parameter, effect, format or mediator, a hazard
    override, the conflict's coding), without
    running anything: what the layers above call before they write a manifest or start workers."""
    _check(scenario)
    _traits(scenario)
    fmt0 = format or default_format(scenario)
    try:
        for f in format_chain(scenario, fmt0):
            resolve_format(scenario, f, mediator=mediator)
        resolve_tracks(scenario)
    except ValueError as e:
        raise EngineError(str(e)) from e
    return fmt0


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
    history: HistoryLike = "imposed",
    log: Log | None = None,
    decisions: Decisions | None = None,
    observe: Observer | None = None,
) -> BatchResult:
    """Run ``draws`` replays of ``scenario`` in one vectorized pass.

    Parameters
    ----------
    format: the starting format (default: the scenario's first ``formats`` entry, else
        ``minsk-group``).
    draws: number of draws ``D``; seed, batch_index: each uncertain input draws from its own
        stream ``SeedSequence(seed, spawn_key=(batch_index, 0, stable_int(name)))`` and the process
        from one stream per use of randomness, ``SeedSequence(seed, spawn_key=(batch_index, 1,
        stable_int(use), step))`` (:mod:`accord.simulation.streams`): common random numbers across
        formats and across edits of other inputs.
    until: stop at this decimal year (default: the scenario's end).
    overrides: named inputs per draw, shape ``(draws,)`` (see :mod:`accord.simulation.inputs`).
    mediator: actor id of the mediator of a single-mediator format.
    history: ``imposed`` (default: the scenario's dated wars, statements, resignations and format
        changes happen as dated), ``counterfactual`` (only their context applies) or a
        :class:`~accord.simulation.history.History` such as ``History.from_year(1997)``; the rule is
        the table in :mod:`accord.simulation.history`.
    log: called with every record of draw 0's event log (:mod:`accord.simulation.events`).
    decisions: what people decided in a training session (:mod:`accord.simulation.decisions`);
        None: the engine decides everything.
    observe: called each step with the context, the state and the balance the negotiators face
        (:class:`~accord.simulation.process.Process`).

    Memory grows with ``D``: drafting holds about ``D · K · A · I`` floats (``K ≈ 11·(A_t + 1) +
    10·I`` candidate texts, ``A`` kernel actors, ``A_t`` at the table), so split very large sweeps
    into batches (``batch_index`` keeps their random streams independent).

    Raises
    ------
    EngineError: unknown parameter, effect, format or mediator, or a bad ``history``.
    """
    if draws < 1:
        raise EngineError(f"draws: expected at least 1, found {draws}")
    try:
        hist = History.parse(history)
    except ValueError as e:
        raise EngineError(str(e)) from None
    _check(scenario)
    traits = _traits(scenario)
    fmt0 = format or default_format(scenario)
    try:
        chain = format_chain(scenario, fmt0)
        specs = [resolve_format(scenario, f, mediator=mediator) for f in chain]
        tracks = resolve_tracks(scenario)
    except ValueError as e:
        raise EngineError(str(e)) from e
    try:
        values, drawn = draw_inputs(scenario, draws, seed=seed, batch_index=batch_index, overrides=overrides)
    except (KeyError, ValueError) as e:
        raise EngineError(str(e.args[0]) if e.args else str(e)) from e

    mon_default = values.get("parameters.monitoring_default", np.full(draws, PARAMETERS["monitoring_default"].default))
    proposals = compile_proposals(scenario, values, draws)
    coef = hazards.coefficients(values, draws)
    ctx = compile_context(
        scenario, specs, chain, tracks, proposals, values, draws, until, hist, mon_default, traits, coef, decisions
    )
    result = Process(ctx, Streams(seed, batch_index), log, observe).run()
    result.inputs = drawn
    return result
