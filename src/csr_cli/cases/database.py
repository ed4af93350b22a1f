"""Opening the case database: engines tuned per backend, migrations under a lock, and errors
that never show a password.

SQLite gets WAL, a busy timeout and `BEGIN IMMEDIATE`; PostgreSQL a connect timeout. Alembic
is imported only when the schema is behind, so a normal run pays only for SQLAlchemy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text

from csr_cli.cases.settings import mask_url, scrub
from csr_cli.errors import CaseLogUnavailable

SQLITE_BUSY_TIMEOUT_MS = 30_000
PG_CONNECT_TIMEOUT_S = 5
_MIGRATION_LOCK = 0x637372  # "csr": the advisory lock id that serialises migrations on PostgreSQL
MIGRATIONS = Path(__file__).parent / "migrations"
# The newest migration in MIGRATIONS; a test checks it against Alembic's own idea of the head.
HEAD_REVISION = "0002"


NOTHING_DONE = "nothing was recorded or changed"
NOT_RECORDED = "the case was NOT recorded"


def unavailable(url: str, exc: BaseException, consequence: str) -> CaseLogUnavailable:
    """One line: what failed, where (password masked), what it means, and what to check."""
    from sqlalchemy.exc import InterfaceError, OperationalError

    reason = scrub(str(getattr(exc, "orig", None) or exc).strip().splitlines()[0], url)
    # A lost connection and a refused statement (no permission, a broken table) need
    # different fixes, so the first words tell them apart.
    verb = "cannot reach" if isinstance(exc, (OperationalError, InterfaceError)) else "cannot use"
    return CaseLogUnavailable(
        f"{verb} the case database {mask_url(url)} ({reason}); {consequence}. "
        "Check CSR_DATABASE_URL or `csr config set database_url …`, or ask the team lead"
    )


def engine_for(url: str) -> Engine:
    """An engine with csr's settings for the backend (SQLite: WAL, busy timeout, IMMEDIATE)."""
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    return create_engine(
        url, connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S}, pool_pre_ping=True
    )


def _sqlite_engine(url: str) -> Engine:
    database = url.partition(":///")[2]
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        # Readers never block the writer in WAL. Switching needs a brief exclusive lock, so only
        # the first connection to a new database does it: twenty agents opening at once would
        # otherwise contend for that lock on every connection.
        if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")  # a recorded case survives a power cut
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # IMMEDIATE takes the write lock at once: no deadlock upgrading a read to a write, and
        # the busy timeout queues concurrent writers instead of failing them.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision, once, however many agents open it at once."""
    if current_revision(engine) != HEAD_REVISION:
        upgrade(engine, "head")


def current_revision(engine: Engine) -> str | None:
    """The schema's Alembic revision, read without importing Alembic (~100 ms per run)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        conn.rollback()
        return None if revision is None else str(revision)


def upgrade(engine: Engine, revision: str) -> None:
    """Run the migrations up to `revision` under a lock (also used by tests for old schemas)."""
    from alembic import command

    config = alembic_config()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config
