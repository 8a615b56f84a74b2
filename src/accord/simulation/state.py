"""The state of ``D`` replays between steps: :class:`StepState`, and what a run records: :class:`Record`.

Every phase of a step (:mod:`accord.simulation.process`) reads a :class:`StepState` and returns it
with its arrays updated. Arrays are over draws ``D``, kernel actors ``A`` and issues ``I``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from accord.mechanisms.agreements import TYPES, AgreementBook
from accord.mechanisms.ratification import REASONS
from accord.simulation.conflict_year import ConflictYear

__all__ = ["Power", "Record", "StepState"]


@dataclass
class StepState:
    """What changes during a run.

    Attributes
    ----------
    t, k: the step's decimal year and index.
    params: every engine parameter per draw ``(D,)`` (dated effects change them).
    sq: the status quo ``(D, I)``.
    pos, sal: leaders' positions and saliences ``(D, A, I)``; piv: the domestic pivots' ideal points.
    optimism: ``(D, A)`` overestimate of each actor's chance of winning a war.
    audience_cost, removal_risk: ``(D, A)``.
    stock: capability stocks ``(D, A)``.
    fighting: ``(D,)`` the sides are fighting; war_imposed: that fighting is history being replayed.
    last_fighting: ``(D,)`` decimal year fighting last took place (NaN: never in the run).
    fmt: index of the format in use ``(D,)``; excluded: ``(A,)`` mediators off the table.
    monitor: monitoring capacity ``(D,)``.
    book: the agreements and their lives.
    pending_time, pending_value: ``(D, I)`` deferred terms and when they fall due (NaN: none);
    pending_table: ``(D,)`` table they were signed at; pending_pk: ``(D,)`` with peacekeepers.
    leaked: ``(A,)`` actors whose publics learn of drafts this step (a dated leak).
    escalating: ``(A,)`` draw 0's escalation state (for narration).
    conflict_year: the panel's state of the conflict in the step's calendar year, which the fitted
    hazard reads (:mod:`accord.simulation.conflict_year`; None when no war is possible).
    """

    t: float
    k: int
    params: dict[str, np.ndarray]
    sq: np.ndarray
    pos: np.ndarray
    sal: np.ndarray
    piv: np.ndarray
    optimism: np.ndarray
    audience_cost: np.ndarray
    removal_risk: np.ndarray
    stock: np.ndarray
    fighting: np.ndarray
    war_imposed: np.ndarray
    last_fighting: np.ndarray
    fmt: np.ndarray
    excluded: np.ndarray
    monitor: np.ndarray
    book: AgreementBook
    pending_time: np.ndarray
    pending_value: np.ndarray
    pending_table: np.ndarray
    pending_pk: np.ndarray
    leaked: np.ndarray
    escalating: np.ndarray
    forced_start: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    forced_flare: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    fought_this_step: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    onset_this_step: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    forced_time: float = float("nan")
    conflict_year: ConflictYear | None = None


@dataclass
class Power:
    """The balance in a step, ``(D, …)``: stocks, true and believed chances, war values.

    p_high: true ``P(high side wins)``; p_future: projected over the anticipation horizon;
    p_believed: ``(D, A)`` each actor's belief that the high side wins (with its optimism);
    u_sq, u_war, stake: leaders' values of the status quo and of war, and their stake;
    u_sq_piv, u_war_piv: the same for the domestic pivots; gap: the bargaining gap ``(D,)``;
    commitment: the commitment-problem term ``(D,)``; p_onset: ``P(fighting begins in the step)``
    ``(D,)``; onset_year: the yearly hazard it comes from ``(D,)``; hazard_model: which fitted
    hazard gave it ``(D,)`` (index into :data:`accord.simulation.hazards.USED`, -1: none); r_lead, r_piv: leaders'
    and pivots' values of no agreement ``(D, A)``."""

    p_high: np.ndarray
    p_future: np.ndarray
    p_believed: np.ndarray
    u_sq: np.ndarray
    u_war: np.ndarray
    stake: np.ndarray
    u_sq_piv: np.ndarray
    u_war_piv: np.ndarray
    gap: np.ndarray
    commitment: np.ndarray
    incentive: np.ndarray
    p_onset: np.ndarray | None = None
    r_lead: np.ndarray | None = None
    r_piv: np.ndarray | None = None
    onset_year: np.ndarray | None = None
    hazard_model: np.ndarray | None = None
    panel_state: dict[str, np.ndarray] | None = None

    def reservations(self) -> tuple[np.ndarray, np.ndarray]:
        """Leaders' and pivots' values of no agreement ``(D, A)`` (set by the risk phase)."""
        assert self.r_lead is not None and self.r_piv is not None, "the risk phase runs before negotiation"
        return self.r_lead, self.r_piv


@dataclass
class Record:
    """The outcomes of a run, filled step by step (arrays over ``D`` draws, ``Y`` steps,
    ``T`` agreement types, ``A`` actors, ``I`` issues, ``R`` veto reasons)."""

    draws: int
    steps: int
    actors: int
    issues: int
    fighting: np.ndarray = field(init=False)
    onset: np.ndarray = field(init=False)
    p_onset: np.ndarray = field(init=False)
    signed: np.ndarray = field(init=False)
    in_force: np.ndarray = field(init=False)
    broken: np.ndarray = field(init=False)
    sq: np.ndarray = field(init=False)
    vetoes: np.ndarray = field(init=False)
    reasons: np.ndarray = field(init=False)
    removals: np.ndarray = field(init=False)
    unbound: np.ndarray = field(init=False)
    passed_unbound: np.ndarray = field(init=False)
    settlement: np.ndarray = field(init=False)
    settlement_year: np.ndarray = field(init=False)
    settlement_proposal: np.ndarray = field(init=False)
    terms: np.ndarray = field(init=False)
    wars: np.ndarray = field(init=False)
    first_war: np.ndarray = field(init=False)
    fmt_by: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        d, y, a, i, t = self.draws, self.steps, self.actors, self.issues, len(TYPES)
        self.fighting = np.zeros((d, y), dtype=bool)
        self.onset = np.zeros((d, y), dtype=bool)
        self.p_onset = np.zeros((d, y))
        self.signed = np.zeros((d, y, t), dtype=bool)
        self.in_force = np.zeros((d, y, t), dtype=bool)
        self.broken = np.zeros((d, y, t), dtype=bool)
        self.sq = np.zeros((d, y, i))
        self.vetoes = np.zeros((d, a, i), dtype=np.int64)
        self.reasons = np.zeros((d, a, len(REASONS)), dtype=np.int64)
        self.removals = np.zeros((d, a), dtype=np.int64)
        self.unbound = np.zeros((d, a), dtype=np.int64)
        self.passed_unbound = np.zeros(d, dtype=np.int64)
        self.settlement = np.zeros(d, dtype=bool)
        self.settlement_year = np.full(d, np.nan)
        self.settlement_proposal = np.full(d, -1, dtype=np.int64)
        self.terms = np.full((d, i), np.nan)
        self.wars = np.zeros(d, dtype=np.int64)
        self.first_war = np.full(d, np.nan)
        self.fmt_by = np.zeros((d, y), dtype=np.int64)
