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


def _year_axis(ax: Any, years: np.ndarray) -> None:
    """The years on the x axis; a run of one year gets a year's width around it (not a zero span)."""
    lo, hi = float(years[0]), float(years[-1])
    ax.set_xlim(*((lo, hi) if hi > lo else (lo - 0.5, lo + 0.5)))


def _legend_columns(n: int) -> int:
    """One row up to seven entries, else two rows (matplotlib fills a legend column by column)."""
    return n if n <= 7 else -(-n // 2)


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
    ax.set_title("When each kind of event happened in the replay")
    return fig


OTHERS = "#b8b8b8"
"""Grey of the actors a panel does not single out."""

HIGHLIGHT = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
)
"""Distinct colours for the actors a figure singles out (tab10 without its grey)."""


def positions(
    years: np.ndarray,
    pos: np.ndarray,
    actor_labels: Sequence[str],
    issue_labels: Sequence[str],
    status_quo: np.ndarray | None = None,
    highlight: Sequence[int] | None = None,
) -> Figure:
    """Actors' positions over time, one panel per issue.

    ``pos`` is ``(steps, actors, issues)``; NaN where an actor holds no position (it is not
    drawn). ``highlight`` lists the actors drawn in colour, the same colour in every panel (at
    most :data:`HIGHLIGHT`'s nine; default: the first nine); the others are thin grey lines,
    named once in the legend. ``status_quo`` is ``(steps, issues)``, drawn as a dashed black line."""
    n_issues = pos.shape[2]
    chosen = list(range(pos.shape[1]))[: len(HIGHLIGHT)] if highlight is None else list(highlight)[: len(HIGHLIGHT)]
    colour = {a: HIGHLIGHT[k] for k, a in enumerate(chosen)}
    cols = min(2, n_issues)
    rows = (n_issues + cols - 1) // cols
    fig = _new(9, 1.2 + 2.6 * rows)
    axes = fig.subplots(rows, cols, squeeze=False, sharex=True, sharey=True)
    greyed: list[str] = []
    for i in range(rows * cols):
        ax = axes[i // cols][i % cols]
        if i >= n_issues:
            ax.set_visible(False)
            continue
        for a, label in enumerate(actor_labels):
            series = pos[:, a, i]
            if a in colour or np.all(np.isnan(series)):
                continue
            ax.plot(years, series, color=OTHERS, linewidth=0.9, zorder=1)
            if label not in greyed:
                greyed.append(label)
        if status_quo is not None:
            ax.plot(years, status_quo[:, i], color="#111111", linewidth=2.0, linestyle="--", zorder=3)
        for a in chosen:
            series = pos[:, a, i]
            if not np.all(np.isnan(series)):
                ax.plot(years, series, color=colour[a], linewidth=1.8, zorder=2)
        ax.set_ylim(-3, 103)
        ax.set_title(text(issue_labels[i]), fontsize=10)
        if i % cols == 0:
            ax.set_ylabel("position (0–100)")
        ax.grid(color="#eeeeee")
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color="#111111", linewidth=2.0, linestyle="--")]
    labels = ["status quo"]
    for a in chosen:
        if not np.all(np.isnan(pos[:, a, :])):
            handles.append(Line2D([], [], color=colour[a], linewidth=1.8))
            labels.append(text(actor_labels[a]))
    if greyed:
        handles.append(Line2D([], [], color=OTHERS, linewidth=0.9))
        labels.append(text("others: " + ", ".join(greyed)))
    fig.legend(
        handles, labels, loc="outside lower center", ncols=_legend_columns(len(labels)), fontsize=8, frameon=False
    )
    fig.suptitle("Where each actor stands on each issue over the replay")
    return fig


def probability_bands(
    years: np.ndarray,
    series: Mapping[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
    title: str,
    ylabel: str = "probability",
) -> Figure:
    """Probabilities per year with bands: ``series`` maps a label to ``(mean, low, high)``; the
    legend sits below the plot, outside the data."""
    fig = _new(9, 3.9)
    ax = _axes(fig)
    for k, (label, (mean, low, high)) in enumerate(series.items()):
        colour = HIGHLIGHT[k % len(HIGHLIGHT)]
        ax.fill_between(years, low, high, color=colour, alpha=0.18, linewidth=0)
        ax.plot(years, mean, color=colour, linewidth=2, label=text(label), marker="o" if len(years) == 1 else None)
    ax.set_ylim(-0.02, 1.02)
    _year_axis(ax, years)
    ax.set_ylabel(text(ylabel))
    ax.set_xlabel("year")
    ax.grid(color="#eeeeee")
    if len(series) > 1:
        fig.legend(loc="outside lower center", ncols=_legend_columns(len(series)), fontsize=8, frameon=False)
    ax.set_title(text(title))
    return fig


def small_multiples(
    years: np.ndarray,
    panels: Mapping[str, tuple[np.ndarray, np.ndarray, np.ndarray] | None],
    title: str,
    ylabel: str,
    empty: str = "no draw has one",
) -> Figure:
    """One small panel per series (``label -> (mean, low, high)``), on shared axes, so that curves
    never lie on top of each other; ``None`` draws an empty panel that says ``empty``."""
    n = max(1, len(panels))
    cols = min(3, n)
    rows = (n + cols - 1) // cols
    fig = _new(9, 0.9 + 2.1 * rows)
    axes = fig.subplots(rows, cols, squeeze=False, sharex=True, sharey=True)
    for k in range(rows * cols):
        ax = axes[k // cols][k % cols]
        if k >= len(panels):
            ax.set_visible(False)
            continue
        label, band_ = list(panels.items())[k]
        colour = HIGHLIGHT[k % len(HIGHLIGHT)]
        if band_ is None:
            ax.text(0.5, 0.5, text(empty), transform=ax.transAxes, ha="center", va="center", color="#666666")
        else:
            mean, low, high = band_
            ax.fill_between(years, low, high, color=colour, alpha=0.2, linewidth=0)
            ax.plot(years, mean, color=colour, linewidth=2, marker="o" if len(years) == 1 else None)
        _year_axis(ax, years)
        ax.set_ylim(-0.02, 1.02)
        ax.set_title(text(label), fontsize=10)
        ax.grid(color="#eeeeee")
        if k % cols == 0:
            ax.set_ylabel(text(ylabel), fontsize=9)
        if k + cols >= len(panels):  # no panel below: this one carries the years
            ax.tick_params(labelbottom=True)
    fig.suptitle(text(title))
    return fig


def format_comparison(
    formats: Sequence[str],
    metrics: Mapping[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
) -> Figure:
    """One panel per metric (``label -> (value, low, high)`` arrays over ``formats``), a bar per
    format with its 95% interval; the panel title names the metric, so no legend is needed."""
    n = max(1, len(metrics))
    fig = _new(9, 1.3 + 0.42 * max(2, len(formats)))
    axes = fig.subplots(1, n, squeeze=False, sharey=True)[0]
    y = np.arange(len(formats), dtype=float)
    for k, (label, (value, low, high)) in enumerate(metrics.items()):
        ax = axes[k]
        ax.set_axisbelow(True)
        err = np.vstack([np.clip(value - low, 0, None), np.clip(high - value, 0, None)])
        ax.barh(y, value, height=0.6, color=HIGHLIGHT[k % len(HIGHLIGHT)])
        ax.errorbar(value, y, xerr=err, fmt="none", ecolor="#333333", capsize=3, linewidth=1)
        ax.set_xlim(0, 1.02)
        ax.set_title(text(label), fontsize=10)
        ax.grid(axis="x", color="#eeeeee")
        ax.set_xlabel("probability")
    axes[0].set_yticks(y, [text(f) for f in formats])
    axes[0].invert_yaxis()
    fig.suptitle("Formats compared on the same drawn inputs")
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
    ax.set_title("Who vetoes, and over which issue (mean per replay)")
    return fig


def sensitivity_ranking(
    names: Sequence[str],
    scores: np.ndarray,
    what: str,
    score_label: str,
    noise_floor: float | None = None,
    design: str = "",
) -> Figure:
    """Horizontal bars of a sensitivity score per input, largest first (``scores`` may be signed).

    With a ``noise_floor`` (the score an input that does nothing can reach at this design), a
    dashed line marks it and every bar at or below it is grey, hatched and labelled "below
    noise", so a ranking made of noise cannot be read as one. ``design`` (the n behind the
    scores) goes into the title."""
    order = np.argsort(-np.abs(scores), kind="stable")
    names = [names[k] for k in order]
    scores = scores[order]
    known = noise_floor is not None and np.isfinite(noise_floor)
    below = np.abs(scores) <= noise_floor if known else np.zeros(len(scores), dtype=bool)
    fig = _new(9, 1.5 + 0.3 * max(3, len(names)))
    ax = _axes(fig)
    colours = [OTHERS if b else (HIGHLIGHT[0] if s >= 0 else HIGHLIGHT[1]) for s, b in zip(scores, below, strict=True)]
    bars = ax.barh(np.arange(len(names)), scores, color=colours)
    for bar, b in zip(bars, below, strict=True):
        if b:
            bar.set_hatch("///")
            bar.set_edgecolor("#888888")
    ax.set_yticks(np.arange(len(names)), [text(n) for n in names], fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="#333333", linewidth=0.8)
    top = float(np.max(np.abs(scores), initial=0.0))
    if known:
        assert noise_floor is not None
        ax.axvline(noise_floor, color="#555555", linestyle="--", linewidth=1)
        top = max(top, float(noise_floor))
    span = top * 1.35 if top > 0 else 1.0
    lo = min(0.0, float(np.min(scores, initial=0.0)) * 1.35)
    ax.set_xlim(lo, span)
    for k, (s, b) in enumerate(zip(scores, below, strict=True)):
        if b:
            ax.text(max(float(s), 0.0) + 0.01 * span, k, "below noise", va="center", fontsize=7, color="#555555")
    ax.set_xlabel(text(score_label))
    ax.grid(axis="x", color="#eeeeee")
    verdict = ""
    if known:
        above = int((~below).sum())
        verdict = (
            f"; {above} of {len(scores)} shown above the noise floor (dashed)"
            if above
            else "; none above the noise floor (dashed): this ranking is noise"
        )
    ax.set_title(text(f"What moves {what}" + (f" ({design})" if design else "") + verdict), fontsize=10)
    return fig


def _hits(xy: np.ndarray, box: Any, closed: bool = False) -> bool:
    """Whether a polyline (display coordinates) enters ``box``, checked at points along its segments."""
    xy = xy[np.all(np.isfinite(xy), axis=1)]
    if closed and len(xy) > 2:
        xy = np.vstack([xy, xy[:1]])
    if len(xy) > 1:
        t = np.linspace(0.0, 1.0, 25)[:, None, None]
        xy = (xy[:-1][None] * (1 - t) + xy[1:][None] * t).reshape(-1, 2)
    inside = (xy[:, 0] >= box.x0) & (xy[:, 0] <= box.x1) & (xy[:, 1] >= box.y0) & (xy[:, 1] <= box.y1)
    return bool(inside.any())


def legend_overlaps(fig: Figure) -> list[str]:
    """Where a legend covers plotted data: one line per (legend, artist) whose drawn extents meet.

    A layout check for tests: the figure is drawn, then every legend's box is compared with every
    line (at points along its segments), bar, marker and band (its outline, and whether it covers
    the legend) in every axes. Empty when no legend overlaps data."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import PathCollection
    from matplotlib.path import Path as MPath

    canvas = FigureCanvasAgg(fig)  # the layout as it is drawn (constrained layout runs here)
    canvas.draw()  # type: ignore[no-untyped-call]
    renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
    legends = list(fig.legends) + [leg for ax in fig.axes if (leg := ax.get_legend()) is not None]
    out: list[str] = []
    for leg in legends:
        box = leg.get_window_extent(renderer)
        corners = [(box.x0, box.y0), (box.x0, box.y1), (box.x1, box.y0), (box.x1, box.y1)]
        for ax in fig.axes:
            if not ax.get_visible():
                continue
            where = repr(ax.get_title())
            for line in ax.get_lines():
                if line.get_visible():
                    xy = line.get_transform().transform(np.column_stack(line.get_data()).astype(float))
                    if _hits(xy, box):
                        out.append(f"legend over the line {line.get_label()!r} in {where}")
            for patch in ax.patches:
                if patch.get_visible() and box.overlaps(patch.get_window_extent(renderer)):
                    out.append(f"legend over a bar in {where}")
            for coll in ax.collections:
                if not coll.get_visible():
                    continue
                offsets = np.asarray(coll.get_offsets(), dtype=float)
                if isinstance(coll, PathCollection) and len(offsets):
                    marks = coll.get_offset_transform().transform(offsets)
                    if any(_hits(m[None, :], box) for m in marks):  # each marker on its own
                        out.append(f"legend over markers in {where}")
                    continue
                for path in coll.get_paths():
                    pts = coll.get_transform().transform(path.vertices)
                    pts = pts[np.all(np.isfinite(pts), axis=1)]
                    if len(pts) > 2 and (_hits(pts, box, closed=True) or MPath(pts).contains_points(corners).any()):
                        out.append(f"legend over a band in {where}")
                        break
    return out


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
    fig.legend(loc="outside lower center", ncols=2, fontsize=8, frameon=False)
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
