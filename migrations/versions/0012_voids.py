"""voids: records voided by mistake (作废) and duplicate households merged (一户一档)

Creates ``void`` (who voided what, when and why) and gives each voidable table a nullable
``void_id``: a record stands while it is empty. ``household`` also gets ``merged_into_id``,
the household a duplicate registration was merged into. The new columns are plain integers
without a foreign key, so SQLite adds and drops them in place (no table is rebuilt).

Going back down drops the columns and the table, and with them every void: it is refused
while any record is voided, since the records would stand again.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-14
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

#: The tables whose records may be voided.
VOIDABLE = ("household", "household_status_change", "contact_attempt", "household_exit", "followup")


def upgrade() -> None:
    op.create_table(
        "void",
        sa.Column("id", Key, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("voided_on", sa.Date(), nullable=False),
        sa.Column("operator", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_ref", sa.String(length=40), nullable=False),
        sa.Column("household_id", Key, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_void")),
    )
    op.create_index(op.f("ix_void_household_id"), "void", ["household_id"], unique=False)
    for table in VOIDABLE:
        op.add_column(table, sa.Column("void_id", Key, nullable=True))
    op.add_column("household", sa.Column("merged_into_id", Key, nullable=True))


def downgrade() -> None:
    voided = op.get_bind().execute(sa.text("SELECT count(*) FROM void")).scalar()
    if voided:
        raise RuntimeError(
            f"{voided} records are voided; downgrading below 0012 would make them stand again"
        )
    op.drop_column("household", "merged_into_id")
    for table in reversed(VOIDABLE):
        op.drop_column(table, "void_id")
    op.drop_index(op.f("ix_void_household_id"), table_name="void")
    op.drop_table("void")
