"""`csr --help` without Typer: the root help as Typer rendered it, printed again.

It is rendered by Typer with rich, which costs more than any command. What it prints depends
only on the commands (the table's key), the terminal and the environment, so the Typer path
keeps what it printed under exactly those, and the fast path prints it again.
"""

from __future__ import annotations

import json
import os
import sys
import zlib
from typing import Any, NoReturn

from csr_cli.commands._fast.table import table_key, table_path, write_json

HELP_ARGS = (["--help"], ["-h"])
_VOLATILE_ENV = frozenset({"PWD", "OLDPWD", "SHLVL", "_"})
_KEPT_RENDERS = 8


def help_key(args: list[str]) -> str:
    """Everything the rendered help depends on besides the commands themselves."""
    terminal = []
    for fd in (0, 1, 2):
        try:
            size: object = tuple(os.get_terminal_size(fd))
        except OSError:
            size = None
        terminal.append([os.isatty(fd), size])
    # csr's own settings (folders, switches) do not change the root help; anything else might.
    # Only a digest of the environment is kept: the cache file must not hold anyone's tokens.
    env = json.dumps(
        sorted(
            (k, v)
            for k, v in os.environ.items()
            if k not in _VOLATILE_ENV and not k.startswith("CSR_")
        )
    ).encode("utf-8", "surrogateescape")
    digest = f"{zlib.crc32(env):08x}{zlib.adler32(env):08x}"
    encoding = getattr(sys.stdout, "encoding", None)
    return json.dumps([args, terminal, encoding, digest])


def _help_path() -> str:
    return table_path("fastpath-help")


def cached_help(args: list[str]) -> str | None:
    try:
        with open(_help_path(), encoding="utf-8") as handle:
            cache = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(cache, dict) or cache.get("key") != table_key():
        return None
    text = cache.get("renders", {}).get(help_key(args))
    return text if isinstance(text, str) else None


def save_help(args: list[str], text: str) -> None:
    """Keep the help Typer just printed (the last few renders, one per terminal set-up)."""
    key = table_key()
    try:
        with open(_help_path(), encoding="utf-8") as handle:
            cache = json.load(handle)
        renders = cache["renders"] if cache.get("key") == key else {}
    except (OSError, ValueError, KeyError, AttributeError):
        renders = {}
    renders.pop(help_key(args), None)
    renders[help_key(args)] = text
    kept = dict(list(renders.items())[-_KEPT_RENDERS:])
    write_json(_help_path(), {"key": key, "renders": kept})


class Recorder:
    """Stands in for sys.stdout while Typer prints the help, keeping a copy of the text."""

    def __init__(self, wrapped: Any) -> None:
        self.wrapped = wrapped
        self.parts: list[str] = []
        self.complete = True  # False once something may have written around the recorder

    def write(self, text: str) -> int:
        written = int(self.wrapped.write(text))  # click probes with b"", which must fail here
        self.parts.append(text)
        return written

    def text(self) -> str | None:
        """What was printed, or None if it may not all have gone through `write`."""
        if not self.complete or not all(isinstance(part, str) for part in self.parts):
            return None
        return "".join(self.parts)

    def __getattr__(self, name: str) -> Any:
        if name in ("buffer", "detach", "writelines", "reconfigure"):
            self.complete = False
        return getattr(self.wrapped, name)


def print_text(text: str) -> NoReturn:
    """Print a text Typer would print and exit, with the edge's handling of a failed output."""
    from csr_cli import edge

    try:
        sys.stdout.write(text)
    except OSError as exc:
        edge.fail_for(exc, sys.argv[1:])
    edge.exit_flushed(0)
