"""The return a union sends up (上报): one table per subject, a row per county or district.

Each section is a function ``(session, scope) -> ReportSheet`` listed in
``SECTIONS``; the command writes each as a sheet of one .xlsx workbook.
Counts are aggregated in SQL per union (``GROUP BY org_id``) and folded
into reporting units in Python, which holds only those few aggregate rows:
a county or district union (县区工会) gathers every union under it;
households registered with a city union or a grassroots union directly
under it are reported on the city's own row (市直).

Extension points, each a section to add to ``SECTIONS`` by the branch that
owns the data:
- aid by programme (the aid ledger): aid actions and amounts in fen by
  programme, per county or district, for the year;
- exits by kind (exits and dynamic management): exits in the year by kind,
  per county or district.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kunnan.domain.enums import Category, Cause, HouseholdStatus, Labelled, OrgKind
from kunnan.models import Household, Org
from kunnan.services.orgs import within


@dataclass(frozen=True)
class UpstreamScope:
    """Whose return, for which year."""

    year: int
    org: Org | None

    @property
    def year_end(self) -> dt.date:
        return dt.date(self.year, 12, 31)


@dataclass(frozen=True)
class Unit:
    """A row of the return: a county or district union, or a city union's own households."""

    org_id: int
    name: str
    name_zh: str


@dataclass(frozen=True)
class ReportSheet:
    """One table of the return: a title, headers (English, Chinese) and rows of values."""

    title_en: str
    title_zh: str
    headers: Sequence[tuple[str, str]]
    rows: Sequence[Sequence[Any]]

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en


Section = Callable[[Session, UpstreamScope], ReportSheet]


_OWN_ROW = {
    OrgKind.CITY.value: ("city level", "市直"),
    OrgKind.PROVINCE.value: ("province level", "省直"),
}


def reporting_units(session: Session, scope: UpstreamScope) -> tuple[list[Unit], dict[int, Unit]]:
    """The return's rows in tree order, and the row each union's households count in."""
    orgs = session.execute(select(Org.id, Org.name, Org.kind, Org.path)).all()
    by_id = {row[0]: row for row in orgs}
    in_scope = {row[0] for row in orgs if scope.org is None or row[3].startswith(scope.org.path)}
    units: dict[int, Unit] = {}
    unit_of: dict[int, Unit] = {}
    for org_id, _name, _kind, path in orgs:
        if org_id not in in_scope:
            continue
        chain = [by_id[int(part)] for part in path.strip("/").split("/") if int(part) in by_id]
        target = next((o for o in reversed(chain) if o[2] == OrgKind.COUNTY.value), None)
        if target is None:
            upper = (OrgKind.CITY.value, OrgKind.PROVINCE.value)
            target = next((o for o in reversed(chain) if o[2] in upper), chain[-1])
        own = _OWN_ROW.get(target[2])
        unit = units.get(target[0])
        if unit is None:
            unit = Unit(
                org_id=target[0],
                name=f"{target[1]} ({own[0]})" if own else target[1],
                name_zh=f"{target[1]}（{own[1]}）" if own else target[1],
            )
            units[target[0]] = unit
        unit_of[org_id] = unit
    ordered = sorted(units.values(), key=lambda unit: _tree_key(by_id[unit.org_id][3]))
    return ordered, unit_of


def _tree_key(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def _archived_by(
    session: Session,
    scope: UpstreamScope,
    column: Any,
    enum: type[Labelled],
    title: tuple[str, str],
) -> ReportSheet:
    units, unit_of = reporting_units(session, scope)
    query = (
        select(Household.org_id, column, func.count())
        .where(
            Household.status == HouseholdStatus.ARCHIVED.value,
            Household.registered_on <= scope.year_end,
        )
        .group_by(Household.org_id, column)
    )
    if scope.org is not None:
        query = query.join(Org, Org.id == Household.org_id).where(within(scope.org))
    keys = [member.value for member in enum]
    counts: dict[int, dict[str | None, int]] = {}
    unknown = False
    for org_id, value, count in session.execute(query):
        unit = unit_of.get(org_id)
        if unit is None:
            continue
        row = counts.setdefault(unit.org_id, {})
        row[value] = row.get(value, 0) + int(count)
        unknown |= value not in keys
    headers: list[tuple[str, str]] = [("Union", "工会")]
    headers += [(member.value, member.zh) for member in enum]
    if unknown:
        headers.append(("not recorded", "未记录"))
    headers.append(("Total", "合计"))
    rows: list[list[Any]] = []
    totals = [0] * (len(headers) - 1)
    for unit in units:
        found = counts.get(unit.org_id, {})
        values = [found.get(key, 0) for key in keys]
        if unknown:
            values.append(sum(n for k, n in found.items() if k not in keys))
        values.append(sum(values))
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        rows.append([(unit.name, unit.name_zh), *values])
    rows.append([("Total", "合计"), *totals])
    return ReportSheet(title_en=title[0], title_zh=title[1], headers=headers, rows=rows)


def archived_by_category(session: Session, scope: UpstreamScope) -> ReportSheet:
    """Archived households by category (低保户, 低保边缘户, 意外致困户) per county or district."""
    return _archived_by(
        session, scope, Household.category, Category, ("By category", "建档户按困难类别")
    )


def archived_by_cause(session: Session, scope: UpstreamScope) -> ReportSheet:
    """Archived households by main cause (因病, 因学, 收入低, …) per county or district."""
    return _archived_by(
        session, scope, Household.main_cause, Cause, ("By main cause", "建档户按致困原因")
    )


#: The sections of the return, one sheet each, in this order.
SECTIONS: tuple[Section, ...] = (
    archived_by_category,
    archived_by_cause,
    # EXTENSION POINT (aid ledger): aid_by_programme — aid by programme per county/district.
    # EXTENSION POINT (exits): exits_by_kind — exits in the year by kind per county/district.
)


def build_return(session: Session, scope: UpstreamScope) -> list[ReportSheet]:
    return [section(session, scope) for section in SECTIONS]
