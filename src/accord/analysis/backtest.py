"""Backtest a case against its historical timeline: what the model says before each event,
next to what happened.

For every scored entry of the timeline (:mod:`accord.scenario.timeline`) the case is cut at
the entry's date — only events *before* it stay in the inputs, only proposals tabled before it
(plus the one being judged) — and replayed from the case's start by the run service
(:func:`accord.analysis.runs.run_formats`) over ``runs`` draws of the uncertain inputs, with the
history imposed by default (the events before the cut-off happen as dated). Four kinds of
comparison:

``proposal``
    P(the parties accept this proposal) within the step of its date and the next one.
``settlement``
    P(any agreement at all, on a scheduled or a generated text) by the entry's date.
``war``
    For each year in the timeline's ``scored_years``: P(a war begins that year), the mean over
    draws of the engine's onset probability in that step, against whether the record shows a
    war or armed escalation beginning that year.
``format``
    P(the format the record says was in use after the date), at the end of that step.

Each row is scored with the Brier score (p - outcome)^2, where p is the model's probability
of what the record says happened, i.e. a row "agrees" when p > 0.5. A model that knows
nothing scores 0.25 per row by saying 0.5; for war years the record's own base rate is also
reported as a reference. Nothing here fits parameters: the case's parameters are fixed in
the case file with their sources, and the backtest only reads them.

References: Brier, G. W. (1950), 'Verification of forecasts expressed in terms of
probability', Monthly Weather Review 78(1).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

from accord.analysis.progress import Progress
from accord.analysis.runs import run_formats
from accord.mechanisms.formats import default_format
from accord.scenario.schema import Scenario, date_to_year
from accord.scenario.timeline import Timeline, TimelineEntry
from accord.simulation import BatchResult, History, HistoryLike

Kind = Literal["proposal", "settlement", "war", "format"]


@dataclass(frozen=True)
class Row:
    """One comparison of history with the model.

    Attributes
    ----------
    kind: proposal, war or format.
    date: the entry's date (a year for war rows).
    label: what the row is about.
    history: what happened, in words.
    model: what the model says, in words.
    p: the model's probability of what happened.
    outcome: 1 if the event the row scores happened (a proposal accepted, a war begun, the
        recorded format in use), else 0.
    p_event: the model's probability of that event (so ``p = p_event`` when ``outcome`` is 1).
    agrees: ``p > 0.5``.
    brier: ``(p_event - outcome) ** 2``.
    note: why a row is not informative, if it is not (e.g. fixed by the inputs).
    """

    kind: Kind
    date: str
    label: str
    history: str
    model: str
    p: float
    outcome: int
    p_event: float
    agrees: bool
    brier: float
    note: str = ""


@dataclass
class Score:
    """Brier scores and agreement counts over a set of rows."""

    rows: int
    agree: int
    brier: float
    reference: float
    reference_name: str

    @property
    def skill(self) -> float:
        """Brier skill score against the reference: 1 - brier / reference (1 perfect, 0 none, < 0 worse)."""
        return 1.0 - self.brier / self.reference if self.reference > 0 else math.nan


@dataclass
class BacktestResult:
    """All rows, scores per kind and overall, and where the parameters came from."""

    case: str
    runs: int
    seed: int
    history: str
    rows: list[Row]
    scores: dict[str, Score]
    parameters: list[tuple[str, str, str]] = field(default_factory=list)
    """(name, value or range, provenance) for every parameter the case sets."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "runs": self.runs,
            "seed": self.seed,
            "history": self.history,
            "rows": [asdict(r) for r in self.rows],
            "scores": {k: {**asdict(v), "skill": _finite(v.skill)} for k, v in self.scores.items()},
            "parameters": [list(p) for p in self.parameters],
        }


def _finite(x: float) -> float | None:
    return None if not math.isfinite(x) else round(x, 6)


def inputs_before(scenario: Scenario, cutoff: float, keep_proposal: str | None = None) -> Scenario:
    """The case as known before ``cutoff`` (decimal year): later events and proposals removed."""
    events = [e for e in scenario.events if date_to_year(e.date) < cutoff]
    proposals = [p for p in scenario.proposals if date_to_year(p.date) < cutoff or p.id == keep_proposal]
    return scenario.model_copy(update={"events": events, "proposals": proposals})


def _step_end(scenario: Scenario, when: float, steps: int) -> float:
    """End of the ``steps``-th step counted from the one holding ``when``."""
    start = date_to_year(scenario.meta.start)
    dt = 1.0 / scenario.meta.steps_per_year
    k = math.floor((when - start) / dt + 1e-9)
    return start + dt * (k + steps)


def _row(
    kind: Kind, date: str, label: str, history: str, model: str, p_event: float, outcome: int, note: str = ""
) -> Row:
    p = p_event if outcome else 1.0 - p_event
    return Row(kind, date, label, history, model, p, outcome, p_event, p > 0.5, (p_event - outcome) ** 2, note)


def _score(rows: list[Row], reference: float | None = None, name: str = "0.5 for every row") -> Score:
    if not rows:
        return Score(0, 0, math.nan, math.nan, name)
    brier = float(np.mean([r.brier for r in rows]))
    ref = 0.25 if reference is None else float(np.mean([(reference - r.outcome) ** 2 for r in rows]))
    return Score(len(rows), sum(r.agrees for r in rows), brier, ref, name)


def _parameters(scenario: Scenario) -> list[tuple[str, str, str]]:
    out = []
    for name, q in scenario.parameters.items():
        lo, hi = q.bounds()
        shown = f"{q.nominal:g}" if not q.is_uncertain else f"{lo:g}–{hi:g}"
        out.append((name, shown, f"source: {q.source}" if q.source else f"assumption: {q.assumption}"))
    for f in scenario.formats:
        for name, q in f.parameters.items():
            shown = f"{q.nominal:g}" if not q.is_uncertain else "{:g}–{:g}".format(*q.bounds())
            prov = f"source: {q.source}" if q.source else f"assumption: {q.assumption}"
            out.append((f"{f.id}.{name}", shown, prov))
    return out


Batch = Callable[[Scenario, float, str], BatchResult]


def backtest(
    scenario: Scenario,
    timeline: Timeline,
    *,
    runs: int = 200,
    seed: int = 0,
    history: HistoryLike = "imposed",
    progress: Progress | None = None,
) -> BacktestResult:
    """Compare the model with the timeline, entry by entry (see the module docstring).

    Parameters
    ----------
    scenario: the case (its parameters are used as they are).
    timeline: the case's historical record.
    runs: draws of the uncertain inputs per comparison.
    seed: the seed of every run (the same inputs are drawn for every cut-off).
    history: ``imposed`` (default: the events before each cut-off happen as dated),
        ``counterfactual`` or ``from YEAR``.
    progress: ``progress(comparisons done, comparisons total, what)``.
    """
    if runs < 1:
        raise ValueError(f"runs: expected at least 1, found {runs}")
    hist = History.parse(history)
    rows: list[Row] = []
    lo_year, hi_year = timeline.scored_years
    end_year = math.floor(date_to_year(scenario.meta.end))
    war_groups = _same_inputs(scenario, list(range(lo_year, min(hi_year, end_year) + 1)))
    total = sum(len(timeline.of(k)) for k in ("proposal", "settlement", "format")) + len(war_groups)
    done = 0
    if progress is not None:
        progress(done, total, "starting")

    def batch(s: Scenario, until: float, label: str) -> BatchResult:
        nonlocal done
        (b,) = run_formats(s, [None], runs=runs, seed=seed, history=hist, until=until).values()
        done += 1
        if progress is not None:
            progress(done, total, label)
        return b

    # proposals
    for e in timeline.of("proposal"):
        rows.append(_proposal_row(scenario, e, batch))

    # any agreement at all by a date
    for e in timeline.of("settlement"):
        assert e.accepted is not None
        when = e.year
        b = batch(inputs_before(scenario, when), when, f"settlement {e.date}")
        p_any = float((b.agreement & (b.agreement_year < when)).mean())
        labels_won = np.array([*b.proposal_ids, ""], dtype=object)[
            np.where(b.agreement_proposal >= 0, b.agreement_proposal, len(b.proposal_ids))
        ]
        texts, counts = np.unique(labels_won[b.agreement], return_counts=True)
        which = ", ".join(
            f"{x} {c / b.draws:.0%}" for x, c in sorted(zip(texts, counts, strict=True), key=lambda z: -z[1])
        )
        model = f"P(some agreement by {e.date}) = {p_any:.2f}" + (f" ({which})" if which else "")
        history = "an agreement" if e.accepted else "no agreement"
        rows.append(_row("settlement", e.date, e.event, history, model, p_any, int(e.accepted)))

    # war onsets, year by year
    onsets = timeline.war_years()
    labels = {int(e.year): e.event for e in timeline.onsets()}
    # consecutive years whose inputs are the same share one run (the engine is causal: a step
    # does not depend on how far the run goes), which gives the same numbers as a run per year
    for group in war_groups:
        s = inputs_before(scenario, float(group[0]))
        b = batch(s, float(group[-1] + 1), f"war {group[0]}–{group[-1]}")
        for y in group:
            k = int(np.flatnonzero(np.floor(b.years + 1e-9) == y)[-1])
            p_event = float(b.p_onset_by_year[:, k].mean())
            happened = int(y in onsets)
            history = f"{onsets[y]} begins: {labels[y]}" if happened else "no war or escalation recorded"
            rows.append(
                _row("war", str(y), f"war onset in {y}", history, f"P(war begins) = {p_event:.2f}", p_event, happened)
            )

    # formats
    for e in timeline.of("format"):
        rows.append(_format_row(scenario, e, batch, hist))

    war_rows = [r for r in rows if r.kind == "war"]
    base = float(np.mean([r.outcome for r in war_rows])) if war_rows else 0.0
    scores = {
        "proposal": _score([r for r in rows if r.kind == "proposal"]),
        "settlement": _score([r for r in rows if r.kind == "settlement"]),
        "war": _score(war_rows),
        "war (vs base rate)": _score(war_rows, base, f"the record's base rate {base:.2f} every year"),
        "format": _score([r for r in rows if r.kind == "format"]),
        "overall": _score(rows),
    }
    return BacktestResult(scenario.meta.name, runs, seed, str(hist), rows, scores, _parameters(scenario))


def _same_inputs(scenario: Scenario, years: list[int]) -> list[list[int]]:
    """Split consecutive years into runs of years that see the same events and proposals."""

    def key(y: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        s = inputs_before(scenario, float(y))
        return tuple(e.id for e in s.events), tuple(p.id for p in s.proposals)

    groups: list[list[int]] = []
    last: tuple[tuple[str, ...], tuple[str, ...]] | None = None
    for y in years:
        k = key(y)
        if groups and k == last:
            groups[-1].append(y)
        else:
            groups.append([y])
        last = k
    return groups


def _proposal_row(scenario: Scenario, e: TimelineEntry, batch: Batch) -> Row:
    assert e.proposal is not None and e.accepted is not None
    prop = next(p for p in scenario.proposals if p.id == e.proposal)
    when = date_to_year(prop.date)
    s = inputs_before(scenario, when, keep_proposal=prop.id)
    b = batch(s, _step_end(scenario, when, 2), f"proposal {prop.id}")
    idx = b.proposal_ids.index(prop.id)
    p_acc = float((b.agreement_proposal == idx).mean())
    window_end = _step_end(scenario, when, 2)
    earlier = float((b.agreement & (b.agreement_year < when)).mean())
    any_agr = float((b.agreement & (b.agreement_year < window_end)).mean())
    model = f"P(accepted) = {p_acc:.2f}; P(any agreement by {window_end:g}) = {any_agr:.2f}"
    note = f"{earlier:.0%} of runs had already settled on another text" if earlier > 0.005 else ""
    history = "accepted" if e.accepted else "not accepted"
    return _row("proposal", prop.date, f"{prop.label} ({prop.id})", history, model, p_acc, int(e.accepted), note)


def _format_row(scenario: Scenario, e: TimelineEntry, batch: Batch, history: History) -> Row:
    assert e.format is not None
    when = e.year
    s = inputs_before(scenario, when)
    b = batch(s, _step_end(scenario, when, 1), f"format {e.date}")
    fmts = np.array(b.format_ids, dtype=object)[b.final_format]
    p_fmt = float((fmts == e.format).mean())
    values, counts = np.unique(fmts, return_counts=True)
    top = values[int(np.argmax(counts))]
    model = f"{top} ({counts.max() / b.draws:.0%} of runs)"
    # only switches the history imposes change the format (accord.simulation.history)
    switches = [ev for ev in s.events if ev.switch_format is not None and history.imposes(date_to_year(ev.date))]
    in_use = switches[-1].switch_format if switches else default_format(s)
    note = "fixed by the inputs (an earlier event set the format)" if in_use == e.format and switches else ""
    if not switches and in_use == e.format:
        note = (
            "no format change in the inputs; the case sets no after-war switch, so only dated events change the format"
        )
    return _row("format", e.date, e.event, f"format: {e.format}", model, p_fmt, 1, note)
