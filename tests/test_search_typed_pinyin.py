"""Pinyin typed in Latin letters is also read in the phrasebook's characters (tui huo yao
yunfei ma → 退货要运费吗), so it meets whole keywords as a message typed in characters does."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from csr_cli.cli import app
from csr_cli.search.query import transliterate

runner = CliRunner()

SYLLABLES = {"you", "xian", "huo", "ma", "tui", "yun", "fei", "yao"}
PAIRS = {
    "pb:you_xian": ["有限", "有现"],
    "pb:xian_huo": ["现货"],
    "pb:huo_ma": ["货吗"],
    "pb:yun_fei": ["运费"],
}


@pytest.mark.parametrize(
    ("text", "written"),
    [
        # the commonest pair (有限) loses to the one that makes more pairs with its neighbours
        ("you xianhuo ma", "有现货吗"),
        ("youxianhuoma", "有现货吗"),
        # a syllable in no keyword pair is a gap; characters typed as characters stay
        ("tui yunfei", "运费"),
        ("退yunfei吗", "退运费吗"),
        ("xyz yunfei", "运费"),
    ],
)
def test_typed_pinyin_is_written_in_keyword_pairs(text: str, written: str) -> None:
    assert transliterate(text, {"退": "tui", "吗": "ma"}, SYLLABLES, PAIRS) == written


@pytest.mark.parametrize(
    ("message", "entry_id", "keyword"),
    [
        ("tui huo yao yunfei ma", "return-shipping-who", "k:退货要运费吗"),
        ("you xianhuo ma", "in-stock", "k:有现货吗"),
    ],
)
def test_typed_pinyin_meets_whole_keywords(message: str, entry_id: str, keyword: str) -> None:
    result = runner.invoke(app, ["search", message, "--json", "--explain", "-n", "3"])
    assert result.exit_code == 0, result.output
    hits = {hit["id"]: hit for hit in json.loads(result.stdout)}
    assert keyword in {part["term"] for part in hits[entry_id]["why"]}
