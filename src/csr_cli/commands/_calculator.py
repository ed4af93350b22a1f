"""What the policy calculators share: their common options, the drafted reply, and rendering.

A calculator command is a function decorated with `@calculator`: it takes its own options and
the policy in force (`policy`), and returns the core's `Calculation`. The decorator adds
`--policy`, `--set`, `--no-copy` and `--json`, loads the policy, drafts the reply with the
computed values and that same policy, and prints and copies it. `recordable=True` also adds
`--record` with the buyer, order and item, which records the answer in the case log first.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import typer

from csr_cli.commands._common import (
    JsonOpt,
    NoCopyOpt,
    PolicyOpt,
    SetOpt,
    console,
    deliver,
    draft,
    note,
    policy_in_force,
    print_json,
    use_rich,
)
from csr_cli.commands._record_options import (
    BuyerOpt,
    DueOpt,
    ItemOpt,
    KeyOpt,
    NoteOpt,
    OrderOpt,
    RecordOpt,
)
from csr_cli.errors import UsageError
from csr_cli.money import FEN
from csr_cli.phrasebook.cache import open_phrasebook
from csr_cli.policy.model import Policy
from csr_cli.policy.result import Calculation
from csr_cli.replies import Reply, find_entry

if TYPE_CHECKING:
    import inspect

# The options every calculator takes, after its own, as (name, annotation, default).
SHARED_OPTIONS: tuple[tuple[str, Any, Any], ...] = (
    ("policy_file", PolicyOpt, None),
    ("given", SetOpt, None),
    ("no_copy", NoCopyOpt, False),
    ("as_json", JsonOpt, False),
)
# And those of a calculator whose answer the after-sale handbook records (`recordable`).
RECORD_OPTIONS: tuple[tuple[str, Any, Any], ...] = (
    ("record", RecordOpt, False),
    ("buyer", BuyerOpt, None),
    ("order", OrderOpt, None),
    ("item", ItemOpt, None),
    ("note", NoteOpt, None),
    ("due", DueOpt, None),
    ("idempotency_key", KeyOpt, None),
)


class CalculatorCommand:
    """A calculator command as Typer registers it: called with every option, and with the
    signature Typer reads — compute's own options, then the shared ones, not the `policy` the
    command passes itself. The signature is built only when Typer asks for it: it needs
    `inspect`, several milliseconds the fast path (which parses from its table) never spends.
    """

    def __init__(
        self,
        compute: Callable[..., Calculation],
        run: Callable[..., None],
        added: tuple[tuple[str, Any, Any], ...],
    ) -> None:
        self.__name__ = compute.__name__
        self.__qualname__ = compute.__qualname__
        self.__module__ = compute.__module__
        self.__doc__ = compute.__doc__
        self.__annotations__: dict[str, Any] = {}  # the signature's annotations are evaluated
        self._compute = compute
        self._run = run
        self._added = added

    def __call__(self, **options: Any) -> None:
        self._run(**options)

    @functools.cached_property
    def __signature__(self) -> inspect.Signature:
        import inspect

        own = inspect.signature(self._compute, eval_str=True)
        params = [p for p in own.parameters.values() if p.name != "policy"]
        params += [
            inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, annotation=kind, default=default
            )
            for name, kind, default in self._added
        ]
        return own.replace(parameters=params, return_annotation=None)


def calculator(
    *,
    recordable: bool = False,
    refused: Callable[[Any], bool] | None = None,
) -> Callable[[Callable[..., Calculation]], Callable[..., None]]:
    """Make `compute(**own options, policy=…)` a calculator command.

    `recordable` adds the `--record` options; `refused` makes the command exit 1 after
    printing when the answer is a refusal (so `csr return-check … && …` stops).
    """
    added = (*SHARED_OPTIONS, *(RECORD_OPTIONS if recordable else ()))

    def decorate(compute: Callable[..., Calculation]) -> Callable[..., None]:
        def run(**options: Any) -> None:
            shared = {name: options.pop(name) for name, _kind, _default in added}
            loaded = policy_in_force(shared["policy_file"])
            result = compute(**options, policy=loaded)
            case = record(result, shared) if recordable else None
            finish(
                result,
                loaded=loaded,
                given=shared["given"],
                as_json=shared["as_json"],
                no_copy=shared["no_copy"],
                extra={"case": case} if case else None,
            )
            if refused is not None and refused(result):
                raise typer.Exit(1)

        return CalculatorCommand(compute, run, added)

    return decorate


def record(result: Calculation, options: Mapping[str, Any]) -> dict[str, object] | None:
    """Record the answer in the case log when `--record` asks; the stored case for JSON.

    Recording comes before any output: when the log can't be reached, the agent sees that the
    case was NOT recorded instead of a reply that looks done."""
    details = [name for name, _kind, _default in RECORD_OPTIONS[1:] if options[name] is not None]
    if not options["record"]:
        if details:
            raise UsageError(
                f"{details[0]} is for recording the case; add record (or leave it out)",
                fields=(details[0], "record"),
            )
        return None
    if not options["buyer"]:
        raise UsageError(
            "record needs buyer: the buyer's account (帐号) finance pays",
            fields=("record", "buyer"),
        )
    from csr_cli.cases import CaseKind, NewCase, record_case, shop_timezone
    from csr_cli.commands._caselog import due_time

    fields = dict(result.case_fields())
    fields["kind"] = CaseKind(fields["kind"])
    fields["amount"] = Decimal(fields["amount"]).quantize(FEN)
    recorded = record_case(
        NewCase(
            **fields,
            buyer=options["buyer"],
            order=options["order"],
            item=options["item"],
            note=options["note"],
            due_at=due_time(options["due"], shop_timezone()),
            idempotency_key=options["idempotency_key"],
        )
    )
    case = recorded.case
    said = "recorded" if recorded.created else "already recorded (a retry)"
    note(f"✓ {said}: case #{case.id}, {case.kind.value}, {case.state.value}")
    return {"id": case.id, "state": case.state.value, "created": recorded.created}


def finish(
    result: Calculation,
    *,
    loaded: Policy,
    given: list[str] | None,
    as_json: bool,
    no_copy: bool,
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Draft the reply, print the result (JSON or the working) and copy the reply."""
    working = result.working
    entry = find_entry(open_phrasebook(), working.reply_id)
    reply = draft(entry, given=given, computed=working.reply_values, policy=loaded)
    if as_json:
        data = {**result.to_json(), **(extra or {})}
        payload = {**data, "warnings": [*loaded.warnings, *working.warnings]}
        payload["reply"] = reply.to_json()
        deliver(reply.text, no_copy=no_copy, render=lambda: print_json(payload))
    else:
        deliver(reply.text, no_copy=no_copy, render=lambda: _render(result, reply))


def _lines(result: Calculation, reply: Reply) -> tuple[list[str], list[str]]:
    """The working (before the warnings) and the reply (after them)."""
    rule = result.working.rule
    working = [result.headline, *(f"  {step}" for step in result.working.steps)]
    working.append(f"rule [{rule.source}]: {rule.text}")
    drafted = [f"reply ({reply.id}, variant {reply.variant} of {reply.variants}):", reply.text]
    return working, drafted


def _render(result: Calculation, reply: Reply) -> None:
    working, drafted = _lines(result, reply)
    if not use_rich():
        typer.echo("\n".join(working))
        for warning in result.working.warnings:
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
    for warning in result.working.warnings:
        err.print(Text(f"warning: {warning}", style="yellow"))
    out.print(Text(drafted[0], style="dim"))
    out.print(Text(drafted[1], style="cyan"))
