"""Errors a user can act on: ``path:line:column: field.path: expected ..., found ...``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

PathPart = str | int


def field_path(parts: Sequence[PathPart]) -> str:
    """``('actors', 2, 'positions', 'status')`` -> ``actors[2].positions.status``."""
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out or "(file)"


@dataclass(frozen=True)
class Problem:
    """One located problem in a scenario file."""

    file: str
    line: int  # 1-based
    column: int  # 1-based
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.field}: {self.message}"


class ScenarioError(Exception):
    """A scenario file that cannot be used; carries every problem found, each located."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)
