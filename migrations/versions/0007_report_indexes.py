"""report indexes: a covering index for aid totals by year and programme

Aid by programme for a year (``aid list --year``'s total, ``report programs``)
filters on year and kind and sums amounts per programme. The existing
(program, year, amount_fen) index leaves the kind to be read from the table,
row by row; (year, kind, program, amount_fen) answers the query from the
index alone: measured 12× faster on 500,000 aid rows (benchmarks/, "reports").

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_aid_entry_year_kind_program",
        "aid_entry",
        ["year", "kind", "program", "amount_fen"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_aid_entry_year_kind_program", table_name="aid_entry")
