"""Respondent and staff flows: when a round actually closed, receipt numbers, respondent
sessions that can be ended on the server.

Revision ID: 0008_flows
Revises: 0009_questionnaire_upload

SQLite needs batch mode to add a unique column; constraint names follow the models' naming
convention.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_flows"
down_revision: str | Sequence[str] | None = "0009_questionnaire_upload"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("round") as batch:
        batch.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("response") as batch:
        batch.add_column(sa.Column("receipt_number", sa.String(length=32), nullable=True))
        batch.create_unique_constraint("uq_response_receipt_number", ["receipt_number"])
    op.create_table(
        "respondent_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("respondent_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["respondent_id"], ["respondent.id"],
                                name="fk_respondent_session_respondent_id_respondent",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_respondent_session"),
        sa.UniqueConstraint("key_hash", name="uq_respondent_session_key_hash"),
    )
    op.create_index("ix_respondent_session_respondent_id", "respondent_session", ["respondent_id"])


def downgrade() -> None:
    op.drop_index("ix_respondent_session_respondent_id", table_name="respondent_session")
    op.drop_table("respondent_session")
    with op.batch_alter_table("response") as batch:
        batch.drop_constraint("uq_response_receipt_number", type_="unique")
        batch.drop_column("receipt_number")
    with op.batch_alter_table("round") as batch:
        batch.drop_column("closed_at")
