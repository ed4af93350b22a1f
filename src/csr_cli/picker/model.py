"""What the interactive picker shows and where its cursor is, without any terminal code.

`csr_cli.picker.screen` draws this model with prompt_toolkit; keeping the state here lets the tests
check ranking, movement, variant cycling and the preview without a terminal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from csr_cli.phrasebook.cache import Phrasebook
from csr_cli.phrasebook.placeholders import PLACEHOLDER_RE
from csr_cli.phrasebook.schema import Entry, messages_of
from csr_cli.replies import choose_variant
from csr_cli.search.ranking import Hit, search
from csr_cli.search.usage import by_use

PICK_LIMIT = 50  # rows in the list; more than any pane shows, few enough to redraw per key


@dataclass(frozen=True)
class Segment:
    text: str
    # "filled": a placeholder value from config or --set; "missing": a `{name}` still to ask
    kind: Literal["text", "filled", "missing"] = "text"


class PickerModel:
    """The query, its ranked hits, the selected row and each entry's chosen variant."""

    def __init__(
        self, book: Phrasebook, *, values: Mapping[str, str], role: str | None = None
    ) -> None:
        self.book = book
        self.values = dict(values)
        self.role = role
        self.query = ""
        self.hits: list[Hit] = []
        self.selected = 0
        self._variants: dict[str, int] = {}
        self.set_query("")

    def set_query(self, query: str) -> None:
        """Rank again for a new query; an empty one lists the most used replies first."""
        self.query = query
        if query.strip():
            self.hits = search(self.book, query, limit=PICK_LIMIT, role=self.role)
        else:
            entries = by_use(self.book, limit=PICK_LIMIT, role=self.role)
            self.hits = [Hit(entry, 0.0, ()) for entry in entries]
        self.selected = 0

    def move(self, step: int) -> None:
        if self.hits:
            self.selected = max(0, min(len(self.hits) - 1, self.selected + step))

    @property
    def current(self) -> Entry | None:
        return self.hits[self.selected].entry if self.hits else None

    def variant(self) -> int:
        """The 0-based variant shown for the selected entry (it starts where `csr reply` would)."""
        entry = self.current
        if entry is None:
            return 0
        if entry.id not in self._variants:
            self._variants[entry.id] = choose_variant(entry, None)
        return self._variants[entry.id]

    def cycle_variant(self, step: int = 1) -> None:
        entry = self.current
        if entry is not None:
            self._variants[entry.id] = (self.variant() + step) % len(entry.variants)

    def preview(self) -> list[Segment]:
        entry = self.current
        return (
            []
            if entry is None
            else segments("\n".join(messages_of(entry.variants[self.variant()])), self.values)
        )

    def missing(self) -> list[str]:
        """Placeholders of the shown variant without a value; they are asked for after Enter."""
        return list(dict.fromkeys(s.text[1:-1] for s in self.preview() if s.kind == "missing"))

    def choice(self) -> tuple[Entry, int] | None:
        entry = self.current
        return None if entry is None else (entry, self.variant())


def segments(text: str, values: Mapping[str, str]) -> list[Segment]:
    """`text` with placeholders filled from `values`; unfilled ones stay as `{name}`."""
    parts: list[Segment] = []
    start = 0
    for match in PLACEHOLDER_RE.finditer(text):
        parts.append(Segment(text[start : match.start()]))
        name = match.group(1)
        value = values.get(name)
        parts.append(
            Segment(match.group(0), "missing") if value is None else Segment(value, "filled")
        )
        start = match.end()
    parts.append(Segment(text[start:]))
    return [part for part in parts if part.text]
