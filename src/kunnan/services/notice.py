"""公示: the lists posted on the wall during a public notice, built from a whitelist of fields.

A notice may show only what a ``NoticeLine`` holds: a masked name, the union,
the category (or, for aid, the programme and amount), the household's size
with children under 14 as a count, and the notice dates. ID numbers, phones,
addresses, incomes, illnesses and children's names never reach it, because
nothing else is ever read into a line.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from kunnan.domain.codes import household_code
from kunnan.domain.enums import Relation, Step
from kunnan.domain.errors import InvalidInput, NotFound
from kunnan.domain.identification import notice_end
from kunnan.domain.masking import mask_name
from kunnan.i18n import _
from kunnan.models import (
    AidEntry,
    Household,
    IdentificationCase,
    IdentificationStep,
    Member,
    Org,
    Program,
)
from kunnan.store.households import resolve_household
from kunnan.store.orgs import within

CHILD_AGE = 14


@dataclass(frozen=True)
class NoticeLine:
    """Everything a notice may show about one household or grant, and nothing more."""

    name: str
    org: str
    category: str | None
    people: int
    children_under_14: int
    program: str | None
    amount_fen: int | None
    notice_from: dt.date
    notice_until: dt.date


def _child_on(birth: dt.date, day: dt.date) -> bool:
    try:
        fourteenth = birth.replace(year=birth.year + CHILD_AGE)
    except ValueError:  # born on 29 February
        fourteenth = dt.date(birth.year + CHILD_AGE, 3, 1)
    return day < fourteenth


def _people(session: Session, household_ids: list[int], day: dt.date) -> dict[int, tuple[int, int]]:
    """(members, children under 14 on ``day``) per household."""
    counts: dict[int, tuple[int, int]] = {}
    for household_id, birth in session.execute(
        select(Member.household_id, Member.birth_date).where(Member.household_id.in_(household_ids))
    ):
        people, children = counts.get(household_id, (0, 0))
        counts[household_id] = (people + 1, children + (1 if _child_on(birth, day) else 0))
    return counts


def identification_notice(
    session: Session,
    *,
    batch: dt.date | None = None,
    households: list[str] | None = None,
    org: Org | None = None,
) -> list[NoticeLine]:
    """The households of a notice batch (their 六公示 began on ``batch``), or the named households."""
    head = aliased(Member)
    query = (
        select(Household.id, head.name, Org.name, IdentificationStep.details, IdentificationCase.id)
        .join(IdentificationCase, IdentificationCase.household_id == Household.id)
        .join(IdentificationStep, and_(IdentificationStep.case_id == IdentificationCase.id,
                                       IdentificationStep.step == Step.PUBLICIZE.value,
                                       IdentificationStep.void_id.is_(None)))
        .join(head, and_(head.household_id == Household.id, head.relation == Relation.HEAD.value))
        .join(Org, Org.id == Household.org_id)
        .order_by(Org.path, Household.id)
    )  # fmt: skip
    if batch is not None:
        query = query.where(IdentificationStep.done_on == batch)
    elif households:
        ids = [resolve_household(session, ref).id for ref in households]
        latest = (
            select(func.max(IdentificationCase.id))
            .join(IdentificationStep, and_(IdentificationStep.case_id == IdentificationCase.id,
                                           IdentificationStep.step == Step.PUBLICIZE.value,
                                           IdentificationStep.void_id.is_(None)))
            .where(IdentificationCase.household_id.in_(ids))
            .group_by(IdentificationCase.household_id)
        )  # fmt: skip
        query = query.where(IdentificationCase.id.in_(latest))
        found = {row[0] for row in session.execute(query)}
        missing = [household_code(i) for i in ids if i not in found]
        if missing:
            raise NotFound(_("no public notice for {households}", households=", ".join(missing)))
    else:
        raise InvalidInput(_("give --batch DATE or --households HH,HH"))
    if org is not None:
        query = query.where(within(org))
    rows = list(session.execute(query))
    lines = []
    for household_id, name, org_name, details_text, case_id in rows:
        details = json.loads(details_text)
        start, until = (
            dt.date.fromisoformat(details["from"]),
            dt.date.fromisoformat(details["until"]),
        )
        people, children = _people(session, [household_id], start).get(household_id, (0, 0))
        lines.append(
            NoticeLine(
                name=mask_name(name), org=org_name, category=_proposed(session, case_id),
                people=people, children_under_14=children, program=None, amount_fen=None,
                notice_from=start, notice_until=until,
            )
        )  # fmt: skip
    return lines


def _proposed(session: Session, case_id: int) -> str | None:
    details = session.scalar(
        select(IdentificationStep.details).where(
            IdentificationStep.case_id == case_id,
            IdentificationStep.step == Step.CALCULATE.value,
            IdentificationStep.void_id.is_(None),
        )
    )
    return json.loads(details).get("proposed_category") if details else None


def aid_notice(
    session: Session, *, program: str, year: int, start: dt.date, days: int, org: Org | None = None
) -> list[NoticeLine]:
    """The grants of a programme and year that stand, for the notice of who received aid."""
    from kunnan.services.aid.grant import live_grants
    from kunnan.services.program import find_program

    chosen = find_program(session, program)
    head = aliased(Member)
    recipient = aliased(Member)
    query = (
        select(AidEntry.household_id, head.name, recipient.name, recipient.birth_date, Org.name,
               AidEntry.amount_fen, Program.name)
        .join(Household, Household.id == AidEntry.household_id)
        .join(head, and_(head.household_id == Household.id, head.relation == Relation.HEAD.value))
        .outerjoin(recipient, recipient.id == AidEntry.member_id)
        .join(Org, Org.id == Household.org_id)
        .join(Program, Program.code == AidEntry.program)
        .where(live_grants(), AidEntry.program == chosen.code, AidEntry.year == year)
        .order_by(Org.path, AidEntry.seq)
    )  # fmt: skip
    if org is not None:
        query = query.where(within(org))
    rows = list(session.execute(query))
    sizes = _people(session, [row[0] for row in rows if row[0] is not None], start)
    until = notice_end(start, days)
    lines = []
    for household_id, head_name, member_name, birth, org_name, amount, program_name in rows:
        child = birth is not None and _child_on(birth, start)
        shown = head_name if member_name is None or child else member_name
        people, children = sizes.get(household_id or 0, (0, 0))
        lines.append(
            NoticeLine(
                name=mask_name(shown), org=org_name, category=None, people=people,
                children_under_14=children, program=program_name, amount_fen=amount,
                notice_from=start, notice_until=until,
            )
        )  # fmt: skip
    return lines
