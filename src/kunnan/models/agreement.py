"""目标责任书: the yearly targets a union signs (households helped, exits, pairing coverage)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kunnan.models.base import Base, Key, UtcDateTime


class Agreement(Base):
    __tablename__ = "agreement"
    __table_args__ = (
        UniqueConstraint("org_id", "year"),
        CheckConstraint("target_helped >= 0 AND target_exits >= 0", name="targets_not_negative"),
        CheckConstraint(
            "target_coverage_pct >= 0 AND target_coverage_pct <= 100", name="coverage_is_percent"
        ),
    )

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    org_id: Mapped[int] = mapped_column(Key, ForeignKey("org.id"), index=True)
    year: Mapped[int] = mapped_column()
    target_helped: Mapped[int] = mapped_column()
    target_exits: Mapped[int] = mapped_column()
    target_coverage_pct: Mapped[int] = mapped_column()
    signed_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
