"""What a batch of replays returns: :class:`BatchResult`, the one record of outcomes over draws.

Everything that runs the engine hands back this type: a single ``run_batch`` call, the chunks of
a sweep or a comparison joined with :meth:`BatchResult.concat`, and a sweep's results table read
back from disk with :meth:`BatchResult.from_frame` (the inverse of :meth:`BatchResult.to_frame`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pandas is imported where a table is built, not when the engine starts
    import pandas as pd

from accord.mechanisms.ratification import REASONS

__all__ = ["BatchResult"]

_PER_DRAW = (
    "agreement",
    "agreement_year",
    "agreement_proposal",
    "terms",
    "wars",
    "first_war_year",
    "agreement_by_year",
    "war_by_year",
    "fighting_by_year",
    "onset_by_year",
    "p_onset_by_year",
    "signed_by_year",
    "in_force_by_year",
    "breakdown_by_year",
    "first_signed",
    "signed_count",
    "vetoes",
    "veto_reasons",
    "removals",
    "unbound",
    "passed_unbound",
    "final_status_quo",
    "final_format",
    "status_quo_by_year",
)
"""The fields with a leading draws axis (what :meth:`BatchResult.concat` joins)."""


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
        import pandas as pd

        return pd.DataFrame(self.columns())

    def columns(self) -> dict[str, np.ndarray]:
        """The columns of :meth:`to_frame`, in its order, as arrays ``(D,)`` (views where they can
        be): an Arrow table is built from them directly, without a DataFrame's consolidated copy."""
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
            cols[f"onset.{label}"] = self.onset_by_year[:, y]
            cols[f"p_onset.{label}"] = self.p_onset_by_year[:, y]
            for t, kind in enumerate(self.agreement_types):
                cols[f"in_force.{label}.{kind}"] = self.in_force_by_year[:, y, t]
                cols[f"signed_in.{label}.{kind}"] = self.signed_by_year[:, y, t]
                cols[f"broken_in.{label}.{kind}"] = self.breakdown_by_year[:, y, t]
            for i, issue in enumerate(self.issue_ids):
                cols[f"sq.{label}.{issue}"] = self.status_quo_by_year[:, y, i]
        return cols

    @classmethod
    def concat(cls, parts: Sequence[BatchResult]) -> BatchResult:
        """Batches of the same scenario and format joined along the draws axis, in the order given.

        The ``trajectory`` (draw 0's narration) is the first part's. Raises ValueError when the
        parts disagree on years, actors, issues, proposals, formats or the inputs they report."""
        if not parts:
            raise ValueError("parts: expected at least one batch to join, found none")
        first = parts[0]
        for k, p in enumerate(parts[1:], start=1):
            for name in ("actor_ids", "issue_ids", "proposal_ids", "format_ids"):
                if getattr(p, name) != getattr(first, name):
                    raise ValueError(f"parts[{k}].{name}: expected {getattr(first, name)}, found {getattr(p, name)}")
            if p.agreement_types != first.agreement_types or p.history != first.history:
                raise ValueError(f"parts[{k}]: expected the agreement types and history of parts[0]")
            if not np.array_equal(p.years, first.years):
                raise ValueError(f"parts[{k}].years: expected the years of parts[0]")
            if set(p.inputs) != set(first.inputs):
                raise ValueError(f"parts[{k}].inputs: expected the inputs of parts[0] ({', '.join(first.inputs)})")
        if len(parts) == 1:
            return first
        joined = {name: np.concatenate([getattr(p, name) for p in parts], axis=0) for name in _PER_DRAW}
        return cls(
            years=first.years,
            actor_ids=first.actor_ids,
            issue_ids=first.issue_ids,
            proposal_ids=first.proposal_ids,
            format_ids=first.format_ids,
            agreement_types=first.agreement_types,
            history=first.history,
            inputs={k: np.concatenate([p.inputs[k] for p in parts]) for k in first.inputs},
            trajectory=first.trajectory,
            **joined,
        )

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        proposal_ids: Sequence[str] | None = None,
        format_ids: Sequence[str] | None = None,
        agreement_types: Sequence[str] | None = None,
        history: str = "imposed",
    ) -> BatchResult:
        """Rebuild a batch from its :meth:`to_frame` table (e.g. ``accord.analysis.sweep.load_results``).

        Other columns (``run``, ``format``) are ignored. ``proposal_ids`` and ``format_ids`` give
        the order of the labels in ``agreement_proposal`` and ``final_format`` (a sweep's manifest
        records them); without them, the labels found are taken in order of first appearance.
        Years are read from the ``agreement_by.YEAR`` labels (``{year:g}``: exact for yearly,
        half-yearly and quarterly steps, six significant digits for monthly ones).

        Raises ValueError naming the columns a results table must have and this one lacks."""
        from accord.mechanisms.agreements import TYPES

        kinds = tuple(agreement_types) if agreement_types is not None else TYPES
        columns = [str(c) for c in frame.columns]
        issue_ids = tuple(c.removeprefix("terms.") for c in columns if c.startswith("terms."))
        actor_ids = tuple(c.removeprefix("removals.") for c in columns if c.startswith("removals."))
        labels = [c.removeprefix("agreement_by.") for c in columns if c.startswith("agreement_by.")]
        reasons = [r for r in REASONS if r]
        need = ["agreement", "agreement_year", "agreement_proposal", "wars", "first_war_year", "final_format"]
        need += ["passed_unbound"] + [f"{p}.{k}" for p in ("signed", "first_signed") for k in kinds]
        need += [f"{p}.{i}" for p in ("terms", "final_status_quo") for i in issue_ids]
        need += [f"vetoes.{a}.{i}" for a in actor_ids for i in issue_ids]
        need += [f"{p}.{a}" for p in ("unbound",) for a in actor_ids]
        need += [f"reasons.{a}.{r}" for a in actor_ids for r in reasons]
        need += [f"{p}.{y}" for p in ("war_by", "fighting", "onset", "p_onset") for y in labels]
        need += [f"{p}.{y}.{k}" for p in ("in_force", "signed_in", "broken_in") for y in labels for k in kinds]
        need += [f"sq.{y}.{i}" for y in labels for i in issue_ids]
        missing = [c for c in need if c not in frame.columns]
        if not missing and not (issue_ids and actor_ids and labels):
            missing = ["terms.ISSUE", "removals.ACTOR", "agreement_by.YEAR"]
        if missing:
            shown = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
            raise ValueError(f"frame: expected the columns of BatchResult.to_frame(), missing {shown}")

        def ids(col: str, given: Sequence[str] | None) -> tuple[tuple[str, ...], np.ndarray]:
            values = frame[col].fillna("").astype(str).to_numpy()
            order = tuple(given) if given is not None else tuple(dict.fromkeys(v for v in values if v))
            index = {v: k for k, v in enumerate(order)}
            unknown = sorted({v for v in values if v and v not in index})
            if unknown:
                raise ValueError(f"frame[{col!r}]: expected one of {', '.join(order)}, found {', '.join(unknown)}")
            return order, np.array([index.get(v, -1) for v in values], dtype=np.int64)

        prop_ids, prop_index = ids("agreement_proposal", proposal_ids)
        fmt_ids, fmt_index = ids("final_format", format_ids)
        D, I, A, Y, T = len(frame), len(issue_ids), len(actor_ids), len(labels), len(kinds)  # noqa: E741

        def block(names: list[str], dtype: Any, shape: tuple[int, ...]) -> np.ndarray:
            return frame[names].to_numpy(dtype=dtype).reshape((D, *shape))

        veto_reasons = np.zeros((D, A, len(REASONS)), dtype=np.int64)
        veto_reasons[:, :, 1:] = block(
            [f"reasons.{a}.{r}" for a in actor_ids for r in reasons], np.int64, (A, len(reasons))
        )
        return cls(
            years=np.array([float(y) for y in labels]),
            actor_ids=actor_ids,
            issue_ids=issue_ids,
            proposal_ids=prop_ids,
            format_ids=fmt_ids,
            agreement_types=kinds,
            history=history,
            inputs={c.removeprefix("in."): frame[c].to_numpy(dtype=float) for c in columns if c.startswith("in.")},
            agreement=frame["agreement"].to_numpy(dtype=bool),
            agreement_year=frame["agreement_year"].to_numpy(dtype=float),
            agreement_proposal=prop_index,
            terms=block([f"terms.{i}" for i in issue_ids], float, (I,)),
            wars=frame["wars"].to_numpy(dtype=np.int64),
            first_war_year=frame["first_war_year"].to_numpy(dtype=float),
            agreement_by_year=block([f"agreement_by.{y}" for y in labels], bool, (Y,)),
            war_by_year=block([f"war_by.{y}" for y in labels], bool, (Y,)),
            fighting_by_year=block([f"fighting.{y}" for y in labels], bool, (Y,)),
            onset_by_year=block([f"onset.{y}" for y in labels], bool, (Y,)),
            p_onset_by_year=block([f"p_onset.{y}" for y in labels], float, (Y,)),
            signed_by_year=block([f"signed_in.{y}.{k}" for y in labels for k in kinds], bool, (Y, T)),
            in_force_by_year=block([f"in_force.{y}.{k}" for y in labels for k in kinds], bool, (Y, T)),
            breakdown_by_year=block([f"broken_in.{y}.{k}" for y in labels for k in kinds], bool, (Y, T)),
            first_signed=block([f"first_signed.{k}" for k in kinds], float, (T,)),
            signed_count=block([f"signed.{k}" for k in kinds], np.int64, (T,)),
            vetoes=block([f"vetoes.{a}.{i}" for a in actor_ids for i in issue_ids], np.int64, (A, I)),
            veto_reasons=veto_reasons,
            removals=block([f"removals.{a}" for a in actor_ids], np.int64, (A,)),
            unbound=block([f"unbound.{a}" for a in actor_ids], np.int64, (A,)),
            passed_unbound=frame["passed_unbound"].to_numpy(dtype=np.int64),
            final_status_quo=block([f"final_status_quo.{i}" for i in issue_ids], float, (I,)),
            final_format=fmt_index,
            status_quo_by_year=block([f"sq.{y}.{i}" for y in labels for i in issue_ids], float, (Y, I)),
        )
