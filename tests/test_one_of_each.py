"""One of each: the source declares one batch record, one chunk planner, one Wilson interval, one
list of built-in formats and one progress protocol (a second copy is how they drifted apart)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "accord"


def _hits(pattern: str) -> list[str]:
    rx = re.compile(pattern, re.M)
    out = []
    for p in sorted(SRC.rglob("*.py")):
        text = p.read_text(encoding="utf-8")
        out += [f"{p.relative_to(SRC)}:{text.count(chr(10), 0, m.start()) + 1}" for m in rx.finditer(text)]
    return list(dict.fromkeys(out))


@pytest.mark.parametrize(
    ("what", "pattern", "where"),
    [
        ("batch record", r"^class \w*Batch\w*\b", "simulation/results.py"),
        ("chunk planner", r"^def \w*chunk\w*\(\s*runs|^def plan_chunks\b|^def chunk_sizes\b", "analysis/runs.py"),
        ("Wilson interval", r"= proportion_confint\(|z \* z / \(2 \* n\)|binomtest", "analysis/estimates.py"),
        ("list of built-in formats", r"^BUILTIN_FORMATS\b.*=", "scenario/formats.py"),
        ("progress protocol", r"^\w*Progress\w* = |^ProgressFn = |Callable\[\[int, int", "analysis/progress.py"),
    ],
)
def test_one_definition(what: str, pattern: str, where: str) -> None:
    hits = _hits(pattern)
    assert len(hits) == 1 and hits[0].startswith(where), f"{what}: expected one definition in {where}, found {hits}"
