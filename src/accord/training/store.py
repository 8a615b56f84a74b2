"""Training sessions in SQLite (stdlib ``sqlite3``, WAL): sessions, seats, moves, events, audit log.

A session's state is its moves (:mod:`accord.training.session`), so storing the moves stores the
session: reopening the same file continues it with every move intact. Seats keep the SHA-256 of
their token, never the token: the database alone does not let anyone into a seat (tokens are
``secrets.token_urlsafe(24)``, 192 random bits, so an unsalted hash is not guessable). Moves and
the audit log are append-only: triggers refuse any UPDATE or DELETE on them.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["SeatRef", "TrainingStore", "hash_token", "new_token"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY, created REAL NOT NULL, spec TEXT NOT NULL, scenario TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS seats (
    session_id TEXT NOT NULL REFERENCES sessions(id), actor TEXT NOT NULL, role TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE, PRIMARY KEY (session_id, actor)
);
CREATE TABLE IF NOT EXISTS moves (
    session_id TEXT NOT NULL REFERENCES sessions(id), n INTEGER NOT NULL, at REAL NOT NULL,
    kind TEXT NOT NULL, by TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (session_id, n)
);
CREATE TABLE IF NOT EXISTS events (
    session_id TEXT NOT NULL REFERENCES sessions(id), id TEXT NOT NULL, date TEXT NOT NULL,
    body TEXT NOT NULL, PRIMARY KEY (session_id, id)
);
CREATE TABLE IF NOT EXISTS audit (
    n INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, at REAL NOT NULL,
    who TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS moves_append_only_u BEFORE UPDATE ON moves
    BEGIN SELECT RAISE(ABORT, 'moves are append-only'); END;
CREATE TRIGGER IF NOT EXISTS moves_append_only_d BEFORE DELETE ON moves
    BEGIN SELECT RAISE(ABORT, 'moves are append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_append_only_u BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_append_only_d BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""


def new_token() -> str:
    """An unguessable seat or facilitator token."""
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


@dataclass(frozen=True)
class SeatRef:
    """Whom a token admits: ``session`` and ``actor`` (``None`` for the facilitator)."""

    session: str
    actor: str | None
    role: str  # "facilitator" or "seat"


class TrainingStore:
    """One SQLite file (``":memory:"`` for tests); safe to share between the server's threads."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._lock = threading.RLock()
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as e:
            raise OSError(f"--db {self.path}: cannot open it as a training database ({e})") from None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _tx(self, statements: list[tuple[str, tuple[Any, ...]]]) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for sql, args in statements:
                    self._db.execute(sql, args)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    # -- sessions ---------------------------------------------------------------------------

    def create(self, sid: str, spec: dict[str, Any], scenario_yaml: str, seats: dict[str, str]) -> dict[str, str]:
        """Store a new session; returns the tokens (``facilitator`` and one per seat actor).

        The tokens are returned once and never stored."""
        tokens = {"facilitator": new_token(), **{a: new_token() for a in seats}}
        now = time.time()
        stmts: list[tuple[str, tuple[Any, ...]]] = [
            ("INSERT INTO sessions VALUES (?, ?, ?, ?)", (sid, now, json.dumps(spec), scenario_yaml)),
            ("INSERT INTO seats VALUES (?, ?, ?, ?)", (sid, "", "facilitator", hash_token(tokens["facilitator"]))),
        ]
        stmts += [
            ("INSERT INTO seats VALUES (?, ?, ?, ?)", (sid, a, r, hash_token(tokens[a]))) for a, r in seats.items()
        ]
        stmts.append(self._audit_stmt(sid, "facilitator", "create", {"spec": spec, "seats": seats}))
        self._tx(stmts)
        return tokens

    def sessions(self) -> list[str]:
        with self._lock:
            return [r[0] for r in self._db.execute("SELECT id FROM sessions ORDER BY created")]

    def load(self, sid: str) -> tuple[dict[str, Any], str, list[dict[str, Any]]]:
        """``(spec, scenario YAML, moves)`` of a stored session; KeyError if there is none."""
        with self._lock:
            row = self._db.execute("SELECT spec, scenario FROM sessions WHERE id = ?", (sid,)).fetchone()
            if row is None:
                raise KeyError(sid)
            moves = [
                json.loads(r[0])
                for r in self._db.execute("SELECT body FROM moves WHERE session_id = ? ORDER BY n", (sid,))
            ]
        return json.loads(row[0]), row[1], moves

    def who(self, token: str) -> SeatRef | None:
        """The seat a token admits, or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT session_id, actor, role FROM seats WHERE token_hash = ?", (hash_token(token),)
            ).fetchone()
        if row is None:
            return None
        sid, actor, role = row
        return SeatRef(sid, None, "facilitator") if role == "facilitator" else SeatRef(sid, actor, "seat")

    # -- moves and the audit log ---------------------------------------------------------------

    def _audit_stmt(self, sid: str, who: str, action: str, detail: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
        return (
            "INSERT INTO audit (session_id, at, who, action, detail) VALUES (?, ?, ?, ?, ?)",
            (sid, time.time(), who, action, json.dumps(detail, sort_keys=True)),
        )

    def append(self, sid: str, first_n: int, moves: list[dict[str, Any]]) -> None:
        """Append ``moves`` (numbered from ``first_n``) with their audit lines, in one transaction."""
        now = time.time()
        stmts: list[tuple[str, tuple[Any, ...]]] = []
        for n, m in enumerate(moves, start=first_n):
            stmts.append(
                (
                    "INSERT INTO moves VALUES (?, ?, ?, ?, ?, ?)",
                    (sid, n, now, m["type"], m["by"], json.dumps(m, sort_keys=True)),
                )
            )
            if m["type"] == "inject":
                e = m["event"]
                stmts.append(
                    ("INSERT INTO events VALUES (?, ?, ?, ?)", (sid, e["id"], e["date"], json.dumps(e, sort_keys=True)))
                )
            stmts.append(self._audit_stmt(sid, m["by"], m["type"], m))
        self._tx(stmts)

    def audit(self, sid: str, who: str, action: str, detail: dict[str, Any]) -> None:
        self._tx([self._audit_stmt(sid, who, action, detail)])

    def audit_log(self, sid: str) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT n, at, who, action, detail FROM audit WHERE session_id = ? ORDER BY n", (sid,)
            ).fetchall()
        return [{"n": n, "at": at, "who": w, "action": a, "detail": json.loads(d)} for n, at, w, a, d in rows]
