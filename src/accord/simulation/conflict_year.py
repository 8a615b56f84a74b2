"""The fitted hazards' covariates, computed from the engine's own state as the panel defines them.

The hazards fitted on the conflict panel (:mod:`accord.models.hazards`) read the *state* of a
conflict-year (:data:`accord.models.hazards.STATE`). :class:`ConflictYear` keeps, for ``D`` draws,
what is needed to compute that state from the run exactly as :mod:`accord.analysis.panel` defines
it from UCDP, PA-X and COW rows, not from the engine's own mechanisms (which differ on purpose):

- **calendar years.** A covariate holds for a calendar year and is the state at its start;
  the step's calendar year is the year its start falls in. At yearly steps (every built-in case)
  a step is a panel row.
- ``fighting_last_year``: the draw fought (any step with fighting) in the previous calendar year;
  ``years_since_fighting``: the calendar year minus the last earlier one with fighting (before
  the run: ``conflict.last_fighting``, see :mod:`accord.simulation.conflict`).
- ``in_force_<type>``, ``peacekeeping_in_force``, ``third_party_in_force``: an agreement signed in
  an earlier calendar year with no fighting since (a year of fighting ends every agreement in
  force; agreements signed that year count from the next); its text provides for peacekeepers
  (a proposal's ``peacekeeping``, an event's ``peacekeeping``) or it has a third party (a
  non-party at the table where it was signed, or among the actors of the event that signed it).
  The engine's own lapses of process agreements and failed implementations do not end them here:
  PA-X dates signatures, not ends.
- ``cap_share_a``, ``cap_shift_expected``, ``cap_shift_realised``: from military capital stocks of
  the *states* on UCDP's side A and side B, accumulated from the scenario's capability (its yearly
  spending) with the panel's depreciation :data:`~accord.models.hazards.STOCK_DEPRECIATION` and
  started at the steady state, projected :data:`~accord.models.hazards.SHIFT_HORIZON` years: the
  plain stock share ``K_A / (K_A + K_B)``, whatever the engine's ``contest_exponent``,
  ``stock_depreciation`` or ``anticipation_years`` (those shape the engine's contest, not the
  covariates). Before the start the stocks are taken to have been at their steady state, so the
  realised shift of the first year is 0. Missing (NaN) where a side has no state or a state has
  no capability in the scenario.
- ``territorial``, ``interstate``: the conflict's static traits.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np

from accord.mechanisms.agreements import TYPES, AgreementBook
from accord.models.hazards import STATE, STOCK_DEPRECIATION, capability_rows
from accord.simulation.conflict import ConflictTraits
from accord.simulation.hazards import LogitCache
from accord.simulation.power import advance_stock

__all__ = ["ConflictYear", "calendar_year"]


def calendar_year(t: float) -> int:
    """The calendar year a decimal year falls in (1994.99 → 1994; 1995.0 → 1995)."""
    return math.floor(t + 1e-9)


# rows of the state matrix (STATE's order), so state() fills blocks rather than 17 arrays
_ROW = {k: i for i, k in enumerate(STATE)}
_CAP = slice(_ROW["cap_share_a"], _ROW["cap_shift_realised"] + 1)
_IN_FORCE = slice(_ROW[f"in_force_{TYPES[0]}"], _ROW[f"in_force_{TYPES[-1]}"] + 1)
_STATIC = slice(_ROW["territorial"], _ROW["interstate"] + 1)
assert [STATE[i] for i in range(len(STATE))[_CAP]] == ["cap_share_a", "cap_shift_expected", "cap_shift_realised"]
assert [STATE[i] for i in range(len(STATE))[_IN_FORCE]] == [f"in_force_{t}" for t in TYPES]
assert [STATE[i] for i in range(len(STATE))[_STATIC]] == ["territorial", "interstate"]


class ConflictYear:
    """The panel's state of the conflict in the current calendar year, for ``D`` draws.

    ``traits``: the coding (sides, type); ``actor_ids``: the kernel's actors (the order of the
    stock arrays); ``capability_given``: ``(A,)`` whether the scenario gives each actor's
    capability; ``start``: the first step's decimal year; ``steps_per_year``.

    The arrays are replaced, never written in place, so :meth:`state` can keep what it built
    until :meth:`begin_step` (a new calendar year) or :meth:`capability` (new stocks) changes it."""

    def __init__(
        self,
        traits: ConflictTraits,
        actor_ids: tuple[str, ...],
        capability_given: np.ndarray,
        draws: int,
        start: float,
        steps_per_year: int,
    ) -> None:
        d, t = draws, len(TYPES)
        self.traits = traits
        self.year = calendar_year(start)
        self.steps_per_year = steps_per_year
        self.a_states = np.array([a in traits.states_a for a in actor_ids], dtype=bool)
        self.b_states = np.array([a in traits.states_b for a in actor_ids], dtype=bool)
        given = np.asarray(capability_given, dtype=bool)
        self.cap_known = bool(
            self.a_states.any() and self.b_states.any() and given[self.a_states | self.b_states].all()
        )
        self.last_fighting = np.full(d, float(traits.last_fighting))
        self.fought_last_year = np.full(d, traits.last_fighting == self.year - 1)
        # shared all-False arrays for a year's fresh accumulators (never written in place)
        self._none = np.zeros(d, dtype=bool)
        self._none_signed = np.zeros((d, t), dtype=bool)
        self.fought_year = self._none
        self.in_force = self._none_signed
        self.peacekeeping = self._none
        self.third_party = self._none
        self.signed_year = self._none_signed
        self.peacekeeping_year = self._none
        self.third_party_year = self._none
        self.stock = np.zeros((d, len(actor_ids)))
        self.stock_year_ago = self.stock
        self.flow = self.stock
        self._past: deque[np.ndarray] = deque(maxlen=steps_per_year)
        # by side (A, B): summed stock and spending (2, 2, D), and the summed stock a year ago
        self._sides = np.zeros((2, 2, d))
        self._sides_year_ago = self._sides[:, 0]
        self._past_sums: deque[np.ndarray] = deque(maxlen=steps_per_year)
        # a state matrix with the rows that never change filled (the static traits; without
        # capability, the NaN shares), copied for each new year
        self._blank = np.zeros((len(STATE), d))
        self._blank[_STATIC] = [[float(traits.territorial)], [float(traits.interstate)]]
        if not self.cap_known:
            self._blank[_CAP] = np.nan
        self._state: dict[str, np.ndarray] | None = None  # this step's, until something changes
        self._matrix: np.ndarray | None = None  # the rows of the last state built
        self._matrix_year = self.year  # the calendar year of those rows
        self.logit_cache = LogitCache()  # the run's hazard coefficients as matrices (hazard_logit)

    def begin_step(self, t: float) -> None:
        """Move to the calendar year of the step starting at ``t``: last year's fighting ends the
        agreements in force, last year's signatures enter into force."""
        y = calendar_year(t)
        if y <= self.year:
            return
        fought = self.fought_year
        self.fought_last_year = fought  # replaced, not written, from here on: no copy needed
        self.last_fighting = np.where(fought, float(self.year), self.last_fighting)
        self.in_force = (self.in_force & ~fought[:, None]) | self.signed_year
        self.peacekeeping = (self.peacekeeping & ~fought) | self.peacekeeping_year
        self.third_party = (self.third_party & ~fought) | self.third_party_year
        self.fought_year = self._none
        self.signed_year = self._none_signed
        self.peacekeeping_year = self._none
        self.third_party_year = self._none
        self.year = y
        self._state = None

    def capability(self, flows: np.ndarray, k: int, dt: float) -> None:
        """Advance the stocks ``(D, A)`` with this step's spending ``flows`` (steady state at ``k = 0``)."""
        if k == 0:
            self.stock = flows / STOCK_DEPRECIATION
            self._past.extend([self.stock] * self.steps_per_year)
        else:
            self.stock = advance_stock(self.stock, flows, np.full(flows.shape[0], STOCK_DEPRECIATION), dt)
        self.stock_year_ago = self._past[0]
        self._past.append(self.stock)
        self.flow = flows
        if self.cap_known:
            # a stock's side sums are kept with it, so the year-ago ones are not summed again;
            # each array is summed on its own: a stacked (2, D, n) sum may be grouped otherwise
            # (pairwise) than the (D, n) one, so its last bits may differ
            a, b, add = self.a_states, self.b_states, np.add.reduce
            stock = self.stock
            self._sides = np.array(
                [
                    [add(stock[:, a], axis=1), add(flows[:, a], axis=1)],
                    [add(stock[:, b], axis=1), add(flows[:, b], axis=1)],
                ]
            )
            now = self._sides[:, 0]
            if k == 0:
                self._past_sums.extend([now] * self.steps_per_year)
            self._sides_year_ago = self._past_sums[0]
            self._past_sums.append(now)
        self._state = None

    def end_step(self, fought: np.ndarray, book: AgreementBook) -> None:
        """What the step adds to its calendar year: fighting, and the agreements signed in it."""
        self.fought_year = self.fought_year | fought
        self.signed_year = self.signed_year | book.step_signed
        self.peacekeeping_year = self.peacekeeping_year | book.step_peacekeeping
        self.third_party_year = self.third_party_year | book.step_third_party

    def rows(self) -> np.ndarray:
        """:meth:`state` as one ``(len(STATE), D)`` array in :data:`~accord.models.hazards.STATE`'s
        order (read it, do not write it)."""
        self.state()
        assert self._matrix is not None
        return self._matrix

    def state(self) -> dict[str, np.ndarray]:
        """The panel's state of this calendar year (:data:`accord.models.hazards.STATE`), ``(D,)`` each.

        The arrays are rows of one matrix (read them, do not write them); the same dict is
        returned until the year or the stocks change."""
        if self._state is not None:
            return self._state
        prev = self._matrix
        if prev is not None and self._matrix_year == self.year:
            m = prev.copy()  # the same year: only the capability rows change
        else:
            m = self._blank.copy()
            m[_ROW["fighting_last_year"]] = self.fought_last_year
            np.subtract(self.year, self.last_fighting, m[_ROW["years_since_fighting"]])
            m[_IN_FORCE] = self.in_force.T
            m[_ROW["peacekeeping_in_force"]] = self.peacekeeping
            m[_ROW["third_party_in_force"]] = self.third_party
        if self.cap_known:
            m[_CAP] = capability_rows(self._sides[:, 0], self._sides_year_ago, self._sides[:, 1])
        self._matrix, self._matrix_year = m, self.year
        self._state = dict(zip(STATE, m, strict=True))
        return self._state
