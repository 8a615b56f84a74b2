"""How a party answers a text: its leader signs, its domestic pivot ratifies (a two-level game).

Putnam (1988, 'Diplomacy and domestic politics: the logic of two-level games', Int.
Organization 42(3)) defines a party's *win-set* as the set of deals its domestic ratifiers
prefer to *no agreement*. accord represents the ratifiers by a **pivot** with its own ideal
point (which may be more hawkish than the leader's): the pivot ratifies a deal that beats its
reservation value, the better of the status quo and war as the pivot sees them. The win-set
therefore widens when no agreement gets worse for the pivot (a lost war, a balance shifting
against it) and narrows when a leak mobilises hardliners.

The leader does not know the pivot's reservation exactly: ratification succeeds with
probability ``π = logistic((u_pivot(deal) − r_pivot) / noise)``. A leader signs when the
expected gain of signing beats walking away, counting the **audience cost** it pays if the deal
then fails at home (Fearon 1994, 'Domestic political audiences and the escalation of
international disputes', APSR 88(3))::

    π · (v_leader(deal) − r_leader) − (1 − π) · audience_cost ≥ margin

A leader who signs a deal its pivot then rejects may lose office (the removal risk): the
Armenian president Ter-Petrosyan resigned in 1998 after calling for concessions (seed 001).
Because π is smooth, small changes in a party's inputs change the chance of an agreement a
little, never all at once: no outcome hangs on a knife-edge parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from accord import fpmath as fp
from accord._small import clip

__all__ = [
    "ACCEPT",
    "CONFERENCE_BLOCKED",
    "LEADER_REMOVED",
    "NOT_BOUND",
    "RATIFICATION_FAILED",
    "RATIFICATION_RISK",
    "REASONS",
    "WORSE_THAN_STATUS_QUO",
    "WORSE_THAN_WAR",
    "Answers",
    "answer",
    "ratification_argument",
    "ratification_probability",
    "reversion_value",
]

ACCEPT = 0
WORSE_THAN_STATUS_QUO = 1
WORSE_THAN_WAR = 2
RATIFICATION_RISK = 3
RATIFICATION_FAILED = 4
LEADER_REMOVED = 5
CONFERENCE_BLOCKED = 6
NOT_BOUND = 7
REASONS: dict[int, str] = {
    ACCEPT: "accepts",
    WORSE_THAN_STATUS_QUO: "worse than no agreement (the status quo, with its risk of war)",
    WORSE_THAN_WAR: "worse than its expected value of war",
    RATIFICATION_RISK: "its domestic pivot would likely reject it (not worth the audience cost of signing)",
    RATIFICATION_FAILED: "signed, but its domestic pivot rejected it at ratification",
    LEADER_REMOVED: "signed, its domestic pivot rejected it and the leader lost office",
    CONFERENCE_BLOCKED: "blocks convening the signing conference",
    NOT_BOUND: "outvoted, and no one enforces the text against it",
}
"""Why an actor did not sign (or sign successfully), by code."""


def reversion_value(u_status_quo: np.ndarray, u_war: np.ndarray, p_war: np.ndarray) -> np.ndarray:
    """Each actor's value of *no agreement* ``(D, A)``: keeping the status quo while it lasts,
    with the chance ``p_war (D,)`` that war comes anyway over the horizon, or fighting itself if
    that is better: ``max(u_war, (1 − q) u_sq + q u_war)``; ``u_sq`` for actors who cannot fight.

    This is what makes a win-set grow "as no agreement gets costlier" (Putnam 1988): a side
    content with the status quo accepts less once war becomes likelier or its war value falls
    (a lost war, a balance shifting against it)."""
    q = p_war[:, None]
    with np.errstate(invalid="ignore"):
        risky = np.maximum(u_war, (1.0 - q) * u_status_quo + q * u_war)
    return np.asarray(np.where(np.isfinite(u_war), risky, u_status_quo))


def ratification_argument(u_pivot: np.ndarray, r_pivot: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """The argument of the tanh in :func:`ratification_probability` (the NumPy twin of the
    drafter's fused kernel ``accord.mechanisms._jit.ratification_arguments``)."""
    z = (u_pivot - r_pivot) / np.maximum(noise, 1e-9)
    return np.asarray(0.5 * clip(z, -60.0, 60.0))


def ratification_probability(u_pivot: np.ndarray, r_pivot: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """``P(the pivot ratifies)`` ``(..., A)`` from the pivot's utility of the deal and its
    reservation value (both utilities); ``noise`` broadcasts (``(D, 1)`` or scalar)."""
    return np.asarray(0.5 * (1.0 + fp.tanh(ratification_argument(u_pivot, r_pivot, noise))))


@dataclass(frozen=True)
class Answers:
    """Every actor's answer to one text, ``(D, A)`` arrays.

    sign: the leader signs; p_ratify: the chance its pivot ratifies; ratified: the pivot
    ratified (drawn; True where no ratification is needed); removed: the leader fell over a
    signed deal its pivot rejected; reason: code in :data:`REASONS`."""

    sign: np.ndarray
    p_ratify: np.ndarray
    ratified: np.ndarray
    removed: np.ndarray
    reason: np.ndarray

    @cached_property
    def accept(self) -> np.ndarray:
        """Signed and ratified: what the table's rule counts (worked out once: read again and again)."""
        return np.asarray(self.sign & self.ratified)


def answer(
    value: np.ndarray,
    reservation: np.ndarray,
    u_status_quo: np.ndarray,
    u_war: np.ndarray,
    p_ratify: np.ndarray,
    *,
    audience_cost: np.ndarray,
    removal_risk: np.ndarray,
    margin: np.ndarray,
    u_ratify: np.ndarray,
    u_remove: np.ndarray,
    given: np.ndarray | None = None,
) -> Answers:
    """Answers of every actor to one text.

    Parameters
    ----------
    value: ``(D, A)`` the leader's value of the text (deferred terms weighted by their
        credibility, plus any mediator inducement).
    reservation: ``(D, A)`` the leader's value of no agreement (see
        :func:`reversion_value`).
    u_status_quo, u_war: ``(D, A)`` the leader's value of the status quo and expected value of
        war (``-inf`` for actors who cannot fight); they name the reason for a refusal.
    p_ratify: ``(D, A)`` the chance the pivot ratifies (1 where no ratification is needed).
    audience_cost, removal_risk: ``(D, A)``; margin: ``(D,)``.
    u_ratify, u_remove: ``(D, A)`` uniforms from the process stream.
    given: ``(A,)`` leaders' decisions made outside the model (1 signs, 0 refuses, NaN: the
        model decides); the pivot still ratifies or not by the same draw (a training seat,
        :mod:`accord.simulation.decisions`).
    """
    m = margin[:, None]
    gain = value - reservation
    sign = p_ratify * gain - (1.0 - p_ratify) * audience_cost >= m
    if given is not None:
        g = np.asarray(given, dtype=float)[None, :]
        sign = np.where(np.isnan(g), sign, g > 0.5)
    ratified = u_ratify < p_ratify
    failed = sign & ~ratified
    removed = failed & (u_remove < removal_risk)
    # each refusal's reason; later codes override earlier ones (failed and removed only where signed)
    refused = ~sign
    short = refused & (gain < m)
    reason = np.where(short & (u_war > u_status_quo), np.int8(WORSE_THAN_WAR), np.int8(ACCEPT))
    reason = np.where(short & (u_war <= u_status_quo), np.int8(WORSE_THAN_STATUS_QUO), reason)
    reason = np.where(refused & (gain >= m), np.int8(RATIFICATION_RISK), reason)
    reason = np.where(failed, np.int8(RATIFICATION_FAILED), reason)
    reason = np.where(removed, np.int8(LEADER_REMOVED), reason)
    return Answers(sign, p_ratify, ratified | refused, removed, reason)
