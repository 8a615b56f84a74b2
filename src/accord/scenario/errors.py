"""Errors a user can act on: ``path:line:column: field.path: expected ..., found ...``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_.\-]+$")

PathPart = str | int


def field_path(parts: Sequence[PathPart]) -> str:
    """``('actors', 2, 'positions', 'status')`` -> ``actors[2].positions.status``."""
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        elif _PLAIN_KEY.fullmatch(str(p)):  # (match would let a trailing newline through)
            out += ("." if out else "") + str(p)
        else:  # keys with spaces or odd characters stay readable and unambiguous
            out += f"[{str(p)[:40]!r}]"
    return out or "(file)"


def _one_line(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


@dataclass(frozen=True)
class Problem:
    """One located problem in a scenario file."""

    file: str
    line: int  # 1-based
    column: int  # 1-based
    field: str
    message: str

    def __str__(self) -> str:
        # one problem, one line: a stray newline in a quoted value or a key must not split it
        return f"{self.file}:{self.line}:{self.column}: {_one_line(self.field)}: {_one_line(self.message)}"


class ScenarioError(Exception):
    """A scenario file that cannot be used; carries every problem found, each located."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)
