"""What every command shares: options, output mode, JSON, notes, and delivering a reply."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Annotated, Any

import typer

from csr_cli.config import load_config, parse_assignments
from csr_cli.errors import UsageError
from csr_cli.phrasebook.placeholders import POLICY_PLACEHOLDERS, names_in
from csr_cli.phrasebook.schema import Entry
from csr_cli.replies import Reply, compose, needed_values

if TYPE_CHECKING:
    from rich.console import Console

JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]
NoCopyOpt = Annotated[
    bool, typer.Option("--no-copy", help="Do not copy to the clipboard (or set CSR_NO_COPY=1).")
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


def placeholder_values(
    entry: Entry,
    index: int,
    assignments: list[str] | None,
    computed: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Config, --set, values a calculator `computed`, the shop policy's values (free-shipping
    threshold, EMS fee), then a prompt per missing value on a terminal, else entry defaults."""
    assigned = parse_assignments(assignments or [])
    unknown = sorted(set(assigned) - set(entry.placeholders) - set(computed or {}))
    if unknown:
        known = ", ".join(entry.placeholders) or "none"
        note(f"note: '{entry.id}' has no placeholder {', '.join(unknown)} (it has: {known})")
    configured = load_config()
    values = {**configured, **assigned, **(computed or {})}
    values.update(_policy_values(entry, index, assigned, configured))
    ask = interactive()
    for needed in needed_values(entry, index, values):
        if ask:
            values[needed.name] = typer.prompt(
                f"{needed.name} ({needed.description})", default=needed.default, err=True
            )
        elif needed.default is not None:
            values[needed.name] = needed.default
    return values


def _policy_values(
    entry: Entry, index: int, assigned: Mapping[str, str], configured: Mapping[str, str]
) -> dict[str, str]:
    """The shop policy's values for the policy placeholders this variant uses.

    They win over config and `--set`: the free-shipping threshold a reply quotes must be the
    one `csr shipping` applies. Loaded only when the variant uses one of them.
    """
    used = POLICY_PLACEHOLDERS & set(names_in(entry.variants[index]))
    if not used:
        return {}
    from csr_cli.policy.model import load_policy
    from csr_cli.policy.placeholders import policy_values

    decided = {key: value for key, value in policy_values(load_policy()).items() if key in used}
    for key, value in decided.items():
        if key in assigned and assigned[key] != value:
            raise UsageError(
                f"--set {key}={assigned[key]} contradicts the shop policy ({value}); "
                "change the policy file instead (see `csr config path`)"
            )
        if key in configured and configured[key] != value:
            note(
                f"note: the shop policy's {key} ({value}) is used, not the config's ({configured[key]})"
            )
    return decided


def build_reply(
    entry: Entry,
    index: int,
    assignments: list[str] | None,
    computed: Mapping[str, str] | None = None,
) -> Reply:
    reply = compose(entry, index, placeholder_values(entry, index, assignments, computed))
    warn_if_lint_problems(reply.text, entry)
    return reply


def warn_if_lint_problems(text: str, entry: Entry) -> None:
    """Warn on stderr when a team or personal phrase breaks a `csr lint` rule; it is still sent.
    Bundled phrases are linted by the test suite, so they cost nothing here."""
    if entry.layer == "bundled":
        return
    from csr_cli.errors import CsrError
    from csr_cli.lint.checker import lint_text, shop_data

    try:
        problems = lint_text(text, allow=shop_data(load_config().values()))
    except CsrError as exc:  # a broken tone.yaml must not stop the reply
        note(f"! lint skipped: {exc}")
        return
    if problems:
        note(
            f"! '{entry.id}' ({entry.layer} phrase) breaks the house tone; check it before sending:"
        )
        for problem in problems:
            note(f"  {problem.describe()}")


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
