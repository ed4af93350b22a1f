"""The case log's core API on SQLite and PostgreSQL: recording, approval, amendments, retries."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from cases.conftest import AGENT, SHOP, Backend
from csr_cli.cases import CaseFilter, CaseKind, CaseLog, CaseState, NewCase, open_case_log
from csr_cli.errors import CaseLogError

T0 = datetime(2026, 12, 2, 6, 0, tzinfo=timezone.utc)


@pytest.fixture
def log(backend: Backend) -> CaseLog:
    opened = open_case_log(backend.url)
    yield opened
    opened.close()


def compensation(amount: str, cap: str | None = "9.99", **extra: object) -> NewCase:
    values: dict[str, object] = {
        "kind": CaseKind.compensation,
        "buyer": "tb_buyer",
        "order": "1001",
        "reason": "goodwill",
        "amount": Decimal(amount),
        "cap": None if cap is None else Decimal(cap),
        **extra,
    }
    return NewCase(**values)  # type: ignore[arg-type]


def test_a_case_is_stored_exactly_with_handler_shop_and_an_aware_time(log: CaseLog) -> None:
    recorded = log.record(compensation("9.99"), now=T0)
    case = log.get(recorded.case.id)
    assert recorded.created
    assert (case.kind, case.state, case.amount, case.cap) == (
        CaseKind.compensation,
        CaseState.approved,
        Decimal("9.99"),
        Decimal("9.99"),
    )
    assert (case.shop, case.handler, case.buyer, case.order) == (SHOP, AGENT, "tb_buyer", "1001")
    assert case.created_at == T0 and case.created_at.tzinfo is not None
    assert [e.action for e in case.history] == ["created"]
    shown = case.to_json(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    assert shown["created_at"] == "2026-12-02T14:00:00+08:00"
    assert shown["amount"] == "9.99"


@pytest.mark.parametrize(("amount", "cap"), [("15.00", "9.99"), ("0.01", None)])
def test_compensation_above_the_cap_or_without_one_waits_for_approval(
    log: CaseLog, amount: str, cap: str | None
) -> None:
    case = log.record(compensation(amount, cap)).case
    assert case.state is CaseState.pending_approval
    assert [e.action for e in case.history] == ["created", "needs-approval"]
    assert case.approval is None


def test_approve_and_reject_record_who_and_when(log: CaseLog) -> None:
    first = log.record(compensation("15.00")).case
    second = log.record(compensation("20.00")).case
    before = datetime.now(timezone.utc)
    approved = log.approve(first.id, actor="主管老王", note="buyer is a regular")
    rejected = log.reject(second.id, actor="主管老王")
    for case, action, state in (
        (approved, "approve", CaseState.approved),
        (rejected, "reject", CaseState.rejected),
    ):
        decision = case.approval
        assert decision is not None and case.state is state
        assert (decision.action, decision.actor, decision.old, decision.new) == (
            action,
            "主管老王",
            "pending-approval",
            state.value,
        )
        assert before - timedelta(seconds=5) <= decision.at <= datetime.now(timezone.utc)
    with pytest.raises(CaseLogError, match="not pending-approval"):
        log.approve(first.id, actor="主管老王")


def test_set_state_cannot_approve(log: CaseLog) -> None:
    case = log.record(compensation("15.00")).case
    with pytest.raises(CaseLogError, match="csr cases approve"):
        log.set_state(case.id, CaseState.approved, actor=AGENT)


def test_an_amount_is_never_overwritten_an_amendment_is_history(log: CaseLog) -> None:
    case = log.record(compensation("8.00")).case
    amended = log.amend_amount(case.id, Decimal("5.50"), actor=AGENT, note="buyer agreed to less")
    assert (amended.recorded_amount, amended.amount) == (Decimal("8.00"), Decimal("5.50"))
    event = amended.history[-1]
    assert (event.action, event.old, event.new, event.note) == (
        "amount",
        "8.00",
        "5.50",
        "buyer agreed to less",
    )
    over = log.amend_amount(case.id, Decimal("12.00"), actor=AGENT, note="more")
    assert over.state is CaseState.pending_approval  # above the cap again: a supervisor decides
    assert [e.new for e in over.history if e.action == "amount"] == ["5.50", "12.00"]


def test_states_move_forward_and_set_the_flags(log: CaseLog) -> None:
    new = NewCase(
        kind=CaseKind.exchange_quality,
        buyer="b",
        reason="破损",
        amount=Decimal("0"),
        postage=Decimal("12"),
    )
    case = log.record(new).case
    assert case.state is CaseState.waiting_parcel
    for state in (CaseState.received, CaseState.recharged, CaseState.entered):
        case = log.set_state(case.id, state, actor=AGENT)
    assert case.recharged and case.entered and case.state is CaseState.entered
    assert [(e.old, e.new) for e in case.history if e.action == "state"] == [
        ("waiting-parcel", "received"),
        ("received", "recharged"),
        ("recharged", "entered"),
    ]
    with pytest.raises(CaseLogError, match="cannot go from entered to cancelled"):
        log.set_state(case.id, CaseState.cancelled, actor=AGENT)


def test_an_explicit_idempotency_key_never_records_twice(log: CaseLog) -> None:
    first = log.record(compensation("5.00", idempotency_key="calc-42"), now=T0)
    again = log.record(compensation("5.00", idempotency_key="calc-42"), now=T0 + timedelta(days=3))
    assert first.created and not again.created
    assert again.case.id == first.case.id
    assert len(log.find()) == 1
    with pytest.raises(CaseLogError, match=r"NOT recorded.*calc-42 already names case"):
        log.record(compensation("6.00", idempotency_key="calc-42"))


def test_the_same_case_within_ten_minutes_is_one_case(log: CaseLog) -> None:
    first = log.record(compensation("5.00"), now=T0)
    retry = log.record(compensation("5.00"), now=T0 + timedelta(minutes=9, seconds=59))
    other_amount = log.record(compensation("6.00"), now=T0 + timedelta(minutes=1))
    later = log.record(compensation("5.00"), now=T0 + timedelta(minutes=15))
    much_later = log.record(compensation("5.00"), now=T0 + timedelta(minutes=40))
    assert not retry.created and retry.case.id == first.case.id
    assert other_amount.created and later.created and much_later.created
    assert len({first.case.id, other_amount.case.id, later.case.id, much_later.case.id}) == 4
    soon_after_later = log.record(compensation("5.00"), now=T0 + timedelta(minutes=20))
    assert soon_after_later.case.id == later.case.id and not soon_after_later.created


def test_find_filters_and_dates(log: CaseLog) -> None:
    log.record(compensation("1.00", buyer="a"), now=T0)
    log.record(compensation("2.00", buyer="b", handler="小李"), now=T0 + timedelta(days=1))
    log.record(
        NewCase(
            kind=CaseKind.refund, buyer="a", order="9", reason="质量问题", amount=Decimal("202")
        ),
        now=T0,
    )
    assert [c.buyer for c in log.find(CaseFilter(handler="小李"))] == ["b"]
    assert [c.kind for c in log.find(CaseFilter(buyer="a", order="9"))] == [CaseKind.refund]
    assert len(log.find(CaseFilter(since=T0 + timedelta(hours=1)))) == 1
    assert len(log.find(CaseFilter(until=T0 + timedelta(hours=1)))) == 2
    assert log.find(CaseFilter(state=CaseState.entered)) == []


def test_missing_fields_name_the_field_and_nothing_is_recorded(log: CaseLog) -> None:
    with pytest.raises(CaseLogError, match="NOT recorded: --buyer is empty"):
        log.record(compensation("1.00", buyer=" "))
    with pytest.raises(CaseLogError, match="no case 99"):
        log.get(99)
    assert log.find() == []


def test_handover_and_due(log: CaseLog) -> None:
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Shanghai")
    now = datetime.now(timezone.utc)
    overdue = log.record(
        NewCase(
            kind=CaseKind.refund,
            buyer="late",
            reason="r",
            amount=Decimal("1"),
            due_at=now - timedelta(minutes=5),
        )
    ).case
    log.record(
        NewCase(
            kind=CaseKind.refund,
            buyer="next-week",
            reason="r",
            amount=Decimal("1"),
            due_at=now + timedelta(days=7),
        )
    )
    handed = log.add_handover(
        buyer="tb_next", note="问尺码", actor=AGENT, shop=SHOP, due_at=now + timedelta(minutes=1)
    )
    items = log.due(now, tz)
    assert (items[0].source, items[0].buyer, items[0].overdue) == ("case", "late", True)
    assert ("handover", handed.id) in [(i.source, i.id) for i in items]
    assert "next-week" not in [i.buyer for i in items]
    done = log.handover_done(handed.id, actor="小李")
    assert (done.done_by, done.done_at is not None) == ("小李", True)
    assert log.handovers() == []
    log.set_state(overdue.id, CaseState.cancelled, actor=AGENT)
    assert [i.buyer for i in log.due(now, tz)] == []
