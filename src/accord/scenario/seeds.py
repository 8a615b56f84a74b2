"""Seed documents and the verbatim check of every quote a scenario takes from them.

A source of kind ``seed`` names a seed file and quotes it. The quote must occur in the
seed's text exactly, byte for byte after decoding (curly quotes ’ “ ” and dashes included):
a paraphrase is not a source. :func:`check_quotes` finds each quote and, where it is not
found, says where the closest passage differs, so that a wrong apostrophe is easy to fix.

Seed files are looked up in the directories given, then in ``seeds/`` next to the scenario
file, then among the seeds shipped with accord (``accord/cases/seeds``), so that a check
works on an installed package.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from accord.scenario.citations import cited_ids
from accord.scenario.errors import Problem, field_path
from accord.scenario.loader import builtin_cases, resolve
from accord.scenario.schema import Scenario
from accord.scenario.yaml_io import parse_yaml, read_text

SEEDS_PACKAGE = "accord.cases"
SEEDS_DIR = "seeds"
_SEED_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,128}\.txt$")


def packaged_seed_names() -> list[str]:
    """File names of the seeds shipped inside the package."""
    root = resources.files(SEEDS_PACKAGE).joinpath(SEEDS_DIR)
    return sorted(e.name for e in root.iterdir() if e.name.endswith(".txt"))


def read_seed(name: str, search: Sequence[Path] = ()) -> str | None:
    """Text of seed file ``name`` (UTF-8), or None when no search place holds it.

    Parameters
    ----------
    name: a bare file name such as ``001_71f9567e829c96f9.txt`` (no directories: a scenario
        is untrusted and must not make accord read arbitrary files).
    search: directories searched first, in order; the packaged seeds come last.
    """
    if not _SEED_NAME.match(name) or name in (".", ".."):
        return None
    for d in search:
        p = d / name
        if p.is_file():
            return p.read_text(encoding="utf-8")
    ref = resources.files(SEEDS_PACKAGE).joinpath(SEEDS_DIR).joinpath(name)
    if ref.is_file():
        return ref.read_text(encoding="utf-8")
    return None


@dataclass(frozen=True)
class QuoteCheck:
    """The result of looking for one seed source's quote in its seed."""

    source_id: str
    seed: str
    ok: bool
    problem: str | None = None
    """What is wrong, in words (None when ``ok``)."""


def _char(c: str) -> str:
    name = unicodedata.name(c, "")
    return f"{c!r} (U+{ord(c):04X}{' ' + name if name else ''})"


def explain_mismatch(quote: str, text: str) -> str:
    """Where the quote stops matching: the longest opening of the quote found in the seed, and
    the first character after it (quote vs seed)."""
    lo, hi = 0, len(quote)
    while lo < hi:  # longest prefix of the quote that occurs in the text (monotone)
        mid = (lo + hi + 1) // 2
        if quote[:mid] in text:
            lo = mid
        else:
            hi = mid - 1
    if lo < min(12, len(quote)):
        return f"the seed has no passage beginning like the quote ({quote[:24]!r}…)"
    pos = text.find(quote[:lo]) + lo
    ctx = quote[max(0, lo - 20) : lo]
    seed_has = _char(text[pos]) if pos < len(text) else "the end of the text"
    return f"closest passage differs at character {lo + 1} (after {ctx!r}): quote has {_char(quote[lo])}, seed has {seed_has}"


def check_quotes(scenario: Scenario, search: Sequence[Path] = ()) -> list[QuoteCheck]:
    """Check every ``kind: seed`` source of a scenario, in the order they are declared.

    Parameters
    ----------
    scenario: a validated scenario.
    search: directories holding seed files, searched before the packaged seeds.
    """
    out: list[QuoteCheck] = []
    cache: dict[str, str | None] = {}
    for sid, src in scenario.sources.items():
        if src.kind != "seed":
            continue
        assert src.seed is not None and src.quote is not None  # the schema requires both
        if src.seed not in cache:
            cache[src.seed] = read_seed(src.seed, search)
        text = cache[src.seed]
        if text is None:
            known = ", ".join(packaged_seed_names())
            out.append(
                QuoteCheck(
                    sid,
                    src.seed,
                    False,
                    f"expected a seed file shipped with accord ({known}) or in a seeds/ folder next to "
                    f"the scenario, found no file {src.seed!r}",
                )
            )
        elif src.quote in text:
            out.append(QuoteCheck(sid, src.seed, True))
        else:
            out.append(
                QuoteCheck(
                    sid,
                    src.seed,
                    False,
                    f"expected the quote verbatim in {src.seed}, not found: {explain_mismatch(src.quote, text)}",
                )
            )
    return out


def dangling_citations(scenario: Scenario) -> list[tuple[str, str]]:
    """(assumption id, cited id) for every bracketed citation that names no declared source."""
    known = set(scenario.sources)
    return [(aid, cid) for aid, text in scenario.assumptions.items() for cid in cited_ids(text) if cid not in known]


def search_dirs(case_or_path: str, extra: Iterable[Path] = ()) -> list[Path]:
    """Where to look for seeds of a scenario: ``extra``, then ``seeds/`` beside a scenario file
    (a built-in case uses the packaged seeds only)."""
    dirs = list(extra)
    p = Path(case_or_path)
    if case_or_path not in builtin_cases() and p.is_file():
        dirs.append(p.resolve().parent / SEEDS_DIR)
    return dirs


def quote_problems(case_or_path: str, scenario: Scenario, extra: Iterable[Path] = ()) -> list[Problem]:
    """Every failed quote check and dangling citation of a loaded scenario, located in its file."""
    raw, name = resolve(case_or_path)
    located = parse_yaml(read_text(raw, name), name)
    out: list[Problem] = []
    path: tuple[str, ...]
    for qc in check_quotes(scenario, search_dirs(case_or_path, extra)):
        if not qc.ok:
            path = ("sources", qc.source_id, "quote")
            out.append(Problem(name, *located.locate(path), field_path(path), qc.problem or "quote not found"))
    for aid, cid in dangling_citations(scenario):
        path = ("assumptions", aid)
        out.append(
            Problem(
                name,
                *located.locate(path),
                field_path(path),
                f"expected [{cid}] to name a declared source, found no source {cid!r}",
            )
        )
    return out
