"""The root `csr` command: wiring only. Commands live in csr_cli.commands.*."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from csr_cli import __version__
from csr_cli.commands import config as config_cmd
from csr_cli.commands import reply as reply_cmd
from csr_cli.commands import search as search_cmd
from csr_cli.errors import CsrError


class CsrGroup(TyperGroup):
    """Turns every error into one `error: …` line on stderr and an exit code, never a traceback."""

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
        typer.echo(ctx.get_help())


app.command("reply")(reply_cmd.reply)
app.command("show")(reply_cmd.show)
app.command("list")(reply_cmd.list_entries)
app.command("search")(search_cmd.search_command)
app.add_typer(config_cmd.config_app, name="config")


def main() -> None:
    app_command = typer.main.get_command(app)
    app_command.main(prog_name="csr")
