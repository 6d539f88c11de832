"""approvals: who recorded each identification step, and actions pending a second operator

``identification_step.recorded_by`` names the operator who recorded a step (None for rows
recorded before it was kept), so that the confirmation (七确认) can be refused to the person
who recorded any step of the case, and judged against the union of the visit's recorder
(``kunnan.domain.approvals``). The step's ``operators`` list stays as it was.

``pending`` holds the actions that wait for a second operator's approval (P0001): a grant
over a limit or above the policy's amount, a reversal, a void; each with its input as JSON,
its household (for scope), its maker, when it expires and how it was decided.

Going down is refused while an action is pending, since it would be lost unseen.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "identification_step", sa.Column("recorded_by", sa.String(length=64), nullable=True)
    )
    op.create_table(
        "pending",
        sa.Column("id", Key, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("household_id", Key, nullable=True),
        sa.Column("maker", sa.String(length=64), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_pending_household_id_household")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending")),
    )
    op.create_index(op.f("ix_pending_household_id"), "pending", ["household_id"])


def downgrade() -> None:
    waiting = (
        op.get_bind()
        .execute(sa.text("SELECT count(*) FROM pending WHERE status = 'pending'"))
        .scalar()
    )
    if waiting:
        raise RuntimeError(
            f"{waiting} actions wait for approval; decide them before downgrading below 0017"
        )
    op.drop_index(op.f("ix_pending_household_id"), table_name="pending")
    op.drop_table("pending")
    op.drop_column("identification_step", "recorded_by")
