"""service aid: training to employment, job placements, start-up loans, housing, legal aid

Creates the tables of aid beyond cash (training classes, enrolments and their
stages; job placements; loans, their repayments and defaults; housing and
legal cases with their status changes; counselling sessions), adds the
service programmes to the catalogue (kind ``service``, and ``loan`` for
start-up loans; they have no cash rules), and makes the loan tables
append-only like the aid ledger whose entries they name.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from kunnan.migrations.append_only import protect, unprotect

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

#: The service programmes (DESIGN.md, step 4), after the seven cash programmes.
PROGRAMS = (
    ("training", "技能培训", "employment", "service"),
    ("job-placement", "就业援助", "employment", "service"),
    ("startup-loan", "创业担保借款", "employment", "loan"),
    ("housing", "住房保障", "housing", "service"),
    ("legal-aid", "法律援助", "rights", "service"),
    ("wage-arrears", "欠薪追讨", "rights", "service"),
    ("injury-compensation", "工伤赔偿", "rights", "service"),
    ("labour-dispute", "劳动争议", "rights", "service"),
    ("counseling", "心理疏导", "living", "service"),
)
FIRST_POSITION = 8

#: Rows that mirror the append-only aid ledger.
APPEND_ONLY = ("loan", "loan_repayment", "loan_default")


def upgrade() -> None:
    op.create_table(
        "training_class",
        sa.Column("id", Key, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("trade", sa.String(length=24), nullable=False),
        sa.Column("org_id", Key, nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "capacity IS NULL OR capacity > 0", name=op.f("ck_training_class_capacity_positive")
        ),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_training_class_ends_after_start")),
        sa.ForeignKeyConstraint(["org_id"], ["org.id"], name=op.f("fk_training_class_org_id_org")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_class")),
        sa.UniqueConstraint("name", name=op.f("uq_training_class_name")),
    )
    op.create_index(
        "ix_training_class_trade_year", "training_class", ["trade", "year"], unique=False
    )
    op.create_index("ix_training_class_year", "training_class", ["year"], unique=False)

    op.create_table(
        "housing_case",
        sa.Column("id", Key, nullable=False),
        sa.Column("household_id", Key, nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_housing_case_household_id_household")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housing_case")),
    )
    op.create_index(
        "ix_housing_case_household_day", "housing_case", ["household_id", "opened_on"], unique=False
    )
    op.create_index("ix_housing_case_kind_year", "housing_case", ["kind", "year"], unique=False)

    op.create_table(
        "counseling_session",
        sa.Column("id", Key, nullable=False),
        sa.Column("household_id", Key, nullable=False),
        sa.Column("member_id", Key, nullable=True),
        sa.Column("counselor", sa.String(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_counseling_session_household_id_household"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_counseling_session_member_id_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counseling_session")),
    )
    op.create_index(
        "ix_counseling_session_household_day",
        "counseling_session",
        ["household_id", "held_on"],
        unique=False,
    )
    op.create_index("ix_counseling_session_year", "counseling_session", ["year"], unique=False)

    op.create_table(
        "housing_status_change",
        sa.Column("id", Key, nullable=False),
        sa.Column("case_id", Key, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=True),
        sa.Column("area_m2", sa.Numeric(precision=8, scale=2), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "amount_fen IS NULL OR amount_fen >= 0",
            name=op.f("ck_housing_status_change_amount_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["housing_case.id"],
            name=op.f("fk_housing_status_change_case_id_housing_case"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housing_status_change")),
    )
    op.create_index(
        "ix_housing_status_change_case_day",
        "housing_status_change",
        ["case_id", "changed_on"],
        unique=False,
    )
    op.create_index(
        "ix_housing_status_change_status",
        "housing_status_change",
        ["status", "changed_on"],
        unique=False,
    )

    op.create_table(
        "legal_case",
        sa.Column("id", Key, nullable=False),
        sa.Column("household_id", Key, nullable=False),
        sa.Column("member_id", Key, nullable=True),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("against", sa.String(length=100), nullable=True),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_legal_case_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_legal_case_member_id_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_case")),
    )
    op.create_index(
        "ix_legal_case_household_day", "legal_case", ["household_id", "opened_on"], unique=False
    )
    op.create_index("ix_legal_case_kind_year", "legal_case", ["kind", "year"], unique=False)

    op.create_table(
        "training_enrolment",
        sa.Column("id", Key, nullable=False),
        sa.Column("class_id", Key, nullable=False),
        sa.Column("household_id", Key, nullable=False),
        sa.Column("member_id", Key, nullable=False),
        sa.Column("enrolled_on", sa.Date(), nullable=False),
        sa.Column("household_status", sa.String(length=16), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["training_class.id"],
            name=op.f("fk_training_enrolment_class_id_training_class"),
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_training_enrolment_household_id_household"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_training_enrolment_member_id_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_enrolment")),
        sa.UniqueConstraint(
            "class_id", "member_id", name=op.f("uq_training_enrolment_class_id_member_id")
        ),
    )
    op.create_index(
        "ix_training_enrolment_class_id", "training_enrolment", ["class_id"], unique=False
    )
    op.create_index(
        "ix_training_enrolment_household_day",
        "training_enrolment",
        ["household_id", "enrolled_on"],
        unique=False,
    )
    op.create_index(
        "ix_training_enrolment_member_id", "training_enrolment", ["member_id"], unique=False
    )

    op.create_table(
        "job_placement",
        sa.Column("id", Key, nullable=False),
        sa.Column("household_id", Key, nullable=False),
        sa.Column("member_id", Key, nullable=False),
        sa.Column("employer", sa.String(length=100), nullable=False),
        sa.Column("job", sa.String(length=100), nullable=False),
        sa.Column("monthly_wage_fen", sa.BigInteger(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("placed_on", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", Key, nullable=True),
        sa.Column("previous_employer", sa.String(length=100), nullable=True),
        sa.Column("previous_identity", sa.String(length=16), nullable=True),
        sa.Column("previous_income_fen", sa.BigInteger(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "monthly_wage_fen >= 0", name=op.f("ck_job_placement_wage_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["training_enrolment.id"],
            name=op.f("fk_job_placement_enrolment_id_training_enrolment"),
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_job_placement_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_job_placement_member_id_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_placement")),
    )
    op.create_index(
        "ix_job_placement_channel_year", "job_placement", ["channel", "year"], unique=False
    )
    op.create_index(
        "ix_job_placement_household_day",
        "job_placement",
        ["household_id", "placed_on"],
        unique=False,
    )
    op.create_index(
        "ix_job_placement_member_day", "job_placement", ["member_id", "placed_on"], unique=False
    )

    op.create_table(
        "legal_status_change",
        sa.Column("id", Key, nullable=False),
        sa.Column("case_id", Key, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("recovered_fen", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "recovered_fen IS NULL OR recovered_fen >= 0",
            name=op.f("ck_legal_status_change_recovered_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["legal_case.id"], name=op.f("fk_legal_status_change_case_id_legal_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_status_change")),
    )
    op.create_index(
        "ix_legal_status_change_case_day",
        "legal_status_change",
        ["case_id", "changed_on"],
        unique=False,
    )
    op.create_index(
        "ix_legal_status_change_status",
        "legal_status_change",
        ["status", "changed_on"],
        unique=False,
    )

    op.create_table(
        "loan",
        sa.Column("id", Key, nullable=False),
        sa.Column("household_id", Key, nullable=False),
        sa.Column("member_id", Key, nullable=False),
        sa.Column("fund_id", Key, nullable=False),
        sa.Column("entry_seq", Key, nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("term_months", sa.Integer(), nullable=False),
        sa.Column("rate_pct", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_loan_amount_positive")),
        sa.CheckConstraint("rate_pct >= 0", name=op.f("ck_loan_rate_not_negative")),
        sa.CheckConstraint("term_months > 0", name=op.f("ck_loan_term_positive")),
        sa.ForeignKeyConstraint(
            ["entry_seq"], ["aid_entry.seq"], name=op.f("fk_loan_entry_seq_aid_entry")
        ),
        sa.ForeignKeyConstraint(["fund_id"], ["fund.id"], name=op.f("fk_loan_fund_id_fund")),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_loan_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_loan_member_id_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loan")),
        sa.UniqueConstraint("entry_seq", name=op.f("uq_loan_entry_seq")),
    )
    op.create_index("ix_loan_due_on", "loan", ["due_on"], unique=False)
    op.create_index("ix_loan_fund_id", "loan", ["fund_id"], unique=False)
    op.create_index("ix_loan_household_day", "loan", ["household_id", "issued_on"], unique=False)
    op.create_index("ix_loan_year", "loan", ["year", "amount_fen"], unique=False)

    op.create_table(
        "loan_default",
        sa.Column("loan_id", Key, autoincrement=False, nullable=False),
        sa.Column("declared_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=400), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loan.id"], name=op.f("fk_loan_default_loan_id_loan")
        ),
        sa.PrimaryKeyConstraint("loan_id", name=op.f("pk_loan_default")),
    )
    op.create_table(
        "loan_repayment",
        sa.Column("entry_seq", Key, autoincrement=False, nullable=False),
        sa.Column("loan_id", Key, nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_seq"], ["aid_entry.seq"], name=op.f("fk_loan_repayment_entry_seq_aid_entry")
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loan.id"], name=op.f("fk_loan_repayment_loan_id_loan")
        ),
        sa.PrimaryKeyConstraint("entry_seq", name=op.f("pk_loan_repayment")),
    )
    op.create_index("ix_loan_repayment_loan_id", "loan_repayment", ["loan_id"], unique=False)

    op.create_table(
        "training_progress",
        sa.Column("id", Key, nullable=False),
        sa.Column("enrolment_id", Key, nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("certificate_no", sa.String(length=100), nullable=True),
        sa.Column("placement_id", Key, nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["training_enrolment.id"],
            name=op.f("fk_training_progress_enrolment_id_training_enrolment"),
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["job_placement.id"],
            name=op.f("fk_training_progress_placement_id_job_placement"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_progress")),
        sa.UniqueConstraint(
            "enrolment_id", "stage", name=op.f("uq_training_progress_enrolment_id_stage")
        ),
    )
    op.create_index(
        "ix_training_progress_stage", "training_progress", ["stage", "enrolment_id"], unique=False
    )

    _seed()
    for table in APPEND_ONLY:
        protect(table)


def downgrade() -> None:
    for table in reversed(APPEND_ONLY):
        unprotect(table)
    program = sa.table("program", sa.column("code", sa.String))
    op.execute(program.delete().where(program.c.code.in_([code for code, *_ in PROGRAMS])))
    op.drop_index("ix_training_progress_stage", table_name="training_progress")

    op.drop_table("training_progress")
    op.drop_index("ix_loan_repayment_loan_id", table_name="loan_repayment")

    op.drop_table("loan_repayment")
    op.drop_table("loan_default")
    op.drop_index("ix_loan_year", table_name="loan")
    op.drop_index("ix_loan_household_day", table_name="loan")
    op.drop_index("ix_loan_fund_id", table_name="loan")
    op.drop_index("ix_loan_due_on", table_name="loan")

    op.drop_table("loan")
    op.drop_index("ix_legal_status_change_status", table_name="legal_status_change")
    op.drop_index("ix_legal_status_change_case_day", table_name="legal_status_change")

    op.drop_table("legal_status_change")
    op.drop_index("ix_job_placement_member_day", table_name="job_placement")
    op.drop_index("ix_job_placement_household_day", table_name="job_placement")
    op.drop_index("ix_job_placement_channel_year", table_name="job_placement")

    op.drop_table("job_placement")
    op.drop_index("ix_training_enrolment_member_id", table_name="training_enrolment")
    op.drop_index("ix_training_enrolment_household_day", table_name="training_enrolment")
    op.drop_index("ix_training_enrolment_class_id", table_name="training_enrolment")

    op.drop_table("training_enrolment")
    op.drop_index("ix_legal_case_kind_year", table_name="legal_case")
    op.drop_index("ix_legal_case_household_day", table_name="legal_case")

    op.drop_table("legal_case")
    op.drop_index("ix_housing_status_change_status", table_name="housing_status_change")
    op.drop_index("ix_housing_status_change_case_day", table_name="housing_status_change")

    op.drop_table("housing_status_change")
    op.drop_index("ix_counseling_session_year", table_name="counseling_session")
    op.drop_index("ix_counseling_session_household_day", table_name="counseling_session")

    op.drop_table("counseling_session")
    op.drop_index("ix_housing_case_kind_year", table_name="housing_case")
    op.drop_index("ix_housing_case_household_day", table_name="housing_case")

    op.drop_table("housing_case")
    op.drop_index("ix_training_class_year", table_name="training_class")
    op.drop_index("ix_training_class_trade_year", table_name="training_class")

    op.drop_table("training_class")


def _seed() -> None:
    program = sa.table(
        "program",
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("guarantee", sa.String),
        sa.column("kind", sa.String),
        sa.column("position", sa.Integer),
    )
    op.bulk_insert(
        program,
        [
            {"code": code, "name": name, "guarantee": guarantee, "kind": kind, "position": i}
            for i, (code, name, guarantee, kind) in enumerate(PROGRAMS, start=FIRST_POSITION)
        ],
    )
