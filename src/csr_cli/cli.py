"""The root `csr` command: wiring only. Commands live in csr_cli.commands.*."""

from __future__ import annotations

import difflib
import enum
import importlib
import os
import sys
import typing
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup
from typer.exceptions import TyperException

if TYPE_CHECKING:
    from typer import _click as click

from csr_cli import __version__
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
    (The fast path, commands/_fastpath.py, does the same with the labels in its table.)"""
    for sub in getattr(command, "commands", {}).values():
        _name_fields_by_flags(sub)
    callback = command.callback
    if callback is None:
        return
    labels = {param.name: _label(param) for param in command.params if param.name}

    def named(*args: Any, **kwargs: Any) -> Any:
        try:
            with deferred_writes():  # rotation and usage are written once the output is out
                return callback(*args, **kwargs)
        except CsrError as exc:
            if exc.fields:
                exc.args = (exc.naming(labels),)
            raise

    command.callback = named


def _label(param: click.Parameter) -> str:
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
        from csr_cli.commands import _fastpath as fastpath

        table = None if fastpath.disabled() else fastpath.load_table()
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
        try:
            result = super().main(*args, **kwargs)
        except TyperException as exc:  # click's usage errors: bad option, missing argument…
            _fail(f"{exc.format_message()} (see `{_command_path(exc)} --help`)", exc.exit_code)
        except CsrError as exc:
            if os.environ.get("CSR_DEBUG") == "1":
                raise
            _fail(str(exc), exc.exit_code)
        except typer.Abort:
            typer.echo("", err=True)
            sys.exit(130)
        code = result if isinstance(result, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


def _command_path(exc: TyperException) -> str:
    ctx = getattr(exc, "ctx", None)
    return ctx.command_path if ctx is not None else "csr"


def _fail(message: str, code: int) -> None:
    typer.echo(f"error: {message}", err=True)
    sys.exit(code)


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
    """The Typer path of the console script (`csr_cli.__main__.main` tries the fast path first)."""
    app_command = typer.main.get_command(app)
    app_command.main(prog_name="csr")


# --- the fast path's table ----------------------------------------------------------------


def compile_table() -> dict[str, Any]:
    """What the fast path (commands/_fastpath.py) needs, read off the commands Typer builds: every command's help
    texts (for `csr --help`) and the hot commands' parameters. A command with anything the fast
    path does not mirror exactly (an envvar, a callback, a type it does not know) is left out,
    so Typer always runs it."""
    from csr_cli.commands import _fastpath as fastpath

    listing: dict[str, Any] = {}
    commands: dict[str, Any] = {}
    for name in COMMANDS:
        command = load_command(name)
        listing[name] = {
            key: _plain_value(getattr(command, key, None))
            for key in ("help", "short_help", "hidden", "deprecated", "rich_help_panel")
        }
        if name in fastpath.HOT_COMMANDS:
            spec = _fast_spec(name, command)
            if spec is not None:
                commands[name] = spec
    return {"key": fastpath.table_key(), "help": listing, "commands": commands}


def _plain_value(value: Any) -> Any:
    """A help attribute as JSON holds it (typer keeps some defaults in a placeholder)."""
    from typer.models import DefaultPlaceholder

    return value.value if isinstance(value, DefaultPlaceholder) else value


def _fast_spec(name: str, command: click.Command) -> dict[str, Any] | None:
    from typer.utils import get_params_from_function

    target = COMMANDS[name]
    module_name, _, attribute = target.partition(":")
    function = getattr(importlib.import_module(module_name), attribute)
    if isinstance(function, typer.Typer) or command.context_settings or _odd_parsing(command):
        return None
    annotations = {key: meta.annotation for key, meta in get_params_from_function(function).items()}
    params = [_fast_param(param, annotations.get(param.name or "")) for param in command.params]
    if any(param is None for param in params):
        return None
    return {"target": target, "params": params}


def _odd_parsing(command: click.Command) -> bool:
    return (
        not command.allow_interspersed_args
        or command.ignore_unknown_options
        or command.allow_extra_args
    )


def _fast_param(param: click.Parameter, annotation: Any) -> dict[str, Any] | None:
    """One parameter for the fast path, or None if it cannot be mirrored exactly."""
    if (
        param.name is None
        or param.envvar
        or param.callback is not None
        or not param.expose_value
        or param.is_eager
        or getattr(param, "secondary_opts", None)
        or getattr(param, "count", False)
        or getattr(param, "prompt", None)
        or param.param_type_name not in ("option", "argument")
    ):
        return None
    kind = _fast_type(param, annotation)
    if kind is None:
        return None
    described: dict[str, Any] = {
        "name": param.name,
        "kind": param.param_type_name,
        "opts": list(param.opts),
        "multiple": param.multiple,
        "nargs": param.nargs,
        "required": param.required,
        "label": _label(param),
        **kind,
    }
    default = param.default
    if isinstance(default, enum.Enum):
        default = default.value
    if default is not None and not isinstance(default, (bool, int, str)):
        return None
    described["default"] = default
    return described


def _fast_type(param: click.Parameter, annotation: Any) -> dict[str, Any] | None:
    from typer._click import types as click_types
    from typer._types import TyperChoice
    from typer.models import TyperPath

    click_type = param.type
    base = _base_annotation(annotation)
    if param.nargs not in (1, -1) or (param.nargs == -1 and param.param_type_name == "option"):
        return None
    if getattr(param, "is_flag", False):
        ok = base is bool and getattr(param, "is_bool_flag", False) and param.default is False
        return {"type": "flag"} if ok else None
    if isinstance(click_type, TyperPath):
        plain = (
            not click_type.exists
            and click_type.file_okay
            and click_type.dir_okay
            and click_type.readable
            and not click_type.writable
            and not click_type.resolve_path
            and not click_type.allow_dash
            and click_type.type is None
        )
        return {"type": "path"} if plain and base is Path else None
    if isinstance(click_type, TyperChoice):
        if not click_type.case_sensitive or not (
            isinstance(base, type) and issubclass(base, enum.Enum)
        ):
            return None
        choices = [
            str(choice.value) if isinstance(choice, enum.Enum) else str(choice)
            for choice in click_type.choices
        ]
        if choices != [str(member.value) for member in base]:
            return None
        return {
            "type": "choice",
            "choices": choices,
            "enum": f"{base.__module__}:{base.__qualname__}",
        }
    if isinstance(click_type, click_types.IntRange):
        if click_type.min_open or click_type.max_open or click_type.clamp or base is not int:
            return None
        return {"type": "int", "min": click_type.min, "max": click_type.max}
    if click_type is click_types.INT and base is int:
        return {"type": "int", "min": None, "max": None}
    if click_type is click_types.STRING and base is str:
        return {"type": "str"}
    return None


def _base_annotation(annotation: Any) -> Any:
    """`Role | None` → Role, `list[str] | None` → str: the type each value converts to."""
    while True:
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        origin = typing.get_origin(annotation)
        if origin in (list, tuple, typing.Union) or (
            origin is not None and getattr(origin, "__name__", "") == "UnionType"
        ):
            if len(args) != 1:
                return None
            annotation = args[0]
            continue
        return annotation
