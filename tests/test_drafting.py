"""Drafting a reply: one core function, the same precedence and policy for every command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from policy_helpers import write_policy
from typer.testing import CliRunner

from csr_cli.cli import app
from csr_cli.config import set_value
from csr_cli.errors import MissingValues, UsageError
from csr_cli.phrasebook.cache import open_phrasebook
from csr_cli.policy.model import load_policy
from csr_cli.replies import Needed, draft_reply, known_values

runner = CliRunner()

SHOP_POLICY = "shipping:\n  free_threshold: 128\n  ems:\n    fee: 25\n"


@pytest.fixture
def shop_policy(tmp_path: Path) -> Path:
    return write_policy(tmp_path / "shop.yaml", SHOP_POLICY)


def entry(key: str):  # type: ignore[no-untyped-def]
    found = open_phrasebook().get(key)
    assert found is not None
    return found


def test_the_shipping_draft_quotes_the_policy_it_computed_with(shop_policy: Path) -> None:
    """Regression: the draft read the default policy (满98) while the working used --policy."""
    result = runner.invoke(
        app,
        ["shipping", "--to", "浙江", "--amount", "60", "--policy", str(shop_policy), "--json"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["short_of_free"] == "68.00"
    assert "128" in data["reply"]["text"]
    assert "98" not in data["reply"]["text"]


@pytest.mark.parametrize("how", ["option", "env"])
@pytest.mark.parametrize(
    "argv",
    [
        ["reply", "free-shipping-request", "-v", "1"],
        ["search", "能包邮吗", "--copy"],
        ["shipping", "--to", "浙江", "--amount", "60"],
    ],
)
def test_every_command_drafts_with_the_shop_policy(
    shop_policy: Path, how: str, argv: list[str], clip: object
) -> None:
    args = [*argv, "--policy", str(shop_policy)] if how == "option" else argv
    env = {"CSR_POLICY": str(shop_policy)} if how == "env" else None
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    copied = clip.copies[-1]  # type: ignore[attr-defined]
    assert "128" in copied and "98" not in copied


def test_precedence_default_config_given_computed() -> None:
    bulk = entry("bargain-counter-offer")
    assert "amount" in bulk.placeholders
    set_value("amount", "100")
    assert "100" in draft_reply(bulk, variant=1, remember=False).text
    assert "110" in draft_reply(bulk, variant=1, given={"amount": "110"}, remember=False).text
    with pytest.raises(UsageError, match="would contradict the computed amount"):
        draft_reply(bulk, given={"amount": "110"}, computed={"amount": "120"})
    assert "120" in draft_reply(bulk, variant=1, computed={"amount": "120"}, remember=False).text


def test_the_policy_decides_its_placeholders(shop_policy: Path) -> None:
    free = entry("free-shipping-request")
    policy = load_policy(shop_policy)
    assert "128" in draft_reply(free, variant=1, policy=policy, remember=False).text
    with pytest.raises(
        UsageError, match=r"given threshold=99 contradicts the shop profile \(128\)"
    ):
        draft_reply(free, variant=1, policy=policy, given={"threshold": "99"})
    set_value("threshold", "50")
    reply = draft_reply(free, variant=1, policy=policy, remember=False)
    assert reply.notes == (
        "note: the shop profile's threshold (128) is used, not the config's (50)",
    )


def test_missing_values_are_asked_for_or_refused() -> None:
    offer = entry("bargain-counter-offer")
    with pytest.raises(MissingValues) as refused:
        draft_reply(offer, variant=1)
    assert refused.value.names == ["amount"]
    asked: list[Needed] = []

    def ask(needed: Needed) -> str:
        asked.append(needed)
        return "129"

    assert "129" in draft_reply(offer, variant=1, ask=ask).text
    assert [needed.name for needed in asked] == ["amount"]


def test_rotation_and_use_are_recorded_once_per_draft() -> None:
    bargain = entry("bargain")
    first = draft_reply(bargain)
    second = draft_reply(bargain)
    assert (first.variant, second.variant) == (1, 2)
    assert draft_reply(bargain, remember=False).variant == 3
    assert draft_reply(bargain).variant == 3
    from csr_cli.search.usage import use_counts

    assert use_counts()["bargain"] == 3


def test_the_picker_preview_uses_the_same_values(shop_policy: Path) -> None:
    set_value("shop", "小美家")
    values = known_values(None, given={"agent": "阿青"}, policy=load_policy(shop_policy)).values
    assert values["shop"] == "小美家"
    assert values["agent"] == "阿青"
    assert values["threshold"] == "128"
    assert values["ems_fee"] == "25"


def test_a_shop_fact_the_profile_leaves_out_is_asked_of_the_profile() -> None:
    result = CliRunner().invoke(app, ["reply", "ship-time", "-v", "1", "--no-copy"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: reply 'ship-time' needs a value for ship_by: pass --set ship_by=… or state it "
        "in the shop profile (the policy file, see `csr config path`)\n"
    )


@pytest.mark.parametrize(
    ("entry_id", "shop_file", "rule"),
    [
        ("remote-area", "shipping:\n  free_to_remote: true\n", "remote regions go by EMS"),
        (
            "refund-shipping-deducted",
            "refund:\n  deduct_outbound_shipping: false\n",
            "a no-reason refund deducts the outbound shipping",
        ),
    ],
)
def test_a_phrase_stating_a_rule_the_shop_lacks_is_refused(
    tmp_path: Path, entry_id: str, shop_file: str, rule: str
) -> None:
    assert CliRunner().invoke(app, ["reply", entry_id, "-v", "1", "--no-copy"]).exit_code in (0, 2)
    shop = write_policy(tmp_path / "shop.yaml", shop_file)
    result = CliRunner().invoke(
        app, ["reply", entry_id, "-v", "1", "--no-copy", "--policy", str(shop)]
    )
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"'{entry_id}' says {rule}" in result.stderr
    assert "a rule your shop doesn't have" in result.stderr


def test_an_unknown_shop_rule_in_requires_is_a_schema_error(tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text(
        "entries:\n  - id: x\n    requires: [free-lunch]\n    variants: [亲，您好]\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["check", str(team)])
    assert result.exit_code == 1
    assert "field 'requires': unknown shop rule 'free-lunch'" in result.stdout
