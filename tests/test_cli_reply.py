"""`csr reply`, `show`, `list` and `config` through the real CLI (CliRunner)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import RecordingClipboard, csr_executable, write_phrasebook
from typer.testing import CliRunner

from csr_cli import paths
from csr_cli.cli import app
from csr_cli.phrasebook.cache import open_phrasebook
from csr_cli.state import load_state

runner = CliRunner()

PERSONAL = """\
entries:
  - id: thanks-shop
    title: Thanks with shop name
    aliases: [xx]
    placeholders:
      shop: null
      days: "3"
    variants:
      - 亲，感谢您光临{shop}，{days}天内发货哦～
      - |-
        亲，{shop}祝您生活愉快！
        有问题随时找我们。
      - 亲，{shop}的{agent}随时为您服务。
"""


@pytest.fixture
def personal() -> Path:
    return write_phrasebook(paths.personal_phrasebook(), PERSONAL.replace("{agent}", "小美"))


def test_reply_prints_the_reply_and_copies_it(clip: RecordingClipboard) -> None:
    result = runner.invoke(app, ["reply", "bargain"])
    assert result.exit_code == 0, result.output
    entry = open_phrasebook().get("bargain")
    assert entry is not None
    assert result.stdout == entry.variants[0] + "\n"
    assert clip.copies == [entry.variants[0]]
    assert "copied" in result.stderr


def test_reply_rotates_through_variants(clip: RecordingClipboard) -> None:
    entry = open_phrasebook().get("bargain")
    assert entry is not None
    seen = [runner.invoke(app, ["reply", "bargain"]).stdout.rstrip("\n") for _ in entry.variants]
    assert seen == list(entry.variants)
    again = runner.invoke(app, ["reply", "bargain"]).stdout.rstrip("\n")
    assert again == entry.variants[0]


def test_variant_option_picks_one_and_is_validated() -> None:
    entry = open_phrasebook().get("bargain")
    assert entry is not None
    result = runner.invoke(app, ["reply", "bargain", "--variant", "2", "--no-copy"])
    assert result.stdout == entry.variants[1] + "\n"
    bad = runner.invoke(app, ["reply", "bargain", "--variant", "99"])
    assert bad.exit_code == 2
    assert (
        bad.stderr
        == f"error: --variant must be between 1 and {len(entry.variants)} for 'bargain'\n"
    )


def test_no_copy_and_env_turn_copying_off(
    clip: RecordingClipboard, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner.invoke(app, ["reply", "bargain", "--no-copy"])
    monkeypatch.setenv("CSR_NO_COPY", "1")
    result = runner.invoke(app, ["reply", "bargain"])
    assert result.exit_code == 0
    assert clip.copies == []
    assert result.stderr == ""


def test_placeholders_from_config_then_set_then_defaults(personal: Path) -> None:
    assert runner.invoke(app, ["config", "set", "shop", "小美家"]).exit_code == 0
    first = runner.invoke(app, ["reply", "thanks-shop", "-v", "1", "--no-copy"])
    assert first.stdout == "亲，感谢您光临小美家，3天内发货哦～\n"
    overridden = runner.invoke(
        app, ["reply", "xx", "-v", "1", "--set", "shop=大美家", "-s", "days=2", "--no-copy"]
    )
    assert overridden.stdout == "亲，感谢您光临大美家，2天内发货哦～\n"


def test_multiline_reply_is_printed_and_copied_whole(
    personal: Path, clip: RecordingClipboard
) -> None:
    result = runner.invoke(app, ["reply", "thanks-shop", "-v", "2", "--set", "shop=小店"])
    assert result.stdout == "亲，小店祝您生活愉快！\n有问题随时找我们。\n"
    assert clip.copies == ["亲，小店祝您生活愉快！\n有问题随时找我们。"]


def test_missing_placeholder_without_terminal_names_keys_and_copies_nothing(
    personal: Path, clip: RecordingClipboard
) -> None:
    result = runner.invoke(app, ["reply", "thanks-shop", "-v", "1"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert clip.copies == []
    assert result.stderr == (
        "error: reply 'thanks-shop' needs a value for shop: pass --set shop=… "
        "or save a default with `csr config set shop …`\n"
    )


def test_failed_reply_does_not_advance_rotation(personal: Path) -> None:
    runner.invoke(app, ["reply", "thanks-shop"])
    result = runner.invoke(app, ["reply", "thanks-shop", "--set", "shop=小店", "--no-copy"])
    assert result.stdout.startswith("亲，感谢您光临小店")


def test_prompts_for_missing_values_on_a_terminal(
    personal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("csr_cli.commands._common.interactive", lambda: True)
    result = runner.invoke(
        app, ["reply", "thanks-shop", "-v", "1", "--no-copy"], input="小美家\n\n"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("亲，感谢您光临小美家，3天内发货哦～\n")
    assert "shop (shop name (店铺名))" in result.stderr
    assert "[3]" in result.stderr


def test_json_output(clip: RecordingClipboard) -> None:
    result = runner.invoke(app, ["reply", "bargain", "--json", "-v", "1"])
    data = json.loads(result.stdout)
    assert data["id"] == "bargain" and data["variant"] == 1
    assert data["text"] == clip.copies[0]


def test_unknown_id_suggests_close_ids() -> None:
    result = runner.invoke(app, ["reply", "bargian"])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: no reply with id or alias 'bargian'; did you mean bargain"
    )
    assert result.stderr.count("\n") == 1


def test_usage_errors_are_one_line_exit_2() -> None:
    result = runner.invoke(app, ["reply", "bargain", "--bogus"])
    assert result.exit_code == 2
    assert result.stderr == "error: No such option: --bogus (see `csr reply --help`)\n"
    bad_set = runner.invoke(app, ["reply", "bargain", "--set", "novalue"])
    assert bad_set.exit_code == 2
    assert "--set expects key=value" in bad_set.stderr


def test_show_lists_every_variant_numbered() -> None:
    entry = open_phrasebook().get("bargain")
    assert entry is not None
    result = runner.invoke(app, ["show", "bargain"])
    assert result.exit_code == 0
    for number, text in enumerate(entry.variants, start=1):
        assert f"{number}. {text.splitlines()[0]}" in result.stdout
    data = json.loads(runner.invoke(app, ["show", "bargain", "--json"]).stdout)
    assert data["variants"] == list(entry.variants)


def test_list_filters_by_role_and_tag() -> None:
    rows = runner.invoke(app, ["list", "--role", "aftersale"]).stdout.splitlines()
    assert rows and all(row.split("\t")[1] == "aftersale" for row in rows)
    assert any(row.startswith("damaged-item\t") for row in rows)
    tagged = json.loads(runner.invoke(app, ["list", "--tag", "bargain", "--json"]).stdout)
    assert tagged and all("bargain" in entry["tags"] for entry in tagged)
    bad = runner.invoke(app, ["list", "--role", "boss"])
    assert bad.exit_code == 2 and bad.stderr.startswith("error: Invalid value for '--role'")


def test_config_set_show_unset_and_path() -> None:
    assert runner.invoke(app, ["config", "set", "agent", "小美"]).exit_code == 0
    assert json.loads(runner.invoke(app, ["config", "show", "--json"]).stdout) == {"agent": "小美"}
    assert paths.config_file().read_text(encoding="utf-8") == 'agent = "小美"\n'
    assert runner.invoke(app, ["config", "unset", "agent"]).exit_code == 0
    assert json.loads(runner.invoke(app, ["config", "show", "--json"]).stdout) == {}
    missing = runner.invoke(app, ["config", "unset", "agent"])
    assert missing.exit_code == 2
    located = json.loads(runner.invoke(app, ["config", "path", "--json"]).stdout)
    assert located["config"] == str(paths.config_file())
    assert located["personal_phrasebook"] == str(paths.personal_phrasebook())
    bad_key = runner.invoke(app, ["config", "set", "bad key", "x"])
    assert bad_key.exit_code == 2 and "not a valid key" in bad_key.stderr


def test_broken_config_file_is_named() -> None:
    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text("shop = \n", encoding="utf-8")
    result = runner.invoke(app, ["reply", "bargain"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {paths.config_file()}: cannot read config")


def test_unknown_command_is_a_usage_error() -> None:
    result = runner.invoke(app, ["rpely", "bargain"])
    assert result.exit_code == 2
    assert result.stderr == "error: no command 'rpely'; did you mean reply? (see `csr --help`)\n"


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("csr ")


def test_policy_threshold_fills_replies(isolated: Path) -> None:
    """A reply never quotes a free-shipping threshold other than the shop policy's."""
    paths.personal_policy().parent.mkdir(parents=True, exist_ok=True)
    paths.personal_policy().write_text("shipping:\n  free_threshold: 128\n", encoding="utf-8")
    result = runner.invoke(app, ["reply", "free-shipping-request", "-v", "1", "--no-copy"])
    assert result.exit_code == 0, result.output
    assert "满128元" in result.stdout and "98" not in result.stdout
    # neither --set nor the config can make a reply contradict the policy
    contradicted = runner.invoke(
        app, ["reply", "free-shipping-request", "-v", "1", "--set", "threshold=99", "--no-copy"]
    )
    assert contradicted.exit_code == 2
    assert contradicted.stderr == (
        "error: --set threshold=99 contradicts the shop profile (128); "
        "change the policy file instead (see `csr config path`)\n"
    )
    runner.invoke(app, ["config", "set", "threshold", "50"])
    configured = runner.invoke(app, ["reply", "free-shipping-request", "-v", "1", "--no-copy"])
    assert "满128元" in configured.stdout
    assert "the shop profile's threshold (128) is used, not the config's (50)" in configured.stderr


def test_empty_values_are_refused() -> None:
    result = runner.invoke(app, ["reply", "greet", "--set", "shop=", "--set", "agent=小美"])
    assert result.exit_code == 2
    assert result.stderr == "error: --set shop= has no value; give one, e.g. --set shop=…\n"
    multiline = runner.invoke(app, ["config", "set", "shop", "小美\n家"])
    assert multiline.exit_code == 2
    assert multiline.stderr == "error: 'shop' must be one line of text without control characters\n"
    config = runner.invoke(app, ["config", "set", "shop", " "])
    assert config.exit_code == 2
    assert "to remove it use `csr config unset shop`" in config.stderr


def test_a_misspelt_set_key_is_pointed_out() -> None:
    result = runner.invoke(app, ["reply", "bargain", "-v", "1", "--set", "shpo=小店", "--no-copy"])
    assert result.exit_code == 0
    assert result.stderr == "note: 'bargain' has no placeholder shpo (it has: none)\n"


def test_unwritable_config_dir_is_one_error_line(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = isolated / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CSR_CONFIG_DIR", str(blocker / "csr"))
    result = runner.invoke(app, ["config", "set", "shop", "小美家"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {blocker / 'csr' / 'config.toml'}: cannot write")
    assert result.stderr.count("\n") == 1


def test_concurrent_replies_are_all_counted(isolated: Path) -> None:
    procs = [
        subprocess.Popen(
            [*csr_executable(), "reply", "bargain", "--no-copy"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
        for _ in range(12)
    ]
    assert all(proc.wait(timeout=60) == 0 for proc in procs)
    counts = load_state("usage")
    assert counts == {"bargain": 12}
