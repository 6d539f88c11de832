"""register: orgs, households, members, policy, audit

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", Key, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("operator", sa.String(length=64), nullable=False),
        sa.Column("command", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_ref", sa.String(length=40), nullable=True),
        sa.Column("household_id", Key, nullable=True),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"], unique=False)
    op.create_index(op.f("ix_audit_log_household_id"), "audit_log", ["household_id"], unique=False)
    op.create_index(op.f("ix_audit_log_operator"), "audit_log", ["operator"], unique=False)

    op.create_table(
        "org",
        sa.Column("id", Key, nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("parent_id", Key, nullable=True),
        sa.Column("path", sa.String(length=400), nullable=False),
        sa.Column("area_code", sa.String(length=6), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["org.id"], name=op.f("fk_org_parent_id_org")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org")),
        sa.UniqueConstraint("code", name=op.f("uq_org_code")),
        sa.UniqueConstraint("name", name=op.f("uq_org_name")),
    )
    op.create_index(op.f("ix_org_parent_id"), "org", ["parent_id"], unique=False)
    op.create_index(op.f("ix_org_path"), "org", ["path"], unique=False)

    op.create_table(
        "policy_line",
        sa.Column("id", Key, nullable=False),
        sa.Column("area_code", sa.String(length=6), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("dibao_line_fen", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("dibao_line_fen > 0", name=op.f("ck_policy_line_line_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_line")),
        sa.UniqueConstraint("area_code", "year", name=op.f("uq_policy_line_area_code_year")),
    )
    op.create_table(
        "policy_setting",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("key", "effective_from", name=op.f("pk_policy_setting")),
    )
    op.create_table(
        "household",
        sa.Column("id", Key, nullable=False),
        sa.Column("org_id", Key, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=True),
        sa.Column("main_cause", sa.String(length=16), nullable=True),
        sa.Column("archive_no", sa.String(length=40), nullable=True),
        sa.Column("area_code", sa.String(length=6), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("housing_type", sa.String(length=24), nullable=True),
        sa.Column("housing_area_m2", sa.Numeric(precision=8, scale=2), nullable=True),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["org.id"], name=op.f("fk_household_org_id_org")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household")),
        sa.UniqueConstraint("archive_no", name=op.f("uq_household_archive_no")),
    )
    op.create_index(op.f("ix_household_area_code"), "household", ["area_code"], unique=False)
    op.create_index(op.f("ix_household_org_id"), "household", ["org_id"], unique=False)
    op.create_index(
        "ix_household_status_category", "household", ["status", "category"], unique=False
    )

    op.create_table(
        "household_cause",
        sa.Column("household_id", Key, nullable=False),
        sa.Column("cause", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_household_cause_household_id_household"),
        ),
        sa.PrimaryKeyConstraint("household_id", "cause", name=op.f("pk_household_cause")),
    )
    op.create_table(
        "member",
        sa.Column("id", Key, nullable=False),
        sa.Column("household_id", Key, nullable=False),
        sa.Column("relation", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(length=8), nullable=False),
        sa.Column("phone", sa.String(length=11), nullable=True),
        sa.Column("employer", sa.String(length=100), nullable=True),
        sa.Column("identity", sa.String(length=16), nullable=True),
        sa.Column("health", sa.String(length=16), nullable=False),
        sa.Column("schooling", sa.String(length=16), nullable=False),
        sa.Column("monthly_income_fen", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("monthly_income_fen >= 0", name=op.f("ck_member_income_not_negative")),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_member_household_id_household")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member")),
        sa.UniqueConstraint("id_number", name=op.f("uq_member_id_number")),
    )
    op.create_index(op.f("ix_member_household_id"), "member", ["household_id"], unique=False)
    op.create_index(op.f("ix_member_name"), "member", ["name"], unique=False)
    op.create_index(
        "uq_member_one_head",
        "member",
        ["household_id"],
        unique=True,
        sqlite_where=sa.text("relation = 'head'"),
        postgresql_where=sa.text("relation = 'head'"),
    )


def downgrade() -> None:
    op.drop_index(
        "uq_member_one_head",
        table_name="member",
        sqlite_where=sa.text("relation = 'head'"),
        postgresql_where=sa.text("relation = 'head'"),
    )
    op.drop_index(op.f("ix_member_name"), table_name="member")
    op.drop_index(op.f("ix_member_household_id"), table_name="member")

    op.drop_table("member")
    op.drop_table("household_cause")
    op.drop_index("ix_household_status_category", table_name="household")
    op.drop_index(op.f("ix_household_org_id"), table_name="household")
    op.drop_index(op.f("ix_household_area_code"), table_name="household")

    op.drop_table("household")
    op.drop_table("policy_setting")
    op.drop_table("policy_line")
    op.drop_index(op.f("ix_org_path"), table_name="org")
    op.drop_index(op.f("ix_org_parent_id"), table_name="org")

    op.drop_table("org")
    op.drop_index(op.f("ix_audit_log_operator"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_household_id"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_at"), table_name="audit_log")

    op.drop_table("audit_log")
