"""The return a union sends up (上报): one table per subject, a row per county or district.

Each section is a function ``(session, scope) -> ReportSheet`` listed in
``SECTIONS``; the command writes each as a sheet of one .xlsx workbook.
Counts are aggregated in SQL per union (``GROUP BY org_id``) and folded
into reporting units in Python, which holds only those few aggregate rows:
a county or district union (县区工会) gathers every union under it;
households registered with a city union or a grassroots union directly
under it are reported on the city's own row (市直).

Households are counted as the register stood at the end of the year
(status history), aid by the year grants count toward (reversals netted),
exits by the day they happened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kunnan.domain.enums import (
    Category,
    Cause,
    EntryKind,
    ExitKind,
    HouseholdStatus,
    Labelled,
    OrgKind,
)
from kunnan.i18n import LANGUAGES, N_, translate
from kunnan.models import AidEntry, Household, HouseholdExit, Org, Program
from kunnan.services.report import Scope, status_on
from kunnan.store.orgs import within


@dataclass(frozen=True)
class UpstreamScope:
    """Whose return, for which year."""

    year: int
    org: Org | None

    @property
    def year_end(self) -> dt.date:
        return dt.date(self.year, 12, 31)


#: A text of the return in each language it can be written in (``LANGUAGES``' order).
Texts = tuple[str, ...]


def texts(message: str, **values: Any) -> Texts:
    """A message of the catalog in each language a return can be written in, filled in."""
    return tuple(translate(message, lang).format(**values) for lang in LANGUAGES)


def written(text: Texts, lang: str) -> str:
    """The text in the language the return is written in."""
    return text[LANGUAGES.index(lang)]


@dataclass(frozen=True)
class Unit:
    """A row of the return: a county or district union, or a city union's own households."""

    org_id: int
    #: Its name on the return, in each language.
    label: Texts


@dataclass(frozen=True)
class ReportSheet:
    """One table of the return: a title (an English message, written translated), headers
    and rows of values, each header and each row's label a text in each language."""

    heading: str
    headers: Sequence[Texts]
    rows: Sequence[Sequence[Any]]

    def title(self, lang: str) -> str:
        return translate(self.heading, lang)

    def header_row(self, lang: str) -> list[str]:
        return [written(header, lang) for header in self.headers]

    def body(self, lang: str) -> list[list[Any]]:
        """The rows, each labelled in ``lang``."""
        return [[written(row[0], lang), *row[1:]] for row in self.rows]


Section = Callable[[Session, UpstreamScope], ReportSheet]


#: The row of a city's (a province's) own households, named after the union.
_OWN_ROW = {
    OrgKind.CITY.value: N_("{name} (city level)"),
    OrgKind.PROVINCE.value: N_("{name} (province level)"),
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
            name = target[1]
            unit = Unit(
                org_id=target[0],
                label=texts(own, name=name) if own else tuple(name for _lang in LANGUAGES),
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
    column: str,
    enum: type[Labelled],
    title: str,
) -> ReportSheet:
    """Archived households by their category or main cause in force at the year's end."""
    on = status_on(Scope(as_of=scope.year_end, org=scope.org))
    key = on.c[column]
    query = (
        select(Household.org_id, key, func.count())
        .join(on, on.c.household_id == Household.id)
        .where(on.c.status == HouseholdStatus.ARCHIVED.value)
        .group_by(Household.org_id, key)
    )
    return _by_unit(session, scope, query, enum, title)


def _by_unit(
    session: Session,
    scope: UpstreamScope,
    query: Any,
    enum: type[Labelled],
    title: str,
) -> ReportSheet:
    """Fold (org_id, key, count) rows into one row per reporting unit, a column per key."""
    units, unit_of = reporting_units(session, scope)
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
    headers: list[Texts] = [texts(N_("Union"))]
    headers += [tuple(member.label(lang) for lang in LANGUAGES) for member in enum]
    if unknown:
        headers.append(texts(N_("not recorded")))
    headers.append(texts(N_("Total")))
    rows: list[list[Any]] = []
    totals = [0] * (len(headers) - 1)
    for unit in units:
        found = counts.get(unit.org_id, {})
        values = [found.get(key, 0) for key in keys]
        if unknown:
            values.append(sum(n for k, n in found.items() if k not in keys))
        values.append(sum(values))
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        rows.append([unit.label, *values])
    rows.append([texts(N_("Total")), *totals])
    return ReportSheet(heading=title, headers=headers, rows=rows)


def archived_by_category(session: Session, scope: UpstreamScope) -> ReportSheet:
    """Archived households by category (低保户, 低保边缘户, 意外致困户) per county or district."""
    return _archived_by(session, scope, "category", Category, N_("By category"))


def archived_by_cause(session: Session, scope: UpstreamScope) -> ReportSheet:
    """Archived households by main cause (因病, 因学, 收入低, …) per county or district."""
    return _archived_by(session, scope, "main_cause", Cause, N_("By main cause"))


def aid_by_programme(session: Session, scope: UpstreamScope) -> ReportSheet:
    """Cash aid counting toward the year, in yuan, by programme per county or district."""
    units, unit_of = reporting_units(session, scope)
    programs = session.execute(select(Program.code, Program.name).order_by(Program.position)).all()
    query = (
        select(Household.org_id, AidEntry.program, func.sum(AidEntry.amount_fen))
        .join(Household, Household.id == AidEntry.household_id)
        .where(AidEntry.kind == EntryKind.GRANT.value, AidEntry.year == scope.year)
        .group_by(Household.org_id, AidEntry.program)
    )
    if scope.org is not None:
        query = query.join(Org, Org.id == Household.org_id).where(within(scope.org))
    amounts: dict[int, dict[str, int]] = {}
    for org_id, program, fen in session.execute(query):
        unit = unit_of.get(org_id)
        if unit is not None:
            row = amounts.setdefault(unit.org_id, {})
            row[str(program)] = row.get(str(program), 0) + int(fen or 0)
    # A programme's column: its code in English, its name (as the union calls it) in Chinese.
    headers: list[Texts] = [
        texts(N_("Union")),
        *((code, name) for code, name in programs),
        texts(N_("Total (yuan)")),
    ]
    rows: list[list[Any]] = []
    totals = [0] * (len(programs) + 1)
    for unit in units:
        found = amounts.get(unit.org_id, {})
        values = [found.get(code, 0) for code, _name in programs]
        values.append(sum(values))
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        rows.append([unit.label, *(_yuan(v) for v in values)])
    rows.append([texts(N_("Total")), *(_yuan(v) for v in totals)])
    return ReportSheet(N_("Aid by programme (yuan)"), headers, rows)


def _yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def exits_by_kind(session: Session, scope: UpstreamScope) -> ReportSheet:
    """Exits in the year by kind per county or district."""
    query = (
        select(Household.org_id, HouseholdExit.kind, func.count())
        .join(Household, Household.id == HouseholdExit.household_id)
        .where(
            HouseholdExit.exited_on >= dt.date(scope.year, 1, 1),
            HouseholdExit.exited_on <= scope.year_end,
            HouseholdExit.void_id.is_(None),
        )
        .group_by(Household.org_id, HouseholdExit.kind)
    )
    if scope.org is not None:
        query = query.join(Org, Org.id == Household.org_id).where(within(scope.org))
    return _by_unit(session, scope, query, ExitKind, N_("Exits by kind"))


#: The sections of the return, one sheet each, in this order.
SECTIONS: tuple[Section, ...] = (
    archived_by_category,
    archived_by_cause,
    aid_by_programme,
    exits_by_kind,
)


def build_return(session: Session, scope: UpstreamScope) -> list[ReportSheet]:
    return [section(session, scope) for section in SECTIONS]
