"""Reports: a self-contained HTML report and figure files from replays and sweeps.

The names below load matplotlib on first use only, so that commands which only tell a replay's
story (:mod:`accord.reports.story`) start fast."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accord.reports.report import ReportInputs, make_figures, render_html, write_report

__all__ = ["ReportInputs", "make_figures", "render_html", "write_report"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from accord.reports import report

        return getattr(report, name)
    raise AttributeError(f"module 'accord.reports' has no attribute {name!r}")
