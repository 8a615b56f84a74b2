"""What a batch of replays returns: :class:`BatchResult` (the simulation contract)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from accord.mechanisms.ratification import REASONS

__all__ = ["BatchResult"]


@dataclass
class BatchResult:
    """Outcomes of ``D`` replays of one scenario under one starting format.

    Shapes: ``D`` draws, ``Y`` steps (``years``), ``T`` agreement types (``agreement_types``:
    ceasefire, process, partial, comprehensive, implementation, renewal), ``A`` actors (the
    kernel's: those who hold a stance, fight, sit at a table or propose), ``I`` issues, ``R``
    veto reasons (:data:`accord.mechanisms.ratification.REASONS`).

    - ``agreement (D,)``, ``agreement_year``, ``agreement_proposal`` (index into
      ``proposal_ids``), ``terms (D, I)``: the first *settlement* (a partial or comprehensive
      agreement in force); ``agreement_by_year (D, Y)``: a settlement signed by the end of the step;
    - ``signed_by_year``, ``in_force_by_year``, ``breakdown_by_year`` ``(D, Y, T)``: agreements of
      each type signed in, in force at the end of, and broken down in each step;
      ``first_signed (D, T)`` (NaN: never), ``signed_count (D, T)``;
    - ``fighting_by_year``, ``onset_by_year`` ``(D, Y)``: fighting at any time in the step, and
      fighting that began in it; ``p_onset_by_year (D, Y)``: the engine's probability that fighting
      begins in the step (1 where history imposes it, 0 where it was already under way);
      ``wars (D,)`` onsets counted, ``first_war_year (D,)``, ``war_by_year (D, Y)`` cumulative;
    - ``vetoes (D, A, I)``: refusals by actor and the issue objected to most; ``veto_reasons
      (D, A, R)``: refusals by reason; ``removals (D, A)``: leaders who fell over a deal their
      pivot rejected; ``unbound (D, A)``: times an actor was outvoted with no one to enforce the
      text; ``passed_unbound (D,)``: texts passed by vote but not in force;
    - ``final_status_quo (D, I)``, ``status_quo_by_year (D, Y, I)``, ``final_format (D,)`` (index
      into ``format_ids``); ``trajectory``: draw 0's per-step arrays for a replay.
    """

    years: np.ndarray
    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    proposal_ids: tuple[str, ...]
    format_ids: tuple[str, ...]
    agreement_types: tuple[str, ...]
    history: str
    inputs: dict[str, np.ndarray]
    agreement: np.ndarray
    agreement_year: np.ndarray
    agreement_proposal: np.ndarray
    terms: np.ndarray
    wars: np.ndarray
    first_war_year: np.ndarray
    agreement_by_year: np.ndarray
    war_by_year: np.ndarray
    fighting_by_year: np.ndarray
    onset_by_year: np.ndarray
    p_onset_by_year: np.ndarray
    signed_by_year: np.ndarray
    in_force_by_year: np.ndarray
    breakdown_by_year: np.ndarray
    first_signed: np.ndarray
    signed_count: np.ndarray
    vetoes: np.ndarray
    veto_reasons: np.ndarray
    removals: np.ndarray
    unbound: np.ndarray
    passed_unbound: np.ndarray
    final_status_quo: np.ndarray
    final_format: np.ndarray
    status_quo_by_year: np.ndarray
    trajectory: dict[str, Any] = field(default_factory=dict)

    @property
    def draws(self) -> int:
        return int(self.agreement.shape[0])

    def signed_by(self, kind: str) -> np.ndarray:
        """``(D, Y)`` an agreement of ``kind`` signed by the end of each step (cumulative)."""
        k = self.agreement_types.index(kind)
        return np.asarray(np.logical_or.accumulate(self.signed_by_year[:, :, k], axis=1))

    def to_frame(self) -> pd.DataFrame:
        """One row per draw: inputs as ``in.NAME``, outcomes as other columns (arrays flattened)."""
        cols: dict[str, Any] = {f"in.{k}": v for k, v in self.inputs.items()}
        cols["agreement"] = self.agreement
        cols["agreement_year"] = self.agreement_year
        idx = self.agreement_proposal
        ids = np.array([*self.proposal_ids, ""], dtype=object)
        cols["agreement_proposal"] = ids[np.where(idx >= 0, idx, len(self.proposal_ids))]
        cols["wars"] = self.wars
        cols["first_war_year"] = self.first_war_year
        cols["final_format"] = np.array(self.format_ids, dtype=object)[self.final_format]
        cols["passed_unbound"] = self.passed_unbound
        for t, kind in enumerate(self.agreement_types):
            cols[f"signed.{kind}"] = self.signed_count[:, t]
            cols[f"first_signed.{kind}"] = self.first_signed[:, t]
        for i, issue in enumerate(self.issue_ids):
            cols[f"terms.{issue}"] = self.terms[:, i]
            cols[f"final_status_quo.{issue}"] = self.final_status_quo[:, i]
        for a, actor in enumerate(self.actor_ids):
            cols[f"removals.{actor}"] = self.removals[:, a]
            cols[f"unbound.{actor}"] = self.unbound[:, a]
            for i, issue in enumerate(self.issue_ids):
                cols[f"vetoes.{actor}.{issue}"] = self.vetoes[:, a, i]
            for r, _ in enumerate(REASONS):
                if r:
                    cols[f"reasons.{actor}.{r}"] = self.veto_reasons[:, a, r]
        for y, year in enumerate(self.years):
            label = f"{year:g}"
            cols[f"agreement_by.{label}"] = self.agreement_by_year[:, y]
            cols[f"war_by.{label}"] = self.war_by_year[:, y]
            cols[f"fighting.{label}"] = self.fighting_by_year[:, y]
            cols[f"p_onset.{label}"] = self.p_onset_by_year[:, y]
            for t, kind in enumerate(self.agreement_types):
                cols[f"in_force.{label}.{kind}"] = self.in_force_by_year[:, y, t]
                cols[f"signed_in.{label}.{kind}"] = self.signed_by_year[:, y, t]
            for i, issue in enumerate(self.issue_ids):
                cols[f"sq.{label}.{issue}"] = self.status_quo_by_year[:, y, i]
        return pd.DataFrame(cols)
