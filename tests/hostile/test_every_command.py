"""Every command, every argument slot, with hostile values: bad bytes, control characters, huge
and deep inputs, format strings, numbers at the edges. The rule: exit 0, 1 or 2 with at most one
`error:` line, never a traceback or the safety net's 70, never a hang."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import assert_clean, hang_guard, invoke
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csr_cli import paths

KPI = ["--quality", "A", "--refund-rate", "4.2%", "--disputes", "中", "--teamwork", "C"]
KPI += ["--execution", "fair"]
no_hang = pytest.fixture(autouse=True)(hang_guard)  # an in-process run that hangs fails

HOSTILE = {
    "empty": "",
    "blank": "   ",
    "nul": "a\x00b",
    "escape": "\x1b[31mred\x1b[0m\x07",
    "newlines": "a\nb\r\nc\u2028d",
    "bidi": "abc\u202eexe.txt",
    "surrogate": "x\udcff\udcfe",
    "huge": "x" * 100_000,
    "huge-chinese": "亲" * 50_000,
    "deep": "[" * 5_000 + "]" * 5_000,
    "format": "%s%n{0}{shop}{{}}$(id)`id`",
    "dash": "-",
    "dashes": "--",
    "big-number": "9" * 400,
    "float-edge": "1e309",
    "nan": "NaN",
    "fullwidth": "１９０",
    "arabic-digits": "١٩٠",
    "emoji": "👩‍👩‍👧‍👦🏳️‍🌈",
    "path-escape": "../../../../etc/passwd",
}

# {} is the slot the hostile value goes into; {tmp} prefixes a value that is a file name, so a
# hostile name can never point outside the test's folder.
SLOTS = [
    ["reply", "{}", "--no-copy"],
    ["reply", "bargain", "--set", "shop={}", "--no-copy"],
    ["reply", "bargain", "--variant", "{}", "--no-copy"],
    ["reply", "bargain", "--json", "--set", "{}", "--no-copy"],
    ["search", "{}"],
    ["search", "包邮", "--limit", "{}"],
    ["search", "包邮", "--role", "{}", "--json"],
    ["search", "{}", "--copy"],
    ["show", "{}"],
    ["list", "--role", "{}"],
    ["list", "--tag", "{}", "--json"],
    ["refund", "{}", "--no-copy"],
    ["refund", "190", "--shipping", "{}", "--no-copy"],
    ["refund", "190", "--reason", "{}", "--no-copy"],
    ["refund", "190", "--return-shipping", "{}", "--no-copy"],
    ["refund", "170", "--items", "{}", "--returning", "80", "--no-copy"],
    ["refund", "170", "--items", "120,80", "--returning", "{}", "--no-copy"],
    ["compensate", "{}", "--no-copy"],
    ["compensate", "99", "--offer", "{}", "--no-copy"],
    ["compensate", "99", "--reason", "{}", "--no-copy", "--json"],
    ["return-check", "--signed", "{}", "--no-copy"],
    ["return-check", "--signed", "2026-11-01", "--on", "{}", "--no-copy"],
    ["return-check", "--signed", "2026-11-01", "--condition", "{}", "--no-copy"],
    ["return-check", "--signed", "2026-11-01", "--category", "{}", "--no-copy"],
    ["shipping", "--to", "{}", "--no-copy"],
    ["shipping", "--to", "浙江", "--amount", "{}", "--no-copy"],
    ["shipping", "--to", "浙江", "--courier", "{}", "--no-copy"],
    ["lint", "{}"],
    ["lint", "--fix", "{}", "--no-copy"],
    ["lint", "--json", "{}"],
    ["add", "{}", "--text", "亲"],
    ["add", "h-x", "--text", "{}"],
    ["add", "h-x", "--text", "亲", "--alias", "{}"],
    ["add", "h-x", "--text", "亲", "--keyword", "{}", "--tag", "{}"],
    ["add", "h-x", "--text", "亲", "--title-zh", "{}", "--title", "{}"],
    ["add", "h-x", "--text", "亲", "--team", "{tmp}{}"],
    ["edit", "{}"],
    ["rm", "{}", "--yes"],
    ["import", "{tmp}{}"],
    ["import", "{tmp}sheet.csv", "--format", "{}"],
    ["export", "--format", "{}"],
    ["export", "--layer", "{}"],
    ["export", "--encoding", "{}", "-o", "{tmp}out.csv"],
    ["export", "-o", "{tmp}{}"],
    ["check", "{tmp}{}"],
    ["stats", "--limit", "{}"],
    ["kpi", *KPI, "--late", "{}"],
    ["kpi", *KPI, "--complaint", "{}"],
    ["kpi", *KPI, "--outstanding", "{}"],
    ["kpi", *KPI, "--level", "{}"],
    ["kpi", "--quality", "{}", *KPI[2:]],
    ["kpi", *KPI[:2], "--refund-rate", "{}", *KPI[4:]],
    ["kpi", "--sheet", "{tmp}{}"],
    ["kpi", "--sheet", "{tmp}team.csv", "-o", "{tmp}{}"],
    ["config", "set", "{}", "x"],
    ["config", "set", "shop", "{}"],
    ["config", "unset", "{}"],
    ["pick", "{}"],
    ["{}"],
]


@pytest.fixture(autouse=True)
def editor_that_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDITOR", "true")
    monkeypatch.delenv("VISUAL", raising=False)


def fill(slot: list[str], value: str, tmp: Path) -> list[str]:
    out = []
    for part in slot:
        part = part.replace("{tmp}", f"{tmp}/")
        out.append(part.replace("{}", value) if "{}" in part else part)
    return out


def fixtures(tmp: Path) -> None:
    (tmp / "sheet.csv").write_text("快捷编码,快捷短语,快捷短语分组\nhy,亲，在的～,\n", "utf-8")
    (tmp / "team.csv").write_text(
        "name,quality,refund_rate,disputes,teamwork,execution\nAnn,A,2%,A,A,A\n", "utf-8"
    )


# Writers keep what they accept, so later values meet a bigger file: a few values suffice there.
WRITER_VALUES = ("nul", "escape", "newlines", "bidi", "surrogate", "huge", "format", "empty")


@pytest.mark.parametrize("slot", SLOTS, ids=lambda s: " ".join(s)[:40])
def test_every_hostile_value_in_every_slot(slot: list[str], tmp_path: Path) -> None:
    fixtures(tmp_path)
    mine = paths.personal_phrasebook()
    writer = slot[0] in ("add", "config") or "-o" in slot
    for name, value in HOSTILE.items():
        if writer and name not in WRITER_VALUES:
            continue
        outcome = invoke(fill(slot, value, tmp_path))
        try:
            assert_clean(outcome)
        except AssertionError as exc:
            raise AssertionError(f"{name}: {exc}") from None
        text = mine.read_text(encoding="utf-8") if mine.is_file() else ""
        assert "\x00" not in text and "\udcff" not in text


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    slot=st.sampled_from([s for s in SLOTS if "{tmp}" not in " ".join(s)]),
    value=st.text(max_size=60),
)
def test_any_text_in_any_slot(slot: list[str], value: str, tmp_path: Path) -> None:
    assert_clean(invoke(fill(slot, value, tmp_path)))


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.text(min_size=1, max_size=12), max_size=6))
def test_any_argument_list(args: list[str]) -> None:
    assert_clean(invoke(args))


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.binary(max_size=300))
def test_any_bytes_on_stdin_to_lint_and_add(data: bytes) -> None:
    assert_clean(invoke(["lint"], input=data))
    assert_clean(invoke(["add", "from-stdin"], input=data))


def test_megabytes_on_stdin_are_checked_not_choked_on() -> None:
    from helpers import run

    draft = ("亲，不好意思这个不行，电话13800138000。" * 30_000).encode()
    outcome = run(["lint"], stdin=draft, timeout=30)
    assert_clean(outcome, codes=(1,))
    assert outcome.stderr.startswith("✗ 90001 problems")
    outcome = run(["lint", "--fix", "--no-copy"], stdin=draft, timeout=30)
    assert_clean(outcome, codes=(1,))
    assert "13800138000" not in outcome.stdout
    outcome = run(["add", "a-long-one"], stdin=("亲" * 200_000).encode(), timeout=30)
    assert_clean(outcome, codes=(0,))
    outcome = run(["reply", "a-long-one", "--no-copy"], timeout=30)
    assert_clean(outcome, codes=(0,))
    assert outcome.stdout == "亲" * 200_000 + "\n"
