"""`csr search`: find the reply for a buyer's message, an id, an alias or a pinyin shortcut."""

from __future__ import annotations

from typing import Annotated

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
    note,
    print_json,
    shop_policy,
    use_rich,
)
from csr_cli.commands.reply import Role
from csr_cli.phrasebook.cache import open_phrasebook
from csr_cli.search.ranking import Hit, search

PREVIEW_CHARS = 60


def search_command(
    query: Annotated[
        list[str], typer.Argument(help="The buyer's message, an id, an alias or pinyin (yj).")
    ],
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, max=1000, help="How many results.")
    ] = 5,
    role: Annotated[Role | None, typer.Option("--role", "-r", help="Only this role.")] = None,
    copy: Annotated[
        bool, typer.Option("--copy", "-c", help="Copy the top result's reply, as `csr reply`.")
    ] = False,
    given: SetOpt = None,
    product: ProductOpt = None,
    policy_file: PolicyOpt = None,
    no_copy: NoCopyOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Find the best replies for a buyer's message, best first."""
    hits = search(
        open_phrasebook(), " ".join(query), limit=limit, role=role.value if role else None
    )
    if as_json:
        print_json([_hit_json(rank, hit) for rank, hit in enumerate(hits, start=1)])
    elif use_rich():
        _render_rich(hits)
    else:
        _render_plain(hits)
    if not hits:
        note("no matching reply; try other words, pinyin initials, or `csr list`")
    elif copy:
        policy = shop_policy(policy_file)
        reply = draft(hits[0].entry, given=given, policy=policy, product=product)
        note(f"{reply.id} ({reply.variant}/{reply.variants}):\n{reply.text}")
        deliver(reply.text, no_copy=no_copy, render=lambda: None)


def _hit_json(rank: int, hit: Hit) -> dict[str, object]:
    entry = hit.entry
    return {
        "rank": rank,
        "id": entry.id,
        "score": hit.score,
        "title": entry.title,
        "title_zh": entry.title_zh,
        "role": entry.role,
        "text": entry.variants[0],
        "matched": list(hit.matched),
    }


def _preview(hit: Hit) -> str:
    text = hit.entry.variants[0].replace("\n", " ")
    return text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS] + "…"


def _render_plain(hits: list[Hit]) -> None:
    for rank, hit in enumerate(hits, start=1):
        typer.echo(f"{rank}\t{hit.entry.id}\t{hit.entry.title_zh}\t{_preview(hit)}")


def _render_rich(hits: list[Hit]) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, header_style="bold", show_edge=False)
    for column in ("#", "id", "title", "reply"):
        table.add_column(column, overflow="fold")
    for rank, hit in enumerate(hits, start=1):
        title = Text(f"{hit.entry.title_zh}\n{hit.entry.title}")
        preview = Text(_preview(hit))
        for piece in hit.matched:
            title.highlight_words([piece], "bold yellow")
            preview.highlight_words([piece], "bold yellow")
        table.add_row(str(rank), Text(hit.entry.id, style="cyan"), title, preview)
    console().print(table)
