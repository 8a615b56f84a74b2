"""Decisions made outside the engine: the seam a training session steps the engine through.

A replay decides everything itself. In a training session (:mod:`accord.training`) people take
some seats: a mediator seat tables the texts of the format's table (the engine's own drafts,
declarations and dated proposals at that table then stand down), and a party seat's leader
decides whether to sign a text. Everything else stays the engine's: the other actors' answers,
domestic ratification (the pivot's draw against ``P(ratified)``), the table's rule, enforcement,
war risk and events. The facilitator's injected events are scenario events whose outcome is
imposed even where the history is counterfactual.

A :class:`Decisions` is static for a run: a session re-runs the engine from the scenario's start
with every decision made so far, so the same decisions and seed give the same path.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from accord.mechanisms.proposals import CompiledProposal

__all__ = ["Decisions", "HumanText"]


@dataclass(frozen=True)
class HumanText:
    """A text a mediator seat tables at the format's table in step ``step``.

    ``terms``: issue id → the position the text sets (issues left out keep the status quo);
    ``agreement``: ceasefire, process, partial or comprehensive; ``sponsor``: the mediator's actor id."""

    id: str
    label: str
    step: int
    agreement: str
    terms: dict[str, float]
    sponsor: str


@dataclass(frozen=True)
class Decisions:
    """What people decided in a run.

    mediator: the actor id of the human mediator seat (None: the engine's format drafts), from
    step ``from_step`` on (before it the engine's format drafts as in any replay);
    texts: the human mediator's texts; answers: ``(step, table id, text id) → {actor id: signs}``
    for the human party seats (a seat absent from the map is the engine's); imposed_events: ids
    of events whose outcome parts apply whatever the history (the facilitator's injections)."""

    mediator: str | None = None
    from_step: int = 0
    texts: tuple[HumanText, ...] = ()
    answers: dict[tuple[int, str, str], dict[str, bool]] = field(default_factory=dict)
    imposed_events: frozenset[str] = frozenset()

    def mediates(self, step: int) -> bool:
        """Whether a human mediator seat tables the format table's texts in ``step``."""
        return self.mediator is not None and step >= self.from_step

    def texts_at(self, step: int) -> list[HumanText]:
        return [t for t in self.texts if t.step == step]

    def given(self, step: int, table: str, text: str, actor_ids: tuple[str, ...]) -> np.ndarray | None:
        """``(A,)`` 1.0 where a seat signs, 0.0 where it refuses, NaN where the engine decides;
        None when no seat answered this text."""
        chosen = self.answers.get((step, table, text))
        if not chosen:
            return None
        out = np.full(len(actor_ids), np.nan)
        for a, signs in chosen.items():
            if a in actor_ids:
                out[actor_ids.index(a)] = 1.0 if signs else 0.0
        return out

    def compile(
        self, text: HumanText, issue_ids: tuple[str, ...], actor_ids: tuple[str, ...], t: float, draws: int
    ) -> CompiledProposal:
        """The text as the engine's :class:`CompiledProposal` (the same in every draw)."""
        point = np.full((draws, len(issue_ids)), np.nan)
        for issue, x in text.terms.items():
            point[:, issue_ids.index(issue)] = float(x)
        nan = np.full_like(point, np.nan)
        sponsors = tuple(actor_ids.index(text.sponsor) for _ in (0,) if text.sponsor in actor_ids)
        return CompiledProposal(
            text.id,
            text.label,
            "training",
            text.agreement,
            t,
            sponsors,
            point,
            nan,
            nan.copy(),
            np.zeros(len(issue_ids), dtype=bool),
            math.nan,
            True,
        )
