"""Safe file writes: atomic replacement, a lock between processes, and a backup of the old file.

A reader or a crash never sees a half-written file: the new text goes to a temporary file in
the same folder, is fsynced, and is renamed over the old one in a single step.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

from csr_cli.errors import CsrError, UsageError

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
    if path.is_symlink():
        # Replacing the link by a file would cut it from what it points to (a dotfiles repo, a
        # shared team folder): write the file it points to instead.
        path = path.resolve()
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

    remove_dead_temps(path)
    # The writer's pid in the name lets a later writer remove what a killed one left.
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent
    )
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


def remove_dead_temps(path: Path) -> None:
    """Delete the temporary files that writers of `path` which no longer run left beside it
    (a `kill -9` mid-write); a live writer's file is never touched, so no lock is needed."""
    import glob

    pattern = f".{glob.escape(path.name)}.*.tmp"
    for leftover in path.parent.glob(pattern):
        pid = leftover.name[len(path.name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            with contextlib.suppress(OSError):
                leftover.unlink()


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process: alive
        return True
    return True


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


def check_output(path: Path, *, force: bool, option: str, force_hint: str = "--force") -> Path:
    """Where a file the user named may be written, or a UsageError saying why not.

    Every command that writes a file the user names (`-o`, `--team`) uses this one rule: the
    folder must exist (a mistyped folder never becomes a new directory tree), a folder is never
    a file, and a symbolic link or a special file (FIFO, device, socket) is written only when
    asked with `force`. Returns the path to write: a link's target when forced.
    """
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(
            f"{option} {path}: the folder {folder} does not exist; create it first "
            f"(mkdir -p {folder}) or fix the path"
        )
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return path
    except OSError as exc:
        raise UsageError(f"{option} {path}: cannot check it: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        raise UsageError(f"{option} {path} is a folder; name a file inside it")
    if stat.S_ISLNK(mode):
        if not force:
            raise UsageError(
                f"{option} {path} is a symbolic link (to {os.readlink(path)}); csr replaces only "
                f"regular files: pass {force_hint} to write the file it points to, or choose "
                "another name"
            )
        target = path.resolve()
        if target.is_dir():
            raise UsageError(f"{option} {path} points to the folder {target}; name a file")
        return target
    if not stat.S_ISREG(mode) and not force:
        insist = f"pass {force_hint} to write into it anyway, or " if force_hint else ""
        raise UsageError(
            f"{option} {path} is not a regular file (a FIFO, device or socket); csr writes "
            f"only regular files: {insist}choose another name"
        )
    return path


def write_output(path: Path, data: bytes, *, force: bool, option: str) -> None:
    """Write a file the user named (see `check_output`): atomically when it is a regular file,
    straight into it when it is a special file the user insisted on."""
    target = check_output(path, force=force, option=option)
    try:
        if target.exists() and not target.is_file():
            with open(target, "wb") as handle:
                handle.write(data)
            return
        atomic_write_bytes(target, data)
    except OSError as exc:
        raise CsrError(
            f"{option} {path}: cannot write it ({exc.strerror or exc}); nothing was replaced"
        ) from None
