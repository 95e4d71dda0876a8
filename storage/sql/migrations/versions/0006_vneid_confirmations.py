"""Self-reported VNeID confirmations (vneid_confirmations): a learner's answer to "confirmed
on VNeID yet?", asked once by bot/confirm.py (issue 25).

Revision ID: 0006_vneid
Revises: 0005
Create Date: 2026-12-07 02:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_vneid"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vneid_confirmations",
        sa.Column(
            "learner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("answer", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["learner_id"],
            ["learners.id"],
            name=op.f("fk_vneid_confirmations_learner_id_learners"),
        ),
        sa.PrimaryKeyConstraint("learner_id", name=op.f("pk_vneid_confirmations")),
    )
    with op.batch_alter_table("vneid_confirmations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vneid_confirmations_answered_at"), ["answered_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("vneid_confirmations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vneid_confirmations_answered_at"))
    op.drop_table("vneid_confirmations")
