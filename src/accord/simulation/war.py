"""War as a contest over the disputed issues, and war onset as a hazard.

Bargaining and war (Fearon 1995, 'Rationalist explanations for war', Int. Organization 49(3)):
each side's value of war is its expected utility of the war lottery minus the cost of fighting;
a party whose war value exceeds what it gets at the table (the status quo or a deal) has an
incentive to fight. The win probability comes from relative capability by a ratio contest
function (Hirshleifer 1989). Shifting power creates a commitment problem (Powell 2006, 'War as
a commitment problem', Int. Organization 60(1)): a rising side cannot promise not to exploit its
future strength, so large, fast shifts raise the hazard of war whatever the current bargain.

All functions are vectorized over draws ``D``; actors ``A``, issues ``I``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Sides", "onset_probability", "sides", "war_outcomes", "win_probability"]


@dataclass(frozen=True)
class Sides:
    """The two sides of a war: the leaders (the parties with the lowest and highest mean position)
    and the combatants closer to each. ``low``, ``high``: ``(A,)`` bool."""

    lead_low: int
    lead_high: int
    low: np.ndarray
    high: np.ndarray


def sides(position: np.ndarray, salience: np.ndarray, parties: np.ndarray, combatants: np.ndarray) -> Sides | None:
    """Sides from one draw's ``position``, ``salience`` ``(A, I)``; None when fewer than two parties
    hold positions or fewer than two actors can fight (then there is no war)."""
    weight = np.maximum(salience.sum(axis=1), 1e-12)
    mean_pos = (position * salience).sum(axis=1) / weight
    party_idx = np.flatnonzero(parties & (salience.sum(axis=1) > 0))
    if party_idx.size < 2 or combatants.sum() < 2:
        return None
    lo = int(party_idx[np.argmin(mean_pos[party_idx])])
    hi = int(party_idx[np.argmax(mean_pos[party_idx])])
    d_lo = np.abs(position - position[lo]).sum(axis=1)
    d_hi = np.abs(position - position[hi]).sum(axis=1)
    high = combatants & (d_hi < d_lo)
    low = combatants & ~high
    high[hi], low[hi] = True, False
    low[lo], high[lo] = True, False
    return Sides(lo, hi, low, high)


def win_probability(capability: np.ndarray, s: Sides, exponent: np.ndarray) -> np.ndarray:
    """``P(high side wins)`` ``(D,)`` by the ratio contest ``C_h^m / (C_h^m + C_l^m)`` on the sides'
    summed capabilities ``(D, A)``; 0.5 when neither side has any."""
    c_hi = (capability * s.high).sum(axis=1) ** exponent
    c_lo = (capability * s.low).sum(axis=1) ** exponent
    total = c_hi + c_lo
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(total > 0, c_hi / total, 0.5))


def war_outcomes(
    status_quo: np.ndarray, position: np.ndarray, s: Sides, gain: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The status quo after a war won by the high side and by the low side, ``(D, I)`` each.

    The winner moves each issue ``gain`` ``(D,)`` of the way from the status quo to its leader's
    position, but only in the direction away from the loser: a victor does not hand back what it
    already holds beyond its stated position (e.g. districts held as a bargaining chip).
    """
    g = gain[:, None]
    p_hi = position[:, s.lead_high]
    p_lo = position[:, s.lead_low]

    def after(winner: np.ndarray, loser: np.ndarray) -> np.ndarray:
        move = g * (winner - status_quo)
        return np.asarray(np.where(move * (winner - loser) > 0, status_quo + move, status_quo))

    return after(p_hi, p_lo), after(p_lo, p_hi)


def war_values(
    p_high: np.ndarray, u_if_high: np.ndarray, u_if_low: np.ndarray, combatants: np.ndarray, cost: np.ndarray
) -> np.ndarray:
    """Expected utility of war ``(D, A)``: ``p·u(high wins) + (1-p)·u(low wins) - cost`` for
    combatants, ``-inf`` for actors who cannot fight (their reservation value is the status quo)."""
    ev = p_high[:, None] * u_if_high + (1.0 - p_high[:, None]) * u_if_low - cost[:, None]
    return np.asarray(np.where(combatants[None, :], ev, -np.inf))


def onset_probability(
    *,
    base: np.ndarray,
    incentive: np.ndarray,
    tension: np.ndarray,
    shift_weight: np.ndarray,
    shift: np.ndarray,
    incident_weight: np.ndarray,
    incidents_per_year: np.ndarray,
    agreement_factor: np.ndarray,
    agreed: np.ndarray,
    dt: float,
) -> np.ndarray:
    """Probability of war onset within a step of ``dt`` years, ``(D,)``.

    Hazard per year ``h = base + incentive·tension + shift_weight·|ΔP(win)|/year +
    incident_weight·incidents/year``, times ``agreement_factor`` once an agreement is in force;
    ``P = 1 - exp(-h·dt)``. ``tension`` is the largest positive war incentive among combatants
    (Fearon 1995), ``shift`` the yearly change in the win probability (Powell 2006).
    """
    h = base + incentive * tension + shift_weight * shift + incident_weight * incidents_per_year
    h = np.where(agreed, h * agreement_factor, h)
    return np.asarray(1.0 - np.exp(-np.maximum(h, 0.0) * dt))
