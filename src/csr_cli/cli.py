"""The root `csr` command: wiring only. Commands live in csr_cli.commands.*."""

from __future__ import annotations

import difflib
import importlib
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup
from typer.exceptions import TyperException

if TYPE_CHECKING:
    from typer import _click as click

from csr_cli import __version__, edge
from csr_cli.errors import CsrError, UsageError
from csr_cli.state import deferred_writes

# Every command, in help order, as "module:attribute" (a function, or a typer.Typer for a group).
# Commands are imported and built only when invoked: typer evaluates every parameter of every
# registered command on each run, which for all of them would cost more than the command itself.
COMMANDS: dict[str, str] = {
    "reply": "csr_cli.commands.reply:reply",
    "search": "csr_cli.commands.search:search_command",
    "pick": "csr_cli.commands.pick:pick",
    "show": "csr_cli.commands.reply:show",
    "list": "csr_cli.commands.reply:list_entries",
    "refund": "csr_cli.commands.refund:refund",
    "compensate": "csr_cli.commands.compensate:compensate",
    "return-check": "csr_cli.commands.return_check:return_check",
    "shipping": "csr_cli.commands.shipping:shipping",
    "exchange": "csr_cli.commands.exchange:exchange",
    "lint": "csr_cli.commands.lint:lint",
    "add": "csr_cli.commands.edit:add",
    "edit": "csr_cli.commands.edit:edit",
    "rm": "csr_cli.commands.edit:rm",
    "import": "csr_cli.commands.transfer:import_",
    "export": "csr_cli.commands.transfer:export",
    "check": "csr_cli.commands.check:check",
    "doctor": "csr_cli.commands.check:doctor",
    "stats": "csr_cli.commands.stats:stats",
    "kpi": "csr_cli.commands.kpi:kpi",
    "cases": "csr_cli.commands.cases:cases_app",
    "due": "csr_cli.commands.followup:due",
    "handover": "csr_cli.commands.followup:handover_app",
    "config": "csr_cli.commands.config:config_app",
}


def load_command(name: str) -> click.Command:
    module_name, _, attribute = COMMANDS[name].partition(":")
    target = getattr(importlib.import_module(module_name), attribute)
    if isinstance(target, typer.Typer):
        command = typer.main.get_command(target)
    else:
        holder = typer.Typer(add_completion=False)
        holder.command(name)(target)
        command = typer.main.get_command(holder)
    command.name = name
    _name_fields_by_flags(command)
    return command


def _name_fields_by_flags(command: click.Command) -> None:
    """Make the core's errors name this command's flags: the field `shipping` reads
    `--shipping`, the argument `paid` reads `PAID`. Core field names are parameter names.
    (The fast path, commands/_fast/, does the same with the labels in its table.)"""
    for sub in getattr(command, "commands", {}).values():
        _name_fields_by_flags(sub)
    callback = command.callback
    if callback is None:
        return
    labels = {param.name: field_label(param) for param in command.params if param.name}

    def named(*args: Any, **kwargs: Any) -> Any:
        try:
            with deferred_writes():  # rotation and usage are written once the output is out
                return callback(*args, **kwargs)
        except CsrError as exc:
            if exc.fields:
                exc.args = (exc.naming(labels),)
            raise

    command.callback = named


def field_label(param: click.Parameter) -> str:
    """How an error names this parameter: its longest flag, or its metavar."""
    long_flags = [opt for opt in param.opts if opt.startswith("--")]
    if param.param_type_name == "option":
        return max(long_flags or param.opts, key=len)
    return param.human_readable_name


class CsrGroup(TyperGroup):
    """Loads commands on demand, and turns every error into one `error: …` line on stderr and an
    exit code, never a traceback."""

    # While the root help is written: each command's help texts from the compiled table, so
    # listing the commands does not import every command module.
    _listing: dict[str, Any] | None = None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        if cmd_name not in self.commands:
            listed = (self._listing or {}).get(cmd_name)
            if listed is not None:
                return TyperCommand(cmd_name, **listed)
            self.commands[cmd_name] = load_command(cmd_name)
        return self.commands[cmd_name]

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from csr_cli.commands._fast.table import disabled, load_table

        table = None if disabled() else load_table()
        self._listing = table["help"] if table else None
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = None

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0]
        if name not in COMMANDS and not name.startswith("-"):
            close = difflib.get_close_matches(name, COMMANDS, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UsageError(f"no command '{name}'{hint} (see `csr --help`)")
        return super().resolve_command(ctx, args)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        standalone_mode = kwargs.pop("standalone_mode", True)
        kwargs["standalone_mode"] = False  # so errors reach the handlers below
        argv = [str(arg) for arg in (kwargs.get("args") or (args[0] if args else sys.argv[1:]))]
        try:
            result = super().main(*args, **kwargs)
        except TyperException as exc:  # click's usage errors: bad option, missing argument…
            edge.fail(_usage_message(exc, argv), exc.exit_code, argv)
        except typer.Abort:
            typer.echo("", err=True)
            sys.exit(130)
        except Exception as exc:
            edge.fail_for(exc, argv)
        code = result if isinstance(result, int) else 0
        if standalone_mode:
            edge.exit_flushed(code)
        return code


def _usage_message(exc: TyperException, argv: list[str]) -> str:
    option = getattr(exc, "option_name", None)
    if type(exc).__name__ == "NoSuchOption" and option:
        negative = edge.negative_number_message(option, argv, COMMANDS)
        if negative:
            return negative
    return f"{exc.format_message()} (see `{_command_path(exc)} --help`)"


def _command_path(exc: TyperException) -> str:
    ctx = getattr(exc, "ctx", None)
    return ctx.command_path if ctx is not None else "csr"


app = typer.Typer(
    cls=CsrGroup,
    name="csr",
    help="Canned replies, reply search and policy calculators for online-shop service agents.",
    context_settings={"help_option_names": ["-h", "--help"]},
    invoke_without_command=True,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"csr {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """csr: the service desk's phrasebook and calculators. Try `csr reply bargain`."""
    if ctx.invoked_subcommand is None:
        from csr_cli.commands import pick as pick_cmd

        if pick_cmd.on_terminal():  # a person at a terminal: open the picker
            pick_cmd.pick()
        else:
            typer.echo(ctx.get_help())


def main() -> None:
    """The Typer path of the console script (`csr_cli.__main__.main` attaches the standard
    streams and tries the fast path first)."""
    app_command = typer.main.get_command(app)
    app_command.main(prog_name="csr")
