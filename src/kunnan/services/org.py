"""Organisations: the union tree and responsible units."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from kunnan.domain.enums import OrgKind
from kunnan.domain.errors import Conflict, RuleViolation
from kunnan.i18n import _
from kunnan.models import Household, Org
from kunnan.schemas.org import OrgCreate
from kunnan.store import audit
from kunnan.store.orgs import find_org, within

#: Which kinds of organisation may sit directly under which.
ALLOWED_PARENTS: dict[OrgKind, tuple[OrgKind, ...]] = {
    OrgKind.PROVINCE: (),
    OrgKind.CITY: (OrgKind.PROVINCE,),
    OrgKind.COUNTY: (OrgKind.CITY,),
    OrgKind.GRASSROOTS: (OrgKind.CITY, OrgKind.COUNTY),
    OrgKind.UNIT: (OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY, OrgKind.GRASSROOTS),
}


def add_org(session: Session, *, data: OrgCreate) -> Org:
    parent: Org | None = None
    allowed = ALLOWED_PARENTS[data.kind]
    if data.parent is not None:
        parent = find_org(session, data.parent)
        if OrgKind(parent.kind) not in allowed:
            raise RuleViolation(
                _(
                    "a {kind} organisation cannot sit under a {parent_kind} ('{parent}'); "
                    "allowed: {allowed}",
                    kind=data.kind.value,
                    parent_kind=parent.kind,
                    parent=parent.name,
                    allowed=", ".join(k.value for k in allowed) or _("none"),
                )
            )
    elif data.kind not in (OrgKind.PROVINCE, OrgKind.CITY):
        raise RuleViolation(
            _(
                "a {kind} organisation needs --parent ({allowed})",
                kind=data.kind.value,
                allowed=", ".join(k.value for k in allowed),
            )
        )
    clash = session.scalars(
        select(Org).where(or_(Org.code == data.code, Org.name == data.name))
    ).first()
    if clash is not None:
        raise Conflict(
            _("an organisation with code '{code}' already exists", code=data.code)
            if clash.code == data.code
            else _("an organisation with name '{name}' already exists", name=data.name)
        )
    area_code = data.area_code or (parent.area_code if parent else None)
    org = Org(
        code=data.code,
        name=data.name,
        kind=data.kind.value,
        parent_id=parent.id if parent else None,
        path="",
        area_code=area_code,
        created_at=audit.context(session).at,
    )
    session.add(org)
    session.flush()
    org.path = f"{parent.path if parent else '/'}{org.id}/"
    audit.record(
        session,
        action="create",
        entity="org",
        entity_ref=org.code,
        changes={
            "name": org.name,
            "kind": org.kind,
            "parent": parent.code if parent else None,
            "area_code": org.area_code,
        },
    )
    return org


@dataclass(frozen=True)
class OrgRow:
    id: int
    code: str
    name: str
    kind: str
    parent_code: str | None
    depth: int
    area_code: str | None
    households: int
    created_at: dt.datetime


def list_orgs(session: Session, *, under: Org | None = None) -> Sequence[OrgRow]:
    """Organisations in tree order, with the households registered directly with each."""
    parent = Org.__table__.alias("parent")
    counts = (
        select(Household.org_id, func.count().label("n"))
        .where(Household.void_id.is_(None))
        .group_by(Household.org_id)
        .subquery()
    )
    query = (
        select(Org, parent.c.code, func.coalesce(counts.c.n, 0))
        .outerjoin(parent, parent.c.id == Org.parent_id)
        .outerjoin(counts, counts.c.org_id == Org.id)
    )
    if under is not None:
        query = query.where(within(under))
    rows = [
        OrgRow(
            id=org.id,
            code=org.code,
            name=org.name,
            kind=org.kind,
            parent_code=parent_code,
            depth=org.path.count("/") - 2,
            area_code=org.area_code,
            households=households,
            created_at=org.created_at,
        )
        for org, parent_code, households in session.execute(query)
    ]
    return _tree_order(rows)


def _tree_order(rows: list[OrgRow]) -> list[OrgRow]:
    children: dict[str | None, list[OrgRow]] = {}
    codes = {row.code for row in rows}
    for row in rows:
        key = row.parent_code if row.parent_code in codes else None
        children.setdefault(key, []).append(row)
    ordered: list[OrgRow] = []

    def walk(key: str | None) -> None:
        for row in sorted(children.get(key, []), key=lambda r: r.id):
            ordered.append(row)
            walk(row.code)

    walk(None)
    return ordered


@dataclass(frozen=True)
class OrgDetail:
    org: OrgRow
    parent_name: str | None
    children: Sequence[OrgRow]
    households_in_subtree: int


def org_detail(session: Session, org: Org) -> OrgDetail:
    rows = list_orgs(session, under=org)
    subtree_households = session.scalar(
        select(func.count(Household.id)).join(Org, Org.id == Household.org_id).where(within(org))
    )
    parent = session.get(Org, org.parent_id) if org.parent_id is not None else None
    return OrgDetail(
        org=rows[0],
        parent_name=parent.name if parent else None,
        children=[row for row in rows if row.parent_code == org.code],
        households_in_subtree=subtree_households or 0,
    )
