"""Several questions in one message: "L码有货吗？发什么快递？包邮吗" asks three things.

The message's clauses (search/query.py) are grouped into segments, one per clause that asks,
with the story before it attached; each segment is searched on its own, and segments whose
best reply is the same merge. A message asks several things when two or more segments find
different, confident best replies.
"""

from __future__ import annotations

from dataclasses import dataclass

from csr_cli.phrasebook.cache import Phrasebook
from csr_cli.search.query import LOOSE_ASK_RE, Clause, read_message
from csr_cli.search.ranking import MAX_QUERY_CHARS, Hit, search
from csr_cli.search.terms import STOP_CHARS, keyword_key

# A segment's best reply must score at least this to count as an intent: about one solid
# keyword or two bigrams matched, below which a clause ("我想问一下") has no scenario of its own.
MIN_INTENT_SCORE = 12.0
MAX_INTENTS = 5
# A follow-up with fewer content characters than this ("那钱呢", "能穿吗") is no question of
# its own.
MIN_SEGMENT_CHARS = 2


@dataclass(frozen=True)
class Intent:
    clause: str  # the part of the message that asks it, folded (full-width, traditional)
    hits: tuple[Hit, ...]


def find_intents(
    book: Phrasebook, query: str, *, limit: int = 3, role: str | None = None
) -> list[Intent]:
    """The separate questions of a message, each with its best replies, in the message's
    order; an empty list when the message asks one thing (or nothing)."""
    message = read_message(book.connection, query[-MAX_QUERY_CHARS:])
    intents: list[Intent] = []
    for segment in _segments(list(message.clauses)):
        hits = search(book, segment, limit=limit, role=role)
        if not hits or hits[0].score < MIN_INTENT_SCORE:
            continue
        same = next(
            (i for i, seen in enumerate(intents) if seen.hits[0].entry.id == hits[0].entry.id), None
        )
        if same is None:
            intents.append(Intent(segment, tuple(hits)))
        else:  # the same question asked twice, or in two clauses: one intent
            earlier = intents[same]
            intents[same] = Intent(f"{earlier.clause} {segment}", earlier.hits)
    return intents[:MAX_INTENTS] if len(intents) > 1 else []


def _segments(clauses: list[Clause]) -> list[str]:
    """One segment per asking clause, with the story before it; a leading greeting stands
    alone. A short follow-up ("那钱呢", "能穿吗") stays with the question before it, and a
    message with fewer than two asking clauses is one segment."""
    clauses = [
        clause._replace(asks=clause.asks or bool(LOOSE_ASK_RE.search(clause.text)))
        for clause in clauses
    ]
    if sum(clause.asks for clause in clauses) < 2:
        return []
    segments: list[str] = []
    story: list[str] = []
    for index, clause in enumerate(clauses):
        if clause.preface:
            if index == 0:
                segments.append(clause.text)
            continue
        story.append(clause.text)
        if clause.asks:
            text = " ".join(story)
            if segments and _content(text) < MIN_SEGMENT_CHARS:
                segments[-1] = f"{segments[-1]} {text}"
            else:
                segments.append(text)
            story = []
    if story and segments:  # the story after the last question belongs to it
        segments[-1] = " ".join([segments[-1], *story])
    return segments


def _content(text: str) -> int:
    """How many characters of a text say something (particles and fillers left out)."""
    return sum(1 for char in keyword_key(text) if char not in STOP_CHARS)
