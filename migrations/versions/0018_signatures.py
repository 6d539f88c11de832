"""signatures: the operators' public keys, and every write signed by its operator's key

Creates ``operator_key`` (the public keys the ledger knows each operator by), ``signature``
and ``signed_row`` (who signed which rows as they were) and ``row_change`` (the rows the
write under way changed), and on every signed table the triggers that note each insert,
update and delete in ``row_change`` (``kunnan.db.triggers.SIGNED``). Nothing is signed here:
a ledger with operators registered is signed from its first write by an operator with a key
(``kunnan operator key``), which signs every row as it stands then.

Going down drops the triggers and the tables; it is refused once anything is signed, since
the proof of who wrote each row would go with them.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kunnan.db.triggers import create_noting, drop_noting, signed_since

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "operator_key",
        sa.Column("id", Key, nullable=False),
        sa.Column("operator_id", Key, nullable=False),
        sa.Column("public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operator.id"], name=op.f("fk_operator_key_operator_id_operator")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operator_key")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_operator_key_fingerprint")),
    )
    op.create_index(
        op.f("ix_operator_key_operator_id"), "operator_key", ["operator_id"], unique=False
    )
    op.create_table(
        "signature",
        sa.Column("id", Key, nullable=False),
        sa.Column("operator_id", Key, nullable=False),
        sa.Column("key_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("message_digest", sa.LargeBinary(length=32), nullable=False),
        sa.Column("signature", sa.LargeBinary(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operator.id"], name=op.f("fk_signature_operator_id_operator")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signature")),
    )
    op.create_index(op.f("ix_signature_operator_id"), "signature", ["operator_id"], unique=False)
    op.create_table(
        "signed_row",
        sa.Column("id", Key, nullable=False),
        sa.Column("signature_id", Key, nullable=False),
        sa.Column("table_name", sa.String(length=40), nullable=False),
        sa.Column("row_key", sa.String(length=120), nullable=False),
        sa.Column("digest", sa.LargeBinary(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["signature_id"], ["signature.id"], name=op.f("fk_signed_row_signature_id_signature")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signed_row")),
    )
    op.create_index(
        "ix_signed_row_table_name_row_key", "signed_row", ["table_name", "row_key"], unique=False
    )
    op.create_index(
        op.f("ix_signed_row_signature_id"), "signed_row", ["signature_id"], unique=False
    )
    op.create_table(
        "row_change",
        sa.Column("id", Key, nullable=False),
        sa.Column("table_name", sa.String(length=40), nullable=False),
        sa.Column("row_key", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_row_change")),
    )
    create_noting(op.get_bind(), signed_since(revision))


def downgrade() -> None:
    signed = op.get_bind().execute(sa.text("SELECT count(*) FROM signature")).scalar()
    if signed:
        raise RuntimeError(
            f"{signed} writes are signed; downgrading below 0018 would drop the proof of who "
            "wrote each row"
        )
    drop_noting(op.get_bind(), signed_since(revision))
    op.drop_table("row_change")
    op.drop_index(op.f("ix_signed_row_signature_id"), table_name="signed_row")
    op.drop_index("ix_signed_row_table_name_row_key", table_name="signed_row")
    op.drop_table("signed_row")
    op.drop_index(op.f("ix_signature_operator_id"), table_name="signature")
    op.drop_table("signature")
    op.drop_index(op.f("ix_operator_key_operator_id"), table_name="operator_key")
    op.drop_table("operator_key")
