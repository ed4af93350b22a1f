"""`csr check` finds each kind of problem; `csr doctor` reports the set-up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import RecordingClipboard, write_phrasebook
from typer.testing import CliRunner

from csr_cli import paths
from csr_cli.cli import app
from csr_cli.doctor import TEST_TEXT

runner = CliRunner()

TEAM_A = """\
entries:
  - id: dup-id
    aliases: [da]
    variants: [亲，您好～]
  - id: bad-role
    role: boss
    variants: [x]
  - id: odd-placeholder
    placeholders:
      shpo: null
      custom: 默认值
    variants:
      - 亲，{shpo}{custom}欢迎您～
"""

TEAM_B = """\
entries:
  - id: dup-id
    variants: [亲，在的～]
  - id: rude
    variants:
      - 亲，在的～
      - 不行，自己看吧
  - id: clash
    aliases: [yj]
    variants: [亲，欢迎～]
  - id: alias-is-id
    aliases: [greet]
    variants: [亲，欢迎～]
"""


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "team"
    write_phrasebook(folder / "a.yaml", TEAM_A)
    write_phrasebook(folder / "b.yaml", TEAM_B)
    monkeypatch.setenv("CSR_PHRASEBOOK_PATH", str(folder))
    return folder


def test_check_passes_on_the_bundled_phrasebook() -> None:
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("✓ ")
    assert result.stderr.endswith(": no problems\n")


def test_check_finds_each_kind_of_problem(team: Path) -> None:
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    a, b = team / "a.yaml", team / "b.yaml"
    bargain = paths.bundled_phrasebook_dir() / "bargain.yaml"
    lines = result.stdout.splitlines()
    assert (
        f"{a}:5: entry 'bad-role', field 'role': must be one of presale, insale, aftersale, general"
        in lines
    )
    assert (
        f"{b}:2: entry 'dup-id', field 'id': also defined in {a}:2 (team layer); rename one of "
        "them or remove the duplicate"
    ) in lines
    assert any(
        line.startswith(
            f"{b}:9: entry 'clash', field 'aliases': 'yj' is also an alias of 'bargain' (bundled, {bargain}:"
        )
        and line.endswith("`csr reply yj` gives 'clash'. Choose another alias for one of them")
        for line in lines
    ), lines
    assert any(
        line.startswith(
            f"{b}:12: entry 'alias-is-id', field 'aliases': 'greet' is the id of another entry"
        )
        for line in lines
    ), lines
    assert any(
        line.startswith(
            f"{a}:9: entry 'odd-placeholder', field 'placeholders': {{shpo}} is not a standard "
            "placeholder and has no default"
        )
        for line in lines
    ), lines
    assert not any("custom" in line for line in lines)  # it has a default
    tone = [
        line for line in lines if line.startswith(f"{b}:7: entry 'rude', field 'variants[2]': ")
    ]
    assert any("“不行”" in line for line in tone), lines
    assert any("“自己看吧”" in line for line in tone), lines
    assert result.stderr.endswith(f"{len(lines)} problem(s)\n")


def test_check_json_and_configured_placeholders(team: Path) -> None:
    assert runner.invoke(app, ["config", "set", "shpo", "x"]).exit_code == 0
    result = runner.invoke(app, ["check", "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert set(data) == {"files", "entries", "overrides", "problems"}
    assert not any(p["field"] == "placeholders" for p in data["problems"])
    role = next(p for p in data["problems"] if p["field"] == "role")
    assert role == {
        "file": str(team / "a.yaml"),
        "line": 5,
        "entry": "bad-role",
        "field": "role",
        "message": "must be one of presale, insale, aftersale, general",
    }


def test_check_given_files_only_and_reports_every_bad_entry_and_missing_files(
    tmp_path: Path,
) -> None:
    path = write_phrasebook(
        tmp_path / "mine.yaml",
        "entries:\n  - id: a\n    colour: red\n    variants: [x]\n  - id: B\n    variants: [y]\n",
    )
    result = runner.invoke(app, ["check", str(path), str(tmp_path / "gone.yaml")])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{tmp_path / 'gone.yaml'}: file not found",
        f"{path}:2: entry 'a', field 'colour': unknown field; allowed fields are id, variants, "
        "title, title_zh, role, tags, aliases, keywords, placeholders, requires",
        f"{path}:5: entry 'B', field 'id': must be lowercase kebab-case letters and digits, "
        "e.g. 'bargain'",
    ]


def test_check_reports_yaml_syntax_errors_with_the_line(tmp_path: Path) -> None:
    path = write_phrasebook(tmp_path / "bad.yaml", "entries:\n  - id: a\n    variants: [x\n")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{path}:4: YAML syntax error")


def test_check_counts_overrides_without_calling_them_problems() -> None:
    write_phrasebook(
        paths.personal_phrasebook(),
        "entries:\n  - id: bargain\n    variants: [亲，价格已经很实在啦～]\n",
    )
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    assert "1 override(s) of a lower layer: no problems" in result.stderr


def test_doctor_reports_layers_paths_and_the_clipboard(clip: RecordingClipboard) -> None:
    write_phrasebook(paths.personal_phrasebook(), "entries:\n  - id: mine\n    variants: [甲]\n")
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("csr 0.1.0 (Python ")
    assert f"  personal  1 entry      {paths.personal_phrasebook()}" in lines
    bargain = paths.bundled_phrasebook_dir() / "bargain.yaml"
    assert any(line.startswith("  bundled ") and line.endswith(str(bargain)) for line in lines)
    assert f"config:    {paths.config_file()} (not created yet)" in lines
    assert any("`csr doctor --test-copy` tries one" in line for line in lines)
    assert clip.copies == []  # nothing was copied without --test-copy


def test_doctor_test_copy_really_copies(clip: RecordingClipboard) -> None:
    result = runner.invoke(app, ["doctor", "--test-copy", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert clip.copies == [TEST_TEXT]
    assert data["clipboard"]["tested"] is True
    assert data["clipboard"]["works"] is True
    assert data["layers"][-1] == {
        "layer": "personal",
        "path": str(paths.personal_phrasebook()),
        "entries": None,
        "problem": "",
    }
    assert data["merged_entries"] > 50
    assert set(data["packages"]) >= {"typer", "ruamel.yaml", "filelock"}


def test_doctor_exits_1_when_a_layer_is_broken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = write_phrasebook(tmp_path / "team.yaml", "entries:\n  - id: x\n")
    monkeypatch.setenv("CSR_PHRASEBOOK_PATH", str(broken))
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 1
    assert f"problem: {broken}: {broken}:2: entry 'x', field 'variants': missing" in result.stdout
