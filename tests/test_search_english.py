"""English words mixed into a Chinese message meet the lexicon's rewrite whatever their form:
plurals and -ed / -ing forms find the row of the base word, and phrases of several words
(sold out, free shipping, out of stock) win over their single words."""

from __future__ import annotations

import pytest
from conftest import search_explained

from csr_cli.search.query import english_forms


def _terms(hit: dict[str, object]) -> set[str]:
    return {str(part["term"]) for part in hit["why"]}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("phrase", "forms"),
    [
        ("refunds", ["refund"]),
        ("shipped", ["shipp", "shippe", "ship"]),
        ("damaged", ["damag", "damage"]),
        ("deliveries", ["delivery", "deliverie", "deliveri"]),
        ("free shipping", ["free shipp", "free shippe", "free ship"]),
        ("refund", []),  # the word itself is looked up already
        ("bus", []),  # too short to be an inflection
        ("3xl", []),
    ],
)
def test_english_forms(phrase: str, forms: list[str]) -> None:
    assert english_forms(phrase) == forms


@pytest.mark.parametrize(
    ("message", "expected", "term"),
    [
        ("订单 cancelled 了吗", "order-cancel", "b:取消"),  # -ed: the row for cancel
        ("two colours 都不对", "color-difference-return", "b:颜色"),  # plural of a row
        ("洗了一次就 shrunk 了", "shrink-after-wash", "b:缩水"),  # an irregular past
        ("有 gift wrapping 吗", "gift-wrap", "k:礼品包装"),  # -ing in a phrase's last word
        ("is it authentic 啊", "authenticity", "b:正品"),
        ("这个码 out of stock 了？", "out-of-stock", "b:缺货"),  # the phrase, not "stock"
    ],
)
def test_english_word_forms_find_the_lexicon_row(message: str, expected: str, term: str) -> None:
    hits = search_explained(message)
    assert expected in [hit["id"] for hit in hits]
    hit = next(hit for hit in hits if hit["id"] == expected)
    assert term in _terms(hit)


def test_an_inflected_word_keeps_its_english_term() -> None:
    hits = search_explained("refunds 到哪了")
    assert {"w:refund"} <= set().union(*(_terms(hit) for hit in hits))
