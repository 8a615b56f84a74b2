"""Limits a user can read and raise: the memory budget of a command (``--max-memory``, default 4 GiB
or ``ACCORD_MAX_MEMORY``) and the largest sweep (``MAX_RUNS``).

Before a command allocates anything it estimates what its runs need
(:func:`accord.simulation.budget.peak_bytes`), picks its chunk size from the budget unless told,
runs no more workers than the budget holds, and otherwise stops with what it would need and what
to change: ``this sweep needs ~8.3 GiB at --chunk-size 1000; use --chunk-size 50 or raise
--max-memory``.
"""

from __future__ import annotations

from typing import Any

import typer

from accord.cli.common import err_console, fail
from accord.scenario import Scenario
from accord.scenario.formats import FormatError
from accord.simulation.budget import (
    DEFAULT_MAX_MEMORY,
    RunShape,
    default_chunk,
    format_bytes,
    max_draws,
    parse_bytes,
    peak_bytes,
    shape_of,
)

MAX_RUNS = 100_000_000
"""Most replays in one sweep or comparison: beyond it the plan of chunks alone fills memory (and the
results a disk); a larger study is several sweeps with different seeds."""


DEFAULT = format_bytes(DEFAULT_MAX_MEMORY).replace(" ", "").replace(".0", "")
"""``--max-memory``'s default as the user writes it (``4GiB``)."""
_HELP = (
    "Memory the runs may use, e.g. 4GiB or 800MiB (also ACCORD_MAX_MEMORY); the chunk size and the number "
    "of workers are chosen to fit, and a run that cannot fit is refused before it starts."
)


def max_memory_option() -> Any:
    """``--max-memory`` for a command written with plain defaults."""
    return typer.Option(DEFAULT, "--max-memory", envvar="ACCORD_MAX_MEMORY", help=_HELP)


def max_memory_annotation() -> Any:
    """``--max-memory`` for a command written with ``Annotated`` (the default goes after ``=``)."""
    return typer.Option("--max-memory", envvar="ACCORD_MAX_MEMORY", help=_HELP)


def budget(text: str) -> int:
    """``--max-memory`` in bytes, or exit 2 with what is expected."""
    try:
        return parse_bytes(text)
    except ValueError as e:
        fail(f"--max-memory: {e}")


def check_runs(runs: int, what: str = "sweep", option: str = "--runs") -> None:
    """Exit 2 when a command would replay more than ``MAX_RUNS`` times."""
    if runs > MAX_RUNS:
        fail(
            f"{option}: expected at most {MAX_RUNS:,} replays per {what}, found {runs:,} "
            "(run several with different --seed instead)"
        )


def run_shape(
    scenario: Scenario, source: str, *, format: str | None, mediator: str | None = None, until: float | None = None
) -> RunShape:
    """The shape of a run, or exit 2 naming the format the engine cannot build."""
    try:
        return shape_of(scenario, format=format, mediator=mediator, until=until)
    except FormatError as e:
        fail(f"{source}: {e}")


def _sizes(shape: RunShape) -> str:
    return f"{shape.actors} actors × {shape.issues} issues, {shape.steps} steps"


def chunk_plan(
    source: str,
    shapes: list[RunShape],
    limit: int,
    *,
    chunk: int | None,
    cap: int,
    workers: int | None,
    what: str,
    option: str | None,
    table: bool = True,
    reserved: int = 0,
) -> tuple[int, int | None]:
    """``(chunk, workers)`` that fit ``limit`` bytes: the chunk given, else ``cap`` or fewer (see
    ``default_chunk``); ``workers`` lowered so that a chunk per worker fits (None: not limited,
    e.g. a remote cluster). ``option``: the option that sets the chunk (None: none does).
    ``reserved``: bytes the command keeps besides its chunks. Exits 2 with the numbers when even
    that does not fit."""
    room = limit - reserved
    chosen = chunk if chunk is not None else min(default_chunk(s, max(room, 0), cap=cap, table=table) for s in shapes)
    need = max(peak_bytes(s, chosen, table=table) for s in shapes)
    if chunk is None and chosen < cap and need <= room:
        # chunks fix the numbers (each is one engine batch with its own streams): say so
        err_console.print(
            f"note: batches of {chosen:,} draws instead of {cap:,} to fit --max-memory {format_bytes(limit)} "
            f"(~{format_bytes(need)} each); the numbers depend on the batch size",
            highlight=False,
        )
    if need > room:
        fit = min(max_draws(s, max(room, 0), table=table) for s in shapes)
        kept = f", besides ~{format_bytes(reserved)} of results" if reserved else ""
        advice = (
            f"use {option} {fit} or raise --max-memory"
            if fit >= 1 and option is not None
            else "raise --max-memory, or seat fewer actors or issues at the table"
        )
        at = f"at {option} {chosen}" if option is not None else f"for batches of {chosen:,} draws"
        fail(
            f"{source}: --max-memory: this {what} needs ~{format_bytes(need)} {at}{kept} "
            f"({_sizes(shapes[0])}; {format_bytes(limit)} allowed); {advice}"
        )
    if workers is None:
        return chosen, None
    fitting = max(1, int(room // max(need, 1)))
    if fitting < workers:
        err_console.print(
            f"note: {fitting} worker(s) instead of {workers}, so that chunks of {chosen:,} draws "
            f"(~{format_bytes(need)} each) fit in --max-memory {format_bytes(limit)}",
            highlight=False,
        )
        return chosen, fitting
    return chosen, workers


def sensitivity_design(
    source: str, limit: int, *, factors: int, method: str, samples: int | None, replicates: int
) -> int:
    """Bytes a sensitivity design of about ``samples x (factors + 3)`` points holds (Morris and Sobol
    alike), after refusing one whose replays exceed ``MAX_RUNS`` or whose design exceeds ``limit``."""
    points = (samples or (10 if method == "morris" else 64)) * (factors + 3)
    check_runs(points * replicates, "sensitivity analysis", "--samples x --replicates")
    design = 4 * 8 * points * (factors + 2)  # the design matrix and its copies
    refuse_kept(source, "sensitivity analysis", design, limit, "use fewer --samples")
    return design


def refuse_kept(source: str, what: str, need: int, limit: int, advice: str) -> None:
    """Exit 2 when what a command keeps of its runs (``need`` bytes) exceeds ``limit``."""
    if need > limit:
        fail(
            f"{source}: --max-memory: this {what} keeps ~{format_bytes(need)} of results "
            f"({format_bytes(limit)} allowed); {advice} or raise --max-memory"
        )
