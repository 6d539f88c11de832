"""aid ledger: funds, the programme catalogue and its dated rules, the append-only aid ledger

Creates the tables, seeds the seven cash programmes with their default rules
(in force from 2000-01-01; unions change them with ``kunnan program set``),
seeds the chain head, adds members' admission fields, and installs triggers
that refuse UPDATE and DELETE on the ledger's rows (and TRUNCATE on PostgreSQL).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


#: The seven cash programmes (DESIGN.md, step 4) and the guarantee each serves.
PROGRAMS = (
    ("golden-autumn", "金秋助学", "education"),
    ("medical-aid", "大病医疗救助", "medical"),
    ("mutual-aid", "职工医疗互助", "medical"),
    ("living-aid", "生活救助", "living"),
    ("send-warmth", "送温暖", "living"),
    ("insurance", "送保险", "medical"),
    ("temporary-aid", "临时救助", "living"),
)

#: Default rules, amounts in fen. Besides 金秋助学's standards by level (5000/4000/3000 yuan)
#: and 大病医疗救助's yearly cap (20000 yuan), the figures are placeholders that a union
#: replaces with its own through ``kunnan program set``.
RULE_DEFAULTS = {
    "standard_fen": None,
    "undergraduate_fen": None,
    "junior_college_fen": None,
    "high_school_fen": None,
    "ceiling": False,
    "yearly_cap_fen": None,
    "archived_only": True,
    "admission_required": False,
    "once_per": None,
    "excludes": "",
}
RULES = {
    "golden-autumn": {
        "undergraduate_fen": 500000,
        "junior_college_fen": 400000,
        "high_school_fen": 300000,
        "ceiling": True,
        "admission_required": True,
        "once_per": "member",
    },
    "medical-aid": {"standard_fen": 500000, "yearly_cap_fen": 2000000},
    "mutual-aid": {"standard_fen": 300000},
    "living-aid": {"standard_fen": 100000, "yearly_cap_fen": 600000},
    "send-warmth": {"standard_fen": 50000, "ceiling": True, "once_per": "household"},
    "insurance": {"standard_fen": 10000, "ceiling": True, "once_per": "member"},
    "temporary-aid": {
        "standard_fen": 200000,
        "yearly_cap_fen": 500000,
        "archived_only": False,
        "excludes": "living-aid",
    },
}
RULES_FROM = dt.date(2000, 1, 1)
GENESIS_HASH = "0" * 64

#: Tables whose rows are never updated or deleted.
APPEND_ONLY = ("aid_entry", "fund_assertion")


def upgrade() -> None:
    op.create_table(
        "fund",
        sa.Column("id", Key, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("budget_fen", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("budget_fen >= 0", name=op.f("ck_fund_budget_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund")),
        sa.UniqueConstraint("name", name=op.f("uq_fund_name")),
    )
    op.create_table(
        "ledger_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_ledger_head_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_head")),
    )
    op.create_table(
        "program",
        sa.Column("code", sa.String(length=24), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("guarantee", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_program")),
        sa.UniqueConstraint("name", name=op.f("uq_program_name")),
    )
    op.create_table(
        "fund_assertion",
        sa.Column("id", Key, nullable=False),
        sa.Column("fund_id", Key, nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("balance_fen", sa.BigInteger(), nullable=False),
        sa.Column("operator", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["fund.id"], name=op.f("fk_fund_assertion_fund_id_fund")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_assertion")),
    )
    op.create_index(
        "ix_fund_assertion_fund_id_on_date", "fund_assertion", ["fund_id", "on_date"], unique=False
    )

    op.create_table(
        "program_rule",
        sa.Column("program", sa.String(length=24), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("standard_fen", sa.BigInteger(), nullable=True),
        sa.Column("undergraduate_fen", sa.BigInteger(), nullable=True),
        sa.Column("junior_college_fen", sa.BigInteger(), nullable=True),
        sa.Column("high_school_fen", sa.BigInteger(), nullable=True),
        sa.Column("ceiling", sa.Boolean(), nullable=False),
        sa.Column("yearly_cap_fen", sa.BigInteger(), nullable=True),
        sa.Column("archived_only", sa.Boolean(), nullable=False),
        sa.Column("admission_required", sa.Boolean(), nullable=False),
        sa.Column("once_per", sa.String(length=16), nullable=True),
        sa.Column("excludes", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "(standard_fen IS NULL OR standard_fen > 0) AND (yearly_cap_fen IS NULL OR yearly_cap_fen > 0) AND (undergraduate_fen IS NULL OR undergraduate_fen > 0) AND (junior_college_fen IS NULL OR junior_college_fen > 0) AND (high_school_fen IS NULL OR high_school_fen > 0)",
            name=op.f("ck_program_rule_amounts_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["program"], ["program.code"], name=op.f("fk_program_rule_program_program")
        ),
        sa.PrimaryKeyConstraint("program", "effective_from", name=op.f("pk_program_rule")),
    )
    op.create_table(
        "aid_entry",
        sa.Column("seq", Key, autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("fund_id", Key, nullable=False),
        sa.Column("household_id", Key, nullable=True),
        sa.Column("member_id", Key, nullable=True),
        sa.Column("program", sa.String(length=24), nullable=True),
        sa.Column("rule_from", sa.Date(), nullable=True),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("reverses_seq", Key, nullable=True),
        sa.Column("counterparty", sa.String(length=100), nullable=True),
        sa.Column("ref", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.String(length=400), nullable=True),
        sa.Column("override_reason", sa.String(length=400), nullable=True),
        sa.Column("operator", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("amount_fen <> 0", name=op.f("ck_aid_entry_amount_not_zero")),
        sa.CheckConstraint("seq > 0", name=op.f("ck_aid_entry_seq_positive")),
        sa.ForeignKeyConstraint(["fund_id"], ["fund.id"], name=op.f("fk_aid_entry_fund_id_fund")),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_aid_entry_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_aid_entry_member_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["program"], ["program.code"], name=op.f("fk_aid_entry_program_program")
        ),
        sa.ForeignKeyConstraint(
            ["reverses_seq"], ["aid_entry.seq"], name=op.f("fk_aid_entry_reverses_seq_aid_entry")
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_aid_entry")),
        sa.UniqueConstraint("hash", name=op.f("uq_aid_entry_hash")),
        sa.UniqueConstraint("reverses_seq", name=op.f("uq_aid_entry_reverses_seq")),
    )
    op.create_index(
        "ix_aid_entry_fund_on_date",
        "aid_entry",
        ["fund_id", "on_date", "kind", "amount_fen"],
        unique=False,
    )
    op.create_index(
        "ix_aid_entry_household_program_year",
        "aid_entry",
        ["household_id", "program", "year", "amount_fen"],
        unique=False,
    )
    op.create_index(
        "ix_aid_entry_member_program_year",
        "aid_entry",
        ["member_id", "program", "year"],
        unique=False,
    )
    op.create_index(
        "ix_aid_entry_program_year", "aid_entry", ["program", "year", "amount_fen"], unique=False
    )

    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("admitted_level", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("admitted_year", sa.Integer(), nullable=True))

    _seed()
    _refuse_changes()


def downgrade() -> None:
    _allow_changes()
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_column("admitted_year")
        batch_op.drop_column("admitted_level")

    op.drop_index("ix_aid_entry_program_year", table_name="aid_entry")
    op.drop_index("ix_aid_entry_member_program_year", table_name="aid_entry")
    op.drop_index("ix_aid_entry_household_program_year", table_name="aid_entry")
    op.drop_index("ix_aid_entry_fund_on_date", table_name="aid_entry")

    op.drop_table("aid_entry")
    op.drop_table("program_rule")
    op.drop_index("ix_fund_assertion_fund_id_on_date", table_name="fund_assertion")

    op.drop_table("fund_assertion")
    op.drop_table("program")
    op.drop_table("ledger_head")
    op.drop_table("fund")


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
            {"code": code, "name": name, "guarantee": guarantee, "kind": "cash", "position": i}
            for i, (code, name, guarantee) in enumerate(PROGRAMS, start=1)
        ],
    )
    rule = sa.table(
        "program_rule",
        sa.column("program", sa.String),
        sa.column("effective_from", sa.Date),
        *(sa.column(name, sa.BigInteger) for name in RULE_DEFAULTS if name.endswith("_fen")),
        *(
            sa.column(name, sa.Boolean)
            for name in ("ceiling", "archived_only", "admission_required")
        ),
        sa.column("once_per", sa.String),
        sa.column("excludes", sa.String),
    )
    op.bulk_insert(
        rule,
        [
            {"program": code, "effective_from": RULES_FROM, **RULE_DEFAULTS, **RULES[code]}
            for code, _name, _guarantee in PROGRAMS
        ],
    )
    head = sa.table(
        "ledger_head",
        sa.column("id", sa.Integer),
        sa.column("seq", sa.BigInteger),
        sa.column("hash", sa.String),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": GENESIS_HASH}])


def _refuse_changes() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION kunnan_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '% rows are append-only: they are never updated or deleted '
                    '(correct an entry with a reversal)', TG_TABLE_NAME;
            END
            $$
            """
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION kunnan_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION kunnan_append_only()"
            )
        return
    for table in APPEND_ONLY:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only: they are never "
                "updated or deleted (correct an entry with a reversal)'); END"
            )


def _allow_changes() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in APPEND_ONLY:
        names = ("append_only", "no_truncate") if postgresql else ("no_update", "no_delete")
        for name in names:
            on = f" ON {table}" if postgresql else ""
            op.execute(f"DROP TRIGGER IF EXISTS {table}_{name}{on}")
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS kunnan_append_only()")
