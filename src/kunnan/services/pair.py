"""结对帮扶: pair archived households with a responsible unit and a contact person, log the
contact person's visits, and measure coverage (全覆盖) up the union tree.

A pairing runs from ``started_on`` up to, not including, ``ended_on``; a
household has at most one active pairing, and its pairings never overlap, so
"paired on day D" has one answer for every day. Coverage reads the register
as it stood on a day: a household counts when its status on that day (the
latest status change up to it) is ``archived``.

Pairing, visiting and ending go one way for one household or many: the facts of
a whole batch (the households' standing, their pairings, the last visit under
each) are read in a few queries, each item is judged by the rules in
``kunnan.domain.pairing``, and the rows are written in bulk. ``pair assign``,
``pair visit`` and ``pair end`` are batches of one; the demo pairs thousands,
and an exit ends its household's pairing through the same ``end_many``.

A paired household is overdue for a visit when neither a visit nor the start
of its current pairing falls within the policy's visit interval
(``pair_visit_days``, 90 by default) before the day: a newly paired or
re-paired household counts from the day it was paired.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any, cast

from sqlalchemy import Select, Table, and_, bindparam, case, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from kunnan.db.bulk import insert_returning_ids, insert_rows
from kunnan.domain.codes import household_code
from kunnan.domain.enums import HouseholdStatus, PairingStatus, Relation
from kunnan.domain.errors import InvalidInput
from kunnan.domain.pairing import (
    Span,
    check_change,
    check_end,
    check_end_reason,
    check_pairable,
    check_reassign,
    check_start,
    nothing_to_end,
    visit_pairing,
)
from kunnan.i18n import _
from kunnan.models import AuditEntry, Household, Member, Org, Pairing, PairVisit
from kunnan.schemas.pairing import PairingCreate, VisitCreate
from kunnan.services.policy import setting_value
from kunnan.store import audit
from kunnan.store.households import no_household
from kunnan.store.orgs import UNION_KINDS, find_org, within
from kunnan.store.status import statuses_on

VISIT_INTERVAL_SETTING = "pair_visit_days"


@dataclass(frozen=True)
class VisitPlan:
    """A visit to log on a day, as ``pair visit`` takes it."""

    on: dt.date
    data: VisitCreate


@dataclass(frozen=True)
class PairingPlan:
    """A household to pair from a day, as ``pair assign`` takes it, and the visits logged
    under that pairing."""

    household_id: int
    data: PairingCreate
    on: dt.date
    visits: tuple[VisitPlan, ...] = ()


@dataclass(frozen=True)
class PairingEnd:
    """A household's active pairing to end on a day, for a reason."""

    household_id: int
    on: dt.date
    reason: str


def active_pairing(session: Session, household: Household) -> Pairing | None:
    """The household's current pairing, or None when it has no responsible unit now."""
    return session.scalars(
        select(Pairing).where(Pairing.household_id == household.id, Pairing.ended_on.is_(None))
    ).first()


def unit_of(session: Session, pairing: Pairing) -> Org:
    """The responsible unit of a pairing."""
    unit = session.get(Org, pairing.unit_id)
    assert unit is not None
    return unit


# The facts of a batch ------------------------------------------------------------------


def _spans(session: Session, household_ids: Iterable[int]) -> dict[int, list[Span]]:
    """Every pairing of each household, oldest first."""
    found: dict[int, list[Span]] = {}
    for household_id, pairing_id, started_on, ended_on, contact, unit in session.execute(
        select(
            Pairing.household_id, Pairing.id, Pairing.started_on, Pairing.ended_on,
            Pairing.contact_name, Org.name,
        )
        .join(Org, Org.id == Pairing.unit_id)
        .where(Pairing.household_id.in_(set(household_ids)))
        .order_by(Pairing.started_on, Pairing.id)
    ):  # fmt: skip
        span = Span(pairing_id, started_on, ended_on, contact, unit)
        found.setdefault(household_id, []).append(span)
    return found


def _last_visits(session: Session, pairing_ids: Iterable[int]) -> dict[int, dt.date]:
    """The day of the latest visit under each pairing that has one."""
    return dict(
        session.execute(
            select(PairVisit.pairing_id, func.max(PairVisit.visited_on))
            .where(PairVisit.pairing_id.in_(set(pairing_ids)), PairVisit.void_id.is_(None))
            .group_by(PairVisit.pairing_id)
        ).all()
    )


def _units(session: Session, refs: Iterable[str]) -> dict[str, Org]:
    """The organisations named by code or exact name, as ``find_org`` finds one."""
    wanted = {ref.strip() for ref in refs}
    found: dict[str, Org] = {}
    for org in session.scalars(
        select(Org).where(or_(Org.code.in_(wanted), Org.name.in_(wanted))).order_by(Org.id)
    ):
        for ref in (org.code, org.name):
            if ref in wanted:
                found.setdefault(ref, org)
    return found


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


# Pairing -------------------------------------------------------------------------------


def _pairing_row(
    household_id: int, unit: Org, data: PairingCreate, on: dt.date, at: dt.datetime
) -> dict[str, Any]:
    return {
        "household_id": household_id,
        "unit_id": unit.id,
        "contact_name": data.contact,
        "contact_phone": data.phone,
        "started_on": on,
        "ended_on": None,
        "end_reason": None,
        "created_at": at,
    }


def pair_many(session: Session, plans: Sequence[PairingPlan]) -> list[int]:
    """Pair each household and log the visits under its new pairing; the new pairings' ids.

    Each is judged as ``pair assign`` judges one (archived, not before its archive date,
    not paired now, not before its last pairing ended, a known unit) and each visit as
    ``pair visit`` does. Any refusal refuses the batch: the caller rolls back.
    """
    if not plans:
        return []
    ids = [plan.household_id for plan in plans]
    if len(set(ids)) != len(ids):
        raise InvalidInput(_("a household appears twice in one batch of pairings"))
    session.flush()
    standing = {
        household_id: (HouseholdStatus(status), archived_on)
        for household_id, status, archived_on in session.execute(
            select(Household.id, Household.status, Household.archived_on).where(
                Household.id.in_(ids)
            )
        )
    }
    spans = _spans(session, ids)
    units = _units(session, (plan.data.unit for plan in plans))
    at = audit.context(session).at
    rows: list[dict[str, Any]] = []
    audits: list[dict[str, Any]] = []
    started: list[tuple[PairingPlan, Org]] = []
    for plan in plans:
        code = household_code(plan.household_id)
        if plan.household_id not in standing:
            raise no_household(plan.household_id)
        check_pairable(code, *standing[plan.household_id], plan.on)
        check_start(code, spans.get(plan.household_id, ()), plan.on)
        unit = units.get(plan.data.unit.strip()) or find_org(session, plan.data.unit)
        rows.append(_pairing_row(plan.household_id, unit, plan.data, plan.on, at))
        started.append((plan, unit))
        audits.append(
            audit.row(
                session, action="create", entity="pairing", entity_ref=code,
                household_id=plan.household_id,
                changes={"unit": unit.code, "contact": plan.data.contact, "phone": plan.data.phone,
                         "on": plan.on},
            )
        )  # fmt: skip
    connection = session.connection()
    pairing_ids = insert_returning_ids(connection, _table(Pairing), rows)
    insert_rows(connection, _table(AuditEntry), audits)
    for (plan, unit), pairing_id in zip(started, pairing_ids, strict=True):
        span = Span(pairing_id, plan.on, None, plan.data.contact, unit.name)
        spans.setdefault(plan.household_id, []).append(span)
    visits = [(plan.household_id, visit) for plan in plans for visit in plan.visits]
    _log_visits(session, visits, spans)
    return pairing_ids


def assign(session: Session, household: Household, *, data: PairingCreate, on: dt.date) -> Pairing:
    """Pair an archived household that has no active pairing (a batch of one)."""
    (pairing_id,) = pair_many(session, [PairingPlan(household.id, data, on)])
    pairing = session.get(Pairing, pairing_id)
    assert pairing is not None
    return pairing


# Visiting ------------------------------------------------------------------------------


def visit_many(session: Session, visits: Sequence[tuple[int, VisitPlan]]) -> list[int]:
    """Log each (household id, visit) under the pairing in force that day; the visits' ids.

    Any refusal refuses the batch: the caller rolls back.
    """
    if not visits:
        return []
    session.flush()
    spans = _spans(session, (household_id for household_id, _visit in visits))
    return _log_visits(session, visits, spans)


def _log_visits(
    session: Session, visits: Sequence[tuple[int, VisitPlan]], spans: dict[int, list[Span]]
) -> list[int]:
    """Judge and write the visits, given every pairing of their households."""
    at = audit.context(session).at
    rows: list[dict[str, Any]] = []
    audits: list[dict[str, Any]] = []
    for household_id, visit in visits:
        code = household_code(household_id)
        pairing = visit_pairing(code, spans.get(household_id, ()), visit.on)
        data = visit.data
        row = {
            "pairing_id": pairing.id,
            "household_id": household_id,
            "visited_on": visit.on,
            "visitor": data.by or pairing.contact,
            "kind": data.kind.value,
            "note": data.note,
            "solved": data.solved or None,
            "recorded_at": at,
        }
        rows.append(row)
        audits.append(
            audit.row(
                session, action="create", entity="pair_visit", entity_ref=code,
                household_id=household_id,
                changes={"on": visit.on, "by": row["visitor"], "kind": row["kind"],
                         "note": row["note"], "solved": row["solved"]},
            )
        )  # fmt: skip
    connection = session.connection()
    visit_ids = insert_returning_ids(connection, _table(PairVisit), rows)
    insert_rows(connection, _table(AuditEntry), audits)
    return visit_ids


def log_visit(
    session: Session, household: Household, *, data: VisitCreate, on: dt.date
) -> PairVisit:
    """Log a visit or call to a household under the pairing in force that day (a batch of one)."""
    (visit_id,) = visit_many(session, [(household.id, VisitPlan(on, data))])
    visit = session.get(PairVisit, visit_id)
    assert visit is not None
    return visit


# Ending --------------------------------------------------------------------------------


def end_many(session: Session, ends: Sequence[PairingEnd]) -> list[int | None]:
    """End each household's active pairing; the ids of the pairings ended (None for a
    household that has none).

    Each is judged as ``pair end`` judges one: a reason, and not before the pairing began
    or its last visit. Exits end their households' pairings through here. Any refusal
    refuses the batch: the caller rolls back.
    """
    if not ends:
        return []
    session.flush()
    active = {
        household_id: (Span(pairing_id, started_on, None, contact, unit), unit_code)
        for household_id, pairing_id, started_on, contact, unit, unit_code in session.execute(
            select(Pairing.household_id, Pairing.id, Pairing.started_on, Pairing.contact_name,
                   Org.name, Org.code)
            .join(Org, Org.id == Pairing.unit_id)
            .where(Pairing.household_id.in_({end.household_id for end in ends}),
                   Pairing.ended_on.is_(None))
        )
    }  # fmt: skip
    last_visits = _last_visits(session, (span.id for span, _unit in active.values()))
    ended: list[int | None] = []
    updates: list[dict[str, Any]] = []
    audits: list[dict[str, Any]] = []
    for end in ends:
        if end.household_id not in active:
            ended.append(None)
            continue
        current, unit_code = active[end.household_id]
        code = household_code(end.household_id)
        check_end_reason(end.reason)
        check_end(code, current, last_visits.get(current.id), end.on, _("ending it"))
        ended.append(current.id)
        updates.append({"key_id": current.id, "ended": end.on, "why": end.reason})
        audits.append(
            audit.row(
                session, action="end", entity="pairing", entity_ref=code,
                household_id=end.household_id,
                changes={"unit": unit_code, "contact": current.contact, "on": end.on,
                         "reason": end.reason},
            )
        )  # fmt: skip
    connection = session.connection()
    if updates:
        table = _table(Pairing)
        connection.execute(
            update(table)
            .where(table.c.id == bindparam("key_id"))
            .values(ended_on=bindparam("ended"), end_reason=bindparam("why")),
            updates,
        )
        for pairing_id in (row["key_id"] for row in updates):
            held = session.identity_map.get(session.identity_key(Pairing, pairing_id))
            if held is not None:
                session.expire(held)
    insert_rows(connection, _table(AuditEntry), audits)
    return ended


def end_active_pairing(
    session: Session, household: Household, *, on: dt.date, reason: str
) -> Pairing | None:
    """End the household's active pairing on ``on``; None when it has none (a batch of one).

    RuleViolation when ``on`` is before the pairing began or its last visit; InvalidInput
    when no reason is given.
    """
    (ended,) = end_many(session, [PairingEnd(household.id, on, reason)])
    return None if ended is None else session.get(Pairing, ended)


def end_pairing(session: Session, household: Household, *, on: dt.date, reason: str) -> Pairing:
    """``pair end``: like end_active_pairing, but a household with no pairing is refused."""
    ended = end_active_pairing(session, household, on=on, reason=reason)
    if ended is None:
        raise nothing_to_end(household_code(household.id))
    return ended


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
    session.flush()
    span = check_reassign(code, _spans(session, [household.id]).get(household.id, ()))
    check_pairable(code, HouseholdStatus(household.status), household.archived_on, on)
    check_end(code, span, _last_visits(session, [span.id]).get(span.id), on, _("a reassignment"))
    unit = find_org(session, data.unit)
    current = session.get(Pairing, span.id)
    assert current is not None
    old_unit = unit_of(session, current)
    same = (current.unit_id, current.contact_name, current.contact_phone) == (
        unit.id,
        data.contact,
        data.phone,
    )
    check_change(code, same, unit.name, data.contact)
    why = reason or "reassigned"
    current.ended_on = on
    current.end_reason = why
    session.flush()  # the old pairing is closed before the new one opens (one active per household)
    at = audit.context(session).at
    (new_id,) = insert_returning_ids(
        session.connection(), _table(Pairing), [_pairing_row(household.id, unit, data, on, at)]
    )
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
    new = session.get(Pairing, new_id)
    assert new is not None
    return current, new


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
        .where(PairVisit.void_id.is_(None))
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
        .where(Household.void_id.is_(None))
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
        .where(PairVisit.household_id == household.id, PairVisit.void_id.is_(None))
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
        PairVisit.void_id.is_(None),
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
