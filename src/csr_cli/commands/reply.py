"""`csr reply`, `csr show` and `csr list`: get replies out of the phrasebook."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import typer

from csr_cli.commands._common import (
    JsonOpt,
    NoCopyOpt,
    PolicyOpt,
    ProductOpt,
    SetOpt,
    console,
    deliver,
    draft,
    print_json,
    shop_policy,
    use_rich,
)
from csr_cli.errors import UsageError
from csr_cli.phrasebook.cache import open_phrasebook
from csr_cli.phrasebook.schema import Entry, messages_of
from csr_cli.replies import find_entry

if TYPE_CHECKING:
    from csr_cli.policy.model import Policy


class Role(str, Enum):
    presale = "presale"
    insale = "insale"
    aftersale = "aftersale"
    general = "general"


def complete_key(incomplete: str) -> list[str]:
    """Ids and aliases for shell completion."""
    return [key for key in open_phrasebook().ids_and_aliases() if key.startswith(incomplete)]


IdArg = Annotated[
    str, typer.Argument(help="Reply id or alias, e.g. bargain.", autocompletion=complete_key)
]


def reply(
    entry_ids: Annotated[
        list[str],
        typer.Argument(
            help="Reply id or alias, e.g. bargain; several ids compose one answer.",
            autocompletion=complete_key,
            metavar="ID...",
        ),
    ],
    variant: Annotated[
        int | None, typer.Option("--variant", "-v", help="Variant number (default: rotate).")
    ] = None,
    each: Annotated[
        bool,
        typer.Option(
            "--each",
            help="Send every part as a message of its own (copied one by one on a terminal) "
            "instead of joining parts while they fit.",
        ),
    ] = False,
    max_chars: Annotated[
        int | None,
        typer.Option(
            "--max-chars",
            metavar="N",
            help="The longest message the chat client takes (default: config message_limit, "
            "else 500).",
        ),
    ] = None,
    given: SetOpt = None,
    product: ProductOpt = None,
    policy_file: PolicyOpt = None,
    no_copy: NoCopyOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Print a reply and copy it to the clipboard; repeated calls rotate through its variants.
    Several ids compose one answer: greeting first, apology before remedy, closing last."""
    book = open_phrasebook()
    entries = [find_entry(book, key) for key in entry_ids]
    if variant is not None and len(entries) > 1:
        raise UsageError("--variant picks a variant of one reply; give one id", fields=("variant",))
    deliver_replies(
        [(entry, variant) for entry in entries],
        given=given,
        policy=shop_policy(policy_file),
        product=product,
        each=each,
        max_chars=max_chars,
        no_copy=no_copy,
        as_json=as_json,
    )


def deliver_replies(
    chosen: Sequence[tuple[Entry, int | None]],
    *,
    given: list[str] | None,
    policy: Policy | None,
    product: str | None,
    no_copy: bool,
    each: bool = False,
    max_chars: int | None = None,
    as_json: bool = False,
) -> None:
    """Draft the chosen entries (each with its 1-based variant, None to rotate), print them and
    copy them: one reply of one message as it is, anything more composed into chat messages.
    `csr reply` and `csr pick` both end here."""
    entries = [entry for entry, _ in chosen]
    drafted = [
        (
            entry,
            draft(
                entry,
                given=_given_for(entry, entries, given),
                variant=variant,
                policy=policy,
                product=product,
            ),
        )
        for entry, variant in chosen
    ]
    result = drafted[0][1]
    if len(drafted) == 1 and len(result.messages) == 1 and not each and max_chars is None:
        deliver(
            result.text,
            no_copy=no_copy,
            render=(lambda: print_json(result.to_json()))
            if as_json
            else (lambda: typer.echo(result.text)),
        )
        return
    from csr_cli.commands.composing import deliver_composed

    deliver_composed(drafted, each=each, max_chars=max_chars, no_copy=no_copy, as_json=as_json)


def _given_for(entry: Entry, entries: list[Entry], given: list[str] | None) -> list[str] | None:
    """The --set values one of several replies uses; a value none uses goes to the first, whose
    draft then points it out."""
    if given is None or len(entries) == 1:
        return given

    def key(item: str) -> str:
        return item.partition("=")[0].strip()

    unused = [i for i in given if not any(key(i) in e.placeholders for e in entries)]
    mine = [item for item in given if key(item) in entry.placeholders]
    return mine + (unused if entry is entries[0] else [])


def show(entry_id: IdArg, as_json: JsonOpt = False) -> None:
    """Show every variant of a reply, numbered, with its placeholders."""
    entry = find_entry(open_phrasebook(), entry_id)
    if as_json:
        print_json(entry.to_dict())
    elif use_rich():
        _show_rich(entry)
    else:
        _show_plain(entry)


def list_entries(
    role: Annotated[Role | None, typer.Option("--role", "-r", help="Only this role.")] = None,
    tag: Annotated[
        str | None, typer.Option("--tag", "-t", help="Only entries with this tag.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List the replies in every phrasebook layer."""
    entries = [
        entry
        for entry in open_phrasebook().entries()
        if (role is None or entry.role == role.value) and (tag is None or tag in entry.tags)
    ]
    if as_json:
        print_json([entry.to_dict() for entry in entries])
    elif use_rich():
        _list_rich(entries)
    else:
        for entry in entries:
            typer.echo("\t".join([entry.id, entry.role, entry.title_zh, entry.title]))


def _header(entry: Entry) -> list[str]:
    lines = [f"{entry.id} — {entry.title} ({entry.title_zh}) [{entry.role}, {entry.layer}]"]
    if entry.aliases:
        lines.append(f"aliases: {', '.join(entry.aliases)}")
    if entry.placeholders:
        shown = (f"{k}={v}" if v is not None else k for k, v in entry.placeholders.items())
        lines.append(f"placeholders: {', '.join(shown)}")
    return lines


def _numbered(variants: tuple[str, ...]) -> list[str]:
    """Numbered variants; the messages of a variant sent as several are marked [1/3], [2/3]…"""
    lines = []
    for number, variant in enumerate(variants, start=1):
        messages = messages_of(variant)
        for index, text in enumerate(messages, start=1):
            mark = f"[{index}/{len(messages)}] " if len(messages) > 1 else ""
            first, *rest = text.splitlines() or [""]
            lines.append(f"{number}. {mark}{first}" if index == 1 else f"   {mark}{first}")
            lines.extend(f"   {line}" for line in rest)
    return lines


def _show_plain(entry: Entry) -> None:
    typer.echo("\n".join(_header(entry) + _numbered(entry.variants)))


def _show_rich(entry: Entry) -> None:
    from rich.text import Text

    out = console()
    header, *details = _header(entry)
    out.print(Text(header, style="bold"))
    for line in details:
        out.print(Text(line, style="dim"))
    for line in _numbered(entry.variants):
        text = Text(line)
        text.highlight_regex(r"\{[A-Za-z_][A-Za-z0-9_]*\}", "bold magenta")
        out.print(text)


def _list_rich(entries: list[Entry]) -> None:
    from rich.table import Table

    table = Table(box=None, header_style="bold")
    for column in ("id", "role", "标题", "title", "variants", "aliases"):
        table.add_column(column)
    for entry in entries:
        table.add_row(
            entry.id,
            entry.role,
            entry.title_zh,
            entry.title,
            str(len(entry.variants)),
            ", ".join(entry.aliases),
        )
    console().print(table)
