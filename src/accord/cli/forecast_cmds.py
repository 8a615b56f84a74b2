"""``accord forecast``: what a bargaining model predicts for a scenario."""

from __future__ import annotations

import json
from typing import Annotated, Any

import numpy as np
import typer
from rich.table import Table

from accord.cli.common import console, fail, load_or_exit
from accord.models import MODELS, EUMOptions, Forecast, get_model
from accord.models.eum import DEFAULT_PRESET, PRESETS
from accord.scenario.arrays import stance_arrays
from accord.scenario.importers import Scale, native_scale
from accord.scenario.schema import Scenario


def _parse_options(items: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    fields = {f: type(getattr(EUMOptions(), f)) for f in EUMOptions.names()}
    for item in items:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or key not in fields:
            fail(f"--option: expected NAME=VALUE with NAME one of {', '.join(fields)}, found {item!r}")
        kind = fields[key]
        value: Any = raw.strip()
        if kind is bool:
            if value.lower() not in ("true", "false"):
                fail(f"--option {key}: expected true or false, found {raw!r}")
            value = value.lower() == "true"
        elif kind is float:
            try:
                value = float(value)
            except ValueError:
                fail(f"--option {key}: expected a number, found {raw!r}")
        out[key] = value
    return out


def _native(scenario: Scenario) -> list[Scale | None]:
    return [native_scale(i.description) for i in scenario.issues]


def _fmt(v: float, scale: Scale | None) -> str:
    if np.isnan(v):
        return "–"
    return f"{v:.2f}" + ("" if scale is None else f" ({scale.to_native(v):.3g})")


def forecast(
    case_or_path: Annotated[str, typer.Argument(help="A built-in case name or a scenario file.")],
    model: Annotated[str, typer.Option("--model", "-m", help="compromise, median, eum or nash.")] = "compromise",
    rounds: Annotated[int, typer.Option("--rounds", min=0, max=1000, help="EUM rounds.")] = 8,
    option: Annotated[
        list[str] | None,
        typer.Option(
            "--option",
            help="EUM option NAME=VALUE (repeatable), e.g. --option q=0.5. NAME: "
            + ", ".join(EUMOptions.names())
            + " (see accord.models.eum.AMBIGUITIES).",
        ),
    ] = None,
    preset: Annotated[
        str | None,
        typer.Option(
            "--preset",
            help="EUM option set: "
            + ", ".join(PRESETS)
            + " (as-printed: the equations as printed in Scholz et al. 2011; scholz-code, the default for "
            "--model eum: their code, which reproduces their Table 2 in 7 of 8 rounds). --option then "
            "changes single options.",
        ),
    ] = None,
    utility: Annotated[
        str, typer.Option("--utility", help="Nash: quadratic or linear salience-weighted loss.")
    ] = "quadratic",
    draws: Annotated[
        int, typer.Option("--draws", min=1, max=1_000_000, help="Monte Carlo draws of uncertain inputs (1 = nominal).")
    ] = 1,
    seed: Annotated[int, typer.Option("--seed", help="Seed for the draws.")] = 0,
    year: Annotated[
        float | None, typer.Option("--year", help="Year for capability series (default: the scenario's start).")
    ] = None,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """Forecast the outcome per issue with a bargaining model; for the EUM, also round by round."""
    if model not in MODELS:
        fail(f"--model: expected one of {', '.join(MODELS)}, found {model!r}")
    scenario = load_or_exit(case_or_path, engine=False)  # the bargaining models need no parties
    opts = _parse_options(option or [])
    if opts and model != "eum":
        fail("--option: only the eum model takes options")
    if preset is not None and model != "eum":
        fail("--preset: only the eum model takes a preset")
    if preset is not None and preset not in PRESETS:
        fail(f"--preset: expected one of {', '.join(PRESETS)}, found {preset!r}")
    kwargs: dict[str, Any] = {}
    if model == "eum":
        kwargs = {"rounds": rounds, **opts}
        # the replicated specification is the default: it is the one checked against published numbers
        kwargs["options"] = PRESETS[preset if preset is not None else DEFAULT_PRESET]
    elif model == "nash":
        if utility not in ("quadratic", "linear"):
            fail(f"--utility: expected quadratic or linear, found {utility!r}")
        kwargs = {"utility": utility}
    try:
        m = get_model(model, **kwargs)
    except ValueError as e:
        fail(str(e))
    rng = None if draws == 1 else np.random.default_rng(np.random.SeedSequence(seed))
    inputs = stance_arrays(scenario, year=year, draws=draws, rng=rng)
    try:
        result = m.forecast(inputs)
    except ValueError as e:
        fail(f"{case_or_path}: {e}")
    scales = _native(scenario)
    if as_json:
        typer.echo(json.dumps(_as_dict(scenario, inputs.actor_ids, result, scales, draws, seed), indent=2))
        return
    _print(scenario, inputs.actor_ids, result, scales, draws)


def _summary(values: np.ndarray) -> dict[str, float | None]:
    ok = values[~np.isnan(values)]
    if ok.size == 0:
        return {"mean": None, "p05": None, "p95": None}
    return {"mean": float(ok.mean()), "p05": float(np.quantile(ok, 0.05)), "p95": float(np.quantile(ok, 0.95))}


def _num(v: float) -> float | None:
    return None if np.isnan(v) else float(v)


def _as_dict(
    scenario: Scenario, actor_ids: tuple[str, ...], f: Forecast, scales: list[Scale | None], draws: int, seed: int
) -> dict[str, Any]:
    issues = []
    for k, issue in enumerate(scenario.issues):
        entry: dict[str, Any] = {"id": issue.id, "label": issue.label}
        if draws == 1:
            entry["forecast"] = _num(f.position[0, k])
        else:
            entry.update(_summary(f.position[:, k]))
        sc = scales[k]
        if sc is not None:
            entry["native_scale"] = [sc.low, sc.high]
            if draws == 1 and not np.isnan(f.position[0, k]):
                entry["forecast_native"] = sc.to_native(float(f.position[0, k]))
        issues.append(entry)
    out: dict[str, Any] = {
        "scenario": scenario.meta.name,
        "model": f.model,
        "options": f.options,
        "draws": draws,
        "seed": seed if draws > 1 else None,
        "issues": issues,
    }
    if f.trajectory is not None and f.path is not None and draws == 1:
        out["rounds"] = [
            {
                "round": r,
                "median": {issue.id: _num(f.path[r, 0, k]) for k, issue in enumerate(scenario.issues)},
                "positions": {
                    a: {issue.id: float(f.trajectory[r, 0, i, k]) for k, issue in enumerate(scenario.issues)}
                    for i, a in enumerate(actor_ids)
                },
            }
            for r in range(f.trajectory.shape[0])
        ]
    return out


def _print(scenario: Scenario, actor_ids: tuple[str, ...], f: Forecast, scales: list[Scale | None], draws: int) -> None:
    opts = ", ".join(f"{k}={v}" for k, v in f.options.items())
    console.print(
        f"[bold]{scenario.meta.title}[/bold]: model {f.model}" + (f" ({opts})" if opts else ""), highlight=False
    )
    native_note = any(s is not None for s in scales)
    table = Table(title="Forecast per issue (0-100" + ("; native units in brackets)" if native_note else ")"))
    table.add_column("issue")
    if draws == 1:
        table.add_column("forecast", justify="right")
    else:
        for col in ("mean", "5%", "95%"):
            table.add_column(col, justify="right")
    for k, issue in enumerate(scenario.issues):
        if draws == 1:
            table.add_row(issue.id, _fmt(float(f.position[0, k]), scales[k]))
        else:
            s = _summary(f.position[:, k])
            table.add_row(
                issue.id,
                *(_fmt(np.nan if s[c] is None else float(s[c] or 0.0), scales[k]) for c in ("mean", "p05", "p95")),
            )
    console.print(table)
    if draws > 1:
        console.print(f"{draws} draws of the uncertain inputs.", highlight=False)
    if f.trajectory is None or f.path is None:
        return
    if draws > 1:
        console.print("(round-by-round positions are shown for a single draw; run with --draws 1)", highlight=False)
        return
    for k, issue in enumerate(scenario.issues):
        t = Table(title=f"EUM rounds, issue {issue.id}: positions (0-100) per round")
        t.add_column("actor")
        n_rounds = f.trajectory.shape[0]
        for r in range(n_rounds):
            t.add_column(str(r), justify="right")
        t.add_row("median", *(f"{f.path[r, 0, k]:.1f}" for r in range(n_rounds)), style="bold")
        sc = scales[k]
        if sc is not None:
            t.add_row(
                f"median ({sc.low:g}..{sc.high:g})",
                *(f"{sc.to_native(float(f.path[r, 0, k])):.2f}" for r in range(n_rounds)),
                style="bold",
            )
        for i, a in enumerate(actor_ids):
            t.add_row(a, *(f"{f.trajectory[r, 0, i, k]:.1f}" for r in range(n_rounds)))
        console.print(t)
