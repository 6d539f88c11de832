"""watch: a follow-up records the household's income at the visit and any new serious illness

防返困 grades exited households on what their follow-ups found, and the exit rule "income
above the line for N months" reads follow-up incomes beside income calculations. So a
follow-up keeps, when the visitor asked: the household's total monthly income (fen), the
members it was shared by, the dibao line it is measured by (that of the visit's year, as an
income calculation keeps its own), and whether a member has a new serious illness. Earlier
follow-ups have none of these (NULL: not asked).

Going back down drops the four columns, and with them what the follow-ups recorded.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-14
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("followup", schema=None) as batch_op:
        batch_op.add_column(sa.Column("income_fen", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("members", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("dibao_line_fen", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("new_illness", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("followup", schema=None) as batch_op:
        batch_op.drop_column("new_illness")
        batch_op.drop_column("dibao_line_fen")
        batch_op.drop_column("members")
        batch_op.drop_column("income_fen")
