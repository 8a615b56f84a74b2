"""Commands that read scenarios: cases, validate, show."""

from __future__ import annotations

from rich.table import Table

from accord.cli.common import console, fail, load_or_exit
from accord.scenario import builtin_cases, load_scenario, provenance
from accord.scenario.schema import Series
from accord.scenario.seeds import quote_problems


def cases() -> None:
    """List the built-in cases."""
    table = Table(title="Built-in cases")
    table.add_column("name")
    table.add_column("title")
    table.add_column("period")
    for name in builtin_cases():
        s = load_scenario(name)
        table.add_row(name, s.meta.title, f"{s.meta.start} – {s.meta.end}")
    console.print(table)


def validate(path: str) -> None:
    """Validate a scenario file (or built-in case); print located problems and exit 2 if any."""
    s = load_or_exit(path)
    quotes = quote_problems(path, s)  # seed quotes must be verbatim (accord.scenario.seeds)
    if quotes:
        fail("\n".join(str(q) for q in quotes))
    p = provenance(s)
    console.print(
        f"[green]ok[/green] {path}: {len(s.issues)} issues, {len(s.actors)} actors, "
        f"{len(s.proposals)} proposals, {len(s.events)} events, {p.total} numbers "
        f"({len(p.unsourced)} unsourced)",
        highlight=False,
    )


def show(case_or_path: str) -> None:
    """Show a scenario: actors × issues (position / salience), capabilities, sources and assumptions."""
    s = load_or_exit(case_or_path, engine=False)
    console.print(f"[bold]{s.meta.title}[/bold] ({s.meta.name}), {s.meta.start} – {s.meta.end}, step: {s.meta.step}")
    if s.meta.description:
        console.print(s.meta.description, highlight=False)
    issues = Table(title="Issues (0 … 100)")
    for col in ("id", "label", "0 means", "100 means", "status quo"):
        issues.add_column(col)
    for i in s.issues:
        sq = "" if i.status_quo is None else f"{i.status_quo.nominal:g}"
        issues.add_row(i.id, i.label, i.low, i.high, sq)
    console.print(issues)

    table = Table(title="Actors: position / salience per issue")
    table.add_column("actor")
    table.add_column("kind")
    table.add_column("capability")
    for i in s.issues:
        table.add_column(i.id, justify="right")
    hidden = 0
    for a in s.actors:
        if not a.positions and not a.capability and len(s.actors) > 20:
            hidden += 1
            continue
        if isinstance(a.capability, Series):
            years = list(a.capability.series)
            cap = f"series {years[0]}–{years[-1]}"
        elif a.capability is not None:
            cap = f"{a.capability.nominal:g}" + ("~" if a.capability.is_uncertain else "")
        else:
            cap = "–"
        cells = []
        for i in s.issues:
            if i.id in a.positions:
                p, sal = a.positions[i.id], a.salience[i.id]
                mark = "~" if p.is_uncertain or sal.is_uncertain else ""
                cells.append(f"{p.nominal:g} / {sal.nominal:.2g}{mark}")
            else:
                cells.append("")
        table.add_row(a.id, a.kind, cap, *cells)
    console.print(table)
    if hidden:
        console.print(f"({hidden} more actors with no stance or capability, e.g. states that only vote)")
    prov = provenance(s)
    console.print(
        f"{len(s.formats)} formats, {len(s.proposals)} proposals, {len(s.events)} events; "
        f"sources: {len(s.sources)} ({sum(prov.by_source.values())} numbers), "
        f"assumptions: {len(prov.by_assumption)} ({sum(prov.by_assumption.values())} numbers), "
        f"unsourced numbers: {len(prov.unsourced)}   (~ marks an uncertain number)",
        highlight=False,
    )
