"""One replay: :func:`run_batch` with ``draws=1`` plus its event log, summary and trajectory.

A replay and a sweep share the same kernel, so a single replay never disagrees with the draw a
sweep makes from the same seed (``replay(s, seed=n)`` equals ``run_batch(s, draws=1, seed=n)``).
Note that uncertain inputs are *drawn* (each from its own stream of the seed, see
:mod:`accord.simulation.streams`), as in a sweep; for the nominal values, give a scenario without
distributions.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.scenario.schema import Scenario
from accord.simulation import events as ev
from accord.simulation.engine import BatchResult, EngineError, run_batch
from accord.simulation.history import History, HistoryLike

__all__ = ["Replay", "replay"]


def rounded6(a: np.ndarray) -> Any:
    """``[round(v, 6) for v in a.tolist()]`` (nested as ``a`` is), NaN and inf as None, for a
    float array, without a Python ``round`` per element where the answer is certain.

    ``round(v, 6)`` is the double nearest to ``v`` correctly rounded to six decimals, ``K / 10⁶``
    for the integer ``K`` nearest to the exact ``v · 10⁶`` (ties to even). The product computed in
    floating point is within half an ulp of the exact one, so ``rint`` of it is ``K`` unless the
    exact value lies within an ulp of a tie; ``K / 1e6`` is then the same double (one correctly
    rounded division of exact numbers). The few elements near a tie, and any too large for the
    product to be exact to the unit, take Python's ``round`` itself."""
    x = np.asarray(a, dtype=float)
    with np.errstate(invalid="ignore", over="ignore"):
        p = x * 1e6
        k = np.rint(p)
        out = k / 1e6
        near_tie = np.abs(np.abs(p - np.floor(p)) - 0.5) <= 2.0 * np.abs(np.spacing(p))
        unsure = near_tie | ~(np.abs(p) < 2.0**50)  # NaN, inf and the very large fail the test
    flat, src = out.ravel(), x.ravel()
    for j in np.flatnonzero(unsure.ravel()).tolist():
        v = float(src[j])
        flat[j] = round(v, 6) if math.isfinite(v) else np.nan
    vals: Any = out.tolist()
    if not np.isfinite(out).all():
        return _clean(vals)  # NaN and inf to None (and nothing else changes: the rest is rounded)
    return vals


def _clean(x: Any) -> Any:
    """JSON-safe, deterministic: numpy scalars to Python, NaN/inf to None, floats rounded."""
    t = type(x)
    # fast paths for what a trajectory is made of (the same results as the general case below)
    if t is float:
        return round(x, 6) if math.isfinite(x) else None
    if t is list:
        return [_clean(v) for v in x]
    if t is np.ndarray:
        if x.dtype == np.float64:
            return rounded6(x)
        return _clean(x.tolist())
    if isinstance(x, dict):
        return {str(k): _clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_clean(v) for v in x]
    if isinstance(x, np.ndarray):
        return _clean(x.tolist())
    if isinstance(x, np.bool_ | bool):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, float | np.floating):
        f = float(x)
        return None if not math.isfinite(f) else round(f, 6)
    return x


@dataclass
class Replay:
    """A replay's ``events`` (typed records of :mod:`accord.simulation.events`, in time order),
    ``summary``, ``trajectory`` (arrays per step) and the underlying one-draw :class:`BatchResult`."""

    scenario_name: str
    format: str
    seed: int
    history: History
    events: list[ev.Event]
    summary: dict[str, Any]
    trajectory: dict[str, Any]
    batch: BatchResult

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = _clean(
            {
                "scenario": self.scenario_name,
                "format": self.format,
                "seed": self.seed,
                "history": str(self.history),
                "summary": self.summary,
                "events": [e.to_dict() for e in self.events],
                "trajectory": self.trajectory,
            }
        )
        return out

    def to_json(self) -> str:
        """The full log as JSON; byte-identical for the same scenario, format and seed."""
        return json.dumps(self.to_dict(), indent=1, sort_keys=True, ensure_ascii=False)


def replay(
    scenario: Scenario,
    *,
    format: str | None = None,
    seed: int = 0,
    until: float | None = None,
    mediator: str | None = None,
    history: HistoryLike = "imposed",
) -> Replay:
    """Replay ``scenario`` once under ``format`` (default: its first format, else ``minsk-group``).

    Parameters
    ----------
    seed: seeds inputs and process (see :func:`run_batch`); until: stop at this decimal year;
    mediator: actor id of the mediator of a single-mediator format; history: ``imposed``
    (default: a replay of what happened), ``counterfactual`` or ``from YEAR``
    (:mod:`accord.simulation.history`).
    """
    try:
        hist = History.parse(history)
    except ValueError as e:
        raise EngineError(str(e)) from None
    logged: list[ev.Event] = []
    b = run_batch(
        scenario, format=format, draws=1, seed=seed, until=until, mediator=mediator, history=hist, log=logged.append
    )
    # a stable order: by time, then in the order they happened
    events = [e for _, e in sorted(enumerate(logged), key=lambda p: (p[1].time, p[0]))]
    return Replay(
        scenario_name=scenario.meta.name,
        format=b.format_ids[0],
        seed=seed,
        history=hist,
        events=events,
        summary=_summary(b, events),
        trajectory=_clean(
            {
                "years": b.trajectory["years"],
                "issues": list(b.issue_ids),
                "actors": list(b.actor_ids),
                "agreement_types": list(b.agreement_types),
                "status_quo": b.trajectory["status_quo"],
                "p_onset": b.trajectory["p_onset"],
                "fighting": b.trajectory["fighting"],
                "positions": b.trajectory["positions"],
                "monitoring": b.trajectory["monitoring"],
                "p_win_high": b.trajectory["p_win_high"],
                "p_win_high_projected": b.trajectory["p_win_high_projected"],
                "in_force": b.trajectory["in_force"],
                "format": b.trajectory["format"],
            }
        ),
        batch=b,
    )


def _summary(b: BatchResult, events: list[ev.Event]) -> dict[str, Any]:
    agreed = bool(b.agreement[0])
    blocked: dict[str, list[str]] = {}
    for e in events:
        if isinstance(e, ev.Veto):
            why = f"{e.proposal}: {e.reason} (issue {e.issue})"
            if why not in blocked.setdefault(e.actor, []):
                blocked[e.actor].append(why)
        if isinstance(e, ev.MandateBlocked):
            for a in e.blocked_by:
                why = "monitoring mandate: expects to gain from war"
                if why not in blocked.setdefault(a, []):
                    blocked[a].append(why)
    wars: list[dict[str, Any]] = []
    for e in events:
        if isinstance(e, ev.WarStarted):
            wars.append({"start": e.t, "end": None, "how": None, "imposed": e.imposed, "flare": e.flare})
        if isinstance(e, ev.WarEnded | ev.DatedEvent) and wars and wars[-1]["end"] is None:
            if isinstance(e, ev.WarEnded):
                wars[-1].update(end=e.t, how=e.how)
            elif e.outcome_imposed and e.event in ("ceasefire", "war-end"):
                wars[-1].update(end=e.t, how="imposed")
    for w in wars:
        if w["flare"]:
            w.update(end=w["start"], how="flare-up")
    agreements = [
        {"t": e.t, "type": e.agreement, "proposal": e.proposal, "table": e.table}
        for e in events
        if isinstance(e, ev.AgreementSigned)
    ]
    pid = int(b.agreement_proposal[0])
    out: dict[str, Any] = _clean(
        {
            "agreement": agreed,
            "year": float(b.agreement_year[0]) if agreed else None,
            "proposal": b.proposal_ids[pid] if pid >= 0 else None,
            "terms": {i: float(b.terms[0, k]) for k, i in enumerate(b.issue_ids)} if agreed else None,
            "agreements": agreements,
            "signed": {t: int(b.signed_count[0, k]) for k, t in enumerate(b.agreement_types)},
            "blocked_by": [{"actor": a, "reasons": r} for a, r in blocked.items()],
            "wars": wars,
            "fighting_years": [float(y) for y, f in zip(b.years, b.fighting_by_year[0], strict=True) if f],
            "final_status_quo": {i: float(b.final_status_quo[0, k]) for k, i in enumerate(b.issue_ids)},
            "final_format": b.format_ids[int(b.final_format[0])],
            "proposals_tabled": sum(1 for e in events if isinstance(e, ev.ProposalTabled)),
            "leaders_removed": [b.actor_ids[a] for a in np.flatnonzero(b.removals[0])],
        }
    )
    return out
