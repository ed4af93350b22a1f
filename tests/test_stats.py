"""Learning from use: counting replies handed out, `csr stats`, and ties broken by use."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import RecordingClipboard, write_phrasebook
from typer.testing import CliRunner

from csr_cli import paths
from csr_cli.cli import app
from csr_cli.phrasebook.cache import open_phrasebook
from csr_cli.search.ranking import search
from csr_cli.search.usage import USAGE_STATE, record_use, use_counts
from csr_cli.state import load_state

runner = CliRunner()

TWINS = """\
entries:
  - id: twin-a
    title: Twin
    title_zh: 双胞胎问题
    keywords: [双胞胎问题]
    variants: [亲，这是甲。]
  - id: twin-b
    title: Twin
    title_zh: 双胞胎问题
    keywords: [双胞胎问题]
    variants: [亲，这是乙。]
"""


def state_file() -> Path:
    return paths.state_dir() / f"{USAGE_STATE}.json"


def invoke(*args: str) -> None:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output


def test_reply_and_search_copy_count_in_one_place(clip: RecordingClipboard) -> None:
    invoke("reply", "bargain")
    invoke("reply", "bargain", "--no-copy")  # printed for a pipe: still handed out
    invoke("search", "能便宜点吗", "--copy")
    invoke("reply", "wait")
    assert use_counts() == {"bargain": 3, "wait": 1}
    assert load_state(USAGE_STATE) == {"bargain": 3, "wait": 1}
    assert len(clip.copies) == 3


def test_csr_no_stats_turns_counting_off(monkeypatch: pytest.MonkeyPatch) -> None:
    invoke("reply", "bargain")
    monkeypatch.setenv("CSR_NO_STATS", "1")
    invoke("reply", "bargain")
    record_use("wait")
    assert use_counts() == {"bargain": 1}
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "1\tbargain\t议价：能便宜点吗\n"
    assert "counting is off (CSR_NO_STATS is set)" in result.stderr


@pytest.mark.parametrize(
    "damaged", ["not json", "[1, 2]", '{"bargain": "many", "wait": -1, "x": true, "ok": 2}']
)
def test_a_damaged_state_file_only_keeps_sane_counts(damaged: str) -> None:
    state_file().parent.mkdir(parents=True, exist_ok=True)
    state_file().write_text(damaged, encoding="utf-8")
    assert use_counts() == ({"ok": 2} if "ok" in damaged else {})
    record_use("wait")
    assert use_counts()["wait"] == 1


def test_stats_shows_the_top_replies_and_the_unused() -> None:
    for entry_id in ["wait", "bargain", "wait", "wait", "bargain", "greet"]:
        record_use(entry_id)
    record_use("no-longer-in-the-phrasebook")
    book = open_phrasebook()
    titles = {entry.id: entry.title_zh for entry in book.entries()}

    top = runner.invoke(app, ["stats", "--limit", "2"])
    assert top.exit_code == 0, top.output
    assert top.stdout == f"3\twait\t{titles['wait']}\n2\tbargain\t{titles['bargain']}\n"
    unused_count = book.count() - 3
    assert top.stderr == f"6 uses; {unused_count} replies never used (see `csr stats --unused`)\n"

    unused = runner.invoke(app, ["stats", "--unused"])
    assert unused.exit_code == 0, unused.output
    expected = [f"{i}\t{t}" for i, t in titles.items() if i not in ("wait", "bargain", "greet")]
    assert unused.stdout.splitlines() == expected
    assert unused.stderr == f"{unused_count} replies never used\n"


def test_stats_json_is_the_whole_report() -> None:
    record_use("bargain")
    record_use("bargain")
    result = runner.invoke(app, ["stats", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    bargain = open_phrasebook().get("bargain")
    assert bargain is not None
    assert data["counting"] is True and data["total"] == 2
    assert data["top"] == [
        {
            "id": "bargain",
            "title": bargain.title,
            "title_zh": bargain.title_zh,
            "role": bargain.role,
            "uses": 2,
        }
    ]
    assert len(data["unused"]) == open_phrasebook().count() - 1
    assert all(row["uses"] == 0 and row["id"] != "bargain" for row in data["unused"])


def test_stats_before_any_use_says_how_counting_works() -> None:
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "no replies used yet" in result.stderr


def test_equal_scores_go_to_the_reply_used_more() -> None:
    write_phrasebook(paths.personal_phrasebook(), TWINS)
    book = open_phrasebook()
    first, second = search(book, "双胞胎问题", limit=2)
    assert first.score == second.score  # the precondition: a real tie
    assert [first.entry.id, second.entry.id] == ["twin-a", "twin-b"]
    record_use("twin-b")
    assert [hit.entry.id for hit in search(book, "双胞胎问题", limit=2)] == ["twin-b", "twin-a"]
    assert [hit.entry.id for hit in search(book, "双胞胎问题", limit=1)] == ["twin-b"]


def test_use_never_lifts_a_lower_score() -> None:
    book = open_phrasebook()
    before = [hit.entry.id for hit in search(book, "能便宜点吗", limit=5)]
    for _ in range(5):
        record_use(before[-1])
    after = search(book, "能便宜点吗", limit=5)
    assert after[0].entry.id == before[0]
    assert [hit.score for hit in after] == sorted((hit.score for hit in after), reverse=True)
