"""operators: the people who work in the ledger, each with a union and a role

A ledger with no operator registered works as before. Once an administrator is
registered (``kunnan init --admin NAME`` or ``kunnan operator add``), every command that
writes names a registered, enabled operator whose role does that work
(``kunnan.domain.operators``).

Going down drops the register; it is refused while an operator is registered, since the
ledger would then let anyone write again.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "operator",
        sa.Column("id", Key, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("org_id", Key, nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.Column("disabled_on", sa.Date(), nullable=True),
        sa.Column("disabled_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["org.id"], name=op.f("fk_operator_org_id_org")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operator")),
        sa.UniqueConstraint("name", name=op.f("uq_operator_name")),
    )


def downgrade() -> None:
    registered = op.get_bind().execute(sa.text("SELECT count(*) FROM operator")).scalar()
    if registered:
        raise RuntimeError(
            f"{registered} operators are registered; downgrading below 0015 would let anyone "
            "write to the ledger again"
        )
    op.drop_table("operator")
