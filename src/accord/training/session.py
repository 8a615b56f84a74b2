"""A training session: people take seats in a mediation, the engine plays the rest.

A session is a case, the seats people take, a format, a start year and a seed. Its state is
its moves (texts tabled, answers, injected events, steps taken): the engine is re-run from the
scenario's start with every decision so far (:mod:`accord.simulation.decisions`), so the same
moves and seed always give the same path, and a session read back from its database is the
session that was stopped. History before the start year is imposed; from it on, the model's
(``History.from_year``), with the facilitator's injected events imposed.

Each step: the mediator seat (or, without one, the engine's format) tables texts at the format's
table; party seats sign or refuse each text they vote on, with a reason; the facilitator then
advances: the table's rule, domestic ratification, enforcement, war risk and the step's events
run as in any replay, and the chance each pivot ratified is shown afterwards.

What each seat may know is split here (:meth:`Session.brief`): a *public* picture everyone sees
and a *confidential* part only the seat (and the facilitator) sees. Nothing confidential is put
into the public picture: it is built from a whitelist of fields, never by removing secrets.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accord.mechanisms.agreements import TYPES
from accord.mechanisms.formats import default_format
from accord.mechanisms.mediation import bias_toward, credibility
from accord.mechanisms.utility import utility
from accord.scenario.schema import Event, Scenario, date_to_year
from accord.simulation import events as ev
from accord.simulation.context import Context
from accord.simulation.decisions import Decisions, HumanText
from accord.simulation.engine import EngineError, check_run, run_batch
from accord.simulation.history import History
from accord.simulation.results import BatchResult
from accord.simulation.state import Power, StepState

__all__ = ["INJECTABLE", "KINDS", "Session", "SessionSpec", "TrainingError"]

KINDS = ("ceasefire", "process", "partial", "comprehensive")
"""The kinds of text a mediator seat may table."""

INJECTABLE = {
    "leak": "leak",  # the pivots' bar rises for the step (engine: leak_effect)
    "escalation": "clashes",  # a flare-up of fighting in the step: what is in force breaks down
    "leadership-change": "resignation",  # the leader gives way; the successor holds the pivot's positions
}
"""Events the facilitator may inject, and the scenario event kind each becomes."""

_REASON_MAX = 500


class TrainingError(ValueError):
    """A session cannot be started or a move cannot be made; the message says which field and why."""


def _r(x: float) -> float | None:
    f = float(x)
    return round(f, 4) if math.isfinite(f) else None


@dataclass(frozen=True)
class SessionSpec:
    """What defines a session: ``case`` (name or path, for the record), ``seats`` (actor ids),
    ``format`` (None: the case's default), ``start`` (decimal year the people take over), ``seed``."""

    case: str
    seats: tuple[str, ...]
    format: str | None
    start: float
    seed: int

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "seats": list(self.seats)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SessionSpec:
        return cls(str(d["case"]), tuple(d["seats"]), d.get("format"), float(d["start"]), int(d["seed"]))


@dataclass
class Snapshot:
    """Draw 0's state at one step, as the negotiators face it (read by the briefs)."""

    t: float
    pos: np.ndarray
    sal: np.ndarray
    piv: np.ndarray
    sq: np.ndarray
    u_sq: np.ndarray
    u_war: np.ndarray
    u_sq_piv: np.ndarray
    u_war_piv: np.ndarray
    r_lead: np.ndarray
    r_piv: np.ndarray
    removal_risk: np.ndarray
    audience_cost: np.ndarray
    p_believed: np.ndarray
    optimism: np.ndarray
    noise: float
    bias_param: float
    leverage_param: float
    flows: np.ndarray
    seated: np.ndarray
    fighting: bool


@dataclass
class Run:
    """One engine run of the session: its log, its batch and draw 0's snapshot per step."""

    events: list[ev.Event]
    batch: BatchResult
    snapshots: dict[int, Snapshot]
    ctx: Context | None


@dataclass
class Session:
    """A session over ``scenario`` with its ``moves`` so far (dicts, in order; see :meth:`apply`)."""

    id: str
    spec: SessionSpec
    scenario: Scenario
    moves: list[dict[str, Any]] = field(default_factory=list)
    _cache: dict[tuple[Any, ...], Run] = field(default_factory=dict, repr=False)

    # -- set-up -----------------------------------------------------------------------------

    def __post_init__(self) -> None:
        s, spec = self.scenario, self.spec
        try:
            self.format = check_run(s, spec.format)
        except EngineError as e:
            raise TrainingError(f"--format: {e}") from None
        probe = self._run(Decisions(), steps=1)
        assert probe.ctx is not None
        ctx = probe.ctx
        self.actor_ids = ctx.actor_ids
        self.issue_ids = ctx.issue_ids
        self.dt = ctx.dt
        self.t0 = date_to_year(s.meta.start)
        self.t_end = date_to_year(s.meta.end)
        if not (self.t0 < spec.start < self.t_end):
            raise TrainingError(
                f"--from: expected a year after the case's start ({s.meta.start}) and before its end "
                f"({s.meta.end}), found {spec.start:g}"
            )
        self.k0 = math.ceil((spec.start - self.t0) / self.dt - 1e-9)
        self.max_steps = math.ceil((self.t_end - self.t0) / self.dt - 1e-9)
        table = ctx.tables[ctx.format_tables[0]]
        self.table_id = table.id
        seated = table.seats
        self.roles: dict[str, str] = {}
        for a in spec.seats:
            k = ctx.index(a)
            if k is None or not seated[k]:
                at = [x for x, on in zip(ctx.actor_ids, seated, strict=True) if on]
                raise TrainingError(f"--seats: expected actors at the {table.id} table ({', '.join(at)}), found {a!r}")
            if ctx.parties[k]:
                self.roles[a] = "party"
            elif ctx.mediators[k]:
                self.roles[a] = "mediator"
            else:
                raise TrainingError(f"--seats: {a} is neither a party nor a mediator at the {table.id} table")
        if len(set(spec.seats)) != len(spec.seats):
            raise TrainingError("--seats: expected each actor once")
        meds = [a for a, r in self.roles.items() if r == "mediator"]
        if len(meds) > 1:
            raise TrainingError(f"--seats: expected at most one mediator seat, found {', '.join(meds)}")
        self.mediator = meds[0] if meds else None
        self.history = History.from_year(spec.start)

    @classmethod
    def default_format(cls, scenario: Scenario) -> str:
        return default_format(scenario)

    # -- derived state ----------------------------------------------------------------------

    @property
    def step(self) -> int:
        """The engine step index now open for moves."""
        return self.k0 + sum(1 for m in self.moves if m["type"] == "advance")

    @property
    def year(self) -> float:
        return self.t0 + self.step * self.dt

    @property
    def paused(self) -> bool:
        state = False
        for m in self.moves:
            if m["type"] in ("pause", "resume"):
                state = m["type"] == "pause"
        return state

    @property
    def finished(self) -> bool:
        return self.step >= self.max_steps or any(m["type"] == "end" for m in self.moves)

    def injected(self) -> list[Event]:
        out = []
        for m in self.moves:
            if m["type"] == "inject":
                e = m["event"]
                out.append(
                    Event(
                        id=e["id"],
                        date=e["date"],
                        kind=INJECTABLE[e["what"]],  # type: ignore[arg-type]  # a key of INJECTABLE
                        label=e["label"],
                        actors=list(e["actors"]),
                    )
                )
        return out

    def decisions(self, *, with_answers: bool = True, human: bool = True) -> Decisions:
        """The decisions the moves make (``human=False``: none, the engine's own path, but
        with the same injected events)."""
        inj = frozenset(e.id for e in self.injected())
        if not human:
            return Decisions(imposed_events=inj)
        texts = tuple(
            HumanText(m["id"], m["label"], int(m["step"]), m["agreement"], dict(m["terms"]), m["by"])
            for m in self.moves
            if m["type"] == "table"
        )
        answers: dict[tuple[int, str, str], dict[str, bool]] = {}
        if with_answers:
            for m in self.moves:
                if m["type"] == "answer":
                    answers.setdefault((int(m["step"]), m["table"], m["text"]), {})[m["by"]] = bool(m["signs"])
        return Decisions(mediator=self.mediator, from_step=self.k0, texts=texts, answers=answers, imposed_events=inj)

    def _scenario(self) -> Scenario:
        inj = self.injected()
        if not inj:
            return self.scenario
        return self.scenario.model_copy(update={"events": [*self.scenario.events, *inj]})

    def _run(self, decisions: Decisions, steps: int, draws: int = 1) -> Run:
        key = (repr(decisions), steps, draws, len(self.moves))
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        logged: list[ev.Event] = []
        snaps: dict[int, Snapshot] = {}
        seen: list[Context] = []

        def observe(ctx: Context, st: StepState, power: Power) -> None:
            if not seen:
                seen.append(ctx)
            if draws != 1:
                return
            r_lead, r_piv = power.reservations()
            table = ctx.tables[ctx.format_tables[int(st.fmt[0])]]
            snaps[st.k] = Snapshot(
                t=st.t,
                pos=st.pos[0].copy(),
                sal=st.sal[0].copy(),
                piv=st.piv[0].copy(),
                sq=st.sq[0].copy(),
                u_sq=power.u_sq[0].copy(),
                u_war=power.u_war[0].copy(),
                u_sq_piv=power.u_sq_piv[0].copy(),
                u_war_piv=power.u_war_piv[0].copy(),
                r_lead=r_lead[0].copy(),
                r_piv=r_piv[0].copy(),
                removal_risk=st.removal_risk[0].copy(),
                audience_cost=st.audience_cost[0].copy(),
                p_believed=power.p_believed[0].copy(),
                optimism=st.optimism[0].copy(),
                noise=float(st.params["ratification_noise"][0]),
                bias_param=float(st.params["mediator_bias"][0]),
                leverage_param=float(st.params["mediator_leverage"][0]),
                flows=ctx.flows(st.t)[0].copy(),
                seated=np.asarray(table.seats & ~st.excluded),
                fighting=bool(st.fighting[0]),
            )

        until = self.t0 + steps * self.dt if hasattr(self, "t0") else None
        try:
            b = run_batch(
                self._scenario(),
                format=self.spec.format,
                draws=draws,
                seed=self.spec.seed,
                until=until,
                history=getattr(self, "history", History.from_year(self.spec.start)),
                log=logged.append if draws == 1 else None,
                decisions=decisions,
                observe=observe,
            )
        except EngineError as e:
            raise TrainingError(str(e)) from None
        events = [e for _, e in sorted(enumerate(logged), key=lambda p: (p[1].time, p[0]))]
        run = Run(events, b, snaps, seen[0] if seen else None)
        if len(self._cache) > 16:
            self._cache.clear()
        self._cache[key] = run
        return run

    def past(self) -> Run:
        """The session so far: every step before the open one."""
        return self._run(self.decisions(), self.step)

    def now(self) -> Run:
        """The session through the open step, with the answers given so far (what the table
        sees now: the texts tabled in the open step)."""
        return self._run(self.decisions(), min(self.step + 1, self.max_steps))

    def _step_of(self, t: float) -> int:
        return math.floor((t - self.t0) / self.dt + 1e-9)

    # -- the texts on the table --------------------------------------------------------------

    def on_table(self) -> list[dict[str, Any]]:
        """The texts tabled in the open step, public fields only, with each seat's answer so far."""
        if self.finished:
            return []
        run = self.now()
        k = self.step
        out = []
        for e in run.events:
            if isinstance(e, ev.ProposalTabled) and self._step_of(e.t) == k:
                voters = [a for a in e.answers]
                out.append(
                    {
                        "id": e.id,
                        "label": e.label,
                        "agreement": e.agreement,
                        "table": e.table,
                        "sponsors": e.sponsors,
                        "terms": e.terms,
                        "voters": voters,
                        "seats_to_answer": [a for a in voters if self.roles.get(a) == "party"],
                        "answers": {
                            m["by"]: {"signs": bool(m["signs"])}
                            for m in self.moves
                            if m["type"] == "answer" and m["step"] == k and m["text"] == e.id and m["table"] == e.table
                        },
                    }
                )
        return out

    # -- moves --------------------------------------------------------------------------------

    def check_move(self, move: dict[str, Any], role: str, seat: str | None) -> dict[str, Any]:
        """The move made complete and valid (or TrainingError naming the field): who may make it,
        and whether its values fit the case and the open step."""
        kind = move.get("type")
        k = self.step
        if kind in ("table", "answer") and role == "seat" and self.paused:
            raise TrainingError("the facilitator has paused the session: wait until it resumes")
        if kind in ("table", "answer", "advance", "inject") and self.finished:
            raise TrainingError("the session has ended: open the debrief")
        if kind == "table":
            if role != "seat" or seat is None or self.roles.get(seat) != "mediator":
                raise TrainingError("only the mediator seat tables texts")
            agreement = move.get("agreement")
            if agreement not in KINDS:
                raise TrainingError(f"agreement: expected one of {', '.join(KINDS)}, found {str(agreement)[:40]!r}")
            terms = move.get("terms") or {}
            if not isinstance(terms, dict):
                raise TrainingError("terms: expected an object issue → position")
            clean: dict[str, float] = {}
            for issue, x in terms.items():
                if issue not in self.issue_ids:
                    raise TrainingError(
                        f"terms: expected issues {', '.join(self.issue_ids)}, found {str(issue)[:40]!r}"
                    )
                if not isinstance(x, int | float) or isinstance(x, bool) or not 0.0 <= float(x) <= 100.0:
                    raise TrainingError(f"terms.{issue}: expected a number from 0 to 100, found {str(x)[:20]!r}")
                clean[issue] = round(float(x), 2)
            if agreement in ("partial", "comprehensive") and "comprehensive" in self._in_force():
                raise TrainingError(
                    "agreement: a comprehensive agreement is in force; table a process or ceasefire text"
                )
            if agreement in ("partial", "comprehensive") and not clean:
                raise TrainingError("terms: a partial or comprehensive text sets at least one issue")
            n = sum(1 for m in self.moves if m["type"] == "table") + 1
            if sum(1 for m in self.moves if m["type"] == "table" and m["step"] == k) >= 5:
                raise TrainingError("at most 5 texts a step: advance first")
            label = str(move.get("label") or f"{seat} {agreement} text {n}")[:120]
            return {
                "type": "table",
                "step": k,
                "id": f"train.{n}",
                "label": label,
                "agreement": agreement,
                "terms": clean,
                "by": seat,
            }
        if kind == "answer":
            if role != "seat" or seat is None or self.roles.get(seat) != "party":
                raise TrainingError("only a party seat answers a text")
            text = str(move.get("text", ""))
            tabled = {t["id"]: t for t in self.on_table()}
            t = tabled.get(text)
            if t is None:
                raise TrainingError(
                    f"text: expected a text on the table now ({', '.join(tabled) or 'none'}), found {text[:40]!r}"
                )
            if seat not in t["voters"]:
                raise TrainingError(f"text: {seat} does not vote on {text}")
            if seat in t["answers"]:
                raise TrainingError(f"text: {seat} has answered {text} already")
            signs = move.get("signs")
            if not isinstance(signs, bool):
                raise TrainingError("signs: expected true or false")
            reason = str(move.get("reason") or "").strip()[:_REASON_MAX]
            return {
                "type": "answer",
                "step": k,
                "table": t["table"],
                "text": text,
                "by": seat,
                "signs": signs,
                "reason": reason,
            }
        if role != "facilitator":
            raise TrainingError("only the facilitator does that")
        if kind in ("advance", "pause", "resume", "end"):
            return {"type": kind, "step": k, "by": "facilitator"}
        if kind == "inject":
            what = move.get("what")
            if what not in INJECTABLE:
                raise TrainingError(f"what: expected one of {', '.join(INJECTABLE)}, found {str(what)[:40]!r}")
            date = str(move.get("date") or "")
            if not re.fullmatch(r"\d{4}(-\d{2})?", date):
                raise TrainingError(f"date: expected YYYY or YYYY-MM, found {date[:20]!r}")
            when = date_to_year(date)
            if not (self.year - 1e-9 <= when < self.t_end):
                raise TrainingError(f"date: expected the open step ({self.year:g}) or later, before the case's end")
            actors = move.get("actors") or []
            if not isinstance(actors, list) or any(a not in self.actor_ids for a in actors):
                raise TrainingError(f"actors: expected actor ids among {', '.join(self.actor_ids)}")
            if what == "leadership-change" and not actors:
                raise TrainingError("actors: a leadership change names the actor whose leader changes")
            n = sum(1 for m in self.moves if m["type"] == "inject") + 1
            label = str(move.get("label") or f"{what} (facilitator)").strip()[:200] or what
            return {
                "type": "inject",
                "step": k,
                "by": "facilitator",
                "event": {
                    "id": f"train-event-{n}",
                    "what": what,
                    "date": date,
                    "label": label,
                    "actors": [str(a) for a in actors],
                },
            }
        raise TrainingError(
            f"type: expected table, answer, advance, inject, pause, resume or end, found {str(kind)[:40]!r}"
        )

    def apply(self, move: dict[str, Any]) -> list[dict[str, Any]]:
        """Record a checked move; an advance first records a refusal for every seat that did
        not answer a text on the table. Returns the moves recorded."""
        out: list[dict[str, Any]] = []
        if move["type"] == "advance":
            for t in self.on_table():
                for a in t["seats_to_answer"]:
                    if a not in t["answers"]:
                        out.append(
                            {
                                "type": "answer",
                                "step": self.step,
                                "table": t["table"],
                                "text": t["id"],
                                "by": a,
                                "signs": False,
                                "reason": "no answer before the step ran",
                                "auto": True,
                            }
                        )
            self.moves.extend(out)
        self.moves.append(move)
        return [*out, move]

    # -- what people see ---------------------------------------------------------------------

    def timeline(self) -> list[dict[str, Any]]:
        """The public record of the steps run (from the session's start), whitelisted fields only."""
        out = []
        for e in self.past().events:
            item = _public(e)
            if item is not None:
                item["step"] = self._step_of(e.t)
                out.append(item)
        return out

    def public(self) -> dict[str, Any]:
        """What every seat and the facilitator see."""
        s = self.scenario
        run = self.past()
        sq = run.batch.final_status_quo[0]
        return {
            "session": self.id,
            "case": {"name": s.meta.name, "title": s.meta.title},
            "format": self.format,
            "table": self.table_id,
            "year": round(self.year, 4),
            "step": self.step - self.k0,
            "paused": self.paused,
            "finished": self.finished,
            "seats": [{"actor": a, "name": s.actor(a).name, "role": r} for a, r in self.roles.items()],
            "mediator_seat": self.mediator,
            "issues": [
                {"id": i.id, "label": i.label, "low": i.low, "high": i.high, "status_quo": _r(sq[k])}
                for k, i in enumerate(s.issues)
            ],
            "in_force": self._in_force(),
            "on_table": self.on_table(),
            "timeline": self.timeline(),
        }

    def confidential(self, actor: str) -> dict[str, Any]:
        """What only ``actor``'s seat (and the facilitator) may know, at the open step."""
        snap = self._snapshot()
        k = self.actor_ids.index(actor)
        iss = self.issue_ids
        role = self.roles[actor]
        out: dict[str, Any] = {
            "actor": actor,
            "role": role,
            "positions": {i: _r(snap.pos[k, n]) for n, i in enumerate(iss)},
            "salience": {i: _r(snap.sal[k, n]) for n, i in enumerate(iss)},
        }
        if role == "party":
            out.update(
                pivot={i: _r(snap.piv[k, n]) for n, i in enumerate(iss)},
                win_set=self._win_set(snap, k),
                value_of_no_agreement={
                    "status_quo": _r(snap.u_sq[k]),
                    "war": _r(snap.u_war[k]),
                    "leader_reservation": _r(snap.r_lead[k]),
                    "pivot_status_quo": _r(snap.u_sq_piv[k]),
                    "pivot_war": _r(snap.u_war_piv[k]),
                    "pivot_reservation": _r(snap.r_piv[k]),
                },
                removal_risk=_r(snap.removal_risk[k]),
                audience_cost=_r(snap.audience_cost[k]),
                ratification_noise=_r(snap.noise),
            )
        else:
            parties = [a for a in self.actor_ids if self._ctx().parties[self.actor_ids.index(a)]]
            bias = {}
            if len(parties) >= 2:
                for p in parties:
                    others = [q for q in parties if q != p]
                    o = self.actor_ids.index(others[0])
                    b = bias_toward(
                        snap.pos[k][None], snap.pos[self.actor_ids.index(p)][None], snap.pos[o][None], snap.sal[k][None]
                    )
                    bias[p] = {"bias": _r(b[0]), "credibility": _r(credibility(b)[0])}
            seated_med = snap.seated & ~self._ctx().parties
            total = max(float((snap.flows * seated_med).sum()), 1e-12)
            out.update(
                interests={
                    i: {"position": _r(snap.pos[k, n]), "salience": _r(snap.sal[k, n])} for n, i in enumerate(iss)
                },
                bias_weight=_r(snap.bias_param),
                bias_toward=bias,
                leverage=_r(snap.leverage_param * float(snap.flows[k]) / total),
                value_of_status_quo=_r(snap.u_sq[k]),
            )
        out["after_steps"] = self._own_results(actor)
        return out

    def _in_force(self) -> list[str]:
        b = self.past().batch
        return [TYPES[j] for j in np.flatnonzero(b.in_force_by_year[0, -1])] if self.step > 0 else []

    def _ctx(self) -> Context:
        run = self.past()
        assert run.ctx is not None
        return run.ctx

    def _snapshot(self) -> Snapshot:
        run = self.now()
        k = min(self.step, self.max_steps - 1)
        return run.snapshots[k]

    def _win_set(self, snap: Snapshot, k: int) -> dict[str, Any]:
        """Per issue, the range the pivot would prefer to no agreement (others at the status quo)."""
        grid = np.linspace(0.0, 100.0, 201)
        out: dict[str, Any] = {}
        for n, issue in enumerate(self.issue_ids):
            pts = np.repeat(snap.sq[None, :], grid.size, axis=0)
            pts[:, n] = grid
            u = utility(pts[None], pts[None], snap.piv[None, k : k + 1], snap.sal[None, k : k + 1])[0, :, 0]
            ok = grid[u >= snap.r_piv[k]]
            out[issue] = None if ok.size == 0 else [_r(ok.min()), _r(ok.max())]
        return out

    def _own_results(self, actor: str) -> list[dict[str, Any]]:
        """The seat's own answers and, after the step ran, its pivot's chance of ratifying."""
        out = []
        mine = {(m["step"], m["text"]): m for m in self.moves if m["type"] == "answer" and m["by"] == actor}
        for e in self.past().events:
            if isinstance(e, ev.ProposalTabled) and actor in e.answers:
                k = self._step_of(e.t)
                m = mine.get((k, e.id))
                if m is None and self.roles[actor] != "mediator":
                    continue
                a = e.answers[actor]
                out.append(
                    {
                        "step": k - self.k0,
                        "text": e.id,
                        "signed": a["sign"],
                        "ratified": a["ratified"],
                        "p_ratify": a["p_ratify"],
                        "value": a["value"],
                        "reason": m["reason"] if m else None,
                    }
                )
        return out

    def brief(self, actor: str) -> dict[str, Any]:
        return {"public": self.public(), "confidential": self.confidential(actor)}

    def facilitator_view(self) -> dict[str, Any]:
        """Everything: the public picture, every seat's confidential part, every answer's reason."""
        return {
            "public": self.public(),
            "seats": {a: self.confidential(a) for a in self.roles},
            "moves": self.moves,
        }


# -- the public whitelist -----------------------------------------------------------------


def _public(e: ev.Event) -> dict[str, Any] | None:
    """An event's public fields; None for records that carry an actor's private values
    (escalation, stance changes, vetoes with the model's reasons, optimism)."""
    t = round(e.t, 4)
    if isinstance(e, ev.Step):
        return {
            "t": t,
            "kind": "step",
            "format": e.format,
            "fighting": e.fighting,
            "p_onset": e.p_onset,
            "status_quo": e.status_quo,
            "in_force": e.in_force,
            "text": f"{t:g}: {'fighting' if e.fighting else 'no fighting'}; war risk {e.p_onset:.1%}",
        }
    if isinstance(e, ev.ProposalTabled):
        return {
            "t": t,
            "kind": "text",
            "id": e.id,
            "label": e.label,
            "agreement": e.agreement,
            "table": e.table,
            "sponsors": e.sponsors,
            "terms": e.terms,
            "passed": e.passed,
            "signed_by": [a for a, v in e.answers.items() if v["sign"]],
            "refused_by": [a for a, v in e.answers.items() if not v["sign"]],
            "not_ratified_by": [a for a, v in e.answers.items() if v["sign"] and not v["ratified"]],
            "text": f"{t:g}: {e.label} ({e.agreement}) tabled at {e.table}: {'passed' if e.passed else 'not passed'}",
        }
    if isinstance(e, ev.AgreementSigned):
        return {
            "t": t,
            "kind": "agreement",
            "proposal": e.proposal,
            "agreement": e.agreement,
            "parties": e.parties,
            "terms": e.terms,
            "text": f"{t:g}: {e.agreement} agreement signed ({e.proposal})",
        }
    if isinstance(e, ev.WarStarted):
        return {
            "t": t,
            "kind": "war",
            "flare": e.flare,
            "p_onset": e.p_onset,
            "text": f"{t:g}: {'a flare-up' if e.flare else 'war'} (risk was {e.p_onset:.1%})",
        }
    if isinstance(e, ev.WarEnded):
        return {
            "t": t,
            "kind": "war-end",
            "how": e.how,
            "status_quo": e.status_quo,
            "text": f"{t:g}: war ended ({e.how})",
        }
    if isinstance(e, ev.Breakdown | ev.Lapse):
        return {
            "t": t,
            "kind": e.kind,
            "agreements": e.agreements,
            "text": f"{t:g}: {', '.join(e.agreements)} {'broke down' if e.kind == 'breakdown' else 'lapsed'}",
        }
    if isinstance(e, ev.LeaderRemoved):
        return {"t": t, "kind": "leader-removed", "actor": e.actor, "text": f"{t:g}: {e.actor}'s leader lost office"}
    if isinstance(e, ev.DatedEvent):
        return {
            "t": t,
            "kind": "event",
            "id": e.id,
            "event": e.event,
            "label": e.label,
            "actors": e.actors,
            "text": f"{t:g}: {e.label}",
        }
    if isinstance(e, ev.FormatSwitch):
        return {"t": t, "kind": "format-switch", "to": e.to, "text": f"{t:g}: the format became {e.to}"}
    if isinstance(e, ev.PassedUnbound):
        return {
            "t": t,
            "kind": "passed-unbound",
            "proposal": e.proposal,
            "objectors": e.objectors,
            "text": f"{t:g}: {e.proposal} passed over objections, not in force",
        }
    return None
