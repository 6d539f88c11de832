"""结对帮扶: pair archived households with a responsible unit and a contact person, log the
contact person's visits, and measure coverage (全覆盖) up the union tree.

A pairing runs from ``started_on`` up to, not including, ``ended_on``; a
household has at most one active pairing, and its pairings never overlap, so
"paired on day D" has one answer for every day. Coverage reads the register
as it stood on a day: a household counts when its status on that day (the
latest status change up to it) is ``archived``.

A paired household is overdue for a visit when neither a visit nor the start
of its current pairing falls within the policy's visit interval
(``pair_visit_days``, 90 by default) before the day: a newly paired or
re-paired household counts from the day it was paired.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from sqlalchemy import Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from kunnan.domain.codes import household_code
from kunnan.domain.enums import HouseholdStatus, PairingStatus, Relation
from kunnan.domain.errors import Conflict, InvalidInput, RuleViolation
from kunnan.models import Household, Member, Org, Pairing, PairVisit
from kunnan.schemas.pairing import PairingCreate, VisitCreate
from kunnan.services import audit
from kunnan.services.orgs import UNION_KINDS, find_org, within
from kunnan.services.policy import setting_value
from kunnan.services.status import statuses_on

VISIT_INTERVAL_SETTING = "pair_visit_days"


def _assign_hint(code: str) -> str:
    return f"kunnan pair assign {code} --unit … --contact … --phone …"


def active_pairing(session: Session, household: Household) -> Pairing | None:
    """The household's current pairing, or None when it has no responsible unit now."""
    return session.scalars(
        select(Pairing).where(Pairing.household_id == household.id, Pairing.ended_on.is_(None))
    ).first()


def pairing_on(session: Session, household: Household, day: dt.date) -> Pairing | None:
    """The pairing a visit on ``day`` belongs to (on a reassignment day, the new one)."""
    return session.scalars(
        select(Pairing)
        .where(
            Pairing.household_id == household.id,
            Pairing.started_on <= day,
            or_(Pairing.ended_on.is_(None), Pairing.ended_on >= day),
        )
        .order_by(Pairing.started_on.desc(), Pairing.id.desc())
        .limit(1)
    ).first()


def _require_archived(household: Household, on: dt.date) -> None:
    code = household_code(household.id)
    if household.status != HouseholdStatus.ARCHIVED.value:
        status = HouseholdStatus(household.status)
        hint = None
        if status in (HouseholdStatus.CANDIDATE, HouseholdStatus.IDENTIFYING):
            hint = f"it is archived after the seven identification steps: kunnan identify status {code}"
        raise RuleViolation(
            f"{code} is {status.value} ({status.zh}); only archived households are paired",
            hint=hint,
        )
    if household.archived_on is not None and on < household.archived_on:
        raise RuleViolation(
            f"{code} was archived on {household.archived_on.isoformat()}; "
            f"it cannot be paired on {on.isoformat()}, before that"
        )


def _unit(session: Session, ref: str) -> Org:
    return find_org(session, ref)


def unit_of(session: Session, pairing: Pairing) -> Org:
    """The responsible unit of a pairing."""
    unit = session.get(Org, pairing.unit_id)
    assert unit is not None
    return unit


def assign(session: Session, household: Household, *, data: PairingCreate, on: dt.date) -> Pairing:
    """Pair an archived household that has no active pairing."""
    code = household_code(household.id)
    _require_archived(household, on)
    current = active_pairing(session, household)
    if current is not None:
        unit = unit_of(session, current)
        raise Conflict(
            f"{code} is already paired with {unit.name} ({current.contact_name}) "
            f"since {current.started_on.isoformat()}",
            hint=f"to change its unit or contact person: kunnan pair reassign {code} …",
        )
    last_end = session.scalar(
        select(func.max(Pairing.ended_on)).where(Pairing.household_id == household.id)
    )
    if last_end is not None and on < last_end:
        raise RuleViolation(
            f"{code} was paired until {last_end.isoformat()}; "
            f"a new pairing starts on that day or later, not {on.isoformat()}"
        )
    unit = _unit(session, data.unit)
    pairing = _start(session, household, unit=unit, data=data, on=on)
    audit.record(
        session,
        action="create",
        entity="pairing",
        entity_ref=code,
        household_id=household.id,
        changes={"unit": unit.code, "contact": data.contact, "phone": data.phone, "on": on},
    )
    return pairing


def _start(
    session: Session, household: Household, *, unit: Org, data: PairingCreate, on: dt.date
) -> Pairing:
    pairing = Pairing(
        household_id=household.id,
        unit_id=unit.id,
        contact_name=data.contact,
        contact_phone=data.phone,
        started_on=on,
        created_at=audit.context(session).at,
    )
    session.add(pairing)
    session.flush()
    return pairing


def _check_end(session: Session, code: str, current: Pairing, on: dt.date, what: str) -> None:
    if on < current.started_on:
        raise RuleViolation(
            f"{code} has been paired since {current.started_on.isoformat()}; "
            f"{what} on {on.isoformat()} would be before that"
        )
    last_visit = session.scalar(
        select(func.max(PairVisit.visited_on)).where(PairVisit.pairing_id == current.id)
    )
    if last_visit is not None and on < last_visit:
        raise RuleViolation(
            f"{current.contact_name} visited {code} on {last_visit.isoformat()}; "
            f"{what} on {on.isoformat()} would be before that visit"
        )


def reassign(
    session: Session,
    household: Household,
    *,
    data: PairingCreate,
    on: dt.date,
    reason: str | None = None,
) -> tuple[Pairing, Pairing]:
    """End the current pairing on ``on`` and start a new one that day; return (old, new)."""
    code = household_code(household.id)
    current = active_pairing(session, household)
    if current is None:
        raise RuleViolation(
            f"{code} is not paired, so there is nothing to reassign", hint=_assign_hint(code)
        )
    _require_archived(household, on)
    _check_end(session, code, current, on, "a reassignment")
    unit = _unit(session, data.unit)
    old_unit = unit_of(session, current)
    same = (current.unit_id, current.contact_name, current.contact_phone) == (
        unit.id,
        data.contact,
        data.phone,
    )
    if same:
        raise InvalidInput(
            f"{code} is already paired with {unit.name} ({data.contact}) at that number; "
            "nothing to change"
        )
    why = reason or "reassigned"
    current.ended_on = on
    current.end_reason = why
    session.flush()  # the old pairing is closed before the new one opens (one active per household)
    new = _start(session, household, unit=unit, data=data, on=on)
    audit.record(
        session,
        action="reassign",
        entity="pairing",
        entity_ref=code,
        household_id=household.id,
        changes={
            "unit": (old_unit.code, unit.code),
            "contact": (current.contact_name, data.contact),
            "phone": (current.contact_phone, data.phone),
            "on": on,
            "reason": why,
        },
    )
    return current, new


def end_active_pairing(
    session: Session, household: Household, *, on: dt.date, reason: str
) -> Pairing | None:
    """End the household's active pairing on ``on``; None when it has none.

    Exits call this to end the pairing of a household leaving the register.
    RuleViolation when ``on`` is before the pairing began; InvalidInput when
    no reason is given.
    """
    current = active_pairing(session, household)
    if current is None:
        return None
    code = household_code(household.id)
    if not reason.strip():
        raise InvalidInput("--reason: say why the pairing ends")
    _check_end(session, code, current, on, "ending it")
    current.ended_on = on
    current.end_reason = reason
    unit = unit_of(session, current)
    audit.record(
        session,
        action="end",
        entity="pairing",
        entity_ref=code,
        household_id=household.id,
        changes={"unit": unit.code, "contact": current.contact_name, "on": on, "reason": reason},
    )
    return current


def end_pairing(session: Session, household: Household, *, on: dt.date, reason: str) -> Pairing:
    """``pair end``: like end_active_pairing, but a household with no pairing is refused."""
    ended = end_active_pairing(session, household, on=on, reason=reason)
    if ended is None:
        code = household_code(household.id)
        raise RuleViolation(f"{code} is not paired, so there is no pairing to end")
    return ended


def log_visit(
    session: Session, household: Household, *, data: VisitCreate, on: dt.date
) -> PairVisit:
    """Log a visit or call to a household under the pairing in force that day."""
    code = household_code(household.id)
    pairing = pairing_on(session, household, on)
    if pairing is None:
        current = active_pairing(session, household)
        if current is None:
            raise RuleViolation(
                f"{code} is not paired; visits are logged by its contact person once it is",
                hint=_assign_hint(code),
            )
        raise RuleViolation(
            f"{code} was not paired on {on.isoformat()} "
            f"(its pairing began on {current.started_on.isoformat()})"
        )
    visit = PairVisit(
        pairing_id=pairing.id,
        household_id=household.id,
        visited_on=on,
        visitor=data.by or pairing.contact_name,
        kind=data.kind.value,
        note=data.note,
        solved=data.solved or None,
        recorded_at=audit.context(session).at,
    )
    session.add(visit)
    session.flush()
    audit.record(
        session,
        action="create",
        entity="pair_visit",
        entity_ref=code,
        household_id=household.id,
        changes={
            "on": on,
            "by": visit.visitor,
            "kind": visit.kind,
            "note": visit.note,
            "solved": visit.solved,
        },
    )
    return visit


def visit_interval(session: Session, *, on: dt.date) -> int:
    """The visit interval in days in force on a day (policy ``pair_visit_days``)."""
    return int(setting_value(session, VISIT_INTERVAL_SETTING, on=on))


# Reading -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PairingRow:
    code: str
    archive_no: str | None
    head_name: str
    org: str
    unit: str
    unit_code: str
    contact: str
    contact_phone: str
    status: str
    started_on: dt.date
    ended_on: dt.date | None
    end_reason: str | None
    visits: int
    last_visit_on: dt.date | None
    next_visit_due: dt.date | None
    visit_overdue: bool | None


@dataclass(frozen=True)
class PairingFilter:
    unit: str | None = None
    contact: str | None = None
    org: str | None = None
    household: Household | None = None
    include_ended: bool = False


def list_pairings(
    session: Session, *, where: PairingFilter, today: dt.date
) -> Sequence[PairingRow]:
    """Pairings (active ones unless ``include_ended``), with their visits and when the next is due."""
    head = aliased(Member)
    union = aliased(Org)
    unit = aliased(Org)
    visits = (
        select(
            PairVisit.pairing_id,
            func.count().label("visits"),
            func.max(PairVisit.visited_on).label("last_on"),
        )
        .group_by(PairVisit.pairing_id)
        .subquery()
    )
    query = (
        select(
            Pairing.household_id,
            Household.archive_no,
            head.name,
            union.name,
            unit.name,
            unit.code,
            Pairing.contact_name,
            Pairing.contact_phone,
            Pairing.started_on,
            Pairing.ended_on,
            Pairing.end_reason,
            func.coalesce(visits.c.visits, 0),
            visits.c.last_on,
        )
        .join(Household, Household.id == Pairing.household_id)
        .join(head, and_(head.household_id == Household.id, head.relation == Relation.HEAD.value))
        .join(union, union.id == Household.org_id)
        .join(unit, unit.id == Pairing.unit_id)
        .outerjoin(visits, visits.c.pairing_id == Pairing.id)
        .order_by(Pairing.household_id, Pairing.started_on, Pairing.id)
    )
    if where.unit is not None:
        query = query.where(within(find_org(session, where.unit), unit.path.expression))
    if where.org is not None:
        query = query.where(within(find_org(session, where.org), union.path.expression))
    if where.contact is not None:
        query = query.where(Pairing.contact_name == where.contact)
    if where.household is not None:
        query = query.where(Pairing.household_id == where.household.id)
    if not where.include_ended:
        query = query.where(Pairing.ended_on.is_(None))
    interval = dt.timedelta(days=visit_interval(session, on=today))
    rows = []
    for (hid, archive_no, head_name, org_name, unit_name, unit_code, contact, phone, started,
         ended, reason, count, last_on) in session.execute(query):  # fmt: skip
        due = None if ended is not None else max(last_on or started, started) + interval
        rows.append(
            PairingRow(
                code=household_code(hid),
                archive_no=archive_no,
                head_name=head_name,
                org=org_name,
                unit=unit_name,
                unit_code=unit_code,
                contact=contact,
                contact_phone=phone,
                status=(PairingStatus.ACTIVE if ended is None else PairingStatus.ENDED).value,
                started_on=started,
                ended_on=ended,
                end_reason=reason,
                visits=count,
                last_visit_on=last_on,
                next_visit_due=due,
                visit_overdue=None if due is None else due < today,
            )
        )
    return rows


@dataclass(frozen=True)
class VisitRow:
    visited_on: dt.date
    kind: str
    visitor: str
    contact: str
    unit: str
    note: str
    solved: str | None


def visits_of(session: Session, household: Household) -> Sequence[VisitRow]:
    """Every visit logged for a household, oldest first, with the pairing it belongs to."""
    query = (
        select(
            PairVisit.visited_on,
            PairVisit.kind,
            PairVisit.visitor,
            Pairing.contact_name,
            Org.name,
            PairVisit.note,
            PairVisit.solved,
        )
        .join(Pairing, Pairing.id == PairVisit.pairing_id)
        .join(Org, Org.id == Pairing.unit_id)
        .where(PairVisit.household_id == household.id)
        .order_by(PairVisit.visited_on, PairVisit.id)
    )
    return [VisitRow(*row) for row in session.execute(query)]


def archived_households_on(on: dt.date) -> Select[int]:
    """Ids of households whose status on ``on`` (their latest change up to that day) is archived."""
    day = statuses_on(on).subquery()
    return select(day.c.household_id).where(day.c.status == HouseholdStatus.ARCHIVED.value)


def _paired_on(on: dt.date) -> Select[int]:
    return select(Pairing.id).where(
        Pairing.household_id == Household.id,
        Pairing.started_on <= on,
        or_(Pairing.ended_on.is_(None), Pairing.ended_on > on),
    )


def _by_union(session: Session, on: dt.date, interval_days: int) -> dict[int, tuple[int, int, int]]:
    """Each union's own archived households on ``on``: how many, paired, overdue for a visit.

    One pass over the households archived that day, grouped by their union; the tree's
    roll-up is done on these few rows."""
    cutoff = on - dt.timedelta(days=interval_days)
    recent_visit = exists().where(
        PairVisit.household_id == Household.id,
        PairVisit.visited_on >= cutoff,
        PairVisit.visited_on <= on,
    )
    overdue = exists(_paired_on(on).where(Pairing.started_on < cutoff)) & ~recent_visit
    day = statuses_on(on).subquery()
    query = (
        select(
            Household.org_id,
            func.count(),
            func.coalesce(func.sum(case((exists(_paired_on(on)), 1), else_=0)), 0),
            func.coalesce(func.sum(case((overdue, 1), else_=0)), 0),
        )
        .join(day, day.c.household_id == Household.id)
        .where(day.c.status == HouseholdStatus.ARCHIVED.value)
        .group_by(Household.org_id)
    )
    return {
        org_id: (int(archived), int(paired), int(late))
        for org_id, archived, paired, late in session.execute(query)
    }


@dataclass(frozen=True)
class Coverage:
    """Pairing coverage of one union (with those under it), or of the whole register."""

    org_code: str | None
    org: str
    kind: str | None
    depth: int
    archived: int
    paired: int
    unpaired: int
    covered_pct: Decimal | None
    visit_overdue: int

    @property
    def full(self) -> bool:
        return self.paired == self.archived


def _figures(
    org_code: str | None,
    name: str,
    kind: str | None,
    depth: int,
    archived: int,
    paired: int,
    overdue: int,
) -> Coverage:
    pct = None
    if archived:
        pct = (Decimal(paired * 100) / Decimal(archived)).quantize(
            Decimal("0.1"), rounding=ROUND_DOWN
        )  # down, so 100.0 means every household is paired
    return Coverage(org_code, name, kind, depth, archived, paired, archived - paired, pct, overdue)


def coverage(
    session: Session, *, on: dt.date, org: Org | None = None
) -> tuple[list[Coverage], Coverage]:
    """Coverage on ``on`` of every union in scope (each including those under it), and overall.

    Overall is the whole register, or ``org`` with everything under it.
    """
    own = _by_union(session, on, visit_interval(session, on=on))
    paths = {row.id: row.path for row in session.execute(select(Org.id, Org.path))} if own else {}
    figures: dict[int, tuple[int, int, int]] = {}
    for org_id, counts in own.items():
        for ancestor in _ids(paths[org_id]):  # the union itself and every union above it
            figures[ancestor] = _plus(figures.get(ancestor, (0, 0, 0)), counts)
    unions = select(Org).where(Org.kind.in_([kind.value for kind in UNION_KINDS]))
    if org is not None:
        unions = unions.where(within(org))
    rows = []
    for union in sorted(session.scalars(unions), key=lambda o: tree_key(o.path)):
        archived, paired, overdue = figures.get(union.id, (0, 0, 0))
        depth = union.path.count("/") - 2 - (org.path.count("/") - 2 if org else 0)
        rows.append(_figures(union.code, union.name, union.kind, depth, archived, paired, overdue))
    total = (0, 0, 0)
    if org is not None:
        total = figures.get(org.id, total)
    else:
        for counts in own.values():
            total = _plus(total, counts)
    overall = _figures(
        org.code if org else None,
        org.name if org else "overall",
        org.kind if org else None,
        0,
        *total,
    )
    return rows, overall


def _plus(a: tuple[int, int, int], b: tuple[int, int, int]) -> tuple[int, int, int]:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def _ids(path: str) -> list[int]:
    """The ids along a materialised path, "/1/4/9/" → [1, 4, 9]."""
    return [int(part) for part in path.strip("/").split("/")]


def coverage_of(session: Session, *, org: Org, on: dt.date) -> Coverage:
    """One union's coverage on a day, including the unions under it."""
    return coverage(session, on=on, org=org)[1]


def tree_key(path: str) -> tuple[int, ...]:
    """Sorts organisations so that each comes right before those under it."""
    return tuple(int(part) for part in path.strip("/").split("/"))


@dataclass(frozen=True)
class UnpairedRow:
    code: str
    archive_no: str | None
    head_name: str
    org: str
    category: str | None
    main_cause: str | None
    archived_on: dt.date | None
    unpaired_since: dt.date | None
    last_unit: str | None
    last_contact: str | None


def unpaired(session: Session, *, on: dt.date, org: Org | None = None) -> Sequence[UnpairedRow]:
    """Households archived on ``on`` with no pairing that day, oldest first."""
    head = aliased(Member)
    last = aliased(Pairing)
    last_pairing = (
        select(last.id)
        .where(last.household_id == Household.id, last.ended_on <= on)
        .order_by(last.ended_on.desc(), last.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    unit = aliased(Org)
    previous = aliased(
        Pairing
    )  # the last ended pairing, shown; Pairing itself stays for _paired_on
    query = (
        select(
            Household.id,
            Household.archive_no,
            head.name,
            Org.name,
            Household.category,
            Household.main_cause,
            Household.archived_on,
            previous.ended_on,
            unit.name,
            previous.contact_name,
        )
        .join(head, and_(head.household_id == Household.id, head.relation == Relation.HEAD.value))
        .join(Org, Org.id == Household.org_id)
        .outerjoin(previous, previous.id == last_pairing)
        .outerjoin(unit, unit.id == previous.unit_id)
        .where(Household.id.in_(archived_households_on(on)))
        .where(~exists(_paired_on(on)))
        .order_by(Household.id)
    )
    if org is not None:
        query = query.where(within(org))
    rows = []
    for (hid, archive_no, head_name, org_name, category, cause, archived_on, ended_on,
         unit_name, contact) in session.execute(query):  # fmt: skip
        known = [day for day in (archived_on, ended_on) if day is not None]
        rows.append(
            UnpairedRow(
                code=household_code(hid),
                archive_no=archive_no,
                head_name=head_name,
                org=org_name,
                category=category,
                main_cause=cause,
                archived_on=archived_on,
                unpaired_since=max(known) if known else None,
                last_unit=unit_name,
                last_contact=contact,
            )
        )
    return rows


def record_contact_reveal(session: Session, *, contacts: Sequence[str], why: str | None) -> None:
    """Audit that contact persons' full phone numbers were shown."""
    names = sorted(set(contacts))
    audit.record(
        session,
        action="reveal",
        entity="pairing",
        entity_ref=names[0] if len(names) == 1 else f"{len(names)} contacts",
        changes={"contacts": names, "why": why},
    )
