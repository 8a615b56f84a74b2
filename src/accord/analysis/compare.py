"""Paired comparison of mediation formats on the same drawn inputs (common random numbers).

Every format is run by the run service (:func:`accord.analysis.runs.run_formats`) on the same
chunk plan with the same seed, and every uncertain input draws from its own stream whatever the
format (:mod:`accord.simulation.streams`), so draw ``i`` under format A and draw ``i`` under
format B share their inputs: the difference ``x_B,i − x_A,i`` isolates the effect of the format,
and its variance is far smaller than that of two independent sweeps (Law, *Simulation Modeling
and Analysis*, 5th ed., 2015, §11.2 on common random numbers). The comparison checks this: for
every input the two formats share, the drawn values must be identical, and it says so.

A comparison is counterfactual by default (``history="counterfactual"``): it asks what each
format would have done, so the scenario's dated wars, statements and format changes are not
imposed (otherwise every format has the historical wars by construction; see
:mod:`accord.simulation.history`).

For each format against the baseline (the first listed) it reports, with normal-approximation
confidence intervals on the paired differences (mean ± z·sd/√n; each format's own shares get
Wilson score intervals, :mod:`accord.analysis.estimates`):

- P(agreement by year y) (a partial or comprehensive agreement signed by then) and P(war by
  year y) for the chosen years, P(each agreement type signed by y) and P(fighting in y);
- why: each actor's refusals by reason (no agreement is better, war is better, its pivot would
  reject it, outvoted and not bound, ...), leaders removed, texts passed but not in force;
- expected terms per issue, given agreement, and their paired difference over the draws where
  both formats reach an agreement;
- who vetoes most, how often, and on which issue.

:func:`summarize_formats` computes the same from batches already run (the report and the
dashboard), so every view of a comparison shows the same numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accord.analysis.estimates import Estimate, mean_ci, proportion_ci
from accord.analysis.executors import Executor
from accord.analysis.progress import Progress
from accord.analysis.runs import DEFAULT_CHUNK_SIZE, Runner, run_formats
from accord.scenario import Scenario
from accord.simulation import BatchResult, History, HistoryLike, run_batch

__all__ = [
    "Comparison",
    "Estimate",
    "FormatOutcome",
    "PairedDifference",
    "check_comparison",
    "compare_formats",
    "difference_text",
    "mean_ci",
    "proportion_ci",
    "summarize_formats",
]


@dataclass
class FormatOutcome:
    """One format's results over all draws."""

    format: str
    draws: int
    p_agreement: dict[float, Estimate]
    p_war: dict[float, Estimate]
    terms: dict[str, Estimate]  # given agreement
    vetoes: list[dict[str, Any]]  # actors ranked by vetoes
    median_agreement_year: float | None  # over the draws that reach an agreement
    vetoes_per_replay: float
    p_signed: dict[str, dict[float, Estimate]] = field(default_factory=dict)  # type -> year -> P(signed by)
    p_fighting: dict[float, Estimate] = field(default_factory=dict)  # fighting in that year
    mechanisms: dict[str, Any] = field(default_factory=dict)  # why: refusals by reason, removals, enforcement


@dataclass
class PairedDifference:
    """A format minus the baseline, draw by draw on the same inputs."""

    format: str
    baseline: str
    p_agreement: dict[float, Estimate]
    p_war: dict[float, Estimate]
    terms: dict[str, Estimate]  # over draws where both agree
    common_inputs: int
    inputs_identical: bool


@dataclass
class Comparison:
    """Per-format outcomes and paired differences against the first format (the baseline)."""

    scenario: str
    runs: int
    seed: int
    history: str
    chunk_size: int
    confidence: float
    years: list[float]
    formats: list[FormatOutcome]
    differences: list[PairedDifference]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        def est(d: dict[Any, Estimate]) -> dict[str, Any]:
            return {(f"{k:g}" if isinstance(k, float) else str(k)): v.to_dict() for k, v in d.items()}

        return {
            "scenario": self.scenario,
            "runs": self.runs,
            "seed": self.seed,
            "history": self.history,
            "chunk_size": self.chunk_size,
            "confidence": self.confidence,
            "years": self.years,
            "formats": [
                {
                    "format": f.format,
                    "draws": f.draws,
                    "p_agreement_by_year": est(f.p_agreement),
                    "p_war_by_year": est(f.p_war),
                    "terms_given_agreement": est(f.terms),
                    "vetoes": f.vetoes,
                    "median_agreement_year": f.median_agreement_year,
                    "vetoes_per_replay": f.vetoes_per_replay,
                    "p_signed_by_year": {k: est(v) for k, v in f.p_signed.items()},
                    "p_fighting_in_year": est(f.p_fighting),
                    "mechanisms": f.mechanisms,
                }
                for f in self.formats
            ],
            "differences": [
                {
                    "format": d.format,
                    "baseline": d.baseline,
                    "p_agreement_by_year": est(d.p_agreement),
                    "p_war_by_year": est(d.p_war),
                    "terms_both_agree": est(d.terms),
                    "common_inputs": d.common_inputs,
                    "inputs_identical": d.inputs_identical,
                }
                for d in self.differences
            ],
            "notes": self.notes,
        }


def _year_columns(years: np.ndarray, wanted: list[float] | None) -> tuple[list[float], list[int]]:
    """Columns of the (D, Y) arrays for the reported years: default four evenly spaced, ending last."""
    if wanted is None:
        idx = sorted({round(float(i)) for i in np.linspace(0, len(years) - 1, min(4, len(years)))})
        return [float(years[i]) for i in idx], idx
    cols = []
    for y in wanted:
        i = int(np.searchsorted(years, y, side="right")) - 1
        if i < 0:
            raise ValueError(f"years: expected years from {years[0]:g} on, found {y:g}")
        cols.append(i)
    return [float(y) for y in wanted], cols


def compare_formats(
    scenario: Scenario,
    formats: Sequence[str],
    *,
    runs: int,
    seed: int = 0,
    history: HistoryLike = "counterfactual",
    mediator: str | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    until: float | None = None,
    years: list[float] | None = None,
    confidence: float = 0.95,
    top_vetoers: int = 5,
    executor: Executor | None = None,
    progress: Progress | None = None,
    runner: Runner = run_batch,
) -> Comparison:
    """Run every format on the same draws and compare each with the first (the baseline).

    Parameters
    ----------
    formats: format ids, baseline first; at least two, no repeats.
    runs, seed, chunk_size, until, mediator: as for :func:`accord.analysis.runs.run_formats`;
        shared by all formats (common random numbers).
    history: ``counterfactual`` (default), ``imposed`` or ``from YEAR``.
    years: years for P(agreement by year) and P(war by year); default four spread over the horizon.
    confidence: level of the intervals (normal approximation on paired differences).
    top_vetoers: how many actors to list per format.
    progress: ``progress(draws done, draws total, what)`` over all formats.
    """
    check_comparison(formats, confidence)
    batches = run_formats(
        scenario,
        formats,
        runs=runs,
        seed=seed,
        history=history,
        mediator=mediator,
        chunk_size=chunk_size,
        until=until,
        executor=executor,
        progress=progress,
        runner=runner,
    )
    return summarize_formats(
        batches,
        scenario=scenario.meta.name,
        seed=seed,
        history=history,
        chunk_size=chunk_size,
        years=years,
        confidence=confidence,
        top_vetoers=top_vetoers,
    )


def check_comparison(formats: Sequence[str], confidence: float) -> None:
    """Raise ValueError unless ``formats`` names at least two formats, each once, and 0 < ``confidence`` < 1."""
    if len(formats) < 2:
        raise ValueError("formats: expected at least two formats to compare, e.g. minsk-group,inclusive")
    if len(set(formats)) != len(formats):
        raise ValueError(f"formats: expected each format once, found {', '.join(formats)}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence: expected a level between 0 and 1, found {confidence}")


def _vetoes(b: BatchResult, top: int) -> list[dict[str, Any]]:
    total = b.vetoes.sum(axis=0)  # (A, I)
    replays = (b.vetoes.sum(axis=2) > 0).sum(axis=0)  # (A,)
    out = []
    for a in np.argsort(-total.sum(axis=1), kind="stable")[:top]:
        total_a = float(total[a].sum())
        if total_a <= 0:
            continue
        i = int(np.argmax(total[a]))
        out.append(
            {
                "actor": b.actor_ids[a],
                "vetoes_per_replay": total_a / b.draws,
                "share_of_replays": float(replays[a]) / b.draws,
                "main_issue": b.issue_ids[i],
                "main_issue_share": float(total[a, i]) / total_a,
            }
        )
    return out


def _mechanisms(b: BatchResult) -> dict[str, Any]:
    """Why a format ends where it does, per replay: each actor's refusals by reason, leaders who
    fell over a deal their pivot rejected, and texts passed over a party's objection that nobody
    enforced (so they bind no one)."""
    from accord.mechanisms.ratification import REASONS

    d = max(b.draws, 1)
    refusals: list[dict[str, Any]] = []
    for a, actor in enumerate(b.actor_ids):
        counts = b.veto_reasons[:, a, :].sum(axis=0)
        if counts.sum() == 0:
            continue
        refusals.append(
            {
                "actor": actor,
                "per_replay": float(counts.sum()) / d,
                "by_reason": {REASONS[int(r)]: float(counts[r]) / d for r in np.flatnonzero(counts)},
            }
        )
    refusals.sort(key=lambda x: -x["per_replay"])
    return {
        "refusals": refusals,
        "leaders_removed_per_replay": {
            actor: float(b.removals[:, a].sum()) / d for a, actor in enumerate(b.actor_ids) if b.removals[:, a].any()
        },
        "outvoted_unenforced_per_replay": {
            actor: float(b.unbound[:, a].sum()) / d for a, actor in enumerate(b.actor_ids) if b.unbound[:, a].any()
        },
        "share_with_a_text_passed_but_not_in_force": float((b.passed_unbound > 0).mean()),
    }


def difference_text(d: Estimate, base: Estimate, other: Estimate, digits: int = 3) -> str:
    """A paired difference for people: ``no events`` when neither format has the event in any draw
    (an interval of zero width would read as certainty), ``every draw`` when both have it in every
    draw, ``same in every draw`` when the two agree draw by draw, else ``+0.100 [+0.006, +0.194]``
    (or ``–`` with nothing to compare). ``base`` and ``other`` are the two formats' shares."""
    if d.n == 0 or np.isnan(d.mean):
        return "–"
    if base.mean == 0 and other.mean == 0:
        return "no events"
    if base.mean == 1 and other.mean == 1:
        return "every draw"
    if d.low == d.high == d.mean == 0:
        return "same in every draw"
    if np.isnan(d.low):
        return f"{d.mean:+.{digits}f} (n={d.n})"
    return f"{d.mean:+.{digits}f} [{d.low:+.{digits}f}, {d.high:+.{digits}f}]"


def summarize_formats(
    batches: Mapping[str, BatchResult],
    *,
    scenario: str,
    seed: int,
    history: HistoryLike,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    years: list[float] | None = None,
    confidence: float = 0.95,
    top_vetoers: int = 5,
) -> Comparison:
    """The comparison of batches already run on common random numbers (the first is the baseline).

    ``scenario``, ``seed``, ``history`` and ``chunk_size`` describe how they were run (they are
    reported, not used); with one format there are no differences."""
    if not batches:
        raise ValueError("batches: expected at least one format's batch")
    names = list(batches)
    base_b = batches[names[0]]
    runs = base_b.draws
    for f in names[1:]:
        if batches[f].draws != runs or not np.array_equal(batches[f].years, base_b.years):
            raise ValueError(f"batches[{f!r}]: expected the draws and years of {names[0]!r}")
    report_years, cols = _year_columns(base_b.years, years)
    outcomes: list[FormatOutcome] = []
    for f in names:
        b = batches[f]
        agree, war = b.agreement_by_year[:, cols], b.war_by_year[:, cols]
        reached = b.agreement_year[~np.isnan(b.agreement_year)]
        outcomes.append(
            FormatOutcome(
                f,
                b.draws,
                {y: proportion_ci(agree[:, j], confidence) for j, y in enumerate(report_years)},
                {y: proportion_ci(war[:, j], confidence) for j, y in enumerate(report_years)},
                {iss: mean_ci(b.terms[~np.isnan(b.terms[:, i]), i], confidence) for i, iss in enumerate(b.issue_ids)},
                _vetoes(b, top_vetoers),
                float(np.median(reached)) if reached.size else None,
                float(b.vetoes.sum(axis=(1, 2)).mean()),
                {
                    kind: {
                        y: proportion_ci(b.signed_by(kind)[:, c], confidence)
                        for y, c in zip(report_years, cols, strict=True)
                    }
                    for kind in b.agreement_types
                },
                {
                    y: proportion_ci(b.fighting_by_year[:, c], confidence)
                    for y, c in zip(report_years, cols, strict=True)
                },
                _mechanisms(b),
            )
        )

    diffs: list[PairedDifference] = []
    notes: list[str] = []
    for f in names[1:]:
        a, b = base_b, batches[f]
        common = sorted(set(a.inputs) & set(b.inputs))
        identical = all(np.array_equal(a.inputs[k], b.inputs[k]) for k in common)
        if not identical:
            notes.append(
                f"{f} and {names[0]} drew different values for inputs they share: the differences are not paired "
                "on identical inputs (the engine's draws depend on the format)"
            )
        both = ~np.isnan(a.terms) & ~np.isnan(b.terms)
        diffs.append(
            PairedDifference(
                f,
                names[0],
                {
                    y: mean_ci(b.agreement_by_year[:, c].astype(float) - a.agreement_by_year[:, c], confidence)
                    for y, c in zip(report_years, cols, strict=True)
                },
                {
                    y: mean_ci(b.war_by_year[:, c].astype(float) - a.war_by_year[:, c], confidence)
                    for y, c in zip(report_years, cols, strict=True)
                },
                {
                    iss: mean_ci(b.terms[both[:, i], i] - a.terms[both[:, i], i], confidence)
                    for i, iss in enumerate(a.issue_ids)
                },
                len(common),
                identical,
            )
        )
    return Comparison(
        scenario,
        runs,
        int(seed),
        str(History.parse(history)),
        chunk_size,
        confidence,
        report_years,
        outcomes,
        diffs,
        notes,
    )
