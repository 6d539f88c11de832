"""The households file: one row per person, the format both `export households` and
`import households` use, and reading it into the register.

Which rows form a household: when the household (户编号) cell is filled,
consecutive rows with the same value form one household. When it is blank
(or the file has no such column), a row whose relation (与户主关系) is head
(户主) or blank starts a new household, and the rows below it that name
another relation belong to it. So a sheet with one row per household, a
sheet with members listed under their head, and a sheet whose household
cells are merged all import as they look.

Household columns (status, union, address, causes, …) are read from the
head's row; on members' rows they may be blank or repeat the head's value.
The columns are the fields of ``kunnan.schemas.household.FIELDS``, and every
cell is judged by its field's rule there, the one ``household add`` and
``household member add`` validate by. A plain household (every cell valid, the
head's row marked, members' household cells blank or the head's) is read by
those rules directly; any other goes through the input models themselves,
which name each problem. Both end in the same columns (the property test
tests/services/test_household_file.py checks that the plain reading takes
only what the models take, and writes the same). New households are written
in batches with SQLAlchemy Core. A household whose head's ID number is
already registered as a head is matched: left as it is, or with ``update``
brought up to date field by field through the same services (and audit) as
``household edit`` and ``household member edit``. An import with ``update``
changes registered households a batch at a time in one transaction, so it
takes the register as a whole first (``db.locks``), as every bulk writer does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

from pydantic import BaseModel, ValidationError
from sqlalchemy import Table
from sqlalchemy.orm import Session

from kunnan.db.bulk import insert_returning_ids, insert_rows, rows_in
from kunnan.db.locks import hold_register
from kunnan.domain.codes import household_code
from kunnan.domain.enums import Relation
from kunnan.domain.errors import KunnanError
from kunnan.domain.masking import mask_id_number
from kunnan.domain.register import admission_problem, missing_area_code
from kunnan.i18n import _
from kunnan.models import Household, HouseholdCause, Member, StatusChange
from kunnan.schemas import problems as model_problems
from kunnan.schemas.household import (
    FIELDS,
    FieldRule,
    HouseholdImport,
    HouseholdUpdate,
    MemberCreate,
    MemberUpdate,
    imported_household_problem,
)
from kunnan.services.household.register import (
    add_member,
    edit_household,
    edit_member,
    household_columns,
    member_columns,
    registered_elsewhere,
    status_history,
)
from kunnan.services.imports import Outcome, RowProblem, SeenInFile
from kunnan.sheets.columns import (
    Bound,
    CellProblem,
    Column,
    HeaderMatch,
    cell_reader,
    count_known,
    quote,
    tidy,
)
from kunnan.sheets.read import SourceRow
from kunnan.store import audit
from kunnan.store.households import head_of
from kunnan.store.orgs import find_union

#: The column that groups rows into households; it is no field of a household.
HOUSEHOLD_KEY = Column("household", "户编号", aliases=("户号", "家庭编号", "编号", "code"))
HOUSEHOLD_COLUMNS: tuple[Column, ...] = (
    HOUSEHOLD_KEY,
    *(Column(f.key, f.zh, f.kind, f.enum, aliases=f.aliases) for f in FIELDS.values()),
)
COLUMN = {column.key: column for column in HOUSEHOLD_COLUMNS}

#: Columns that describe the household, read from the head's row.
HOUSEHOLD_FIELDS = tuple(key for key, rule in FIELDS.items() if rule.part == "household")
#: Columns that describe a person (besides their relation to the head).
PERSON_FIELDS = tuple(
    key for key, rule in FIELDS.items() if rule.part == "person" and key != "relation"
)
#: A household's standing, which an import brings but never changes.
STANDING_FIELDS = ("status", "archive_no", "category", "registered_on", "archived_on")
#: What ``--update`` may change on a household (as ``household edit`` does).
EDITABLE_FIELDS = tuple(HouseholdUpdate.model_fields)
REQUIRED_COLUMNS = ("name", "id_number")
#: The column a reject file adds; an import of a fixed reject file ignores it quietly.
ERROR_HEADERS = {"en": "error", "zh": "错误原因"}

#: Distinct cell texts each column remembers on the plain reading, so memory stays flat.
CACHE_MAX = 4096

HOUSEHOLD = cast(Table, Household.__table__)
STATUS_CHANGE = cast(Table, StatusChange.__table__)
MEMBER = cast(Table, Member.__table__)
HOUSEHOLD_CAUSE = cast(Table, HouseholdCause.__table__)


def is_header(cells: Sequence[str]) -> bool:
    """The header row names at least two columns of the households file."""
    return count_known(cells, HOUSEHOLD_COLUMNS) >= 2


@dataclass(slots=True)
class Draft:
    """What a new household writes, however its rows were read."""

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


def _draft(
    household: Mapping[str, Any], people: list[tuple[int, Mapping[str, Any]]], today: dt.date
) -> Draft:
    """The draft of a household from its fields' values and its people's, the head first."""
    return Draft(
        household=household_columns(household, today=today),
        org=household["org"],
        area_code=household["area_code"],
        archive_no=household["archive_no"],
        causes=tuple(cause.value for cause in household["secondary_causes"]),
        people=[(number, member_columns(person)) for number, person in people],
    )


def _head_places(relations: Sequence[Relation | None], *, first_given: bool) -> list[int]:
    """Which rows of a household are its head worker's: those marked 户主, or else a first
    row that names no relation."""
    heads = [place for place, relation in enumerate(relations) if relation is Relation.HEAD]
    return heads or ([] if first_given else [0])


def _defaults(model: type[BaseModel]) -> dict[str, Any]:
    """What a model takes for each field a row leaves blank."""
    return {
        name: info.get_default(call_default_factory=True)
        for name, info in model.model_fields.items()
        if not info.is_required()
    }


@dataclass
class _Row:
    """One row of the file, read into the raw values the input models take."""

    source: SourceRow
    key: str | None
    relation: Relation | None
    relation_given: bool
    household: dict[str, Any]
    person: dict[str, Any]
    problems: list[RowProblem]

    @property
    def number(self) -> int:
        return self.source.number


@dataclass
class _Plan:
    """A household group after validation: what it would write, or why it cannot."""

    sources: list[SourceRow]
    #: What the household writes, however it was read (None when its head's row is not valid).
    draft: Draft | None = None
    #: The head worker's row (0 when the group has none).
    head_number: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    org_id: int | None = None
    area_code: str | None = None
    #: Each row with a well-formed ID number (even if another cell is bad), head first:
    #: a duplicate is reported together with the row's other problems.
    ids: list[tuple[int, str]] = field(default_factory=list)
    #: The models' reading of the rows (not on the plain reading; ``--update`` needs it).
    rows: list[_Row] = field(default_factory=list)
    head_row: _Row | None = None
    head: HouseholdImport | None = None
    members: list[tuple[_Row, MemberCreate]] = field(default_factory=list)


@dataclass(frozen=True)
class _Registered:
    member_id: int
    household_id: int
    relation: str


@dataclass(frozen=True)
class _Union:
    id: int
    area_code: str | None


def _place_in_household(values: dict[str, Any]) -> tuple[str | None, Any, Relation | None]:
    """A row's household cell, its relation cell as read, and that relation if it is one."""
    relation_text = values.get("relation")
    return _key(values.pop("household", None)), relation_text, _relation(relation_text)


def _key(value: Any) -> str | None:
    """A household cell as it groups rows."""
    return str(value).strip() if value is not None else None


def _relation(text: Any) -> Relation | None:
    """The relation a cell names; None when it names none (the input model reports it)."""
    if not isinstance(text, str):
        return None
    try:
        return Relation.parse(text)
    except ValueError:
        return None


class _NotPlain(Exception):
    """Raised when a household is not plain: the models must read it, and say what is wrong."""


class _Reading(NamedTuple):
    """A column of the file as the plain reading takes it."""

    key: str
    place: int
    #: What each text cell seen so far read as (None: a column of unique values).
    cache: dict[str, Any] | None
    #: Read a cell and judge it by its field's rule (remembering a text cell's value).
    take: Callable[[Any], Any]


def _reading(rule: FieldRule, bound: Bound, *, today: dt.date, csv_escaped: bool) -> _Reading:
    """A cell read as the models' path reads it, then judged by its field's rule."""
    read = cell_reader(bound, csv_escaped=csv_escaped)
    # ID and phone numbers are (nearly) all different: nothing to remember.
    cache: dict[str, Any] | None = None if rule.kind in ("id_number", "phone") else {}

    def take(cell: Any) -> Any:
        try:
            raw = read(cell)
            value = None if raw is None else rule.take(raw, today)
        except ValueError:  # a CellProblem, or the rule's refusal: the models will say it
            raise _NotPlain from None
        if cache is not None and type(cell) is str and len(cache) < CACHE_MAX:
            cache[cell] = value
        return value

    return _Reading(rule.key, bound.index, cache, take)


_MISSING = object()


def _values(cells: tuple[Any, ...], readings: Sequence[_Reading]) -> dict[str, Any]:
    """The values a row gives for ``readings`` (blank cells give none)."""
    given: dict[str, Any] = {}
    width = len(cells)
    for key, place, cache, take in readings:
        cell = cells[place] if place < width else None
        if cache is not None and type(cell) is str:
            value = cache.get(cell, _MISSING)  # the common case: a text seen before
            if value is _MISSING:
                value = take(cell)
        else:
            value = take(cell)
        if value is not None:
            given[key] = value
    return given


def _blank(cell: Any) -> bool:
    return cell is None or cell == "" or (type(cell) is str and cell.isspace())


class HouseholdRows:
    """A households file's rows read and validated, without the ledger: which rows form a
    household, and what each household would write or why it cannot.

    A plain household is read by its fields' rules directly (``plain``); every other goes
    through the input models (``through_models``), which name each problem.
    """

    def __init__(
        self,
        header: HeaderMatch,
        *,
        today: dt.date,
        default_org: str | None = None,
        csv_escaped: bool = False,
    ) -> None:
        self._today = today
        self._default_org = default_org
        self._names = {key: header.name(column) for key, column in COLUMN.items()}
        #: Each column of the file: its key, its place, its header as spelled, its reader.
        self._cells = [
            (key, bound.index, bound.spelled, cell_reader(bound, csv_escaped=csv_escaped))
            for key, bound in header.bound.items()
        ]
        readings = {
            key: _reading(FIELDS[key], bound, today=today, csv_escaped=csv_escaped)
            for key, bound in header.bound.items()
            if key in FIELDS
        }
        self._household = [readings[key] for key in HOUSEHOLD_FIELDS if key in readings]
        self._person = [readings[key] for key in PERSON_FIELDS if key in readings]
        self._relation = [readings[key] for key in ("relation",) if key in readings]
        #: Where the household columns are, to check members' rows repeat the head's.
        self._household_places = [reading.place for reading in self._household]
        self._household_defaults = _defaults(HouseholdImport)
        self._person_defaults = _defaults(MemberCreate)
        if default_org is not None:
            # --org, judged once as an org cell is (when it is not valid, the models say so)
            with suppress(ValueError):
                self._household_defaults["org"] = FIELDS["org"].take(default_org, today)

    # --- reading rows ---------------------------------------------------------------------

    def column(self, field_name: str) -> str:
        """A column as the file spells it (or its header in the file's language)."""
        return self._names.get(field_name, field_name)

    def _read(self, source: SourceRow) -> _Row:
        values, found = self._raw_values(source, self._cells)
        key, relation_text, relation = _place_in_household(values)
        return _Row(
            source=source,
            key=key,
            relation=relation,
            relation_given=relation_text is not None,
            household={k: values[k] for k in HOUSEHOLD_FIELDS if k in values},
            person={k: values[k] for k in (*PERSON_FIELDS, "relation") if k in values},
            problems=found,
        )

    def _raw_values(
        self, source: SourceRow, cells: list[tuple[str, int, str, Any]]
    ) -> tuple[dict[str, Any], list[RowProblem]]:
        """The row's cells as the input models take them, and the cells that cannot be read."""
        values: dict[str, Any] = {}
        found: list[RowProblem] = []
        row = source.cells
        width = len(row)
        for key, index, spelled, read in cells:
            try:
                value = read(row[index] if index < width else None)
            except CellProblem as problem:
                found.append(RowProblem(source.number, spelled, str(problem)))
                continue
            if value is not None:
                values[key] = value
        return values, found

    def groups(self, rows: Iterator[SourceRow]) -> Iterator[list[SourceRow]]:
        """Consecutive rows of one household (see the module docstring), read only as far
        as telling where each household starts."""
        read_key, read_relation = self._reader("household"), self._reader("relation")
        current: list[SourceRow] = []
        current_key: str | None = None
        for source in rows:
            key = _key(read_key(source.cells))
            if key is not None:
                starts = key != current_key
            else:
                relation_text = read_relation(source.cells)
                starts = relation_text is None or _relation(relation_text) is Relation.HEAD
            if starts and current:
                yield current
                current = []
            if starts:
                current_key = key
            current.append(source)
        if current:
            yield current

    def _reader(self, key: str) -> Callable[[tuple[Any, ...]], Any]:
        """One column's cell of a row as read (None when blank, absent or unreadable)."""
        found = [(index, read) for name, index, _spelled, read in self._cells if name == key]
        if not found:
            return lambda _cells: None
        index, read = found[0]

        def cell(cells: tuple[Any, ...]) -> Any:
            try:
                return read(cells[index] if index < len(cells) else None)
            except CellProblem:
                return None

        return cell

    # --- validating a household ---------------------------------------------------------------

    def validate(self, sources: list[SourceRow]) -> _Plan:
        """The plain reading's draft when the household is plain, else the models' judgement."""
        draft = self.plain(sources)
        if draft is None:
            return self.through_models(sources)
        return _Plan(
            sources=sources,
            draft=draft,
            head_number=draft.people[0][0],
            ids=[(number, person["id_number"]) for number, person in draft.people],
        )

    def plain(self, sources: Sequence[SourceRow]) -> Draft | None:
        """A plain household's draft, every cell judged by its field's rule and the household
        by the rules across fields, as the models would; None for any other household."""
        try:
            return self._plain(sources)
        except _NotPlain:
            return None

    def _plain(self, sources: Sequence[SourceRow]) -> Draft:
        relations: list[Relation | None] = [
            _values(row.cells, self._relation).get("relation") for row in sources
        ]
        heads = _head_places(relations, first_given=relations[0] is not None)
        if len(heads) != 1:
            raise _NotPlain
        head = sources[heads[0]]
        household = {**self._household_defaults, **_values(head.cells, self._household)}
        if "org" not in household:
            raise _NotPlain
        people: list[tuple[int, Mapping[str, Any]]] = [
            (head.number, self._person_of(head.cells, Relation.HEAD))
        ]
        for row, relation in zip(sources, relations, strict=True):
            if row is not head:
                self._check_repeats(row.cells, head.cells)
                people.append((row.number, self._person_of(row.cells, relation)))
        draft = _draft(household, people, self._today)
        if imported_household_problem(household, head_born=draft.people[0][1]["birth_date"]):
            raise _NotPlain
        return draft

    def _person_of(self, cells: tuple[Any, ...], relation: Relation | None) -> dict[str, Any]:
        person = {**self._person_defaults, **_values(cells, self._person)}
        if relation is not None:
            person["relation"] = relation
        if "name" not in person or "id_number" not in person:
            raise _NotPlain
        if admission_problem(person["admitted"], person["admitted_year"]) is not None:
            raise _NotPlain
        return person

    def _check_repeats(self, cells: tuple[Any, ...], head: tuple[Any, ...]) -> None:
        """A plain member's household cells are blank or the head's, exactly (the models
        judge any other)."""
        width, head_width = len(cells), len(head)
        for index in self._household_places:
            cell = cells[index] if index < width else None
            if not _blank(cell) and cell != (head[index] if index < head_width else None):
                raise _NotPlain

    def _model_problems(self, row: _Row, error: ValidationError) -> list[RowProblem]:
        return [
            RowProblem(row.number, self.column(field_name) if field_name else "", tidy(message))
            for field_name, message in model_problems(error)
        ]

    def _head_row(self, group: list[_Row], plan: _Plan) -> _Row | None:
        """The head worker's row (``_head_places``), or the problem with the household's."""
        places = _head_places([row.relation for row in group], first_given=group[0].relation_given)
        heads = [group[place] for place in places]
        if not heads:
            key = group[0].key
            plan.problems.append(
                RowProblem(
                    group[0].number,
                    self.column("relation"),
                    _(
                        "this household has no head worker's row "
                        "(与户主关系 户主 / relation head) (household '{household}')",
                        household=quote(key),
                    )
                    if key
                    else _(
                        "this household has no head worker's row (与户主关系 户主 / relation head)"
                    ),
                )
            )
            return None
        for extra in heads[1:]:
            plan.problems.append(
                RowProblem(
                    extra.number,
                    self.column("relation"),
                    _(
                        "a second head worker for the household whose head is on row {row}",
                        row=heads[0].number,
                    ),
                )
            )
        return heads[0]

    def through_models(self, sources: list[SourceRow]) -> _Plan:
        """Every row through the input models, every problem named."""
        group = [self._read(source) for source in sources]
        plan = _Plan(sources=sources, rows=group)
        for row in group:
            plan.problems.extend(row.problems)
        head_row = self._head_row(group, plan)
        if head_row is not None:
            plan.head_row = head_row
            plan.head_number = head_row.number
            data: dict[str, Any] = {**head_row.household, "head": dict(head_row.person)}
            data["head"].pop("relation", None)
            if "org" not in data and self._default_org is not None:
                data["org"] = self._default_org
            if not head_row.problems:
                try:
                    plan.head = HouseholdImport.model_validate(data, context={"today": self._today})
                except ValidationError as error:
                    plan.problems.extend(self._model_problems(head_row, error))
        for row in group:
            if row is head_row:
                continue
            if head_row is not None:
                plan.problems.extend(self._differences(row, head_row))
            if row.problems:
                continue
            try:
                member = MemberCreate.model_validate(row.person, context={"today": self._today})
            except ValidationError as error:
                plan.problems.extend(self._model_problems(row, error))
                continue
            plan.members.append((row, member))
        valid = {id(row): member.id_number for row, member in plan.members}
        if plan.head is not None and head_row is not None:
            valid[id(head_row)] = plan.head.head.id_number
            people: list[tuple[int, Mapping[str, Any]]] = [
                (head_row.number, dict(plan.head.head)),
                *((row.number, dict(member)) for row, member in plan.members),
            ]
            plan.draft = _draft(dict(plan.head), people, self._today)
        ordered = sorted(group, key=lambda row: row is not head_row)
        plan.ids = [
            (row.number, number)
            for row in ordered
            if (number := valid.get(id(row)) or self._id_of(row)) is not None
        ]
        return plan

    def _id_of(self, row: _Row) -> str | None:
        """The row's ID number, if its cell holds a valid one (another cell may not be)."""
        text = row.person.get("id_number")
        if not isinstance(text, str):
            return None
        try:
            number: str = FIELDS["id_number"].take(text, self._today)
        except ValueError:
            return None
        return number

    def _differences(self, row: _Row, head_row: _Row) -> list[RowProblem]:
        """Household cells on a member's row must be blank or repeat the head's row."""
        found = []
        for key, value in row.household.items():
            expected = head_row.household.get(key)
            if value != expected:
                shown = quote(str(expected)) if expected is not None else _("blank")
                found.append(
                    RowProblem(
                        row.number,
                        self.column(key),
                        _(
                            "differs from the head worker's row {row} ({shown}); "
                            "household columns are read from the head's row",
                            row=head_row.number,
                            shown=shown,
                        ),
                    )
                )
        return found


class HouseholdFileImporter:
    """Reads households files into the register (see the module docstring for the rules)."""

    def __init__(
        self,
        session: Session,
        *,
        header: HeaderMatch,
        today: dt.date,
        default_org: str | None = None,
        update: bool = False,
        csv_escaped: bool = False,
    ) -> None:
        if update:  # it will hold households batch after batch: the register first
            hold_register(session, whole=True)
        self._session = session
        self._today = today
        self._update = update
        self._rows = HouseholdRows(
            header, today=today, default_org=default_org, csv_escaped=csv_escaped
        )
        self._column = self._rows.column
        self._unions: dict[str, _Union | str] = {}
        self._seen = SeenInFile(session)

    def groups(self, rows: Iterator[SourceRow]) -> Iterator[list[SourceRow]]:
        return self._rows.groups(rows)

    def size(self, group: list[SourceRow]) -> int:
        return len(group)

    def _union(self, ref: str) -> _Union | str:
        """The union a household belongs to, or why it cannot be used (looked up once per name)."""
        known = self._unions.get(ref)
        if known is None:
            try:
                org = find_union(self._session, ref)
                known = _Union(id=org.id, area_code=org.area_code)
            except KunnanError as error:
                known = error.message
            self._unions[ref] = known
        return known

    # --- a batch ------------------------------------------------------------------------------

    def apply(self, batch: list[list[SourceRow]]) -> list[Outcome]:
        plans = [self._rows.validate(group) for group in batch]
        id_numbers = [number for plan in plans for _row, number in plan.ids]
        archives = [plan.draft.archive_no for plan in plans if plan.draft and plan.draft.archive_no]
        seen_ids = self._seen.rows_of("id_number", id_numbers)
        seen_archives = self._seen.rows_of("archive_no", archives)
        registered = self._registered(id_numbers)
        archives_used = self._archives_used(archives)
        first_ids: dict[str, int] = {}
        first_archives: dict[str, int] = {}
        outcomes: list[Outcome] = []
        new: list[_Plan] = []
        for plan in plans:
            self._duplicates(plan, seen_ids, first_ids, seen_archives, first_archives)
            outcome = self._decide(plan, registered, archives_used)
            outcomes.append(outcome)
            if outcome.result == "created":
                new.append(plan)
        self._insert(new)
        self._seen.add("id_number", first_ids)
        self._seen.add("archive_no", first_archives)
        return outcomes

    def finish(self) -> None:
        self._seen.drop()

    def _registered(self, id_numbers: list[str]) -> dict[str, _Registered]:
        rows = rows_in(
            self._session.connection(),
            MEMBER,
            ("id_number", "id", "household_id", "relation"),
            "id_number",
            id_numbers,
        )
        return {
            number: _Registered(member_id, household_id, relation)
            for number, member_id, household_id, relation in rows
        }

    def _archives_used(self, archives: list[str]) -> dict[str, int]:
        rows = rows_in(
            self._session.connection(), HOUSEHOLD, ("archive_no", "id"), "archive_no", archives
        )
        return {str(archive): household_id for archive, household_id in rows}

    def _duplicates(
        self,
        plan: _Plan,
        seen_ids: dict[str, int],
        first_ids: dict[str, int],
        seen_archives: dict[str, int],
        first_archives: dict[str, int],
    ) -> None:
        """Report values this file has already given, with the row that gave them first."""
        for row_number, number in plan.ids:
            earlier = first_ids.get(number) or seen_ids.get(number)
            if earlier is None:
                first_ids[number] = row_number
            elif earlier != row_number:
                plan.problems.append(
                    RowProblem(
                        row_number,
                        self._column("id_number"),
                        _(
                            "ID number {masked} is also on row {row}",
                            masked=mask_id_number(number, today=self._today),
                            row=earlier,
                        ),
                    )
                )
        archive = plan.draft.archive_no if plan.draft else None
        if archive:
            earlier = first_archives.get(archive) or seen_archives.get(archive)
            if earlier is None:
                first_archives[archive] = plan.head_number
            else:
                plan.problems.append(
                    RowProblem(
                        plan.head_number,
                        self._column("archive_no"),
                        _(
                            "archive number {archive} is also on row {row}",
                            archive=quote(archive),
                            row=earlier,
                        ),
                    )
                )

    def _reject(self, plan: _Plan) -> Outcome:
        return Outcome(
            rows=plan.sources,
            result="rejected",
            problems=sorted(plan.problems, key=lambda problem: problem.row),
        )

    def _decide(
        self, plan: _Plan, registered: dict[str, _Registered], archives_used: dict[str, int]
    ) -> Outcome:
        draft = plan.draft
        if plan.problems or draft is None:
            return self._reject(plan)
        head_number = draft.people[0][1]["id_number"]
        found = registered.get(head_number)
        if found is not None and found.relation != Relation.HEAD.value:
            plan.problems.append(
                RowProblem(
                    plan.head_number,
                    self._column("id_number"),
                    _(
                        "ID number {masked} is registered as a member of {code}, "
                        "not as a head worker",
                        masked=mask_id_number(head_number, today=self._today),
                        code=household_code(found.household_id),
                    ),
                )
            )
            return self._reject(plan)
        household_id = found.household_id if found is not None else None
        for row_number, number in plan.ids:
            other = registered.get(number)
            if (
                row_number == plan.head_number
                or other is None
                or other.household_id == household_id
            ):
                continue
            plan.problems.append(
                RowProblem(
                    row_number,
                    self._column("id_number"),
                    registered_elsewhere(number, other.household_id, today=self._today),
                )
            )
        if plan.problems:
            return self._reject(plan)
        if household_id is not None:
            if not self._update:
                return Outcome(rows=plan.sources, result="matched")
            # Bringing a household up to date goes field by field through the models.
            return self._update_household(
                self._rows.through_models(plan.sources), household_id, registered
            )
        archive = draft.archive_no
        if archive and archive in archives_used:
            plan.problems.append(
                RowProblem(
                    plan.head_number,
                    self._column("archive_no"),
                    _(
                        "archive number {archive} is already used by {code}",
                        archive=quote(archive),
                        code=household_code(archives_used[archive]),
                    ),
                )
            )
        self._place(plan, draft)
        if plan.problems:
            return self._reject(plan)
        return Outcome(rows=plan.sources, result="created", added=len(draft.people))

    def _place(self, plan: _Plan, draft: Draft) -> None:
        """Find the household's union and area code (the union's, when the file gives none)."""
        union = self._union(draft.org)
        if isinstance(union, str):
            plan.problems.append(RowProblem(plan.head_number, self._column("org"), union))
            return
        plan.org_id = union.id
        plan.area_code = draft.area_code or union.area_code
        if plan.area_code is None:
            field_name, message = missing_area_code(quote(draft.org))
            plan.problems.append(RowProblem(plan.head_number, self._column(field_name), message))

    # --- writing ------------------------------------------------------------------------------

    def _insert(self, plans: list[_Plan]) -> None:
        if not plans:
            return
        connection = self._session.connection()
        now = audit.context(self._session).at
        # The drafts' own dicts become the rows (each draft is written once): no copies.
        households = []
        for plan in plans:
            assert plan.draft is not None and plan.org_id is not None and plan.area_code is not None
            row = plan.draft.household
            row.update(org_id=plan.org_id, area_code=plan.area_code, created_at=now, updated_at=now)
            households.append(row)
        ids = insert_returning_ids(connection, HOUSEHOLD, households)
        insert_rows(connection, STATUS_CHANGE, status_history(households, ids, now))
        members: list[dict[str, Any]] = []
        causes: list[dict[str, Any]] = []
        for plan, household_id in zip(plans, ids, strict=True):
            assert plan.draft is not None
            for _row, person in plan.draft.people:
                person["household_id"] = household_id
                members.append(person)
            for position, cause in enumerate(plan.draft.causes):
                causes.append({"household_id": household_id, "cause": cause, "position": position})
        insert_rows(connection, MEMBER, members)
        insert_rows(connection, HOUSEHOLD_CAUSE, causes)

    def _update_household(
        self, plan: _Plan, household_id: int, registered: dict[str, _Registered]
    ) -> Outcome:
        """Bring a registered household up to date with its rows (``--update``), audited."""
        assert plan.head is not None and plan.head_row is not None
        household = self._session.get(Household, household_id)
        assert household is not None
        head_row = plan.head_row
        for key in STANDING_FIELDS:
            if key not in head_row.household:
                continue
            ours = getattr(plan.head, key)
            theirs = getattr(household, key)
            ours_text = ours.value if hasattr(ours, "value") else ours
            if ours_text != theirs:
                shown = theirs.isoformat() if isinstance(theirs, dt.date) else theirs
                plan.problems.append(
                    RowProblem(
                        head_row.number,
                        self._column(key),
                        _(
                            "differs from the register ({shown} for {code}); an import does not "
                            "change a household's status, archive number, category or "
                            "registration date",
                            shown=quote(str(shown or _("blank"))),
                            code=household_code(household_id),
                        ),
                    )
                )
        if plan.problems:
            return self._reject(plan)
        rows = plan.sources
        changed = False
        added = 0
        try:
            with self._session.begin_nested():
                given = {k: v for k, v in head_row.household.items() if k in EDITABLE_FIELDS}
                if given:
                    edit = HouseholdUpdate.model_validate(given, context={"today": self._today})
                    changed |= bool(edit_household(self._session, household, data=edit))
                changed |= self._update_person(household, head_of(household), head_row, head=True)
                for row, member in plan.members:
                    existing = registered.get(member.id_number)
                    if existing is None:
                        add_member(self._session, household, data=member)
                        added += 1
                        continue
                    person = next(m for m in household.members if m.id == existing.member_id)
                    changed |= self._update_person(household, person, row, head=False)
        except (KunnanError, ValidationError) as error:
            reason = error.message if isinstance(error, KunnanError) else str(error)
            plan.problems.append(RowProblem(head_row.number, "", tidy(reason)))
            return self._reject(plan)
        return Outcome(rows=rows, result="updated" if changed or added else "matched", added=added)

    def _update_person(
        self, household: Household, person: Member, row: _Row, *, head: bool
    ) -> bool:
        given = {k: v for k, v in row.person.items() if k != "id_number"}
        if head:
            given.pop("relation", None)
        if not given:
            return False
        data = MemberUpdate.model_validate(given, context={"today": self._today})
        return bool(edit_member(self._session, household, person, data=data))
