"""What every policy calculator returns: its answer, the working, the rule and the reply to draft.

A result is a NamedTuple of the calculator's own facts plus `working`, the part every calculator
shares. (Records on the start-up path are NamedTuples, not dataclasses: importing `dataclasses`
pulls in `inspect`, several milliseconds of every calculator's start-up.)
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple, NoReturn, Protocol

from csr_cli.errors import UsageError
from csr_cli.policy.model import Rule


class Working(NamedTuple):
    """How a calculator reached its answer.

    `reply_id` names the phrasebook entry that explains the answer to the buyer and
    `reply_values` the computed amounts it quotes (drafting fills them in).
    """

    rule: Rule
    steps: tuple[str, ...]
    reply_id: str
    reply_values: Mapping[str, str] = MappingProxyType({})
    warnings: tuple[str, ...] = ()
    steps_key: str = "steps"  # the JSON key the steps are listed under (return-check: "reasons")


class Calculation(Protocol):
    """What the CLI and the case log need of any calculator's result."""

    @property
    def working(self) -> Working: ...

    @property
    def headline(self) -> str:
        """The answer in one line, as the working's first line."""
        ...

    def facts(self) -> dict[str, object]:
        """The calculator's own fields for JSON, amounts as two-decimal strings."""
        ...

    def case_fields(self) -> dict[str, Any]:
        """What the after-sale handbook records for this answer (`NewCase` fields: kind,
        reason, amount, …); the buyer and order come from the agent."""
        ...

    def to_json(self) -> dict[str, object]: ...


def calculation_json(result: Calculation) -> dict[str, object]:
    """A result as `--json` prints it: its facts, then the rule, the working and warnings."""
    working = result.working
    return {
        **result.facts(),
        "rule": working.rule.text,
        "source": working.rule.source,
        working.steps_key: list(working.steps),
        "warnings": list(working.warnings),
    }


def not_a_case(working: Working) -> NoReturn:
    """`case_fields` of an answer the after-sale log doesn't keep."""
    raise UsageError(
        f"record: {working.reply_id} is not a case the after-sale log keeps; record it with "
        "`csr cases record` if it is one",
        fields=("record",),
    )
