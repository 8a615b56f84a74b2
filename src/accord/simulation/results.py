"""What a batch of replays returns: :class:`BatchResult` (the simulation contract)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["BatchResult"]


@dataclass
class BatchResult:
    """Outcomes of ``D`` replays of one scenario under one starting format.

    See the simulation contract: ``years (Y,)``, ``actor_ids``, ``issue_ids``, ``proposal_ids``
    (scheduled proposals, then generated ones by a stable label ``gen.ACTOR``, ``gen.FORMAT.joint``,
    ``gen.nash``), ``inputs`` (drawn value of each uncertain or overridden input, ``(D,)``),
    ``agreement (D,)``, ``agreement_year (D,)``, ``agreement_proposal (D,)``, ``terms (D, I)``,
    ``wars (D,)``, ``first_war_year (D,)``, ``agreement_by_year (D, Y)``, ``war_by_year (D, Y)``,
    ``vetoes (D, A, I)``, ``final_status_quo (D, I)``. Additions: ``format_ids`` (the starting
    format first, then those reachable), ``final_format (D,)`` (index into ``format_ids``),
    ``p_war_by_year (D, Y)`` (probability of war onset in each step), ``status_quo_by_year
    (D, Y, I)`` (the status quo at the end of each step) and ``removals (D, A)`` (leaders removed
    for signing beyond their win-set).
    """

    years: np.ndarray
    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    proposal_ids: tuple[str, ...]
    format_ids: tuple[str, ...]
    inputs: dict[str, np.ndarray]
    agreement: np.ndarray
    agreement_year: np.ndarray
    agreement_proposal: np.ndarray
    terms: np.ndarray
    wars: np.ndarray
    first_war_year: np.ndarray
    agreement_by_year: np.ndarray
    war_by_year: np.ndarray
    vetoes: np.ndarray
    final_status_quo: np.ndarray
    final_format: np.ndarray
    p_war_by_year: np.ndarray
    status_quo_by_year: np.ndarray
    removals: np.ndarray
    trajectory: dict[str, Any] = field(default_factory=dict)

    @property
    def draws(self) -> int:
        return int(self.agreement.shape[0])

    def to_frame(self) -> pd.DataFrame:
        """One row per draw: inputs as ``in.NAME``, outcomes as other columns (arrays flattened:
        ``terms.ISSUE``, ``final_status_quo.ISSUE``, ``vetoes.ACTOR.ISSUE``, ``agreement_by.YEAR``,
        ``war_by.YEAR``, ``p_war.YEAR``, ``sq.YEAR.ISSUE``)."""
        cols: dict[str, Any] = {f"in.{k}": v for k, v in self.inputs.items()}
        cols["agreement"] = self.agreement
        cols["agreement_year"] = self.agreement_year
        idx = self.agreement_proposal
        ids = np.array([*self.proposal_ids, ""], dtype=object)
        cols["agreement_proposal"] = ids[np.where(idx >= 0, idx, len(self.proposal_ids))]
        cols["wars"] = self.wars
        cols["first_war_year"] = self.first_war_year
        cols["final_format"] = np.array(self.format_ids, dtype=object)[self.final_format]
        for i, issue in enumerate(self.issue_ids):
            cols[f"terms.{issue}"] = self.terms[:, i]
            cols[f"final_status_quo.{issue}"] = self.final_status_quo[:, i]
        for a, actor in enumerate(self.actor_ids):
            cols[f"removals.{actor}"] = self.removals[:, a]
            for i, issue in enumerate(self.issue_ids):
                cols[f"vetoes.{actor}.{issue}"] = self.vetoes[:, a, i]
        for y, year in enumerate(self.years):
            label = f"{year:g}"
            cols[f"agreement_by.{label}"] = self.agreement_by_year[:, y]
            cols[f"war_by.{label}"] = self.war_by_year[:, y]
            cols[f"p_war.{label}"] = self.p_war_by_year[:, y]
            for i, issue in enumerate(self.issue_ids):
                cols[f"sq.{label}.{issue}"] = self.status_quo_by_year[:, y, i]
        return pd.DataFrame(cols)
