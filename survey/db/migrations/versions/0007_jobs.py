"""Work that outlives the request: mailings with a status per message, import jobs; throttle
state as one row per key.

Revision ID: 0007_jobs
Revises: 0006_merge

Every message of a mailing is a ``sent_mail`` row that a worker delivers: ``status`` replaces
``ok`` (old rows become ``sent`` or ``failed``), ``sent_at`` is set only once sent, and the
text is kept so a failed message can be retried as it was. ``throttle_event`` (one row per
attempt, counted with a race between the count and the insert) gives way to
``throttle_state``, one row per key updated atomically; its rows are short-lived, so none are
carried over. A migration is a frozen snapshot, so nothing here imports the models.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0007_jobs"
down_revision: str | Sequence[str] | None = "0006_merge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    _throttle_state()
    op.create_table(
        "mailing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        _timestamp("created_at"),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.CheckConstraint("kind IN ('invitation', 'reminder')", name=op.f("ck_mailing_kind")),
        sa.ForeignKeyConstraint(["round_id"], ["round.id"], name=op.f("fk_mailing_round_id_round")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailing")),
    )
    op.create_index(op.f("ix_mailing_round_id"), "mailing", ["round_id"])
    _sent_mail_statuses()
    _import_job()


def _throttle_state() -> None:
    op.drop_index("ix_throttle_event_key_at", table_name="throttle_event")
    op.drop_table("throttle_event")
    op.create_table(
        "throttle_state",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        _timestamp("started_at"),
        _timestamp("last_at"),
        _timestamp("blocked_until", nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_throttle_state")),
    )
    op.create_index(op.f("ix_throttle_state_last_at"), "throttle_state", ["last_at"])


def _sent_mail_statuses() -> None:
    with op.batch_alter_table("sent_mail") as batch:
        batch.add_column(sa.Column("mailing_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("sender", sa.String(length=300), nullable=False, server_default=""))
        batch.add_column(sa.Column("body", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("status", sa.String(length=16), nullable=False, server_default="sent"))
        batch.add_column(sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="1"))
    op.execute("UPDATE sent_mail SET status = CASE WHEN ok THEN 'sent' ELSE 'failed' END, queued_at = sent_at")
    op.execute("UPDATE sent_mail SET sent_at = NULL WHERE status <> 'sent'")
    with op.batch_alter_table("sent_mail") as batch:
        batch.alter_column("queued_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch.alter_column("sent_at", existing_type=sa.DateTime(timezone=True), nullable=True)
        for name in ("sender", "body", "status", "attempts"):
            batch.alter_column(name, server_default=None)
        batch.drop_column("ok")
        batch.create_foreign_key(op.f("fk_sent_mail_mailing_id_mailing"), "mailing", ["mailing_id"], ["id"])
        batch.create_index(op.f("ix_sent_mail_mailing_id"), ["mailing_id"])
        batch.create_check_constraint(op.f("ck_sent_mail_status"),
                                      "status IN ('queued', 'sending', 'sent', 'failed')")
        batch.create_check_constraint(op.f("ck_sent_mail_sent_when_sent"),
                                      "(status = 'sent') = (sent_at IS NOT NULL)")


def _import_job() -> None:
    op.create_table(
        "import_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("problem_count", sa.Integer(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        _timestamp("created_at"),
        _timestamp("finished_at", nullable=True),
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'rejected', 'failed')",
                           name=op.f("ck_import_job_status")),
        sa.ForeignKeyConstraint(["round_id"], ["round.id"], name=op.f("fk_import_job_round_id_round")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_job")),
    )
    op.create_index(op.f("ix_import_job_round_id"), "import_job", ["round_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_import_job_round_id"), table_name="import_job")
    op.drop_table("import_job")
    with op.batch_alter_table("sent_mail") as batch:
        batch.add_column(sa.Column("ok", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.execute("UPDATE sent_mail SET ok = (status = 'sent'), sent_at = COALESCE(sent_at, queued_at)")
    with op.batch_alter_table("sent_mail") as batch:
        batch.drop_constraint(op.f("ck_sent_mail_sent_when_sent"), type_="check")
        batch.drop_constraint(op.f("ck_sent_mail_status"), type_="check")
        batch.drop_index(op.f("ix_sent_mail_mailing_id"))
        batch.drop_constraint(op.f("fk_sent_mail_mailing_id_mailing"), type_="foreignkey")
        batch.alter_column("sent_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch.alter_column("ok", server_default=None)
        for name in ("mailing_id", "sender", "body", "status", "queued_at", "attempts"):
            batch.drop_column(name)
    op.drop_index(op.f("ix_mailing_round_id"), table_name="mailing")
    op.drop_table("mailing")
    op.drop_index(op.f("ix_throttle_state_last_at"), table_name="throttle_state")
    op.drop_table("throttle_state")
    op.create_table(
        "throttle_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        _timestamp("at"),
        sa.PrimaryKeyConstraint("id", name="pk_throttle_event"),
    )
    op.create_index("ix_throttle_event_key_at", "throttle_event", ["key", "at"])
