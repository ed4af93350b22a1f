"""Small JSON state files in the user state dir (variant rotation, later usage counts)."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from csr_cli import paths
from csr_cli.fileio import atomic_write_text


def load_state(name: str) -> dict[str, Any]:
    path = paths.state_dir() / f"{name}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        # State is a convenience: a missing or damaged file just starts afresh.
        return {}
    return data if isinstance(data, dict) else {}


def save_state(name: str, data: dict[str, Any]) -> None:
    # An unwritable state dir only costs the rotation, never the reply.
    with contextlib.suppress(OSError):
        atomic_write_text(paths.state_dir() / f"{name}.json", json.dumps(data, ensure_ascii=False))
