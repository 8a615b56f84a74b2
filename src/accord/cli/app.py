"""Entry point: ``accord``. Each group of commands lives in its own module and is registered here."""

from __future__ import annotations

import typer

from accord import __version__
from accord.cli import (
    backtest_cmds,
    forecast_cmds,
    import_cmds,
    panel_cmds,
    replay_cmds,
    report_cmds,
    scenario_cmds,
    serve_cmds,
    sources_cmds,
    sweep_cmds,
    train_cmds,
    yearly_cmds,
)

app = typer.Typer(
    name="accord",
    help="Model, replay and compare multilateral peace mediation (built-in case: the OSCE Minsk Group).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"accord {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """accord command line."""


app.command("cases")(scenario_cmds.cases)
app.command("validate")(scenario_cmds.validate)
app.command("show")(scenario_cmds.show)
app.command("replay")(replay_cmds.replay_cmd)
app.command("parameters")(replay_cmds.parameters_cmd)
app.command("forecast")(forecast_cmds.forecast)
app.add_typer(import_cmds.app, name="import")
app.command("sources")(sources_cmds.sources)
app.command("backtest")(backtest_cmds.backtest_cmd)
app.command("report")(report_cmds.report)
app.command("serve")(serve_cmds.serve)
app.command("train")(train_cmds.train)
app.command("yearly")(yearly_cmds.yearly_cmd)
sweep_cmds.register(app)
panel_cmds.register(app)


def main() -> None:
    app()
