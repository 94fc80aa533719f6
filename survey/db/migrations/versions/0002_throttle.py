"""Rate-limit attempts shared by all workers (logins, wrong respondent tokens).

Revision ID: 0002_throttle
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_throttle"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "throttle_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_throttle_event"),
    )
    op.create_index("ix_throttle_event_key_at", "throttle_event", ["key", "at"])


def downgrade() -> None:
    op.drop_index("ix_throttle_event_key_at", table_name="throttle_event")
    op.drop_table("throttle_event")
