"""``accord replay``: one run of a scenario under a format, as a readable timeline or a JSON log."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from accord.analysis.storage import write_text_atomic
from accord.cli import limits
from accord.cli.common import console, fail, load_or_exit
from accord.scenario import date_to_year
from accord.scenario.parameters import PARAMETERS
from accord.simulation import EngineError, Replay, replay


def _describe(e: dict[str, Any]) -> str:
    k = e["kind"]
    if k == "start":
        sq = ", ".join(f"{i} {v:.1f}" for i, v in e["status_quo"].items())
        return f"format {e['format']} ({e['format_label']}); status quo {sq}"
    if k == "event":
        extra = f" → format {e['switch_format']}" if e.get("switch_format") else ""
        return f"{e['event']}: {e['label']}{extra}"
    if k == "proposal":
        terms = ", ".join(f"{i} {v:.1f}" for i, v in e["terms"].items())
        deferred = f"; deferred: {', '.join(e['deferred'])}" if e["deferred"] else ""
        answers = ", ".join(
            f"{a} {'yes' if x['accept'] else 'no'} ({x['value']:.2f} vs sq {x['status_quo']:.2f}"
            + (f", war {x['war']:.2f}" if x["war"] is not None else "")
            + ")"
            for a, x in e["answers"].items()
        )
        leak = " [leaked]" if e["leaked"] else ""
        verdict = "PASSED" if e["passed"] else "rejected"
        return (
            f"{e['id']} ({e['proposal_kind']}) by {'/'.join(e['sponsors'])}: {terms}{deferred}{leak} — "
            f"{answers} — {verdict}"
        )
    if k == "veto":
        return f"{e['actor']} vetoes {e['proposal']}: {e['reason']} (issue {e['issue']})"
    if k == "leader-removed":
        return f"{e['actor']}: {e['reason']}"
    if k == "agreement":
        terms = ", ".join(f"{i} {v:.1f}" for i, v in e["terms"].items())
        return f"AGREEMENT on {e['proposal']} ({e['format']}): {terms}"
    if k == "escalation":
        return f"{e['actor']} escalates: war value {e['war_value']:.3f} > status quo {e['status_quo_value']:.3f} (P(win) {e['p_win']:.2f})"
    if k == "de-escalation":
        return f"{e['actor']} no longer expects to gain from war"
    if k == "mandate-blocked":
        return f"monitoring mandate blocked by {', '.join(e['blocked_by'])}; capacity {e['monitoring']:.2f}"
    if k == "incidents":
        return f"{e['count']} ceasefire incidents (monitoring {e['monitoring']:.2f})"
    if k == "war":
        how = "scheduled" if e["forced"] else f"P(war) {e['p_war']:.2f}"
        return f"WAR ({how}); winner {e['winner']}"
    if k == "ceasefire":
        sq = ", ".join(f"{i} {v:.1f}" for i, v in e["status_quo"].items())
        return f"ceasefire after war; status quo {sq}"
    if k == "format-switch":
        return f"format switches to {e['to']} ({e['reason']})"
    if k.startswith("deferred-"):
        return f"deferred term on {e['issue']}: {k.split('-', 1)[1]} ({e['value']:g})"
    return ", ".join(f"{a}={b}" for a, b in e.items() if a not in ("t", "kind"))


def _print(r: Replay, quiet_incidents: bool = True) -> None:
    steps = Table(title=f"{r.scenario_name}: {r.format}, seed {r.seed} — by step")
    steps.add_column("year", justify="right")
    steps.add_column("format")
    issues = r.trajectory["issues"]
    for i in issues:
        steps.add_column(f"sq {i}", justify="right")
    steps.add_column("P(war)", justify="right")
    steps.add_column("monitoring", justify="right")
    steps.add_column("incidents", justify="right")
    tr = r.trajectory
    for k, y in enumerate(tr["years"]):
        steps.add_row(
            f"{y:g}",
            tr["format"][k],
            *[f"{tr['status_quo'][k][i]:.1f}" for i in range(len(issues))],
            f"{tr['p_war'][k]:.3f}",
            f"{tr['monitoring'][k]:.2f}",
            f"{tr['incidents'][k]:g}",
        )
    console.print(steps)
    table = Table(title="Timeline")
    table.add_column("t", justify="right")
    table.add_column("kind")
    table.add_column("what", overflow="fold")
    for e in r.events:
        if e["kind"] in ("step",) or (quiet_incidents and e["kind"] == "incidents"):
            continue
        table.add_row(f"{e['t']:.2f}", e["kind"], _describe(e))
    console.print(table)
    s = r.summary
    if s["agreement"]:
        terms = ", ".join(f"{i} {v:.1f}" for i, v in s["terms"].items())
        console.print(
            f"[bold green]Agreement[/bold green] in {s['year']:.2f} on {s['proposal']}: {terms}", highlight=False
        )
    else:
        console.print("[bold red]No agreement[/bold red]", highlight=False)
    for b in s["blocked_by"]:
        console.print(
            f"  blocked by {b['actor']}: {len(b['reasons'])} reason(s); first: {b['reasons'][0]}", highlight=False
        )
    if s["wars"]:
        for w in s["wars"]:
            console.print(f"  war {w['start']:.2f}–{w['end']:.2f}, winner {w['winner']}", highlight=False)
    else:
        console.print("  no war", highlight=False)
    if s["leaders_removed"]:
        console.print(f"  leaders removed: {', '.join(s['leaders_removed'])}", highlight=False)
    sq = ", ".join(f"{i} {v:.1f}" for i, v in s["final_status_quo"].items())
    console.print(f"  final status quo: {sq}; final format: {s['final_format']}", highlight=False)


def replay_cmd(
    case_or_path: str = typer.Argument(..., help="a built-in case name or a scenario YAML file"),
    format: str | None = typer.Option(
        None,
        "--format",
        "-f",
        help="minsk-group, bilateral, single-mediator, inclusive, majority or one the scenario defines",
    ),
    seed: int = typer.Option(0, "--seed", "-s", help="seed of the inputs and the process"),
    until: float | None = typer.Option(None, "--until", help="stop at this (decimal) year"),
    mediator: str | None = typer.Option(
        None, "--mediator", help="actor id of the mediator of single-mediator (default: the least biased)"
    ),
    as_json: bool = typer.Option(False, "--json", help="print the full event log as JSON instead of tables"),
    output: str | None = typer.Option(None, "--output", "-o", help="also write the JSON event log to this file"),
    incidents: bool = typer.Option(False, "--incidents", help="list every step's ceasefire incidents in the timeline"),
    max_memory: str = limits.max_memory_option(),
) -> None:
    """Replay a scenario once: a timeline of proposals, answers, vetoes, escalation and war, and a summary."""
    limit = limits.budget(max_memory)
    s = load_or_exit(case_or_path)
    if seed < 0:
        fail(f"--seed: expected a non-negative integer, found {seed}")
    first = date_to_year(s.meta.start)
    if until is not None and not (math.isfinite(until) and until > first):
        fail(f"--until: expected a year after the scenario's start ({s.meta.start}), found {until:g}")
    shape = limits.run_shape(s, case_or_path, format=format, mediator=mediator)
    limits.chunk_plan(
        case_or_path, [shape], limit, chunk=1, cap=1, workers=None, what="replay", option=None, table=False
    )
    try:
        r = replay(s, format=format, seed=seed, until=until, mediator=mediator)
    except EngineError as e:
        fail(f"{case_or_path}: {e}")
    text = r.to_json()
    if output is not None:
        try:
            write_text_atomic(Path(output), text + "\n")
        except OSError as e:
            fail(f"--output: cannot write {output}: {e.strerror or e}")
    if as_json:
        typer.echo(text)
    else:
        _print(r, quiet_incidents=not incidents)


def parameters_cmd() -> None:
    """List the engine parameters a scenario may set under `parameters:` (default, unit, meaning, reference)."""
    table = Table(title="Engine parameters (scenario `parameters:`; a format's `parameters:` override them)")
    for col in ("name", "default", "range", "unit", "meaning", "reference"):
        table.add_column(col, overflow="fold")
    for p in PARAMETERS.values():
        table.add_row(p.name, f"{p.default:g}", f"{p.low:g} – {p.high:g}", p.unit, p.meaning, p.reference)
    console.print(table)
