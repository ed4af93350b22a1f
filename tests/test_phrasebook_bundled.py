"""The bundled phrasebook: every required scenario, in the house tone, with known placeholders."""

from __future__ import annotations

import re

import pytest

from csr_cli.lint.checker import lint_text
from csr_cli.phrasebook.placeholders import KNOWN_PLACEHOLDERS, names_in_all
from csr_cli.phrasebook.schema import ROLES, Entry, layer_files, load_all

REQUIRED_IDS = """
greet greet-return wait busy away in-stock product-quality recommend size-advice color-accuracy
material pilling-presale bargain bargain-value bargain-boss bargain-bulk bargain-cashback
bargain-close gift-request free-shipping-request price-changed payment-received ship-time courier
shipping-fee delivery-time remote-area not-shipped logistics-stuck out-of-stock address-change
aftersale-greet color-difference-return missing-item damaged-item too-small size-exchange
wrong-item loose-threads attitude-complaint missing-gift return-shipping-who
refund-shipping-deducted fading torn-after-wear pilling-return not-received-refund
quality-return-process no-reason-return return-address transit-damage damaged-options complaint
usage-help verify-later review-request bad-review-threat closing
""".split()

BUNDLED: list[Entry] = load_all([f for f in layer_files() if f.layer == "bundled"])
BY_ID = {entry.id: entry for entry in BUNDLED}
VARIANTS = [
    (entry.id, number, text) for entry in BUNDLED for number, text in enumerate(entry.variants, 1)
]


def test_every_required_id_is_bundled() -> None:
    assert sorted(set(REQUIRED_IDS) - set(BY_ID)) == []


def test_ids_are_unique_across_bundled_files() -> None:
    ids = [entry.id for entry in load_all_unmerged()]
    assert len(ids) == len(set(ids))


def load_all_unmerged() -> list[Entry]:
    from csr_cli.phrasebook.schema import load_file

    return [entry for f in layer_files() if f.layer == "bundled" for entry in load_file(f)]


def test_aliases_are_unique_and_never_shadow_an_id() -> None:
    aliases = [alias for entry in BUNDLED for alias in entry.aliases]
    assert len(aliases) == len(set(aliases))
    assert set(aliases).isdisjoint(BY_ID)


@pytest.mark.parametrize("entry", BUNDLED, ids=lambda entry: entry.id)
def test_entry_is_complete(entry: Entry) -> None:
    assert entry.title and entry.title_zh and entry.tags
    assert entry.role in ROLES
    assert len(entry.keywords) >= 5
    assert len(entry.variants) >= 3
    # genuinely different: no two variants share their opening ten characters
    openings = {text[:10] for text in entry.variants}
    assert len(openings) == len(entry.variants)


@pytest.mark.parametrize("entry", BUNDLED, ids=lambda entry: entry.id)
def test_placeholders_are_known_and_all_used(entry: Entry) -> None:
    used = set(names_in_all(entry.variants))
    assert used <= set(KNOWN_PLACEHOLDERS)
    assert set(entry.placeholders) == used


def test_bargain_needs_no_configuration() -> None:
    assert BY_ID["bargain"].placeholders == {}


@pytest.mark.parametrize(("entry_id", "number", "text"), VARIANTS)
def test_variant_follows_the_house_tone(entry_id: str, number: int, text: str) -> None:
    assert [p.text for p in lint_text(text) if p.code in ("blunt-phrase", "bare-reply")] == []
    assert "亲" in text or "您" in text
    declines = re.search(r"无法|不能|不支持|没办法", text)
    if declines:
        assert "抱歉" in text and "因为" in text, "a refusal needs an apology and a reason"
