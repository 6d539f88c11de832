"""audit log: append-only, enforced by the database

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

from kunnan.migrations.append_only import protect, unprotect

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    protect("audit_log")


def downgrade() -> None:
    unprotect("audit_log")
