"""One self-contained HTML report (no script, no network) and figure files for papers.

A report gathers, for one scenario: a replay (its timeline, positions over time, summary and
event log), sweeps under one or more formats on the same seed (P(agreement) and P(war) per year
with bands, the format comparison, vetoes by actor and issue, a sensitivity ranking), and the
inputs themselves (actors x issues, sources with their quotes, assumptions).
"""

from __future__ import annotations

import datetime as _dt
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from jinja2 import Environment, PackageLoader, select_autoescape
from matplotlib.figure import Figure

from accord import __version__
from accord.analysis.compare import Comparison, difference_text, summarize_formats
from accord.analysis.runs import DEFAULT_CHUNK_SIZE
from accord.analysis.storage import write_text_atomic
from accord.reports import figures
from accord.reports.story import steps_per_year, story, war_sentence
from accord.reports.summaries import Sensitivity, actor_issue_table, band, rank_sensitivity
from accord.scenario import Scenario, date_to_year, provenance, scenario_hash
from accord.simulation import BatchResult, History, Replay
from accord.simulation.events import date_label

#: agreement types a report draws, in the order of a peace process (renewals are counted, not drawn)
DRAWN_TYPES = ("ceasefire", "process", "partial", "comprehensive", "implementation")


@dataclass
class ReportInputs:
    """Everything a report is drawn from.

    Parameters
    ----------
    scenario:
        The scenario the results belong to.
    origin:
        Where it came from, for the header (a case name, a file, a run directory).
    replay, replay_format:
        One replay and the format it ran under (``None``: the scenario's default).
    batches:
        Sweep results by format id, all on the same draws; the first is the reference for bands,
        vetoes and sensitivity, and the baseline of the comparison.
    seed, draws, history, chunk_size:
        How the sweeps were run (the seed is also the replay's).
    notes:
        Lines shown at the top, e.g. what could not be computed and why.
    """

    scenario: Scenario
    origin: str
    seed: int = 0
    draws: int = 0
    replay: Replay | None = None
    replay_format: str | None = None
    batches: dict[str, BatchResult] = field(default_factory=dict)
    history: str = "counterfactual"
    chunk_size: int = DEFAULT_CHUNK_SIZE
    sensitivity: list[Sensitivity] | None = None
    notes: list[str] = field(default_factory=list)

    def comparison(self) -> Comparison | None:
        """The format comparison of the sweeps: the numbers ``accord compare`` gives for them."""
        if not self.batches:
            return None
        return summarize_formats(
            self.batches,
            scenario=self.scenario.meta.name,
            seed=self.seed,
            history=self.history,
            chunk_size=self.chunk_size,
        )


def format_rows(c: Comparison) -> list[dict[str, Any]]:
    """One row per format at the horizon (the comparison's last year), for the report's and the
    dashboard's tables: shares with their Wilson intervals, paired differences from the baseline."""
    last = c.years[-1]
    diffs = {d.format: d for d in c.differences}
    base = c.formats[0]
    rows = []
    for f in c.formats:
        d = diffs.get(f.format)
        rows.append(
            {
                "format": f.format,
                "draws": f.draws,
                "year": last,
                "p_agreement": f.p_agreement[last].mean,
                "p_agreement_ci": (f.p_agreement[last].low, f.p_agreement[last].high),
                "p_war": f.p_war[last].mean,
                "p_war_ci": (f.p_war[last].low, f.p_war[last].high),
                "d_agreement": None if d is None else _triple(d.p_agreement[last]),
                "d_war": None if d is None else _triple(d.p_war[last]),
                "d_agreement_text": None
                if d is None
                else difference_text(d.p_agreement[last], base.p_agreement[last], f.p_agreement[last]),
                "d_war_text": None if d is None else difference_text(d.p_war[last], base.p_war[last], f.p_war[last]),
                "median_agreement_year": f.median_agreement_year,
                # the draws the median rests on: a conditional statistic is shown with its n
                "agreement_draws": round(f.p_agreement[last].mean * f.draws),
                "mean_vetoes": f.vetoes_per_replay,
            }
        )
    return rows


def _triple(e: Any) -> tuple[float, float, float]:
    return (e.mean, e.low, e.high)


# -- the replay's trajectory ------------------------------------------------------------


@dataclass(frozen=True)
class Trajectory:
    years: np.ndarray  # (T,)
    positions: np.ndarray  # (T, A, I)
    actor_ids: list[str]
    status_quo: np.ndarray  # (T, I)
    p_onset: np.ndarray  # (T,) P(fighting begins in the step)
    fighting: np.ndarray  # (T,) bool


def read_trajectory(replay: Replay) -> Trajectory:
    """The replay's trajectory (:attr:`accord.simulation.Replay.trajectory`) as arrays."""
    traj = replay.trajectory
    years = np.asarray(traj["years"], dtype=float)
    return Trajectory(
        years=years,
        positions=np.asarray(traj["positions"], dtype=float).reshape(len(years), len(traj["actors"]), -1),
        actor_ids=list(traj["actors"]),
        status_quo=np.asarray(traj["status_quo"], dtype=float).reshape(len(years), -1),
        p_onset=np.asarray(traj["p_onset"], dtype=float),
        fighting=np.asarray(traj["fighting"], dtype=bool),
    )


# -- figures ------------------------------------------------------------------------------


def _labels(scenario: Scenario, ids: Sequence[str], what: str) -> list[str]:
    names = {a.id: a.id for a in scenario.actors} if what == "actor" else {i.id: i.label for i in scenario.issues}
    return [names.get(x, x) for x in ids]


def singled_out(scenario: Scenario, actor_ids: Sequence[str], limit: int = len(figures.HIGHLIGHT)) -> list[int]:
    """Which of ``actor_ids`` a figure draws in colour: the parties, then the mediators (by
    capability), at most ``limit``; when the scenario names neither, the most capable."""
    start = date_to_year(scenario.meta.start)

    def cap(a: str) -> float:
        return -scenario.actor(a).capability_at(start)

    parties = [a for a in actor_ids if "party" in scenario.actor(a).roles]
    mediators = sorted(
        (a for a in actor_ids if {"mediator", "co-chair"} & set(scenario.actor(a).roles) and a not in parties), key=cap
    )
    chosen = (parties + mediators) or sorted(actor_ids, key=cap)
    return [list(actor_ids).index(a) for a in chosen[:limit]]


def make_figures(r: ReportInputs) -> dict[str, tuple[Figure, str]]:
    """The report's figures by stem, each with a caption; only those the inputs allow. Each
    answers one question, which its title asks and its caption answers how to read."""
    s = r.scenario
    out: dict[str, tuple[Figure, str]] = {}
    start, end = date_to_year(s.meta.start), date_to_year(s.meta.end)
    hist = History.parse(r.history).describe()
    if r.replay is not None:
        logged = [(e.time, e.kind) for e in r.replay.events if e.kind != "step"]
        out["timeline"] = (
            figures.timeline(logged, start, end),
            f"Every record the replay logged ({len(logged)}; the yearly step rows left out), one row per kind; "
            f"format: {r.replay_format or 'default'}, seed {r.seed}.",
        )
        traj = read_trajectory(r.replay)
        # actors with a stance; the others (states that only vote) would be flat lines
        stance = [k for k, a in enumerate(traj.actor_ids) if s.actor(a).positions]
        if stance:
            ids = [traj.actor_ids[k] for k in stance]
            holds = np.array([[i in s.actor(a).positions for i in s.issue_ids] for a in ids])
            chosen = singled_out(s, ids)
            others = len(ids) - len(chosen)
            out["positions"] = (
                figures.positions(
                    traj.years,
                    np.where(holds[None], traj.positions[:, stance], np.nan),
                    _labels(s, ids, "actor"),
                    _labels(s, s.issue_ids, "issue"),
                    traj.status_quo,
                    highlight=chosen,
                ),
                "Each actor's position on each issue at each step of the replay (0 and 100 as the issue defines them); "
                "only actors that hold a stance on the issue are drawn"
                + (f"; the parties and mediators in colour, the {others} others in grey" if others else "")
                + "; dashed: the status quo.",
            )
    if r.batches:
        ref_name, ref = next(iter(r.batches.items()))
        years = np.asarray(ref.years, dtype=float)
        panels: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray] | None] = {}
        for kind in DRAWN_TYPES:
            if kind in ref.agreement_types:
                bk = band(ref.signed_by(kind))
                panels[kind] = (bk.mean, bk.low, bk.high) if bk.mean.any() else None
        out["agreements"] = (
            figures.small_multiples(
                years,
                panels,
                f"How likely is each type of agreement to have been signed by each year? ({ref_name})",
                "P(signed by the year)",
                empty="not signed in any draw",
            ),
            f"Under {ref_name}, {ref.draws} draws: the share of draws in which an agreement of each type has been "
            "signed by each year (cumulative: a curve never falls), one panel per type; bands: 95% Wilson intervals "
            f"of the Monte Carlo estimate; history: {hist}.",
        )
        fighting = {}
        for name, b in r.batches.items():
            bf = band(np.asarray(b.fighting_by_year, dtype=bool))
            fighting[name] = (bf.mean, bf.low, bf.high)
        out["fighting"] = (
            figures.probability_bands(
                years,
                fighting,
                "In which years is there fighting?" + (f" ({ref_name})" if len(fighting) == 1 else " (per format)"),
                ylabel="P(fighting in the year)",
            ),
            "The share of draws with fighting at any time in each year (per year, not cumulative: a year of peace "
            "after a war counts as peace)"
            + (", per format on the same drawn inputs" if len(fighting) > 1 else "")
            + f"; bands: 95% Wilson intervals; history: {hist}.",
        )
        if len(r.batches) > 1:
            per_format = {}
            for name, b in r.batches.items():
                ba = band(np.asarray(b.agreement_by_year, dtype=bool))
                per_format[name] = (ba.mean, ba.low, ba.high)
            out["settlements"] = (
                figures.probability_bands(
                    years,
                    per_format,
                    "Which format reaches a settlement, and how soon?",
                    ylabel="P(settlement by the year)",
                ),
                "Share of draws in which a settlement (a partial or comprehensive agreement, in force when signed) "
                "has been signed by each year (cumulative), per format, on the same drawn inputs (common random "
                "numbers); bands: 95% Wilson intervals.",
            )
        cmp = r.comparison()
        assert cmp is not None
        rows = format_rows(cmp)
        names = [row["format"] for row in rows]
        out["formats"] = (
            figures.format_comparison(
                names,
                {
                    f"P(a settlement by {cmp.years[-1]:g})": (
                        np.array([row["p_agreement"] for row in rows]),
                        np.array([row["p_agreement_ci"][0] for row in rows]),
                        np.array([row["p_agreement_ci"][1] for row in rows]),
                    ),
                    f"P(a war begins by {cmp.years[-1]:g})": (
                        np.array([row["p_war"] for row in rows]),
                        np.array([row["p_war_ci"][0] for row in rows]),
                        np.array([row["p_war_ci"][1] for row in rows]),
                    ),
                },
            ),
            f"Per format, {cmp.runs} draws each on the same drawn inputs: the share of draws with a settlement "
            f"signed by {cmp.years[-1]:g}, and with at least one war begun by then (cumulative); error bars: 95% "
            f"Wilson intervals; history: {hist}.",
        )
        vet = np.asarray(ref.vetoes, dtype=float).mean(axis=0)
        vetoing = np.flatnonzero(vet.sum(axis=1) > 0)
        keep = vetoing if vetoing.size else np.arange(vet.shape[0])
        omitted = vet.shape[0] - keep.size
        actor_ids = [list(ref.actor_ids)[k] for k in keep]
        out["vetoes"] = (
            figures.veto_heatmap(vet[keep], _labels(s, actor_ids, "actor"), _labels(s, list(ref.issue_ids), "issue")),
            f"Vetoes cast per replay under {ref_name} ({ref.draws} draws), attributed to the issue the vetoing actor "
            "objected to most"
            + (f"; {omitted} actors who never vetoed are left out." if omitted and vetoing.size else "."),
        )
        for sens in _sensitivity(r):
            if sens.rows:
                top = sens.rows[:15]
                out[f"sensitivity-{sens.outcome}"] = (
                    figures.sensitivity_ranking(
                        [x.input for x in top],
                        np.array([x.score for x in top]),
                        sens.outcome,
                        sens.method,
                        sens.noise_floor,
                        design=sens.design,
                    ),
                    f"Uncertain inputs ranked by {sens.method} for {sens.outcome} ({ref_name}; {sens.design})"
                    + (f", the top {len(top)} of {len(sens.rows)}" if len(sens.rows) > len(top) else "")
                    + (
                        f"; dashed: the noise floor ({sens.noise_rule}); grey hatched bars are below it and cannot be "
                        "told apart from noise at this design size."
                        if sens.noise_floor is not None
                        else "; blue raises it, red lowers it."
                    ),
                )
    return out


def _sensitivity(r: ReportInputs) -> list[Sensitivity]:
    if r.sensitivity is not None:
        return r.sensitivity
    if not r.batches:
        return []
    ref = next(iter(r.batches.values()))
    return [
        rank_sensitivity(ref.inputs, np.asarray(ref.agreement, dtype=float), "agreement"),
        rank_sensitivity(ref.inputs, (np.asarray(ref.wars) > 0).astype(float), "war"),
    ]


# -- HTML ----------------------------------------------------------------------------------

_env = Environment(
    loader=PackageLoader("accord.reports", "templates"),
    autoescape=select_autoescape(["html", "j2"], default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _fmt(x: Any, digits: int = 3) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        if np.isnan(x):
            return "–"
        return f"{x:.{digits}g}"
    return str(x)


_env.filters["num"] = _fmt


def _pretty(x: Any) -> str:
    """A summary value in words: mappings as ``k: v; ...``, lists joined, numbers rounded."""
    if isinstance(x, Mapping):
        return "; ".join(f"{k}: {_pretty(v)}" for k, v in x.items()) or "none"
    if isinstance(x, list | tuple):
        return ", ".join(_pretty(v) for v in x) or "none"
    if isinstance(x, bool):
        return "yes" if x else "no"
    return _fmt(x, 4)


_env.filters["pretty"] = _pretty


def render_html(r: ReportInputs, figs: Mapping[str, tuple[Figure, str]] | None = None) -> str:
    """The report as one HTML document with every figure inline (SVG) and no external resource."""
    s = r.scenario
    figs = make_figures(r) if figs is None else figs
    prov = provenance(s)
    seeds_quoted = [(sid, src) for sid, src in s.sources.items()]
    cites: dict[str, int] = dict(prov.by_source)
    template = _env.get_template("report.html.j2")
    return template.render(
        s=s,
        r=r,
        version=__version__,
        generated=_dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        scenario_hash=scenario_hash(s)[:16],
        figs={k: {"svg": figures.to_svg(f), "caption": cap} for k, (f, cap) in figs.items()},
        formats=format_rows(cmp) if (cmp := r.comparison()) is not None else [],
        sweep_history=History.parse(r.history).describe() if r.batches else None,
        sensitivity=_sensitivity(r),
        table=actor_issue_table(s),
        sources=seeds_quoted,
        cites=cites,
        assumption_uses=dict(prov.by_assumption),
        unsourced=prov.unsourced,
        events=[line.to_dict() for line in story(r.replay, full=True)] if r.replay else [],
        brief=[line.to_dict() for line in story(r.replay)] if r.replay else [],
        wars=[war_sentence(w, steps_per_year(r.replay)) for w in r.replay.summary.get("wars") or []]
        if r.replay
        else [],
        agreement_date=date_label(r.replay.summary["year"], steps_per_year(r.replay))
        if r.replay and r.replay.summary.get("year") is not None
        else None,
        summary=r.replay.summary if r.replay else None,
        escape=html.escape,
    )


def write_report(r: ReportInputs, out: Path, figures_dir: Path | None = None) -> list[Path]:
    """Write the HTML report atomically (and PNG + SVG figures into ``figures_dir``); return the paths."""
    figs = make_figures(r)
    write_text_atomic(out, render_html(r, figs))
    written = [out]
    if figures_dir is not None:
        for stem, (fig, _) in figs.items():
            written += figures.save(fig, figures_dir, stem)
    return written
