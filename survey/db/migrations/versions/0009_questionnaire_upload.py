"""Who loaded each questionnaire version (staff upload definitions from the admin).

Revision ID: 0009_questionnaire_upload
Revises: 0007_jobs
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_questionnaire_upload"
down_revision: str | Sequence[str] | None = "0007_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("questionnaire_version") as batch:
        batch.add_column(sa.Column("loaded_by", sa.String(length=200), nullable=False,
                                   server_default="survey setup"))


def downgrade() -> None:
    with op.batch_alter_table("questionnaire_version") as batch:
        batch.drop_column("loaded_by")
