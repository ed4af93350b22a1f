"""Search on messages as buyers type them (issue 15): typos, pinyin, English, traditional
characters, slang, rambling; --explain; several questions in one message (--intents)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO
from typer.testing import CliRunner

import csr_cli
from csr_cli.cli import app
from csr_cli.phrasebook.cache import open_phrasebook
from csr_cli.search.intents import find_intents
from csr_cli.search.query import read_message, segment
from csr_cli.search.ranking import search

runner = CliRunner()


def top_ids(query: str, limit: int = 3) -> list[str]:
    return [hit.entry.id for hit in search(open_phrasebook(), query, limit=limit)]


def hit_counts(cases_file: Path) -> tuple[int, int, int]:
    """(top-1 hits, top-3 hits, cases), as the shared evaluation script (eval_search.py) counts them."""
    cases = yaml.safe_load(cases_file.read_text(encoding="utf-8"))
    book = open_phrasebook()
    top1 = top3 = 0
    for case in cases:
        ids = [hit.entry.id for hit in search(book, case["message"], limit=3)]
        top1 += bool(ids) and ids[0] in case["expected"]
        top3 += bool(set(ids) & set(case["expected"]))
    return top1, top3, len(cases)


# Measured after the last search change of 2026-12-02 (typed pinyin written in characters, English
# word forms, the second round of symptom keywords), rounded down a little: a change that makes
# search worse on any set fails here. search_hard3 to hard7 were written blind; the figures in
# brackets are their first, blind scores. hard3's current figure counts keywords added after
# studying its misses; hard4's to hard6's misses were never read by whoever tuned search, only
# their totals; hard7 was never read at all, so it is the best picture of unseen messages.
@pytest.mark.parametrize(
    ("cases_file", "min_top1", "min_top3"),
    [
        (REPO / "tests/data/search_devset.yaml", 39, 40),  # reached 40, 40
        (REPO / "tests/data/search_heldout.yaml", 143, 156),  # 145, 158
        (REPO / "tests/data/search_heldout2.yaml", 108, 119),  # 110, 120
        (REPO / "tests/data/search_hard.yaml", 243, 267),  # 246, 269
        (REPO / "tests/data/search_hard2.yaml", 154, 162),  # 157, 164
        (REPO / "tests/data/search_hard3.yaml", 236, 251),  # 239, 253 (214, 236 blind)
        (REPO / "tests/data/search_hard4.yaml", 177, 197),  # 180, 199 (168, 187 blind)
        (REPO / "tests/data/search_hard5.yaml", 136, 152),  # 139, 154 (131, 151 blind)
        (REPO / "tests/data/search_hard6.yaml", 143, 154),  # 146, 156 (141, 151 blind)
        (REPO / "tests/data/search_hard7.yaml", 144, 156),  # 147, 158 (blind)
    ],
    ids=[
        "devset",
        "heldout",
        "heldout2",
        "hard",
        "hard2",
        "hard3",
        "hard4",
        "hard5",
        "hard6",
        "hard7",
    ],
)
def test_each_set_stays_at_its_measured_score(
    cases_file: Path, min_top1: int, min_top3: int
) -> None:
    top1, top3, total = hit_counts(cases_file)
    assert top1 >= min_top1 and top3 >= min_top3, (
        f"top-1 {top1}/{total} (want ≥ {min_top1}), top-3 {top3}/{total} (want ≥ {min_top3})"
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("退宽多久到账", "refund-timing"),  # a homophone typo, met through pinyin
        ("bao you ma", "free-shipping-request"),  # spaced pinyin
        ("tuikuan duojiu daozhang", "refund-timing"),  # run-together pinyin
        ("会不会qiqiu", "pilling-presale"),  # half pinyin
        ("包郵嗎", "free-shipping-request"),  # traditional characters
        ("甚麼時候發貨", "ship-time"),
        ("有 coupon 吗", "promo-event"),  # English in a Chinese message
        ("这个 quality 怎么样", "product-quality"),
        ("there's a hole in the sleeve", "damaged-item"),
        ("咋还不发货啊啊啊啊", "not-shipped"),  # slang, repeated characters
        ("有木有赠品", "gift-request"),
        ("在？？？？？", "greet"),  # a lone word and repeated punctuation
        ("😭😭😭快递呢？？？三天了！！！", "logistics-stuck"),
        (
            "唉 最近真是倒霉 工作上一堆事 回来拆快递发现衣服上有个破洞 你们怎么处理",
            "damaged-item",
        ),  # the clause that asks outweighs the story
    ],
)
def test_messages_as_buyers_type_them(query: str, expected: str) -> None:
    assert expected in top_ids(query), top_ids(query)


def test_a_message_is_folded_rewritten_and_cut_into_clauses() -> None:
    message = read_message(open_phrasebook().connection, "亲 在嗎？？我前天買的 咋还没到")
    assert message.text == "亲 在吗??我前天买的 咋还没到"
    assert [(c.text, c.asks, c.preface) for c in message.clauses] == [
        ("亲", False, True),
        ("在吗", False, True),
        ("我前天买的", False, False),
        ("咋还没到", True, False),
    ]
    assert message.clauses[-1].rewritten == "怎么还没到"


def test_typed_pinyin_is_cut_into_syllables() -> None:
    syllables = {"tui", "huo", "yun", "fei", "xi", "an", "xian"}
    assert segment("tuihuo", syllables) == ["tui", "huo"]
    assert segment("xian", syllables) == ["xian"]  # fewest syllables, not xi-an
    assert segment("refund", syllables) is None


def test_a_query_never_imports_pypinyin(isolated: Path) -> None:
    code = (
        "import sys; from csr_cli.phrasebook.cache import open_phrasebook; "
        "from csr_cli.search.ranking import search; "
        "print(search(open_phrasebook(), 'tui huo yao yunfei ma 包郵嗎', limit=1)[0].entry.id); "
        "print('pypinyin' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.split() == [result.stdout.split()[0], "False"]


def test_explain_names_the_terms_and_their_weights() -> None:
    result = runner.invoke(app, ["search", "包油吗", "-n", "1", "--explain"])
    assert result.exit_code == 0, result.output
    first, why = result.stdout.splitlines()[:2]
    assert first.split("\t")[1] == "free-shipping-request"
    assert why.startswith("\tscore ") and "pb:bao_you" in why
    data = json.loads(runner.invoke(app, ["search", "包油吗", "--json", "--explain"]).stdout)
    terms = {part["term"]: part["weight"] for part in data[0]["why"]}
    assert "pb:bao_you" in terms
    assert sum(terms.values()) == pytest.approx(data[0]["score"], rel=1e-3)
    plain = json.loads(runner.invoke(app, ["search", "包油吗", "--json"]).stdout)
    assert "why" not in plain[0]


def test_intents_split_a_message_that_asks_several_things() -> None:
    result = runner.invoke(
        app, ["search", "能便宜点吗？有赠品吗？今天能发货吗", "--intents", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"results", "intents"}
    assert data["results"][0]["id"] == "bargain"
    assert [i["clause"] for i in data["intents"]] == ["能便宜点吗", "有赠品吗", "今天能发货吗"]
    best = [i["results"][0]["id"] for i in data["intents"]]
    # 有赠品吗 is answered by either side of the split gift entries
    assert best[0] == "bargain" and best[1] in ("gift-request", "gift-available")
    assert best[2] in ("ship-time", "ship-time-presale")
    assert all(len(i["results"]) <= 5 for i in data["intents"])


def test_one_question_has_no_intents_and_plain_json_stays_a_list() -> None:
    single = json.loads(runner.invoke(app, ["search", "能便宜点吗", "-i", "--json"]).stdout)
    assert single["intents"] == [] and single["results"][0]["id"] == "bargain"
    plain = json.loads(runner.invoke(app, ["search", "能便宜点吗？包邮吗", "--json"]).stdout)
    assert isinstance(plain, list)


def test_intents_in_plain_output() -> None:
    result = runner.invoke(app, ["search", "有M码吗？包邮不？", "--intents", "-n", "1"])
    assert result.exit_code == 0, result.output
    assert "\nquestion 1: 有m码吗\n" in result.stdout
    assert "\nquestion 2: 包邮不\n1\tfree-shipping-request" in result.stdout


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("L码有货吗？发什么快递？包邮吗", ["in-stock", "courier", "free-shipping-request"]),
        ("退货地址发我 还有运费你们出吗", ["return-address", "return-shipping-who"]),
        ("快递三天没动了", []),
        ("亲 在吗 我想问一下 这件能便宜点吗", []),  # greetings around one question
        ("那钱呢 什么时候退", []),  # a follow-up is no question of its own
    ],
)
def test_intents_of_a_message(message: str, expected: list[str]) -> None:
    found = find_intents(open_phrasebook(), message)
    assert [intent.hits[0].entry.id for intent in found] == expected


def test_the_python_api_explains_and_splits() -> None:
    hits = csr_cli.search_replies("包油吗", limit=1, explain=True)
    assert hits[0].why and hits[0].why[0][1] > 0
    intents = csr_cli.search_intents("能开发票吗？今天能发吗？")
    assert [intent.hits[0].entry.id for intent in intents] == ["invoice", "ship-time"]
    assert all(isinstance(intent, csr_cli.Intent) for intent in intents)


@pytest.mark.parametrize(
    ("query", "expected", "corrected"),
    [
        ("起求了怎么办", "pilling-return", "k:起球"),  # 起求 reads qi_qiu, the keyword 起球
        ("裤子腰那里有个破东", "damaged-item", "k:破洞"),
        ("发票能开吗 公司要保销", "invoice", "k:报销"),
        # 保 makes 能保 (能保价), but 包 makes the keyword pair 能包 (能包邮吗) just as well
        ("能不能保邮啊", "free-shipping-request", "k:包邮"),
        # 睡了 is a pair of the phrasebook, but 缩水了 is a whole keyword
        ("洗了一次就缩睡了", "shrink-after-wash", "k:缩水了"),
    ],
)
def test_an_ime_typo_is_read_as_the_keyword_that_sounds_the_same(
    query: str, expected: str, corrected: str
) -> None:
    result = runner.invoke(app, ["search", query, "--json", "--explain", "-n", "3"])
    assert result.exit_code == 0, result.output
    first = json.loads(result.stdout)[0]
    assert first["id"] == expected
    assert corrected in {part["term"] for part in first["why"]}


@pytest.mark.parametrize(
    ("query", "expected", "rewritten"),
    [
        ("货不对板", "color-difference-return", "k:跟图片不符"),  # internet slang
        ("我就莫得好多钱 80块整得到不", "bargain-budget", "b:没有"),  # dialect: 莫得 → 没有
        ("hp有fx吗", "bargain-cashback", "b:好评"),  # pinyin initials: hp → 好评, fx → 返现
    ],
)
def test_slang_is_read_in_the_phrasebook_words(query: str, expected: str, rewritten: str) -> None:
    result = runner.invoke(app, ["search", query, "--json", "--explain", "-n", "3"])
    assert result.exit_code == 0, result.output
    first = json.loads(result.stdout)[0]
    assert first["id"] == expected
    assert rewritten in {part["term"] for part in first["why"]}


def test_everyday_words_are_not_taken_for_typos() -> None:
    # 以为 reads yi_wei like the keyword 异味 (a smell), but it is a word: no correction.
    hits = csr_cli.search_replies("我以为是现货呢 怎么还要等", limit=3, explain=True)
    assert "smell-on-arrival" not in [hit.entry.id for hit in hits]
    assert all(term != "k:异味" for hit in hits for term, _ in hit.why)
