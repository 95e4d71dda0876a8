"""Recounting only what changed (issue 26): web_learners, web_touched, web_gaps
(storage/sql/web_increments.py), and the triggers that note, in the same transaction, every change
to rows already counted.

Revision ID: 0007
Revises: 0006_vneid
Create Date: 2026-12-07 02:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006_vneid"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# What each trigger watches: (name, table, event, condition on OLD/NEW, what it notes).
# "changed" is a learner to count again; "demoted" a first pass that stepped down (its
# completion id, so its old share can be taken out); "all" asks for a full recount, for
# changes an increment cannot follow (deleted rows, answers or lessons rewritten).
LEARNER = (
    "OLD.area <> NEW.area OR OLD.class_code <> NEW.class_code OR OLD.started_at <> NEW.started_at"
)
DEMOTED = (
    "OLD.first_pass AND NOT NEW.first_pass AND OLD.learner_id = NEW.learner_id"
    " AND OLD.lesson = NEW.lesson AND OLD.module = NEW.module"
    " AND OLD.finished_at = NEW.finished_at"
)
COMPLETION = (
    "(OLD.learner_id IS NULL) <> (NEW.learner_id IS NULL) OR OLD.learner_id <> NEW.learner_id"
    " OR OLD.lesson <> NEW.lesson OR OLD.module <> NEW.module OR OLD.passed <> NEW.passed"
    " OR OLD.finished_at <> NEW.finished_at OR (NOT OLD.first_pass AND NEW.first_pass)"
    " OR (OLD.first_pass AND NOT NEW.first_pass AND OLD.learner_id IS NULL)"
)
RESPONSE = (
    "(OLD.learner_id IS NULL) <> (NEW.learner_id IS NULL) OR OLD.learner_id <> NEW.learner_id"
    " OR OLD.lesson <> NEW.lesson OR OLD.question <> NEW.question OR OLD.correct <> NEW.correct"
    " OR OLD.review <> NEW.review OR OLD.answered_at <> NEW.answered_at"
    " OR (OLD.choice IS NULL) <> (NEW.choice IS NULL) OR OLD.choice <> NEW.choice"
)
MODULE = (
    "(OLD.learner_id IS NULL) <> (NEW.learner_id IS NULL) OR OLD.learner_id <> NEW.learner_id"
    " OR OLD.module <> NEW.module"
)
CERTIFICATE = (
    "(OLD.learner_id IS NULL) <> (NEW.learner_id IS NULL) OR OLD.learner_id <> NEW.learner_id"
    " OR OLD.issued_at <> NEW.issued_at"
)
ROW_TRIGGERS = [
    ("web_touch_learner", "learners", "UPDATE", LEARNER, "changed"),
    ("web_touch_demoted", "completions", "UPDATE", DEMOTED, "demoted"),
    ("web_touch_completion", "completions", "UPDATE", COMPLETION, "all"),
    ("web_touch_response", "responses", "UPDATE", RESPONSE, "all"),
    ("web_touch_module", "module_completions", "UPDATE", MODULE, "all"),
    ("web_touch_certificate", "certificates", "INSERT", "", "certificate"),
    ("web_touch_certificate_moved", "certificates", "UPDATE", CERTIFICATE, "certificate"),
]
COUNTED = ("learners", "completions", "responses", "module_completions", "certificates")

# The statements each kind of note runs.
NOTES = {
    "changed": ["INSERT INTO web_touched (learner_id) VALUES (NEW.id)"],
    "demoted": [
        "INSERT INTO web_touched (learner_id, completion_id) VALUES (NEW.learner_id, NEW.id)"
    ],
    "all": ["INSERT INTO web_touched (learner_id) VALUES (0)"],
}


def upgrade() -> None:
    op.create_table(
        "web_learners",
        sa.Column("learner_id", ID, autoincrement=False, nullable=False),
        sa.Column("area", sa.String(length=32), nullable=False),
        sa.Column("class_code", sa.String(length=32), nullable=False),
        sa.Column("started_day", sa.Date(), nullable=False),
        sa.Column("lesson_one", sa.Boolean(), nullable=False),
        sa.Column("module_one", sa.Boolean(), nullable=False),
        sa.Column("certified_days", sa.String(length=255), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tried", sa.String(length=64), nullable=False),
        sa.Column("tried_failed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("learner_id", name=op.f("pk_web_learners")),
    )
    op.create_index("ix_web_learners_last_at", "web_learners", ["last_at"])
    op.create_table(
        "web_touched",
        sa.Column("id", ID, nullable=False),
        sa.Column("learner_id", ID, nullable=True),
        sa.Column("completion_id", ID, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_touched")),
    )
    op.create_index("ix_web_touched_learner_id", "web_touched", ["learner_id"])
    op.create_table(
        "web_gaps",
        sa.Column("table_name", sa.String(length=32), nullable=False),
        sa.Column("id", ID, autoincrement=False, nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("table_name", "id", name=op.f("pk_web_gaps")),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgres_triggers()
    else:
        _sqlite_triggers()


def _sqlite_triggers() -> None:
    for name, table, event, when, note in ROW_TRIGGERS:
        body = NOTES.get(note) or ["INSERT INTO web_touched (learner_id) VALUES (NEW.learner_id)"]
        if note == "certificate" and event == "UPDATE":
            body.append("INSERT INTO web_touched (learner_id) VALUES (OLD.learner_id)")
        condition = f" WHEN {when}" if when else ""
        statements = " ".join(f"{s};" for s in body)
        op.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON {table}{condition} BEGIN {statements} END"
        )
    # Deleted rows: one note is enough (a mass delete must not write one per row).
    for table in COUNTED:
        op.execute(
            f"CREATE TRIGGER web_touch_{table}_deleted AFTER DELETE ON {table} "
            "WHEN NOT EXISTS (SELECT 1 FROM web_touched WHERE learner_id = 0) "
            "BEGIN INSERT INTO web_touched (learner_id) VALUES (0); END"
        )


def _postgres_triggers() -> None:
    functions = {
        "web_note_changed": "INSERT INTO web_touched (learner_id) VALUES (NEW.id);",
        "web_note_demoted": NOTES["demoted"][0] + ";",
        "web_note_all": "INSERT INTO web_touched (learner_id) VALUES (0);",
        "web_note_certificate": (
            "IF TG_OP = 'UPDATE' THEN "
            "INSERT INTO web_touched (learner_id) VALUES (OLD.learner_id); END IF; "
            "INSERT INTO web_touched (learner_id) VALUES (NEW.learner_id);"
        ),
    }
    for name, body in functions.items():
        op.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {body} RETURN NULL; END $$"
        )
    for name, table, event, when, note in ROW_TRIGGERS:
        condition = f" WHEN ({when})" if when else ""
        op.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{condition} "
            f"EXECUTE FUNCTION web_note_{note}()"
        )
    for table in COUNTED:
        op.execute(
            f"CREATE TRIGGER web_touch_{table}_deleted AFTER DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION web_note_all()"
        )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    names = [(name, table) for name, table, *_ in ROW_TRIGGERS]
    names += [(f"web_touch_{table}_deleted", table) for table in COUNTED]
    for name, table in names:
        op.execute(f"DROP TRIGGER {name} ON {table}" if postgres else f"DROP TRIGGER {name}")
    if postgres:
        for name in ("changed", "demoted", "all", "certificate"):
            op.execute(f"DROP FUNCTION web_note_{name}()")
    op.drop_table("web_gaps")
    op.drop_index("ix_web_touched_learner_id", table_name="web_touched")
    op.drop_table("web_touched")
    op.drop_index("ix_web_learners_last_at", table_name="web_learners")
    op.drop_table("web_learners")
