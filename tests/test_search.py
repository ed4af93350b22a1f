"""`csr search`: ranking quality, query forms, the CLI, and the reply fallback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from conftest import REPO, RecordingClipboard, run_csr, write_phrasebook
from typer.testing import CliRunner

from csr_cli import paths
from csr_cli.cli import app
from csr_cli.phrasebook.cache import open_phrasebook
from csr_cli.search.ranking import search

runner = CliRunner()


def top_ids(query: str, limit: int = 3, role: str | None = None) -> list[str]:
    return [hit.entry.id for hit in search(open_phrasebook(), query, limit=limit, role=role)]


def hit_rates(cases_file: Path) -> tuple[float, float]:
    cases = yaml.safe_load(cases_file.read_text(encoding="utf-8"))
    book = open_phrasebook()
    top1 = top3 = 0
    for case in cases:
        ids = [hit.entry.id for hit in search(book, case["message"], limit=3)]
        top1 += bool(ids) and ids[0] in case["expected"]
        top3 += bool(set(ids) & set(case["expected"]))
    return top1 / len(cases), top3 / len(cases)


@pytest.mark.parametrize(
    "cases_file",
    [
        REPO / "tests/data/search_devset.yaml",
        REPO / "tests/data/search_heldout.yaml",
        REPO / "tests/data/search_heldout2.yaml",
    ],
)
def test_buyer_messages_find_their_reply(cases_file: Path) -> None:
    top1, top3 = hit_rates(cases_file)
    assert top3 >= 0.90, f"top-3 {top3:.0%}"
    assert top1 >= 0.75, f"top-1 {top1:.0%}"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bargain", "bargain"),  # an id
        ("yj", "bargain"),  # an alias
        ("yijia", "bargain"),  # full pinyin of 议价
        ("baoyou", "free-shipping-request"),  # full pinyin of 包邮
        ("by", "free-shipping-request"),  # pinyin initials of 包邮
        ("能便宜点吗", "bargain"),
        ("【订单号：2026112312345678】亲～能便宜点吗？？😊", "bargain"),  # noise around it
        ("ＰＤＤ上才六十，你家一百多", "bargain-value"),  # full-width Latin
        ("包油吗", "free-shipping-request"),  # a homophone typo of 包邮
        ("bargian", "bargain"),  # a typo in an id
        ("refund shipping deducted", "refund-shipping-deducted"),  # English words
        ("别发韵达", "courier-choice"),  # a courier the keywords do not name
    ],
)
def test_query_forms(query: str, expected: str) -> None:
    assert expected in top_ids(query), top_ids(query)


def test_a_pasted_chat_log_of_any_length_still_works() -> None:
    log = "亲在吗 我想问一下 " * 3000 + "快递三天没动了"
    assert top_ids(log)[0] == "logistics-stuck"
    result = runner.invoke(app, ["search", " ".join(f"word{i}" for i in range(12000)), "--json"])
    assert result.exit_code == 0, result.output


def test_an_absurd_limit_is_a_usage_error() -> None:
    result = runner.invoke(app, ["search", "包邮", "--limit", "9223372036854775808"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: Invalid value for '--limit' / '-n'")


def test_exact_id_and_alias_rank_first() -> None:
    assert top_ids("complaint")[0] == "complaint"
    assert top_ids("kj")[0] == "bargain"


def test_role_filter() -> None:
    ids = top_ids("退货", limit=10, role="presale")
    assert ids and all(open_phrasebook().get(i).role == "presale" for i in ids)  # type: ignore[union-attr]


def test_search_json_shape_and_order() -> None:
    result = runner.invoke(app, ["search", "能", "便宜点吗", "--json", "--limit", "4"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert [hit["rank"] for hit in hits] == [1, 2, 3, 4]
    assert hits[0]["id"] == "bargain"
    assert {"id", "score", "title", "text"} <= set(hits[0])
    assert hits[0]["text"] == open_phrasebook().get("bargain").variants[0]  # type: ignore[union-attr]
    assert [hit["score"] for hit in hits] == sorted((hit["score"] for hit in hits), reverse=True)


def test_no_match_is_success_with_empty_list() -> None:
    result = runner.invoke(app, ["search", "qqqqxxxx", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_plain_output_lists_rank_id_title_preview() -> None:
    result = runner.invoke(app, ["search", "快递三天没动了", "--limit", "2"])
    first = result.stdout.splitlines()[0].split("\t")
    assert first[:2] == ["1", "logistics-stuck"]
    assert len(result.stdout.splitlines()) == 2


def test_copy_copies_the_top_reply_like_reply_does(clip: RecordingClipboard) -> None:
    result = runner.invoke(app, ["search", "能便宜点吗", "--copy"])
    assert result.exit_code == 0, result.output
    bargain = open_phrasebook().get("bargain")
    assert bargain is not None
    assert clip.copies == [bargain.variants[0]]
    runner.invoke(app, ["search", "能便宜点吗", "-c"])
    assert clip.copies[1] == bargain.variants[1]  # rotation is shared with `csr reply`


def test_search_covers_team_and_personal_layers(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    team = write_phrasebook(
        isolated / "team.yaml",
        "entries:\n  - id: live-stream\n    title: Live stream times\n    keywords: [直播间, 几点开播]\n"
        "    variants: ['亲，咱们每晚8点开播哦']\n",
    )
    monkeypatch.setenv("CSR_PHRASEBOOK_PATH", str(team))
    write_phrasebook(
        paths.personal_phrasebook(),
        "entries:\n  - id: my-sign-off\n    aliases: [qm]\n    keywords: [签名]\n"
        "    variants: ['亲，小美随时为您服务']\n",
    )
    assert top_ids("今晚几点开播啊")[0] == "live-stream"
    assert top_ids("qm")[0] == "my-sign-off"


def test_unknown_reply_id_falls_back_to_search() -> None:
    result = runner.invoke(app, ["reply", "便宜点"])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: no reply with id or alias '便宜点'; did you mean bargain"
    )


def test_completion_offers_ids_and_aliases() -> None:
    env = {"_CSR_COMPLETE": "complete_bash", "COMP_WORDS": "csr reply barg", "COMP_CWORD": "2"}
    result = run_csr(env=env)
    assert result.returncode == 0, result.stderr
    offered = result.stdout.split()
    assert "bargain" in offered and "bargain-value" in offered
    assert all(word.startswith("barg") for word in offered)


def test_cli_search_through_a_subprocess() -> None:
    result = run_csr("search", "满多少包邮？", "--json", env={"NO_COLOR": "1", **dict(os.environ)})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["id"] in {"free-shipping-request", "shipping-fee"}
