"""The out-of-sample evaluation of the fitted hazards as one self-contained HTML page.

Tables of AUC, Brier score and Brier skill (with the bootstrap intervals) and one reliability
diagram per hazard, drawn with matplotlib and inlined as SVG: no script, no external resource,
opens offline.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from accord import __version__
from accord.analysis.storage import write_text_atomic
from accord.reports import figures

__all__ = ["render_evaluation", "write_evaluation"]

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; margin: 0 auto;
       max-width: 1000px; padding: 1.5em; color: #1b1b1b; line-height: 1.45; }
h2 { border-bottom: 1px solid #ccc; padding-bottom: .2em; margin-top: 2em; }
table { border-collapse: collapse; font-size: .85em; margin: .5em 0; }
th, td { border: 1px solid #ddd; padding: .25em .5em; text-align: left; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.grid { display: flex; flex-wrap: wrap; gap: 1em; } figure { margin: 0; width: 440px; }
figure svg { max-width: 100%; height: auto; } figcaption { font-size: .85em; color: #444; }
.meta { color: #555; font-size: .9em; }
"""


def _num(x: Any, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    return f"{x:.{digits}f}" if isinstance(x, float) else str(x)


def _with_ci(d: Mapping[str, Any], key: str, signed: bool = False) -> str:
    v = d.get(key)
    ci = d.get(f"{key}_ci")
    fmt = "{:+.3f}" if signed else "{:.3f}"
    s = fmt.format(v) if isinstance(v, float) and math.isfinite(v) else "–"
    if ci and all(isinstance(c, float) and math.isfinite(c) for c in ci):
        s += " [" + ", ".join(fmt.format(c) for c in ci) + "]"
    return s


def _rows(outcomes: Mapping[str, Any], part: str | None) -> str:
    out = []
    for name, o in outcomes.items():
        d = o if part is None else o[part]
        cells = [
            f"<td>{html.escape(name)}</td>",
            f'<td class="num">{d["n"]}</td>',
            f'<td class="num">{d["events"]}</td>',
            f'<td class="num">{d["conflicts"]}</td>',
            f'<td class="num">{_with_ci(d, "auc")}</td>',
            f'<td class="num">{_with_ci(d, "brier")}</td>',
            f'<td class="num">{_num(d["brier_base_rate"])}</td>',
            f'<td class="num">{_num(d["brier_persistence"])}</td>',
            f'<td class="num">{_with_ci(d, "brier_skill_base_rate", True)}</td>',
            f'<td class="num">{_with_ci(d, "brier_skill_persistence", True)}</td>',
        ]
        out.append("<tr>" + "".join(cells) + "</tr>")
    return "\n".join(out)


_HEAD = (
    "<tr><th>hazard</th><th>n</th><th>events</th><th>conflicts</th><th>AUC [95%]</th><th>Brier [95%]</th>"
    "<th>Brier, base rate</th><th>Brier, persistence</th><th>skill vs base rate [95%]</th>"
    "<th>skill vs persistence [95%]</th></tr>"
)


def render_evaluation(result: Mapping[str, Any]) -> str:
    """The evaluation (from :func:`accord.analysis.evaluate.evaluate`) as an HTML document."""
    outcomes = result["outcomes"]
    figs = []
    for name, o in outcomes.items():
        fig = figures.reliability_diagram(
            o["reliability"], f"{name}: reliability ({o['n']} rows, {o['events']} events)"
        )
        figs.append(
            f'<figure data-figure="reliability-{html.escape(name)}">{figures.to_svg(fig)}'
            f"<figcaption>{html.escape(name)}: observed rate against mean out-of-fold prediction in bins of equal "
            "count; on the diagonal = calibrated.</figcaption></figure>"
        )
    table = result.get("coefficients", {})
    boot = result.get("bootstrap", {})
    refs = result.get("references", {}).get("persistence", {})
    persistence = "; ".join(f"{html.escape(k)}: {html.escape(v)}" for k, v in refs.items())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="generator" content="accord {__version__}">
<title>accord: out-of-sample skill of the fitted hazards</title><style>{STYLE}</style></head>
<body>
<h1>Out-of-sample skill of the fitted hazards</h1>
<p class="meta">Cross-validation: {html.escape(str(result["cv"]))} ({result.get("folds", "")} folds);
intervals: {html.escape(str(boot.get("interval", "")))} of {boot.get("replicates", "")} bootstrap replicates resampling
whole conflicts (seed {boot.get("seed", "")}); coefficient table: commit <code>{html.escape(str(table.get("commit", "")))}</code>,
sha256 <code>{html.escape(str(table.get("sha256", ""))[:16])}</code>. accord {__version__}.</p>
<p>Skill = 1 − Brier / Brier of the reference; above 0 beats it, below 0 does worse. References: the base rate of the
training folds; persistence = last year's state of the outcome ({persistence}).</p>
<h2>All risk-set years</h2>
<table>{_HEAD}
{_rows(outcomes, None)}
</table>
<h2>Years within 10 of the last fighting</h2>
<p>Pre-registered subset: long-quiet conflicts are easy negatives that flatter the AUC.</p>
<table>{_HEAD}
{_rows(outcomes, "recent")}
</table>
<h2>Reliability</h2>
<div class="grid">
{"".join(figs)}
</div>
</body></html>
"""


def write_evaluation(result: Mapping[str, Any], out: Path) -> None:
    write_text_atomic(out, render_evaluation(result))
