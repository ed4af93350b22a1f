"""`csr import` / `csr export`: formats, encodings, formula escaping, merging and round trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import write_phrasebook
from typer.testing import CliRunner

from csr_cli import paths
from csr_cli.cli import app
from csr_cli.phrasebook.formats import (
    decode_phrase,
    encode_phrase,
    escape_cell,
    unescape_cell,
)
from csr_cli.phrasebook.schema import Entry, LayerFile, load_file

runner = CliRunner()

TRICKY = """\
entries:
  - id: tricky-one
    title: Tricky, "quoted"
    title_zh: 标题，带逗号
    role: presale
    tags: [售前]
    aliases: [tk]
    keywords: [逗号, '"引号"']
    placeholders:
      shop: null
      threshold: "98"
    variants:
      - 亲，欢迎光临{shop}，满{threshold}元包邮😊
      - |-
        第一行, with "quotes"
        第二行，带逗号
      - =1+1 不是公式
      - "-5元优惠券"
      - "@所有人 注意"
      - "'=A1 already quoted"
      - 文本里有 &#44; 和 &#13; 字样
      - - 亲，这条分两条消息发
        - 第二条, with a comma
  - id: plain-two
    variants: [亲，在的～]
"""


def personal(text: str = TRICKY) -> list[Entry]:
    path = write_phrasebook(paths.personal_phrasebook(), text)
    return load_file(LayerFile(path, "personal"))


def bare(entries: list[Entry]) -> list[Entry]:
    return [entry._replace(source="", layer="") for entry in entries]


def team_entries(path: Path) -> list[Entry]:
    return load_file(LayerFile(path, "team"))


# --- cells ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "escaped"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+86 123", "'+86 123"),
        ("-5元", "'-5元"),
        ("@所有人", "'@所有人"),
        ("\tx", "'\tx"),
        ("'=x", "''=x"),
        ("'hello'", "'hello'"),
        ("亲，您好", "亲，您好"),
        ("", ""),
    ],
)
def test_formula_cells_are_escaped_and_unescaped_exactly(cell: str, escaped: str) -> None:
    assert escape_cell(cell) == escaped
    assert unescape_cell(escaped) == cell


@pytest.mark.parametrize(
    "text",
    ["a,b", "第一行\n第二行", "literal &#44; and &#13;", "&#38;#", "emoji 😊, 🎁", '"quoted"'],
)
def test_quick_phrase_encoding_round_trips(text: str) -> None:
    encoded = encode_phrase(text)
    assert "," not in encoded and "\n" not in encoded
    assert decode_phrase(encoded) == text


def test_quick_phrase_entities_from_the_client_are_decoded() -> None:
    assert decode_phrase("亲&#44;您好&#13;&#10;欢迎&#13;再见") == "亲,您好\n欢迎\n再见"


# --- round trips ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "encoding", "suffix"),
    [
        ("csv", "utf-8-sig", ".csv"),
        ("csv", "gbk", ".csv"),
        ("csv", "gb18030", ".csv"),
        ("yaml", "utf-8", ".yaml"),
        ("json", "utf-8", ".json"),
    ],
)
def test_export_then_import_gives_the_same_entries(
    tmp_path: Path, fmt: str, encoding: str, suffix: str
) -> None:
    text = TRICKY.replace("😊", "！") if encoding == "gbk" else TRICKY
    original = personal(text)
    out = tmp_path / f"out{suffix}"
    exported = runner.invoke(
        app, ["export", "--layer", "personal", "-f", fmt, "--encoding", encoding, "-o", str(out)]
    )
    assert exported.exit_code == 0, exported.output
    out.read_bytes().decode(encoding)  # really in that encoding
    team = tmp_path / "team.yaml"
    imported = runner.invoke(app, ["import", str(out), "--team", str(team)])
    assert imported.exit_code == 0, imported.output
    assert bare(team_entries(team)) == bare(original)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030"])
def test_quick_phrase_round_trip_keeps_texts_codes_and_groups(
    tmp_path: Path, encoding: str
) -> None:
    text = TRICKY.replace("😊", "！") if encoding == "gbk" else TRICKY
    original = personal(text)
    out = tmp_path / "快捷短语.csv"
    args = ["export", "--layer", "personal", "--encoding", encoding, "-o", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    team = tmp_path / "team.yaml"
    result = runner.invoke(app, ["import", str(out), "--team", str(team)])
    assert result.exit_code == 0, result.output
    back = team_entries(team)
    assert [(e.variants, e.aliases, e.tags) for e in back] == [
        (e.variants, e.aliases[:1], e.tags[:1]) for e in original
    ]
    assert [e.id for e in back] == ["tk", "imported-1"]
    assert back[0].placeholders == {"shop": None, "threshold": None}


def test_quick_phrase_export_escapes_formulas_and_warns(tmp_path: Path) -> None:
    personal(TRICKY.replace("aliases: [tk]", "aliases: [tricky, tk]"))
    result = runner.invoke(app, ["export", "--layer", "personal"])
    assert result.exit_code == 0, result.output
    data = result.stdout_bytes
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[:4] == [
        "快捷编码,快捷短语,快捷短语分组",
        "tricky,亲，欢迎光临{shop}，满{threshold}元包邮😊,售前",
        'tricky,"第一行&#44; with ""quotes""&#13;第二行，带逗号",售前',
        "tricky,'=1+1 不是公式,售前",
    ]
    assert lines[4:7] == [
        "tricky,'-5元优惠券,售前",
        "tricky,'@所有人 注意,售前",
        "tricky,''=A1 already quoted,售前",
    ]
    assert lines[8:] == [
        "tricky,亲，这条分两条消息发&#30;第二条&#44; with a comma,售前",  # two messages
        ",亲，在的～,",
        "",
    ]
    assert (
        "warning: entry 'tricky-one': shortcut code 'tricky' is longer than 4 characters"
        in result.stderr
    )
    assert "entry 'tricky-one', variant 3: starts with '='" in result.stderr
    assert "1 entries have more than one alias" in result.stderr


def test_plain_csv_export_escapes_every_cell(tmp_path: Path) -> None:
    personal("entries:\n  - id: a\n    title: =cmd\n    variants: ['+1']\n")
    result = runner.invoke(app, ["export", "-f", "csv", "--layer", "personal"])
    assert result.stdout_bytes.decode("utf-8-sig").split("\r\n")[1] == "a,'+1,'=cmd,,general,,,,,"


def test_export_to_gbk_names_the_entry_it_cannot_encode() -> None:
    personal()
    result = runner.invoke(app, ["export", "--layer", "personal", "--encoding", "gbk"])
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "error: entry 'tricky-one' contains '😊', which gbk cannot hold; "
        "use --encoding gb18030 or utf-8-sig\n"
    )


def test_export_defaults_to_every_layer_and_the_format_follows_the_file_name(
    tmp_path: Path,
) -> None:
    out = tmp_path / "all.json"
    result = runner.invoke(app, ["export", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    ids = [entry["id"] for entry in data["entries"]]
    assert "bargain" in ids and len(ids) == len(set(ids))
    assert result.stderr == f"✓ wrote {len(ids)} entries to {out}\n"


# --- importing a chat client's sheet -------------------------------------------------------------

CLIENT_SHEET = (
    "快捷编码,快捷短语,快捷短语分组\r\n"
    "hy,亲，您好&#13;欢迎光临,售前\r\n"
    "hy,亲，在的&#44;请讲,售前\r\n"
    ",没有编码的短语,\r\n"
    ",,售后\r\n"
    "YJ,议价回复,未分组\r\n"
    "好评,亲，感谢好评,售后\r\n"
    "greet,和内置 id 重名的编码,\r\n"
    "hy,亲，在的&#44;请讲,售前\r\n"
)


def test_a_gbk_quick_phrase_sheet_is_imported_with_a_report(tmp_path: Path) -> None:
    sheet = tmp_path / "快捷短语.csv"
    sheet.write_bytes(CLIENT_SHEET.encode("gbk"))
    result = runner.invoke(app, ["import", str(sheet)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"added    hy\t{sheet}:2\t2 variant(s)",
        f"added    imported-1\t{sheet}:4\t1 variant(s)",
        f"skipped  -\t{sheet}:5\tempty phrase",
        f"added    yj\t{sheet}:6\t1 variant(s)",
        f"added    imported-2\t{sheet}:7\t1 variant(s)",
        f"added    greet-2\t{sheet}:8\t1 variant(s)",
        f"skipped  -\t{sheet}:9\tsame text as row 2's entry",
    ]
    assert result.stderr.endswith(
        f"5 added, 0 merged, 2 skipped (qianniu-csv, gb18030); changed "
        f"{paths.personal_phrasebook()} (personal)\n"
    )
    entries = {e.id: e for e in load_file(LayerFile(paths.personal_phrasebook(), "personal"))}
    assert entries["hy"].variants == ("亲，您好\n欢迎光临", "亲，在的,请讲")
    assert (entries["hy"].aliases, entries["hy"].tags) == (("hy",), ("售前",))
    assert (entries["yj"].aliases, entries["yj"].tags) == (("YJ",), ())
    assert (entries["imported-2"].aliases, entries["imported-2"].tags) == (("好评",), ("售后",))
    reply = runner.invoke(app, ["reply", "好评", "--no-copy"])
    assert reply.stdout == "亲，感谢好评\n"

    before = paths.personal_phrasebook().read_bytes()
    again = runner.invoke(app, ["import", str(sheet)])
    assert again.exit_code == 0
    assert f"skipped  hy\t{sheet}:2\talready in 'hy'" in again.stdout
    assert "0 added, 0 merged, 7 skipped" in again.stderr
    assert paths.personal_phrasebook().read_bytes() == before


def test_blank_rows_are_reported_as_skipped_in_file_order(tmp_path: Path) -> None:
    sheet = tmp_path / "bad2.csv"
    sheet.write_text(
        "快捷编码,快捷短语,快捷短语分组\nxx,,分组\n,,\nqq,亲，正常,\n , ,\n\nmm,亲，在的,\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import", str(sheet), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"skipped  -\t{sheet}:2\tempty phrase",
        f"skipped  -\t{sheet}:3\tempty row",
        f"added    qq\t{sheet}:4\t1 variant(s)",
        f"skipped  -\t{sheet}:5\tempty row",
        f"skipped  -\t{sheet}:6\tempty row",
        f"added    mm\t{sheet}:7\t1 variant(s)",
    ]
    assert result.stderr.splitlines()[-1] == (
        f"2 added, 0 merged, 4 skipped (qianniu-csv, utf-8); would change "
        f"{paths.personal_phrasebook()} (personal); dry run, nothing written"
    )
    report = json.loads(runner.invoke(app, ["import", str(sheet), "--json"]).stdout)
    assert [(o["where"], o["detail"]) for o in report["skipped"]] == [
        (f"{sheet}:2", "empty phrase"),
        (f"{sheet}:3", "empty row"),
        (f"{sheet}:5", "empty row"),
        (f"{sheet}:6", "empty row"),
    ]
    assert [o["id"] for o in report["added"]] == ["qq", "mm"]


def test_a_merge_is_reported_between_the_rows_around_it(tmp_path: Path) -> None:
    personal("entries:\n  - id: mine\n    aliases: [m]\n    variants: [甲]\n")
    sheet = tmp_path / "s.csv"
    sheet.write_text("id,text\nnew-one,新\n,\nmine,乙\n,\nmine,乙\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(sheet)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"added    new-one\t{sheet}:2\t1 variant(s)",
        f"skipped  -\t{sheet}:3\tempty row",
        f"merged   mine\t{sheet}:4\t+1 variant(s)",
        f"skipped  -\t{sheet}:5\tempty row",
        f"skipped  -\t{sheet}:6\tsame text as row 4's entry",
    ]
    assert result.stderr.splitlines()[-1].startswith("1 added, 1 merged, 3 skipped (csv, utf-8)")


@pytest.mark.parametrize(
    ("name", "content", "where", "field", "code"),
    [
        ("s.csv", "快捷编码,快捷短语,快捷短语分组\nhy,好&#1;的,\n", "s.csv:2", "variants", "0001"),
        (
            "s.json",
            '[{"id": "a", "title": "t\\u2028", "variants": ["x"]}]',
            "s.json: entry 'a'",
            "title",
            "2028",
        ),
        (
            "s.yaml",
            'entries:\n  - id: a\n    variants: ["x\\x85"]\n',
            "s.yaml: entry 'a'",
            "variants",
            "0085",
        ),
    ],
)
def test_import_refuses_text_a_phrasebook_cannot_hold_naming_the_file(
    tmp_path: Path, name: str, content: str, where: str, field: str, code: str
) -> None:
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["import", str(source)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {tmp_path / where}: field '{field}' has the control or invalid character "
        f"U+{code} at character 2, which a phrasebook cannot hold; remove it and retry\n"
    )
    assert not paths.personal_phrasebook().exists()


def test_import_merges_new_variants_into_an_entry_with_the_same_id(tmp_path: Path) -> None:
    personal("entries:\n  - id: mine\n    aliases: [m]\n    variants: [甲]\n")
    source = tmp_path / "in.json"
    data = [{"id": "mine", "variants": ["甲", "乙"], "tags": ["t"], "source": "x", "layer": "y"}]
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["import", str(source)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"merged   mine\t{source}: entry 'mine'\t+1 variant(s)\n"
    (entry,) = load_file(LayerFile(paths.personal_phrasebook(), "personal"))
    assert (entry.variants, entry.tags, entry.aliases) == (("甲", "乙"), ("t",), ("m",))


def test_dry_run_writes_nothing_and_replace_replaces(tmp_path: Path) -> None:
    personal("entries:\n  - id: old\n    variants: [旧]\n")
    before = paths.personal_phrasebook().read_bytes()
    source = tmp_path / "in.yaml"
    source.write_text("entries:\n  - id: new\n    variants: [新]\n", encoding="utf-8")
    dry = runner.invoke(app, ["import", str(source), "--replace", "--dry-run"])
    assert dry.exit_code == 0
    assert dry.stderr.endswith("; dry run, nothing written\n")
    assert paths.personal_phrasebook().read_bytes() == before
    done = runner.invoke(app, ["import", str(source), "--replace"])
    assert done.exit_code == 0
    assert [e.id for e in load_file(LayerFile(paths.personal_phrasebook(), "personal"))] == ["new"]


@pytest.mark.parametrize(
    ("name", "content", "args", "message"),
    [
        (
            "s.csv",
            b"code,phrase\nhy,hi\n",
            ["--format", "qianniu-csv"],
            "s.csv:1: a quick-phrase sheet starts with the header 快捷编码,快捷短语,快捷短语分组",
        ),
        (
            "s.csv",
            "快捷编码,快捷短语,快捷短语分组\nhy,亲,您好,售前\n".encode(),
            [],
            "s.csv:2: 4 cells but the header has 3; a comma inside a cell needs the cell in "
            "double quotes or written &#44;",
        ),
        (
            "s.csv",
            "id,text,role\nok,好的,general\nx,hello,boss\n".encode(),
            [],
            "s.csv:3: entry 'x', field 'role': must be one of presale, insale, aftersale, general",
        ),
        (
            "s.csv",
            b'id,text\nx,"unterminated\n',
            [],
            "s.csv:2: CSV error: unexpected end of data",
        ),
        (
            "s.json",
            b'{"entries": [\n  {"id": "a",\n   "variants": ["x"],}\n]}',
            [],
            "s.json:3: JSON syntax error",
        ),
        (
            "s.yaml",
            b"entries:\n  - id: a\n    variants: [x]\n  - id: b\n    variants: []\n",
            [],
            "s.yaml:4: entry 'b', field 'variants': must list at least one reply text",
        ),
        ("s.csv", b"id,text\nx,ok\n\x80\n", [], "s.csv:3: the file is neither UTF-8 nor GB18030"),
        ("s.txt", b"a,b\n1,2\n", [], "cannot tell the format"),
        ("s.xlsx", b"PK", [], "save the sheet as CSV (UTF-8 or GBK) and import that file"),
    ],
)
def test_malformed_input_is_reported_with_its_line_and_nothing_is_written(
    tmp_path: Path, name: str, content: bytes, args: list[str], message: str
) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    result = runner.invoke(app, ["import", str(source), *args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert not paths.personal_phrasebook().exists()


def test_import_of_a_missing_file_says_so(tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2
    assert (
        result.stderr == f"error: cannot read {tmp_path / 'nope.csv'}: No such file or directory\n"
    )
