"""`hocso web`: its accounts (web_users, web_user_classes), the counts it shows (web_daily,
web_groups, web_modules, web_answers, web_stuck, web_meta), and the option a learner picked
(responses.choice), for the most-missed questions.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 10:47:04.544957
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_answers",
        sa.Column("class_code", sa.String(length=32), nullable=False),
        sa.Column("area", sa.String(length=32), nullable=False),
        sa.Column("lesson", sa.String(length=64), nullable=False),
        sa.Column("question", sa.String(length=64), nullable=False),
        sa.Column("choice", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("wrong", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "class_code", "area", "lesson", "question", "choice", name=op.f("pk_web_answers")
        ),
    )
    op.create_table(
        "web_daily",
        sa.Column("class_code", sa.String(length=32), nullable=False),
        sa.Column("area", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("started", sa.Integer(), nullable=False),
        sa.Column("lessons", sa.Integer(), nullable=False),
        sa.Column("certified", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("class_code", "area", "day", name=op.f("pk_web_daily")),
    )
    op.create_table(
        "web_groups",
        sa.Column("class_code", sa.String(length=32), nullable=False),
        sa.Column("area", sa.String(length=32), nullable=False),
        sa.Column("started", sa.Integer(), nullable=False),
        sa.Column("lessons", sa.Integer(), nullable=False),
        sa.Column("lesson_one", sa.Integer(), nullable=False),
        sa.Column("module_one", sa.Integer(), nullable=False),
        sa.Column("certified", sa.Integer(), nullable=False),
        sa.Column("active", sa.Integer(), nullable=False),
        sa.Column("stuck", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("class_code", "area", name=op.f("pk_web_groups")),
    )
    op.create_table(
        "web_meta",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_web_meta")),
    )
    op.create_table(
        "web_modules",
        sa.Column("class_code", sa.String(length=32), nullable=False),
        sa.Column("area", sa.String(length=32), nullable=False),
        sa.Column("module", sa.String(length=64), nullable=False),
        sa.Column("lessons", sa.Integer(), nullable=False),
        sa.Column("finished", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("class_code", "area", "module", name=op.f("pk_web_modules")),
    )
    op.create_table(
        "web_stuck",
        sa.Column("class_code", sa.String(length=32), nullable=False),
        sa.Column("area", sa.String(length=32), nullable=False),
        sa.Column("lesson", sa.String(length=64), nullable=False),
        sa.Column("stuck", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("class_code", "area", "lesson", name=op.f("pk_web_stuck")),
    )
    op.create_table(
        "web_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("session_epoch", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_users")),
        sa.UniqueConstraint("username", name=op.f("uq_web_users_username")),
    )
    op.create_table(
        "web_user_classes",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("class_code", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["web_users.id"],
            name=op.f("fk_web_user_classes_user_id_web_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "class_code", name=op.f("pk_web_user_classes")),
    )
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("choice", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_column("choice")

    op.drop_table("web_user_classes")
    op.drop_table("web_users")
    op.drop_table("web_stuck")
    op.drop_table("web_modules")
    op.drop_table("web_meta")
    op.drop_table("web_groups")
    op.drop_table("web_daily")
    op.drop_table("web_answers")
