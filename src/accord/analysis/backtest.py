"""Backtest a case against its historical record, year by year and out of sample in time.

**Year rows.** For every scored year ``y`` of the timeline (:mod:`accord.scenario.timeline`) the
case is cut to what was known before ``y`` — its events, proposals and actors' dated ``changes:``
dated ``y`` or later are removed (:func:`inputs_before`) — and replayed from the case's start over
``runs`` draws of the uncertain inputs by the run service (:func:`accord.analysis.runs.run_formats`),
with the history imposed up to the cut (by default). The model's probability for year ``y`` of

==========================  ====================================================================
outcome                     model probability (over the draws)
==========================  ====================================================================
``fighting``                share of draws with fighting at some time in ``y``
``onset``                   mean of the engine's probability that fighting begins in ``y``
                            (``p_onset_by_year``; with more than one step a year: the share of
                            draws in which it began)
``TYPE_signed``             share of draws in which an agreement of that type is signed in ``y``
                            (ceasefire, process, partial, comprehensive always; implementation
                            and renewal where the record holds one)
``ceasefire_in_force``      share of draws with a ceasefire in force at the end of ``y``
==========================  ====================================================================

is set against what the record says of ``y`` (:meth:`accord.scenario.timeline.Timeline.year`).
Consecutive years whose cut leaves the same inputs share one replay, run to the end of the last
of them: the engine is causal (a step never depends on how far the run goes), so this gives the
numbers of one run per year at a fraction of the cost.

**Scores per outcome** over the scored years (:mod:`accord.analysis.skill`, the implementation
the panel evaluation uses): Brier score; Brier skill ``1 − Brier / Brier_ref`` against three
references — the **base rate** (the record's own rate over the scored years, the same number
every year: the best constant forecast in hindsight, so the hardest of the constant references
and the headline), the **leave-one-year-out base rate** (the rate over the other scored years)
and **persistence** (the record's outcome in the year before); AUC where both classes occur
("n/a: one class" otherwise); a reliability table (bins of equal count); and 95% bootstrap
intervals resampling years. The number of years is small and events are rare (a handful of
onsets in thirty years), so the intervals are wide, and an AUC over two events says little.

**Proposal rows** (P(the proposal is accepted within its step and the next), the case cut at
its date with the proposal kept) and **format rows** (P(the recorded format is in use at the end
of the step of its date)) are scored with the Brier score.

Nothing here fits parameters: the case's parameters are fixed in the case file with their
sources, and the backtest only reads them.

References: Brier 1950, *Monthly Weather Review* 78(1); Murphy 1973, *J. Applied Meteorology*
12(4); Tetlock & Gardner 2015, *Superforecasting* (scoring forecasts against base rates).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from accord.analysis.progress import Progress
from accord.analysis.runs import Runner, run_formats
from accord.analysis.skill import bootstrap_intervals, both_classes, point_scores, reliability
from accord.mechanisms.agreements import TYPES
from accord.mechanisms.formats import default_format
from accord.scenario.schema import Scenario, date_to_year
from accord.scenario.timeline import Timeline, TimelineEntry, YearRecord, differences, step_years
from accord.simulation import BatchResult, History, HistoryLike, run_batch

__all__ = [
    "CORE_OUTCOMES",
    "BacktestResult",
    "Row",
    "YearRow",
    "backtest",
    "inputs_before",
    "observed",
    "outcomes_for",
    "provenance",
    "same_inputs",
    "score_outcome",
]

CORE_OUTCOMES: tuple[str, ...] = (
    "fighting",
    "onset",
    "ceasefire_signed",
    "process_signed",
    "partial_signed",
    "comprehensive_signed",
)
OPTIONAL_SIGNED = ("implementation", "renewal")
IN_FORCE = "ceasefire_in_force"

DESCRIPTIONS = {
    "fighting": "fighting at some time in the year",
    "onset": "fighting begins in the year",
    **{f"{t}_signed": f"a {t} agreement signed in the year" for t in TYPES},
    IN_FORCE: "a ceasefire in force at the end of the year",
}

RELIABILITY_BINS = 5
"""Bins of the reliability tables (about six years each over thirty)."""

Kind = Literal["proposal", "format"]


def outcomes_for(timeline: Timeline) -> list[str]:
    """The outcomes scored for a timeline: the core ones, implementation and renewal agreements
    where the record holds one, and ceasefires in force."""
    held = timeline.agreement_types()
    return [*CORE_OUTCOMES, *(f"{t}_signed" for t in OPTIONAL_SIGNED if t in held), IN_FORCE]


def observed(record: YearRecord, outcome: str) -> tuple[int, str]:
    """What the record says of ``outcome`` in its year: 1 or 0, and the entries it rests on."""
    entries: tuple[TimelineEntry, ...]
    if outcome == "fighting":
        entries = record.fighting
    elif outcome == "onset":
        entries = record.onset
    elif outcome == IN_FORCE:
        entries = record.ceasefire_in_force
    else:
        entries = record.signed.get(outcome.removesuffix("_signed"), ())
    return int(bool(entries)), "; ".join(e.label() for e in entries)


@dataclass(frozen=True)
class YearRow:
    """The model's probability of one outcome in one year, and the record.

    ``p``: the model's probability that the outcome happens; ``observed``: 1 if the record says
    it did; ``record``: the entries that say so; ``cut``: the replay saw only inputs dated before
    this year; ``run``: the years that shared the replay."""

    year: int
    outcome: str
    p: float
    observed: int
    brier: float
    record: str
    cut: int
    run: str


@dataclass(frozen=True)
class Row:
    """One proposal or format comparison.

    ``p_event``: the model's probability of the event (a proposal accepted, the recorded format in
    use); ``outcome``: 1 if it happened; ``p``: the model's probability of what happened;
    ``agrees``: ``p > 0.5``; ``brier``: ``(p_event - outcome) ** 2``; ``note``: why a row is not
    informative, if it is not (e.g. fixed by the inputs)."""

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
class BacktestResult:
    """Every row and score, and what was scored (code, case, timeline and hazard table)."""

    case: str
    runs: int
    seed: int
    history: str
    scored_years: tuple[int, int]
    outcomes: list[str]
    year_rows: list[YearRow]
    rows: list[Row]
    scores: dict[str, dict[str, Any]]
    runs_by_cut: list[dict[str, Any]]
    notes: list[str]
    parameters: list[tuple[str, str, str]] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)
    bootstrap: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (NaN as null)."""
        out: dict[str, Any] = _clean(
            {
                "case": self.case,
                "runs": self.runs,
                "seed": self.seed,
                "history": self.history,
                "scored_years": list(self.scored_years),
                "provenance": self.provenance,
                "method": METHOD | {"bootstrap_replicates": self.bootstrap, "reliability_bins": RELIABILITY_BINS},
                "outcomes": {o: DESCRIPTIONS[o] for o in self.outcomes},
                "year_rows": [asdict(r) for r in self.year_rows],
                "rows": [asdict(r) for r in self.rows],
                "scores": self.scores,
                "replays": self.runs_by_cut,
                "notes": self.notes,
                "parameters": [list(p) for p in self.parameters],
            }
        )
        return out


METHOD = {
    "cut": "For each scored year y, events, proposals and actors' dated changes dated y or later are removed and "
    "the case is replayed from its start (history imposed before the cut unless --history says otherwise)",
    "year_probability": "the share of draws with the outcome in y; for onset, the mean engine probability "
    "(p_onset_by_year) where a year is one step",
    "references": {
        "base_rate": "the record's own rate over the scored years, every year (the headline reference)",
        "base_rate_loo": "the record's rate over the other scored years (leave one year out)",
        "persistence": "the record's outcome in the year before",
    },
    "auc": "scikit-learn roc_auc_score, where both classes occur (else null with auc_note 'n/a: one class')",
    "intervals": "95% percentile bootstrap resampling years; an AUC interval uses only the replicates that drew "
    "both classes (auc_replicates)",
}


def _clean(x: Any) -> Any:
    if isinstance(x, float):
        return None if not math.isfinite(x) else x
    if isinstance(x, Mapping):
        return {str(k): _clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_clean(v) for v in x]
    return x


# -- the cut -----------------------------------------------------------------------------------


def inputs_before(scenario: Scenario, cutoff: float, keep_proposal: str | None = None) -> Scenario:
    """The case as known before ``cutoff`` (decimal year): later events, proposals and actors'
    dated changes removed (``keep_proposal``: a proposal kept whatever its date)."""
    events = [e for e in scenario.events if date_to_year(e.date) < cutoff]
    proposals = [p for p in scenario.proposals if date_to_year(p.date) < cutoff or p.id == keep_proposal]
    actors = [
        a.model_copy(update={"changes": [c for c in a.changes if date_to_year(c.from_) < cutoff]})
        if any(date_to_year(c.from_) >= cutoff for c in a.changes)
        else a
        for a in scenario.actors
    ]
    return scenario.model_copy(update={"events": events, "proposals": proposals, "actors": actors})


def _inputs_key(scenario: Scenario, cutoff: float) -> tuple[tuple[str, ...], ...]:
    s = inputs_before(scenario, cutoff)
    changes = tuple(f"{a.id}@{c.from_}#{k}" for a in s.actors for k, c in enumerate(a.changes))
    return tuple(e.id for e in s.events), tuple(p.id for p in s.proposals), changes


def same_inputs(scenario: Scenario, years: list[int]) -> list[list[int]]:
    """Consecutive years split into runs of years whose cut leaves the same inputs."""
    groups: list[list[int]] = []
    last: tuple[tuple[str, ...], ...] | None = None
    for y in years:
        k = _inputs_key(scenario, float(y))
        if groups and k == last:
            groups[-1].append(y)
        else:
            groups.append([y])
        last = k
    return groups


# -- year rows ---------------------------------------------------------------------------------


def _year_probabilities(b: BatchResult, year: int, outcomes: list[str]) -> dict[str, float]:
    steps = np.flatnonzero(np.floor(b.years + 1e-9) == year)
    if steps.size == 0:
        raise ValueError(f"scored year {year}: expected a step of the replay in that year, found none")
    out: dict[str, float] = {}
    for o in outcomes:
        if o == "fighting":
            out[o] = float(b.fighting_by_year[:, steps].any(axis=1).mean())
        elif o == "onset":
            if steps.size == 1:
                out[o] = float(b.p_onset_by_year[:, steps[0]].mean())
            else:
                out[o] = float(b.onset_by_year[:, steps].any(axis=1).mean())
        elif o == IN_FORCE:
            out[o] = float(b.in_force_by_year[:, steps[-1], b.agreement_types.index("ceasefire")].mean())
        else:
            k = b.agreement_types.index(o.removesuffix("_signed"))
            out[o] = float(b.signed_by_year[:, steps, k].any(axis=1).mean())
    return out


def score_outcome(
    y: np.ndarray,
    p: np.ndarray,
    persistence: np.ndarray,
    years: np.ndarray,
    *,
    bootstrap: int = 1000,
    seed: int = 0,
    bins: int = RELIABILITY_BINS,
) -> dict[str, Any]:
    """Every score of one outcome over the scored years (see the module docstring)."""
    n = len(y)
    events = int(y.sum())
    base = np.full(n, events / n)
    refs = {"base_rate": base, "persistence": persistence.astype(float)}
    if n > 1:  # the rate over the other years; a single year has none
        refs["base_rate_loo"] = (events - y) / (n - 1)
    out: dict[str, Any] = point_scores(y, p, refs)
    if bootstrap > 0:
        ci, defined = bootstrap_intervals(y, p, refs, years, bootstrap, seed)
        for k in list(out):
            out[f"{k}_ci"] = ci[k]
        out["auc_replicates"] = defined["auc"]
    out.update(
        n=n,
        events=events,
        base_rate=events / n,
        reliability=reliability(y, p, bins),
        auc_note="" if both_classes(y) else "n/a: one class",
    )
    return out


# -- proposal and format rows ------------------------------------------------------------------


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


# -- the backtest ------------------------------------------------------------------------------


def backtest(
    scenario: Scenario,
    timeline: Timeline,
    *,
    runs: int = 200,
    seed: int = 0,
    history: HistoryLike = "imposed",
    bootstrap: int = 1000,
    progress: Progress | None = None,
    runner: Runner = run_batch,
    provenance: Mapping[str, Any] | None = None,
) -> BacktestResult:
    """Score the model against the timeline, year by year and entry by entry (module docstring).

    Parameters
    ----------
    scenario: the case (its parameters are used as they are); timeline: its record, checked
        against it (:func:`accord.scenario.timeline.check_timeline`).
    runs: draws of the uncertain inputs per replay; seed: the seed of every replay (the same
        inputs are drawn for every cut).
    history: ``imposed`` (default: what is dated before each cut happens as dated),
        ``counterfactual`` or ``from YEAR``.
    bootstrap: replicates of the bootstrap over years (0: no intervals); its seed is ``seed``.
    progress: ``progress(done, total, what)`` over the replays and, last, the scoring.
    runner: the engine (tests substitute one whose answer is known).
    provenance: what was scored (:func:`provenance`), recorded in the result as given.

    Raises ValueError (bad runs, a scored year the case does not step through)."""
    if runs < 1:
        raise ValueError(f"runs: expected at least 1, found {runs}")
    if bootstrap < 0:
        raise ValueError(f"bootstrap: expected 0 or more replicates, found {bootstrap}")
    hist = History.parse(history)
    steps = step_years(scenario)
    start, last_year = date_to_year(scenario.meta.start), math.floor(steps[-1])
    first, last = timeline.scored_years
    if start != math.floor(start) or first < start or last > last_year:
        raise ValueError(
            f"scored_years: expected years within the case's {start:g}-{last_year} (a case starting on "
            f"1 January), found [{first}, {last}]"
        )
    outcomes = outcomes_for(timeline)
    years = timeline.years
    groups = same_inputs(scenario, years)
    total = len(groups) + len(timeline.of("proposal")) + len(timeline.of("format")) + 1  # + the scoring
    done = 0
    if progress is not None:
        progress(done, total, "starting")

    def batch(s: Scenario, until: float, label: str) -> BatchResult:
        nonlocal done
        (b,) = run_formats(s, [None], runs=runs, seed=seed, history=hist, until=until, runner=runner).values()
        done += 1
        if progress is not None:
            progress(done, total, label)
        return b

    year_rows: list[YearRow] = []
    replays: list[dict[str, Any]] = []
    for group in groups:
        span = f"{group[0]}" if len(group) == 1 else f"{group[0]}-{group[-1]}"
        s = inputs_before(scenario, float(group[0]))
        b = batch(s, float(group[-1] + 1), f"years {span}")
        replays.append(
            {
                "years": group,
                "cut": group[0],
                "events": len(s.events),
                "proposals": len(s.proposals),
                "changes": sum(len(a.changes) for a in s.actors),
            }
        )
        for y in group:
            probs = _year_probabilities(b, y, outcomes)
            rec = timeline.year(y)
            for o in outcomes:
                obs, what = observed(rec, o)
                year_rows.append(YearRow(y, o, probs[o], obs, (probs[o] - obs) ** 2, what, group[0], span))

    rows = [_proposal_row(scenario, e, batch) for e in timeline.of("proposal")]
    rows += [_format_row(scenario, e, batch, hist) for e in timeline.of("format")]

    scores: dict[str, dict[str, Any]] = {}
    yrs = np.array(years)
    if progress is not None:
        progress(done, total, f"scores ({bootstrap} bootstrap replicates)")
    for o in outcomes:
        rs = [r for r in year_rows if r.outcome == o]
        y_obs = np.array([r.observed for r in rs], dtype=float)
        p = np.array([r.p for r in rs])
        before = np.array([observed(timeline.year(r.year - 1), o)[0] for r in rs], dtype=float)
        scores[o] = score_outcome(y_obs, p, before, yrs, bootstrap=bootstrap, seed=seed)
    for kind in ("proposal", "format"):
        rs2 = [r for r in rows if r.kind == kind]
        if rs2:
            scores[kind] = {
                "n": len(rs2),
                "agree": sum(r.agrees for r in rs2),
                "brier": float(np.mean([r.brier for r in rs2])),
                "brier_half": 0.25,
            }
    notes = [f"record vs case: {d}" for d in differences(timeline, scenario)]
    if progress is not None:
        progress(total, total, "scored")
    return BacktestResult(
        case=scenario.meta.name,
        runs=runs,
        seed=seed,
        history=str(hist),
        scored_years=(first, last),
        outcomes=outcomes,
        year_rows=year_rows,
        rows=rows,
        scores=scores,
        runs_by_cut=replays,
        notes=notes,
        parameters=_parameters(scenario),
        provenance=dict(provenance or {}),
        bootstrap=bootstrap,
    )


def _proposal_row(scenario: Scenario, e: TimelineEntry, batch: Any) -> Row:
    assert e.proposal is not None and e.accepted is not None
    prop = next(p for p in scenario.proposals if p.id == e.proposal)
    when = date_to_year(prop.date)
    s = inputs_before(scenario, when, keep_proposal=prop.id)
    window_end = _step_end(scenario, when, 2)
    b = batch(s, window_end, f"proposal {prop.id}")
    idx = b.proposal_ids.index(prop.id)
    p_acc = float((b.agreement_proposal == idx).mean())
    earlier = float((b.agreement & (b.agreement_year < when)).mean())
    any_agr = float((b.agreement & (b.agreement_year < window_end)).mean())
    model = f"P(accepted) = {p_acc:.2f}; P(any settlement by {window_end:g}) = {any_agr:.2f}"
    note = f"{earlier:.0%} of runs had already settled on another text" if earlier > 0.005 else ""
    history = "accepted" if e.accepted else "not accepted"
    return _row("proposal", prop.date, f"{prop.label} ({prop.id})", history, model, p_acc, int(e.accepted), note)


def _format_row(scenario: Scenario, e: TimelineEntry, batch: Any, history: History) -> Row:
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
        note = "no format change in the inputs; only dated events and after-war switches change the format"
    return _row("format", e.date, e.event, f"format: {e.format}", model, p_fmt, 1, note)


# -- what was scored ---------------------------------------------------------------------------


def provenance(case_bytes: bytes, case_name: str, timeline_bytes: bytes, timeline_name: str) -> dict[str, Any]:
    """The commit of the code and the sha256 of the case file, the timeline and the engine's
    hazard table, so that a README can name exactly what was scored."""
    import hashlib

    from accord import __version__
    from accord.analysis.calibration import git_commit
    from accord.analysis.storage import sha256_file
    from accord.models import hazards

    table = Path(hazards.__file__).parent / hazards.SHIPPED
    try:
        fit = hazards.default_table().meta.get("fit", {}).get("commit")
    except (OSError, hazards.HazardTableError):
        fit = None
    code = git_commit(Path(__file__).parent)
    return {
        "accord": __version__,
        "commit": code["commit"],
        "dirty": code["dirty"],
        "changed": code.get("changed", []),
        "case": {"file": case_name, "sha256": hashlib.sha256(case_bytes).hexdigest()},
        "timeline": {"file": timeline_name, "sha256": hashlib.sha256(timeline_bytes).hexdigest()},
        "hazards": {
            "file": f"accord.models/{hazards.SHIPPED}",
            "sha256": sha256_file(table) if table.is_file() else None,
            "fit_commit": fit,
        },
    }
