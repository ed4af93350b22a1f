"""Cases, their append-only history, and the idempotency claims.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("shop", sa.String(200), nullable=False),
        sa.Column("buyer", sa.String(200), nullable=False),
        sa.Column("order_no", sa.String(200)),
        sa.Column("item", sa.String(500)),
        sa.Column("wanted_item", sa.String(500)),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("cap_fen", sa.BigInteger),
        sa.Column("postage_fen", sa.BigInteger),
        sa.Column("postage_due", sa.Boolean),
        sa.Column("recharged", sa.Boolean, nullable=False),
        sa.Column("entered", sa.Boolean, nullable=False),
        sa.Column("handler", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(200), unique=True),
    )
    op.create_index("ix_cases_created_at", "cases", ["created_at"])
    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("old", sa.Text),
        sa.Column("new", sa.Text),
        sa.Column("note", sa.Text),
    )
    op.create_index("ix_case_events_case_id", "case_events", ["case_id"])
    op.create_table(
        "case_claims",
        sa.Column("fingerprint", sa.String(64), primary_key=True),
        sa.Column("slot", sa.BigInteger, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("case_claims")
    op.drop_table("case_events")
    op.drop_table("cases")
