"""`csr pick` (and a bare `csr` on a terminal): find, fill and copy a reply in a few keys, or
mark several and copy the answer composed from them, as `csr reply ID1 ID2 …` does."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from csr_cli.commands._common import NoCopyOpt, PolicyOpt, ProductOpt, SetOpt, shop_policy
from csr_cli.commands.reply import Role, deliver_replies
from csr_cli.config import parse_assignments
from csr_cli.errors import UsageError
from csr_cli.phrasebook.cache import open_phrasebook
from csr_cli.replies import known_values

CANCELLED_EXIT = 130  # what a shell reports for Ctrl-C, so `csr pick && …` stops


def on_terminal() -> bool:
    """Whether a person is at both ends: the picker reads keys and draws on the screen."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def pick(
    query: Annotated[
        list[str] | None, typer.Argument(help="Start with this query, e.g. yj or 能便宜点吗.")
    ] = None,
    role: Annotated[Role | None, typer.Option("--role", "-r", help="Only this role.")] = None,
    given: SetOpt = None,
    product: ProductOpt = None,
    policy_file: PolicyOpt = None,
    no_copy: NoCopyOpt = False,
) -> None:
    """Pick a reply interactively: type to search, Tab for variants, Ctrl-T to mark several for
    one answer, Enter to copy."""
    if not on_terminal():
        raise UsageError(
            "csr pick needs a terminal on stdin and stdout; in scripts and pipes use "
            "`csr search QUERY` (or `csr search QUERY --copy`)"
        )
    from csr_cli.picker.model import PickerModel
    from csr_cli.picker.screen import run_picker

    policy = shop_policy(policy_file)
    # The preview shows what Enter will send: the values drafting will use, before it asks.
    given_values = parse_assignments(given or [])
    values = known_values(None, given=given_values, policy=policy, product=product).values
    model = PickerModel(
        open_phrasebook(),
        values=values,
        role=role.value if role else None,
        policy=policy,
        product=product,
    )
    chosen = run_picker(model, query=" ".join(query or []))
    if chosen is None:
        raise typer.Exit(CANCELLED_EXIT)
    # The same path as `csr reply ID…`: missing placeholders are asked for, one by one, here.
    deliver_replies(
        [(entry, index + 1) for entry, index in chosen],
        given=given,
        policy=policy,
        product=product,
        no_copy=no_copy,
    )
