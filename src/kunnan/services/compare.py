"""The civil-affairs data comparison (数据比对): the bureau's dibao list against the register.

Reads the list a batch at a time and reports, changing nothing:
- households registered as dibao (archived) that no active entry of the list covers;
- people on the list (active) whose household is registered as marginal, or
  who are not in the register at all;
- households with a member the list marks as deceased;
- names that differ for the same ID number;
- rows of the list that cannot be read.
A household is on the list when any of its members is. Each list row is
validated with ``CivilListEntry``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kunnan.domain.codes import household_code
from kunnan.domain.enums import Category, CivilFinding, CivilStatus, HouseholdStatus
from kunnan.i18n import _
from kunnan.models import Household, Member
from kunnan.schemas import problems as model_problems
from kunnan.schemas.civil import CivilListEntry
from kunnan.sheets.columns import (
    CellProblem,
    Column,
    HeaderMatch,
    count_known,
    quote,
    read_cell,
    tidy,
)
from kunnan.sheets.read import SourceRow

CIVIL_COLUMNS: tuple[Column, ...] = (
    Column(
        "id_number", "身份证号", "id_number", aliases=("身份证号码", "公民身份号码", "证件号码")
    ),
    Column("name", "姓名", aliases=("保障对象姓名",)),
    Column("dibao_status", "低保状态", aliases=("保障状态", "状态", "status")),
    Column(
        "monthly_amount_fen",
        "月保障金额(元)",
        "money",
        aliases=("月保障金额", "保障金额", "monthly_amount"),
    ),
    Column("since", "日期", "date", aliases=("享受日期", "批准日期", "起始日期", "date")),
)
REQUIRED_COLUMNS = ("id_number", "name")
BATCH = 1000


def is_header(cells: Sequence[str]) -> bool:
    return count_known(cells, CIVIL_COLUMNS) >= 2


@dataclass(frozen=True)
class Finding:
    """One difference between the list and the register."""

    kind: CivilFinding
    row: int | None
    household: str | None
    id_number: str | None
    list_name: str | None
    register_name: str | None
    detail: str


@dataclass
class Comparison:
    """What the comparison read, and the households the list covers."""

    rows: int = 0
    on_list: set[int] = field(default_factory=set)
    stopped: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class _Person:
    name: str
    household_id: int
    category: str | None
    status: str


def _read(
    row: SourceRow, header: HeaderMatch, *, today: dt.date, csv_escaped: bool
) -> CivilListEntry | Finding:
    values: dict[str, Any] = {}
    reasons: list[str] = []
    for key, bound in header.bound.items():
        cell = row.cells[bound.index] if bound.index < len(row.cells) else None
        try:
            value = read_cell(cell, bound, csv_escaped=csv_escaped)
        except CellProblem as problem:
            reasons.append(_("{column}: {reason}", column=quote(bound.spelled), reason=problem))
            continue
        if value is not None:
            values[key] = value
    if not reasons:
        try:
            return CivilListEntry.model_validate(values, context={"today": today})
        except ValidationError as error:
            names = {column.key: header.name(column) for column in CIVIL_COLUMNS}
            reasons = [
                _(
                    "{column}: {reason}",
                    column=quote(names.get(field_name, field_name)),
                    reason=tidy(message),
                )
                for field_name, message in model_problems(error)
            ]
    return Finding(
        kind=CivilFinding.UNREADABLE_ROW,
        row=row.number,
        household=None,
        id_number=None,
        list_name=None,
        register_name=None,
        detail="; ".join(reasons),
    )


def _batches(rows: Iterator[SourceRow]) -> Iterator[list[SourceRow]]:
    batch: list[SourceRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def compare_civil(
    session: Session,
    *,
    rows: Iterator[SourceRow],
    header: HeaderMatch,
    today: dt.date,
    csv_escaped: bool = False,
    comparison: Comparison | None = None,
) -> Iterator[Finding]:
    """Every difference, list rows first (in file order), then dibao households not covered."""
    seen = comparison if comparison is not None else Comparison()
    for batch in _batches(rows):
        read = [(row, _read(row, header, today=today, csv_escaped=csv_escaped)) for row in batch]
        numbers = sorted(
            {entry.id_number for _row, entry in read if isinstance(entry, CivilListEntry)}
        )
        people = _people(session, numbers)
        for row, entry in read:
            seen.rows += 1
            if isinstance(entry, Finding):
                yield entry
                continue
            yield from _entry_findings(row.number, entry, people.get(entry.id_number), seen)
    yield from _dibao_not_on_list(session, seen)


def _people(session: Session, numbers: list[str]) -> dict[str, _Person]:
    if not numbers:
        return {}
    query = (
        select(Member.id_number, Member.name, Household.id, Household.category, Household.status)
        .join(Household, Household.id == Member.household_id)
        .where(Member.id_number.in_(numbers), Household.void_id.is_(None))
    )
    return {
        number: _Person(name=name, household_id=household_id, category=category, status=status)
        for number, name, household_id, category, status in session.execute(query)
    }


def _entry_findings(
    row: int, entry: CivilListEntry, person: _Person | None, seen: Comparison
) -> Iterator[Finding]:
    def finding(kind: CivilFinding, detail: str) -> Finding:
        return Finding(
            kind=kind,
            row=row,
            household=household_code(person.household_id) if person else None,
            id_number=entry.id_number,
            list_name=entry.name,
            register_name=person.name if person else None,
            detail=detail,
        )

    if person is not None and person.name != entry.name:
        yield finding(
            CivilFinding.NAME_MISMATCH,
            _(
                "the list says {list_name}, the register says {register_name}",
                list_name=entry.name,
                register_name=person.name,
            ),
        )
    if entry.dibao_status is CivilStatus.DECEASED:
        if person is not None:
            yield finding(
                CivilFinding.DECEASED_MEMBER,
                _("the list marks this member as deceased; update the household"),
            )
        return
    if entry.dibao_status is CivilStatus.STOPPED:
        if person is not None:
            seen.stopped.add(person.household_id)
        return
    if person is None:
        yield finding(
            CivilFinding.ON_LIST_UNREGISTERED,
            _("draws dibao but is not in the register"),
        )
        return
    seen.on_list.add(person.household_id)
    if person.category == Category.MARGINAL.value:
        yield finding(
            CivilFinding.ON_LIST_MARGINAL,
            _("draws dibao but the household is registered as marginal (低保边缘户)"),
        )


def _dibao_not_on_list(session: Session, seen: Comparison) -> Iterator[Finding]:
    """Archived dibao households no active entry of the list covers (streamed by id)."""
    last = 0
    while True:
        query = (
            select(Household.id, Household.archive_no)
            .where(
                Household.category == Category.DIBAO.value,
                Household.status == HouseholdStatus.ARCHIVED.value,
                Household.void_id.is_(None),
                Household.id > last,
            )
            .order_by(Household.id)
            .limit(BATCH)
        )
        page = session.execute(query).all()
        if not page:
            return
        missing = [(hid, archive) for hid, archive in page if hid not in seen.on_list]
        heads = _heads(session, [hid for hid, _archive in missing])
        for household_id, archive in missing:
            head_name, head_id = heads.get(household_id, (None, None))
            stopped = household_id in seen.stopped
            yield Finding(
                kind=CivilFinding.DIBAO_NOT_ON_LIST,
                row=None,
                household=household_code(household_id),
                id_number=head_id,
                list_name=None,
                register_name=head_name,
                detail=_not_on_list(stopped, archive),
            )
        last = page[-1][0]


def _not_on_list(stopped: bool, archive: str | None) -> str:
    """Why an archived dibao household is a finding: the list stopped it, or has none of it."""
    if stopped and archive:
        return _(
            "registered as dibao; the list shows it stopped (停保) (archive {archive})",
            archive=archive,
        )
    if stopped:
        return _("registered as dibao; the list shows it stopped (停保)")
    if archive:
        return _(
            "registered as dibao; no member is on the list (archive {archive})", archive=archive
        )
    return _("registered as dibao; no member is on the list")


def _heads(session: Session, ids: list[int]) -> dict[int, tuple[str, str]]:
    if not ids:
        return {}
    query = select(Member.household_id, Member.name, Member.id_number).where(
        Member.household_id.in_(ids), Member.relation == "head"
    )
    return {hid: (name, number) for hid, name, number in session.execute(query)}
