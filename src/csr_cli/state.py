"""Small JSON state files in the user state dir: variant rotation and usage counts.

Writing them is kept off the reply's critical path. A command runs inside `deferred_writes()`,
so its changes are applied once its output has been printed; each state is then changed under an
exclusive lock (concurrent runs lose no count) and, without fsync, appended to a journal
(`NAME.log`, one JSON line of the keys that changed, with their new values) beside the state
file (`NAME.json`). Appending neither creates a file nor renames one: under other disk traffic a
rename over the old file waited on the file system's journal and made the slowest replies
twice as slow as the median. Every COMPACT_AFTER lines the state is rewritten as one file (a new
file renamed into place) and the journal starts afresh. A killed process leaves at most a torn
last line, which reading skips, so a crash loses at most the reply being recorded; a journal
line holds values, not increments, so one read twice (after a crash mid-compaction) changes
nothing.
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

COMPACT_AFTER = 200  # journal lines before the state is rewritten as one file
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
    return _read_with_journal(name)[0]


def _read_with_journal(name: str) -> tuple[State, int, bool]:
    """The state, folded from its file and its journal; the journal's line count; and whether
    its last line is whole (a killed writer may leave it torn)."""
    folder = paths.state_dir()
    try:
        data = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        # State is a convenience: a missing or damaged file just starts afresh.
        data = {}
    state: State = data if isinstance(data, dict) else {}
    try:
        journal = (folder / f"{name}.log").read_text(encoding="utf-8")
    except (OSError, ValueError):
        return state, 0, True
    lines = journal.splitlines()
    for line in lines:
        with contextlib.suppress(ValueError):
            changed = json.loads(line)
            if isinstance(changed, dict):
                state.update(changed)
    return state, len(lines), journal.endswith("\n") or not journal


def _write_changes(name: str, changes: list[Change]) -> None:
    with contextlib.suppress(OSError), _locked(name):
        data, lines, whole = _read_with_journal(name)
        old = json.loads(json.dumps(data))  # a deep copy: a change may alter a nested value
        for change in changes:
            change(data)
        changed = {key: value for key, value in data.items() if key not in old or old[key] != value}
        removed = set(old) - set(data)
        if not changed and not removed:
            return
        if removed or lines + 1 >= COMPACT_AFTER:
            _compact(name, data)
        else:
            line = json.dumps(changed, ensure_ascii=False) + "\n"
            _append(name, line if whole else "\n" + line)


def _append(name: str, line: str) -> None:
    """One write of one whole line to the end of the journal (O_APPEND), no fsync."""
    fd = os.open(paths.state_dir() / f"{name}.log", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode("utf-8"))
    finally:
        os.close(fd)


def _compact(name: str, data: State) -> None:
    """The whole state as one file, then an empty journal. A crash between the two leaves the
    journal's values to be read again over the same values: nothing changes."""
    _replace(name, json.dumps(data, ensure_ascii=False))
    with contextlib.suppress(FileNotFoundError):
        os.unlink(paths.state_dir() / f"{name}.log")


def _replace(name: str, text: str) -> None:
    """Write a whole new file and rename it over the old one, without fsync (the state is a
    convenience). The temp name is private to this process and we hold the lock."""
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
