"""Entry point: ``accord``. Each group of commands lives in its own module and is registered here."""

from __future__ import annotations

import inspect
import typing

import typer
from typer.core import TyperCommand, TyperGroup, TyperOption
from typer.models import OptionInfo

from accord import __version__
from accord.cli import (
    backtest_cmds,
    forecast_cmds,
    import_cmds,
    init_cmds,
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
app.command("init")(init_cmds.init)
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


def _bare_help_flag(option: TyperOption | None) -> TyperOption | None:
    if option is not None and option.metavar is None:
        option.metavar = ""  # ``--help``, not ``--help <bool>``
    return option


class _Command(TyperCommand):
    """A command whose own ``--help`` option is shown as a flag too."""

    def get_help_option(self, ctx: typing.Any) -> TyperOption | None:  # Typer's own (vendored) click Context
        return _bare_help_flag(super().get_help_option(ctx))


class _Group(TyperGroup):
    """A group of commands whose ``--help`` option is shown as a flag."""

    def get_help_option(self, ctx: typing.Any) -> TyperOption | None:  # Typer's own (vendored) click Context
        return _bare_help_flag(super().get_help_option(ctx))


def _bare_flags(callback: typing.Callable[..., object]) -> None:
    hints = typing.get_type_hints(callback, include_extras=True)
    for name, param in inspect.signature(callback).parameters.items():
        hint = hints.get(name)
        infos = [param.default, *getattr(hint, "__metadata__", ())]
        base = typing.get_args(hint)[0] if typing.get_origin(hint) is typing.Annotated else hint
        for info in infos:
            if base is bool and isinstance(info, OptionInfo) and info.metavar is None:
                info.metavar = ""


def _flags_as_flags(t: typer.Typer) -> None:
    """Show on/off options as bare flags in ``--help`` (``--json``, not ``--json <bool>``): Typer
    prints a type for every option unless it has a metavar, so each flag gets an empty one, and
    the commands' and groups' own ``--help`` options likewise."""
    if not isinstance(t.info.cls, type):  # Typer's default placeholder
        t.info.cls = _Group
    if t.registered_callback is not None and t.registered_callback.callback is not None:
        _bare_flags(t.registered_callback.callback)
    for command in t.registered_commands:
        if command.cls in (None, TyperCommand):
            command.cls = _Command
        if command.callback is not None:
            _bare_flags(command.callback)
    for group in t.registered_groups:
        if group.typer_instance is not None:
            _flags_as_flags(group.typer_instance)
        if not isinstance(group.cls, type):
            group.cls = _Group


_flags_as_flags(app)


def main() -> None:
    app()
