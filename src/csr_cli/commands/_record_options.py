"""The options for recording a case, shared by the calculators' `--record` and
`csr cases record`: one definition, one help text. Kept apart from the case log itself so a
calculator that is not recording imports nothing of it."""

from __future__ import annotations

from typing import Annotated

import typer

NoteOpt = Annotated[str | None, typer.Option("--note", help="Why, for the history.")]
RecordOpt = Annotated[
    bool, typer.Option("--record", help="Record the case in the case log (see `csr cases`).")
]
BuyerOpt = Annotated[
    str | None, typer.Option("--buyer", metavar="ACCOUNT", help="The buyer's account (帐号).")
]
OrderOpt = Annotated[str | None, typer.Option("--order", help="The order number.")]
ItemOpt = Annotated[str | None, typer.Option("--item", help="The item (款式).")]
KeyOpt = Annotated[
    str | None,
    typer.Option(
        "--idempotency-key", metavar="KEY", help="Retries with the same key never record twice."
    ),
]
DueOpt = Annotated[
    str | None,
    typer.Option(
        "--due",
        metavar="WHEN",
        help="When to follow up: 明天10点, 今天下午3点, +2h, or an ISO time.",
    ),
]
