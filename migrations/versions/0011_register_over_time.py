"""the register over time: members' dates, head changes, dated causes and yearly reviews

A household changes over the years the union keeps it: members join (birth, marriage)
and leave (death, moving out) on dates, the head worker may change (户主变更), and each
archived household is reviewed every year (年审), which may change its category or its
causes. This revision gives members the dates they belong to the household between
(none on existing members: they belong from registration and have not left), records
head changes, carries the main cause in each status change as the category already is
(existing changes take their household's main cause, the only one it has had), dates the
secondary causes (the day a review gave one, and those a review ended), and creates the
yearly reviews.

Going down drops the reviews, head changes and dates; it is refused while a member has
left or joined on a date, or a review is recorded, which the schema below would lose.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

MEMBER_COLUMNS = (
    ("joined_on", sa.Date()),
    ("joined_reason", sa.String(24)),
    ("left_on", sa.Date()),
    ("left_reason", sa.String(24)),
)


def upgrade() -> None:
    for name, kind in MEMBER_COLUMNS:
        op.add_column("member", sa.Column(name, kind, nullable=True))
    op.add_column("household_status_change", sa.Column("main_cause", sa.String(16), nullable=True))
    op.execute(
        "UPDATE household_status_change SET main_cause = "
        "(SELECT household.main_cause FROM household "
        "WHERE household.id = household_status_change.household_id)"
    )
    op.add_column("household_cause", sa.Column("since_on", sa.Date(), nullable=True))
    op.create_table(
        "household_cause_ended",
        sa.Column("id", Key, nullable=False),
        sa.Column("household_id", Key, nullable=False),
        sa.Column("cause", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("since_on", sa.Date(), nullable=True),
        sa.Column("until_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_household_cause_ended_household_id_household"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_cause_ended")),
    )
    op.create_index(
        op.f("ix_household_cause_ended_household_id"),
        "household_cause_ended",
        ["household_id"],
        unique=False,
    )
    op.create_table(
        "household_head_change",
        sa.Column("id", Key, nullable=False),
        sa.Column("household_id", Key, nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("from_member_id", Key, nullable=False),
        sa.Column("to_member_id", Key, nullable=False),
        sa.Column("former_relation", sa.String(length=16), nullable=True),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_household_head_change_household_id_household"),
        ),
        sa.ForeignKeyConstraint(
            ["from_member_id"],
            ["member.id"],
            name=op.f("fk_household_head_change_from_member_id_member"),
        ),
        sa.ForeignKeyConstraint(
            ["to_member_id"],
            ["member.id"],
            name=op.f("fk_household_head_change_to_member_id_member"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_head_change")),
    )
    op.create_index(
        op.f("ix_household_head_change_household_id"),
        "household_head_change",
        ["household_id"],
        unique=False,
    )
    op.create_table(
        "household_review",
        sa.Column("id", Key, nullable=False),
        sa.Column("household_id", Key, nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("calculation_id", Key, nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("category_before", sa.String(length=16), nullable=True),
        sa.Column("category_after", sa.String(length=16), nullable=True),
        sa.Column("main_cause_before", sa.String(length=16), nullable=True),
        sa.Column("main_cause_after", sa.String(length=16), nullable=True),
        sa.Column("secondary_before", sa.Text(), nullable=False),
        sa.Column("secondary_after", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reviewer", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_household_review_household_id_household"),
        ),
        sa.ForeignKeyConstraint(
            ["calculation_id"],
            ["income_calculation.id"],
            name=op.f("fk_household_review_calculation_id_income_calculation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_review")),
    )
    op.create_index(
        "ix_household_review_household_day",
        "household_review",
        ["household_id", "reviewed_on"],
        unique=False,
    )


def downgrade() -> None:
    bind = op.get_bind()
    dated = bind.execute(
        sa.text(
            "SELECT (SELECT count(*) FROM member "
            "WHERE joined_on IS NOT NULL OR left_on IS NOT NULL) "
            "+ (SELECT count(*) FROM household_review) "
            "+ (SELECT count(*) FROM household_head_change)"
            "+ (SELECT count(*) FROM household_cause_ended)"
        )
    ).scalar()
    if dated:
        raise RuntimeError(
            f"{dated} members' dates, head changes or yearly reviews are recorded; "
            "downgrading below 0011 would not keep them"
        )
    op.drop_index("ix_household_review_household_day", table_name="household_review")
    op.drop_table("household_review")
    op.drop_index(op.f("ix_household_head_change_household_id"), table_name="household_head_change")
    op.drop_table("household_head_change")
    op.drop_index(op.f("ix_household_cause_ended_household_id"), table_name="household_cause_ended")
    op.drop_table("household_cause_ended")
    op.execute("ALTER TABLE household_cause DROP COLUMN since_on")
    # Both SQLite (3.35 on) and PostgreSQL drop a plain column in place: no table is rebuilt,
    # so the rows that name a member keep their keys.
    op.execute("ALTER TABLE household_status_change DROP COLUMN main_cause")
    for name, _kind in reversed(MEMBER_COLUMNS):
        op.execute(f"ALTER TABLE member DROP COLUMN {name}")
