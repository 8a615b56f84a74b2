"""Decision rules as objects with one method, :meth:`Rule.decide`.

A rule is who votes and how their answers aggregate. The same object decides a real vote
(answers ``(D, A)``) and a drafter's prediction over candidate texts (answers ``(D, K, A)``):
every array may carry extra leading axes, the last one is always the actors.

- :class:`Consensus`: every voter must accept; any one "no" blocks (OSCE decisions, the
  parties' signatures in the Minsk Group).
- :class:`Majority`: the share of voters accepting must reach a threshold; those who said no
  are *outvoted* (whether an outvoted party is bound is a question of enforcement, not of
  the rule: see :mod:`accord.mechanisms.agreements`).

``silent_yes`` counts voters who hold no stance on the issues and so never object (e.g. the 51
OSCE participating States without a stake): the engine carries only the actors who hold a
stance, and a rule adds the silent voters as a count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Consensus", "Decision", "Majority", "Rule", "make_rule"]


@dataclass(frozen=True)
class Decision:
    """The outcome of a rule: ``passed (...)``; ``objectors (..., A)``: voters who said no;
    ``blocking (..., A)``: objectors whose "no" decided it (every objector under consensus when
    it fails; none under a majority, where blocking is collective)."""

    passed: np.ndarray
    objectors: np.ndarray
    blocking: np.ndarray


@dataclass(frozen=True)
class Rule:
    """Base of the rules: ``voters`` ``(A,)`` bool over the engine's actors."""

    voters: np.ndarray
    silent_yes: int = 0

    @property
    def n_voters(self) -> int:
        return int(self.voters.sum()) + self.silent_yes

    def decide(self, accept: np.ndarray) -> Decision:  # pragma: no cover - abstract
        raise NotImplementedError

    def passes(self, accept: np.ndarray) -> np.ndarray:
        """``passed`` only (what a drafter predicts)."""
        return self.decide(accept).passed


@dataclass(frozen=True)
class Consensus(Rule):
    """Every voter must accept (any one vetoes)."""

    def decide(self, accept: np.ndarray) -> Decision:
        no = ~accept & self.voters
        passed = ~no.any(axis=-1)
        return Decision(passed, no, no & ~passed[..., None])


@dataclass(frozen=True)
class Majority(Rule):
    """The share of voters accepting must reach ``threshold``."""

    threshold: float = 0.5

    def decide(self, accept: np.ndarray) -> Decision:
        no = ~accept & self.voters
        yes = (accept & self.voters).sum(axis=-1) + self.silent_yes
        passed = yes >= self.threshold * max(self.n_voters, 1) - 1e-9
        return Decision(passed, no, np.zeros_like(no))


def make_rule(kind: str, voters: np.ndarray, threshold: float = 1.0, silent_yes: int = 0) -> Rule:
    """The rule of a scenario's ``decision: {kind: …}``: ``consensus`` and ``unanimity-of-parties``
    (every voter; the caller gives the parties as voters) or ``majority`` with ``threshold``."""
    if kind == "majority":
        return Majority(voters, silent_yes, threshold)
    if kind in ("consensus", "unanimity-of-parties"):
        return Consensus(voters, silent_yes)
    raise ValueError(f"decision.kind: expected consensus, majority or unanimity-of-parties, found {kind!r}")
