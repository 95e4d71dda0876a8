"""Erasure leaves no links: mend what earlier versions left (issue 8, defect 6).

* Erasure marks were a plain SHA-256 of the platform id, which anyone can reverse by trying
  every id; they are now keyed (HMAC with the erase key). The old marks cannot be re-keyed
  without the ids, so they are deleted: the lesser risk is that, for up to 30 days, an event
  of a forgotten learner still pending in a crashed reporter makes a new, detached row.
* A forgotten learner's certificate kept its printed code and its link to the anonymous row:
  the code becomes a token that is never valid, and the link goes. It still counts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 12:00:00
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    connection.execute(sa.text("DELETE FROM erasures"))
    codes = connection.execute(
        sa.text(
            "SELECT certificates.code FROM certificates"
            " JOIN learners ON learners.id = certificates.learner_id"
            " WHERE learners.platform = '(erased)'"
        )
    ).scalars()
    for code in list(codes):
        connection.execute(
            sa.text(
                "UPDATE certificates SET code = :void, name = '', learner_id = NULL"
                " WHERE code = :code"
            ),
            {"void": "~" + secrets.token_hex(7), "code": code},
        )


def downgrade() -> None:
    pass  # nothing erased can come back
