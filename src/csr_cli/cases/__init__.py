"""The after-sale case log (售后登记): every payout, return and exchange, for finance,
follow-ups and the next shift.

    from csr_cli.cases import CaseKind, NewCase, record_case
    recorded = record_case(NewCase(kind=CaseKind.compensation, buyer="tb_buyer", order="123",
                                   reason="goodwill", amount=Decimal("15.00"), cap=Decimal("9.99")))
    recorded.case.id, recorded.case.state   # 7, CaseState.pending_approval

SQLAlchemy and Alembic are imported only when a case log is opened, never by this module.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from csr_cli.cases.due import parse_due
from csr_cli.cases.model import (
    Case,
    CaseFilter,
    CaseKind,
    CaseState,
    DueItem,
    Event,
    Handover,
    NewCase,
    Recorded,
)
from csr_cli.cases.settings import describe_database, mask_url, shop_timezone

if TYPE_CHECKING:
    from csr_cli.cases.store import CaseLog

__all__ = [
    "Case",
    "CaseFilter",
    "CaseKind",
    "CaseLog",
    "CaseState",
    "DueItem",
    "Event",
    "Handover",
    "NewCase",
    "Recorded",
    "describe_database",
    "mask_url",
    "open_case_log",
    "parse_due",
    "record_case",
    "refunds_in_month",
    "shop_timezone",
]


def __getattr__(name: str) -> object:
    # CaseLog lives with SQLAlchemy; import it only when someone asks for it.
    if name == "CaseLog":
        from csr_cli.cases.store import CaseLog

        return CaseLog
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def open_case_log(url: str | None = None) -> CaseLog:
    """Open the case log (see `csr_cli.cases.store.open_case_log`); migrates it if needed."""
    from csr_cli.cases.store import open_case_log as open_store

    return open_store(url)


def record_case(new: NewCase, *, url: str | None = None) -> Recorded:
    """Record one case and close the log: what `--record` on a calculator calls.

    Raises CaseLogError (exit 2) saying the case was NOT recorded when the database cannot be
    reached or the case is incomplete; `Recorded.created` is False for a retry of a stored case.
    """
    from csr_cli.cases.database import NOT_RECORDED
    from csr_cli.cases.store import open_case_log as open_store

    log = open_store(url, failing_means=NOT_RECORDED)
    try:
        return log.record(new)
    finally:
        log.close()


def refunds_in_month(handler: str, month: date, *, url: str | None = None) -> int:
    """How many refunds (whole or partial, not cancelled) `handler` recorded in the calendar
    month that `month` falls in, in the shop's time zone: what the KPI's refund rate counts."""
    from datetime import datetime, time

    tz = shop_timezone()
    first = month.replace(day=1)
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    filters = CaseFilter(
        handler=handler,
        kinds=(CaseKind.refund, CaseKind.partial_refund),
        since=datetime.combine(first, time(), tz),
        until=datetime.combine(following, time(), tz),
    )
    log = open_case_log(url)
    try:
        return sum(1 for case in log.find(filters) if case.state is not CaseState.cancelled)
    finally:
        log.close()
