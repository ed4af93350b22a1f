"""`csr add`, `csr edit`, `csr rm` and the safe-write machinery under them."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import csr_executable, run_csr, write_phrasebook
from typer.testing import CliRunner

from csr_cli import fileio, paths
from csr_cli.cli import app
from csr_cli.commands import edit as edit_cmd
from csr_cli.errors import CsrError, PhrasebookError
from csr_cli.fileio import backup_path
from csr_cli.phrasebook import editing
from csr_cli.phrasebook.cache import open_phrasebook
from csr_cli.phrasebook.schema import Entry, LayerFile, load_file

runner = CliRunner()

HAND_EDITED = """\
# Our desk's own replies. Keep the list sorted by topic!
entries:
  # --- greetings ---
  - id: hello-team
    title: Team greeting   # shown in csr list
    aliases: [ht]
    variants:
      - 亲，您好，欢迎光临～
      - |-
        亲，您好！
        # this line is text, not a comment
        有什么可以帮您？

  # --- shipping ---
  - id: ship-soon
    variants: [亲，今天就发货哦～]
# end of file: add new replies above
"""


def personal_text() -> str:
    return paths.personal_phrasebook().read_text(encoding="utf-8")


def personal_entries() -> dict[str, tuple[str, ...]]:
    entries = load_file(LayerFile(paths.personal_phrasebook(), "personal"))
    return {entry.id: entry.variants for entry in entries}


# --- csr add ---------------------------------------------------------------------------------


def test_add_creates_the_personal_file_and_the_reply_is_usable_at_once() -> None:
    result = runner.invoke(app, ["add", "my-hi", "--text", "亲，您好～", "--alias", "nh"])
    assert result.exit_code == 0, result.output
    path = paths.personal_phrasebook()
    assert result.stderr == f"✓ added 'my-hi' to {path} (personal), 1 variant(s)\n"
    assert personal_text() == (
        editing.NEW_FILE_HEADER
        + "entries:\n  - id: my-hi\n    aliases: [nh]\n    variants:\n      - 亲，您好～\n"
    )
    reply = runner.invoke(app, ["reply", "nh", "--no-copy"])
    assert reply.stdout == "亲，您好～\n"


def test_add_to_an_existing_id_appends_variants_and_multi_line_texts_stay_readable() -> None:
    runner.invoke(app, ["add", "my-hi", "--text", "亲，您好～"])
    result = runner.invoke(app, ["add", "my-hi", "--text", "第一行\n第二行", "--keyword", "在吗"])
    assert result.exit_code == 0, result.output
    assert "✓ added 1 variant(s) to 'my-hi'" in result.stderr
    assert personal_text().endswith(
        "  - id: my-hi\n"
        "    keywords: [在吗]\n"
        "    variants:\n"
        "      - 亲，您好～\n"
        "      - |-\n"
        "        第一行\n"
        "        第二行\n"
    )
    again = runner.invoke(app, ["add", "my-hi", "--text", "亲，您好～"])
    assert again.exit_code == 0
    assert "nothing new for 'my-hi'" in again.stderr
    assert personal_entries() == {"my-hi": ("亲，您好～", "第一行\n第二行")}


def test_add_to_a_bundled_id_copies_it_so_the_override_keeps_its_variants() -> None:
    bundled = open_phrasebook().get("bargain")
    assert bundled is not None
    result = runner.invoke(app, ["add", "bargain", "--text", "亲，这是咱们店自己的议价回复。"])
    assert result.exit_code == 0, result.output
    assert "copied the bundled 'bargain'" in result.stderr
    entry = open_phrasebook().get("bargain")
    assert entry is not None and entry.layer == "personal"
    assert entry.variants == (*bundled.variants, "亲，这是咱们店自己的议价回复。")
    assert (entry.aliases, entry.keywords, entry.role) == (
        bundled.aliases,
        bundled.keywords,
        bundled.role,
    )


def test_add_reads_the_text_from_stdin_and_declares_placeholders() -> None:
    result = runner.invoke(app, ["add", "free-ship", "--json"], input="亲，满{threshold}元包邮～\n")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["action"] == "added"
    assert data["notes"] == ["declared placeholder(s) threshold (no default)"]
    entry = open_phrasebook().get("free-ship")
    assert entry is not None and entry.placeholders == {"threshold": None}


def test_add_warns_when_an_id_or_alias_is_already_a_key_of_another_reply() -> None:
    result = runner.invoke(app, ["add", "kj", "--text", "亲～", "--alias", "hy"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[1:] == [
        "  note: 'kj' also leads to the bundled 'bargain'; `csr check` shows which one wins",
        "  note: 'hy' also leads to the bundled 'greet'; `csr check` shows which one wins",
    ]


def test_add_without_an_id_picks_a_free_one() -> None:
    runner.invoke(app, ["add", "--text", "甲"])
    runner.invoke(app, ["add", "--text", "乙"])
    assert personal_entries() == {"phrase-1": ("甲",), "phrase-2": ("乙",)}


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["add", "Bad_Id", "--text", "x"], None, "error: 'Bad_Id' is not a valid id"),
        (["add", "x"], "", "error: no reply text: pass --text '…' or pipe the text in"),
        (["add", "x", "--text", "a", "--alias", "a b"], None, "field 'aliases': 'a b' must be"),
    ],
)
def test_add_rejects_bad_input_and_writes_nothing(
    args: list[str], stdin: str | None, message: str
) -> None:
    result = runner.invoke(app, args, input=stdin)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert not paths.personal_phrasebook().exists()


GBK_STDIN = (
    "error: stdin is not UTF-8 text (byte 1, 0xC7: invalid continuation byte); save the reply "
    "text as UTF-8 (or convert with iconv -f GBK -t UTF-8) and retry\n"
)


def test_a_gbk_text_piped_into_add_is_refused_and_the_phrasebook_is_not_blamed() -> None:
    mine = write_phrasebook(
        paths.personal_phrasebook(), "entries:\n  - id: mine\n    variants: [甲]\n"
    )
    before = mine.read_bytes()
    piped = run_csr("add", "test-gbk", input_bytes="亲，测试一下\n".encode("gbk"))
    assert (piped.returncode, piped.stdout, piped.stderr) == (2, "", GBK_STDIN)
    invoked = runner.invoke(app, ["add", "test-gbk"], input="亲，测试一下\n".encode("gbk"))
    assert (invoked.exit_code, invoked.stderr) == (2, GBK_STDIN)
    assert mine.read_bytes() == before
    assert sorted(p.name for p in mine.parent.iterdir()) == ["phrasebook.yaml"]


def test_add_reads_utf8_stdin_with_a_bom_and_crlf_line_breaks() -> None:
    result = runner.invoke(
        app, ["add", "two-lines"], input="\ufeff亲，您好\r\n欢迎光临\r\n".encode()
    )
    assert result.exit_code == 0, result.output
    assert personal_entries() == {"two-lines": ("亲，您好\n欢迎光临",)}


def cannot_hold(label: str, code: str, position: int) -> str:
    return (
        f"{label} has the control or invalid character U+{code} at character {position}, which "
        "a phrasebook cannot hold; remove it and retry\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--text", "亲\x01好"], cannot_hold("the reply text", "0001", 2)),
        (["--text", "好", "--text", "亲\n\x0b好"], cannot_hold("reply text 2", "000B", 3)),
        (["--text", "亲\u2028好"], cannot_hold("the reply text", "2028", 2)),
        (["--text", "好", "--title", "t\x7f"], cannot_hold("the title", "007F", 2)),
        (
            ["--text", "好", "--alias", "a\udcff"],
            "an alias is not UTF-8 text (character 2 is the byte 0xFF); give it as UTF-8 "
            "(or convert it with iconv -f GBK -t UTF-8) and retry\n",
        ),
    ],
)
def test_add_refuses_text_a_phrasebook_cannot_hold_naming_the_input(
    args: list[str], message: str
) -> None:
    mine = write_phrasebook(
        paths.personal_phrasebook(), "entries:\n  - id: mine\n    variants: [甲]\n"
    )
    before = mine.read_bytes()
    result = runner.invoke(app, ["add", "mine", *args])
    assert (result.exit_code, result.stderr) == (2, f"error: {message}")
    assert mine.read_bytes() == before


def test_a_gbk_argument_to_add_is_refused() -> None:
    # What Python makes of argument bytes that are not UTF-8; subprocess turns it back into them.
    text = "亲，测试一下".encode("gbk").decode("utf-8", "surrogateescape")
    result = run_csr("add", "test-gbk", "--text", text)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "error: the reply text is not UTF-8 text (character 1 is the byte 0xC7); give it as "
        "UTF-8 (or convert it with iconv -f GBK -t UTF-8) and retry\n"
    )
    assert not paths.personal_phrasebook().exists()


def test_a_rewrite_that_does_not_parse_is_refused_without_blaming_the_file() -> None:
    mine = write_phrasebook(
        paths.personal_phrasebook(), "entries:\n  - id: mine\n    variants: [甲]\n"
    )
    before = mine.read_bytes()
    target = editing.target_file(None)
    unstorable = Entry(id="raw", title="raw", variants=("亲\x01好\n第二行",))

    with pytest.raises(CsrError) as caught:
        editing.transaction(target, lambda document: document.add(unstorable))
    assert str(caught.value) == (
        f"{mine}: the rewritten file would not hold the intended entries, so nothing was "
        "written; please report this with the file attached"
    )
    assert mine.read_bytes() == before


def test_add_asks_for_the_fields_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(edit_cmd, "interactive", lambda: True)
    answers = "my-ask\n问候\n亲，您好\\n欢迎光临\n第二句\n\nwh hh\n"
    result = runner.invoke(app, ["add"], input=answers)
    assert result.exit_code == 0, result.output
    entry = open_phrasebook().get("my-ask")
    assert entry is not None
    assert (entry.title_zh, entry.variants, entry.aliases) == (
        "问候",
        ("亲，您好\n欢迎光临", "第二句"),
        ("wh", "hh"),
    )


def test_add_to_a_team_file_that_csr_does_not_read_yet_says_so(tmp_path: Path) -> None:
    team = tmp_path / "team-folder" / "team.yaml"
    team.parent.mkdir()
    result = runner.invoke(app, ["add", "team-hi", "--text", "亲～", "--team", str(team)])
    assert result.exit_code == 0, result.output
    assert f"note: csr does not read {team} yet; add it to CSR_PHRASEBOOK_PATH" in result.stderr
    assert [e.id for e in load_file(LayerFile(team, "team"))] == ["team-hi"]
    assert not paths.personal_phrasebook().exists()


def test_bundled_files_cannot_be_a_target() -> None:
    bundled = next(paths.bundled_phrasebook_dir().glob("*.yaml"))
    result = runner.invoke(app, ["add", "x", "--text", "y", "--team", str(bundled)])
    assert result.exit_code == 2
    assert result.stderr == f"error: {bundled} is a bundled phrasebook file and is read-only\n"


# --- comments, key order, layout ----------------------------------------------------------------


def test_add_and_rm_keep_comments_and_key_order_of_a_hand_edited_file() -> None:
    write_phrasebook(paths.personal_phrasebook(), HAND_EDITED)
    assert runner.invoke(app, ["add", "hello-team", "--text", "亲，在的～"]).exit_code == 0
    assert runner.invoke(app, ["add", "new-one", "--text", "新的"]).exit_code == 0
    expected = HAND_EDITED.replace(
        "        有什么可以帮您？\n", "        有什么可以帮您？\n      - 亲，在的～\n"
    ).replace(
        "    variants: [亲，今天就发货哦～]\n",
        "    variants: [亲，今天就发货哦～]\n\n  - id: new-one\n    variants:\n      - 新的\n",
    )
    assert personal_text() == expected
    assert runner.invoke(app, ["rm", "ship-soon", "--yes"]).exit_code == 0
    assert personal_text() == expected.replace(
        "  # --- shipping ---\n  - id: ship-soon\n    variants: [亲，今天就发货哦～]\n\n", ""
    )
    assert backup_path(paths.personal_phrasebook()).read_text(encoding="utf-8") == expected


def test_a_flow_style_file_with_comments_is_refused_with_the_reason() -> None:
    text = "entries: [{id: a, variants: [x]}]  # one-liner\n"
    write_phrasebook(paths.personal_phrasebook(), text)
    result = runner.invoke(app, ["add", "b", "--text", "y"])
    assert result.exit_code == 2
    assert "laid out differently and has comments that rewriting would lose" in result.stderr
    assert personal_text() == text


def test_a_flow_style_file_without_comments_is_rewritten_as_a_block_list() -> None:
    write_phrasebook(paths.personal_phrasebook(), "entries: [{id: a, variants: [x]}]\n")
    assert runner.invoke(app, ["add", "b", "--text", "y"]).exit_code == 0
    assert personal_entries() == {"a": ("x",), "b": ("y",)}


def test_texts_pyyaml_would_misread_are_quoted() -> None:
    texts = ["yes", "1:20", "0777", "~", "null", "'quoted'", "# not a comment", "a: b"]
    args = [arg for text in texts for arg in ("--text", text)]
    assert runner.invoke(app, ["add", "tricky", *args]).exit_code == 0
    assert personal_entries() == {"tricky": tuple(texts)}


def test_bom_and_windows_line_endings_are_kept() -> None:
    path = paths.personal_phrasebook()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xef\xbb\xbfentries:\r\n  - id: a\r\n    variants: [x]\r\n")
    assert runner.invoke(app, ["add", "a", "--text", "y"]).exit_code == 0
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert personal_entries() == {"a": ("x", "y")}


def test_a_malformed_file_is_reported_with_its_line_and_left_alone() -> None:
    text = "entries:\n  - id: ok\n    variants: [x]\n  - id: bad\n    colour: red\n"
    write_phrasebook(paths.personal_phrasebook(), text)
    result = runner.invoke(app, ["add", "ok", "--text", "y"])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"error: {paths.personal_phrasebook()}:4: entry 'bad', field 'colour': unknown field"
    )
    assert result.stderr.rstrip().endswith("fix it (see `csr check`) before changing it")
    assert personal_text() == text


# --- the store notices every write ---------------------------------------------------------------


def test_a_same_size_rewrite_within_one_mtime_tick_is_seen_by_the_cache() -> None:
    target = editing.target_file(None)
    editing.add(editing.AddRequest("same", ("甲乙",)), target, [])
    assert open_phrasebook().get("same").variants == ("甲乙",)  # type: ignore[union-attr]
    before = paths.personal_phrasebook().stat()
    block = editing.current_block(target, "same")
    editing.save_block(
        target, "same", original=block, edited=block.replace("甲乙", "丙丁"), source="draft"
    )
    path = paths.personal_phrasebook()
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # same mtime, same size
    assert path.stat().st_size == before.st_size
    assert open_phrasebook().get("same").variants == ("丙丁",)  # type: ignore[union-attr]


# --- csr edit ----------------------------------------------------------------------------------


def make_editor(tmp_path: Path, body: str) -> str:
    """An $EDITOR: a Python script that rewrites the file it is given."""
    script = tmp_path / "editor.py"
    script.write_text(
        "import pathlib, sys\n"
        "path = pathlib.Path(sys.argv[1])\n"
        "text = path.read_text(encoding='utf-8')\n" + textwrap.dedent(body) + "\n"
        "path.write_text(text, encoding='utf-8')\n",
        encoding="utf-8",
    )
    return f"{sys.executable} {script}"


def test_edit_saves_a_valid_edit_and_keeps_the_comments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_phrasebook(paths.personal_phrasebook(), HAND_EDITED)
    editor = make_editor(tmp_path, "text = text.replace('欢迎光临～', '欢迎再来～')")
    monkeypatch.setenv("EDITOR", editor)
    monkeypatch.delenv("VISUAL", raising=False)
    result = runner.invoke(app, ["edit", "ht"])  # an alias works too
    assert result.exit_code == 0, result.output
    assert result.stderr == f"✓ saved 'hello-team' in {paths.personal_phrasebook()} (personal)\n"
    assert personal_text() == HAND_EDITED.replace("欢迎光临～", "欢迎再来～")


def test_a_failed_edit_keeps_the_file_and_the_draft_and_a_retry_resumes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_phrasebook(paths.personal_phrasebook(), HAND_EDITED)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", make_editor(tmp_path, "text += 'role: boss\\n'"))
    result = runner.invoke(app, ["edit", "hello-team"])
    assert result.exit_code == 2
    draft = paths.state_dir() / "drafts" / "hello-team.yaml"
    assert result.stderr.startswith(
        f"error: {draft}: entry 'hello-team', field 'role': must be one of"
    )
    assert "`csr edit hello-team` (it reopens the edit)" in result.stderr
    assert personal_text() == HAND_EDITED
    assert "role: boss" in draft.read_text(encoding="utf-8")
    fix = make_editor(tmp_path, "text = text.replace('role: boss', 'role: presale')")
    monkeypatch.setenv("EDITOR", fix)
    retry = runner.invoke(app, ["edit", "hello-team"])
    assert retry.exit_code == 0, retry.output
    assert f"resuming your unsaved edit from {draft}" in retry.stderr
    assert open_phrasebook().get("hello-team").role == "presale"  # type: ignore[union-attr]
    assert not draft.exists()


def test_edit_reports_yaml_syntax_errors_with_the_draft_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_phrasebook(paths.personal_phrasebook(), HAND_EDITED)
    monkeypatch.setenv("VISUAL", make_editor(tmp_path, "text += 'tags: [oops\\n'"))
    result = runner.invoke(app, ["edit", "ship-soon"])
    assert result.exit_code == 2
    draft = paths.state_dir() / "drafts" / "ship-soon.yaml"
    lines = draft.read_text(encoding="utf-8").splitlines()
    assert result.stderr.startswith(f"error: {draft}:{len(lines) + 1}: YAML syntax error")
    assert personal_text() == HAND_EDITED


def test_edit_of_a_bundled_reply_suggests_add() -> None:
    result = runner.invoke(app, ["edit", "bargain"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: 'bargain' comes from the bundled phrasebook, which csr does not change; "
        "`csr add bargain --text …` copies it into your personal phrasebook with one more "
        "variant (then `csr edit bargain` edits your copy)\n"
    )


def test_edit_without_changes_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_phrasebook(paths.personal_phrasebook(), HAND_EDITED)
    monkeypatch.setenv("VISUAL", make_editor(tmp_path, "pass"))
    result = runner.invoke(app, ["edit", "ship-soon"])
    assert result.exit_code == 0
    assert result.stderr == "no changes to 'ship-soon'\n"
    assert not backup_path(paths.personal_phrasebook()).exists()


# --- csr rm ------------------------------------------------------------------------------------


def test_rm_needs_yes_without_a_terminal_and_then_shows_the_bundled_one_again() -> None:
    runner.invoke(app, ["add", "bargain", "--text", "亲，自己的议价回复。"])
    refused = runner.invoke(app, ["rm", "bargain"])
    assert refused.exit_code == 2
    assert refused.stderr == (
        f"error: removing 'bargain' from {paths.personal_phrasebook()} needs confirmation: "
        "pass --yes\n"
    )
    done = runner.invoke(app, ["rm", "bargain", "--yes"])
    assert done.exit_code == 0, done.output
    assert "note: the bundled 'bargain' is used again" in done.stderr
    assert open_phrasebook().get("bargain").layer == "bundled"  # type: ignore[union-attr]


def test_rm_asks_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(edit_cmd, "interactive", lambda: True)
    runner.invoke(app, ["add", "mine", "--text", "甲"])
    declined = runner.invoke(app, ["rm", "mine"], input="n\n")
    assert declined.exit_code == 1
    assert "nothing removed" in declined.stderr
    assert personal_entries() == {"mine": ("甲",)}
    accepted = runner.invoke(app, ["rm", "mine"], input="y\n")
    assert accepted.exit_code == 0
    assert personal_entries() == {}


def test_rm_of_an_unknown_id_suggests_close_ones() -> None:
    result = runner.invoke(app, ["rm", "bargian", "--yes"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: no reply with id or alias 'bargian'; did you mean")


# --- safety: concurrency, crashes, full disks -------------------------------------------------


def test_two_processes_adding_at_once_lose_nothing() -> None:
    env = {**os.environ, "CSR_NO_COPY": "1"}
    count = 6
    processes = [
        subprocess.Popen(
            [*csr_executable(), "add", f"racer-{n}", "--text", f"第{n}条"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for n in range(count)
    ]
    for process in processes:
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err.decode()
    assert personal_entries() == {f"racer-{n}": (f"第{n}条",) for n in range(count)}


def test_a_failed_rename_leaves_the_old_file_and_no_temp_files(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runner.invoke(app, ["add", "keep", "--text", "甲"])
    before = paths.personal_phrasebook().read_bytes()

    def disk_full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileio.os, "fsync", disk_full)
    result = runner.invoke(app, ["add", "keep", "--text", "乙"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {paths.personal_phrasebook()}: cannot write it ([Errno 28] No space left on "
        "device); the file is unchanged\n"
    )
    assert paths.personal_phrasebook().read_bytes() == before
    leftovers = [p.name for p in paths.personal_phrasebook().parent.iterdir() if p.suffix == ".tmp"]
    assert leftovers == []


KILLED_WRITER = """
import os, sys, time
from csr_cli import fileio
from csr_cli.phrasebook import editing
real_fsync = os.fsync
def slow_fsync(fd):
    name = os.path.basename(os.readlink(f"/proc/self/fd/{fd}"))
    if name.startswith(".phrasebook.yaml.") and not name.startswith(".phrasebook.yaml.bak."):
        open(sys.argv[1], "w").close()  # tell the test we are inside the write
        time.sleep(60)
    real_fsync(fd)
fileio.os.fsync = slow_fsync
editing.add(editing.AddRequest("victim", ("乙" * 5000,)), editing.target_file(None), [])
"""


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to spot the write")
def test_a_process_killed_inside_the_write_leaves_the_old_file_and_no_stale_lock(
    tmp_path: Path,
) -> None:
    runner.invoke(app, ["add", "victim", "--text", "甲"])
    before = paths.personal_phrasebook().read_bytes()
    marker = tmp_path / "inside"
    writer = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(marker)], env=os.environ)
    try:
        deadline = time.monotonic() + 30
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert marker.exists(), "the writer never reached the write"
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    assert paths.personal_phrasebook().read_bytes() == before
    folder = paths.personal_phrasebook().parent
    assert [p.name for p in folder.glob("*.tmp")] != []  # the half-written new file
    started = time.monotonic()
    result = runner.invoke(app, ["add", "victim", "--text", "丙"])
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 5  # the dead process's lock was released
    assert personal_entries() == {"victim": ("甲", "丙")}
    assert list(folder.glob("*.tmp")) == []  # cleaned up under the lock


def test_a_held_lock_makes_another_writer_give_up_with_a_clear_error() -> None:
    path = paths.personal_phrasebook()
    with fileio.locked(path), pytest.raises(CsrError) as caught, fileio.locked(path, timeout=0.2):
        pass
    assert (
        str(caught.value)
        == f"{path}: another csr is still writing this file after 0.2 s; try again"
    )


def test_core_refuses_to_write_text_that_does_not_parse_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runner.invoke(app, ["add", "keep", "--text", "甲"])
    before = personal_text()
    monkeypatch.setattr(
        editing.yamltext, "render_mapping", lambda raw: "id: other\nvariants: [z]\n"
    )
    with pytest.raises(Exception, match="would not hold the intended entries"):
        editing.add(editing.AddRequest("new", ("乙",)), editing.target_file(None), [])
    assert personal_text() == before


def test_document_rejects_a_broken_file() -> None:
    with pytest.raises(PhrasebookError, match=r":2: YAML syntax error"):
        editing.Document(editing.target_file(None), b"entries: [\n  - id: a\n")
