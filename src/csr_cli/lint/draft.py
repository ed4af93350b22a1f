"""A draft under check and the problems found in it.

Positions are character offsets into the text as given. The tone rules look at a folded copy
(filler marks between characters dropped, traditional characters simplified, see `fold`), so
"不 讲 价" and "不講價" are caught like 不讲价; `Draft.found` maps folded offsets back.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import asdict, dataclass

# Full-width digits count as digits; translating them one for one keeps every offset.
_FULLWIDTH = str.maketrans("０１２３４５６７８９Ｘｘ＠．＋", "0123456789Xx@.+")


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    start: int  # character offsets into the text; `end` is exclusive
    end: int
    line: int  # 1-based
    column: int  # 1-based, in characters
    text: str
    suggestion: str | None = None
    fix: str | None = None  # a safe drop-in replacement for text[start:end]

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    def describe(self) -> str:
        found = f" “{self.text}”" if self.text else ""
        hint = f" → {self.suggestion}" if self.suggestion else ""
        return f"{self.line}:{self.column} {self.code}{found}: {self.message}{hint}"


@dataclass(frozen=True)
class Folding:
    """How the tone rules see a text: `ignore` matches filler marks to drop, `table` maps
    traditional characters to simplified ones (one for one, so offsets survive)."""

    ignore: re.Pattern[str] | None = None
    table: Mapping[int, str] | None = None

    def plain(self, phrase: str) -> str:
        """A rule's own phrase as the folded text would hold it."""
        dropped = phrase if self.ignore is None else self.ignore.sub("", phrase)
        return dropped if self.table is None else dropped.translate(self.table)


class Draft:
    """The text being checked, a digit-normalised copy, a folded copy, and line starts."""

    def __init__(self, text: str, folding: Folding | None = None) -> None:
        self.text = text
        self.normalised = text.translate(_FULLWIDTH)
        self._line_starts = [0, *(match.end() for match in re.finditer("\n", text))]
        self.han = sum(1 for char in text if "\u4e00" <= char <= "\u9fff")
        self.folded, self._origin = fold(text, folding or Folding())

    def problem(
        self,
        code: str,
        start: int,
        end: int,
        message: str,
        suggestion: str | None = None,
        fix: str | None = None,
    ) -> Problem:
        line = bisect_right(self._line_starts, start)
        column = start - self._line_starts[line - 1] + 1
        text = self.text[start:end]
        return Problem(code, message, start, end, line, column, text, suggestion, fix)

    def found(
        self,
        code: str,
        start: int,
        end: int,
        message: str,
        suggestion: str | None = None,
        fix: str | None = None,
    ) -> Problem:
        """A problem at offsets into the folded text."""
        if self._origin is None:
            return self.problem(code, start, end, message, suggestion, fix)
        first = self._origin[start]
        last = self._origin[end - 1] + 1 if end > start else first
        return self.problem(code, first, last, message, suggestion, fix)


def fold(text: str, folding: Folding) -> tuple[str, tuple[int, ...] | None]:
    """The text with filler marks dropped and characters simplified, and for each of its
    characters the offset in `text` (None when nothing was dropped)."""
    table = folding.table or {}
    if folding.ignore is None or not folding.ignore.search(text):
        return text.translate(table), None
    kept: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if folding.ignore.match(char) and not _inside_ascii_word(text, index):
            continue
        kept.append(char)
        origin.append(index)
    origin.append(len(text))
    return "".join(kept).translate(table), tuple(origin)


def _inside_ascii_word(text: str, index: int) -> bool:
    """2-4天, 2.5, SF 123: a mark between two ASCII letters or digits belongs to them."""
    return (
        0 < index < len(text) - 1
        and text[index - 1].isascii()
        and text[index - 1].isalnum()
        and text[index + 1].isascii()
        and text[index + 1].isalnum()
    )
