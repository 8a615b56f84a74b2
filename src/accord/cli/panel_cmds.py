"""``accord panel build|docs``, ``accord calibrate``, ``accord evaluate``: the cross-conflict panel,
the hazards fitted on it, and their out-of-sample skill."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from accord.cli.common import console, err_console, fail

if TYPE_CHECKING:
    from accord.analysis.panel import Panel

# pandas, statsmodels and scikit-learn are imported where a command needs them, so that the
# accord command starts fast (see benchmarks/bench_startup.py)

app = typer.Typer(help="The cross-conflict panel (UCDP, COW NMC, PA-X).", no_args_is_help=True)

FILES = {
    "ucdp": "ucdp_prio_acd_v25_1.csv",
    "nmc": "cow_nmc_v6_0_abridged.csv",
    "pax": "pax_agreements.csv",
}

UcdpOpt = Annotated[Path | None, typer.Option("--ucdp", help="UCDP/PRIO Armed Conflict Dataset CSV.")]
NmcOpt = Annotated[Path | None, typer.Option("--nmc", help="COW National Material Capabilities CSV.")]
PaxOpt = Annotated[Path | None, typer.Option("--pax", help="PA-X peace agreements CSV.")]
DataOpt = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help=f"A folder with the three files ({', '.join(FILES.values())}); default: "
        "shared/data/panel in this folder or a parent, if there.",
    ),
]
PanelOpt = Annotated[Path | None, typer.Option("--panel", help="A panel from `accord panel build` (Parquet).")]


def _find_data() -> Path | None:
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        candidate = folder / "shared" / "data" / "panel"
        if candidate.is_dir():
            return candidate
    return None


def _sources(ucdp: Path | None, nmc: Path | None, pax: Path | None, data: Path | None) -> dict[str, Path]:
    given = {"ucdp": ucdp, "nmc": nmc, "pax": pax}
    folder = data if data is not None else (None if all(given.values()) else _find_data())
    out: dict[str, Path] = {}
    for key, path in given.items():
        if path is None and folder is not None:
            path = folder / FILES[key]
        if path is None:
            fail(f"--{key}: expected a file (or --data DIR holding {FILES[key]}), found neither")
        out[key] = path
    return out


def _print_report(panel: Panel, to_stderr: bool) -> None:
    out = err_console if to_stderr else console
    out.print("Join report", style="bold", highlight=False)
    for line in panel.report.lines():
        out.print("  " + line, markup=False, highlight=False, soft_wrap=True)


def _load(
    panel: Path | None, ucdp: Path | None, nmc: Path | None, pax: Path | None, data: Path | None, to_stderr: bool
) -> Panel:
    from accord.analysis.panel import PanelInputError, build_panel, read_panel

    try:
        if panel is not None:
            if any(x is not None for x in (ucdp, nmc, pax, data)):
                fail("--panel: expected either --panel or the source files (--ucdp/--nmc/--pax/--data), found both")
            p = read_panel(panel)
        else:
            s = _sources(ucdp, nmc, pax, data)
            p = build_panel(s["ucdp"], s["nmc"], s["pax"])
    except PanelInputError as e:
        fail(str(e))
    _print_report(p, to_stderr)
    return p


@app.command("build")
def build_cmd(
    out: Annotated[Path, typer.Option("-o", "--output", help="Where to write the panel (Parquet).")],
    ucdp: UcdpOpt = None,
    nmc: NmcOpt = None,
    pax: PaxOpt = None,
    data: DataOpt = None,
    report: Annotated[Path | None, typer.Option("--report-json", help="Also write the join report as JSON.")] = None,
) -> None:
    """Build the conflict-year panel from UCDP, COW NMC and PA-X; print how every join went."""
    from accord.analysis.panel import PanelInputError, build_panel, write_panel
    from accord.analysis.storage import write_json_atomic

    s = _sources(ucdp, nmc, pax, data)
    try:
        p = build_panel(s["ucdp"], s["nmc"], s["pax"])
    except PanelInputError as e:
        fail(str(e))
    _print_report(p, to_stderr=False)
    write_panel(p, out)
    if report is not None:
        write_json_atomic(report, {"report": p.report.to_dict(), "sources": p.sources})
    console.print(f"wrote {out} ({len(p.frame)} rows, {len(p.frame.columns)} columns)", highlight=False)


def docs_markdown() -> str:
    """``docs/panel.md``: the panel's columns, the hazards' covariates and risk sets."""
    from accord.analysis import panel as panel_module
    from accord.analysis.panel import columns_markdown
    from accord.models import hazards

    intro = (panel_module.__doc__ or "").split("Columns (also written")[0].strip()
    cov = ["| covariate | meaning | computed from the state |", "|---|---|---|"]
    cov += [f"| `{c.name}` | {c.meaning} | {c.computed} |" for c in hazards.COVARIATES]
    haz = ["| hazard | event | risk set | scored against (persistence) |", "|---|---|---|---|"]
    haz += [f"| `{h.name}` | {h.event} | {h.risk_set} | {h.persistence} |" for h in hazards.HAZARDS.values()]
    return (
        "# The conflict panel and the hazards fitted on it\n\n"
        "Generated by `accord panel docs -o docs/panel.md` from `accord.analysis.panel.COLUMNS` and "
        "`accord.models.hazards`; do not edit by hand.\n\n"
        f"{intro}\n\n## Columns\n\n{columns_markdown()}\n"
        f"## Hazard covariates (spec version {hazards.SPEC_VERSION})\n\n" + "\n".join(cov) + "\n\n"
        "Every hazard's risk set is the panel's conflict-years in 1990-2020 (PA-X's years) without each "
        "conflict's first year.\n\n" + "\n".join(haz) + "\n"
    )


@app.command("docs")
def docs_cmd(
    out: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file (default: print).")] = None,
) -> None:
    """Print (or write) the documentation table of every panel column and hazard covariate."""
    from accord.analysis.storage import write_text_atomic

    text = docs_markdown()
    if out is None:
        sys.stdout.write(text)
    else:
        write_text_atomic(out, text)
        console.print(f"wrote {out}", highlight=False)


def _shipped_path() -> Path:
    from accord.models import hazards

    return Path(hazards.__file__).parent / hazards.SHIPPED


def calibrate_cmd(
    panel: PanelOpt = None,
    ucdp: UcdpOpt = None,
    nmc: NmcOpt = None,
    pax: PaxOpt = None,
    data: DataOpt = None,
    out: Annotated[
        Path | None, typer.Option("-o", "--output", help="Where to write the table (default: the package's own).")
    ] = None,
) -> None:
    """Fit every hazard on the panel and write the coefficient table the package ships.

    statsmodels GLM logits; the table records the data citation, the git commit of the fit, n, events and 95% intervals."""
    from accord.analysis.calibration import git_commit, hazard_table
    from accord.analysis.storage import write_json_atomic
    from accord.models import hazards

    p = _load(panel, ucdp, nmc, pax, data, to_stderr=False)
    target = out if out is not None else _shipped_path()
    here = Path(hazards.__file__).parent
    provenance = {
        "fit": git_commit(here, ignore=(hazards.SHIPPED,)),
        "data": p.sources,
        "panel": {"conflicts": p.report.conflicts, "conflict_years": p.report.conflict_years},
    }
    table = hazard_table(p.frame, provenance)
    write_json_atomic(target, table)
    t = Table(title=f"Hazards fitted (spec {hazards.SPEC_VERSION}, commit {str(provenance['fit']['commit'])[:12]})")
    for col in ("hazard", "n", "events", "conflicts", "converged"):
        t.add_column(col)
    for name, h in table["hazards"].items():
        t.add_row(name, str(h["n"]), str(h["events"]), str(h["conflicts"]), str(h["converged"]))
    console.print(t)
    console.print(f"wrote {target}", highlight=False)


def evaluate_cmd(
    panel: PanelOpt = None,
    ucdp: UcdpOpt = None,
    nmc: NmcOpt = None,
    pax: PaxOpt = None,
    data: DataOpt = None,
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON (only JSON on stdout)."),
    report: Annotated[
        Path | None, typer.Option("--report", help="Write an HTML report with reliability diagrams.")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Also write the result as JSON to this file.")] = None,
    folds: Annotated[
        int | None,
        typer.Option("--folds", min=2, help="Grouped K-fold by conflict instead of leave-one-conflict-out (fast)."),
    ] = None,
    bootstrap: Annotated[int, typer.Option("--bootstrap", min=0, help="Bootstrap replicates (clustered).")] = 1000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the bootstrap.")] = 0,
    hazard: Annotated[list[str] | None, typer.Option("--hazard", help="Only this hazard (repeatable).")] = None,
) -> None:
    """Out-of-sample skill of every fitted hazard (leave-one-conflict-out cross-validation).

    AUC, Brier score, Brier skill against the base rate and against persistence, reliability, bootstrap intervals clustered by conflict."""
    from accord.analysis.evaluate import evaluate
    from accord.analysis.storage import sha256_file, write_json_atomic
    from accord.models import hazards
    from accord.reports.evaluation import write_evaluation

    for h in hazard or []:
        if h not in hazards.HAZARDS:
            fail(f"--hazard: expected one of {', '.join(hazards.HAZARDS)}, found {h!r}")
    p = _load(panel, ucdp, nmc, pax, data, to_stderr=True)
    with err_console.status("cross-validating") as status:
        result = evaluate(
            p.frame,
            hazards=hazard,
            folds=folds,
            bootstrap=bootstrap,
            seed=seed,
            progress=lambda n: status.update(f"cross-validating {n}"),
        )
    shipped = _shipped_path()
    try:
        meta: dict[str, Any] = hazards.default_table().meta
    except (OSError, hazards.HazardTableError):
        meta = {}
    result["coefficients"] = {
        "table": f"accord.models/{hazards.SHIPPED}",
        "sha256": sha256_file(shipped) if shipped.is_file() else None,
        "commit": meta.get("fit", {}).get("commit"),
        "spec_version": hazards.SPEC_VERSION,
    }
    result["data"] = p.sources
    if out is not None:
        write_json_atomic(out, result)
    if report is not None:
        write_evaluation(result, report)
    if as_json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
        return
    t = Table(
        title=f"Out-of-sample skill ({result['cv']}, {result['folds']} folds; 95% intervals, conflicts resampled)"
    )
    for col in ("hazard", "n", "events", "AUC [95%]", "Brier", "skill vs base rate [95%]", "skill vs persistence"):
        t.add_column(col, justify="left" if col == "hazard" else "right")
    for name, o in result["outcomes"].items():
        auc_ci = o.get("auc_ci", [float("nan")] * 2)
        sk_ci = o.get("brier_skill_base_rate_ci", [float("nan")] * 2)
        t.add_row(
            name,
            str(o["n"]),
            str(o["events"]),
            f"{o['auc']:.3f} [{auc_ci[0]:.3f}, {auc_ci[1]:.3f}]",
            f"{o['brier']:.4f}",
            f"{o['brier_skill_base_rate']:+.3f} [{sk_ci[0]:+.3f}, {sk_ci[1]:+.3f}]",
            f"{o['brier_skill_persistence']:+.3f}",
        )
    console.print(t)
    for path in (out, report):
        if path is not None:
            console.print(f"wrote {path}", highlight=False)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="panel")
    root.command("calibrate")(calibrate_cmd)
    root.command("evaluate")(evaluate_cmd)
