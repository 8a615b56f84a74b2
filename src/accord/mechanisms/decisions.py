"""Decision rules and ratification: how each actor answers a proposal, and how a format
aggregates the answers.

A party accepts when the proposal beats its reservation value (the status quo or war, whichever
is better for it; Fearon 1995) by a margin, *and* its leader can carry it at home: the deal must
lie inside the leader's win-set (Putnam 1988, 'Diplomacy and domestic politics: the logic of
two-level games', Int. Organization 42(3)). The win-set shrinks with the salience of the issues
at stake, a hawkish public mood and a leak of the draft. A leader may defy the win-set and sign a
deal that lies not too far outside it (the chance falls to 0 at twice the win-set); it then risks
removal, and a removed leader's signature is void.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "ACCEPT",
    "LEADER_REMOVED",
    "OUTSIDE_WINSET",
    "REASONS",
    "WORSE_THAN_STATUS_QUO",
    "WORSE_THAN_WAR",
    "Answers",
    "aggregate",
    "answer",
    "win_set",
]

ACCEPT = 0
WORSE_THAN_STATUS_QUO = 1
WORSE_THAN_WAR = 2
OUTSIDE_WINSET = 3
LEADER_REMOVED = 4
REASONS = {
    ACCEPT: "accepts",
    WORSE_THAN_STATUS_QUO: "worse than the status quo",
    WORSE_THAN_WAR: "worse than its expected value of war",
    OUTSIDE_WINSET: "outside its domestic win-set (cannot be ratified at home)",
    LEADER_REMOVED: "leader signed beyond the win-set and was removed; signature void",
}


def win_set(
    base: np.ndarray,
    factor: np.ndarray,
    mood: np.ndarray,
    mean_salience: np.ndarray,
    leaked: np.ndarray,
    *,
    mood_effect: np.ndarray,
    salience_winset: np.ndarray,
    leak_effect: np.ndarray,
) -> np.ndarray:
    """Effective win-set in points, ``(D, A)``.

    ``base · factor · (1 + mood_effect·mood) / (1 + salience_winset·s̄) · (1 - leak_effect·leaked)``
    where ``factor`` carries successor effects, ``s̄`` is the actor's mean salience on the issues
    the proposal settles, and ``leaked`` (``(D,)`` or ``(D, A)`` bool) says whether this draft
    leaked (to everyone, or to some actors' publics).
    Parameter arrays are ``(D,)``.
    """
    w = base * factor * (1.0 + mood_effect[:, None] * mood)
    w = w / (1.0 + salience_winset[:, None] * mean_salience)
    leak = leaked[:, None] if leaked.ndim == 1 else leaked
    w = w * (1.0 - leak_effect[:, None] * leak)
    return np.asarray(np.maximum(w, 0.0))


@dataclass(frozen=True)
class Answers:
    """Each actor's answer to one proposal, ``(D, A)`` arrays.

    accept: bool; reason: int code (see :data:`REASONS`); removed: leaders removed for signing
    beyond their win-set; defied: leaders who signed beyond it (and kept office).
    """

    accept: np.ndarray
    reason: np.ndarray
    removed: np.ndarray
    defied: np.ndarray


def answer(
    value: np.ndarray,
    u_status_quo: np.ndarray,
    u_war: np.ndarray,
    distance: np.ndarray,
    winset: np.ndarray,
    *,
    margin: np.ndarray,
    defiance: np.ndarray,
    removal_risk: np.ndarray,
    u_defy: np.ndarray,
    u_remove: np.ndarray,
) -> Answers:
    """Answers of every actor to one proposal (two-level game, Putnam 1988).

    Parameters
    ----------
    value: ``(D, A)`` each actor's value of the proposal (incl. any mediator inducement).
    u_status_quo, u_war: ``(D, A)`` value of the status quo and expected value of war
        (``-inf`` for actors who cannot go to war). The reservation value is their maximum.
    distance, winset: ``(D, A)`` the deal's salience-weighted distance from the actor's
        position and its effective win-set, in points (``inf`` win-set: no domestic constraint).
    margin, defiance: ``(D,)``; removal_risk: ``(D, A)``.
    u_defy, u_remove: ``(D, A)`` uniforms from the process stream.
    """
    reservation = np.maximum(u_status_quo, u_war)
    good = value - reservation >= margin[:, None]
    within = distance <= winset
    # a leader can sell a deal just outside the win-set, not one far beyond it: the chance to
    # defy falls linearly from `defiance` at the edge to 0 at twice the win-set
    with np.errstate(invalid="ignore", divide="ignore"):
        reach = np.clip(2.0 - distance / winset, 0.0, 1.0)
    reach = np.where(np.isfinite(reach), reach, 0.0)
    defy = good & ~within & (u_defy < defiance[:, None] * reach)
    removed = defy & (u_remove < removal_risk)
    accept = good & (within | defy) & ~removed
    reason = np.full(value.shape, ACCEPT, dtype=np.int8)
    reason = np.where(~good & (u_war > u_status_quo), WORSE_THAN_WAR, reason)
    reason = np.where(~good & (u_war <= u_status_quo), WORSE_THAN_STATUS_QUO, reason)
    reason = np.where(good & ~within & ~defy, OUTSIDE_WINSET, reason)
    reason = np.where(removed, LEADER_REMOVED, reason)
    return Answers(accept, reason.astype(np.int8), removed, defy & ~removed)


def aggregate(accept: np.ndarray, voters: np.ndarray, kind: str, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Apply a decision rule.

    Parameters
    ----------
    accept: ``(D, A)`` bool answers; voters: ``(A,)`` bool, who votes.
    kind: ``consensus`` or ``unanimity-of-parties`` (every voter must accept; any one vetoes) or
        ``majority`` (the share of voters accepting must reach ``threshold``).

    Returns
    -------
    passed: ``(D,)`` bool; veto: ``(D, A)`` bool, the voters whose "no" blocked it on its own
    (every no under consensus; none under a majority rule, where blocking is collective).
    """
    n = int(voters.sum())
    no = ~accept & voters[None, :]
    if kind == "majority":
        share = (accept & voters[None, :]).sum(axis=1) / max(n, 1)
        passed = share >= threshold - 1e-12
        return passed, np.zeros_like(no)
    passed = ~no.any(axis=1)
    return passed, no
