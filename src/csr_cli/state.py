"""Small JSON state files in the user state dir: variant rotation and usage counts.

Writing them is kept off the reply's critical path. A command runs inside `deferred_writes()`,
so its changes are applied once its output has been printed; each file is then changed under an
exclusive lock (concurrent runs lose no count) and replaced by a rename, without fsync. A
killed process leaves either the old or the new file, never a torn one, so a crash loses at most
the reply being recorded.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator
from typing import Any

from csr_cli import paths

State = dict[str, Any]
Change = Callable[[State], None]

# Changes waiting for the end of `deferred_writes()`, in order; None when writes are immediate.
_pending: list[tuple[str, Change]] | None = None


def load_state(name: str) -> State:
    """The state as this process sees it, including its own changes not yet written."""
    data = _read(name)
    for pending_name, change in _pending or ():
        if pending_name == name:
            change(data)
    return data


def update_state(name: str, change: Change) -> None:
    """Read, change and write a state file as one step, so concurrent csr runs lose nothing.

    Inside `deferred_writes()` the change waits for the end of the block. An unwritable state
    dir only costs the rotation or a count, never the reply.
    """
    if _pending is not None:
        _pending.append((name, change))
        return
    _write_changes(name, [change])


@contextlib.contextmanager
def deferred_writes() -> Iterator[None]:
    """Hold state changes until the block ends (a command's output is out), then write them,
    also when the block fails: the reply was handed out either way."""
    global _pending
    if _pending is not None:  # nested: the outer block writes
        yield
        return
    _pending = []
    try:
        yield
    finally:
        pending, _pending = _pending, None
        for name in dict.fromkeys(name for name, _change in pending):
            _write_changes(name, [change for each, change in pending if each == name])


def _read(name: str) -> State:
    path = paths.state_dir() / f"{name}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        # State is a convenience: a missing or damaged file just starts afresh.
        return {}
    return data if isinstance(data, dict) else {}


def _write_changes(name: str, changes: list[Change]) -> None:
    with contextlib.suppress(OSError), _locked(name):
        data = _read(name)
        for change in changes:
            change(data)
        _replace(name, json.dumps(data, ensure_ascii=False))


def _replace(name: str, text: str) -> None:
    """Write a whole new file and rename it over the old one. No fsync: the file is a
    convenience, and an fsync under other disk traffic costs an agent up to a fifth of a
    second per reply. The temp name is private to this process and we hold the lock."""
    folder = paths.state_dir()
    target = folder / f"{name}.json"
    tmp = folder / f".{name}.json.{os.getpid()}.tmp"
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


@contextlib.contextmanager
def _locked(name: str) -> Iterator[None]:
    # fcntl costs nothing to import, unlike the filelock package the phrasebook writers use;
    # where it does not exist (Windows) updates are simply not serialised.
    try:
        import fcntl
    except ImportError:
        yield
        return
    folder = paths.state_dir()
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / f"{name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
