"""fund union, db roles: funds belong to a union, operators get a PostgreSQL role

``fund.org_id`` is the union a fund belongs to; empty, the fund is the root union's (the
ledger's first union without a parent), so ledgers written before keep working. An operator
sees and moves money only in the funds of their union and the unions under it.
``operator.db_role`` is the PostgreSQL role ``kunnan db roles sync`` made for the operator
(empty until then, and always on SQLite).

Going back down drops both columns: every fund becomes the root union's again and the roles
are no longer known to the ledger (they stay in the server until dropped).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its reference in place; it cannot add a constraint later.
        op.add_column(
            "fund",
            sa.Column("org_id", Key, sa.ForeignKey("org.id"), nullable=True),
            inline_references=True,
        )
    else:
        op.add_column("fund", sa.Column("org_id", Key, nullable=True))
        op.create_foreign_key(op.f("fk_fund_org_id_org"), "fund", "org", ["org_id"], ["id"])
    op.add_column("operator", sa.Column("db_role", sa.String(length=63), nullable=True))
    op.create_index(op.f("ix_operator_db_role"), "operator", ["db_role"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_operator_db_role"), table_name="operator")
    op.drop_column("operator", "db_role")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f("fk_fund_org_id_org"), "fund", type_="foreignkey")
    op.drop_column("fund", "org_id")
