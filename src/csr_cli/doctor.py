"""`csr doctor`: what csr runs on, the phrasebook layers it finds, where its files are, and
whether copying to the clipboard can work.

A real copy replaces what the agent has on the clipboard, so it is only tried when asked
(`--test-copy`); otherwise the report says which way a copy would go.
"""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

from csr_cli import __version__, clipboard, paths
from csr_cli.errors import CsrError
from csr_cli.phrasebook.schema import LayerFile, load_file

PACKAGES = (
    "typer",
    "rich",
    "PyYAML",
    "ruamel.yaml",
    "filelock",
    "pyperclip",
    "platformdirs",
    "pypinyin",
    "prompt_toolkit",
    "openpyxl",
)
TEST_TEXT = "csr doctor: clipboard test 剪贴板测试"


@dataclass(frozen=True)
class LayerInfo:
    layer: str
    path: str
    entries: int | None  # None when the file is missing or broken
    problem: str = ""


@dataclass(frozen=True)
class ClipboardInfo:
    backend: str  # the pyperclip backend, or "none"
    disabled: bool  # CSR_NO_COPY is set
    osc52: bool  # the terminal fallback is available (stderr is a terminal)
    tested: bool
    works: bool | None  # None when not tested
    note: str


@dataclass
class Diagnosis:
    version: str
    python: str
    platform: str
    packages: dict[str, str]
    layers: list[LayerInfo]
    merged_entries: int | None
    config: str
    config_exists: bool
    config_dir_writable: bool
    state: str
    cache: str
    case_log: str  # the database URL with any password masked
    clipboard: ClipboardInfo
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def diagnose(*, terminal: bool, test_copy: bool) -> Diagnosis:
    """`terminal`: whether stderr is a terminal, so the OSC 52 fallback could be used."""
    layers = _layers()
    problems = [f"{info.path}: {info.problem}" for info in layers if info.problem]
    merged = None if problems else _merged_count(problems)
    clip = _clipboard(terminal=terminal, test_copy=test_copy)
    if clip.tested and not clip.works:
        problems.append(f"clipboard: {clip.note}")
    return Diagnosis(
        version=__version__,
        python=platform.python_version(),
        platform=f"{platform.system()} {platform.machine()}".strip(),
        packages={name: _version(name) for name in PACKAGES},
        layers=layers,
        merged_entries=merged,
        config=str(paths.config_file()),
        config_exists=paths.config_file().is_file(),
        config_dir_writable=_writable(paths.config_dir()),
        state=str(paths.state_dir()),
        cache=str(paths.cache_dir()),
        case_log=_case_log(),
        clipboard=clip,
        problems=problems,
    )


def _case_log() -> str:
    from csr_cli.cases.settings import describe_database

    return describe_database()


def _layers() -> list[LayerInfo]:
    files = [LayerFile(p, "bundled") for p in sorted(paths.bundled_phrasebook_dir().glob("*.yaml"))]
    files += [LayerFile(p, "team") for p in paths.team_phrasebook_paths()]
    files.append(LayerFile(paths.personal_phrasebook(), "personal"))
    infos = []
    for layer_file in files:
        path = layer_file.path
        if not path.is_file():
            missing = (
                "not created yet (`csr add` creates it)"
                if layer_file.layer == "personal"
                else f"not found; fix {paths.PHRASEBOOK_PATH_ENV}"
            )
            infos.append(
                LayerInfo(
                    layer_file.layer,
                    str(path),
                    None,
                    "" if layer_file.layer == "personal" else missing,
                )
            )
            continue
        try:
            infos.append(LayerInfo(layer_file.layer, str(path), len(load_file(layer_file))))
        except CsrError as exc:
            infos.append(LayerInfo(layer_file.layer, str(path), None, str(exc)))
    return infos


def _merged_count(problems: list[str]) -> int | None:
    from csr_cli.phrasebook.cache import open_phrasebook

    try:
        return open_phrasebook().count()
    except CsrError as exc:
        problems.append(str(exc))
        return None


def _clipboard(*, terminal: bool, test_copy: bool) -> ClipboardInfo:
    backend = clipboard.backend_name()
    disabled = clipboard.copy_disabled()
    osc52 = terminal
    if not test_copy:
        way = (
            f"pyperclip ({backend})"
            if backend != "none"
            else (
                "the terminal (OSC 52)"
                if osc52
                else "nowhere: no clipboard program and no terminal"
            )
        )
        note = f"a copy would go through {way}; `csr doctor --test-copy` tries one"
        return ClipboardInfo(backend, disabled, osc52, False, None, note)
    result = clipboard.copy(TEST_TEXT, sys.stderr if terminal else None)
    return ClipboardInfo(
        backend, disabled, osc52, True, result.copied, f"{result.method}: {result.note}"
    )


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _writable(folder: Path) -> bool:
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    return existing is not None and os.access(existing, os.W_OK)
