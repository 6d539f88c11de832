"""Policy data: dibao lines per area and year, and dated settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kunnan.domain.errors import InvalidInput, NotFound
from kunnan.domain.policy import (
    SETTINGS,
    PolicyError,
    Setting,
    canonical_value,
    default_stored,
    display_value,
    find_setting,
    limit_fen,
)
from kunnan.i18n import _
from kunnan.models import PolicyLine, PolicySetting
from kunnan.schemas.policy import PolicyLineSet
from kunnan.store import audit


def set_line(session: Session, *, data: PolicyLineSet) -> tuple[PolicyLine, int | None]:
    """Set the dibao line for an area and year; return the line and the previous amount."""
    line = session.scalars(
        select(PolicyLine).where(
            PolicyLine.area_code == data.area_code, PolicyLine.year == data.year
        )
    ).first()
    previous = line.dibao_line_fen if line else None
    now = audit.context(session).at
    if line is None:
        line = PolicyLine(
            area_code=data.area_code,
            year=data.year,
            dibao_line_fen=data.dibao_line_fen,
            updated_at=now,
        )
        session.add(line)
    else:
        line.dibao_line_fen = data.dibao_line_fen
        line.updated_at = now
    session.flush()
    audit.record(
        session,
        action="create" if previous is None else "update",
        entity="policy_line",
        entity_ref=f"{data.area_code}/{data.year}",
        changes={"dibao_line_fen": (previous, data.dibao_line_fen)},
    )
    return line, previous


def list_lines(
    session: Session, *, area_code: str | None = None, year: int | None = None
) -> Sequence[PolicyLine]:
    query = select(PolicyLine).order_by(PolicyLine.area_code, PolicyLine.year)
    if area_code is not None:
        query = query.where(PolicyLine.area_code == area_code)
    if year is not None:
        query = query.where(PolicyLine.year == year)
    return list(session.scalars(query))


def dibao_line(session: Session, *, area_code: str, year: int) -> int:
    """The monthly per-person dibao line in fen; NotFound names the missing line."""
    line = session.scalars(
        select(PolicyLine).where(PolicyLine.area_code == area_code, PolicyLine.year == year)
    ).first()
    if line is None:
        raise _no_line(area_code, year)
    return line.dibao_line_fen


def _no_line(area_code: str, year: int) -> NotFound:
    return NotFound(
        _("no dibao line for area {area} in {year}", area=area_code, year=year),
        hint=_(
            "kunnan policy set-line --area {area} --year {year} --amount …",
            area=area_code,
            year=year,
        ),
    )


def set_setting(session: Session, *, key: str, value: str, effective_from: dt.date) -> Setting:
    try:
        setting = find_setting(key)
        stored = canonical_value(setting, value)
    except PolicyError as error:
        raise InvalidInput(str(error)) from None
    before = setting_value(session, setting.key, on=effective_from)
    row = session.get(PolicySetting, (setting.key, effective_from))
    if row is None:
        session.add(PolicySetting(key=setting.key, effective_from=effective_from, value=stored))
    else:
        row.value = stored
    session.flush()
    audit.record(
        session,
        action="update",
        entity="policy_setting",
        entity_ref=setting.key,
        changes={"value": (before, stored), "effective_from": effective_from},
    )
    return setting


def _in_force(session: Session, key: str, on: dt.date) -> tuple[str, dt.date] | None:
    found = session.execute(
        select(PolicySetting.value, PolicySetting.effective_from)
        .where(PolicySetting.key == key, PolicySetting.effective_from <= on)
        .order_by(PolicySetting.effective_from.desc())
        .limit(1)
    ).first()
    return (found[0], found[1]) if found else None


def setting_value(session: Session, key: str, *, on: dt.date) -> str:
    """The stored value of a setting in force on a day (its default if never set)."""
    found = _in_force(session, key, on)
    return found[0] if found else default_stored(SETTINGS[key])


class PolicyBook:
    """Every dibao line and every setting's history, read once, answered for any day.

    For bulk work (imports, the demo) that asks the policy of many days: the answers are
    those of ``dibao_line`` and ``setting_value``, without a query for each.
    """

    def __init__(self, session: Session) -> None:
        self._settings: dict[str, list[tuple[dt.date, str]]] = {}
        self._answers: dict[tuple[str, dt.date], str] = {}
        for key, since, value in session.execute(
            select(PolicySetting.key, PolicySetting.effective_from, PolicySetting.value).order_by(
                PolicySetting.effective_from
            )
        ):
            self._settings.setdefault(key, []).append((since, value))
        self._lines = {
            (area, year): fen
            for area, year, fen in session.execute(
                select(PolicyLine.area_code, PolicyLine.year, PolicyLine.dibao_line_fen)
            )
        }

    def value(self, key: str, on: dt.date) -> str:
        """The stored value of a setting in force on a day, as ``setting_value`` reads it."""
        asked = (key, on)
        if asked not in self._answers:
            found = default_stored(SETTINGS[key])
            for since, value in self._settings.get(key, ()):
                if since > on:
                    break
                found = value
            self._answers[asked] = found
        return self._answers[asked]

    def line(self, area_code: str, year: int) -> int:
        """The dibao line in fen, as ``dibao_line`` reads it; NotFound names the missing line."""
        fen = self._lines.get((area_code, year))
        if fen is None:
            raise _no_line(area_code, year)
        return fen


@dataclass(frozen=True)
class SettingRow:
    key: str
    zh: str
    value: str
    effective_from: dt.date | None
    description: str


def settings_in_force(session: Session, *, on: dt.date) -> list[SettingRow]:
    rows = []
    for setting in SETTINGS.values():
        found = _in_force(session, setting.key, on)
        stored = found[0] if found else default_stored(setting)
        rows.append(
            SettingRow(
                key=setting.key,
                zh=setting.zh,
                value=display_value(setting, stored),
                effective_from=found[1] if found else None,
                description=setting.description,
            )
        )
    return rows


def approval_policy(session: Session, *, on: dt.date) -> tuple[int | None, int]:
    """The maker-checker settings in force on ``on``: the grant (fen) above which a grant
    waits for approval (None: no limit), and how many days a pending action may wait."""
    above = limit_fen(setting_value(session, "approval_above", on=on))
    return above, int(setting_value(session, "approval_days", on=on))
