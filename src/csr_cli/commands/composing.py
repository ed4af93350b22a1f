"""Delivering an answer of several messages: `csr reply ID1 ID2 …` and multi-message replies."""

from __future__ import annotations

from collections.abc import Sequence

import typer

from csr_cli.commands._common import deliver, interactive, note, print_json
from csr_cli.compose import compose, message_limit
from csr_cli.config import load_config
from csr_cli.phrasebook.schema import Entry
from csr_cli.replies import Reply


def deliver_composed(
    drafted: Sequence[tuple[Entry, Reply]],
    *,
    each: bool,
    max_chars: int | None,
    no_copy: bool,
    as_json: bool,
) -> None:
    """Print and copy the composed answer. One message is copied whole; several are copied one
    at a time on a terminal (Enter for the next); piped, only the first is copied."""
    composed = compose(drafted, limit=message_limit(load_config(), max_chars), separate=each)
    messages = composed.messages
    if as_json:
        print_json(composed.to_json())
    one_by_one = len(messages) > 1 and interactive() and not (as_json or no_copy)
    for number, message in enumerate(messages, start=1):
        if not as_json:
            if number > 1 and not one_by_one:
                typer.echo("")  # piped: a blank line between messages
            typer.echo(message)
        if number == 1 or one_by_one:
            deliver(message, no_copy=no_copy, render=lambda: None)
        if one_by_one and number < len(messages):
            typer.prompt(
                f"message {number}/{len(messages)} copied; Enter copies the next",
                default="",
                show_default=False,
                err=True,
            )
    if len(messages) > 1 and not one_by_one and not (no_copy or _copy_disabled()):
        note(f"copied message 1 of {len(messages)}; on a terminal csr copies them one by one")


def _copy_disabled() -> bool:
    from csr_cli import clipboard

    return clipboard.copy_disabled()
