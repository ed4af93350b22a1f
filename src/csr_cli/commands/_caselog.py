"""What the case-log commands (`cases`, `due`, `handover`) share: options, output, the log.

These few helpers mirror `commands/_common.py` on purpose: the case commands import only the
infrastructure modules and `csr_cli.cases`, so they survive the ongoing restructuring of the
other modules untouched. Fold them into `_common` once that settles.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Annotated, Any

import typer

from csr_cli.cases import open_case_log, parse_due
from csr_cli.cases.settings import required_setting
from csr_cli.dates import parse_date

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from csr_cli.cases import CaseLog

JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]
IdArg = Annotated[int, typer.Argument(metavar="ID", help="The case number (see `csr cases list`).")]


def use_rich() -> bool:
    """Rich formatting only for a human at a terminal; plain text when piped or NO_COLOR."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def note(message: str) -> None:
    typer.echo(message, err=True)


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
