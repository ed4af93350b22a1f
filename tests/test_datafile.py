"""Every data file is read by one loader: errors name the file and line, alias bombs are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from csr_cli.cli import app
from csr_cli.datafile import EXPANSION_FLOOR, parse_yaml
from csr_cli.errors import PolicyError

runner = CliRunner()


def alias_bomb(levels: int = 6, width: int = 10) -> str:
    """A YAML document whose aliases expand to width**levels nodes ("billion laughs")."""
    lines = ['a0: &a0 ["lol"]']
    for level in range(1, levels + 1):
        refs = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_before_it_expands() -> None:
    assert EXPANSION_FLOOR < 10**6
    with pytest.raises(PolicyError, match="alias bomb"):
        parse_yaml(alias_bomb(), "bomb.yaml", what="policy", error=PolicyError)


def test_ordinary_anchors_still_work() -> None:
    text = "base: &base {fee: 10}\nzone: *base\n"
    assert parse_yaml(text, "ok.yaml", what="policy", error=PolicyError) == {
        "base": {"fee": 10},
        "zone": {"fee": 10},
    }


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["shipping", "--to", "浙江", "--no-copy"], "--policy"),
        (["kpi", "--quality", "90"], "--policy"),
        (["lint", "您好"], "--rules"),
    ],
)
def test_every_data_file_option_refuses_an_alias_bomb(
    tmp_path: Path, argv: list[str], flag: str
) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb(levels=9), encoding="utf-8")
    result = runner.invoke(app, [*argv, flag, str(bomb)])
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1
    assert f"{bomb}: " in result.stderr and "alias bomb" in result.stderr


def test_a_syntax_error_in_a_rules_file_names_the_file_and_line(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("banned:\n  - {phrase: 不行\n", encoding="utf-8")
    result = runner.invoke(app, ["lint", "您好", "--rules", str(rules)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {rules}:")
    assert "<unicode string>" not in result.stderr


def test_a_folder_where_a_policy_file_belongs_is_named_as_such(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["shipping", "--to", "浙江", "--no-copy"], env={"CSR_POLICY": str(tmp_path)}
    )
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: CSR_POLICY names '{tmp_path}', which is a folder, not a policy file; "
        "fix or unset it\n"
    )
