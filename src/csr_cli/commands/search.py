"""`csr search`: find the reply for a buyer's message, an id, an alias or a pinyin shortcut."""

from __future__ import annotations

from collections.abc import Sequence
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
from csr_cli.phrasebook.schema import messages_of
from csr_cli.search.ranking import Hit, search

PREVIEW_CHARS = 60
WHY_TERMS = 8  # matched terms shown per result with --explain


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
    intents: Annotated[
        bool,
        typer.Option(
            "--intents",
            "-i",
            help="Also split a message that asks several things into its questions, each with "
            'its best replies (with --json: {"results": [...], "intents": [...]}).',
        ),
    ] = False,
    explain: Annotated[
        bool,
        typer.Option("--explain", help="Show why each result ranked: matched terms and weights."),
    ] = False,
    given: SetOpt = None,
    product: ProductOpt = None,
    policy_file: PolicyOpt = None,
    no_copy: NoCopyOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Find the best replies for a buyer's message, best first."""
    book, message, role_name = open_phrasebook(), " ".join(query), role.value if role else None
    hits = search(book, message, limit=limit, role=role_name, explain=explain)
    found = []
    if intents:
        from csr_cli.search.intents import find_intents  # only when asked for

        found = find_intents(book, message, limit=limit, role=role_name)
    if as_json:
        results = _hits_json(hits, explain)
        if intents:
            parts = [{"clause": i.clause, "results": _hits_json(i.hits, False)} for i in found]
            print_json({"results": results, "intents": parts})
        else:  # a bare list, as before --intents existed
            print_json(results)
    else:
        render = _render_rich if use_rich() else _render_plain
        render(hits, explain)
        for number, intent in enumerate(found, start=1):
            typer.echo(f"\nquestion {number}: {intent.clause}")
            render(list(intent.hits), False)
    if not hits:
        note("no matching reply; try other words, pinyin initials, or `csr list`")
    elif copy:
        policy = shop_policy(policy_file)
        reply = draft(hits[0].entry, given=given, policy=policy, product=product)
        note(f"{reply.id} ({reply.variant}/{reply.variants}):\n{reply.text}")
        deliver(reply.text, no_copy=no_copy, render=lambda: None)


def _hits_json(hits: Sequence[Hit], explain: bool) -> list[dict[str, object]]:
    return [_hit_json(rank, hit, explain) for rank, hit in enumerate(hits, start=1)]


def _hit_json(rank: int, hit: Hit, explain: bool) -> dict[str, object]:
    entry = hit.entry
    why = {"why": [{"term": term, "weight": weight} for term, weight in hit.why]}
    return {
        "rank": rank,
        "id": entry.id,
        "score": hit.score,
        "title": entry.title,
        "title_zh": entry.title_zh,
        "role": entry.role,
        "text": "\n".join(messages_of(entry.variants[0])),
        "matched": list(hit.matched),
        **(why if explain else {}),
    }


def _preview(hit: Hit) -> str:
    text = " ".join(messages_of(hit.entry.variants[0])).replace("\n", " ")
    return text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS] + "…"


def _why(hit: Hit) -> str:
    """The terms that ranked a hit, e.g. `score 41.6 = k:包邮 12.3 + b:包邮 8.1 + …`."""
    parts = " + ".join(f"{term} {weight:g}" for term, weight in hit.why[:WHY_TERMS])
    more = f" + {len(hit.why) - WHY_TERMS} more" if len(hit.why) > WHY_TERMS else ""
    bonus = hit.score - sum(weight for _, weight in hit.why)
    extra = f" + id/alias {bonus:.3g}" if bonus > 1 else ""
    return f"score {hit.score:g} = {parts or '-'}{more}{extra}"


def _render_plain(hits: list[Hit], explain: bool) -> None:
    for rank, hit in enumerate(hits, start=1):
        typer.echo(f"{rank}\t{hit.entry.id}\t{hit.entry.title_zh}\t{_preview(hit)}")
        if explain:
            typer.echo(f"\t{_why(hit)}")


def _render_rich(hits: list[Hit], explain: bool) -> None:
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
        if explain:
            preview.append(f"\n{_why(hit)}", style="dim")
        table.add_row(str(rank), Text(hit.entry.id, style="cyan"), title, preview)
    console().print(table)
