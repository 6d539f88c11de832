"""Organisations: the union tree (province → city → county → grassroots) and responsible units."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kunnan.models.base import Base, Key, UtcDateTime


class Org(Base):
    __tablename__ = "org"

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(Key, ForeignKey("org.id"), index=True)
    #: Materialised path of ids, "/1/4/9/": a subtree is ``path LIKE '/1/4/%'``.
    path: Mapped[str] = mapped_column(String(400), index=True)
    area_code: Mapped[str | None] = mapped_column(String(6))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
