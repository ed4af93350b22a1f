"""What every policy calculator returns: its answer, the working, the rule and the reply to draft."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from csr_cli.errors import UsageError
from csr_cli.policy.model import Rule


@dataclass(frozen=True, kw_only=True)
class Calculation:
    """The shared half of a calculator's result; each calculator adds its own facts.

    `reply_id` names the phrasebook entry that explains the answer to the buyer and
    `reply_values` the computed amounts it quotes (drafting fills them in).
    """

    rule: Rule
    steps: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    reply_id: str
    reply_values: dict[str, str] = field(default_factory=dict)

    # The JSON key the working is listed under (return-check calls its steps "reasons").
    steps_key = "steps"

    @property
    def headline(self) -> str:
        """The answer in one line, as the working's first line."""
        raise NotImplementedError

    def facts(self) -> dict[str, object]:
        """The calculator's own fields for JSON, amounts as two-decimal strings."""
        raise NotImplementedError

    def case_fields(self) -> dict[str, Any]:
        """What the after-sale handbook records for this answer (`NewCase` fields: kind,
        reason, amount, …); the buyer and order come from the agent."""
        raise UsageError(
            f"record: {self.reply_id} is not a case the after-sale log keeps; record it with "
            "`csr cases record` if it is one",
            fields=("record",),
        )

    def to_json(self) -> dict[str, object]:
        return {
            **self.facts(),
            "rule": self.rule.text,
            "source": self.rule.source,
            self.steps_key: list(self.steps),
            "warnings": list(self.warnings),
        }
