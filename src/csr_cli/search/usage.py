"""Learning from use: how often each reply was handed out, in a small local state file.

Counts break ties in search ranking, order the picker's list before anything is typed, and
feed `csr stats` (csr_cli.search.stats). They never leave the machine; CSR_NO_STATS=1 stops
recording.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from csr_cli.phrasebook.cache import Phrasebook
from csr_cli.phrasebook.schema import Entry
from csr_cli.state import State, load_state, update_state

USAGE_STATE = "usage"
NO_STATS_ENV = "CSR_NO_STATS"


def counting_disabled() -> bool:
    return os.environ.get(NO_STATS_ENV, "").strip().lower() not in ("", "0", "false", "no")


def use_counts() -> dict[str, int]:
    """Entry id -> times used; a damaged state file reads as no uses at all."""
    return {
        key: value
        for key, value in load_state(USAGE_STATE).items()
        if isinstance(value, int) and not isinstance(value, bool) and value > 0
    }


def record_use(entry_id: str) -> None:
    if counting_disabled():
        return

    def count(counts: State) -> None:
        previous = counts.get(entry_id)
        if isinstance(previous, int) and not isinstance(previous, bool) and previous > 0:
            counts[entry_id] = previous + 1
        else:  # new, or damaged by hand: start counting afresh
            counts[entry_id] = 1

    update_state(USAGE_STATE, count)


def by_use(book: Phrasebook, *, limit: int, role: str | None = None) -> list[Entry]:
    """The replies to offer before anything is typed: most used first, then phrasebook order."""
    counts = use_counts()
    chosen: dict[str, Entry] = {}
    for entry in _used_then_rest(book, sorted(counts, key=lambda key: -counts[key])):
        if len(chosen) == limit:
            break
        if (role is None or entry.role == role) and entry.id not in chosen:
            chosen[entry.id] = entry
    return list(chosen.values())


def _used_then_rest(book: Phrasebook, used_ids: list[str]) -> Iterator[Entry]:
    for entry_id in used_ids:
        entry = book.get(entry_id)
        # An id in the counts may have been removed or renamed since; it simply drops out.
        if entry is not None and entry.id == entry_id:
            yield entry
    yield from book.entries()
