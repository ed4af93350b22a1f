"""Schema versions: an older database is upgraded in place with its data intact, on both
backends, and the migrations build exactly the tables the code uses."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from cases.conftest import AGENT, Backend
from csr_cli.cases import CaseState, database, open_case_log
from csr_cli.cases.schema import metadata
from csr_cli.cases.settings import database_url

CREATED = datetime(2026, 11, 30, 2, 0, tzinfo=timezone.utc)


def test_head_revision_constant_matches_the_migrations() -> None:
    head = ScriptDirectory.from_config(database.alembic_config()).get_current_head()
    assert head == database.HEAD_REVISION


def _old_database(backend: Backend) -> None:
    """A log as revision 0001 left it: no due times, no handover list; one case in it."""
    engine = database.engine_for(database_url(backend.url))
    database.upgrade(engine, "0001")
    assert database.current_revision(engine) == "0001"
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO cases (kind, state, shop, buyer, order_no, reason, amount_fen, "
                "cap_fen, recharged, entered, handler, created_at) VALUES ('compensation', "
                "'approved', '小美家', 'tb_old', '555', 'goodwill', 999, 999, false, false, "
                ":handler, :created)"
            ),
            {
                "handler": AGENT,
                "created": CREATED
                if backend.name == "postgresql"
                else "2026-11-30 02:00:00.000000",
            },
        )
        conn.execute(
            text(
                "INSERT INTO case_events (case_id, at, actor, action, new) VALUES (1, :at, :actor, 'created', 'approved')"
            ),
            {
                "at": CREATED if backend.name == "postgresql" else "2026-11-30 02:00:00.000000",
                "actor": AGENT,
            },
        )
    engine.dispose()


def test_an_older_schema_is_upgraded_with_its_data_intact(backend: Backend) -> None:
    _old_database(backend)
    log = open_case_log(backend.url)  # migrates to the head
    case = log.get(1)
    assert (case.buyer, case.order, case.amount, case.state) == (
        "tb_old",
        "555",
        Decimal("9.99"),
        CaseState.approved,
    )
    assert case.created_at == CREATED and case.due_at is None
    assert [e.action for e in case.history] == ["created"]
    assert log.add_handover(buyer="tb_old", note="跟进", actor=AGENT, shop="小美家").id == 1
    assert database.current_revision(log.engine) == database.HEAD_REVISION
    log.close()


def test_the_migrations_build_exactly_the_schema_the_code_uses(backend: Backend) -> None:
    log = open_case_log(backend.url)
    with log.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    log.close()
    assert differences == []
