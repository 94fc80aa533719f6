"""Frozen result snapshots (data freeze), immutable once written.

Revision ID: 0004_results
Revises: 0002_throttle

A migration is a frozen snapshot, so nothing here imports the models. The triggers make the
database itself refuse to delete a snapshot or to change what it froze; only the lift
columns (who lifted the freeze, when and why) may be set afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_results"
down_revision: str | Sequence[str] | None = "0002_throttle"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FROZEN_COLUMNS = ("round_id", "version", "created_at", "created_by", "note",
                  "questionnaire_hash", "content_hash", "population", "submitted", "data")


def upgrade() -> None:
    op.create_table(
        "result_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("questionnaire_hash", sa.String(length=64), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("submitted", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lifted_by", sa.String(length=254), nullable=True),
        sa.Column("lift_reason", sa.Text(), nullable=True),
        sa.CheckConstraint("version >= 1", name=op.f("ck_result_snapshot_version_positive")),
        sa.CheckConstraint(
            "(lifted_at IS NULL AND lifted_by IS NULL AND lift_reason IS NULL)"
            " OR (lifted_at IS NOT NULL AND lifted_by IS NOT NULL AND lift_reason IS NOT NULL)",
            name=op.f("ck_result_snapshot_lifted_with_reason"),
        ),
        sa.ForeignKeyConstraint(["round_id"], ["round.id"],
                                name=op.f("fk_result_snapshot_round_id_round")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_result_snapshot")),
        sa.UniqueConstraint("round_id", "version",
                            name=op.f("uq_result_snapshot_round_id_version")),
    )
    op.create_index(op.f("ix_result_snapshot_round_id"), "result_snapshot", ["round_id"])
    _create_snapshot_guard()


_COLUMNS = ", ".join(FROZEN_COLUMNS)
_SQLITE_TRIGGERS = [
    """
    CREATE TRIGGER result_snapshot_no_delete
    BEFORE DELETE ON result_snapshot
    BEGIN
        SELECT RAISE(ABORT, 'result_snapshot is immutable: DELETE rejected');
    END
    """,
    f"""
    CREATE TRIGGER result_snapshot_no_update
    BEFORE UPDATE OF {_COLUMNS} ON result_snapshot
    BEGIN
        SELECT RAISE(ABORT, 'result_snapshot is immutable: UPDATE of frozen content rejected');
    END
    """,
]
_POSTGRESQL_TRIGGERS = [
    """
    CREATE FUNCTION result_snapshot_reject_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'result_snapshot is immutable: % rejected', TG_OP
            USING ERRCODE = 'restrict_violation';
    END
    $$
    """,
    f"""
    CREATE TRIGGER result_snapshot_no_update_delete
    BEFORE UPDATE OF {_COLUMNS} OR DELETE ON result_snapshot
    FOR EACH ROW EXECUTE FUNCTION result_snapshot_reject_change()
    """,
    """
    CREATE TRIGGER result_snapshot_no_truncate
    BEFORE TRUNCATE ON result_snapshot
    FOR EACH STATEMENT EXECUTE FUNCTION result_snapshot_reject_change()
    """,
]


def _create_snapshot_guard() -> None:
    # env.py refuses any other database before a migration runs.
    statements = {"sqlite": _SQLITE_TRIGGERS, "postgresql": _POSTGRESQL_TRIGGERS}[op.get_context().dialect.name]
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    op.drop_index(op.f("ix_result_snapshot_round_id"), table_name="result_snapshot")
    op.drop_table("result_snapshot")
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP FUNCTION result_snapshot_reject_change()")
