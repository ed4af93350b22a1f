"""Hostile environments: every CSR_* location pointing at a file, a folder, a FIFO or nothing,
odd terminal settings. No hang (a FIFO is never read), no traceback, one line naming the
variable or the file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import assert_clean, hang_guard, invoke, run

no_hang = pytest.fixture(autouse=True)(hang_guard)  # an in-process run that hangs fails
KPI = ["kpi", "--quality", "A", "--refund-rate", "2%", "--disputes", "A", "--teamwork", "A"]
KPI += ["--execution", "A"]
COMMANDS = [
    ["reply", "bargain", "--no-copy"],
    ["list"],
    ["search", "包邮"],
    ["refund", "190", "--no-copy"],
    ["shipping", "--to", "浙江", "--no-copy"],
    ["lint", "亲，您好"],
    KPI,
    ["add", "env-x", "--text", "亲"],
    ["config", "set", "shop", "小美家"],
    ["stats"],
    ["check"],
    ["doctor"],
]


def odd_places(tmp: Path) -> dict[str, Path]:
    places = {"file": tmp / "a-file", "fifo": tmp / "a-fifo", "missing": tmp / "no" / "such"}
    places["file"].write_text("not a folder\n", encoding="utf-8")
    os.mkfifo(places["fifo"])
    places["folder"] = tmp / "a-folder"
    places["folder"].mkdir()
    return places


@pytest.mark.parametrize(
    "variable",
    [
        "CSR_CONFIG_DIR",
        "CSR_STATE_DIR",
        "CSR_CACHE_DIR",
        "CSR_POLICY",
        "CSR_KPI_POLICY",
        "CSR_PHRASEBOOK_PATH",
    ],
)
def test_every_location_variable_pointing_anywhere(
    variable: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for kind, place in odd_places(tmp_path).items():
        monkeypatch.setenv(variable, str(place))
        for command in COMMANDS:
            outcome = invoke(command)
            try:
                assert_clean(outcome)
            except AssertionError as exc:
                raise AssertionError(f"{variable}={kind} csr {command[0]}: {exc}") from None


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_fifo_or_folder_at_the_personal_phrasebook_is_named_not_read(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config-here"
    config.mkdir()
    if kind == "fifo":
        os.mkfifo(config / "phrasebook.yaml")
    else:
        (config / "phrasebook.yaml").mkdir()
    monkeypatch.setenv("CSR_CONFIG_DIR", str(config))
    for command in (["reply", "bargain", "--no-copy"], ["add", "x", "--text", "亲"], ["list"]):
        outcome = invoke(command)
        assert_clean(outcome, codes=(2,))
        assert str(config / "phrasebook.yaml") in outcome.stderr


@pytest.mark.parametrize(
    "env",
    [
        {"COLUMNS": "0"},
        {"COLUMNS": "-5"},
        {"COLUMNS": "99999999999"},
        {"PYTHONIOENCODING": "ascii"},
        {"PYTHONIOENCODING": "latin-1"},
        {"TERM": "dumb"},
        {"NO_COLOR": "1"},
        {"CSR_DEBUG": "yes please"},
        {"HOME": "/nonexistent", "XDG_CONFIG_HOME": "/nonexistent"},
        {"EDITOR": "/nonexistent/editor --flag", "VISUAL": ""},
    ],
    ids=lambda env: ",".join(f"{k}={v}" for k, v in env.items())[:40],
)
def test_odd_terminal_and_locale_settings(env: dict[str, str]) -> None:
    for command in (["reply", "bargain", "--no-copy"], ["search", "包邮"], ["lint", "不行"]):
        outcome = run(command, env=env)
        assert_clean(outcome)
        assert outcome.code in (0, 1)


def test_the_c_locale_is_named_with_the_fix() -> None:
    outcome = run(["search", "包邮"], env={"LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0"})
    assert_clean(outcome, codes=(2,))
    assert "runs in the C/POSIX locale" in outcome.stderr and "LANG=C.UTF-8" in outcome.stderr
    ascii_only = run(["reply", "bargain", "--no-copy"], env={"LC_ALL": "C", "PYTHONUTF8": "0"})
    assert_clean(ascii_only, codes=(0,))
    assert ascii_only.stdout.startswith("亲")
