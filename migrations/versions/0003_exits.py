"""exits and follow-ups

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "household_exit",
        sa.Column("id", Key, nullable=False),
        sa.Column("household_id", Key, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("exited_on", sa.Date(), nullable=False),
        sa.Column("archive_no", sa.String(length=40), nullable=True),
        sa.Column("category", sa.String(length=16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("calculation_id", Key, nullable=True),
        sa.Column("relapsed_on", sa.Date(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["calculation_id"],
            ["income_calculation.id"],
            name=op.f("fk_household_exit_calculation_id_income_calculation"),
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_household_exit_household_id_household"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_exit")),
    )
    op.create_index(
        "ix_household_exit_day_kind", "household_exit", ["exited_on", "kind"], unique=False
    )
    op.create_index(
        op.f("ix_household_exit_household_id"), "household_exit", ["household_id"], unique=False
    )

    op.create_table(
        "followup",
        sa.Column("id", Key, nullable=False),
        sa.Column("exit_id", Key, nullable=False),
        sa.Column("household_id", Key, nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("visitor", sa.String(length=64), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["exit_id"], ["household_exit.id"], name=op.f("fk_followup_exit_id_household_exit")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_followup_household_id_household")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup")),
    )
    op.create_index("ix_followup_due", "followup", ["done_on", "due_on"], unique=False)
    op.create_index(op.f("ix_followup_exit_id"), "followup", ["exit_id"], unique=False)
    op.create_index(op.f("ix_followup_household_id"), "followup", ["household_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_followup_household_id"), table_name="followup")
    op.drop_index(op.f("ix_followup_exit_id"), table_name="followup")
    op.drop_index("ix_followup_due", table_name="followup")

    op.drop_table("followup")
    op.drop_index(op.f("ix_household_exit_household_id"), table_name="household_exit")
    op.drop_index("ix_household_exit_day_kind", table_name="household_exit")

    op.drop_table("household_exit")
