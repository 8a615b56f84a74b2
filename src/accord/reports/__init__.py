"""Reports: a self-contained HTML report and figure files from replays and sweeps."""

from accord.reports.report import ReportInputs, make_figures, render_html, write_report

__all__ = ["ReportInputs", "make_figures", "render_html", "write_report"]
