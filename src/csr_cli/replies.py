"""Turning a phrasebook entry into the reply to send: variant rotation and placeholder values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from csr_cli.errors import MissingValues, NotFound, UsageError
from csr_cli.phrasebook.cache import Phrasebook
from csr_cli.phrasebook.placeholders import describe, fill, names_in
from csr_cli.phrasebook.schema import Entry
from csr_cli.search.usage import record_use
from csr_cli.state import load_state, update_state

ROTATION_STATE = "rotation"


@dataclass(frozen=True)
class Needed:
    """A placeholder that still needs a value."""

    name: str
    default: str | None
    description: str


@dataclass(frozen=True)
class Reply:
    id: str
    title: str
    variant: int  # 1-based, as shown to the agent
    variants: int
    text: str

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "variant": self.variant,
            "variants": self.variants,
            "text": self.text,
        }


def find_entry(book: Phrasebook, key: str) -> Entry:
    entry = book.get(key)
    if entry is None:
        suggestions = suggest(book, key)
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        raise NotFound(f"no reply with id or alias '{key}'{hint} (see `csr list`)", suggestions)
    return entry


def suggest(book: Phrasebook, key: str, limit: int = 5) -> list[str]:
    """The ids search ranks best for a key that is not an id or alias."""
    from csr_cli.search.ranking import search  # only on this error path; `csr reply` never searches

    return [hit.entry.id for hit in search(book, key, limit=limit)]


def choose_variant(entry: Entry, requested: int | None) -> int:
    """The 0-based variant to send: the requested one, else the next in rotation."""
    count = len(entry.variants)
    if requested is not None:
        if not 1 <= requested <= count:
            raise UsageError(f"--variant must be between 1 and {count} for '{entry.id}'")
        return requested - 1
    last = load_state(ROTATION_STATE).get(entry.id)
    return (last + 1) % count if isinstance(last, int) else 0


def remember_variant(entry: Entry, index: int) -> None:
    """Record a reply that is being handed out: its rotation, and one more use for the stats.

    Every path that delivers a reply (reply, search --copy, the calculators, the picker) calls
    this once; `deliver` only sees the text, so the count lives here.
    """
    update_state(ROTATION_STATE, lambda rotation: rotation.update({entry.id: index}))
    record_use(entry.id)


def needed_values(entry: Entry, index: int, values: Mapping[str, str]) -> list[Needed]:
    """Placeholders of this variant that have no value yet, with the entry's default if any."""
    return [
        Needed(name, entry.placeholders.get(name), describe(name))
        for name in names_in(entry.variants[index])
        if name not in values
    ]


def compose(entry: Entry, index: int, values: Mapping[str, str]) -> Reply:
    """The filled reply; refuses (MissingValues) while any placeholder lacks a value."""
    missing = [needed.name for needed in needed_values(entry, index, values)]
    if missing:
        raise MissingValues(entry.id, missing)
    return Reply(
        id=entry.id,
        title=entry.title,
        variant=index + 1,
        variants=len(entry.variants),
        text=fill(entry.variants[index], values),
    )
