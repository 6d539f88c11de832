"""目标责任书: the yearly responsibility agreements unions sign, and their results.

Each agreement sets three targets for a union and a year: households helped
(aided at least once that year), exits (households that left the register
that year) and pairing coverage at the year's end (a percentage of archived
households). Results are rolled up the union tree: a county union's figures
include its grassroots unions. Each measure has one function here, so
reports (``report targets``) read exactly the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, distinct, func, select
from sqlalchemy.orm import Session

from kunnan.domain.enums import HouseholdStatus, OrgKind, TargetMeasure, TargetResult
from kunnan.domain.errors import Conflict, InvalidInput
from kunnan.i18n import _
from kunnan.models import Agreement, AidEntry, Household, Org, StatusChange
from kunnan.schemas.pairing import AgreementCreate
from kunnan.services.pair import coverage_of, tree_key
from kunnan.store import audit
from kunnan.store.orgs import find_org, find_union, within

#: Unions that sign agreements with the union above them.
SIGNING_KINDS = (OrgKind.COUNTY, OrgKind.GRASSROOTS)


def _year_span(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def add_agreement(session: Session, *, data: AgreementCreate, today: dt.date) -> Agreement:
    """Record a union's targets for a year; one agreement per union and year."""
    if data.year > today.year + 1:
        raise InvalidInput(
            _("--year: agreements are signed for this year or the next, not {year}", year=data.year)
        )
    org = find_union(session, data.org)
    existing = session.scalars(
        select(Agreement).where(Agreement.org_id == org.id, Agreement.year == data.year)
    ).first()
    if existing is not None:
        raise Conflict(
            _(
                "{name} already has an agreement for {year} (signed {signed})",
                name=org.name,
                year=data.year,
                signed=existing.signed_on.isoformat(),
            )
        )
    agreement = Agreement(
        org_id=org.id,
        year=data.year,
        target_helped=data.target_helped,
        target_exits=data.target_exits,
        target_coverage_pct=data.target_coverage,
        signed_on=data.signed_on or today,
        created_at=audit.context(session).at,
    )
    session.add(agreement)
    session.flush()
    audit.record(
        session,
        action="create",
        entity="agreement",
        entity_ref=f"{org.code}/{data.year}",
        changes={
            "org": org.code,
            "year": data.year,
            "target_helped": data.target_helped,
            "target_exits": data.target_exits,
            "target_coverage_pct": data.target_coverage,
            "signed_on": agreement.signed_on,
        },
    )
    return agreement


# The measures ----------------------------------------------------------------------------


def aid_entries() -> Select[int | None, dt.date]:
    """(household_id, aided_on) of every grant that stands: not a reversal, not reversed."""
    from kunnan.services.aid.grant import live_grants

    return select(
        AidEntry.household_id.label("household_id"), AidEntry.on_date.label("aided_on")
    ).where(live_grants())


def households_aided(session: Session, *, org: Org, year: int) -> int:
    """Distinct households of ``org`` (and the unions under it) aided at least once in ``year``."""
    first, last = _year_span(year)
    entries = aid_entries().subquery()
    query = (
        select(func.count(distinct(entries.c.household_id)))
        .select_from(entries)
        .join(Household, Household.id == entries.c.household_id)
        .join(Org, Org.id == Household.org_id)
        .where(within(org), entries.c.aided_on >= first, entries.c.aided_on <= last)
    )
    return int(session.scalar(query) or 0)


def households_exited(session: Session, *, org: Org, year: int) -> int:
    """Distinct households of ``org`` (and those under it) whose status became exited in ``year``."""
    first, last = _year_span(year)
    query = (
        select(func.count(distinct(StatusChange.household_id)))
        .join(Household, Household.id == StatusChange.household_id)
        .join(Org, Org.id == Household.org_id)
        .where(
            within(org),
            StatusChange.status == HouseholdStatus.EXITED.value,
            StatusChange.void_id.is_(None),
            StatusChange.changed_on >= first,
            StatusChange.changed_on <= last,
        )
    )
    return int(session.scalar(query) or 0)


@dataclass(frozen=True)
class YearEndCoverage:
    archived: int
    paired: int
    covered_pct: Decimal | None


def coverage_at_year_end(session: Session, *, org: Org, year: int) -> YearEndCoverage:
    """Pairing coverage of ``org`` (and those under it) on 31 December of ``year``."""
    figures = coverage_of(session, org=org, on=_year_span(year)[1])
    return YearEndCoverage(figures.archived, figures.paired, figures.covered_pct)


def coverage_met(result: YearEndCoverage, target_pct: int) -> bool:
    """Met when paired ÷ archived reaches the target (exactly, in whole numbers)."""
    return result.paired * 100 >= target_pct * result.archived


# Targets against results -------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementRow:
    org_code: str
    org: str
    kind: str
    year: int
    signed_on: dt.date
    target_helped: int
    helped: int
    helped_met: str
    target_exits: int
    exits: int
    exits_met: str
    target_coverage_pct: int
    archived: int
    paired: int
    covered_pct: Decimal | None
    coverage_met: str
    met: str
    short_of: list[str]


def _result(met: bool) -> str:
    return (TargetResult.MET if met else TargetResult.NOT_MET).value


def agreement_results(
    session: Session, *, year: int | None = None, org: str | None = None
) -> Sequence[AgreementRow]:
    """Every agreement (of a year, of a union and those under it) with its results, in tree order."""
    query = select(Agreement, Org).join(Org, Org.id == Agreement.org_id)
    if year is not None:
        query = query.where(Agreement.year == year)
    if org is not None:
        query = query.where(within(find_org(session, org)))
    found = sorted(
        ((agreement, union) for agreement, union in session.execute(query)),
        key=lambda pair: (pair[0].year, tree_key(pair[1].path)),
    )
    rows = []
    for agreement, union in found:
        helped = households_aided(session, org=union, year=agreement.year)
        exits = households_exited(session, org=union, year=agreement.year)
        covered = coverage_at_year_end(session, org=union, year=agreement.year)
        helped_met = helped >= agreement.target_helped
        exits_met = exits >= agreement.target_exits
        cover_met = coverage_met(covered, agreement.target_coverage_pct)
        rows.append(
            AgreementRow(
                org_code=union.code,
                org=union.name,
                kind=union.kind,
                year=agreement.year,
                signed_on=agreement.signed_on,
                target_helped=agreement.target_helped,
                helped=helped,
                helped_met=_result(helped_met),
                target_exits=agreement.target_exits,
                exits=exits,
                exits_met=_result(exits_met),
                target_coverage_pct=agreement.target_coverage_pct,
                archived=covered.archived,
                paired=covered.paired,
                covered_pct=covered.covered_pct,
                coverage_met=_result(cover_met),
                met=_result(helped_met and exits_met and cover_met),
                short_of=[
                    measure.value
                    for measure, reached in (
                        (TargetMeasure.HELPED, helped_met),
                        (TargetMeasure.EXITS, exits_met),
                        (TargetMeasure.COVERAGE, cover_met),
                    )
                    if not reached
                ],
            )
        )
    return rows


def unions_without_agreement(
    session: Session, *, year: int, org: str | None = None
) -> Sequence[str]:
    """Names of county and grassroots unions (in scope) with no agreement for ``year``."""
    signed = select(Agreement.org_id).where(Agreement.year == year)
    query = select(Org).where(
        Org.kind.in_([kind.value for kind in SIGNING_KINDS]), Org.id.not_in(signed)
    )
    if org is not None:
        query = query.where(within(find_org(session, org)))
    return [union.name for union in sorted(session.scalars(query), key=lambda o: tree_key(o.path))]
