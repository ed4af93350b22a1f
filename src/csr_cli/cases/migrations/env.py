"""Alembic's entry point for the case log: always given an open connection by the store.

`database.upgrade` holds a lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock) on that
connection, so two agents opening a fresh database at once never migrate it twice.
"""

from __future__ import annotations

from alembic import context

from csr_cli.cases.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
