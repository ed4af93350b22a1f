"""The replies the calculators draft: every one reachable, filled, and in the house tone."""

from __future__ import annotations

import re

import pytest
from policy_helpers import calc, run

from csr_cli.paths import bundled_phrasebook_dir
from csr_cli.phrasebook.placeholders import PLACEHOLDER_RE
from csr_cli.phrasebook.schema import Entry, LayerFile, load_file

CALCULATOR_ENTRIES = load_file(LayerFile(bundled_phrasebook_dir() / "calculators.yaml", "bundled"))

# One run per reply the calculators can draft, with the exit code it ends with.
SCENARIOS: list[tuple[list[str], int]] = [
    (["refund", "190", "--shipping", "10"], 0),
    (["refund", "190"], 0),
    (["refund", "190", "--reason", "quality", "--return-shipping", "12"], 0),
    (["refund", "190", "--reason", "quality"], 0),
    (["refund", "190", "--reason", "not-shipped"], 0),
    (["refund", "190", "--reason", "transit-damage"], 0),
    (["refund", "190", "--reason", "in-transit"], 0),
    (["refund", "110", "--items", "60,50", "--returning", "50", "--shipping", "10"], 0),
    (["compensate", "250"], 0),
    (["compensate", "250", "--offer", "30"], 0),
    (["compensate", "0.05"], 0),
    (["compensate", "88", "--reason", "minor-defect", "--shipping", "8"], 0),
    (["compensate", "88", "--reason", "missing-gift"], 0),
    (["compensate", "88", "--reason", "keep-damaged"], 0),
    (["return-check", "--signed", "2026-11-01", "--on", "2026-11-02"], 0),
    (["return-check", "--signed", "2026-11-01", "--on", "2026-12-02", "--quality"], 0),
    (["return-check", "--signed", "2026-11-01", "--on", "2026-11-09"], 1),
    (["return-check", "--signed", "2026-11-01", "--on", "2026-11-02", "-c", "custom"], 1),
    (["return-check", "--signed", "2026-11-01", "--on", "2026-11-02", "-k", "washed"], 1),
    (["return-check", "--signed", "2026-11-01", "--on", "2026-11-02", "-k", "long-wear"], 1),
    (["shipping", "--to", "广东"], 0),
    (["shipping", "--to", "广东", "--amount", "100"], 0),
    (["shipping", "--to", "广东", "--amount", "50"], 0),
    (["shipping", "--to", "新疆"], 0),
    (["shipping", "--to", "广东", "--amount", "100", "--courier", "ems"], 0),
    (["shipping", "--to", "广东", "--amount", "40", "--amount", "30"], 0),
    (["shipping", "--to", "广东", "--amount", "40", "--amount", "70"], 0),
    (["exchange", "159", "179", "--shipping", "10"], 0),
    (["exchange", "159", "179", "--reason", "quality"], 0),
    (["exchange", "179", "159", "--shipping", "10"], 0),
    (["exchange", "179", "159", "--reason", "quality"], 0),
    (["exchange", "159", "159", "--reason", "quality"], 0),
]


def test_every_calculator_reply_is_drafted_by_some_answer_and_always_filled() -> None:
    drafted = set()
    for args, code in SCENARIOS:
        reply_id = calc(*args, code=code)["reply"]["id"]
        entry = next(entry for entry in CALCULATOR_ENTRIES if entry.id == reply_id)
        seen = set()
        for _ in entry.variants:  # consecutive runs rotate through every variant
            reply = calc(*args, code=code)["reply"]
            assert not PLACEHOLDER_RE.search(reply["text"]), reply["text"]
            seen.add(reply["variant"])
        assert seen == set(range(1, len(entry.variants) + 1))
        drafted.add(entry.id)
    assert drafted == {entry.id for entry in CALCULATOR_ENTRIES}


@pytest.mark.parametrize("entry", CALCULATOR_ENTRIES, ids=lambda entry: entry.id)
def test_replies_never_promise_what_is_not_sure(entry: Entry) -> None:
    for text in entry.variants:
        assert not re.search(r"一定|保证|肯定", text), text


def test_a_config_value_never_overrides_a_computed_amount() -> None:
    run("config", "set", "refund", "999")
    data = calc("refund", "190", "--shipping", "10")
    assert "可退180元" in data["reply"]["text"]
    assert "999" not in data["reply"]["text"]


def test_set_fills_nothing_computed_and_is_accepted_for_other_keys() -> None:
    data = calc("refund", "190", "--shipping", "10", "--set", "shop=小美家")
    assert data["refund"] == "180.00"
