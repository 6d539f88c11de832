"""The household register: households, their members, and finding them again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from kunnan.domain.codes import household_code
from kunnan.domain.enums import (
    AdmissionLevel,
    Category,
    HeadChangeReason,
    HouseholdStatus,
    JoinReason,
    Labelled,
    LeaveReason,
    Relation,
)
from kunnan.domain.errors import Conflict, InvalidInput, RuleViolation
from kunnan.domain.idnumber import facts, parse_id_number
from kunnan.domain.masking import mask_id_number
from kunnan.domain.members import (
    MemberDates,
    check_head_change,
    check_join,
    check_leave,
    present,
)
from kunnan.domain.phone import PhoneError, parse_phone
from kunnan.domain.register import missing_area_code
from kunnan.domain.review import causes_edit_refusal
from kunnan.i18n import _
from kunnan.models import (
    AidEntry,
    HeadChange,
    Household,
    HouseholdCause,
    Member,
    Org,
    StatusChange,
)
from kunnan.schemas.household import (
    OPTIONS,
    HouseholdCreate,
    HouseholdUpdate,
    MemberCreate,
    MemberUpdate,
)
from kunnan.store import audit
from kunnan.store.households import as_id_number, present_on
from kunnan.store.operators import check_union, scoped_org
from kunnan.store.orgs import find_union, within

#: How many household codes one reveal audit row lists (it always keeps the count).
REVEAL_LISTED = 50


def _check_id_free(session: Session, id_number: str, *, except_member: int | None = None) -> None:
    query = select(Member).where(Member.id_number == id_number)
    if except_member is not None:
        query = query.where(Member.id != except_member)
    existing = session.scalars(query).first()
    if existing is not None:
        raise Conflict(
            registered_elsewhere(id_number, existing.household_id, today=dt.date.today())
        )


def registered_elsewhere(id_number: str, household_id: int, *, today: dt.date) -> str:
    """Why a person cannot be registered: their ID number already is, in that household."""
    masked = mask_id_number(id_number, today=today)
    return _(
        "ID number {masked} is already registered (household {code})",
        masked=masked,
        code=household_code(household_id),
    )


@contextmanager
def _first_to_register(session: Session, id_number: str) -> Iterator[None]:
    """Write a new person, refusing an ID number another command registered meanwhile with
    the words ``_check_id_free`` uses. Two commands registering one number at once both pass
    that check; on PostgreSQL the second then waits on the unique index until the first
    commits, and fails there: inside a savepoint, so that the check can run again and say so."""
    try:
        with session.begin_nested():
            yield
            session.flush()
    except IntegrityError:
        _check_id_free(session, id_number)
        raise


def member_values(data: MemberCreate) -> dict[str, Any]:
    """A member's columns, with birth date and sex read from the ID number."""
    return member_columns(dict(data))


def member_columns(person: Mapping[str, Any]) -> dict[str, Any]:
    """A member's columns from the validated value of each ``MemberCreate`` field: a model's
    (``member_values``), or a plain import row's read by the same rules (bulk inserts)."""
    id_number = facts(person["id_number"])  # validated and normalised by its field's rule
    admitted = person["admitted"]
    admitted_now = admitted not in (None, AdmissionLevel.NONE)
    identity = person["identity"]
    return {
        "relation": person["relation"].value,
        "name": person["name"],
        "id_number": id_number.value,
        "birth_date": id_number.birth_date,
        "sex": id_number.sex.value,
        "phone": person["phone"],
        "employer": person["employer"],
        "identity": identity.value if identity else None,
        "health": person["health"].value,
        "schooling": person["schooling"].value,
        "monthly_income_fen": person["monthly_income_fen"],
        "admitted_level": admitted.value if admitted_now else None,
        "admitted_year": person["admitted_year"] if admitted_now else None,
    }


def _member_from(household: Household, data: MemberCreate) -> Member:
    return Member(household=household, **member_values(data))


def _member_fields(member: Member) -> dict[str, Any]:
    return {
        "name": member.name,
        "relation": member.relation,
        "id_number": member.id_number,
        "phone": member.phone,
        "employer": member.employer,
        "identity": member.identity,
        "health": member.health,
        "schooling": member.schooling,
        "monthly_income_fen": member.monthly_income_fen,
        "admitted_level": member.admitted_level,
        "admitted_year": member.admitted_year,
    }


def register_household(session: Session, *, data: HouseholdCreate, today: dt.date) -> Household:
    """Register a household as a ``candidate`` with its head worker."""
    org = check_union(session, find_union(session, data.org))
    area_code = data.area_code or org.area_code
    if area_code is None:
        field, message = missing_area_code(org.name)
        raise InvalidInput(_("{option}: {message}", option=OPTIONS[field], message=message))
    _check_id_free(session, data.head.id_number)
    household = Household(
        **household_values(
            data, org_id=org.id, area_code=area_code, today=today, now=audit.context(session).at
        )
    )
    household.secondary_causes = [
        HouseholdCause(cause=cause.value, position=index)
        for index, cause in enumerate(data.secondary_causes)
    ]
    with _first_to_register(session, data.head.id_number):
        session.add(household)
        head = _member_from(household, data.head)
        session.add(head)
    values = household_values(
        data, org_id=org.id, area_code=area_code, today=today, now=audit.context(session).at
    )
    for change in status_history([values], [household.id], audit.context(session).at):
        session.add(StatusChange(**change))
    audit.record(
        session,
        action="create",
        entity="household",
        entity_ref=household_code(household.id),
        household_id=household.id,
        changes={
            **_household_fields(household),
            "org": org.code,
            "head": _member_fields(head),
        },
    )
    return household


def household_values(
    data: HouseholdCreate, *, org_id: int, area_code: str, today: dt.date, now: dt.datetime
) -> dict[str, Any]:
    """A new household's columns (status candidate, unless an import brings its standing)."""
    return {
        "org_id": org_id,
        "area_code": area_code,
        **columns_of(data, today=today),
        "created_at": now,
        "updated_at": now,
    }


#: The standing of a household ``household add`` registers: a candidate, no archive yet.
NEW_STANDING: Mapping[str, Any] = {
    "status": HouseholdStatus.CANDIDATE,
    "archive_no": None,
    "category": None,
    "archived_on": None,
}


def columns_of(data: HouseholdCreate, *, today: dt.date) -> dict[str, Any]:
    """``household_columns`` for an input model (an import's brings its own standing)."""
    return household_columns({**NEW_STANDING, **dict(data)}, today=today)


def household_columns(household: Mapping[str, Any], *, today: dt.date) -> dict[str, Any]:
    """A new household's own columns (not its union, area or stamps) from the validated value
    of each ``HouseholdImport`` field: a model's (``columns_of``), or a plain import row's
    read by the same rules.

    An archive is dated its registration unless it brings its own date; a household is
    registered on the day given, else on its archive date (an archive imported from an old
    register was registered no later than it was archived), else today. So a household's
    history never runs backwards, and aid dated after its archive date can be brought in.
    """
    status, archived_on = household["status"], household["archived_on"]
    archived = status is HouseholdStatus.ARCHIVED
    registered = household["registered_on"] or (archived_on if archived and archived_on else today)
    category, housing_type = household["category"], household["housing_type"]
    main_cause = household["main_cause"]
    return {
        "status": status.value,
        "category": category.value if category else None,
        "archive_no": household["archive_no"],
        "archived_on": (archived_on or registered) if archived else None,
        "address": household["address"],
        "housing_type": housing_type.value if housing_type else None,
        "housing_area_m2": household["housing_area_m2"],
        "main_cause": main_cause.value if main_cause else None,
        "registered_on": registered,
    }


def status_history(
    households: Sequence[dict[str, Any]], ids: Sequence[int], now: dt.datetime
) -> list[dict[str, Any]]:
    """The status history new households start with: registered as candidates, and for an
    imported archive, archived on its archive date with its category."""
    changes = []
    for values, household_id in zip(households, ids, strict=True):
        changes.append(
            {"household_id": household_id, "changed_on": values["registered_on"],
             "status": HouseholdStatus.CANDIDATE.value, "category": None,
             "main_cause": values["main_cause"], "reason": "registered", "recorded_at": now}
        )  # fmt: skip
        if values["status"] != HouseholdStatus.CANDIDATE.value:
            changes.append(
                {"household_id": household_id, "changed_on": values["archived_on"] or values["registered_on"],
                 "status": values["status"], "category": values["category"],
                 "main_cause": values["main_cause"], "reason": "imported with its archive",
                 "recorded_at": now}
            )  # fmt: skip
    return changes


def _household_fields(household: Household) -> dict[str, Any]:
    return {
        "status": household.status,
        "area_code": household.area_code,
        "address": household.address,
        "housing_type": household.housing_type,
        "housing_area_m2": _area_text(household.housing_area_m2),
        "main_cause": household.main_cause,
        "secondary_causes": [c.cause for c in household.secondary_causes],
        "registered_on": household.registered_on,
    }


def _area_text(value: Decimal | None) -> str | None:
    """A floor area with its two decimals, so that 45.5 and the stored 45.50 compare equal."""
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def edit_household(
    session: Session, household: Household, *, data: HouseholdUpdate
) -> dict[str, Any]:
    """Apply the given fields; return what changed (empty when nothing did)."""
    before = _household_fields(household) | {"org": _org_code(session, household.org_id)}
    if data.main_cause is not None and data.main_cause.value != household.main_cause:
        refusal = causes_edit_refusal(
            household_code(household.id), HouseholdStatus(household.status)
        )
        if refusal is not None:
            raise RuleViolation(refusal)
    for key, value in data:
        if value is None:
            continue
        if key == "org":
            household.org_id = check_union(session, find_union(session, value)).id
        elif key == "secondary_causes":
            # A correction of the causes as they have stood since they were last given.
            since = max(
                (c.since_on for c in household.secondary_causes if c.since_on), default=None
            )
            household.secondary_causes = [
                HouseholdCause(cause=cause.value, position=index, since_on=since)
                for index, cause in enumerate(value)
            ]
            session.flush()
        else:
            setattr(household, key, _stored(value))
    if data.main_cause is not None:
        # Not yet archived: the cause is corrected, as it has been since registration.
        session.execute(
            update(StatusChange)
            .where(StatusChange.household_id == household.id)
            .values(main_cause=data.main_cause.value)
        )
    after = _household_fields(household) | {"org": _org_code(session, household.org_id)}
    changes = audit.diff(before, after)
    if changes:
        household.updated_at = audit.context(session).at
        audit.record(
            session,
            action="update",
            entity="household",
            entity_ref=household_code(household.id),
            household_id=household.id,
            changes=changes,
        )
    return changes


def _stored(value: Any) -> Any:
    """A validated value as its column stores it: a choice by its slug."""
    return value.value if isinstance(value, Labelled) else value


def _org_code(session: Session, org_id: int) -> str:
    org = session.get(Org, org_id)
    return org.code if org else ""


def add_member(
    session: Session,
    household: Household,
    *,
    data: MemberCreate,
    joined: tuple[dt.date, JoinReason] | None = None,
) -> Member:
    """Add a member: one the register had missed (``joined`` None: a member since the
    household was registered), or one who joined on a day for a reason (a birth, a marriage)."""
    if joined is not None:
        check_join(household_code(household.id), joined[0], registered_on=household.registered_on)
    if data.relation is Relation.HEAD:
        raise RuleViolation(
            _(
                "{code} already has a head worker; a household has one",
                code=household_code(household.id),
            )
        )
    _check_id_free(session, data.id_number)
    with _first_to_register(session, data.id_number):
        member = _member_from(household, data)
        if joined is not None:
            member.joined_on, member.joined_reason = joined[0], joined[1].value
        session.add(member)
    _touch(session, household)
    audit.record(
        session,
        action="create",
        entity="member",
        entity_ref=household_code(household.id),
        household_id=household.id,
        changes=_member_fields(member),
    )
    return member


def edit_member(
    session: Session, household: Household, member: Member, *, data: MemberUpdate
) -> dict[str, Any]:
    before = _member_fields(member)
    relation_changes = data.relation is not None and data.relation.value != member.relation
    if relation_changes and Relation.HEAD in (data.relation, Relation(member.relation)):
        raise RuleViolation(_("the head worker cannot be changed by editing a relation"))
    if data.id_number is not None and data.id_number != member.id_number:
        _check_id_free(session, data.id_number, except_member=member.id)
        identity = parse_id_number(data.id_number, today=dt.date.max)
        member.id_number = identity.value
        member.birth_date = identity.birth_date
        member.sex = identity.sex.value
    for key, value in data:
        if value is not None and key not in ("id_number", "admitted", "admitted_year"):
            setattr(member, key, _stored(value))
    if data.admitted is AdmissionLevel.NONE:
        member.admitted_level, member.admitted_year = None, None
    elif data.admitted is not None:
        member.admitted_level, member.admitted_year = data.admitted.value, data.admitted_year
    changes = audit.diff(before, _member_fields(member))
    if changes:
        _touch(session, household)
        audit.record(
            session,
            action="update",
            entity="member",
            entity_ref=household_code(household.id),
            household_id=household.id,
            changes=changes,
        )
    return changes


def remove_member(session: Session, household: Household, member: Member) -> None:
    if member.relation == Relation.HEAD:
        raise RuleViolation(_("the head worker cannot be removed from the household"))
    aided = session.scalar(
        select(AidEntry.seq).where(AidEntry.member_id == member.id).order_by(AidEntry.seq).limit(1)
    )
    if aided is not None:
        raise RuleViolation(
            _(
                "{name} received aid (ledger entry {entry}); "
                "a member with aid on the ledger stays on the register",
                name=member.name,
                entry=aided,
            )
        )
    from kunnan.services.aid.casework import services_of_member

    served = services_of_member(session, member)
    if served is not None:
        raise RuleViolation(
            _(
                "{name} has {served} on record; a member who received aid stays on the register",
                name=member.name,
                served=served,
            )
        )
    fields = _member_fields(member)
    household.members.remove(member)
    session.flush()
    _touch(session, household)
    audit.record(
        session,
        action="delete",
        entity="member",
        entity_ref=household_code(household.id),
        household_id=household.id,
        changes=fields,
    )


def _dates(member: Member) -> MemberDates:
    return MemberDates(member.name, member.relation, member.joined_on, member.left_on)


def leave_member(
    session: Session,
    household: Household,
    member: Member,
    *,
    on: dt.date,
    reason: LeaveReason,
    note: str = "",
) -> None:
    """A member leaves the household on ``on`` (death, marriage, moving out …): they stay in
    its history, marked with the day and the reason, and are counted no more from that day."""
    code = household_code(household.id)
    check_leave(code, _dates(member), on, registered_on=household.registered_on, reason=reason)
    member.left_on, member.left_reason = on, reason.value
    session.flush()
    _touch(session, household)
    audit.record(
        session,
        action="update",
        entity="member",
        entity_ref=code,
        household_id=household.id,
        changes={"name": member.name, "left_on": on, "left_reason": reason.value, "note": note},
    )


def change_head(
    session: Session,
    household: Household,
    successor: Member,
    *,
    on: dt.date,
    reason: HeadChangeReason,
    former_relation: Relation | None,
    note: str = "",
) -> Member:
    """户主变更: ``successor`` becomes the head worker from ``on``; the archive stays the same.
    The former head leaves the household (death, moving, divorce) or stays with the relation
    given. Return the former head."""
    code = household_code(household.id)
    head = next(m for m in household.members if m.relation == Relation.HEAD.value)
    last = session.scalar(
        select(func.max(HeadChange.changed_on)).where(HeadChange.household_id == household.id)
    )
    leaves = check_head_change(
        code,
        head=_dates(head),
        successor=_dates(successor),
        on=on,
        registered_on=household.registered_on,
        last_change=last,
        reason=reason,
        former_relation=former_relation,
    )
    # The former head first: a household has one head at any moment (uq_member_one_head).
    head.relation = (former_relation or Relation.OTHER).value
    if leaves is not None:
        head.left_on, head.left_reason = on, leaves.value
    session.flush()
    successor.relation = Relation.HEAD.value
    session.add(
        HeadChange(
            household_id=household.id,
            changed_on=on,
            from_member_id=head.id,
            to_member_id=successor.id,
            former_relation=former_relation.value if former_relation else None,
            reason=reason.value,
            note=note,
            recorded_at=audit.context(session).at,
        )
    )
    session.flush()
    _touch(session, household)
    audit.record(
        session,
        action="update",
        entity="head",
        entity_ref=code,
        household_id=household.id,
        changes={"head": (head.name, successor.name), "on": on, "reason": reason.value,
                 "former_left": leaves.value if leaves else None, "note": note},
    )  # fmt: skip
    return head


def _touch(session: Session, household: Household) -> None:
    household.updated_at = audit.context(session).at


@dataclass(frozen=True)
class HouseholdRow:
    """One line of the register, as lists show it."""

    code: str
    archive_no: str | None
    head_name: str
    head_id_number: str
    head_phone: str | None
    org: str
    area_code: str
    status: str
    category: str | None
    main_cause: str | None
    members: int
    monthly_income_fen: int
    registered_on: dt.date


def _rows_query() -> Select[*tuple[Any, ...]]:
    head = aliased(Member)
    totals = (
        select(
            Member.household_id,
            func.count().label("members"),
            func.sum(Member.monthly_income_fen).label("income"),
        )
        .where(present_on(dt.date.today()))
        .group_by(Member.household_id)
        .subquery()
    )
    return (
        select(
            Household.id,
            Household.archive_no,
            head.name,
            head.id_number,
            head.phone,
            Org.name,
            Household.area_code,
            Household.status,
            Household.category,
            Household.main_cause,
            totals.c.members,
            totals.c.income,
            Household.registered_on,
        )
        .join(head, (head.household_id == Household.id) & (head.relation == Relation.HEAD.value))
        .join(Org, Org.id == Household.org_id)
        .join(totals, totals.c.household_id == Household.id)
        .order_by(Household.id)
    )


def _to_rows(session: Session, query: Select[*tuple[Any, ...]]) -> list[HouseholdRow]:
    return [
        HouseholdRow(
            code=household_code(row[0]),
            archive_no=row[1],
            head_name=row[2],
            head_id_number=row[3],
            head_phone=row[4],
            org=row[5],
            area_code=row[6],
            status=row[7],
            category=row[8],
            main_cause=row[9],
            members=row[10],
            monthly_income_fen=int(row[11] or 0),
            registered_on=row[12],
        )
        for row in session.execute(query)
    ]


def count_households(session: Session) -> int:
    return session.scalar(select(func.count(Household.id)).where(Household.void_id.is_(None))) or 0


@dataclass(frozen=True)
class HouseholdFilter:
    status: HouseholdStatus | None = None
    category: Category | None = None
    org: str | None = None
    area_code: str | None = None
    limit: int | None = None


def filter_conditions(session: Session, where: HouseholdFilter) -> list[ColumnElement[bool]]:
    """The conditions a household filter sets, for lists and exports alike."""
    conditions: list[ColumnElement[bool]] = [Household.void_id.is_(None)]
    if where.status is not None:
        conditions.append(Household.status == where.status.value)
    if where.category is not None:
        conditions.append(Household.category == where.category.value)
    if where.area_code is not None:
        conditions.append(Household.area_code == where.area_code)
    union = scoped_org(session, where.org)
    if union is not None:
        conditions.append(within(union))
    return conditions


def list_households(session: Session, *, where: HouseholdFilter) -> tuple[list[HouseholdRow], int]:
    """The matching households (up to ``limit``) and how many match in all."""
    query = _rows_query()
    conditions = filter_conditions(session, where)
    for condition in conditions:
        query = query.where(condition)
    total_query = select(func.count(Household.id)).join(Org, Org.id == Household.org_id)
    for condition in conditions:
        total_query = total_query.where(condition)
    total = session.scalar(total_query) or 0
    if where.limit:
        query = query.limit(where.limit)
    return _to_rows(session, query), total


def find_households(session: Session, *, text: str, limit: int | None = None) -> list[HouseholdRow]:
    """Households whose members' names or address hold ``text``, or whose archive number,
    member's ID number or phone it is.

    Numbers match only in full (an ID number of 18 characters, or the 15-digit original;
    an 11-digit mobile number): a search that matched the end or the middle of a number
    would tell anyone who can search the digits the masks hide, a few at a time.
    """
    needle = text.strip()
    if not needle:
        raise InvalidInput(_("give something to find: a name, an ID number, a phone, an address"))
    member_match = [Member.name.contains(needle, autoescape=True)]
    number = as_id_number(needle.replace(" ", ""))
    if number is not None:
        member_match.append(Member.id_number == number)
    phone = _as_phone(needle)
    if phone is not None:
        member_match.append(Member.phone == phone)
    matching = select(Member.household_id).where(or_(*member_match))
    query = _rows_query().where(
        or_(
            Household.id.in_(matching),
            Household.archive_no == needle,
            Household.address.contains(needle, autoescape=True),
        )
    )
    if limit:
        query = query.limit(limit)
    return _to_rows(session, query)


def _as_phone(text: str) -> str | None:
    try:
        return parse_phone(text)
    except PhoneError:
        return None


@dataclass(frozen=True)
class MemberRow:
    name: str
    relation: str
    id_number: str
    sex: str
    birth_date: dt.date
    phone: str | None
    employer: str | None
    identity: str | None
    health: str
    schooling: str
    monthly_income_fen: int
    admitted_level: str | None
    admitted_year: int | None
    joined_on: dt.date | None = None
    joined_reason: str | None = None
    left_on: dt.date | None = None
    left_reason: str | None = None


@dataclass(frozen=True)
class HouseholdDetail:
    code: str
    archive_no: str | None
    status: str
    category: str | None
    main_cause: str | None
    secondary_causes: list[str]
    org: str
    org_code: str
    area_code: str
    address: str
    housing_type: str | None
    housing_area_m2: Decimal | None
    registered_on: dt.date
    updated_at: dt.datetime
    monthly_income_fen: int
    members: list[MemberRow]
    #: A duplicate registration merged into another household (一户一档): that one's code.
    merged_into: str | None = None


def household_detail(session: Session, household: Household) -> HouseholdDetail:
    org = session.get(Org, household.org_id)
    assert org is not None
    # The head first, then the others; those who left come last, kept as its history.
    members = sorted(
        household.members,
        key=lambda m: (m.left_on is not None, m.relation != Relation.HEAD, m.id),
    )
    here = [m for m in members if present(m.joined_on, m.left_on, dt.date.today())]
    return HouseholdDetail(
        code=household_code(household.id),
        archive_no=household.archive_no,
        merged_into=household_code(household.merged_into_id)
        if household.merged_into_id is not None
        else None,
        status=household.status,
        category=household.category,
        main_cause=household.main_cause,
        secondary_causes=[c.cause for c in household.secondary_causes],
        org=org.name,
        org_code=org.code,
        area_code=household.area_code,
        address=household.address,
        housing_type=household.housing_type,
        housing_area_m2=household.housing_area_m2,
        registered_on=household.registered_on,
        updated_at=household.updated_at,
        monthly_income_fen=sum(m.monthly_income_fen for m in here),
        members=[
            MemberRow(
                name=m.name,
                relation=m.relation,
                id_number=m.id_number,
                sex=m.sex,
                birth_date=m.birth_date,
                phone=m.phone,
                employer=m.employer,
                identity=m.identity,
                health=m.health,
                schooling=m.schooling,
                monthly_income_fen=m.monthly_income_fen,
                admitted_level=m.admitted_level,
                admitted_year=m.admitted_year,
                joined_on=m.joined_on,
                joined_reason=m.joined_reason,
                left_on=m.left_on,
                left_reason=m.left_reason,
            )
            for m in members
        ],
    )


def record_reveal(session: Session, *, households: Sequence[str], why: str | None) -> None:
    """Audit that full ID numbers and phones of these households were shown.

    The first REVEAL_LISTED codes are kept, and the count of all: enough to
    say who saw what without one huge row for a whole register.
    """
    listed = list(households[:REVEAL_LISTED])
    audit.record(
        session,
        action="reveal",
        entity="household",
        entity_ref=households[0] if len(households) == 1 else f"{len(households)} households",
        household_id=int(households[0][1:]) if len(households) == 1 else None,
        changes={"households": listed, "count": len(households), "why": why}
        if len(households) > REVEAL_LISTED
        else {"households": listed, "why": why},
    )
