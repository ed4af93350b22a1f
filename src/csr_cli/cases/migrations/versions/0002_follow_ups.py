"""Follow-ups: a due time on cases, and the shift handover list.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN of a nullable column: existing cases keep every value and get no due time.
    op.add_column("cases", sa.Column("due_at", sa.DateTime(timezone=True)))
    op.create_table(
        "handovers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("buyer", sa.String(200), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("shop", sa.String(200), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True)),
        sa.Column("done_at", sa.DateTime(timezone=True)),
        sa.Column("done_by", sa.String(200)),
    )


def downgrade() -> None:
    op.drop_table("handovers")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("due_at")
