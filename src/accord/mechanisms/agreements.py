"""Agreements with types and lives: signed, in force, broken down, lapsed, renewed.

Most texts of a peace process are not settlements. PA-X (Bell & Badanjak 2019, 'Introducing
PA-X: a new peace agreement database and dataset', JPR 56(3)) codes each agreement's *stage*;
accord uses the same six types, each with its own effect in the engine:

=================  ==============================================================================
type               effect while in force
=================  ==============================================================================
ceasefire          the fighting stops; lowers the hazard of new fighting while it holds
                   (Fortna 2004, *Peace Time*)
process            pre-negotiation, principles, a commitment to talks: changes no term; lowers
                   the hazard a little; lapses after ``process_duration`` unless renewed
partial            settles some issues now (the status quo moves to its terms); deferred terms
                   fall due later
comprehensive      settles every issue it names; a signing conference may be required
implementation     puts deferred terms into effect when they fall due
renewal            renews a lapsing process agreement
=================  ==============================================================================

An agreement *breaks down* when fighting resumes while it is in force (the rule the conflict
panel uses, so the engine's breakdowns and the panel's are the same event), and an agreement
with deferred terms fails when the terms are not implemented when due. A text passed over a
party's objection binds that party only as far as someone enforces it (peacekeepers deployed
with it); otherwise it is recorded as passed but not in force (:func:`binding_probability`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from accord._small import any_nonzero
from accord.scenario.schema import AGREEMENT_TYPES

__all__ = ["TYPES", "AgreementBook", "binding_probability", "type_index"]

TYPES: tuple[str, ...] = AGREEMENT_TYPES
"""The agreement types in a fixed order (the last axis of the engine's agreement arrays)."""

_INDEX = {t: k for k, t in enumerate(TYPES)}


_COLUMNS: dict[tuple[str, ...], np.ndarray] = {}
"""The columns of :data:`TYPES` each tuple of kinds names (:meth:`AgreementBook.break_down`)."""


def type_index(kind: str) -> int:
    """Position of an agreement type in :data:`TYPES`."""
    return _INDEX[kind]


def binding_probability(peacekeepers: np.ndarray, enforcement: np.ndarray) -> np.ndarray:
    """``P(an unwilling party is held to a text)`` ``(D,)``: only peacekeepers deployed with the
    text enforce it, with probability ``enforcement`` (Walter 2002, *Committing to Peace*: third
    parties must be willing and able to enforce). No enforcer, no binding."""
    return np.asarray(np.where(peacekeepers, enforcement, 0.0))


@dataclass
class AgreementBook:
    """Which agreements are in force in each of ``D`` draws, and what happened to them.

    Arrays over ``(D, T)`` with ``T = len(TYPES)``: ``in_force``, ``expires`` (decimal year; inf
    for no expiry), ``signed`` and ``broken`` counts over the run, ``first`` signing time (NaN if
    never). ``step_signed`` / ``step_broken`` / ``step_lapsed`` hold what happened in the current
    step (cleared by :meth:`new_step`); ``step_peacekeeping``, ``step_third_party`` ``(D,)``: an
    agreement signed in the step provides for an international mission or force, or has a third
    party (what PA-X codes ImPK and ThrdPart/ImUN/ImOth, and the hazards' covariates read).
    ``peacekeepers (D,)``: a force deployed with an agreement in force.
    """

    draws: int
    in_force: np.ndarray = field(init=False)
    expires: np.ndarray = field(init=False)
    signed: np.ndarray = field(init=False)
    broken: np.ndarray = field(init=False)
    first: np.ndarray = field(init=False)
    step_signed: np.ndarray = field(init=False)
    step_broken: np.ndarray = field(init=False)
    step_lapsed: np.ndarray = field(init=False)
    step_peacekeeping: np.ndarray = field(init=False)
    step_third_party: np.ndarray = field(init=False)
    peacekeepers: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        d, t = self.draws, len(TYPES)
        self.in_force = np.zeros((d, t), dtype=bool)
        self.expires = np.full((d, t), np.inf)
        self.signed = np.zeros((d, t), dtype=np.int64)
        self.broken = np.zeros((d, t), dtype=np.int64)
        self.first = np.full((d, t), np.nan)
        self.step_signed = np.zeros((d, t), dtype=bool)
        self.step_broken = np.zeros((d, t), dtype=bool)
        self.step_lapsed = np.zeros((d, t), dtype=bool)
        self.step_peacekeeping = np.zeros(d, dtype=bool)
        self.step_third_party = np.zeros(d, dtype=bool)
        self.peacekeepers = np.zeros(d, dtype=bool)

    def new_step(self) -> None:
        self.step_signed[:] = False
        self.step_broken[:] = False
        self.step_lapsed[:] = False
        self.step_peacekeeping[:] = False
        self.step_third_party[:] = False

    def sign(
        self,
        kind: str,
        mask: np.ndarray,
        t: float,
        expires: np.ndarray | float = np.inf,
        *,
        peacekeeping: np.ndarray | bool = False,
        third_party: np.ndarray | bool = False,
    ) -> None:
        """Record an agreement of ``kind`` signed at ``t`` in the draws ``mask``; ``peacekeeping``:
        its text provides for an international mission or force; ``third_party``: it has one."""
        k = type_index(kind)
        self.in_force[:, k] |= mask
        self.expires[:, k] = np.where(mask, expires, self.expires[:, k])
        self.signed[:, k] += mask
        self.first[:, k] = np.where(mask & np.isnan(self.first[:, k]), t, self.first[:, k])
        self.step_signed[:, k] |= mask
        # a plain bool (what the engine passes) needs no array: ``mask & True`` is ``mask``,
        # ``mask & False`` adds nothing
        if peacekeeping is True:
            self.step_peacekeeping |= mask
        elif peacekeeping is not False:
            self.step_peacekeeping |= mask & np.asarray(peacekeeping, dtype=bool)
        if third_party is True:
            self.step_third_party |= mask
        elif third_party is not False:
            self.step_third_party |= mask & np.asarray(third_party, dtype=bool)

    def break_down(self, mask: np.ndarray, kinds: tuple[str, ...] = TYPES) -> np.ndarray:
        """Fighting (or a failed implementation) ends the agreements of ``kinds`` in force in
        ``mask``; returns ``(D, T)`` what broke."""
        if not any_nonzero(mask):
            # nothing breaks (and nothing else changes: the peacekeepers already serve only
            # where an agreement is in force); a step asks this of every quiet draw
            return np.zeros(self.in_force.shape, dtype=bool)
        cols = _COLUMNS.get(kinds)
        if cols is None:
            cols = _COLUMNS[kinds] = np.isin(np.arange(len(TYPES)), [type_index(k) for k in kinds])
        broke: np.ndarray = self.in_force & mask[:, None] & cols[None, :]
        self.in_force &= ~broke
        self.broken += broke
        self.step_broken |= broke
        self.peacekeepers &= self.in_force.any(axis=1)
        return broke

    def lapse(self, t: float) -> np.ndarray:
        """Agreements whose term ran out by ``t`` end without breaking down; returns ``(D, T)``."""
        gone: np.ndarray = self.in_force & (self.expires <= t + 1e-9)
        self.in_force &= ~gone
        self.step_lapsed |= gone
        self.peacekeepers &= self.in_force.any(axis=1)
        return gone

    def any_in_force(self, *kinds: str) -> np.ndarray:
        """``(D,)`` whether an agreement of any of ``kinds`` is in force."""
        cols = [type_index(k) for k in kinds]
        out: np.ndarray = np.asarray(self.in_force[:, cols].any(axis=1))
        return out
