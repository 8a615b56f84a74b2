"""Power and war: capability stocks, the contest, the anticipated shift, war values.

- **Capability as a stock.** Military capability is accumulated spending, not one year's
  budget: ``S_t = (1 − d)^dt · S_{t−dt} + m_t · dt`` (perpetual inventory; OECD 2009,
  *Measuring Capital*), started at the steady state ``m / d``. A one-year dip in spending
  barely moves the stock, so the balance of power changes slowly, as armies do.
- **The contest.** ``P(side H wins) = S_H^γ / (S_H^γ + S_L^γ)`` on the sides' summed stocks
  (Hirshleifer 1989).
- **The anticipated shift** (Powell 2006, 'War as a commitment problem', Int. Organization
  60(1)). Each side projects the stocks ``h`` years ahead if today's spending continues; the
  change in ``P(H wins)`` between now and then is the shift both can foresee. A side whose
  chances will decline cannot be promised tomorrow what it could take today: its incentive to
  fight now is the shift times its stake in the war (the utility difference between winning
  and losing). The shift is signed: only the declining side's loss counts.
- **War values** (Fearon 1995, 'Rationalist explanations for war', Int. Organization 49(3)):
  ``u_war = p̂ · u(H wins) + (1 − p̂) · u(L wins) − cost``, where ``p̂`` is the side's *believed*
  chance (true chance plus its optimism) and a win moves every issue contested by force to the
  winner's leader's position (only in the direction away from the loser: a victor keeps what it
  holds beyond its stated aims).

Shapes: ``D`` draws, ``A`` actors, ``I`` issues.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from accord import fpmath as fp
from accord._small import clip
from accord.mechanisms.utility import utility

__all__ = [
    "Sides",
    "advance_stock",
    "anticipated_shift",
    "projected_stock",
    "sides_from_positions",
    "war_outcomes",
    "war_values",
    "war_values_of",
    "win_probability",
]


@dataclass(frozen=True)
class Sides:
    """The two sides of a war. ``lead_low``, ``lead_high``: the parties with the lowest and
    highest mean position; ``low``, ``high``: ``(A,)`` bool, the combatants on each side."""

    lead_low: int
    lead_high: int
    low: np.ndarray
    high: np.ndarray

    def side_of(self, a: int) -> np.ndarray:
        """Mask of actor ``a``'s own side."""
        return self.high if self.high[a] else self.low

    # derived once per run (the sides do not change during one; every step would rebuild them)
    @cached_property
    def sign(self) -> np.ndarray:
        """``(A,)``: +1 on the high side, -1 on the low side, 0 elsewhere (how optimism shifts a belief)."""
        return np.where(self.high, 1.0, np.where(self.low, -1.0, 0.0))

    @cached_property
    def masks(self) -> np.ndarray:
        """``(2, A)`` float: the high side's and the low side's members."""
        return np.stack([self.high, self.low]).astype(float)

    @cached_property
    def leads(self) -> np.ndarray:
        """``(2,)``: the high side's leader, then the low side's."""
        return np.array([self.lead_high, self.lead_low], dtype=np.intp)


def sides_from_positions(
    position: np.ndarray,
    salience: np.ndarray,
    parties: np.ndarray,
    combatants: np.ndarray,
    war_issues: np.ndarray | None = None,
) -> Sides | None:
    """Sides from nominal ``position``, ``salience`` ``(A, I)`` (the same in every draw): the
    leaders are the parties lowest and highest on the issues contested by force
    (``war_issues``, default all); None when fewer than two parties hold positions or fewer than
    two actors can fight."""
    cols = np.ones(position.shape[1], dtype=bool) if war_issues is None else war_issues
    sal = salience[:, cols]
    weight = np.maximum(sal.sum(axis=1), 1e-12)
    mean_pos = (position[:, cols] * sal).sum(axis=1) / weight
    party_idx = np.flatnonzero(parties & (salience.sum(axis=1) > 0))
    if party_idx.size < 2 or combatants.sum() < 2:
        return None
    lo = int(party_idx[np.argmin(mean_pos[party_idx])])
    rest = party_idx[party_idx != lo]
    hi = int(rest[np.argmax(mean_pos[rest])])
    d_lo = np.abs(position[:, cols] - position[lo, cols]).sum(axis=1)
    d_hi = np.abs(position[:, cols] - position[hi, cols]).sum(axis=1)
    high = combatants & (d_hi < d_lo)
    low = combatants & ~high
    high[hi], low[hi] = True, False
    low[lo], high[lo] = True, False
    return Sides(lo, hi, low, high)


def advance_stock(stock: np.ndarray, flow: np.ndarray, depreciation: np.ndarray, dt: float) -> np.ndarray:
    """The stock ``(D, A)`` after ``dt`` years of spending ``flow`` per year (``depreciation (D,)``)."""
    keep = fp.power(1.0 - depreciation[:, None], dt)
    return np.asarray(keep * stock + flow * dt)


def projected_stock(stock: np.ndarray, flow: np.ndarray, depreciation: np.ndarray, years: np.ndarray) -> np.ndarray:
    """The stock ``years (D,)`` ahead if spending stays at ``flow``: ``(1−d)^h S + m (1 − (1−d)^h) / d``."""
    d = depreciation[:, None]
    keep = fp.power(1.0 - d, years[:, None])
    return np.asarray(keep * stock + flow * (1.0 - keep) / d)


def win_probability(stock: np.ndarray, s: Sides, exponent: np.ndarray) -> np.ndarray:
    """``P(high side wins)`` ``(D,)`` by the ratio contest on the sides' summed stocks; 0.5 when
    neither side has any."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        s_hi = (stock * s.high).sum(axis=1)
        s_lo = (stock * s.low).sum(axis=1)
        # the ratio form in logs keeps huge stocks and exponents finite
        log_ratio = exponent * (fp.log(np.maximum(s_lo, 1e-300)) - fp.log(np.maximum(s_hi, 1e-300)))
        p = 1.0 / (1.0 + fp.exp(clip(log_ratio, -700.0, 700.0)))
    return np.asarray(np.where((s_hi > 0) | (s_lo > 0), np.where(s_hi > 0, p, 0.0), 0.5))


def anticipated_shift(p_now: np.ndarray, p_future: np.ndarray) -> np.ndarray:
    """Signed shift ``(D,)`` in ``P(H wins)``: positive when the high side is rising."""
    return np.asarray(p_future - p_now)


def war_outcomes(
    status_quo: np.ndarray, position: np.ndarray, s: Sides, war_issues: np.ndarray, share: np.ndarray | float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """The status quo after the high side and after the low side prevails, ``(D, I)`` each.

    The winner moves each issue contested by force ``share`` of the way to its leader's position,
    but only away from the loser's; other issues do not change by force."""
    after = _after_war(status_quo, position, s, war_issues, share)
    return after[:, 0], after[:, 1]


def _after_war(
    status_quo: np.ndarray, position: np.ndarray, s: Sides, war_issues: np.ndarray, share: np.ndarray | float
) -> np.ndarray:
    """:func:`war_outcomes` as one ``(D, 2, I)`` array, both winners at once (elementwise, so each
    number is the one a winner's own computation gives)."""
    sq = status_quo[:, None]
    winner = position[:, s.leads]  # (D, 2, I): high's leader, low's leader
    loser = winner[:, ::-1]
    move = winner - sq
    if not (isinstance(share, float) and share == 1.0):
        # share 1 is skipped: 1.0 * x is x, bit for bit
        move = (share[:, None, None] if isinstance(share, np.ndarray) else share) * move
    moved = np.where(move * (winner - loser) > 0, sq + move, sq)
    return np.asarray(np.where(war_issues, moved, sq))


def war_values(
    p_high_believed: np.ndarray,
    x_high: np.ndarray,
    x_low: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    combatants: np.ndarray,
    cost: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Expected utility of war ``(D, A)`` for each actor's ideal point ``position`` and its stake.

    ``p_high_believed (D, A)`` is each actor's belief that the high side wins. Returns
    ``(u_war, stake)``: ``u_war = p̂ u(x_H) + (1 − p̂) u(x_L) − cost`` (``-inf`` for actors who
    cannot fight) and ``stake = |u(x_H) − u(x_L)|``."""
    u_hi = utility(x_high[:, None], x_high[:, None], position, salience)[:, 0]
    u_lo = utility(x_low[:, None], x_low[:, None], position, salience)[:, 0]
    return war_values_of(p_high_believed, u_hi, u_lo, combatants, cost)


def war_values_of(
    p_high_believed: np.ndarray, u_hi: np.ndarray, u_lo: np.ndarray, combatants: np.ndarray, cost: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`war_values` from the utilities ``(D, A)`` of the two outcomes (computed by the caller,
    e.g. with the status quo's in one kernel call)."""
    ev = p_high_believed * u_hi + (1.0 - p_high_believed) * u_lo - cost[:, None]
    return np.asarray(np.where(combatants[None, :], ev, -np.inf)), np.asarray(np.abs(u_hi - u_lo))
