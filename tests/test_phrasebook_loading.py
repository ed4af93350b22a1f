"""Strict loading of phrasebook files, layering and the compiled cache."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import run_csr, write_phrasebook

from csr_cli import paths
from csr_cli.errors import PhrasebookError
from csr_cli.phrasebook.cache import open_phrasebook
from csr_cli.phrasebook.schema import LayerFile, layer_files, parse_text

TEAM = textwrap.dedent(
    """\
    entries:
      - id: bargain
        title: Team bargain answer
        title_zh: 团队议价
        role: presale
        aliases: [tj]
        variants:
          - 亲，咱们团队统一的回复是这样的哦：价格已经是活动价啦。
      - id: team-only
        title: Team only
        variants:
          - 亲，欢迎光临{shop}！
        placeholders:
          shop: null
    """
)


def parse(text: str) -> list[object]:
    return list(parse_text(textwrap.dedent(text), "team.yaml", "team"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("entries: [\n  - id: a\n", "team.yaml:2: YAML syntax error"),
        ("- id: a\n", "team.yaml: the file must be a mapping with one key, 'entries'"),
        (
            "entries:\n  - id: a\n    variants: [x]\n    colour: red\n",
            "team.yaml:2: entry 'a', field 'colour': unknown field",
        ),
        ("entries:\n  - id: a\n", "team.yaml:2: entry 'a', field 'variants': missing"),
        (
            "entries:\n  - id: Bad_Id\n    variants: [x]\n",
            "entry 'Bad_Id', field 'id': must be lowercase kebab-case",
        ),
        (
            "entries:\n  - id: ok\n    variants: [x]\n  - id: b\n    variants: []\n",
            "team.yaml:4: entry 'b', field 'variants': must list at least one reply text",
        ),
        (
            "entries:\n  - id: a\n    variants: ['您好{shop}']\n",
            "entry 'a', field 'placeholders': the variants use {shop} but it is not declared",
        ),
        (
            "entries:\n  - id: a\n    role: boss\n    variants: [x]\n",
            "entry 'a', field 'role': must be one of presale, insale, aftersale, general",
        ),
        (
            "entries:\n  - id: a\n    variants: [x]\n  - id: a\n    variants: [y]\n",
            "entry 'a', field 'id': duplicate id",
        ),
        ("entries:\n  - just text\n", "team.yaml:2: entry #1, field '-'"),
    ],
)
def test_malformed_files_name_file_entry_and_field(text: str, expected: str) -> None:
    with pytest.raises(PhrasebookError) as caught:
        parse(text)
    assert expected in str(caught.value)


def test_minimal_entry_gets_defaults() -> None:
    (entry,) = parse("entries:\n  - id: quick\n    variants: ['亲，马上为您处理']\n")
    assert entry.title == "quick"
    assert entry.role == "general"
    assert entry.variants == ("亲，马上为您处理",)


def test_multiline_variants_keep_their_lines() -> None:
    (entry,) = parse(
        "entries:\n  - id: m\n    variants:\n      - |\n        第一行\n        第二行\n"
    )
    assert entry.variants == ("第一行\n第二行",)


def test_team_then_personal_override_bundled(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    team = write_phrasebook(isolated / "team" / "shop.yaml", TEAM)
    monkeypatch.setenv("CSR_PHRASEBOOK_PATH", str(team.parent))
    book = open_phrasebook()
    bargain = book.get("bargain")
    assert bargain is not None and bargain.layer == "team"
    assert book.get("tj") == bargain
    assert book.get("greet") is not None  # bundled entries are still there

    write_phrasebook(
        paths.personal_phrasebook(),
        "entries:\n  - id: bargain\n    variants: ['亲，这是我自己的议价回复。']\n",
    )
    bargain = open_phrasebook().get("bargain")
    assert bargain is not None
    assert (bargain.layer, bargain.variants) == ("personal", ("亲，这是我自己的议价回复。",))


def test_phrasebook_path_is_a_path_list(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = write_phrasebook(isolated / "a.yaml", TEAM)
    second = write_phrasebook(
        isolated / "b.yaml", "entries:\n  - id: team-only\n    variants: ['亲，第二个团队文件']\n"
    )
    monkeypatch.setenv("CSR_PHRASEBOOK_PATH", os.pathsep.join([str(first), str(second)]))
    entry = open_phrasebook().get("team-only")
    assert entry is not None and entry.variants == ("亲，第二个团队文件",)


def test_missing_team_file_is_an_error(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSR_PHRASEBOOK_PATH", str(isolated / "nope.yaml"))
    with pytest.raises(PhrasebookError, match=r"nope\.yaml: team phrasebook not found"):
        layer_files()


def test_cache_is_rebuilt_when_a_layer_changes(isolated: Path) -> None:
    personal = write_phrasebook(
        paths.personal_phrasebook(), "entries:\n  - id: mine\n    variants: ['亲，第一版']\n"
    )
    assert open_phrasebook().get("mine").variants == ("亲，第一版",)  # type: ignore[union-attr]
    caches = sorted((isolated / "cache").glob("phrasebook-*.sqlite"))
    personal.write_text("entries:\n  - id: mine\n    variants: ['亲，第二版内容']\n", "utf-8")
    assert open_phrasebook().get("mine").variants == ("亲，第二版内容",)  # type: ignore[union-attr]
    assert sorted((isolated / "cache").glob("phrasebook-*.sqlite")) == caches  # replaced in place


def test_cache_is_reused_without_parsing_yaml(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_phrasebook()

    def fail(_: list[LayerFile]) -> None:
        raise AssertionError("YAML was parsed although the cache is fresh")

    monkeypatch.setattr("csr_cli.phrasebook.cache.load_all", fail)
    assert open_phrasebook().get("bargain") is not None


def test_unwritable_cache_dir_still_works(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = isolated / "blocked"
    blocker.write_text("a file where a folder should be")
    monkeypatch.setenv("CSR_CACHE_DIR", str(blocker / "cache"))
    assert open_phrasebook().get("bargain") is not None


def test_racing_processes_both_get_a_complete_cache(isolated: Path) -> None:
    code = "from csr_cli.phrasebook.cache import open_phrasebook; print(open_phrasebook().count())"
    procs = [
        subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    counts = {proc.communicate(timeout=60)[0].strip() for proc in procs}
    assert len(counts) == 1 and int(counts.pop()) >= 58
    assert not list((isolated / "cache").glob(".*.tmp"))


def test_malformed_personal_file_is_one_error_line(isolated: Path) -> None:
    write_phrasebook(paths.personal_phrasebook(), "entries:\n  - id: x\n    variant: [a]\n")
    result = run_csr("reply", "bargain", "--no-copy")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "phrasebook.yaml:2: entry 'x', field 'variant': unknown field" in result.stderr
    assert "Traceback" not in result.stderr
