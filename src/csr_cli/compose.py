"""One answer from several replies, cut into chat messages that fit the chat client.

A buyer who asks three things gets one answer: `compose` puts the drafted replies in the order
an agent would send them — the greeting, then an apology or a thank-you for waiting, then the
answers in the order asked, then what the agent will check, then the closing — keeps at most
one greeting, drops the 亲，/您好， that every reply opens with after the first part, and packs
the parts into messages no longer than the chat client takes (`message_limit` in the config,
500 characters by default). Where a reply stands comes from its entry's tags.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from csr_cli.errors import UsageError
from csr_cli.phrasebook.schema import Entry
from csr_cli.replies import Reply

DEFAULT_MESSAGE_LIMIT = 500
LIMIT_KEY = "message_limit"  # the config key that overrides it
GREETING, OPENER, ANSWER, FOLLOW_UP, CLOSING = range(5)
# Tags that place a reply, checked in this order (a closing that thanks is still a closing).
PLACES = (
    (GREETING, frozenset({"greeting", "welcome"})),
    (CLOSING, frozenset({"closing", "farewell", "no-deal", "review"})),
    (OPENER, frozenset({"apology", "complaint", "wait", "busy", "escalation"})),
    (FOLLOW_UP, frozenset({"verify", "follow-up"})),
)
# How a reply opens when it addresses the buyer; after the first part that is said already.
SALUTATION_RE = re.compile(r"^(?:亲爱的|亲亲|亲|您好|你好)[，,～~！!、\s]*")
SENTENCE_END_RE = re.compile(r"(?<=[。！？!?～~\n])")


@dataclass(frozen=True)
class Composed:
    """Several replies as one answer: the replies in sending order and the messages to send."""

    replies: tuple[Reply, ...]
    messages: tuple[str, ...]
    limit: int

    @property
    def text(self) -> str:
        return "\n\n".join(self.messages)

    def to_json(self) -> dict[str, object]:
        return {
            "ids": [reply.id for reply in self.replies],
            "messages": list(self.messages),
            "limit": self.limit,
            "replies": [reply.to_json() for reply in self.replies],
        }


def message_limit(config: Mapping[str, str], given: int | None = None) -> int:
    """The longest message the chat client takes: `given`, else the config's, else 500."""
    raw = given if given is not None else config.get(LIMIT_KEY, DEFAULT_MESSAGE_LIMIT)
    try:
        limit = int(raw)
    except ValueError:
        raise UsageError(
            f"config {LIMIT_KEY}={raw!r} is not a number of characters; "
            f"`csr config set {LIMIT_KEY} 500`",
            fields=("limit",),
        ) from None
    if limit < 20:
        raise UsageError(f"a message limit of {limit} characters is too short", fields=("limit",))
    return limit


def place(entry: Entry) -> int:
    tags = set(entry.tags)
    return next((where for where, names in PLACES if tags & names), ANSWER)


def compose(
    drafted: Sequence[tuple[Entry, Reply]], *, limit: int, separate: bool = False
) -> Composed:
    """The replies in sending order, packed into messages of at most `limit` characters.

    `separate` sends every part (each reply, and each message of a reply of several) as a
    message of its own instead of joining parts while they fit.
    """
    ordered = sorted(enumerate(drafted), key=lambda item: (place(item[1][0]), item[0]))
    kept: list[Reply] = []
    greeted = False
    for _, (entry, reply) in ordered:
        if place(entry) == GREETING:
            if greeted:
                continue  # one greeting is enough
            greeted = True
        kept.append(reply)
    parts: list[str] = []
    for reply in kept:
        for message in reply.messages or (reply.text,):
            parts.append(SALUTATION_RE.sub("", message, count=1) if parts else message)
    return Composed(tuple(kept), tuple(_pack(parts, limit, separate)), limit)


def _pack(parts: list[str], limit: int, separate: bool) -> list[str]:
    messages: list[str] = []
    for part in parts:
        for piece in _fit(part, limit):
            if messages and not separate and len(messages[-1]) + 1 + len(piece) <= limit:
                messages[-1] = f"{messages[-1]}\n{piece}"
            else:
                messages.append(piece)
    return messages


def _fit(text: str, limit: int) -> list[str]:
    """A text longer than the limit, cut after whole sentences (mid-sentence only if one
    sentence is itself too long)."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    for sentence in (s for s in SENTENCE_END_RE.split(text) if s):
        while len(sentence) > limit:
            pieces.append(sentence[:limit])
            sentence = sentence[limit:]
        if pieces and len(pieces[-1]) + len(sentence) <= limit:
            pieces[-1] += sentence
        else:
            pieces.append(sentence)
    return [piece.strip("\n") for piece in pieces if piece.strip()]
