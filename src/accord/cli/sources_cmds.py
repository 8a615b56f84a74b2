"""``accord sources``: every source and assumption of a scenario, what rests on each, and the
verbatim check of seed quotes."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from accord.cli.common import console, err_console, load_or_exit
from accord.scenario import ScenarioError
from accord.scenario.citations import citations
from accord.scenario.schema import Source
from accord.scenario.seeds import check_quotes, quote_problems, search_dirs

_SHORT = 110
_COUNTS = ("numbers", "records", "texts")
_PIPE_WIDTH = 160


def _where(src: Source) -> str:
    if src.kind == "seed":
        return src.seed or ""
    if src.kind == "dataset":
        return f"{src.dataset}; {src.row}"
    return src.citation or ""


def _clip(text: str, full: bool) -> str:
    return text if full or len(text) <= _SHORT else text[: _SHORT - 1] + "…"


def sources(
    case_or_path: str = typer.Argument(..., help="A built-in case name or a scenario file."),
    full: bool = typer.Option(False, "--full", help="Print quotes and assumption texts in full."),
) -> None:
    """List a scenario's sources and assumptions, how many numbers rest on each, and check
    every seed quote verbatim. Ends with the line `unsourced numbers: N`; exits 2 if a quote
    is not found in its seed."""
    s = load_or_exit(case_or_path, engine=False)
    try:
        problems = quote_problems(case_or_path, s)
    except ScenarioError as e:  # the file changed between the two reads
        err_console.print(str(e), markup=False, highlight=False)
        raise typer.Exit(2) from None
    checks = {q.source_id: q for q in check_quotes(s, search_dirs(case_or_path))}
    c = citations(s)

    out = console if console.is_terminal else Console(width=_PIPE_WIDTH, emoji=False)
    table = Table(title=f"Sources of {s.meta.name} ({len(s.sources)})", show_lines=True)
    for col in ("id", "kind", "numbers", "records", "texts", "check"):
        table.add_column(col, justify="right" if col in _COUNTS else "left", no_wrap=True)
    table.add_column("where", overflow="fold", ratio=1)
    table.add_column("quote", overflow="fold", ratio=2)
    for sid, src in s.sources.items():
        check = ""
        if src.kind == "seed":
            qc = checks.get(sid)
            check = "ok" if qc is not None and qc.ok else "NOT FOUND"
        quote = _clip(src.quote or src.note or "", full)
        table.add_row(
            Text(sid),
            src.kind,
            str(c.numbers_by_source[sid]),
            str(c.records_by_source[sid]),
            str(c.assumptions_by_source[sid]),
            check,
            Text(_clip(_where(src), full)),
            Text(quote),
        )
    out.print(table)
    out.print(
        "numbers: numbers citing the source; records: proposals and events citing it; "
        "texts: assumption texts and notes citing it as [id]",
        highlight=False,
    )

    atable = Table(title=f"Assumptions of {s.meta.name} ({len(s.assumptions)})", show_lines=True)
    atable.add_column("id", no_wrap=True)
    atable.add_column("numbers", justify="right", no_wrap=True)
    atable.add_column("text", overflow="fold")
    for aid, text in s.assumptions.items():
        atable.add_row(Text(aid), str(c.numbers_by_assumption[aid]), Text(_clip(" ".join(text.split()), full)))
    for label in c.inline_assumptions(s):
        atable.add_row("(inline)", str(c.numbers_by_assumption[label]), Text(_clip(label, full)))
    out.print(atable)

    n_src = sum(c.numbers_by_source.values())
    n_ass = sum(c.numbers_by_assumption.values())
    seeds = list(checks.values())
    console.print(
        f"{n_src + n_ass + len(c.unsourced)} numbers: {n_src} rest on {len(s.sources)} sources, "
        f"{n_ass} on {len(s.assumptions) + len(c.inline_assumptions(s))} assumptions; "
        f"seed quotes found verbatim: {sum(q.ok for q in seeds)} of {len(seeds)}",
        highlight=False,
        soft_wrap=True,
    )
    unused = c.unused_sources(s) + c.unused_assumptions(s)
    if unused:
        console.print("declared but not cited: " + ", ".join(unused), highlight=False, soft_wrap=True)
    for where in c.unsourced:
        console.print(f"unsourced: {where}", highlight=False, soft_wrap=True)
    for p in problems:
        err_console.print(str(p), markup=False, highlight=False, soft_wrap=True)
    typer.echo(f"unsourced numbers: {len(c.unsourced)}")
    if problems:
        raise typer.Exit(2)
