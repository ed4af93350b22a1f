"""What a case is: its kind, its state machine, and the record finance and the next shift read.

Plain dataclasses and enums, no database: the store turns rows into these, and the commands
and calculators build `NewCase` values to record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from enum import Enum
from typing import Any

from csr_cli.errors import CaseLogError, UsageError
from csr_cli.money import fmt


class CaseKind(str, Enum):
    compensation = "compensation"
    partial_refund = "partial-refund"
    refund = "refund"  # a refund, with or without a return of the goods
    exchange_quality = "exchange-quality"
    exchange_other = "exchange-other"

    @property
    def is_payout(self) -> bool:
        """Money finance pays out by hand: the handbook's 店铺、帐号、原因、金额、时间 sheet."""
        return self in (CaseKind.compensation, CaseKind.partial_refund)

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    CaseKind.compensation: "补偿",
    CaseKind.partial_refund: "部分退款",
    CaseKind.refund: "退货退款",
    CaseKind.exchange_quality: "换货（质量问题）",
    CaseKind.exchange_other: "换货（非质量问题）",
}


class CaseState(str, Enum):
    waiting_parcel = "waiting-parcel"
    received = "received"
    refunded = "refunded"
    recharged = "recharged"
    entered = "entered"
    cancelled = "cancelled"
    pending_approval = "pending-approval"
    approved = "approved"
    rejected = "rejected"

    @property
    def is_open(self) -> bool:
        return self not in FINAL_STATES


FINAL_STATES = frozenset({CaseState.entered, CaseState.cancelled, CaseState.rejected})

# Forward moves only: a case goes back only by a new case, so the history reads as it happened.
# approved/rejected are reached through approve()/reject(), which record the supervisor.
TRANSITIONS: dict[CaseState, frozenset[CaseState]] = {
    CaseState.waiting_parcel: frozenset({CaseState.received, CaseState.cancelled}),
    CaseState.received: frozenset(
        {CaseState.refunded, CaseState.recharged, CaseState.entered, CaseState.cancelled}
    ),
    CaseState.refunded: frozenset({CaseState.entered}),
    CaseState.recharged: frozenset({CaseState.entered}),
    CaseState.pending_approval: frozenset({CaseState.cancelled}),
    CaseState.approved: frozenset(
        {CaseState.refunded, CaseState.recharged, CaseState.entered, CaseState.cancelled}
    ),
    CaseState.entered: frozenset(),
    CaseState.cancelled: frozenset(),
    CaseState.rejected: frozenset(),
}


def check_transition(case_id: int, old: CaseState, new: CaseState) -> None:
    if new in (CaseState.approved, CaseState.rejected):
        verb = "approve" if new is CaseState.approved else "reject"
        raise CaseLogError(
            f"case {case_id}: STATE {new.value} is set by a supervisor; use `csr cases {verb} {case_id}`"
        )
    if new not in TRANSITIONS[old]:
        allowed = ", ".join(sorted(state.value for state in TRANSITIONS[old])) or "none (closed)"
        raise CaseLogError(
            f"case {case_id}: STATE cannot go from {old.value} to {new.value}; allowed: {allowed}"
        )


@dataclass(frozen=True)
class Event:
    """One line of a case's append-only history: who did what, when, old → new."""

    at: datetime
    actor: str
    action: str  # created, state, amount, approve, reject, note, due, …
    old: str | None = None
    new: str | None = None
    note: str | None = None

    def to_json(self, tz: tzinfo) -> dict[str, Any]:
        return {
            "at": self.at.astimezone(tz).isoformat(timespec="seconds"),
            "actor": self.actor,
            "action": self.action,
            "old": self.old,
            "new": self.new,
            "note": self.note,
        }


@dataclass(frozen=True)
class NewCase:
    """What a calculator or `csr cases record` hands over to be recorded.

    `handler` and `shop` default to the config's `agent` and `shop`; `cap` is the most an
    agent may pay without a supervisor (compensation), so a larger amount waits for approval.
    """

    kind: CaseKind
    buyer: str
    reason: str
    amount: Decimal
    order: str | None = None
    item: str | None = None
    wanted_item: str | None = None
    cap: Decimal | None = None
    postage: Decimal | None = None
    postage_due: bool | None = None
    state: CaseState | None = None
    due_at: datetime | None = None
    note: str | None = None
    idempotency_key: str | None = None
    handler: str | None = None
    shop: str | None = None


@dataclass(frozen=True)
class Case:
    id: int
    kind: CaseKind
    state: CaseState
    shop: str
    buyer: str
    order: str | None
    item: str | None
    wanted_item: str | None
    reason: str
    recorded_amount: Decimal  # as first recorded; never changed
    amount: Decimal  # the latest amendment, else the recorded amount
    cap: Decimal | None
    postage: Decimal | None
    postage_due: bool | None
    recharged: bool
    entered: bool
    handler: str
    created_at: datetime
    due_at: datetime | None
    idempotency_key: str | None
    history: tuple[Event, ...] = field(default=())

    @property
    def approval(self) -> Event | None:
        """The supervisor's decision, when there was one."""
        decisions = [e for e in self.history if e.action in ("approve", "reject")]
        return decisions[-1] if decisions else None

    def to_json(self, tz: tzinfo) -> dict[str, Any]:
        def money(value: Decimal | None) -> str | None:
            return None if value is None else fmt(value)

        def when(value: datetime | None) -> str | None:
            return None if value is None else value.astimezone(tz).isoformat(timespec="seconds")

        return {
            "id": self.id,
            "kind": self.kind.value,
            "state": self.state.value,
            "shop": self.shop,
            "buyer": self.buyer,
            "order": self.order,
            "item": self.item,
            "wanted_item": self.wanted_item,
            "reason": self.reason,
            "amount": money(self.amount),
            "recorded_amount": money(self.recorded_amount),
            "cap": money(self.cap),
            "postage": money(self.postage),
            "postage_due": self.postage_due,
            "recharged": self.recharged,
            "entered": self.entered,
            "handler": self.handler,
            "created_at": when(self.created_at),
            "due_at": when(self.due_at),
            "idempotency_key": self.idempotency_key,
            "history": [event.to_json(tz) for event in self.history],
        }


@dataclass(frozen=True)
class Recorded:
    """The result of recording: the stored case, and False when it was already there (a retry)."""

    case: Case
    created: bool


@dataclass(frozen=True)
class CaseFilter:
    state: CaseState | None = None
    handler: str | None = None
    shop: str | None = None
    buyer: str | None = None
    order: str | None = None
    kinds: tuple[CaseKind, ...] = ()
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


@dataclass(frozen=True)
class Handover:
    """A buyer one shift could not finish, for the next shift (交接表)."""

    id: int
    buyer: str
    note: str
    shop: str
    created_by: str
    created_at: datetime
    due_at: datetime | None
    done_at: datetime | None
    done_by: str | None

    def to_json(self, tz: tzinfo) -> dict[str, Any]:
        def when(value: datetime | None) -> str | None:
            return None if value is None else value.astimezone(tz).isoformat(timespec="seconds")

        return {
            "id": self.id,
            "buyer": self.buyer,
            "note": self.note,
            "shop": self.shop,
            "created_by": self.created_by,
            "created_at": when(self.created_at),
            "due_at": when(self.due_at),
            "done_at": when(self.done_at),
            "done_by": self.done_by,
        }


@dataclass(frozen=True)
class DueItem:
    """A case or handed-over buyer with a due time, or an open case left from an earlier day."""

    source: str  # "case" or "handover"
    id: int
    buyer: str
    summary: str
    due_at: datetime | None
    overdue: bool
    handler: str

    def to_json(self, tz: tzinfo) -> dict[str, Any]:
        return {
            "source": self.source,
            "id": self.id,
            "buyer": self.buyer,
            "summary": self.summary,
            "due_at": None
            if self.due_at is None
            else self.due_at.astimezone(tz).isoformat(timespec="seconds"),
            "overdue": self.overdue,
            "handler": self.handler,
        }


def day_span(
    first: date | None, last: date | None, tz: tzinfo
) -> tuple[datetime | None, datetime | None]:
    """[start of `first`, start of the day after `last`) in the shop's time zone: the days an
    agent names are the shop's days, not UTC's. Either end may be open (None)."""
    if first is not None and last is not None and last < first:
        raise UsageError(f"--to {last} is before --from {first}; swap them")
    since = None if first is None else datetime.combine(first, time(), tzinfo=tz)
    until = None if last is None else datetime.combine(last + timedelta(days=1), time(), tzinfo=tz)
    return since, until
