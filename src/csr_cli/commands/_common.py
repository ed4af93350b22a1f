"""What every command shares: options, output mode, JSON, notes, and delivering a reply."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from csr_cli.config import parse_assignments
from csr_cli.errors import UsageError
from csr_cli.phrasebook.schema import Entry
from csr_cli.replies import Ask, Reply, draft_reply

if TYPE_CHECKING:
    from rich.console import Console

    from csr_cli.policy.model import Policy

JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]
NoCopyOpt = Annotated[
    bool, typer.Option("--no-copy", help="Do not copy to the clipboard (or set CSR_NO_COPY=1).")
]
PolicyOpt = Annotated[
    Path | None,
    typer.Option(
        "--policy",
        metavar="FILE",
        help="Shop policy YAML over the defaults (else CSR_POLICY, else policy.yaml in the "
        "config dir).",
    ),
]
ProductOpt = Annotated[
    str | None,
    typer.Option(
        "--product",
        "-p",
        metavar="SKU",
        help="Fill the product's facts (material, sizes, care…) from the shop's catalogue.",
    ),
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set", "-s", metavar="KEY=VALUE", help="Fill a placeholder, e.g. --set shop=小美家."
    ),
]


def use_rich() -> bool:
    """Rich formatting only for a human at a terminal; plain text when piped or NO_COLOR."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


def console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def note(message: str) -> None:
    typer.echo(message, err=True)


def interactive() -> bool:
    """Whether we may ask the agent questions (prompts go to stderr, so stdout may be piped)."""
    return sys.stdin.isatty() and sys.stderr.isatty()


def read_stdin_text(what: str) -> str:
    """All of stdin as UTF-8 text (a BOM is allowed), with line breaks made `\\n`.

    Read as bytes and decoded strictly: text-mode stdin decodes with surrogateescape, which lets
    a GBK draft through as garbage instead of failing. `what` names the text in the error."""
    data = typer.get_binary_stream("stdin").read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"stdin is not UTF-8 text (byte {exc.start + 1}, 0x{data[exc.start]:02X}: "
            f"{exc.reason}); save the {what} as UTF-8 (or convert with iconv -f GBK -t UTF-8) and retry"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def policy_in_force(option: Path | None) -> Policy:
    """The shop policy a command computes with; legal-floor corrections are always shown."""
    from csr_cli.policy.model import load_policy

    loaded = load_policy(option)
    for warning in loaded.warnings:
        note(f"warning: {warning}")
    return loaded


def shop_policy(option: Path | None) -> Policy | None:
    """The policy `--policy` names, else None: drafting then loads the policy in force only
    when a reply quotes it, which keeps `csr reply` from parsing a policy it doesn't need."""
    return None if option is None else policy_in_force(option)


def ask_on_terminal() -> Ask | None:
    """A prompt per missing placeholder when a person is at the terminal, else None."""
    if not interactive():
        return None
    return lambda needed: typer.prompt(
        f"{needed.name} ({needed.description})", default=needed.default, err=True
    )


def draft(
    entry: Entry,
    *,
    given: list[str] | None,
    variant: int | None = None,
    computed: Mapping[str, str] | None = None,
    policy: Policy | None = None,
    product: str | None = None,
) -> Reply:
    """The core's draft of `entry` with the `--set` values, asking on a terminal; its notes and
    any house-tone problems go to stderr."""
    reply = draft_reply(
        entry,
        variant=variant,
        given=parse_assignments(given or []),
        computed=computed,
        policy=policy,
        product=product,
        ask=ask_on_terminal(),
    )
    for line in reply.notes:
        note(line)
    if reply.tone_problems:
        note(
            f"! '{reply.id}' ({entry.layer} phrase) breaks the house tone; check it before sending:"
        )
        for problem in reply.tone_problems:
            note(f"  {problem}")
    return reply


def deliver(text: str, *, no_copy: bool, render: Callable[[], None]) -> None:
    """Print the result with `render`, then copy `text` and say so on stderr."""
    render()
    if no_copy:
        return
    from csr_cli import clipboard  # not needed by --no-copy runs; keeps start-up lean

    if clipboard.copy_disabled():
        return
    terminal = sys.stderr if sys.stderr.isatty() else None
    result = clipboard.copy(text, terminal)
    note(("✓ " if result.copied else "! ") + result.note)
