"""Finding unions and organisations, and the union tree's reach: what every use case asks of them."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from kunnan.domain.enums import OrgKind
from kunnan.domain.errors import NotFound, RuleViolation
from kunnan.i18n import _
from kunnan.models import Org

UNION_KINDS = (OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY, OrgKind.GRASSROOTS)


def find_org(session: Session, ref: str) -> Org:
    """An organisation by its code or its exact name."""
    ref = ref.strip()
    org = session.scalars(select(Org).where(or_(Org.code == ref, Org.name == ref))).first()
    if org is None:
        raise NotFound(_("no organisation '{ref}'", ref=ref), hint=_("kunnan org list shows them"))
    return org


def find_union(session: Session, ref: str) -> Org:
    """An organisation that is a union (households belong to unions, not to units)."""
    org = find_org(session, ref)
    if OrgKind(org.kind) not in UNION_KINDS:
        raise RuleViolation(_("'{name}' is a responsible unit, not a union", name=org.name))
    return org


def within(org: Org, column: ColumnElement[str] | None = None) -> ColumnElement[bool]:
    """A condition selecting ``org`` and everything under it (by materialised path)."""
    path = column if column is not None else Org.path
    return path.startswith(org.path, autoescape=True)
