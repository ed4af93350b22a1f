"""Due times as agents type them: ISO times, `+2h` / `+30m` / `+1d`, and 明天10点-style Chinese.

Everything is read in the shop's time zone relative to an injected `now`, and returned as an
aware datetime, so a promise made at 23:30 for 明天 means the shop's tomorrow, not the server's.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, tzinfo

from csr_cli.errors import UsageError

_RELATIVE_RE = re.compile(r"^\+(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m(?:in)?)?$")
_DAYS = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "後天": 2, "大后天": 3}
_PERIODS = ("凌晨", "早上", "早晨", "上午", "中午", "下午", "傍晚", "晚上", "今晚", "明晚")
_NUMBER = r"[0-9０-９零〇一二两三四五六七八九十]{1,3}"
_CHINESE_RE = re.compile(
    rf"^(?P<day>大后天|今天|今日|明天|明日|后天|後天)?(?P<period>{'|'.join(_PERIODS)})?"
    rf"(?P<hour>{_NUMBER})(?:点|點|时|時|:|：)"
    rf"(?:(?P<half>半)|(?P<quarter>一刻|三刻)|(?P<minute>{_NUMBER})分?)?钟?$"
)
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_DIGITS.update({"五": 5, "六": 6, "七": 7, "八": 8, "九": 9})
EXAMPLES = "e.g. 2026-12-03T10:00, +2h, +30m, +1d, 明天10点, 今天下午3点 or 后天9点半"


def parse_due(text: str, *, now: datetime, tz: tzinfo, option: str = "--due") -> datetime:
    """When `text` falls due, as an aware datetime; a UsageError naming `option` otherwise."""
    cleaned = text.strip().replace(" ", "")
    if not cleaned:
        raise UsageError(f"{option} needs a time, {EXAMPLES}")
    local_now = now.astimezone(tz)
    relative = _RELATIVE_RE.match(cleaned.lower())
    if relative and any(relative.groupdict().values()):
        days, hours, minutes = (int(relative[key] or 0) for key in ("d", "h", "m"))
        return local_now + timedelta(days=days, hours=hours, minutes=minutes)
    chinese = _CHINESE_RE.match(cleaned)
    if chinese:
        return _chinese(chinese, local_now, option, text)
    return _iso(text.strip(), tz, option)


def _iso(text: str, tz: tzinfo, option: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"{option} is not a time csr understands (got '{text}'); use {EXAMPLES}"
        ) from None
    # A time without an offset is the shop's local time, as the agent reads the clock.
    return parsed.replace(tzinfo=tz) if parsed.tzinfo is None else parsed


def _chinese(match: re.Match[str], now: datetime, option: str, text: str) -> datetime:
    hour = _number(match["hour"])
    minute = 30 if match["half"] else 0
    if match["quarter"]:
        minute = 15 if match["quarter"] == "一刻" else 45
    if match["minute"]:
        minute = _number(match["minute"])
    period = match["period"] or ""
    if period in ("下午", "傍晚", "晚上", "今晚", "明晚") and hour < 12:
        hour += 12
    elif period == "中午" and hour < 6:
        hour += 12  # 中午1点 is 13:00
    if hour > 23 or minute > 59:
        raise UsageError(f"{option} is not a time of day (got '{text}'); use {EXAMPLES}")
    days = _DAYS.get(match["day"] or "", 0) + (1 if period == "明晚" else 0)
    due = datetime.combine(now.date() + timedelta(days=days), time(hour, minute), tzinfo=now.tzinfo)
    if match["day"] is None and period != "明晚" and due <= now:
        # "10点" said after 10 o'clock means the next 10 o'clock, as a person would mean it.
        due += timedelta(days=1)
    return due


def _number(text: str) -> int:
    """0-59 in ASCII, full-width or Chinese digits (十, 十一, 二十, 二十五)."""
    ascii_digits = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if ascii_digits.isdigit():
        return int(ascii_digits)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _DIGITS.get(tens, 1) * 10 + (_DIGITS.get(ones, 0) if ones else 0)
    return _DIGITS.get(text, 99)
