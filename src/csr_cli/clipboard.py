"""Copying a reply to the clipboard: pyperclip first, then the OSC 52 terminal escape.

OSC 52 asks the terminal emulator itself to set the clipboard, which is what makes copying work
over SSH and on headless machines. Copying never raises and never blocks for long.
"""

from __future__ import annotations

import base64
import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TextIO

NO_COPY_ENV = "CSR_NO_COPY"
TIMEOUT_SECONDS = 3.0


@dataclass(frozen=True)
class CopyResult:
    copied: bool
    method: str  # "pyperclip:<backend>", "osc52" or "none"
    note: str


def copy_disabled() -> bool:
    return os.environ.get(NO_COPY_ENV, "").strip().lower() not in ("", "0", "false", "no")


def copy(text: str, terminal: TextIO | None) -> CopyResult:
    """Copy `text`; `terminal` is a stream attached to a terminal, used for the OSC 52 fallback."""
    backend, failure = _pyperclip_copy(text)
    if failure is None:
        return CopyResult(True, f"pyperclip:{backend}", "copied to the clipboard")
    if terminal is not None:
        terminal.write(osc52_sequence(text))
        terminal.flush()
        return CopyResult(True, "osc52", "copied through the terminal (OSC 52)")
    return CopyResult(False, "none", f"not copied: {failure}; {_advice()}")


def _advice() -> str:
    """What would make copying work here: a clipboard program, or a display for the one there is."""
    import shutil

    installed = [name for name in ("xclip", "xsel", "wl-copy") if shutil.which(name)]
    if installed and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return f"{installed[0]} is installed but there is no display; run csr in a terminal"
    return "install xclip, xsel or wl-clipboard, or run csr in a terminal"


def backend_name() -> str:
    """The pyperclip backend that would be used, or 'none'."""
    return _backend()[0]


def _backend() -> tuple[str, Callable[[str], None] | None]:
    try:
        import pyperclip

        copy_function, _ = pyperclip.determine_clipboard()
    except Exception:  # pyperclip probes many backends; any of them may fail oddly
        return "none", None
    name = getattr(copy_function, "__name__", "")
    if not name or "no_clipboard" in name:
        return "none", None
    return name.removeprefix("copy_"), copy_function


def _pyperclip_copy(text: str) -> tuple[str, str | None]:
    """(backend, None) on success, else (backend, the reason it failed)."""
    backend, copy_function = _backend()
    if copy_function is None:
        return backend, "no clipboard backend found"
    outcome: dict[str, str | None] = {"failure": "the clipboard did not answer in time"}

    def run() -> None:
        try:
            copy_function(text)
            outcome["failure"] = None
        except Exception as exc:  # a backend failing must never crash the reply
            outcome["failure"] = str(exc) or type(exc).__name__

    with _std_fds_to_devnull():
        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        worker.join(TIMEOUT_SECONDS)
    return backend, outcome["failure"]


@contextlib.contextmanager
def _std_fds_to_devnull() -> Iterator[None]:
    """Keep clipboard helpers off our stdout/stderr while they start.

    xclip and xsel fork a process that serves the selection until something else is copied; if
    it inherited our stdout, `reply=$(csr reply bargain)` would wait for it indefinitely.
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)
    saved: list[tuple[int, int]] = []
    try:
        for fd in (1, 2):
            with contextlib.suppress(OSError):
                saved.append((fd, os.dup(fd)))
                os.dup2(devnull, fd)
        yield
    finally:
        for fd, duplicate in saved:
            os.dup2(duplicate, fd)
            os.close(duplicate)
        os.close(devnull)


def osc52_sequence(text: str) -> str:
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    sequence = f"\x1b]52;c;{payload}\x07"
    if os.environ.get("TMUX"):
        # tmux only passes escapes through to the outer terminal inside a DCS wrapper.
        return f"\x1bPtmux;\x1b{sequence}\x1b\\"
    return sequence
