"""Merge the staff, results and reflection branches (written in parallel) into one head.

Revision ID: 0006_merge
Revises: 0003_staff, 0004_results, 0005_reflection
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0006_merge"
down_revision: str | Sequence[str] | None = ("0003_staff", "0004_results", "0005_reflection")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to change: the branches touch different tables."""


def downgrade() -> None:
    """Nothing to change."""
