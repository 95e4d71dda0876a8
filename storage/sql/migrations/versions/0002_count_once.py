"""One first pass per learner and lesson, one module completion per learner and module.

Two reporters on a slow database could both decide "first pass" for the same lesson
(issue 8, defect 2): the database now refuses it. Rows counted twice before this revision are
mended first: the earliest pass keeps `first_pass`, and the later copy of a module
completion is deleted.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# An earlier row of the same learner and lesson (or module); ties go to the lower id.
EARLIER = """
    other.learner_id = {table}.learner_id AND other.{column} = {table}.{column}
    AND (other.finished_at < {table}.finished_at
         OR (other.finished_at = {table}.finished_at AND other.id < {table}.id))
"""


def upgrade() -> None:
    earlier = EARLIER.format(table="completions", column="lesson")
    op.execute(
        "UPDATE completions SET first_pass = false WHERE first_pass AND learner_id IS NOT NULL"
        f" AND EXISTS (SELECT 1 FROM completions AS other WHERE other.first_pass AND {earlier})"
    )
    earlier = EARLIER.format(table="module_completions", column="module")
    op.execute(
        "DELETE FROM module_completions WHERE learner_id IS NOT NULL"
        f" AND EXISTS (SELECT 1 FROM module_completions AS other WHERE {earlier})"
    )
    op.create_index(
        "uq_completions_first_pass",
        "completions",
        ["learner_id", "lesson"],
        unique=True,
        postgresql_where=sa.text("first_pass"),
        sqlite_where=sa.text("first_pass"),
    )
    op.create_index(
        "uq_module_completions_learner_id",
        "module_completions",
        ["learner_id", "module"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_module_completions_learner_id", table_name="module_completions")
    op.drop_index("uq_completions_first_pass", table_name="completions")
