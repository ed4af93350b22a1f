"""Safe file writes: atomic replacement, a lock between processes, and a backup of the old file.

A reader or a crash never sees a half-written file: the new text goes to a temporary file in
the same folder, is fsynced, and is renamed over the old one in a single step.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

from csr_cli.errors import CsrError

LOCK_TIMEOUT_SECONDS = 15.0
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
_FORMULA_RE = re.compile(r"^'*[=+\-@\t\r]")


def escape_cell(value: str) -> str:
    """Prefix `'` so a spreadsheet shows the cell as text instead of running it as a formula.

    Cells that already start with quotes before such a character get one more, so
    `unescape_cell` gives back exactly the original. Every sheet csr writes (phrase exports,
    KPI results, finance exports) goes through this one function.
    """
    return "'" + value if _FORMULA_RE.match(value) else value


def unescape_cell(value: str) -> str:
    return value[1:] if value.startswith("'") and _FORMULA_RE.match(value) else value


def atomic_write_text(path: Path, text: str, *, backup: bool = False) -> None:
    """Write `text` as UTF-8 to `path` atomically; `backup` keeps the old file as `<name>.bak`."""
    atomic_write_bytes(path, text.encode("utf-8"), backup=backup)


def atomic_write_bytes(path: Path, data: bytes, *, backup: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if backup and path.is_file():
        # The backup is written (atomically) before the file changes, so at every moment at
        # least one of the two holds the previous content.
        _replace_with(backup_path(path), path.read_bytes())
    _replace_with(path, data)


def backup_path(path: Path) -> Path:
    # `.bak` after the full name: team folders are globbed for *.yaml and must not see it.
    return path.with_name(path.name + ".bak")


def _replace_with(path: Path, data: bytes) -> None:
    import tempfile  # ~4 ms with shutil and random; every csr run imports this module

    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp_name, _mode_of(path))
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(path.parent)


def _mode_of(path: Path) -> int:
    """Keep an existing file's permissions (mkstemp creates 0600, too strict for a team file)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not possible on every platform, so best effort.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_stale_temps(path: Path) -> None:
    """Delete temporary files a killed writer left beside `path`; call only holding its lock."""
    import glob

    for leftover in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            leftover.unlink()


def lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


@contextlib.contextmanager
def locked(path: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Hold an exclusive lock for `path` (a hidden `.<name>.lock` beside it) while writing.

    The operating system releases the lock when the process dies, so a killed `csr` never
    leaves a stale lock behind.
    """
    from filelock import FileLock, Timeout

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(lock_path(path), timeout=timeout)
        lock.acquire()
    except Timeout:
        raise CsrError(
            f"{path}: another csr is still writing this file after {timeout:g} s; try again"
        ) from None
    except OSError as exc:
        raise CsrError(f"{path}: cannot lock the file for writing: {exc}") from None
    try:
        yield
    finally:
        lock.release()
