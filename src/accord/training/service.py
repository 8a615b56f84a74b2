"""The training sessions a server holds: each in memory over its database rows (:class:`Trainer`).

Every move is checked by the session (:meth:`Session.check_move`), written to the database with
its audit line, and only then applied in memory; the version number each session carries is
what the pages' event stream announces (it carries no values, so it cannot leak any).
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from accord.scenario import Scenario, dump_scenario
from accord.scenario.loader import validate_data
from accord.scenario.yaml_io import parse_yaml
from accord.training.session import Session, SessionSpec
from accord.training.store import SeatRef, TrainingStore

__all__ = ["Live", "Trainer"]


@dataclass
class Live:
    session: Session
    version: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)


class Trainer:
    """The sessions of one database; reopening the same file continues them."""

    def __init__(self, store: TrainingStore) -> None:
        self.store = store
        self.live: dict[str, Live] = {}
        for sid in store.sessions():
            spec, yaml_text, moves = store.load(sid)
            scenario = validate_data(parse_yaml(yaml_text, f"session {sid}"))
            self.live[sid] = Live(Session(sid, SessionSpec.from_dict(spec), scenario, list(moves)))

    def start(self, scenario: Scenario, spec: SessionSpec) -> tuple[str, dict[str, str]]:
        """A new session; returns its id and its tokens (shown once, stored only as hashes)."""
        sid = secrets.token_urlsafe(9)
        session = Session(sid, spec, scenario)  # TrainingError for bad seats, format or year
        tokens = self.store.create(sid, spec.to_dict(), dump_scenario(scenario), dict(session.roles))
        self.live[sid] = Live(session)
        return sid, tokens

    def who(self, token: str) -> tuple[SeatRef, Live] | None:
        ref = self.store.who(token) if 8 <= len(token) <= 64 else None
        if ref is None or ref.session not in self.live:
            return None
        return ref, self.live[ref.session]

    def move(self, ref: SeatRef, live: Live, body: dict[str, Any]) -> list[dict[str, Any]]:
        """Check, store, then apply one move; raises TrainingError with the reason."""
        with live.lock:
            move = live.session.check_move(body, ref.role, ref.actor)
            before = len(live.session.moves)
            recorded = live.session.apply(move)
            try:
                self.store.append(live.session.id, before, recorded)
            except BaseException:
                del live.session.moves[before:]  # not stored: not made
                raise
            live.session._cache.clear()
            live.version += 1
            return recorded

    def version(self, sid: str) -> int:
        return self.live[sid].version
