"""The one progress protocol of every long operation: ``progress(done, total, what)``.

Sweeps, comparisons, sensitivity analyses, backtests, reports and the dashboard's jobs all call
it: ``done`` of ``total`` units (replays, or rows of a backtest) and a short description of what
is running. It is called once before the first unit (``done`` may be above 0 on a resume) and
after each unit that completes. A callback may raise (the dashboard raises ``InterruptedError``
when a job is cancelled): the exception stops the operation and reaches its caller, with no
half-written result left behind.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Progress", "silent"]

Progress = Callable[[int, int, str], None]
"""``progress(done, total, what)`` (see the module docstring)."""


def silent(done: int, total: int, what: str) -> None:
    """A progress callback that reports nothing."""
