"""The fast lane of ``import households``: plain rows straight to the columns they insert.

A register moved into kunnan is mostly plain rows: text in the forms an export
writes, every value valid. For such a household, building the input models of
``household add`` (a ``HouseholdImport`` and a ``MemberCreate`` per person, each
running its validators through Pydantic) costs more than inserting it. The fast
lane reads the household's cells with the same cell readers, validates them with
the same domain rules the models' validators call (``clean_name``,
``parse_id_number``, ``Labelled.parse``, ``parse_date`` …), applies the same rules
across fields (``domain.register``: standing, registration after the head's birth,
admission, secondary causes) and
builds the rows with the same functions (``household_columns``,
``member_columns``).

It never reports a problem. At the first thing it does not take (a bad value, a
missing column, a second head, a member's household cell that differs from the
head's) it declines, and the household goes through the models, which say what
is wrong in their own words. Where it does take a household, the models take it
too and give the same columns: tests/services/test_household_fast.py checks both
on generated households, valid and not.

Each column remembers what it read for the texts it meets (up to ``CACHE_MAX``):
statuses, categories, unions, dates and amounts repeat row after row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from kunnan.domain import text
from kunnan.domain.dates import not_in_future, parse_date
from kunnan.domain.enums import (
    AdmissionLevel,
    Category,
    Cause,
    Health,
    HouseholdStatus,
    HousingType,
    Labelled,
    Relation,
    Schooling,
    WorkerIdentity,
)
from kunnan.domain.idnumber import parse_id_number
from kunnan.domain.money import parse_yuan
from kunnan.domain.phone import parse_mobile
from kunnan.domain.register import (
    ADMITTED_YEAR_MAX,
    ADMITTED_YEAR_MIN,
    admission_problem,
    distinct_causes,
    parse_area_m2,
    registration_problem,
    standing_problem,
)
from kunnan.domain.text import ADDRESS_MAX, CODE_MAX, SHORT_TEXT_MAX
from kunnan.services.households import household_columns, member_columns
from kunnan.sheets.columns import Bound, HeaderMatch, cell_reader
from kunnan.sheets.read import SourceRow

#: Distinct cell texts each column remembers, so memory stays flat on any file.
CACHE_MAX = 4096
#: Columns whose texts are (nearly) all different: nothing to remember.
UNCACHED = frozenset({"id_number", "phone"})

_MISSING = object()

Convert = Callable[[Any], Any]


class Decline(Exception):
    """The household needs the input models: a problem to report, or a form read only there."""


@dataclass(slots=True)
class Draft:
    """What a new household writes, whichever lane validated it."""

    #: ``household_columns``: the household's own columns (not its union, area or stamps).
    household: dict[str, Any]
    #: The union as the file (or ``--org``) names it.
    org: str
    #: The area code the file gives, if any (the union's otherwise).
    area_code: str | None
    archive_no: str | None
    #: Secondary causes, in order.
    causes: Sequence[str]
    #: ``member_columns`` of each person with the row they are on, the head first.
    people: list[tuple[int, dict[str, Any]]]


def _enum(enum: type[Labelled]) -> Convert:
    return enum.parse


def _year(raw: str) -> int:
    """The common form of an admission year (four ASCII digits in range); others decline."""
    if len(raw) == 4 and raw.isascii() and raw.isdigit():
        year = int(raw)
        if ADMITTED_YEAR_MIN <= year <= ADMITTED_YEAR_MAX:
            return year
    raise Decline


def _fen(raw: str | int) -> int:
    fen = parse_yuan(raw) if isinstance(raw, str) else raw
    if fen < 0:
        raise Decline
    return fen


def _causes(raw: list[str]) -> tuple[str, ...]:
    return tuple(cause.value for cause in distinct_causes([Cause.parse(part) for part in raw]))


def _finals(today: dt.date) -> dict[str, Convert]:
    """Each column's rule, as its input model's validator applies it to the read cell."""

    def past(raw: str) -> dt.date:
        return not_in_future(parse_date(raw), today=today)

    return {
        "archive_no": lambda raw: text.clean_required_text(
            raw, field="archive number", max_length=CODE_MAX
        ),
        "status": _enum(HouseholdStatus),
        "category": _enum(Category),
        "main_cause": _enum(Cause),
        "secondary_causes": _causes,
        "org": lambda raw: text.clean_required_text(raw, field="org", max_length=SHORT_TEXT_MAX),
        "area_code": text.clean_area_code,
        "address": lambda raw: text.clean_text(raw, field="address", max_length=ADDRESS_MAX),
        "housing_type": _enum(HousingType),
        "housing_area_m2": parse_area_m2,
        "registered_on": past,
        "archived_on": past,
        "relation": _enum(Relation),
        "name": text.clean_name,
        "id_number": lambda raw: parse_id_number(raw, today=today),
        "phone": parse_mobile,
        "employer": lambda raw: text.clean_text(raw, field="employer", max_length=SHORT_TEXT_MAX),
        "identity": _enum(WorkerIdentity),
        "health": _enum(Health),
        "schooling": _enum(Schooling),
        "monthly_income_fen": _fen,
        "admitted": _enum(AdmissionLevel),
        "admitted_year": _year,
    }


class _Column(NamedTuple):
    """A column of the file as the fast lane reads it."""

    key: str
    place: int
    #: What each text cell seen so far read as (None: a column of unique values).
    cache: dict[str, Any] | None
    #: Read and check a cell (and remember a text cell's result); Decline on any problem.
    convert: Convert


def _column(key: str, bound: Bound, final: Convert, *, csv_escaped: bool) -> _Column:
    """Read a cell as the models' path does, then apply the column's rule."""
    read = cell_reader(bound, csv_escaped=csv_escaped)
    cache: dict[str, Any] | None = None if key in UNCACHED else {}

    def convert(cell: Any) -> Any:
        try:
            raw = read(cell)
            value = None if raw is None else final(raw)
        except ValueError:
            raise Decline from None
        if cache is not None and type(cell) is str and len(cache) < CACHE_MAX:
            cache[cell] = value
        return value

    return _Column(key, bound.index, cache, convert)


def _given(cells: tuple[Any, ...], columns: Sequence[_Column]) -> dict[str, Any]:
    """The values a row gives for ``columns`` (blank cells give none)."""
    given: dict[str, Any] = {}
    width = len(cells)
    for key, index, cache, convert in columns:
        cell = cells[index] if index < width else None
        if cache is not None and type(cell) is str:
            value = cache.get(cell, _MISSING)  # the common case: a text seen before
            if value is _MISSING:
                value = convert(cell)
        else:
            value = convert(cell)
        if value is not None:
            given[key] = value
    return given


def _blank(cell: Any) -> bool:
    return cell is None or cell == "" or (type(cell) is str and cell.isspace())


class FastLane:
    """Drafts of plain households; ``None`` for any household the models must see."""

    def __init__(
        self,
        header: HeaderMatch,
        *,
        household_fields: Sequence[str],
        person_fields: Sequence[str],
        today: dt.date,
        default_org: str | None,
        csv_escaped: bool,
    ) -> None:
        self._today = today
        self._default_org = default_org
        finals = _finals(today)
        columns = {
            key: _column(key, bound, finals[key], csv_escaped=csv_escaped)
            for key, bound in header.bound.items()
            if key in finals
        }
        self._household = [columns[key] for key in household_fields if key in columns]
        self._person = [columns[key] for key in person_fields if key in columns]
        self._relation = [columns[key] for key in ("relation",) if key in columns]
        #: Where the household columns are, to check members' rows repeat the head's.
        self._household_places = [column.place for column in self._household]

    def draft(self, rows: Sequence[SourceRow]) -> Draft | None:
        try:
            return self._draft(rows)
        except Decline:
            return None

    def _draft(self, rows: Sequence[SourceRow]) -> Draft:
        relations = [self._relation_of(row.cells) for row in rows]
        heads = [place for place, relation in enumerate(relations) if relation is Relation.HEAD]
        if not heads and relations[0] is None:
            heads = [0]  # a first row with no relation is the head's
        if len(heads) != 1:
            raise Decline
        head = rows[heads[0]]
        draft = self._household_of(head.cells)
        head_person = self._person_of(head.cells, Relation.HEAD)
        # the day it is registered on, as household_columns settled it (given, archived, today)
        if registration_problem(
            draft.household["registered_on"], None, head_born=head_person["birth_date"]
        ):
            raise Decline
        draft.people.append((head.number, head_person))
        for row, relation in zip(rows, relations, strict=True):
            if row is head:
                continue
            self._check_repeats(row.cells, head.cells)
            draft.people.append(
                (row.number, self._person_of(row.cells, relation or Relation.OTHER))
            )
        return draft

    def _relation_of(self, cells: tuple[Any, ...]) -> Relation | None:
        relation: Relation | None = _given(cells, self._relation).get("relation")
        return relation

    def _check_repeats(self, cells: tuple[Any, ...], head: tuple[Any, ...]) -> None:
        """A member's household cells are blank or the head's, exactly (else the models say)."""
        width, head_width = len(cells), len(head)
        for index in self._household_places:
            cell = cells[index] if index < width else None
            if not _blank(cell) and cell != (head[index] if index < head_width else None):
                raise Decline

    def _household_of(self, cells: tuple[Any, ...]) -> Draft:
        given = _given(cells, self._household)
        org = given.get("org", self._default_org)
        if org is None:
            raise Decline
        status = given.get("status", HouseholdStatus.CANDIDATE)
        archive_no, category = given.get("archive_no"), given.get("category")
        main_cause, archived_on = given.get("main_cause"), given.get("archived_on")
        registered_on = given.get("registered_on")
        problem = standing_problem(
            status,
            archive_no=archive_no,
            category=category,
            main_cause=main_cause,
            archived_on=archived_on,
            registered_on=registered_on,
        )
        if problem is not None:
            raise Decline
        columns = household_columns(
            status=status,
            category=category,
            archive_no=archive_no,
            archived_on=archived_on,
            address=given.get("address", ""),
            housing_type=given.get("housing_type"),
            housing_area_m2=given.get("housing_area_m2"),
            main_cause=main_cause,
            registered_on=registered_on,
            today=self._today,
        )
        return Draft(
            household=columns,
            org=org,
            area_code=given.get("area_code"),
            archive_no=archive_no,
            causes=given.get("secondary_causes", ()),
            people=[],
        )

    def _person_of(self, cells: tuple[Any, ...], relation: Relation) -> dict[str, Any]:
        given = _given(cells, self._person)
        if "name" not in given or "id_number" not in given:
            raise Decline
        admitted, year = given.get("admitted"), given.get("admitted_year")
        if admission_problem(admitted, year) is not None:
            raise Decline
        return member_columns(
            relation=relation,
            name=given["name"],
            id_number=given["id_number"],
            phone=given.get("phone"),
            employer=given.get("employer"),
            identity=given.get("identity"),
            health=given.get("health", Health.HEALTHY),
            schooling=given.get("schooling", Schooling.NONE),
            monthly_income_fen=given.get("monthly_income_fen", 0),
            admitted=admitted,
            admitted_year=year,
        )
