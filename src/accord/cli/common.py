"""Shared CLI helpers: one console, progress on stderr, the history options, and turning a bad
scenario or an analysis error into exit code 2 with a message (never a traceback)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, NoReturn

import typer
from rich.console import Console

from accord.scenario import Scenario, ScenarioError, load_scenario
from accord.simulation.history import History

if TYPE_CHECKING:
    from accord.analysis.progress import Progress

# no emoji codes: a located message "file.yaml:100:13: ..." must not print ":100:" as an emoji
console = Console(emoji=False)
err_console = Console(stderr=True, emoji=False)

EXIT_BAD_INPUT = 2


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    err_console.print(message, markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def load_or_exit(case_or_path: str, *, engine: bool = True) -> Scenario:
    """Load a scenario, or print every located problem and exit 2 (``engine``: see load_scenario)."""
    try:
        return load_scenario(case_or_path, engine=engine)
    except ScenarioError as e:
        fail(str(e))


def history_help(default: str) -> str:
    """The ``--history`` help of a command whose default is ``default``."""
    return (
        f"imposed or counterfactual (default here: {default}). imposed: the scenario's dated wars, statements, "
        "resignations and format changes happen as dated; counterfactual: only their context applies (parameter "
        "effects, leaks, office closures, mediator break-ups), so war, the status quo and the format come from "
        "the model. See also --from."
    )


FROM_HELP = (
    "A counterfactual from this year (e.g. 1997 or 1997-06): the history is imposed before it, "
    "the model alone decides from it on."
)


def resolve_history(history: str | None, from_year: str | None, default: str) -> History:
    """The run's :class:`History` from ``--history`` and ``--from`` (exit 2 with a message on bad input)."""
    if from_year is not None:
        if history == "imposed":
            fail("--from: a counterfactual from a year; it cannot be combined with --history imposed")
        try:
            return History.from_year(from_year)
        except ValueError:
            fail(f"--from: expected a year such as 1997 or 1997-06, found {from_year!r}")
    chosen = history if history is not None else default
    if chosen not in ("imposed", "counterfactual"):
        fail(f"--history: expected imposed or counterfactual, found {chosen!r}")
    return History.parse(chosen)


_PARAM = re.compile(r"`([a-z_]+)(?:=([^`]+))?`")


def as_flags(message: str) -> str:
    """An analysis error in the command line's words: ```resume=True``` becomes ``--resume``,
    ```out``` ``--out``, ```chunk_size=5``` ``--chunk-size 5`` (the analysis layer names its
    parameters in backticks; the command line names its flags)."""

    def flag(m: re.Match[str]) -> str:
        name, value = m.group(1).replace("_", "-"), m.group(2)
        if value is None or value == "True":
            return f"--{name}"
        return f"--{name} {value}"

    return _PARAM.sub(flag, message)


@contextmanager
def progress_bar(label: str, unit: str = "runs") -> Iterator[Progress]:
    """A progress bar on stderr, yielded as the one progress callback (:mod:`accord.analysis.progress`).

    On a terminal it updates live; otherwise (a pipe, a log file) its last state is printed when
    the work ends, so a log still says what ran and how long it took."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        ProgressColumn,
        Task,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.progress import Progress as Bar
    from rich.text import Text

    class Speed(ProgressColumn):
        def render(self, task: Task) -> Text:
            speed = task.speed
            per = f" {unit}/s" if unit else "/s"
            return Text(f"–{per}" if speed is None else f"{speed:,.1f}{per}", style="progress.data.speed")

    with Bar(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        Speed(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
    ) as bar:
        task_id = bar.add_task(label, total=None)

        def update(done: int, total: int, what: str) -> None:
            bar.update(task_id, completed=done, total=total, description=f"{label} · {what}" if what else label)

        yield update


def check_mediator(scenario: Scenario, formats: Sequence[str | None], mediator: str | None) -> None:
    """``--mediator`` only where a format is built around one mediator (``single-mediator``, or
    one that names a mediator or has no proposers of its own), and never a party: else exit 2,
    rather than ignore the option."""
    from accord.mechanisms.formats import FormatError, default_format, uses_one_mediator

    if mediator is None:
        return
    if mediator not in scenario.actor_ids:
        fail(f"--mediator: expected an actor id of {scenario.meta.name}, found {mediator!r}")
    if "party" in scenario.actor(mediator).roles:
        fail(f"--mediator: expected an actor that is not a party to the conflict, found {mediator!r} (a party)")
    names = [f or default_format(scenario) for f in formats] or [default_format(scenario)]
    try:
        used = any(uses_one_mediator(scenario, f) for f in names)
    except FormatError:
        return  # an unknown format is reported by the run itself, with the formats it knows
    if not used:
        fail(
            f"--mediator: only a format built around one mediator uses it (e.g. --format single-mediator); "
            f"found {', '.join(names)}, which would ignore it"
        )
