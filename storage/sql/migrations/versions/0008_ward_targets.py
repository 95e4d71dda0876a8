"""Each ward's own target, uploaded on the web page (web_targets).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 02:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_targets",
        sa.Column("area", sa.String(length=32), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("area", name=op.f("pk_web_targets")),
    )


def downgrade() -> None:
    op.drop_table("web_targets")
