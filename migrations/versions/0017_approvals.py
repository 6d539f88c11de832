"""approvals: who recorded each identification step, and actions pending a second operator

``identification_step.recorded_by`` names the operator who recorded a step (None for rows
recorded before it was kept), so that the confirmation (七确认) can be refused to the person
who recorded any step of the case, and judged against the union of the visit's recorder
(``kunnan.domain.approvals``). The step's ``operators`` list stays as it was.

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "identification_step", sa.Column("recorded_by", sa.String(length=64), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("identification_step", "recorded_by")
