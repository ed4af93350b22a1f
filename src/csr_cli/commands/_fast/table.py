"""The fast path's table: where it lives, what it is keyed on, and reading and writing it."""

from __future__ import annotations

import contextlib
import json
import os
import zlib
from typing import Any

from csr_cli import __version__

HOT_COMMANDS = (
    "reply",
    "search",
    "refund",
    "compensate",
    "return-check",
    "shipping",
    "exchange",
)
NO_FASTPATH_ENV = "CSR_NO_FASTPATH"
# Bump when the table's layout changes.
TABLE_FORMAT = 1

_FAST_DIR = os.path.dirname(os.path.abspath(__file__))
_COMMANDS_DIR = os.path.dirname(_FAST_DIR)
_PACKAGE = os.path.dirname(_COMMANDS_DIR)

Param = dict[str, Any]


def disabled() -> bool:
    return os.environ.get(NO_FASTPATH_ENV, "").strip().lower() not in ("", "0", "false", "no")


def table_key() -> str:
    """What the table was compiled from: csr's version, this package and its command sources.

    Stat'ing a dozen files costs microseconds, hashing their text would cost milliseconds."""
    parts = [str(TABLE_FORMAT), __version__, _PACKAGE]
    sources = [os.path.join(_PACKAGE, "cli.py")]
    for folder in (_COMMANDS_DIR, _FAST_DIR):
        with os.scandir(folder) as listing:
            sources += sorted(entry.path for entry in listing if entry.name.endswith(".py"))
    for source in sources:
        try:
            stat = os.stat(source)
        except OSError:
            continue
        parts.append(f"{os.path.basename(source)}:{stat.st_mtime_ns}:{stat.st_size}")
    return "|".join(parts)


def table_path(kind: str = "fastpath") -> str:
    """The table's file (or the help's, `fastpath-help`), one per installed csr."""
    from csr_cli import paths

    return str(paths.cache_dir() / f"{kind}-{zlib.crc32(_PACKAGE.encode()):08x}.json")


def load_table() -> dict[str, Any] | None:
    """The compiled table if it is current, else None."""
    try:
        with open(table_path(), encoding="utf-8") as handle:
            table = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(table, dict) or table.get("key") != table_key():
        return None
    return table


def save_table(table: dict[str, Any]) -> None:
    """Write the table for the next runs; a private file renamed into place, so racing writers
    are safe. A cache that cannot be written only costs speed."""
    write_json(table_path(), table)


def write_json(target: str, data: object) -> None:
    tmp = f"{target}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(data, ensure_ascii=False))
        os.replace(tmp, target)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def needs_table(args: list[str]) -> bool:
    """Whether this run should compile the table for the next ones: a hot command or the root
    help, with the table missing or stale."""
    wanted = args[:1] in ([name] for name in (*HOT_COMMANDS, "--help", "-h"))
    return wanted and not disabled() and load_table() is None and _writable(table_path())


def _writable(target: str) -> bool:
    """Whether the table can be saved: compiling one that cannot would cost every run."""
    folder = os.path.dirname(target)
    with contextlib.suppress(OSError):
        os.makedirs(folder, exist_ok=True)
    return os.access(folder, os.W_OK)
