"""Small JSON state files in the user state dir: variant rotation and usage counts."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator
from typing import Any

from csr_cli import paths
from csr_cli.fileio import atomic_write_text

State = dict[str, Any]


def load_state(name: str) -> State:
    path = paths.state_dir() / f"{name}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        # State is a convenience: a missing or damaged file just starts afresh.
        return {}
    return data if isinstance(data, dict) else {}


def update_state(name: str, change: Callable[[State], None]) -> None:
    """Read, change and write a state file as one step, so concurrent csr runs lose nothing.

    An unwritable state dir only costs the rotation or a count, never the reply.
    """
    with contextlib.suppress(OSError), _locked(name):
        data = load_state(name)
        change(data)
        atomic_write_text(paths.state_dir() / f"{name}.json", json.dumps(data, ensure_ascii=False))


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
