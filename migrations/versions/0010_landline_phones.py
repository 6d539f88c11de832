"""landline phones: members' phone column holds a landline's normal form as well as a mobile

Union rosters give landlines (座机) beside mobiles; kunnan keeps one as ``0943-8221234``
(``kunnan.domain.phone``), up to 13 characters, where the column held a mobile's 11. The
column widens to 16 on PostgreSQL. SQLite keeps what it is given whatever a VARCHAR's length
says, so there is nothing to change there (``migrations/env.py`` compares SQLite's column
types without their lengths for the same reason).

Going back down narrows the column again; it is refused while a member's phone is longer
than 11 characters (a landline), which narrowing would not keep.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column(
        "member", "phone", type_=sa.String(length=16), existing_type=sa.String(length=11)
    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    longer = bind.execute(sa.text("SELECT count(*) FROM member WHERE length(phone) > 11")).scalar()
    if longer:
        raise RuntimeError(
            f"{longer} members have a landline phone number longer than 11 characters; "
            "downgrading below 0010 would not keep them"
        )
    op.alter_column(
        "member", "phone", type_=sa.String(length=11), existing_type=sa.String(length=16)
    )
