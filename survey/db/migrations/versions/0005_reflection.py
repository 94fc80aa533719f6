"""Free-text themes and quotes, reflection notes and the reflection publication.

Revision ID: 0005_reflection
Revises: 0002_throttle

A frozen snapshot of survey/reflection_models.py (nothing here imports the models); constraint
names follow the models' naming convention.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0005_reflection"
down_revision: str | Sequence[str] | None = "0002_throttle"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(table: str, column: str, target: str, ondelete: str | None = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}",
                                   ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _timestamp("created_at"),
        sa.CheckConstraint("length(name) > 0", name=op.f("ck_theme_name_not_empty")),
        _fk("theme", "round_id", "round"),
        sa.PrimaryKeyConstraint("id", name="pk_theme"),
        sa.UniqueConstraint("round_id", "name", name="uq_theme_round_id_name"),
    )
    op.create_index("ix_theme_round_id", "theme", ["round_id"])
    op.create_table(
        "theme_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.String(length=64), nullable=False),
        sa.Column("assigned_by", sa.String(length=254), nullable=False),
        _timestamp("assigned_at"),
        _fk("theme_assignment", "theme_id", "theme"),
        _fk("theme_assignment", "response_id", "response"),
        sa.PrimaryKeyConstraint("id", name="pk_theme_assignment"),
        sa.UniqueConstraint("theme_id", "response_id", "answer_id",
                            name="uq_theme_assignment_theme_id_response_id_answer_id"),
    )
    op.create_index("ix_theme_assignment_response_id", "theme_assignment", ["response_id"])
    _create_quote()
    _create_reflection_tables()


def _create_quote() -> None:
    op.create_table(
        "quote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.String(length=64), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("chosen_by", sa.String(length=254), nullable=False),
        _timestamp("chosen_at"),
        sa.CheckConstraint("length(text) > 0", name=op.f("ck_quote_text_not_empty")),
        _fk("quote", "round_id", "round"),
        _fk("quote", "response_id", "response"),
        _fk("quote", "theme_id", "theme", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_quote"),
        sa.UniqueConstraint("response_id", "answer_id", name="uq_quote_response_id_answer_id"),
    )
    op.create_index("ix_quote_round_id", "quote", ["round_id"])
    op.create_index("ix_quote_theme_id", "quote", ["theme_id"])


def _create_reflection_tables() -> None:
    op.create_table(
        "reflection_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _timestamp("updated_at"),
        sa.Column("updated_by", sa.String(length=254), nullable=True),
        sa.CheckConstraint("version >= 1", name=op.f("ck_reflection_note_version_positive")),
        _fk("reflection_note", "round_id", "round"),
        _fk("reflection_note", "organisation_id", "organisation", None),
        sa.PrimaryKeyConstraint("id", name="pk_reflection_note"),
        sa.UniqueConstraint("round_id", "organisation_id", "question_key",
                            name="uq_reflection_note_round_id_organisation_id_question_key"),
    )
    op.create_index("ix_reflection_note_organisation_id", "reflection_note", ["organisation_id"])
    op.create_table(
        "reflection_publication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        _timestamp("published_at"),
        sa.Column("published_by", sa.String(length=254), nullable=False),
        _fk("reflection_publication", "round_id", "round"),
        sa.PrimaryKeyConstraint("id", name="pk_reflection_publication"),
        sa.UniqueConstraint("round_id", name="uq_reflection_publication_round_id"),
    )


def downgrade() -> None:
    op.drop_table("reflection_publication")
    op.drop_index("ix_reflection_note_organisation_id", table_name="reflection_note")
    op.drop_table("reflection_note")
    op.drop_index("ix_quote_theme_id", table_name="quote")
    op.drop_index("ix_quote_round_id", table_name="quote")
    op.drop_table("quote")
    op.drop_index("ix_theme_assignment_response_id", table_name="theme_assignment")
    op.drop_table("theme_assignment")
    op.drop_index("ix_theme_round_id", table_name="theme")
    op.drop_table("theme")
