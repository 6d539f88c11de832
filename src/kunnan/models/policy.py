"""Policy data: dibao lines per area and year, and dated settings (multipliers, limits)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kunnan.models.base import Base, Fen, Key, UtcDateTime


class PolicyLine(Base):
    """The local minimum-living line (最低生活保障标准), per person per month, for an area and year."""

    __tablename__ = "policy_line"
    __table_args__ = (
        UniqueConstraint("area_code", "year"),
        CheckConstraint("dibao_line_fen > 0", name="line_positive"),
    )

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    area_code: Mapped[str] = mapped_column(String(6))
    year: Mapped[int] = mapped_column()
    dibao_line_fen: Mapped[int] = mapped_column(Fen)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class PolicySetting(Base):
    """A setting's value from a date on; the value in force on day D is the latest from ≤ D."""

    __tablename__ = "policy_setting"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    effective_from: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    value: Mapped[str] = mapped_column(String(40))
