"""Search counts one stretch of the buyer's message once: terms that only repeat words already
counted for an entry (the pinyin of a matched pair, a pair of a matched whole keyword) add a
share of their weight, and --explain shows what each term counted."""

from __future__ import annotations

import pytest
from conftest import search_explained

from csr_cli.phrasebook.cache import open_phrasebook
from csr_cli.search.ranking import SPAN_SHARES


def _stored_weight(term: str, entry_id: str) -> float:
    book = open_phrasebook()
    (weight,) = book.connection.execute(
        "SELECT p.w FROM postings p JOIN terms t ON t.tid = p.tid JOIN entries e ON e.pos = p.doc "
        "WHERE t.term = ? AND e.id = ?",
        (term, entry_id),
    ).fetchone()
    return float(weight)


def test_the_pinyin_of_a_matched_pair_counts_a_share() -> None:
    first = search_explained("宣传说两周见效")[0]
    assert first["id"] == "no-effect"
    why = {part["term"]: part["weight"] for part in first["why"]}  # type: ignore[attr-defined]
    assert why["b:宣传"] == pytest.approx(_stored_weight("b:宣传", "no-effect"), abs=1e-3)
    assert why["pb:xuan_chuan"] == pytest.approx(
        SPAN_SHARES["pb"] * _stored_weight("pb:xuan_chuan", "no-effect"), abs=1e-3
    )


def test_a_pair_of_a_matched_keyword_counts_a_share() -> None:
    hits = search_explained("买了一个月了还没发货")
    counted = {
        (hit["id"], part["term"]): part["weight"]
        for hit in hits
        for part in hit["why"]  # type: ignore[attr-defined]
    }
    found = [
        (entry, term)
        for entry, term in counted
        if term == "b:个月" and (entry, "k:一个月了") in counted
    ]
    assert found
    for entry, term in found:
        stored = _stored_weight(term, str(entry))
        assert counted[entry, term] == pytest.approx(SPAN_SHARES["b"] * stored, abs=1e-3)


def test_the_explained_weights_add_up_to_the_score() -> None:
    message = "我买了你们家那个面霜，说是用两周就能淡斑，现在一个月了，斑一点没变，你们这宣传是不是有点过了"
    for hit in search_explained(message):
        weights = [part["weight"] for part in hit["why"]]  # type: ignore[attr-defined]
        assert sum(weights) == pytest.approx(hit["score"], abs=0.01)
