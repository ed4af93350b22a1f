"""What the interactive picker shows and where its cursor is, without any terminal code.

`csr_cli.picker.screen` draws this model with prompt_toolkit; keeping the state here lets the tests
check ranking, movement, variant cycling, marking and the preview without a terminal.

Marking replies builds one answer from several, as `csr reply ID1 ID2 …` does: the marked
replies are drafted by the same core (`csr_cli.replies`) and put in sending order by the same
`compose`, so the preview shows what Enter will send.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from csr_cli.compose import compose, message_limit
from csr_cli.config import load_config
from csr_cli.errors import CsrError
from csr_cli.phrasebook.cache import Phrasebook
from csr_cli.phrasebook.placeholders import PLACEHOLDER_RE
from csr_cli.phrasebook.schema import Entry, messages_of
from csr_cli.replies import Needed, Reply, choose_variant, draft_reply
from csr_cli.search.ranking import Hit, search
from csr_cli.search.usage import by_use

if TYPE_CHECKING:
    from csr_cli.policy.model import Policy

PICK_LIMIT = 50  # rows in the list; more than any pane shows, few enough to redraw per key


@dataclass(frozen=True)
class Segment:
    text: str
    # "filled": a placeholder value from config or --set; "missing": a `{name}` still to ask
    kind: Literal["text", "filled", "missing"] = "text"


@dataclass(frozen=True)
class Answer:
    """The answer Enter sends for the marked replies, as the preview shows it."""

    ids: tuple[str, ...]  # the replies in sending order
    messages: tuple[tuple[Segment, ...], ...]  # each chat message, unfilled names as "missing"
    left_out: tuple[str, ...] = ()  # marked but not sent: a second greeting
    problem: str | None = None  # why the replies cannot be drafted; Enter then says it too


class PickerModel:
    """The query, its ranked hits, the selected row, each entry's chosen variant and the
    replies marked for the answer.

    `values` are the placeholder values drafting will use before it asks (`known_values` for
    any entry); `policy` and `product` are the ones the command drafts with.
    """

    def __init__(
        self,
        book: Phrasebook,
        *,
        values: Mapping[str, str],
        role: str | None = None,
        policy: Policy | None = None,
        product: str | None = None,
    ) -> None:
        self.book = book
        self.values = dict(values)
        self.role = role
        self.policy = policy
        self.product = product
        self.query = ""
        self.hits: list[Hit] = []
        self.selected = 0
        self._variants: dict[str, int] = {}
        self._marked: dict[str, Entry] = {}  # by id, in the order they were marked
        # Drafting reads files, so the answer is composed again only when the marks change.
        self._answer: tuple[tuple[tuple[str, int], ...], Answer] | None = None
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
        return 0 if entry is None else self.variant_of(entry)

    def variant_of(self, entry: Entry) -> int:
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
        """Placeholders without a value, which Enter asks for: the answer's when replies are
        marked, else the shown variant's."""
        answer = self.answer()
        shown = self.preview() if answer is None else [s for m in answer.messages for s in m]
        return list(dict.fromkeys(s.text[1:-1] for s in shown if s.kind == "missing"))

    @property
    def marked(self) -> list[Entry]:
        return list(self._marked.values())

    def is_marked(self, entry: Entry) -> bool:
        return entry.id in self._marked

    def toggle_mark(self) -> None:
        """Mark the selected reply for the answer, or unmark it; marks outlive the query."""
        entry = self.current
        if entry is not None and self._marked.pop(entry.id, None) is None:
            self._marked[entry.id] = entry

    def choices(self) -> list[tuple[Entry, int]]:
        """What Enter sends, each entry with its 0-based variant: the marked replies in the
        order they were marked, else the selected one (none when nothing matches)."""
        chosen = self.marked or ([] if self.current is None else [self.current])
        return [(entry, self.variant_of(entry)) for entry in chosen]

    def answer(self) -> Answer | None:
        """The composed answer of the marked replies with their shown variants; None when
        nothing is marked."""
        if not self._marked:
            return None
        key = tuple((entry.id, self.variant_of(entry)) for entry in self._marked.values())
        if self._answer is None or self._answer[0] != key:
            self._answer = (key, self._compose())
        return self._answer[1]

    def _compose(self) -> Answer:
        try:
            drafted = [(entry, self._draft(entry)) for entry in self.marked]
            composed = compose(drafted, limit=message_limit(load_config()))
        except CsrError as exc:
            return Answer(tuple(self._marked), (), problem=str(exc))
        ids = tuple(reply.id for reply in composed.replies)
        return Answer(
            ids,
            tuple(tuple(segments(message, {})) for message in composed.messages),
            tuple(entry_id for entry_id in self._marked if entry_id not in ids),
        )

    def _draft(self, entry: Entry) -> Reply:
        # Drafted as Enter will draft it, except that nobody is asked and nothing is recorded
        # yet: a placeholder without a value stays `{name}`, and the preview shows it missing.
        return draft_reply(
            entry,
            variant=self.variant_of(entry) + 1,
            config=self.values,
            policy=self.policy,
            product=self.product,
            ask=_unfilled,
            remember=False,
        )


def _unfilled(needed: Needed) -> str:
    return "{" + needed.name + "}"


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
