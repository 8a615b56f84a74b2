"""The report's figures, drawn with matplotlib and returned as inline SVG or saved as PNG/SVG.

Why matplotlib (and not Vega-Lite): one renderer gives the self-contained HTML report (SVG
inline, no script at all), the PNG/SVG files for papers (``--figures``) and the dashboard's
charts (served as SVG by the local server), so there is no JavaScript library to vendor,
license-check or keep in step, and a report opens offline in any browser.

Every function takes plain arrays (no engine objects) and returns a
:class:`matplotlib.figure.Figure` built without pyplot, so figures can be drawn from the web
server's worker threads. Text that comes from a scenario is escaped so that a ``$`` in a label
is printed, not read as mathtext.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib import rcParams
from matplotlib.figure import Figure

# deterministic SVG: the same data gives the same bytes (no date, fixed id salt)
rcParams["svg.hashsalt"] = "accord"
rcParams["svg.fonttype"] = "path"

PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)

EVENT_COLOURS: dict[str, str] = {
    "war": "#b2182b",
    "escalation": "#ef8a62",
    "ceasefire": "#4393c3",
    "proposal": "#1b7837",
    "agreement": "#00441b",
    "veto": "#762a83",
    "leader-removed": "#e08214",
}
"""Colours of the event kinds a reader looks for first (:mod:`accord.simulation.events`); others
take the palette."""


def text(s: object) -> str:
    """Scenario text made safe for matplotlib: ``$`` is literal, not mathtext."""
    return str(s).replace("\\", "\\\\").replace("$", r"\$")


def _new(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    return fig


def _axes(fig: Figure) -> Any:
    ax = fig.add_subplot()
    ax.set_axisbelow(True)  # grid lines behind bars
    return ax


def to_svg(fig: Figure) -> str:
    """The figure as an ``<svg>`` element (no XML prolog), ready to inline in HTML."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    out = buf.getvalue()
    start = out.find("<svg")
    return out[start:] if start >= 0 else out


def save(fig: Figure, directory: Path, stem: str) -> list[Path]:
    """Write ``stem.png`` (200 dpi) and ``stem.svg`` into ``directory``; return the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for ext, kw in (("png", {"dpi": 200}), ("svg", {"metadata": {"Date": None, "Creator": None}})):
        path = directory / f"{stem}.{ext}"
        tmp = path.with_name(f".{path.name}.tmp")
        fig.savefig(tmp, format=ext, **kw)
        tmp.replace(path)
        paths.append(path)
    return paths


def timeline(events: Sequence[tuple[float, str]], start: float, end: float) -> Figure:
    """Events of a replay, given as ``(time, kind)``, on a time axis, one row per kind of event."""
    kinds = sorted({kind for _, kind in events}) or ["(no events)"]
    fig = _new(9, 0.5 + 0.38 * len(kinds) + 0.6)
    ax = _axes(fig)
    for row, kind in enumerate(kinds):
        ts = [float(t) for t, k in events if k == kind]
        colour = EVENT_COLOURS.get(kind, PALETTE[row % len(PALETTE)])
        ax.scatter(ts, [row] * len(ts), s=46, color=colour, edgecolor="white", linewidth=0.6, zorder=3)
    ax.set_yticks(range(len(kinds)), [text(k) for k in kinds])
    ax.set_ylim(-0.7, len(kinds) - 0.3)
    ax.set_xlim(start, end)
    ax.grid(axis="x", color="#dddddd", zorder=0)
    ax.set_xlabel("year")
    ax.set_title("Replay timeline (one mark per logged event)")
    return fig


def positions(
    years: np.ndarray,
    pos: np.ndarray,
    actor_labels: Sequence[str],
    issue_labels: Sequence[str],
    status_quo: np.ndarray | None = None,
) -> Figure:
    """Actors' positions over time, one panel per issue.

    ``pos`` is ``(steps, actors, issues)``; NaN where an actor holds no position.
    ``status_quo`` is ``(steps, issues)`` and drawn as a thick grey line."""
    n_issues = pos.shape[2]
    cols = min(2, n_issues)
    rows = (n_issues + cols - 1) // cols
    fig = _new(9, 0.8 + 2.9 * rows)
    axes = fig.subplots(rows, cols, squeeze=False, sharex=True)
    for i in range(rows * cols):
        ax = axes[i // cols][i % cols]
        if i >= n_issues:
            ax.set_visible(False)
            continue
        if status_quo is not None:
            ax.plot(years, status_quo[:, i], color="#888888", linewidth=4, alpha=0.5, label="status quo")
        for a, label in enumerate(actor_labels):
            series = pos[:, a, i]
            if np.all(np.isnan(series)):
                continue
            ax.plot(years, series, color=PALETTE[a % len(PALETTE)], linewidth=1.6, label=text(label))
        ax.set_ylim(-3, 103)
        ax.set_title(text(issue_labels[i]), fontsize=10)
        ax.set_ylabel("position (0–100)")
        ax.grid(color="#eeeeee")
    handles, labels = axes[0][0].get_legend_handles_labels()
    if handles:
        many = len(labels) > 14
        fig.legend(
            handles,
            labels,
            loc="outside lower center",
            ncols=min(12 if many else 7, len(labels)),
            fontsize=6 if many else 8,
            frameon=False,
        )
    fig.suptitle("Positions over time per issue (replay)")
    return fig


def probability_bands(
    years: np.ndarray,
    series: Mapping[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
    title: str,
) -> Figure:
    """Probabilities per year with bands: ``series`` maps a label to ``(mean, low, high)``."""
    fig = _new(9, 3.6)
    ax = _axes(fig)
    for k, (label, (mean, low, high)) in enumerate(series.items()):
        colour = PALETTE[k % len(PALETTE)]
        ax.fill_between(years, low, high, color=colour, alpha=0.18, linewidth=0)
        ax.plot(years, mean, color=colour, linewidth=2, label=text(label))
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlim(float(years[0]), float(years[-1]))
    ax.set_ylabel("probability")
    ax.set_xlabel("year")
    ax.grid(color="#eeeeee")
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    ax.set_title(text(title))
    return fig


def format_comparison(
    formats: Sequence[str],
    metrics: Mapping[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
) -> Figure:
    """Grouped bars per format: ``metrics`` maps a metric label to ``(value, low, high)`` arrays
    over ``formats`` (95% intervals drawn as error bars)."""
    fig = _new(9, 0.9 + 0.55 * max(2, len(formats)) * max(1, len(metrics)) / 2 + 1.2)
    ax = _axes(fig)
    n = max(1, len(metrics))
    height = 0.8 / n
    y = np.arange(len(formats), dtype=float)
    for k, (label, (value, low, high)) in enumerate(metrics.items()):
        pos = y - 0.4 + height * (k + 0.5)
        err = np.vstack([np.clip(value - low, 0, None), np.clip(high - value, 0, None)])
        ax.barh(pos, value, height=height * 0.9, color=PALETTE[k % len(PALETTE)], label=text(label))
        ax.errorbar(value, pos, xerr=err, fmt="none", ecolor="#333333", capsize=3, linewidth=1)
    ax.set_yticks(y, [text(f) for f in formats])
    ax.invert_yaxis()
    ax.set_xlim(0, 1.02)
    ax.set_xlabel("probability (same draws under every format)")
    ax.grid(axis="x", color="#eeeeee")
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    ax.set_title("Format comparison")
    return fig


def veto_heatmap(mean_vetoes: np.ndarray, actor_labels: Sequence[str], issue_labels: Sequence[str]) -> Figure:
    """Mean vetoes per replay by actor (rows) and issue (columns)."""
    A, n_issues = mean_vetoes.shape
    fig = _new(min(9, 2.5 + 1.3 * n_issues), max(2.6, 1.4 + 0.36 * A))
    ax = _axes(fig)
    vmax = float(np.nanmax(mean_vetoes)) if mean_vetoes.size and np.nanmax(mean_vetoes) > 0 else 1.0
    im = ax.imshow(mean_vetoes, cmap="Purples", vmin=0, vmax=vmax, aspect="auto")
    ax.set_xticks(range(n_issues), [text(s) for s in issue_labels], rotation=20, ha="right")
    ax.set_yticks(range(A), [text(s) for s in actor_labels])
    for a in range(A):
        for i in range(n_issues):
            v = mean_vetoes[a, i]
            ax.text(
                i, a, f"{v:.2f}", ha="center", va="center", fontsize=8, color="white" if v > 0.6 * vmax else "#222222"
            )
    fig.colorbar(im, ax=ax, label="vetoes per replay", shrink=0.8)
    ax.set_title("Vetoes by actor and issue (mean over draws)")
    return fig


def sensitivity_ranking(
    names: Sequence[str], scores: np.ndarray, what: str, score_label: str, noise_floor: float | None = None
) -> Figure:
    """Horizontal bars of a sensitivity score per input, largest first (``scores`` may be signed);
    a dashed line marks the noise floor when one is known."""
    order = np.argsort(-np.abs(scores), kind="stable")
    names = [names[k] for k in order]
    scores = scores[order]
    fig = _new(9, 1.0 + 0.3 * max(3, len(names)))
    ax = _axes(fig)
    colours = [PALETTE[0] if s >= 0 else PALETTE[1] for s in scores]
    ax.barh(np.arange(len(names)), scores, color=colours)
    ax.set_yticks(np.arange(len(names)), [text(n) for n in names], fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="#333333", linewidth=0.8)
    if noise_floor is not None and np.isfinite(noise_floor):
        ax.axvline(noise_floor, color="#555555", linestyle="--", linewidth=1, label="noise floor")
        ax.legend(fontsize=8, frameon=False, loc="lower right")
    ax.set_xlabel(text(score_label))
    ax.grid(axis="x", color="#eeeeee")
    ax.set_title(text(f"Sensitivity ranking: {what}"))
    return fig


def reliability_diagram(
    bins: Sequence[Mapping[str, float]], title: str, xlabel: str = "mean predicted probability (out of fold)"
) -> Figure:
    """Observed event rate against mean predicted probability, one point per bin (size ~ rows),
    with the diagonal of perfect calibration (Murphy 1973)."""
    fig = _new(4.2, 4.0)
    ax = _axes(fig)
    p = np.array([b["p_mean"] for b in bins], dtype=float)
    o = np.array([b["observed"] for b in bins], dtype=float)
    n = np.array([b["n"] for b in bins], dtype=float)
    top = float(max(np.nanmax(p, initial=0.0), np.nanmax(o, initial=0.0), 0.05)) * 1.05
    ax.plot([0, top], [0, top], color="#999999", linewidth=1, linestyle="--", label="perfectly calibrated")
    size = 20 + 180 * n / max(float(n.max(initial=1.0)), 1.0)
    ax.plot(p, o, color=PALETTE[0], linewidth=1, zorder=2)
    ax.scatter(p, o, s=size, color=PALETTE[0], edgecolor="white", linewidth=0.6, zorder=3, label="bins (size ~ rows)")
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.set_xlabel(text(xlabel))
    ax.set_ylabel("observed rate")
    ax.grid(color="#eeeeee", zorder=0)
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    ax.set_title(text(title), fontsize=10)
    return fig


def forecast_record(years: np.ndarray, p: np.ndarray, observed: np.ndarray, title: str) -> Figure:
    """A yearly forecast against the record: the model's probability as a line, the years in
    which the outcome happened shaded (a backtest's one outcome)."""
    fig = _new(4.4, 2.6)
    ax = _axes(fig)
    for y in years[observed.astype(bool)]:
        ax.axvspan(float(y) - 0.5, float(y) + 0.5, color=EVENT_COLOURS["war"], alpha=0.18, linewidth=0, zorder=1)
    ax.plot(years, p, color=PALETTE[0], linewidth=1.6, marker="o", markersize=2.5, zorder=3, label="model P")
    top = float(max(np.nanmax(p, initial=0.0), 0.05)) * 1.1
    ax.set_ylim(0, min(1.02, top))
    ax.set_xlim(float(years[0]) - 0.5, float(years[-1]) + 0.5)
    ax.set_ylabel("probability")
    ax.grid(color="#eeeeee", zorder=0)
    ax.set_title(text(title), fontsize=9)
    return fig
