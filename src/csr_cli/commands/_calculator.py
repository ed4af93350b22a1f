"""What the policy calculators share: the --policy option, the drafted reply, and rendering."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Protocol

import typer

from csr_cli.commands._common import build_reply, console, deliver, note, print_json, use_rich
from csr_cli.config import parse_assignments
from csr_cli.errors import UsageError
from csr_cli.phrasebook.cache import open_phrasebook
from csr_cli.policy.model import Policy, Rule, load_policy
from csr_cli.replies import Reply, choose_variant, find_entry, remember_variant

PolicyOpt = Annotated[
    Path | None,
    typer.Option(
        "--policy",
        metavar="FILE",
        help="Shop policy YAML over the defaults (else CSR_POLICY, else policy.yaml in the "
        "config dir).",
    ),
]


@dataclass(frozen=True)
class View:
    """What a human reads: the answer, how it was reached, and the rule behind it."""

    headline: str
    steps: Sequence[str]
    rule: Rule
    warnings: Sequence[str]


def policy(option: Path | None) -> Policy:
    """The policy in force; legal-floor corrections are always shown, JSON or not."""
    loaded = load_policy(option)
    for warning in loaded.warnings:
        note(f"warning: {warning}")
    return loaded


def draft(reply_id: str, computed: Mapping[str, str], assignments: list[str] | None) -> Reply:
    """The phrasebook reply `reply_id` with the computed amounts filled in, rotating variants."""
    clash = sorted(set(parse_assignments(assignments or [])) & set(computed))
    if clash:
        raise UsageError(
            f"--set {clash[0]}=… would contradict the computed {clash[0]}; change the inputs instead"
        )
    entry = find_entry(open_phrasebook(), reply_id)
    index = choose_variant(entry, None)
    reply = build_reply(entry, index, assignments, computed)
    remember_variant(entry, index)
    return reply


class Calculation(Protocol):
    """A calculator's result: its JSON form and the phrasebook reply it drafts."""

    @property
    def reply_id(self) -> str: ...

    @property
    def reply_values(self) -> Mapping[str, str]: ...

    def to_json(self) -> dict[str, Any]: ...


def finish(
    result: Calculation,
    *,
    view: View,
    loaded: Policy,
    assignments: list[str] | None,
    as_json: bool,
    no_copy: bool,
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Draft the reply, print the result (JSON or the working) and copy the reply."""
    reply = draft(result.reply_id, result.reply_values, assignments)
    if as_json:
        data = {**result.to_json(), **(extra or {})}
        payload = {**data, "warnings": [*loaded.warnings, *data.get("warnings", [])]}
        payload["reply"] = reply.to_json()
        deliver(reply.text, no_copy=no_copy, render=lambda: print_json(payload))
    else:
        deliver(reply.text, no_copy=no_copy, render=lambda: _render(view, reply))


def _lines(view: View, reply: Reply) -> tuple[list[str], list[str]]:
    """The working (before the warnings) and the reply (after them)."""
    working = [view.headline, *(f"  {step}" for step in view.steps)]
    working.append(f"rule [{view.rule.source}]: {view.rule.text}")
    drafted = [f"reply ({reply.id}, variant {reply.variant} of {reply.variants}):", reply.text]
    return working, drafted


def _render(view: View, reply: Reply) -> None:
    working, drafted = _lines(view, reply)
    if not use_rich():
        typer.echo("\n".join(working))
        for warning in view.warnings:
            note(f"warning: {warning}")
        typer.echo("\n".join(drafted))
        return
    from rich.console import Console
    from rich.text import Text

    out = console()
    out.print(Text(working[0], style="bold"))
    for step in working[1:-1]:
        out.print(Text(step))
    out.print(Text(working[-1], style="dim"))
    err = Console(stderr=True, highlight=False)
    for warning in view.warnings:
        err.print(Text(f"warning: {warning}", style="yellow"))
    out.print(Text(drafted[0], style="dim"))
    out.print(Text(drafted[1], style="cyan"))
