"""The root `csr` command: wiring only. Commands live in csr_cli.commands.*."""

from __future__ import annotations

import difflib
import errno
import importlib
import os
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

if TYPE_CHECKING:
    from typer import _click as click

from csr_cli import __version__, edge, streams
from csr_cli.errors import CsrError, UsageError

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
    return command


class CsrGroup(TyperGroup):
    """Loads commands on demand, and turns every error into one `error: …` line on stderr and an
    exit code, never a traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        if cmd_name not in self.commands:
            self.commands[cmd_name] = load_command(cmd_name)
        return self.commands[cmd_name]

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
            _fail(_usage_message(exc, argv), exc.exit_code, argv)
        except CsrError as exc:
            if os.environ.get("CSR_DEBUG") == "1":
                raise
            _fail(edge.explain(exc), exc.exit_code, argv)
        except typer.Abort:
            typer.echo("", err=True)
            sys.exit(130)
        except OSError as exc:
            if streams.stdout_failed(exc):
                _output_failed(exc)
            if exc.filename is None or exc.errno not in edge.PATH_ERRNOS:
                _unexpected(exc, argv)
            # A file the user named (or csr's own folder) that the system refuses: say which.
            _fail(f"{exc.filename}: {exc.strerror}; check the path and its permissions", 2, argv)
        except UnicodeEncodeError as exc:
            # Bytes that are not UTF-8 reach Python as lone surrogates, which the commands that
            # take free text refuse themselves, naming the field; anywhere else they end here.
            try:
                edge.check_arguments(argv)
            except UsageError as usage:
                _fail(str(usage), usage.exit_code, argv)
            _unexpected(exc, argv)
        except ValueError as exc:
            if "null byte" not in str(exc) or not any("\x00" in arg for arg in argv):
                _unexpected(exc, argv)
            number = next(n for n, arg in enumerate(argv, 1) if "\x00" in arg)
            _fail(
                f"argument {number} contains a NUL byte, which no file name or text may hold; remove it",
                2,
                argv,
            )
        except Exception as exc:  # the safety net: a bug, never a user's mistake
            _unexpected(exc, argv)
        code = result if isinstance(result, int) else 0
        if standalone_mode:
            failed = streams.flush_stdout()
            if failed is not None:
                _output_failed(failed)
            sys.exit(code)
        return code


UNEXPECTED_EXIT = 70  # EX_SOFTWARE: csr itself failed


def _usage_message(exc: TyperException, argv: list[str]) -> str:
    option = getattr(exc, "option_name", None)
    if type(exc).__name__ == "NoSuchOption" and option:
        negative = edge.negative_number_message(option, argv, COMMANDS)
        if negative:
            return negative
    return f"{exc.format_message()} (see `{_command_path(exc)} --help`)"


def _unexpected(exc: BaseException, argv: list[str]) -> None:
    if os.environ.get("CSR_DEBUG") == "1":
        raise exc
    _fail(
        f"unexpected {type(exc).__name__}: {exc}; this is a bug in csr, not your input's fault: "
        "re-run with CSR_DEBUG=1 to see the traceback and report it",
        UNEXPECTED_EXIT,
        argv,
    )


def _output_failed(exc: OSError) -> None:
    streams.silence_stdout()
    if exc.errno == errno.EPIPE:
        sys.exit(streams.PIPE_CLOSED_EXIT)  # the reader left (`| head`): nothing to report
    _fail(streams.describe_output_error(exc), 2, [])


def _command_path(exc: TyperException) -> str:
    ctx = getattr(exc, "ctx", None)
    return ctx.command_path if ctx is not None else "csr"


def _fail(message: str, code: int, argv: list[str]) -> None:
    typer.echo(f"error: {edge.one_line(message, argv)}", err=True)
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
    streams.attach_missing()
    app_command = typer.main.get_command(app)
    app_command.main(prog_name="csr")
