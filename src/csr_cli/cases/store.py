"""The case log on SQLAlchemy Core: SQLite by default, PostgreSQL for a team; same schema.

Every write is one transaction, so a killed process leaves either the whole case (with its
`created` event) or nothing. Opening migrates the schema to the newest revision under a lock.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Row,
    and_,
    delete,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
)

from csr_cli.cases import model, schema
from csr_cli.cases.database import (
    NOT_RECORDED,
    NOTHING_DONE,
    engine_for,
    migrate,
    unavailable,
)
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
from csr_cli.cases.settings import database_url, mask_url, required_setting, scrub
from csr_cli.errors import CaseLogError, CaseLogUnavailable
from csr_cli.money import FEN, fmt

DEDUP_WINDOW = timedelta(minutes=10)
# Tests replace this to stop a writer between inserting the case and its history (kill -9).
after_case_insert: Callable[[int], None] | None = None


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def to_fen(amount: Decimal) -> int:
    return int((amount / FEN).to_integral_exact())


def from_fen(fen: int | None) -> Decimal | None:
    return None if fen is None else (Decimal(fen) * FEN).quantize(FEN)


class CaseLog:
    """An open case log. Create it with `open_case_log()`."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    # --- recording -------------------------------------------------------------------------

    def record(self, new: NewCase, *, now: datetime | None = None) -> Recorded:
        """Store `new` once: a retry (same idempotency key, or the same buyer, order, reason
        and amount within DEDUP_WINDOW) returns the case already stored."""
        now = now or utcnow()
        handler = required_setting("agent", new.handler, "小美")
        shop = required_setting("shop", new.shop, "小美家")
        _check_new(new)
        fingerprint = _fingerprint(new, shop)
        with self._unreachable_means(NOT_RECORDED):
            for _ in range(3):
                try:
                    return Recorded(self._insert(new, now, handler, shop, fingerprint), True)
                except IntegrityError:
                    existing = self._existing(new, fingerprint, now)
                    if existing is not None:
                        return Recorded(existing, False)
                    self._release_stale_claims(fingerprint, now)
        raise CaseLogError("the case was NOT recorded: it kept clashing with a retry; try again")

    def _insert(
        self, new: NewCase, now: datetime, handler: str, shop: str, fingerprint: str
    ) -> Case:
        state = _initial_state(new)
        with self.engine.begin() as conn:
            case_id = conn.execute(
                insert(schema.cases).returning(schema.cases.c.id),
                _case_row(new, state, now, handler, shop),
            ).scalar_one()
            if after_case_insert is not None:
                after_case_insert(case_id)
            if new.idempotency_key is None:
                # Two slots per case: any two records within DEDUP_WINDOW share one of them.
                slot = int(now.timestamp() // DEDUP_WINDOW.total_seconds())
                conn.execute(
                    insert(schema.case_claims),
                    [
                        {"fingerprint": fingerprint, "slot": s, "case_id": case_id}
                        for s in (slot, slot + 1)
                    ],
                )
            conn.execute(
                insert(schema.case_events), _created_events(case_id, new, state, now, handler)
            )
            return self._load(conn, case_id)

    def _existing(self, new: NewCase, fingerprint: str, now: datetime) -> Case | None:
        with self.engine.begin() as conn:
            if new.idempotency_key is not None:
                found = conn.execute(
                    select(schema.cases.c.id).where(
                        schema.cases.c.idempotency_key == new.idempotency_key
                    )
                ).scalar_one_or_none()
                if found is None:
                    raise CaseLogError(
                        "the case was NOT recorded: a database constraint refused it"
                    )
                return _same_case(self._load(conn, found), new)
            rows = conn.execute(
                select(schema.cases.c.id)
                .join(schema.case_claims, schema.case_claims.c.case_id == schema.cases.c.id)
                .where(
                    schema.case_claims.c.fingerprint == fingerprint,
                    schema.cases.c.created_at > now - DEDUP_WINDOW,
                )
                .order_by(schema.cases.c.id)
            ).scalars()
            first = next(iter(rows), None)
            return None if first is None else self._load(conn, first)

    def _release_stale_claims(self, fingerprint: str, now: datetime) -> None:
        """Claims of a case older than the window may block a slot; they no longer count."""
        with self.engine.begin() as conn:
            stale = select(schema.cases.c.id).where(schema.cases.c.created_at <= now - DEDUP_WINDOW)
            conn.execute(
                delete(schema.case_claims).where(
                    schema.case_claims.c.fingerprint == fingerprint,
                    schema.case_claims.c.case_id.in_(stale),
                )
            )

    # --- reading ---------------------------------------------------------------------------

    def get(self, case_id: int) -> Case:
        with self._unreachable_means("nothing was read"), self.engine.begin() as conn:
            return self._load(conn, case_id)

    def find(self, filters: CaseFilter | None = None) -> list[Case]:
        """Cases matching every given filter, oldest first."""
        filters = filters or CaseFilter()
        with self._unreachable_means("nothing was read"), self.engine.begin() as conn:
            rows = conn.execute(
                select(schema.cases).where(*_conditions(filters)).order_by(schema.cases.c.id)
            ).all()
            return self._with_history(conn, rows)

    def _load(self, conn: Connection, case_id: int) -> Case:
        row = conn.execute(select(schema.cases).where(schema.cases.c.id == case_id)).first()
        if row is None:
            raise CaseLogError(f"no case {case_id}; see `csr cases list`")
        return self._with_history(conn, [row])[0]

    def _with_history(self, conn: Connection, rows: Sequence[Row[Any]]) -> list[Case]:
        history: dict[int, list[Event]] = {row.id: [] for row in rows}
        ids = list(history)
        for start in range(0, len(ids), 500):  # keeps the IN list within every backend's limit
            events = conn.execute(
                select(schema.case_events)
                .where(schema.case_events.c.case_id.in_(ids[start : start + 500]))
                .order_by(schema.case_events.c.id)
            )
            for ev in events:
                history[ev.case_id].append(
                    Event(ev.at, ev.actor, ev.action, ev.old, ev.new, ev.note)
                )
        return [_case(row, tuple(history[row.id])) for row in rows]

    # --- changing --------------------------------------------------------------------------

    def set_state(
        self, case_id: int, state: CaseState, *, actor: str, note: str | None = None
    ) -> Case:
        def change(conn: Connection, case: Case, now: datetime) -> None:
            model.check_transition(case_id, case.state, state)
            flags = {"recharged": True} if state is CaseState.recharged else {}
            if state is CaseState.entered:
                flags["entered"] = True
            self._move(conn, case, state, flags)
            self._event(conn, case_id, now, actor, "state", case.state.value, state.value, note)

        return self._change(case_id, change)

    def approve(self, case_id: int, *, actor: str, note: str | None = None) -> Case:
        return self._decide(case_id, CaseState.approved, "approve", actor, note)

    def reject(self, case_id: int, *, actor: str, note: str | None = None) -> Case:
        return self._decide(case_id, CaseState.rejected, "reject", actor, note)

    def _decide(
        self, case_id: int, state: CaseState, action: str, actor: str, note: str | None
    ) -> Case:
        def change(conn: Connection, case: Case, now: datetime) -> None:
            if case.state is not CaseState.pending_approval:
                raise CaseLogError(
                    f"case {case_id} is {case.state.value}, not pending-approval: nothing to {action}"
                )
            self._move(conn, case, state, {})
            self._event(conn, case_id, now, actor, action, case.state.value, state.value, note)

        return self._change(case_id, change)

    def amend_amount(self, case_id: int, amount: Decimal, *, actor: str, note: str) -> Case:
        """A corrected amount, as a new history event; the recorded amount stays as it was.
        A compensation amended above its cap goes back to waiting for approval."""

        def change(conn: Connection, case: Case, now: datetime) -> None:
            if not case.state.is_open:
                raise CaseLogError(
                    f"case {case_id} is {case.state.value}: its amount can no longer change"
                )
            self._event(conn, case_id, now, actor, "amount", fmt(case.amount), fmt(amount), note)
            over = case.kind is CaseKind.compensation and (case.cap is None or amount > case.cap)
            if over and case.state is not CaseState.pending_approval:
                self._move(conn, case, CaseState.pending_approval, {})
                self._event(
                    conn,
                    case_id,
                    now,
                    actor,
                    "state",
                    case.state.value,
                    CaseState.pending_approval.value,
                    "above the cap",
                )

        return self._change(case_id, change)

    def add_note(self, case_id: int, note: str, *, actor: str) -> Case:
        if not note.strip():
            raise CaseLogError("TEXT is empty: write what happened, e.g. 买家已寄回")
        return self._change(
            case_id,
            lambda conn, case, now: self._event(
                conn, case_id, now, actor, "note", None, None, note
            ),
        )

    def set_due(self, case_id: int, due_at: datetime, *, actor: str) -> Case:
        def change(conn: Connection, case: Case, now: datetime) -> None:
            conn.execute(
                update(schema.cases).where(schema.cases.c.id == case_id).values(due_at=due_at)
            )
            old = None if case.due_at is None else case.due_at.isoformat()
            self._event(
                conn,
                case_id,
                now,
                actor,
                "due",
                old,
                due_at.astimezone(timezone.utc).isoformat(),
                None,
            )

        return self._change(case_id, change)

    def _change(self, case_id: int, change: Callable[[Connection, Case, datetime], None]) -> Case:
        with self._unreachable_means("nothing was changed"), self.engine.begin() as conn:
            _lock_case(conn, case_id)
            change(conn, self._load(conn, case_id), utcnow())
            return self._load(conn, case_id)

    def _move(self, conn: Connection, case: Case, state: CaseState, flags: dict[str, bool]) -> None:
        # Guarded by the old state, so two agents moving one case at once cannot both win.
        moved = conn.execute(
            update(schema.cases)
            .where(schema.cases.c.id == case.id, schema.cases.c.state == case.state.value)
            .values(state=state.value, **flags)
        )
        if moved.rowcount != 1:
            raise CaseLogError(
                f"case {case.id} changed meanwhile; look at `csr cases show {case.id}` and retry"
            )

    @staticmethod
    def _event(
        conn: Connection,
        case_id: int,
        at: datetime,
        actor: str,
        action: str,
        old: str | None,
        new: str | None,
        note: str | None,
    ) -> None:
        conn.execute(
            insert(schema.case_events),
            {
                "case_id": case_id,
                "at": at,
                "actor": actor,
                "action": action,
                "old": old,
                "new": new,
                "note": note,
            },
        )

    # --- follow-ups and handover -----------------------------------------------------------

    def add_handover(
        self, *, buyer: str, note: str, actor: str, shop: str, due_at: datetime | None = None
    ) -> Handover:
        if not buyer.strip():
            raise CaseLogError("BUYER is empty: give the buyer's account name")
        if not note.strip():
            raise CaseLogError("--note is empty: say what the next shift should do")
        row = {
            "buyer": buyer,
            "note": note,
            "shop": shop,
            "created_by": actor,
            "created_at": utcnow(),
            "due_at": due_at,
        }
        with self._unreachable_means("the handover was NOT recorded"), self.engine.begin() as conn:
            new_id = conn.execute(
                insert(schema.handovers).returning(schema.handovers.c.id), row
            ).scalar_one()
            return self._handover(conn, new_id)

    def handovers(self, *, include_done: bool = False) -> list[Handover]:
        query = select(schema.handovers).order_by(schema.handovers.c.id)
        if not include_done:
            query = query.where(schema.handovers.c.done_at.is_(None))
        with self._unreachable_means("nothing was read"), self.engine.begin() as conn:
            return [Handover(**row._mapping) for row in conn.execute(query)]

    def handover_done(self, handover_id: int, *, actor: str) -> Handover:
        with self._unreachable_means("nothing was changed"), self.engine.begin() as conn:
            current = self._handover(conn, handover_id)
            if current.done_at is not None:
                raise CaseLogError(f"handover {handover_id} was already done by {current.done_by}")
            conn.execute(
                update(schema.handovers)
                .where(schema.handovers.c.id == handover_id)
                .values(done_at=utcnow(), done_by=actor)
            )
            return self._handover(conn, handover_id)

    @staticmethod
    def _handover(conn: Connection, handover_id: int) -> Handover:
        row = conn.execute(
            select(schema.handovers).where(schema.handovers.c.id == handover_id)
        ).first()
        if row is None:
            raise CaseLogError(f"no handover {handover_id}; see `csr handover list`")
        return Handover(**row._mapping)

    def due(self, now: datetime, tz: tzinfo) -> list[DueItem]:
        """Open cases and handovers with a due time up to the end of the shop's today (in `tz`),
        open cases from earlier days (yesterday's cases are followed up today) and handovers
        without a due time; overdue first."""
        start_of_today = datetime.combine(now.astimezone(tz).date(), time(), tzinfo=tz)
        end_of_today = start_of_today + timedelta(days=1)
        open_states = [s.value for s in CaseState if s.is_open]
        c = schema.cases.c
        with self._unreachable_means("nothing was read"), self.engine.begin() as conn:
            rows = conn.execute(
                select(schema.cases).where(
                    c.state.in_(open_states),
                    or_(
                        c.due_at < end_of_today,
                        and_(c.due_at.is_(None), c.created_at < start_of_today),
                    ),
                )
            ).all()
            handed = conn.execute(
                select(schema.handovers).where(
                    schema.handovers.c.done_at.is_(None),
                    or_(
                        schema.handovers.c.due_at.is_(None),
                        schema.handovers.c.due_at < end_of_today,
                    ),
                )
            ).all()
        items = [_due_case(row, now) for row in rows] + [_due_handover(row, now) for row in handed]
        far = datetime.max.replace(tzinfo=timezone.utc)
        return sorted(items, key=lambda i: (not i.overdue, i.due_at or far, i.source, i.id))

    # --- errors ----------------------------------------------------------------------------

    @contextmanager
    def _unreachable_means(self, consequence: str) -> Iterator[None]:
        try:
            yield
        except (OperationalError, DBAPIError) as exc:
            if isinstance(exc, IntegrityError):
                raise
            raise unavailable(self.url, exc, consequence) from None


def open_case_log(url: str | None = None, *, failing_means: str = NOTHING_DONE) -> CaseLog:
    """Open (and create or migrate) the case log at `url`, else CSR_DATABASE_URL, else the
    config's database_url, else the SQLite file in the data dir (`csr config path`).

    `failing_means` is what an error says was the consequence, e.g. NOT_RECORDED."""
    resolved = database_url(url)
    try:
        engine = engine_for(resolved)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:  # a malformed URL, no driver
        raise CaseLogError(
            f"database_url is not usable ({mask_url(resolved)}): {scrub(str(exc), resolved)}; "
            f"{failing_means}"
        ) from None
    except OSError as exc:
        raise CaseLogUnavailable(
            f"cannot create the folder for the case log ({exc.strerror}: {exc.filename}); "
            f"{failing_means}. Set CSR_DATA_DIR to a writable folder"
        ) from None
    try:
        migrate(engine)
    except (OperationalError, DBAPIError) as exc:
        engine.dispose()
        raise unavailable(resolved, exc, failing_means) from None
    return CaseLog(engine, resolved)


def _lock_case(conn: Connection, case_id: int) -> None:
    """Row lock on PostgreSQL, so concurrent changes to one case queue (SQLite: BEGIN IMMEDIATE)."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            select(schema.cases.c.id).where(schema.cases.c.id == case_id).with_for_update()
        )


def _check_new(new: NewCase) -> None:
    needed = {"buyer": "the buyer's account (帐号)", "reason": "what the problem is (原因)"}
    for name, what in needed.items():
        if not str(getattr(new, name) or "").strip():
            raise CaseLogError(f"the case was NOT recorded: --{name} is empty; give {what}")
    if new.amount < 0 or new.amount != new.amount.quantize(FEN):
        raise CaseLogError("the case was NOT recorded: --amount must be yuan and fen, not negative")
    if new.due_at is not None and new.due_at.tzinfo is None:
        raise CaseLogError("the case was NOT recorded: --due must carry a time zone")


def _same_case(stored: Case, new: NewCase) -> Case:
    """A retry must describe the same case; a reused key for another case is a mistake."""
    asked = (new.kind, new.buyer.strip(), new.order, new.reason.strip(), new.amount)
    if asked != (stored.kind, stored.buyer, stored.order, stored.reason, stored.recorded_amount):
        raise CaseLogError(
            f"the case was NOT recorded: --idempotency-key {new.idempotency_key} already names "
            f"case {stored.id} (buyer {stored.buyer}, {fmt(stored.recorded_amount)}); use a new key"
        )
    return stored


def _initial_state(new: NewCase) -> CaseState:
    if new.kind is CaseKind.compensation:
        # Over the cap, or no cap to check against: a supervisor decides, never the agent.
        if new.cap is None or new.amount > new.cap:
            return CaseState.pending_approval
        return CaseState.approved
    if new.state is not None:
        if new.state in (CaseState.approved, CaseState.rejected, CaseState.pending_approval):
            raise CaseLogError(
                f"the case was NOT recorded: --state {new.state.value} is only for compensation"
            )
        return new.state
    return CaseState.approved if new.kind is CaseKind.partial_refund else CaseState.waiting_parcel


def _fingerprint(new: NewCase, shop: str) -> str:
    parts = [
        new.kind.value,
        shop,
        new.buyer.strip(),
        (new.order or "").strip(),
        new.reason.strip(),
        fmt(new.amount),
    ]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def _case_row(
    new: NewCase, state: CaseState, now: datetime, handler: str, shop: str
) -> dict[str, Any]:
    def fen(value: Decimal | None) -> int | None:
        return None if value is None else to_fen(value)

    return {
        "kind": new.kind.value,
        "state": state.value,
        "shop": shop,
        "buyer": new.buyer.strip(),
        "order_no": new.order,
        "item": new.item,
        "wanted_item": new.wanted_item,
        "reason": new.reason.strip(),
        "amount_fen": to_fen(new.amount),
        "cap_fen": fen(new.cap),
        "postage_fen": fen(new.postage),
        "postage_due": new.postage_due,
        "recharged": False,
        "entered": False,
        "handler": handler,
        "created_at": now,
        "due_at": new.due_at,
        "idempotency_key": new.idempotency_key,
    }


def _created_events(
    case_id: int, new: NewCase, state: CaseState, now: datetime, handler: str
) -> list[dict[str, Any]]:
    events = [
        {
            "case_id": case_id,
            "at": now,
            "actor": handler,
            "action": "created",
            "old": None,
            "new": state.value,
            "note": new.note,
        }
    ]
    if state is CaseState.pending_approval:
        why = (
            "no cap given"
            if new.cap is None
            else f"{fmt(new.amount)} is above the cap {fmt(new.cap)}"
        )
        events.append(
            {
                "case_id": case_id,
                "at": now,
                "actor": handler,
                "action": "needs-approval",
                "old": None,
                "new": None,
                "note": why,
            }
        )
    return events


def _conditions(filters: CaseFilter) -> list[Any]:
    c = schema.cases.c
    wanted: list[Any] = []
    for column, value in (
        (c.state, filters.state.value if filters.state else None),
        (c.handler, filters.handler),
        (c.shop, filters.shop),
        (c.buyer, filters.buyer),
        (c.order_no, filters.order),
    ):
        if value is not None:
            wanted.append(column == value)
    if filters.kinds:
        wanted.append(c.kind.in_([kind.value for kind in filters.kinds]))
    if filters.since is not None:
        wanted.append(c.created_at >= filters.since)
    if filters.until is not None:
        wanted.append(c.created_at < filters.until)
    return wanted


def _case(row: Row[Any], history: tuple[Event, ...]) -> Case:
    recorded = from_fen(row.amount_fen)
    assert recorded is not None
    amendments = [e.new for e in history if e.action == "amount" and e.new is not None]
    return Case(
        id=row.id,
        kind=CaseKind(row.kind),
        state=CaseState(row.state),
        shop=row.shop,
        buyer=row.buyer,
        order=row.order_no,
        item=row.item,
        wanted_item=row.wanted_item,
        reason=row.reason,
        recorded_amount=recorded,
        amount=Decimal(amendments[-1]) if amendments else recorded,
        cap=from_fen(row.cap_fen),
        postage=from_fen(row.postage_fen),
        postage_due=row.postage_due,
        recharged=bool(row.recharged),
        entered=bool(row.entered),
        handler=row.handler,
        created_at=row.created_at,
        due_at=row.due_at,
        idempotency_key=row.idempotency_key,
        history=history,
    )


def _due_case(row: Row[Any], now: datetime) -> DueItem:
    summary = f"{CaseKind(row.kind).label} {row.reason} ({row.state})"
    overdue = row.due_at is not None and row.due_at < now
    return DueItem("case", row.id, row.buyer, summary, row.due_at, overdue, row.handler)


def _due_handover(row: Row[Any], now: datetime) -> DueItem:
    overdue = row.due_at is not None and row.due_at < now
    return DueItem("handover", row.id, row.buyer, row.note, row.due_at, overdue, row.created_by)
