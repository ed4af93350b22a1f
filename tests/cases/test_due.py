"""Due times as agents type them, read in the shop's time zone relative to an injected now."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from csr_cli.cases import parse_due
from csr_cli.errors import UsageError

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 2026-12-02 14:20 in Shanghai (06:20 UTC).
NOW = datetime(2026, 12, 2, 6, 20, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+2h", "2026-12-02 16:20"),
        ("+30m", "2026-12-02 14:50"),
        ("+1d", "2026-12-03 14:20"),
        ("+1d2h", "2026-12-03 16:20"),
        ("明天10点", "2026-12-03 10:00"),
        ("今天下午3点", "2026-12-02 15:00"),
        ("后天9点半", "2026-12-04 09:30"),
        ("明天上午十点", "2026-12-03 10:00"),
        ("今天晚上8点30分", "2026-12-02 20:30"),
        ("中午1点", "2026-12-03 13:00"),  # 13:00 has passed at 14:20
        ("明天十一点一刻", "2026-12-03 11:15"),
        ("10点", "2026-12-03 10:00"),  # already past today: the next 10 o'clock
        ("下午5点", "2026-12-02 17:00"),
        ("明天 10:30", "2026-12-03 10:30"),
        ("2026-12-05T09:00", "2026-12-05 09:00"),  # no offset: the shop's local time
        ("2026-12-05 09:00", "2026-12-05 09:00"),
        ("2026-12-05T01:00+00:00", "2026-12-05 09:00"),
    ],
)
def test_due_times(text: str, expected: str) -> None:
    due = parse_due(text, now=NOW, tz=SHANGHAI)
    assert due.tzinfo is not None
    assert due.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") == expected


def test_tomorrow_is_the_shops_tomorrow_not_the_servers() -> None:
    late = datetime(2026, 12, 2, 16, 30, tzinfo=timezone.utc)  # 00:30 on the 3rd in Shanghai
    due = parse_due("明天10点", now=late, tz=SHANGHAI)
    assert due.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") == "2026-12-04 10:00"


@pytest.mark.parametrize("text", ["", "soon", "明天", "明天25点", "+", "+2x", "2026-13-01T10:00"])
def test_bad_due_times_name_the_option(text: str) -> None:
    with pytest.raises(UsageError, match=r"^--due"):
        parse_due(text, now=NOW, tz=SHANGHAI)
