"""Every command has help text and is documented in the README; start-up stays light."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import REPO

from csr_cli.cli import COMMANDS, load_command

README = (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_has_help_and_is_in_the_readme(name: str) -> None:
    command = load_command(name)
    assert command.help and command.help.strip(), f"csr {name} has no help text"
    assert f"csr {name}" in README, f"csr {name} is not documented in README.md"
    for sub in getattr(command, "commands", {}).values():
        assert sub.help and sub.help.strip(), f"csr {name} {sub.name} has no help text"
        assert f"csr {name} {sub.name}" in README, f"csr {name} {sub.name} is not in README.md"


def test_readme_states_the_ci_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    command = next(line for line in ci.splitlines() if line.startswith("bash scripts/"))
    assert f"```sh\n{command}\n```" in README
    script = (REPO / command.split()[1]).read_text(encoding="utf-8")
    assert "python -m pytest" in script and "pip install -q '.[test]'" in script


HEAVY = [
    "rich",
    "yaml",
    "pypinyin",
    "prompt_toolkit",
    "openpyxl",
    "pyperclip",
    "ruamel",
    "sqlalchemy",
    "alembic",
    "psycopg",
]


@pytest.mark.parametrize(
    "argv", [["--version"], ["reply", "bargain", "--no-copy"], ["search", "能便宜点吗"]]
)
def test_hot_commands_import_nothing_heavy(argv: list[str]) -> None:
    """Start-up cost is import cost: the hot paths must not import what they do not use."""
    probe = (
        "import sys\n"
        "from csr_cli.cli import main\n"
        f"sys.argv = ['csr', *{argv!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "import json\n"
        "commands = sorted(m for m in sys.modules if m.startswith('csr_cli.commands.')\n"
        "                  or m in ('csr_cli.clipboard', 'csr_cli.policy.model'))\n"
        f"heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))\n"
        "print(json.dumps([commands, heavy]), file=sys.stderr)\n"
    )
    subprocess.run(
        [
            sys.executable,
            "-c",
            "from csr_cli.phrasebook.cache import open_phrasebook; open_phrasebook()",
        ],
        check=True,
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    commands, heavy = json.loads(result.stderr.strip().splitlines()[-1])
    assert heavy == [], f"{argv} imported {heavy}"
    allowed = {"csr_cli.commands._common", "csr_cli.commands.reply", "csr_cli.commands.search"}
    assert set(commands) <= allowed, commands


# On the fast path (the console script with its compiled table) the hot commands also skip
# Typer, click and every module only the Typer path or a write needs.
FAST_PATH_ABSENT = [
    *HEAVY,
    "typer.main",
    "click",
    "platformdirs",
    "tempfile",
    "subprocess",
    "shutil",
    "csr_cli.cli",
    # records on the hot paths are NamedTuples and the calculators' Typer signature is built
    # only when Typer asks: `dataclasses` and `inspect` cost several ms of start-up
    "dataclasses",
    "inspect",
    "difflib",  # only an ASCII id typo or an error's suggestion needs it
]


@pytest.mark.parametrize(
    ("argv", "absent"),
    [
        (["reply", "bargain", "--no-copy"], [*FAST_PATH_ABSENT, "decimal", "csr_cli.policy.model"]),
        (["search", "能便宜点吗"], FAST_PATH_ABSENT),
        (["refund", "190", "--shipping", "10", "--no-copy"], FAST_PATH_ABSENT),
        (["shipping", "--to", "杭州", "--no-copy"], FAST_PATH_ABSENT),
        (["exchange", "159", "179", "--no-copy"], FAST_PATH_ABSENT),
        (["--help"], [*FAST_PATH_ABSENT, "csr_cli.commands.reply", "csr_cli.phrasebook.cache"]),
        (["--version"], [*FAST_PATH_ABSENT, "csr_cli.commands.reply", "csr_cli.phrasebook.cache"]),
    ],
)
def test_the_fast_path_imports_no_typer(argv: list[str], absent: list[str]) -> None:
    probe = (
        "import atexit, json, sys\n"
        "atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr))\n"
        f"sys.argv = ['csr', *{argv!r}]\n"
        "from csr_cli.__main__ import main\n"
        "main()\n"
    )
    for _ in range(2):  # the first run builds the caches (table, help, policy) for the second
        result = subprocess.run(
            [sys.executable, "-c", probe],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "CSR_NO_COPY": "1"},
            timeout=60,
        )
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stderr.strip().splitlines()[-1]))
    assert sorted(loaded & set(absent)) == []
    assert sorted({name.split(".")[0] for name in loaded} & set(HEAVY)) == []
