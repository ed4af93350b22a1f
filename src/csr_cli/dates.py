"""Calendar dates as agents type them, and the clock behind one function tests replace."""

from __future__ import annotations

import re
from datetime import date

from csr_cli.errors import UsageError

# 2026-11-01, 2026/11/01, 2026.11.1 or 2026年11月1日, optionally followed by a time of day
# (the hour of signing never matters: the window counts calendar days).
_DATE_RE = re.compile(
    r"^(?P<y>\d{4})(?:[-/.]|年)(?P<m>\d{1,2})(?:[-/.]|月)(?P<d>\d{1,2})日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"
)


def today() -> date:
    return date.today()


def parse_date(text: str, option: str) -> date:
    match = _DATE_RE.match(text.strip())
    if match is None:
        raise UsageError(f"{option} is not a date (got '{text}'); use YYYY-MM-DD, e.g. 2026-11-01")
    try:
        return date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError as exc:
        raise UsageError(f"{option} is not a calendar date (got '{text}': {exc})") from None


def fmt_chat_date(day: date) -> str:
    """A date as it reads in a chat reply: 2026年11月8日."""
    return f"{day.year}年{day.month}月{day.day}日"
