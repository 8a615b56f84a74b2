"""What mediators bring besides drafts: information (credibility) and leverage (with a cost).

**Information.** Wars happen when the sides disagree about their chances (Blainey 1973;
Fearon 1995): each belligerent overestimates its probability of winning by its *optimism*,
which inflates its war value and shrinks the bargaining range. A mediator who knows the balance
can correct a party's optimism, but only if the party believes it. Kydd (2003, 'Which side are
you on? Bias, credibility, and mediation', AJPS 47(4)) shows that a mediator biased toward a
side is credible to that side when it warns it ("you would lose"), because a friend has no
reason to cry wolf; the other side discounts the same message. Savun (2008, 'Information,
bias, and mediation success', ISQ 52(1)) finds that mediators with ties to the disputants are
the ones whose information works. accord's rule: mediator ``m``'s credibility with party ``a``
is ``(1 + b_ma) / 2`` where ``b_ma ∈ [-1, 1]`` is ``m``'s bias toward ``a`` (how much closer
``m``'s positions lie to ``a``'s than to the other side's leader, salience-weighted); a party's
optimism shrinks each year by ``information_rate × max_m credibility``. A fully biased mediator
moves only the side it favours.

**Leverage.** A mediator can add inducements (aid, guarantees, pressure) to a party's value of a
text it sponsors (Beardsley 2011, *The Mediation Dilemma*), but leverage costs the mediator:
it spends it only when its own gain from the deal over the status quo exceeds the cost
(``leverage_cost × inducement``). A mediator that prefers the status quo to the deal (e.g. one
that wants "uncertainty" to continue, seed 003) spends nothing.
"""

from __future__ import annotations

import numpy as np

from accord._small import clip
from accord.mechanisms.utility import utility

__all__ = ["bias_toward", "credibility", "inducement", "inducements", "update_optimism"]


def bias_toward(
    mediator_pos: np.ndarray, party_pos: np.ndarray, other_pos: np.ndarray, mediator_sal: np.ndarray
) -> np.ndarray:
    """Bias ``(D,)`` of a mediator toward a party against the other side's leader, in [-1, 1].

    ``(d(m, other) − d(m, party)) / (d(m, other) + d(m, party))`` with ``d`` the mediator's
    salience-weighted distance (its own view of what matters); 0 when equidistant."""
    w = np.maximum(mediator_sal.sum(axis=-1), 1e-12)
    d_party = (np.abs(mediator_pos - party_pos) * mediator_sal).sum(axis=-1) / w
    d_other = (np.abs(mediator_pos - other_pos) * mediator_sal).sum(axis=-1) / w
    total = d_party + d_other
    with np.errstate(invalid="ignore", divide="ignore"):
        b = np.where(total > 1e-12, (d_other - d_party) / total, 0.0)
    return np.asarray(b)


def credibility(bias: np.ndarray) -> np.ndarray:
    """How far a party believes a mediator's warning: ``(1 + bias) / 2`` (Kydd 2003)."""
    return clip((1.0 + bias) / 2.0, 0.0, 1.0)


def update_optimism(optimism: np.ndarray, cred: np.ndarray, rate: np.ndarray, dt: float) -> np.ndarray:
    """Optimism ``(D, A)`` after a step of mediation: ``o · (1 − min(1, rate·dt·c))`` where
    ``cred (D, A)`` is the best credibility any mediator at the table has with each party (0
    where none sits)."""
    shrink = clip(rate[:, None] * dt * cred, 0.0, 1.0)
    return np.asarray(optimism * (1.0 - shrink))


def inducement(
    deal_lo: np.ndarray,
    deal_hi: np.ndarray,
    status_quo: np.ndarray,
    mediator_pos: np.ndarray,
    mediator_sal: np.ndarray,
    capacity: np.ndarray,
    cost: np.ndarray,
) -> np.ndarray:
    """The inducement ``(D,)`` a mediator adds to the parties' value of a text it sponsors.

    ``capacity (D,)`` is what it could give; it gives it only where its own gain from the deal
    over the status quo, ``u_m(deal) − u_m(sq)``, is at least ``cost × capacity`` (Beardsley
    2011)."""
    return inducements(
        deal_lo, deal_hi, status_quo, mediator_pos[:, None], mediator_sal[:, None], capacity[:, None], cost
    )[:, 0]


def inducements(
    deal_lo: np.ndarray,
    deal_hi: np.ndarray,
    status_quo: np.ndarray,
    mediator_pos: np.ndarray,
    mediator_sal: np.ndarray,
    capacity: np.ndarray,
    cost: np.ndarray,
) -> np.ndarray:
    """:func:`inducement` of several mediators at once: positions and saliences ``(D, M, I)``,
    capacities ``(D, M)``; ``(D, M)`` (each mediator's number is the one its own call gives)."""
    # the deal and the status quo in one call: the status quo as a text whose range is one
    # point, (sq + sq) / 2 = sq exactly, so its utility has the bits of its own call
    u = utility(
        np.stack([deal_lo, status_quo], axis=1),
        np.stack([deal_hi, status_quo], axis=1),
        mediator_pos,
        mediator_sal,
    )
    u_deal, u_sq = u[:, 0], u[:, 1]
    worth_it = (u_deal - u_sq) >= cost[:, None] * capacity
    return np.asarray(np.where(worth_it, capacity, 0.0))
