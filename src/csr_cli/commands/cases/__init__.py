"""`csr cases`: the after-sale case log — record, list, show, move, approve, note, export.

One module per family of subcommands; this one only builds the group.
"""

from __future__ import annotations

import typer

from csr_cli.commands.cases.change import add_note, amend, approve, reject, set_due, set_state
from csr_cli.commands.cases.export import export
from csr_cli.commands.cases.listing import list_cases, show
from csr_cli.commands.cases.record import record

cases_app = typer.Typer(
    help="The after-sale case log: record, list, show, move, approve and export cases.",
    add_completion=False,
    invoke_without_command=True,
)


@cases_app.callback()
def cases_root(ctx: typer.Context) -> None:
    """The after-sale case log: record, list, show, move, approve and export cases."""
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())


# Registered here, in the order `csr cases --help` lists them.
for _name, _command in (
    ("record", record),
    ("list", list_cases),
    ("show", show),
    ("set-state", set_state),
    ("approve", approve),
    ("reject", reject),
    ("note", add_note),
    ("due", set_due),
    ("amend", amend),
    ("export", export),
):
    cases_app.command(_name)(_command)
