"""Regressions for every finding of issue 17, each through the real CLI (in process with
typer's CliRunner, or as a subprocess where stdout must be closed or full)."""

from __future__ import annotations

import json
import os
import stat
import sys
import time
from pathlib import Path

import pytest
from helpers import (
    assert_clean,
    assert_error,
    invoke,
    leftovers,
    mounted_tmpfs,
    run,
    snapshot,
)

from csr_cli import paths
from csr_cli.phrasebook.cache import open_phrasebook

PERSONAL = "entries:\n  - id: mine\n    aliases: [mn]\n    variants: [亲，在的～]\n"
KPI = ["kpi", "--quality", "A", "--refund-rate", "4.2%", "--disputes", "中"]
KPI += ["--teamwork", "C", "--execution", "fair"]


def personal(text: str = PERSONAL) -> Path:
    path = paths.personal_phrasebook()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- tracebacks ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["reply", b"\xff\xfe"],
        ["show", b"ab\xffcd"],
        ["rm", b"\xc7\xd7", "--yes"],
        ["edit", b"\xff"],
        ["search", b"\xb0\xfc\xd3\xca"],  # 包邮 in GBK
        ["search", "ok", b"\xff"],
    ],
)
def test_ids_and_queries_that_are_not_utf8_are_refused(args: list[str | bytes]) -> None:
    before = snapshot(paths.config_dir())
    outcome = run(args)
    assert_error(outcome, "is not UTF-8 text", "the byte 0x")
    assert snapshot(paths.config_dir()) == before


def test_surrogates_through_the_cli_runner_give_the_same_message() -> None:
    assert_error(invoke(["reply", "a\udcff"]), "argument 2 is not UTF-8 text")


def test_a_file_name_that_is_not_utf8_is_still_a_file_name(tmp_path: Path) -> None:
    sheet = tmp_path / os.fsdecode(b"\xbf\xec\xbd\xdd.csv")
    sheet.write_text("快捷编码,快捷短语,快捷短语分组\nhy,亲，在的～,\n", encoding="utf-8")
    outcome = run(["import", os.fsencode(sheet), "--dry-run"])
    assert_clean(outcome, codes=(0,))
    assert "1 added" in outcome.stderr


def _read_only_cache_simulated(monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from csr_cli.phrasebook import cache

    real = sqlite3.connect

    def refuse(target: object, *args: object, **kwargs: object) -> sqlite3.Connection:
        if str(target) != ":memory:" and "mode=ro" not in str(target):
            raise sqlite3.OperationalError("unable to open database file")
        return real(target, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cache.sqlite3, "connect", refuse)


@pytest.mark.parametrize("command", [["reply", "mine", "--no-copy"], ["search", "在的"]])
def test_an_unwritable_cache_folder_only_costs_speed(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    personal()
    cache = tmp_path / "ro-cache"
    with mounted_tmpfs(cache, "64k", read_only=True) as mounted:
        monkeypatch.setenv("CSR_CACHE_DIR", str(cache))
        if mounted:
            outcome = run(command)
        else:
            cache.chmod(stat.S_IRUSR | stat.S_IXUSR)
            _read_only_cache_simulated(monkeypatch)
            outcome = invoke(command)
        assert_clean(outcome, codes=(0,))
        assert "mine" in outcome.stdout or "在的" in outcome.stdout


def test_sqlite_refusing_the_cache_file_falls_back_to_memory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The traceback of the issue: sqlite3.OperationalError: unable to open database file."""
    personal()
    monkeypatch.setenv("CSR_CACHE_DIR", str(tmp_path / "empty-cache"))
    _read_only_cache_simulated(monkeypatch)
    outcome = invoke(["reply", "mine", "--no-copy"])
    assert_clean(outcome, codes=(0,))
    assert outcome.stdout == "亲，在的～\n"


def test_a_full_disk_under_the_cache_leaves_no_tmp_and_csr_still_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    personal()
    cache = tmp_path / "full-cache"
    with mounted_tmpfs(cache, "200k") as mounted:
        monkeypatch.setenv("CSR_CACHE_DIR", str(cache))
        if mounted:
            outcome = run(["reply", "mine", "--no-copy"])
        else:  # simulate ENOSPC where the cache is written
            import sqlite3

            from csr_cli.phrasebook import cache as cache_module

            def full(*args: object, **kwargs: object) -> None:
                raise sqlite3.OperationalError("database or disk is full")

            monkeypatch.setattr(cache_module, "_fsync", full)
            outcome = invoke(["reply", "mine", "--no-copy"])
        assert_clean(outcome, codes=(0,))
        assert outcome.stdout == "亲，在的～\n"
        assert leftovers(cache) == []


def test_a_full_disk_at_the_fileio_edge_leaves_the_phrasebook_and_no_tmp(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = personal()
    before = path.read_bytes()
    import errno

    from csr_cli import fileio

    real_fsync = os.fsync

    def enospc(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileio.os, "fsync", enospc)
    outcome = invoke(["add", "mine", "--text", "亲，还有别的吗"])
    monkeypatch.setattr(fileio.os, "fsync", real_fsync)
    assert_error(outcome, "No space left on device", "the file is unchanged")
    assert path.read_bytes() == before
    assert leftovers(path.parent) == []


def _editor(tmp_path: Path, encoding: str, bom: bytes = b"") -> str:
    script = tmp_path / "editor.py"
    script.write_text(
        "import pathlib, sys\n"
        "path = pathlib.Path(sys.argv[1])\n"
        "text = path.read_text(encoding='utf-8').replace('亲，在的～', '亲，马上为您查询～')\n"
        f"path.write_bytes({bom!r} + text.encode({encoding!r}))\n",
        encoding="utf-8",
    )
    return f"{sys.executable} {script}"


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("gbk", b""), ("gb18030", b"")],
)
def test_edit_reads_what_an_editor_saved_in_another_encoding(
    encoding: str, bom: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = personal()
    monkeypatch.setenv("EDITOR", _editor(tmp_path, encoding, bom))
    monkeypatch.delenv("VISUAL", raising=False)
    outcome = invoke(["edit", "mine"])
    assert_clean(outcome, codes=(0,))
    assert "亲，马上为您查询～" in path.read_text(encoding="utf-8")
    assert open_phrasebook().get("mine").variants == ("亲，马上为您查询～",)  # type: ignore[union-attr]


def test_edit_refuses_bytes_it_cannot_read_and_keeps_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = personal()
    before = path.read_bytes()
    script = tmp_path / "binary.py"
    script.write_text(
        "import pathlib, sys\npathlib.Path(sys.argv[1]).write_bytes(b'\\x81\\x20\\xff\\xfe\\x00')\n"
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.delenv("VISUAL", raising=False)
    outcome = invoke(["edit", "mine"])
    assert_clean(outcome, codes=(2,))
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deep.json", "[" * 200_000 + "]" * 200_000),
        ("deep2.json", '{"entries": ' + '{"a": ' * 100_000 + "1" + "}" * 100_001),
        ("deep.yaml", "entries: " + "[" * 100_000 + "]" * 100_000),
    ],
)
def test_deeply_nested_import_files_are_refused(name: str, text: str, tmp_path: Path) -> None:
    path = personal()
    before = path.read_bytes()
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    assert_error(invoke(["import", str(source)]), str(source))
    assert path.read_bytes() == before


# Bundled ids only: a personal file would make every subprocess rebuild the cache (~1 s).
COMMANDS_THAT_PRINT = [
    ["reply", "bargain", "--no-copy"],
    ["show", "bargain"],
    ["list"],
    ["search", "包邮"],
    ["export"],
    ["refund", "190", "--no-copy"],
    ["compensate", "99", "--no-copy"],
    ["shipping", "--to", "浙江", "--no-copy"],
    ["return-check", "--signed", "2026-11-01", "--on", "2026-11-03", "--no-copy"],
    ["lint", "不好意思，不行"],
    ["kpi", *KPI[1:]],
    ["config", "path"],
    ["stats", "--unused"],
    ["doctor"],
    ["--version"],
    ["--help"],
]


@pytest.mark.parametrize("args", COMMANDS_THAT_PRINT, ids=lambda a: " ".join(a[:2]))
def test_stdout_on_a_full_device_is_one_error_not_a_traceback(args: list[str]) -> None:
    with open("/dev/full", "wb") as full:
        outcome = run(args, stdout=full)
    assert_error(outcome, "cannot print the result: No space left on device")


@pytest.mark.parametrize("args", COMMANDS_THAT_PRINT, ids=lambda a: " ".join(a[:2]))
def test_closed_stdout_is_one_error_and_never_exit_0(args: list[str]) -> None:
    outcome = run(args, close_stdout=True)
    assert_error(outcome, "standard output is closed")


def test_reply_with_stdout_closed_copies_nothing() -> None:
    outcome = run(["reply", "bargain"], close_stdout=True, env={"CSR_NO_COPY": ""})
    assert_error(outcome, "standard output is closed")
    assert "copied" not in outcome.stderr


def test_a_command_without_output_still_works_with_stdout_closed() -> None:
    personal()
    outcome = run(["add", "mine", "--text", "亲，好的"], close_stdout=True)
    assert_clean(outcome, codes=(0,))
    assert "亲，好的" in paths.personal_phrasebook().read_text(encoding="utf-8")


def test_a_closed_pipe_ends_quietly_without_a_traceback() -> None:
    import subprocess

    from helpers import csr_command

    producer = subprocess.Popen(
        [*csr_command(), "export"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    assert producer.stdout is not None and producer.stderr is not None
    producer.stdout.read(10)
    producer.stdout.close()
    code = producer.wait(timeout=30)
    err = producer.stderr.read().decode()
    assert "Traceback" not in err
    assert code in (0, 1)


# --- hangs -----------------------------------------------------------------------------------

LAUGHS = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [*{chr(97 + n)},*{chr(97 + n)},*{chr(97 + n)},"
        f"*{chr(97 + n)},*{chr(97 + n)},*{chr(97 + n)},*{chr(97 + n)},*{chr(97 + n)},"
        f"*{chr(97 + n)}]\n"
        for n in range(8)
    )
    + "shipping: {courier: *i}\n"
)


def test_billion_laughs_policy_is_refused_at_once(tmp_path: Path) -> None:
    """Left to the shared YAML loader (datafile.py): must fail fast, not run for a minute."""
    bomb = tmp_path / "policy.yaml"
    bomb.write_text(LAUGHS, encoding="utf-8")
    started = time.monotonic()
    outcome = run(["refund", "190", "--policy", str(bomb), "--no-copy"], timeout=10)
    assert time.monotonic() - started < 10
    assert_error(outcome, str(bomb))


@pytest.mark.parametrize(
    "pattern", ["(a+)+$", "(a|a)*$", "(a|ab)*c", "(\\w+\\s?)*$", "(.*a){20}", ".*.*.*x"]
)
def test_catastrophic_lint_patterns_are_refused_at_load(pattern: str, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        f"review_manipulation:\n  - {{pattern: {json.dumps(pattern)}, suggestion: 不要这样写}}\n",
        encoding="utf-8",
    )
    started = time.monotonic()
    outcome = run(["lint", "--rules", str(rules), "a" * 40 + "!"], timeout=10)
    assert time.monotonic() - started < 10
    assert_error(outcome, str(rules), "field 'pattern'")


def test_an_overlong_lint_pattern_is_refused(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        f"promises:\n  - {{pattern: '{'保证' * 150}', suggestion: x}}\n", encoding="utf-8"
    )
    assert_error(invoke(["lint", "--rules", str(rules), "亲"]), "longer than 200 characters")


def test_import_of_many_rows_is_linear(tmp_path: Path) -> None:
    rows = ["快捷编码,快捷短语,快捷短语分组"]
    rows += [
        f"{'c' + str(n) if n % 3 else ''},亲，这是第{n}条回复～,组{n % 7}" for n in range(3000)
    ]
    sheet = tmp_path / "big.csv"
    sheet.write_text("\n".join(rows) + "\n", encoding="utf-8")
    started = time.monotonic()
    outcome = run(["import", str(sheet)], timeout=60)
    assert_clean(outcome, codes=(0,))
    assert time.monotonic() - started < 15  # was 5 s for 3k rows, quadratic
    assert "3000 added" in outcome.stderr
    assert open_phrasebook().get("c1") is not None


# --- unclear or wrong ------------------------------------------------------------------------


@pytest.mark.parametrize("amount", ["-190", "-0.5", "-¥190", "-1"])
@pytest.mark.parametrize("command", ["refund", "compensate"])
def test_negative_amounts_are_named_as_such(command: str, amount: str) -> None:
    assert_error(invoke([command, amount]), f"'{amount}'", "the amount must not be negative")


def test_a_negative_number_elsewhere_is_explained_too() -> None:
    assert_error(invoke(["search", "-5"]), "'-5' is a negative number", "put -- before it")


def test_csr_policy_naming_a_folder_says_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CSR_POLICY", str(tmp_path))
    assert_error(invoke(["refund", "190", "--no-copy"]), "is a folder, not a policy file")
    monkeypatch.delenv("CSR_POLICY")
    assert_error(
        invoke(["refund", "190", "--policy", str(tmp_path), "--no-copy"]),
        "is a folder, not a policy file",
    )


def test_broken_yaml_in_lint_rules_names_the_file_and_line(tmp_path: Path) -> None:
    """Left to the shared YAML loader (datafile.py): the file and line, not <unicode string>."""
    rules = tmp_path / "rules.yaml"
    rules.write_text("banned:\n  - {phrase: 不行, replacement: [\n", encoding="utf-8")
    line = assert_error(invoke(["lint", "--rules", str(rules), "亲"]), f"{rules}:")
    assert "<unicode string>" not in line


def test_broken_yaml_in_the_tone_file_names_the_file_and_line() -> None:
    tone = paths.personal_tone_rules()
    tone.parent.mkdir(parents=True, exist_ok=True)
    tone.write_text("promises:\n  - phrase: 一定\n   suggestion: x\n", encoding="utf-8")
    line = assert_error(invoke(["lint", "亲"]), f"{tone}:")
    assert "<unicode string>" not in line


@pytest.mark.parametrize("key", ["ab\x1b[31mcd\nxx", "x\u202eevil", "a\rb\x07c"])
def test_control_characters_in_an_id_are_escaped(key: str) -> None:
    line = assert_error(invoke(["reply", key]), "no reply with id or alias")
    assert not any(char in line for char in "\x1b\n\r\x07\u202e")
    assert "\\x1b" in line or "\\u202e" in line or "\\r" in line


def test_a_huge_argument_is_not_echoed_whole() -> None:
    huge = "x" * 100_000
    for args in (["reply", huge], ["show", huge], ["search", "--role", huge, "a"]):
        line = assert_error(invoke(args))
        assert len(line) < 600, len(line)


def test_a_mis_encoded_row_in_a_utf8_sheet_names_its_line(tmp_path: Path) -> None:
    sheet = tmp_path / "快捷短语.csv"
    sheet.write_bytes(
        "快捷编码,快捷短语,快捷短语分组\nfh,亲您好,问候\n".encode()
        + "yj,亲，价格已经很实在了,议价\n".encode("gbk")
    )
    assert_error(invoke(["import", str(sheet)]), f"{sheet}:3", "mixes encodings")


def test_refund_0_does_not_draft_a_full_refund_of_0() -> None:
    """Left to the policy engineer; the drafted reply must not promise 全额退款0元."""
    outcome = invoke(["refund", "0", "--no-copy"])
    assert_clean(outcome)
    assert "退款0元" not in outcome.stdout
    assert "全额退款0" not in outcome.stdout


@pytest.mark.parametrize(
    ("option", "value"),
    [("--late", "40"), ("--leave", "32"), ("--absent", "100"), ("--praise", "100000")],
)
def test_kpi_refuses_counts_no_month_holds(option: str, value: str) -> None:
    assert_error(invoke([*KPI, option, value]), option, "more than a month can hold")


def test_kpi_refuses_a_20_digit_count() -> None:
    line = assert_error(invoke([*KPI, "--late", "1" * 20]), "--late")
    assert "1" * 20 not in line


@pytest.mark.parametrize("text", ["\x00\x00\x00", "亲\x00您好", "ok\x1b[2J"])
def test_lint_refuses_nul_and_control_characters(text: str) -> None:
    assert_error(invoke(["lint", text]), "the draft contains")
    assert_error(invoke(["lint"], input=text), "the draft contains")


def test_reply_set_refuses_a_newline_like_config_set() -> None:
    personal(
        "entries:\n  - id: mine\n    placeholders: {shop: null}\n    variants: ['亲，{shop}在的～']\n"
    )
    assert_error(invoke(["reply", "mine", "--set", "shop=a\nb", "--no-copy"]), "one line")
    assert_error(invoke(["config", "set", "shop", "a\nb"]), "one line")


def test_check_flags_broken_braces() -> None:
    personal("entries:\n  - id: mine\n    variants: ['{shop好的}}{']\n")
    outcome = invoke(["check"])
    assert_clean(outcome, codes=(1,))
    assert "stray '{'" in outcome.stdout + outcome.stderr


def test_a_folder_at_the_personal_phrasebook_path_is_an_error() -> None:
    paths.personal_phrasebook().mkdir(parents=True)
    for args in (["reply", "bargain", "--no-copy"], ["add", "x", "--text", "亲"], ["list"]):
        assert_error(invoke(args), "is a folder")
    outcome = invoke(["check"])
    assert_clean(outcome, codes=(1,))
    assert "a folder, not a phrasebook file" in outcome.stdout + outcome.stderr


def test_export_o_refuses_a_symlink_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "mine.txt"
    target.write_text("keep me", encoding="utf-8")
    link = tmp_path / "out.csv"
    link.symlink_to(target)
    assert_error(invoke(["export", "-o", str(link)]), "is a symbolic link", "--force")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "keep me"
    outcome = invoke(["export", "-o", str(link), "--force"])
    assert_clean(outcome, codes=(0,))
    assert link.is_symlink() and target.read_text(encoding="utf-8-sig").startswith("快捷编码")


def test_export_and_kpi_o_refuse_a_fifo_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    assert_error(run(["export", "-o", str(fifo)], timeout=15), "not a regular file")
    sheet = tmp_path / "team.csv"
    sheet.write_text("name,quality,refund_rate,disputes,teamwork,execution\nAnn,A,2%,A,A,A\n")
    assert_error(run(["kpi", "--sheet", str(sheet), "-o", str(fifo)], timeout=15), "not a regular")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_export_o_refuses_a_device_unless_forced() -> None:
    assert_error(invoke(["export", "-o", "/dev/null"]), "not a regular file")
    assert_clean(invoke(["export", "-o", "/dev/null", "--force"]), codes=(0,))
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize(
    "args",
    [
        ["add", "team-x", "--text", "亲", "--team", "{folder}/t.yaml"],
        ["import", "{sheet}", "--team", "{folder}/t.yaml"],
        ["export", "-o", "{folder}/out.csv"],
        ["kpi", "--sheet", "{kpisheet}", "-o", "{folder}/out.csv"],
    ],
    ids=["add --team", "import --team", "export -o", "kpi -o"],
)
def test_missing_folders_are_refused_the_same_everywhere(args: list[str], tmp_path: Path) -> None:
    sheet = tmp_path / "s.csv"
    sheet.write_text("快捷编码,快捷短语,快捷短语分组\nhy,亲，在的～,\n", encoding="utf-8")
    kpisheet = tmp_path / "team.csv"
    kpisheet.write_text("name,quality,refund_rate,disputes,teamwork,execution\nAnn,A,2%,A,A,A\n")
    folder = tmp_path / "no" / "such"
    filled = [a.format(folder=folder, sheet=sheet, kpisheet=kpisheet) for a in args]
    assert_error(invoke(filled), f"the folder {folder} does not exist", "mkdir -p")
    assert not (tmp_path / "no").exists()


def test_a_team_file_reached_through_a_symlink_keeps_its_link(tmp_path: Path) -> None:
    real = tmp_path / "team-folder" / "team.yaml"
    real.parent.mkdir()
    real.write_text("entries:\n  - id: team-a\n    variants: [亲～]\n", encoding="utf-8")
    link = tmp_path / "team.yaml"
    link.symlink_to(real)
    assert_clean(invoke(["add", "team-a", "--text", "亲，好的～", "--team", str(link)]), codes=(0,))
    assert link.is_symlink()
    assert "亲，好的～" in real.read_text(encoding="utf-8")


# --- the safety net --------------------------------------------------------------------------


def test_an_unexpected_exception_is_one_line_with_the_debug_hint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from csr_cli import replies as reply_module

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(reply_module, "choose_variant", broken)
    outcome = invoke(["reply", "bargain", "--no-copy"])
    assert outcome.code == 70
    assert outcome.stderr.count("\n") == 1
    assert "CSR_DEBUG=1" in outcome.stderr and "ZeroDivisionError" in outcome.stderr
    assert "Traceback" not in outcome.stderr


def test_csr_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    from csr_cli import replies as reply_module

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(reply_module, "choose_variant", broken)
    monkeypatch.setenv("CSR_DEBUG", "1")
    from typer.testing import CliRunner

    from csr_cli.cli import app

    result = CliRunner().invoke(app, ["reply", "bargain", "--no-copy"])
    assert isinstance(result.exception, ZeroDivisionError)
