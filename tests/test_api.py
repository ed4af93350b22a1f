"""The Python API, used only through its public names; and the layout rules it rests on."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import REPO

import csr_cli

SRC = REPO / "src" / "csr_cli"
README = (REPO / "README.md").read_text(encoding="utf-8")


def readme_python_example() -> str:
    section = README[README.index("## Use from Python") :]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match is not None
    return match.group(1)


def test_the_readme_example_runs_and_prints_what_its_comments_say(isolated: Path) -> None:
    code = readme_python_example()
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    expected = [
        comment.strip()
        for line in code.splitlines()
        if "print(" in line and "# " in line
        for comment in [line.split("# ", 1)[1]]
    ]
    for line in expected:
        assert line in result.stdout, f"{line!r} not printed:\n{result.stdout}"


def test_every_public_name_is_documented_and_typed() -> None:
    for name in csr_cli.__all__:
        value = getattr(csr_cli, name)
        assert value.__doc__, name
        if callable(value) and not isinstance(value, type):
            assert "return" in value.__annotations__, name
        assert f"`{name}`" in README, f"{name} is not named in the README"


def test_search_and_draft() -> None:
    hits = csr_cli.search_replies("包邮吗", limit=3)
    assert hits and all(isinstance(hit, csr_cli.Hit) for hit in hits)
    assert "free-shipping-request" in [hit.entry.id for hit in hits]
    entry = csr_cli.get_entry("yj")
    assert entry.id == "bargain"
    first = csr_cli.draft_reply(entry)
    second = csr_cli.draft_reply("bargain")
    assert (first.variant, second.variant) == (1, 2)
    with pytest.raises(csr_cli.MissingValues):
        csr_cli.draft_reply("bargain-counter-offer", variant=1)
    filled = csr_cli.draft_reply("bargain-counter-offer", variant=1, values={"amount": "129"})
    assert "129" in filled.text
    with pytest.raises(csr_cli.NotFound):
        csr_cli.get_entry("no-such-reply")


def test_calculators_take_amounts_as_agents_type_them(tmp_path: Path) -> None:
    assert csr_cli.refund_due("¥190", shipping=10).refund == Decimal("180.00")
    assert csr_cli.refund_due(190, reason="not-shipped").refund == Decimal("190")
    assert csr_cli.compensation_cap(Decimal("99.99")).cap == Decimal("9.99")
    assert csr_cli.check_return(date(2026, 11, 1), on=date(2026, 11, 9)).allowed is False
    shop = tmp_path / "shop.yaml"
    shop.write_text("shipping:\n  free_threshold: 128\n", encoding="utf-8")
    quote = csr_cli.shipping_quote("浙江", amount=60, policy=csr_cli.load_policy(shop))
    assert quote.short_of_free == Decimal("68.00")
    assert quote.to_json()["short_of_free"] == "68.00"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: csr_cli.refund_due("abc"), "paid is not an amount"),
        (lambda: csr_cli.refund_due("190", reason="nope"), "reason must be one of no-reason"),
        (lambda: csr_cli.shipping_quote("火星"), "火星"),
        (lambda: csr_cli.compensation_cap(100, offer=0), "offer 0.00 pays nothing"),
    ],
)
def test_errors_are_csr_errors_that_name_the_field(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(csr_cli.CsrError, match=message):
        call()


def test_lint_reply() -> None:
    codes = [problem.code for problem in csr_cli.lint_reply("不行")]
    assert "blunt-phrase" in codes
    assert csr_cli.lint_reply("亲，非常抱歉，因为库存有限，这款已经无法再优惠了。") == []


def test_importing_the_package_loads_no_core_module() -> None:
    probe = "import sys, csr_cli; print(sorted(m for m in sys.modules if m.startswith('csr_cli.')))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip() == "[]"


UI = ("typer", "rich", "click", "prompt_toolkit", "pyperclip")
UI_MODULES = {"cli.py", "__main__.py", "clipboard.py"}  # the edge; clipboard is its adapter


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def core_files() -> list[Path]:
    return [
        path
        for path in SRC.rglob("*.py")
        if "commands" not in path.parts
        and path.name not in UI_MODULES
        and path != SRC / "picker" / "screen.py"
    ]


@pytest.mark.parametrize("path", core_files(), ids=lambda path: str(path.relative_to(SRC)))
def test_the_core_imports_no_ui_library(path: Path) -> None:
    ui = sorted(m for m in imported_modules(path) if m.split(".")[0] in UI)
    assert ui == []


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def dependencies(path: Path, modules: set[str]) -> set[str]:
    """The src modules `path` imports; `from package import submodule` needs only the
    submodule (and the package's __init__ only for names defined there)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            subs = {f"{node.module}.{alias.name}" for alias in node.names}
            found |= subs & modules
            if not subs <= modules:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found & modules


def test_no_import_cycles_in_src() -> None:
    modules = {module_name(path): path for path in SRC.rglob("*.py")}
    graph = {
        name: dependencies(path, set(modules)) - {name, "csr_cli"} for name, path in modules.items()
    }
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> None:
        if name in trail:
            raise AssertionError(" → ".join([*trail[trail.index(name) :], name]))
        if name in done:
            return
        for target in sorted(graph[name]):
            visit(target, [*trail, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
