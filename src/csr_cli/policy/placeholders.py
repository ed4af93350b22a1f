"""Placeholder values the shop's policy decides, so a reply never contradicts `csr shipping`."""

from __future__ import annotations

from csr_cli.money import fmt_chat
from csr_cli.policy.model import Policy


def policy_values(policy: Policy) -> dict[str, str]:
    """The policy's value for each of placeholders.POLICY_PLACEHOLDERS that it sets."""
    values = {"ems_fee": fmt_chat(policy.shipping.ems_fee)}
    if policy.shipping.free_threshold is not None:
        values["threshold"] = fmt_chat(policy.shipping.free_threshold)
    return values
