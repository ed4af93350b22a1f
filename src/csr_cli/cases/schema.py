"""The case log's tables, as SQLAlchemy Core metadata: one definition for SQLite and PostgreSQL.

The migrations in `migrations/versions` create exactly these; a test compares the two.
Money is integer fen (BIGINT), never a float; times are UTC and timezone-aware.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

metadata = MetaData()


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on both backends.

    PostgreSQL keeps TIMESTAMPTZ; SQLite has no time zones, so UTC is stored and UTC is
    attached again on the way out. A naive datetime is refused: it would be a guess.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("the case log stores only timezone-aware times")
        utc = value.astimezone(timezone.utc)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("state", String(32), nullable=False),
    Column("shop", String(200), nullable=False),
    Column("buyer", String(200), nullable=False),
    Column("order_no", String(200)),
    Column("item", String(500)),
    Column("wanted_item", String(500)),
    Column("reason", String(500), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),  # as recorded; amendments are events
    Column("cap_fen", BigInteger),
    Column("postage_fen", BigInteger),
    Column("postage_due", Boolean),
    Column("recharged", Boolean, nullable=False),
    Column("entered", Boolean, nullable=False),
    Column("handler", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False, index=True),
    Column("due_at", UtcDateTime),
    Column("idempotency_key", String(200), unique=True),
)

case_events = Table(
    "case_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False, index=True),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(32), nullable=False),
    Column("old", Text),
    Column("new", Text),
    Column("note", Text),
)

# A retry with the same buyer, order, reason and amount claims the same time slots; the unique
# key makes the second writer fail instead of adding a duplicate (no check-then-insert race).
case_claims = Table(
    "case_claims",
    metadata,
    Column("fingerprint", String(64), primary_key=True),
    Column("slot", BigInteger, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
)

handovers = Table(
    "handovers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("buyer", String(200), nullable=False),
    Column("note", Text, nullable=False),
    Column("shop", String(200), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("due_at", UtcDateTime),
    Column("done_at", UtcDateTime),
    Column("done_by", String(200)),
)
