"""identification: contacts, cases, steps, calculations, objections, status history

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact_attempt",
        sa.Column("id", Key, nullable=False),
        sa.Column("household_id", Key, nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("attempted_on", sa.Date(), nullable=False),
        sa.Column("caseworker", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_contact_attempt_household_id_household"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_attempt")),
    )
    op.create_index(
        op.f("ix_contact_attempt_household_id"), "contact_attempt", ["household_id"], unique=False
    )

    op.create_table(
        "household_status_change",
        sa.Column("id", Key, nullable=False),
        sa.Column("household_id", Key, nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_household_status_change_household_id_household"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_status_change")),
    )
    op.create_index(
        "ix_household_status_change_household_day",
        "household_status_change",
        ["household_id", "changed_on"],
        unique=False,
    )

    op.create_table(
        "identification_case",
        sa.Column("id", Key, nullable=False),
        sa.Column("household_id", Key, nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("rejected_step", sa.String(length=16), nullable=True),
        sa.Column("reject_reason", sa.Text(), nullable=True),
        sa.Column("follows_archive_no", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_identification_case_household_id_household"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identification_case")),
        sa.UniqueConstraint(
            "household_id", "round", name=op.f("uq_identification_case_household_id_round")
        ),
    )
    op.create_index(
        op.f("ix_identification_case_household_id"),
        "identification_case",
        ["household_id"],
        unique=False,
    )

    op.create_table(
        "identification_step",
        sa.Column("id", Key, nullable=False),
        sa.Column("case_id", Key, nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("operators", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["identification_case.id"],
            name=op.f("fk_identification_step_case_id_identification_case"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identification_step")),
        sa.UniqueConstraint("case_id", "step", name=op.f("uq_identification_step_case_id_step")),
    )
    op.create_index(
        op.f("ix_identification_step_case_id"), "identification_step", ["case_id"], unique=False
    )

    op.create_table(
        "income_calculation",
        sa.Column("id", Key, nullable=False),
        sa.Column("household_id", Key, nullable=False),
        sa.Column("case_id", Key, nullable=True),
        sa.Column("calculated_on", sa.Date(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("earned_fen", sa.BigInteger(), nullable=False),
        sa.Column("other_income_fen", sa.BigInteger(), nullable=False),
        sa.Column("medical_costs_fen", sa.BigInteger(), nullable=False),
        sa.Column("schooling_costs_fen", sa.BigInteger(), nullable=False),
        sa.Column("accident_costs_fen", sa.BigInteger(), nullable=False),
        sa.Column("area_code", sa.String(length=6), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("dibao_line_fen", sa.BigInteger(), nullable=False),
        sa.Column("marginal_multiplier", sa.String(length=12), nullable=False),
        sa.Column("accident_multiplier", sa.String(length=12), nullable=False),
        sa.Column("marginal_rigid_test", sa.Boolean(), nullable=False),
        sa.Column("per_capita_fen", sa.BigInteger(), nullable=False),
        sa.Column("proposed_category", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["identification_case.id"],
            name=op.f("fk_income_calculation_case_id_identification_case"),
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_income_calculation_household_id_household"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_income_calculation")),
    )
    op.create_index(
        "ix_income_calculation_household_day",
        "income_calculation",
        ["household_id", "calculated_on"],
        unique=False,
    )

    op.create_table(
        "objection",
        sa.Column("id", Key, nullable=False),
        sa.Column("case_id", Key, nullable=False),
        sa.Column("household_id", Key, nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("filed_by", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("settled_on", sa.Date(), nullable=True),
        sa.Column("settlement", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["identification_case.id"],
            name=op.f("fk_objection_case_id_identification_case"),
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_objection_household_id_household")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objection")),
    )
    op.create_index(op.f("ix_objection_case_id"), "objection", ["case_id"], unique=False)
    op.create_index(op.f("ix_objection_household_id"), "objection", ["household_id"], unique=False)

    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.add_column(sa.Column("archive_level", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("archived_on", sa.Date(), nullable=True))

    # Every household already registered starts its status history on the day it was registered.
    op.execute(
        "INSERT INTO household_status_change "
        "(household_id, changed_on, status, category, reason, recorded_at) "
        "SELECT id, registered_on, status, category, 'registered', created_at FROM household"
    )


def downgrade() -> None:
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.drop_column("archived_on")
        batch_op.drop_column("archive_level")

    op.drop_index(op.f("ix_objection_household_id"), table_name="objection")
    op.drop_index(op.f("ix_objection_case_id"), table_name="objection")

    op.drop_table("objection")
    op.drop_index("ix_income_calculation_household_day", table_name="income_calculation")

    op.drop_table("income_calculation")
    op.drop_index(op.f("ix_identification_step_case_id"), table_name="identification_step")

    op.drop_table("identification_step")
    op.drop_index(op.f("ix_identification_case_household_id"), table_name="identification_case")

    op.drop_table("identification_case")
    op.drop_index("ix_household_status_change_household_day", table_name="household_status_change")

    op.drop_table("household_status_change")
    op.drop_index(op.f("ix_contact_attempt_household_id"), table_name="contact_attempt")

    op.drop_table("contact_attempt")
