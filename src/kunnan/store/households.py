"""Finding a household and its members by what a caseworker types: a code, an archive number, a
head worker's ID number; for one household or a whole batch."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Sequence
from typing import Protocol, TypeVar

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from kunnan.db.locks import hold_register
from kunnan.db.session import ROW_LOCK, locked
from kunnan.domain.codes import household_code
from kunnan.domain.enums import Relation
from kunnan.domain.errors import (
    InvalidInput,
    KunnanError,
    NotFound,
    PermissionDenied,
    RuleViolation,
)
from kunnan.domain.idnumber import IdNumberError, parse_id_number
from kunnan.domain.masking import mask_id_number
from kunnan.domain.members import MemberDates, Roster, absence_refusal
from kunnan.domain.voids import merged_refusal
from kunnan.i18n import _
from kunnan.models import Household, Member, Org
from kunnan.store.operators import out_of_scope, scope_of

#: A household code as typed: ASCII or full-width digits (never other scripts' digits).
_CODE = re.compile(r"[Hh]([0-9０-９]{1,12})")


def resolve_household(
    session: Session, ref: str, *, lock: bool = False, merged: bool = False
) -> Household:
    """A household by its code (H000123), its archive number, or its head's ID number.

    A duplicate merged into another household (一户一档) is refused, naming the household it
    was merged into, unless ``merged`` (reading its record, merging).

    With ``lock`` its row is held until the command ends (``SELECT … FOR NO KEY UPDATE`` on
    PostgreSQL), and read afresh once held: commands that change a household or pay it
    take this lock first, so two of them on one household queue. The register is taken
    shared before it (``db.locks``: households before funds before the chain head).
    """
    if lock:
        hold_register(session, whole=False)
    text = ref.strip()
    match = _CODE.fullmatch(text)
    if match:
        by_code = session.get(Household, int(match[1]), **locked(lock))
        if by_code is None:
            raise _no_code(int(match[1]))
        return _standing(session, by_code, merged)
    household = _by_archive_or_head(session, text)
    if lock:
        session.refresh(household, with_for_update=ROW_LOCK)
    return _standing(session, household, merged)


def _standing(session: Session, household: Household, merged: bool) -> Household:
    refused = _merged(household.id, household.merged_into_id)
    if isinstance(refused, KunnanError) and not merged:
        raise refused
    _check_scope(session, [household.id])
    return household


def _check_scope(session: Session, ids: Sequence[int]) -> dict[int, str]:
    """The households of ``ids`` outside the command's operator's union, with why; for one
    household, refused at once."""
    if scope_of(session) is None or not ids:
        return {}
    unions = {
        household_id: (path, name)
        for household_id, path, name in session.execute(
            select(Household.id, Org.path, Org.name)
            .join(Org, Org.id == Household.org_id)
            .where(Household.id.in_(list(ids)))
        )
    }
    refused = out_of_scope(session, unions)
    if len(ids) == 1 and refused:
        raise PermissionDenied(next(iter(refused.values())))
    return refused


def resolve_households(session: Session, refs: Sequence[str]) -> dict[str, int | KunnanError]:
    """Many references at once (imports): each as ``resolve_household`` reads it, to the
    household's id or the error ``resolve_household`` would raise (a household outside the
    operator's union among them)."""
    found = _resolve_households(session, refs)
    ids = [value for value in found.values() if isinstance(value, int)]
    refused = _check_scope(session, ids) if len(ids) != 1 else _scope_of_one(session, ids)
    for ref, value in found.items():
        if isinstance(value, int) and value in refused:
            found[ref] = PermissionDenied(refused[value])
    return found


def _scope_of_one(session: Session, ids: Sequence[int]) -> dict[int, str]:
    try:
        return _check_scope(session, ids)
    except PermissionDenied as error:
        return {ids[0]: str(error)}


def _resolve_households(session: Session, refs: Sequence[str]) -> dict[str, int | KunnanError]:
    """The references found, in four statements."""
    texts = {ref: ref.strip() for ref in refs}
    codes = {ref: int(m[1]) for ref, text in texts.items() if (m := _CODE.fullmatch(text))}
    found: dict[str, int | KunnanError] = {}
    if codes:
        known: dict[int, int | None] = dict(
            session.execute(
                select(Household.id, Household.merged_into_id).where(
                    Household.id.in_(set(codes.values()))
                )
            ).all()
        )
        for ref, household_id in codes.items():
            found[ref] = (
                _no_code(household_id)
                if household_id not in known
                else _merged(household_id, known[household_id])
            )
    others = {ref: text for ref, text in texts.items() if ref not in codes}
    if not others:
        return found
    archives = {
        archive_no: (household_id, into)
        for archive_no, household_id, into in session.execute(
            select(Household.archive_no, Household.id, Household.merged_into_id).where(
                Household.archive_no.in_(set(others.values()))
            )
        )
    }
    numbers = {ref: as_id_number(text) for ref, text in others.items()}
    wanted = {number for number in numbers.values() if number is not None}
    people = (
        {
            number: (relation, household_id)
            for number, relation, household_id in session.execute(
                select(Member.id_number, Member.relation, Member.household_id).where(
                    Member.id_number.in_(wanted)
                )
            )
        }
        if wanted
        else {}
    )
    merged_into: dict[int, int | None] = (
        dict(
            session.execute(
                select(Household.id, Household.merged_into_id).where(
                    Household.id.in_({household_id for _relation, household_id in people.values()}),
                    Household.merged_into_id.is_not(None),
                )
            ).all()
        )
        if people
        else {}
    )
    for ref, text in others.items():
        number = numbers[ref]
        if text in archives:
            found[ref] = _merged(*archives[text])
        elif number is not None and number in people:
            relation, household_id = people[number]
            found[ref] = (
                _merged(household_id, merged_into.get(household_id))
                if relation == Relation.HEAD.value
                else _not_a_head(number, household_id)
            )
        else:
            found[ref] = _no_household(text)
    return found


def _merged(household_id: int, into: int | None) -> int | KunnanError:
    """The household's id, or the refusal of a duplicate merged into another."""
    if into is None:
        return household_id
    return RuleViolation(merged_refusal(household_code(household_id), household_code(into)))


def _no_code(household_id: int) -> NotFound:
    return NotFound(_("no household {code}", code=household_code(household_id)))


def no_household(household_id: int) -> NotFound:
    """The refusal for an id that is no household's, as ``resolve_household`` words it: for
    bulk paths, which are handed ids."""
    return _no_code(household_id)


def _no_household(text: str) -> NotFound:
    return NotFound(
        _("no household '{text}'", text=text),
        hint=_("give its code (H000123), archive number or head's ID number"),
    )


def _not_a_head(number: str, household_id: int) -> NotFound:
    return NotFound(
        _(
            "ID number {number} belongs to a member of {code}, not to a head worker",
            number=mask_id_number(number, today=dt.date.today()),
            code=household_code(household_id),
        )
    )


def _by_archive_or_head(session: Session, text: str) -> Household:
    if "\x00" in text:  # no archive number nor ID number holds one (PostgreSQL refuses it)
        raise _no_household(text.replace("\x00", "\\x00"))
    by_archive = session.scalars(select(Household).where(Household.archive_no == text)).first()
    if by_archive is not None:
        return by_archive
    number = as_id_number(text)
    member = (
        session.scalars(select(Member).where(Member.id_number == number)).first()
        if number is not None
        else None
    )
    if member is not None and number is not None:
        if member.relation == Relation.HEAD:
            return member.household
        raise _not_a_head(number, member.household_id)
    raise _no_household(text)


def as_id_number(text: str) -> str | None:
    """The normalised ID number if ``text`` is one, else None (birth dates are not judged here)."""
    if len(text.strip()) not in (15, 18):
        return None
    try:
        return parse_id_number(text, today=dt.date.max).value
    except IdNumberError:
        return None


def head_of(household: Household) -> Member:
    for member in household.members:
        if member.relation == Relation.HEAD:
            return member
    raise RuntimeError(f"household {household.id} has no head")


class Person(Protocol):
    """What picking a member by reference reads of a member (a model, or a batch's row)."""

    @property
    def name(self) -> str: ...
    @property
    def id_number(self) -> str: ...
    @property
    def relation(self) -> str: ...


P = TypeVar("P", bound=Person)


def find_member(household: Household, ref: str) -> Member:
    """A member by ID number, by name (if unique in the household), or ``head``."""
    return pick_member(household.members, ref, household_code(household.id))


def pick_member(members: Sequence[P], ref: str, code: str) -> P:
    """``find_member`` over any members: by ID number, by name (if unique), or ``head``."""
    text = ref.strip()
    if text.lower() in ("head", "户主"):
        for member in members:
            if member.relation == Relation.HEAD:
                return member
        raise RuntimeError(f"household {code} has no head")
    number = as_id_number(text)
    for member in members:
        if number is not None and member.id_number == number:
            return member
    named = [member for member in members if member.name == text]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        raise InvalidInput(
            _(
                "{code} has {n} members named '{text}'; give the ID number",
                code=code,
                n=len(named),
                text=text,
            )
        )
    raise NotFound(_("{code} has no member '{text}'", code=code, text=text))


def present_on(day: dt.date) -> ColumnElement[bool]:
    """Members who belong to their household on ``day``: ``domain.members.present`` as SQL,
    for the queries that count the people of many households at once."""
    return and_(
        or_(Member.joined_on.is_(None), Member.joined_on <= day),
        or_(Member.left_on.is_(None), Member.left_on > day),
    )


def check_present(member: Member, day: dt.date, *, what: str) -> None:
    """Refuse ``what`` (a loan, a placement, a case) for a member who had not joined the
    household on ``day`` or had left it (``domain.members.absence_refusal``)."""
    refusal = absence_refusal(
        MemberDates(member.name, member.relation, member.joined_on, member.left_on), day, what=what
    )
    if refusal is not None:
        raise RuleViolation(refusal)


def rosters(session: Session, household_ids: Collection[int]) -> dict[int, Roster]:
    """Each household's members with their incomes and dates (``domain.members.Roster``), in
    one query: what an income test of any day reads (``domain.members.earned_on``)."""
    found: dict[int, Roster] = {household_id: [] for household_id in household_ids}
    if not found:
        return found
    for household_id, income, joined, left in session.execute(
        select(
            Member.household_id, Member.monthly_income_fen, Member.joined_on, Member.left_on
        ).where(Member.household_id.in_(list(found)))
    ):
        found[household_id].append((int(income), joined, left))
    return found
