"""The reporting tables: learners, completions, responses, classes, certificates.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-24 21:33:46.257738
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "classes",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("facilitator", sa.String(length=120), nullable=False),
        sa.Column("area", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_classes")),
    )
    op.create_table(
        "erasures",
        sa.Column("user_hash", sa.String(length=64), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_hash", name=op.f("pk_erasures")),
    )
    op.create_table(
        "learners",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("platform_user", sa.String(length=64), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("area", sa.String(length=32), nullable=False),
        sa.Column("age_band", sa.String(length=16), nullable=False),
        sa.Column("class_code", sa.String(length=32), nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("profile_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learners")),
        sa.UniqueConstraint("platform", "platform_user", name=op.f("uq_learners_platform")),
    )
    with op.batch_alter_table("learners", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_learners_area"), ["area"], unique=False)
        batch_op.create_index(batch_op.f("ix_learners_class_code"), ["class_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_learners_started_at"), ["started_at"], unique=False)

    op.create_table(
        "processed_events",
        sa.Column("event_id", sa.String(length=32), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_processed_events")),
    )
    op.create_table(
        "certificates",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("event_id", sa.String(length=32), nullable=False),
        sa.Column(
            "learner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name=op.f("fk_certificates_learner_id_learners")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_certificates")),
        sa.UniqueConstraint("event_id", name=op.f("uq_certificates_event_id")),
    )
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_certificates_issued_at"), ["issued_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_certificates_learner_id"), ["learner_id"], unique=False
        )

    op.create_table(
        "completions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("event_id", sa.String(length=32), nullable=False),
        sa.Column(
            "learner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("lesson", sa.String(length=64), nullable=False),
        sa.Column("lesson_version", sa.Integer(), nullable=False),
        sa.Column("module", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("first_pass", sa.Boolean(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("in_group", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name=op.f("fk_completions_learner_id_learners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_completions")),
        sa.UniqueConstraint("event_id", name=op.f("uq_completions_event_id")),
    )
    with op.batch_alter_table("completions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_completions_finished_at"), ["finished_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_completions_learner_id"), ["learner_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_completions_module"), ["module"], unique=False)

    op.create_table(
        "module_completions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("event_id", sa.String(length=32), nullable=False),
        sa.Column(
            "learner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("module", sa.String(length=64), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name=op.f("fk_module_completions_learner_id_learners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_module_completions")),
        sa.UniqueConstraint("event_id", name=op.f("uq_module_completions_event_id")),
    )
    with op.batch_alter_table("module_completions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_module_completions_learner_id"), ["learner_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_module_completions_module"), ["module"], unique=False)

    op.create_table(
        "responses",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("event_id", sa.String(length=32), nullable=False),
        sa.Column(
            "learner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("lesson", sa.String(length=64), nullable=False),
        sa.Column("lesson_version", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=64), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("review", sa.Boolean(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name=op.f("fk_responses_learner_id_learners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_responses")),
        sa.UniqueConstraint("event_id", name=op.f("uq_responses_event_id")),
    )
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_responses_answered_at"), ["answered_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_responses_learner_id"), ["learner_id"], unique=False)
        batch_op.create_index("ix_responses_lesson_question", ["lesson", "question"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_index("ix_responses_lesson_question")
        batch_op.drop_index(batch_op.f("ix_responses_learner_id"))
        batch_op.drop_index(batch_op.f("ix_responses_answered_at"))

    op.drop_table("responses")
    with op.batch_alter_table("module_completions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_module_completions_module"))
        batch_op.drop_index(batch_op.f("ix_module_completions_learner_id"))

    op.drop_table("module_completions")
    with op.batch_alter_table("completions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_completions_module"))
        batch_op.drop_index(batch_op.f("ix_completions_learner_id"))
        batch_op.drop_index(batch_op.f("ix_completions_finished_at"))

    op.drop_table("completions")
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificates_learner_id"))
        batch_op.drop_index(batch_op.f("ix_certificates_issued_at"))

    op.drop_table("certificates")
    op.drop_table("processed_events")
    with op.batch_alter_table("learners", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learners_started_at"))
        batch_op.drop_index(batch_op.f("ix_learners_class_code"))
        batch_op.drop_index(batch_op.f("ix_learners_area"))

    op.drop_table("learners")
    op.drop_table("erasures")
    op.drop_table("classes")
