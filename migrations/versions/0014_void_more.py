"""void more: identification steps, objections, visits, training stages, placements, cases

Migration 0012 made contacts, exits and follow-ups voidable (作废); this gives the other
non-money records their nullable ``void_id`` the same way (plain integers without a foreign
key, added and dropped in place on SQLite): identification steps, objections, pairing
visits, training stages, job placements, housing and legal cases and their status changes,
and counselling sessions. Loans are money and stay reversal-only.

A voided step or training stage may be recorded again, so "one row per step of a case" and
"one row per stage of an enrolment" become unique among the standing rows only: each unique
constraint is replaced by a partial unique index ``WHERE void_id IS NULL`` (on SQLite the two
tables are rebuilt once to drop the constraint).

Going back down is refused while any of these records is voided, since it would make them
stand again (and a step recorded twice would break the unique constraint).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-15
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

#: The tables whose records become voidable here.
VOIDABLE = (
    "identification_step",
    "objection",
    "pair_visit",
    "training_progress",
    "job_placement",
    "housing_case",
    "housing_status_change",
    "legal_case",
    "legal_status_change",
    "counseling_session",
    "income_calculation",
)

#: Each unique constraint that now holds among standing rows only: (table, old, new, columns).
STANDING_UNIQUE = (
    (
        "identification_step",
        "uq_identification_step_case_id_step",
        "uq_identification_step_standing",
        ["case_id", "step"],
    ),
    (
        "training_progress",
        "uq_training_progress_enrolment_id_stage",
        "uq_training_progress_standing",
        ["enrolment_id", "stage"],
    ),
)

STANDING = "void_id IS NULL"


def upgrade() -> None:
    for table in VOIDABLE:
        op.add_column(table, sa.Column("void_id", Key, nullable=True))
    for table, old, new, columns in STANDING_UNIQUE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(old, type_="unique")
        op.create_index(
            new,
            table,
            columns,
            unique=True,
            sqlite_where=sa.text(STANDING),
            postgresql_where=sa.text(STANDING),
        )


def downgrade() -> None:
    bind = op.get_bind()
    voided = 0
    for name in VOIDABLE:
        rows = sa.table(name, sa.column("void_id"))
        count = sa.select(sa.func.count()).select_from(rows).where(rows.c.void_id.is_not(None))
        voided += bind.execute(count).scalar() or 0
    if voided:
        raise RuntimeError(
            f"{voided} records are voided; downgrading below 0014 would make them stand again"
        )
    for table, old, new, columns in reversed(STANDING_UNIQUE):
        op.drop_index(new, table_name=table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_unique_constraint(old, columns)
    for table in reversed(VOIDABLE):
        op.drop_column(table, "void_id")
