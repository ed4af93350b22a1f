"""What the case-log commands (`cases`, `due`, `handover`) share beyond `_common`: the case
number argument, the open log, who is acting, and times and days as agents type them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Annotated

import typer

from csr_cli.cases import open_case_log, parse_due
from csr_cli.cases.settings import required_setting
from csr_cli.dates import parse_date

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from csr_cli.cases import CaseLog

IdArg = Annotated[int, typer.Argument(metavar="ID", help="The case number (see `csr cases list`).")]


@contextmanager
def case_log() -> Iterator[CaseLog]:
    log = open_case_log()
    try:
        yield log
    finally:
        log.close()


def actor() -> str:
    """Who is acting: the config's `agent`, recorded on every change."""
    return required_setting("agent", None, "小美")


def now() -> datetime:
    return datetime.now(timezone.utc)


def due_time(text: str | None, tz: ZoneInfo, option: str = "--due") -> datetime | None:
    return None if text is None else parse_due(text, now=now(), tz=tz, option=option)


def day(text: str | None, option: str) -> date | None:
    return None if text is None else parse_date(text, option)


def shown(value: datetime | None, tz: ZoneInfo) -> str:
    """A time as the shop reads it: local, to the minute."""
    return "" if value is None else value.astimezone(tz).strftime("%Y-%m-%d %H:%M")
