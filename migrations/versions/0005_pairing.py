"""pairing: pairings with their contact visits, and responsibility agreements

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ONE_ACTIVE = sa.text("ended_on IS NULL")


def upgrade() -> None:
    op.create_table(
        "pairing",
        sa.Column("id", Key, nullable=False),
        sa.Column("household_id", Key, nullable=False),
        sa.Column("unit_id", Key, nullable=False),
        sa.Column("contact_name", sa.String(length=40), nullable=False),
        sa.Column("contact_phone", sa.String(length=11), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "ended_on IS NULL OR ended_on >= started_on",
            name=op.f("ck_pairing_ends_after_start"),
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_pairing_household_id_household")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["org.id"], name=op.f("fk_pairing_unit_id_org")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairing")),
    )
    op.create_index(op.f("ix_pairing_contact_name"), "pairing", ["contact_name"], unique=False)
    op.create_index(op.f("ix_pairing_household_id"), "pairing", ["household_id"], unique=False)
    op.create_index(op.f("ix_pairing_unit_id"), "pairing", ["unit_id"], unique=False)
    # At most one active pairing per household; ended ones stay as history.
    op.create_index(
        "uq_pairing_one_active",
        "pairing",
        ["household_id"],
        unique=True,
        sqlite_where=ONE_ACTIVE,
        postgresql_where=ONE_ACTIVE,
    )

    op.create_table(
        "pair_visit",
        sa.Column("id", Key, nullable=False),
        sa.Column("pairing_id", Key, nullable=False),
        sa.Column("household_id", Key, nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("visitor", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("solved", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_pair_visit_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["pairing_id"], ["pairing.id"], name=op.f("fk_pair_visit_pairing_id_pairing")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pair_visit")),
    )
    op.create_index(
        "ix_pair_visit_household_day", "pair_visit", ["household_id", "visited_on"], unique=False
    )
    op.create_index(op.f("ix_pair_visit_pairing_id"), "pair_visit", ["pairing_id"], unique=False)

    op.create_table(
        "agreement",
        sa.Column("id", Key, nullable=False),
        sa.Column("org_id", Key, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("target_helped", sa.Integer(), nullable=False),
        sa.Column("target_exits", sa.Integer(), nullable=False),
        sa.Column("target_coverage_pct", sa.Integer(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "target_coverage_pct >= 0 AND target_coverage_pct <= 100",
            name=op.f("ck_agreement_coverage_is_percent"),
        ),
        sa.CheckConstraint(
            "target_helped >= 0 AND target_exits >= 0",
            name=op.f("ck_agreement_targets_not_negative"),
        ),
        sa.ForeignKeyConstraint(["org_id"], ["org.id"], name=op.f("fk_agreement_org_id_org")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement")),
        sa.UniqueConstraint("org_id", "year", name=op.f("uq_agreement_org_id_year")),
    )
    op.create_index(op.f("ix_agreement_org_id"), "agreement", ["org_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_agreement_org_id"), table_name="agreement")
    op.drop_table("agreement")

    op.drop_index(op.f("ix_pair_visit_pairing_id"), table_name="pair_visit")
    op.drop_index("ix_pair_visit_household_day", table_name="pair_visit")
    op.drop_table("pair_visit")

    op.drop_index(
        "uq_pairing_one_active",
        table_name="pairing",
        sqlite_where=ONE_ACTIVE,
        postgresql_where=ONE_ACTIVE,
    )
    op.drop_index(op.f("ix_pairing_unit_id"), table_name="pairing")
    op.drop_index(op.f("ix_pairing_household_id"), table_name="pairing")
    op.drop_index(op.f("ix_pairing_contact_name"), table_name="pairing")
    op.drop_table("pairing")
