"""The after-action report of a training session: its path beside the model's from the same start.

The model's path is the engine run with the same scenario, seed and injected events but no
human decisions (:meth:`Session.decisions` with ``human=False``): every random draw that does not
depend on the decisions is shared (common random numbers, :mod:`accord.simulation.streams`), so a
difference in war risk at a step is the choices', not luck's. A batch of model replays (other
draws of the same seed) says how unusual either path is. The same session and seed give the same
report, byte for byte.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from accord.mechanisms.agreements import TYPES
from accord.mechanisms.utility import utility
from accord.reports.figures import PALETTE, text, to_svg
from accord.simulation import events as ev
from accord.training.session import Run, Session, _public, _r

__all__ = ["RISK_CHANGE", "debrief", "debrief_json"]

RISK_CHANGE = 0.005
"""A step's war risk counts as changed by the session's choices when it differs by this much."""

_SETTLED = [TYPES.index("partial"), TYPES.index("comprehensive")]


def _texts(s: Session, run: Run, steps: range) -> list[dict[str, Any]]:
    out = []
    for e in run.events:
        if isinstance(e, ev.ProposalTabled) and s._step_of(e.t) in steps:
            item = _public(e) or {}
            item["step"] = s._step_of(e.t) - s.k0
            item["p_ratified"] = {a: v["p_ratify"] for a, v in e.answers.items() if v["p_ratify"] is not None}
            item["ratified"] = {a: v["ratified"] for a, v in e.answers.items() if v["sign"]}
            out.append(item)
    return out


def _seat_outcomes(s: Session, own: Run, model: Run, steps: range) -> dict[str, Any]:
    snap = own.snapshots[s.k0]  # the seat's values when people took over (the same in both runs)
    sq_start = own.batch.status_quo_by_year[0, s.k0 - 1] if s.k0 > 0 else snap.sq
    last = steps.stop - 1
    sq_own = own.batch.status_quo_by_year[0, last] if len(steps) else sq_start
    sq_model = model.batch.status_quo_by_year[0, last] if len(steps) else sq_start
    out: dict[str, Any] = {}
    for a in s.roles:
        k = s.actor_ids.index(a)
        pts = np.stack([sq_start, sq_own, sq_model])[None]
        u = utility(pts, pts, snap.pos[None, k : k + 1], snap.sal[None, k : k + 1])[0, :, 0]
        out[a] = {
            "start": _r(u[0]),
            "session": _r(u[1]),
            "model": _r(u[2]),
            "better_than_model": bool(u[1] > u[2] + 1e-9),
        }
    return out


def _risk_figure(years: list[float], own: list[float], model: list[float]) -> str:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, 2.8), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    ax.plot(
        years,
        model,
        marker="s",
        markersize=9,
        color=PALETTE[0],
        linestyle="--",
        label=text("the model from the same start"),
    )
    ax.plot(years, own, marker="o", markersize=5, color=PALETTE[1], label=text("this session"), zorder=3)
    ax.set_xlim(min(years) - 0.5, max(years) + 0.5)
    ax.set_xlabel("year")
    ax.set_ylabel("P(war begins in the step)")
    ax.set_ylim(bottom=0)
    ax.grid(color="#dddddd")
    ax.legend(loc="upper left", fontsize=8)
    ax.set_title("War risk: the session beside the model")
    return to_svg(fig)


def debrief(s: Session, *, batch_draws: int = 200) -> dict[str, Any]:
    """The report as a JSON-safe dict (see the module docstring)."""
    last = min(s.step, s.max_steps)
    steps = range(s.k0, last)
    own = s._run(s.decisions(), max(last, s.k0 + 1))
    model = s._run(s.decisions(human=False), max(last, s.k0 + 1))
    years = [round(float(y), 4) for y in own.batch.years[list(steps)]]
    p_own = [round(float(x), 6) for x in own.batch.p_onset_by_year[0, list(steps)]]
    p_model = [round(float(x), 6) for x in model.batch.p_onset_by_year[0, list(steps)]]
    path: list[dict[str, Any]] = []
    for n, k in enumerate(steps):
        path.append(
            {
                "step": k - s.k0,
                "year": years[n],
                "session": {
                    "p_onset": p_own[n],
                    "fighting": bool(own.batch.fighting_by_year[0, k]),
                    "in_force": [TYPES[j] for j in np.flatnonzero(own.batch.in_force_by_year[0, k])],
                },
                "model": {
                    "p_onset": p_model[n],
                    "fighting": bool(model.batch.fighting_by_year[0, k]),
                    "in_force": [TYPES[j] for j in np.flatnonzero(model.batch.in_force_by_year[0, k])],
                },
            }
        )
    changed = [
        {
            "step": row["step"],
            "year": row["year"],
            "session": row["session"]["p_onset"],
            "model": row["model"]["p_onset"],
            "difference": round(row["session"]["p_onset"] - row["model"]["p_onset"], 6),
        }
        for row in path
        if abs(row["session"]["p_onset"] - row["model"]["p_onset"]) >= RISK_CHANGE
    ]
    session_texts = _texts(s, own, steps)
    accepted = [t for t in session_texts if t["passed"]]
    out: dict[str, Any] = {
        "session": s.id,
        "case": s.scenario.meta.name,
        "format": s.format,
        "seed": s.spec.seed,
        "from": s.spec.start,
        "steps": len(steps),
        "seats": dict(s.roles),
        "path": path,
        "texts": {"session": session_texts, "model": _texts(s, model, steps)},
        "accepted": [
            {
                "step": t["step"],
                "id": t["id"],
                "label": t["label"],
                "p_ratified": t["p_ratified"],
                "ratified": t["ratified"],
            }
            for t in accepted
        ],
        "risk_changed": changed,
        "outcomes": _seat_outcomes(s, own, model, steps) if len(steps) else {},
        "figures": {"war_risk": _risk_figure(years, p_own, p_model) if len(steps) else ""},
    }
    if len(steps) and batch_draws > 0:
        many = s._run(s.decisions(human=False), last, draws=batch_draws).batch
        window = list(steps)
        settled = many.signed_by_year[:, window][:, :, _SETTLED].any(axis=(1, 2))
        war = many.onset_by_year[:, window].any(axis=1)
        out["model_replays"] = {
            "draws": batch_draws,
            "p_settlement": round(float(settled.mean()), 4),
            "p_war": round(float(war.mean()), 4),
            "session_settled": bool(own.batch.signed_by_year[0, window][:, _SETTLED].any()),
            "session_war": bool(own.batch.onset_by_year[0, window].any()),
        }
    return out


def debrief_json(s: Session, *, batch_draws: int = 200) -> str:
    return json.dumps(debrief(s, batch_draws=batch_draws), indent=1, sort_keys=True, ensure_ascii=False)
