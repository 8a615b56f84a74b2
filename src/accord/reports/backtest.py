"""The backtest of a case as one self-contained HTML page.

What was scored (commit, sha256 of the case, its timeline and the hazard table), the method,
the scores per outcome with their bootstrap intervals, one figure per outcome (the model's yearly
probability against the years the record marks), the reliability diagrams, every year row and
every proposal and format row. Figures are matplotlib SVG inlined: no script, no external
resource, opens offline.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from accord import __version__
from accord.analysis.storage import write_text_atomic
from accord.reports import figures
from accord.reports.evaluation import STYLE

__all__ = ["render_backtest", "write_backtest"]


def _e(x: Any) -> str:
    return html.escape(str(x))


def _num(x: Any, fmt: str = "{:.3f}") -> str:
    return fmt.format(x) if isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x) else "–"


def _with_ci(s: Mapping[str, Any], key: str, fmt: str = "{:.3f}") -> str:
    out = _num(s.get(key), fmt)
    ci = s.get(f"{key}_ci")
    if ci and all(isinstance(c, int | float) for c in ci):
        out += " [" + ", ".join(_num(c, fmt) for c in ci) + "]"
    return out


def _scores(result: Mapping[str, Any]) -> str:
    rows = []
    for o in result["outcomes"]:
        s = result["scores"][o]
        auc = "n/a: one class" if s.get("auc_note") else _with_ci(s, "auc", "{:.2f}")
        cells = [
            f"<td>{_e(o)}</td>",
            f'<td class="num">{s["n"]}</td>',
            f'<td class="num">{s["events"]}</td>',
            f'<td class="num">{_num(s["base_rate"], "{:.3f}")}</td>',
            f'<td class="num">{auc}</td>',
            f'<td class="num">{_with_ci(s, "brier")}</td>',
            f'<td class="num">{_with_ci(s, "brier_skill_base_rate", "{:+.2f}")}</td>',
            f'<td class="num">{_with_ci(s, "brier_skill_base_rate_loo", "{:+.2f}")}</td>',
            f'<td class="num">{_with_ci(s, "brier_skill_persistence", "{:+.2f}")}</td>',
        ]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    head = (
        "<tr><th>outcome</th><th>years</th><th>events</th><th>base rate</th><th>AUC [95%]</th><th>Brier [95%]</th>"
        "<th>skill vs base rate [95%]</th><th>skill vs leave-one-year-out rate [95%]</th>"
        "<th>skill vs persistence [95%]</th></tr>"
    )
    return f"<table>{head}\n" + "\n".join(rows) + "</table>"


def _years(result: Mapping[str, Any]) -> str:
    outcomes = result["outcomes"]
    by = {(r["year"], r["outcome"]): r for r in result["year_rows"]}
    years = sorted({r["year"] for r in result["year_rows"]})
    head = "<tr><th>year</th>" + "".join(f"<th>{_e(o)}</th>" for o in outcomes) + "<th>record</th></tr>"
    rows = []
    for y in years:
        cells, said = [], []
        for o in outcomes:
            r = by[(y, o)]
            mark = " ●" if r["observed"] else ""
            cells.append(f'<td class="num">{r["p"]:.3f}{mark}</td>')
            if r["record"] and r["record"] not in said:
                said.append(r["record"])
        rows.append(f"<tr><td>{y}</td>" + "".join(cells) + f"<td>{_e('; '.join(said))}</td></tr>")
    return f"<table>{head}\n" + "\n".join(rows) + "</table>"


def _entry_rows(result: Mapping[str, Any]) -> str:
    rows = [
        f"<tr><td>{_e(r['kind'])}</td><td>{_e(r['date'])}</td><td>{_e(r['label'])}</td><td>{_e(r['history'])}</td>"
        f'<td>{_e(r["model"])}</td><td class="num">{r["p_event"]:.3f}</td><td class="num">{r["brier"]:.3f}</td>'
        f"<td>{_e(r['note'])}</td></tr>"
        for r in result["rows"]
    ]
    head = (
        "<tr><th>kind</th><th>date</th><th>entry</th><th>history</th><th>model</th><th>P(event)</th>"
        "<th>Brier</th><th>note</th></tr>"
    )
    return f"<table>{head}\n" + "\n".join(rows) + "</table>"


def _figures(result: Mapping[str, Any]) -> tuple[str, str]:
    series, rel = [], []
    for o in result["outcomes"]:
        rs = sorted((r for r in result["year_rows"] if r["outcome"] == o), key=lambda r: r["year"])
        years = np.array([r["year"] for r in rs], dtype=float)
        p = np.array([r["p"] for r in rs], dtype=float)
        obs = np.array([r["observed"] for r in rs], dtype=float)
        s = result["scores"][o]
        fig = figures.forecast_record(years, p, obs, f"{o}: P by year ({s['events']} shaded: happened)")
        series.append(f'<figure data-figure="years-{_e(o)}">{figures.to_svg(fig)}</figure>')
        fig = figures.reliability_diagram(
            s["reliability"], f"{o}: reliability ({s['n']} years, {s['events']} events)", "mean model probability"
        )
        rel.append(f'<figure data-figure="reliability-{_e(o)}">{figures.to_svg(fig)}</figure>')
    return "".join(series), "".join(rel)


def _provenance(p: Mapping[str, Any]) -> str:
    if not p:
        return "<p>No provenance recorded.</p>"
    dirty = " <strong>(with uncommitted changes: " + _e(", ".join(p.get("changed", []))) + ")</strong>"
    items = [
        f"<li>code: commit <code>{_e(p.get('commit'))}</code>{dirty if p.get('dirty') else ''}, "
        f"accord {_e(p.get('accord'))}</li>",
        f"<li>case: {_e(p['case']['file'])}, sha256 <code>{_e(p['case']['sha256'])}</code></li>",
        f"<li>timeline: {_e(p['timeline']['file'])}, sha256 <code>{_e(p['timeline']['sha256'])}</code></li>",
        f"<li>hazard table: {_e(p['hazards']['file'])}, sha256 <code>{_e(p['hazards']['sha256'])}</code> "
        f"(fitted at {_e(p['hazards'].get('fit_commit'))})</li>",
    ]
    return "<ul>" + "".join(items) + "</ul>"


def render_backtest(result: Mapping[str, Any]) -> str:
    """The backtest (the JSON of :meth:`accord.analysis.backtest.BacktestResult.to_dict`) as HTML."""
    method = result["method"]
    refs = method["references"]
    first, last = result["scored_years"]
    events = ", ".join(f"{_e(o)} {result['scores'][o]['events']}" for o in result["outcomes"])
    series, rel = _figures(result)
    notes = "".join(f"<li>{_e(n)}</li>" for n in result["notes"]) or "<li>none</li>"
    params = "".join(f"<tr><td>{_e(a)}</td><td>{_e(b)}</td><td>{_e(c)}</td></tr>" for a, b, c in result["parameters"])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="generator" content="accord {__version__}">
<title>accord: backtest of {_e(result["case"])}</title><style>{STYLE}</style></head>
<body>
<h1>Backtest of {_e(result["case"])}, {first}–{last}</h1>
<p class="meta">{result["runs"]} runs per replay, seed {result["seed"]}, history {_e(result["history"])};
{method["bootstrap_replicates"]} bootstrap replicates; accord {__version__}.</p>
<h2>What was scored</h2>
{_provenance(result["provenance"])}
<h2>Method</h2>
<p>{_e(method["cut"])}. Model probability: {_e(method["year_probability"])}.</p>
<p>Skill = 1 − Brier / Brier of the reference; above 0 beats it, below 0 does worse. References:
base rate = {_e(refs["base_rate"])}; leave-one-year-out = {_e(refs["base_rate_loo"])}; persistence =
{_e(refs["persistence"])}. AUC: {_e(method["auc"])}. Intervals: {_e(method["intervals"])}.</p>
<p><strong>The sample is tiny:</strong> {last - first + 1} years; events in the record: {events}. Intervals are wide,
and an AUC over one or two events says little.</p>
<h2>Scores per outcome</h2>
{_scores(result)}
<h2>The model's yearly probability against the record</h2>
<div class="grid">{series}</div>
<h2>Reliability ({method["reliability_bins"]} bins of equal count)</h2>
<div class="grid">{rel}</div>
<h2>Year by year (● = it happened)</h2>
{_years(result)}
<h2>Proposals and formats</h2>
{_entry_rows(result)}
<h2>Notes</h2>
<ul>{notes}</ul>
<h2>Parameters (set in the case file before the backtest; none fitted to it)</h2>
<table><tr><th>parameter</th><th>value</th><th>provenance</th></tr>{params}</table>
</body></html>
"""


def write_backtest(result: Mapping[str, Any], out: Path) -> None:
    write_text_atomic(out, render_backtest(result))
