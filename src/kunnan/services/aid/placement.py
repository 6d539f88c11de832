"""就业援助: placing a household member in a job, which becomes the member's work and income.

A placement changes the member's record the way ``household member edit``
would (employer, identity ``employed``, monthly income = the wage, audited
field by field), so the next income calculation (``identify calculate``, a
stable exit's recalculation, the yearly review) sees the new income. The
placement keeps what the record said before, so nothing is lost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kunnan.domain.codes import code_number, household_code, placement_code
from kunnan.domain.enums import PlacementChannel, WorkerIdentity
from kunnan.domain.errors import NotFound, RuleViolation
from kunnan.domain.money import format_fen
from kunnan.i18n import _
from kunnan.models import Household, JobPlacement, Member, TrainingEnrolment
from kunnan.schemas.household import MemberUpdate
from kunnan.schemas.service_aid import PlacementCreate
from kunnan.services.household.register import edit_member
from kunnan.store import audit
from kunnan.store.households import check_present, find_member, head_of, resolve_household
from kunnan.store.status import check_may_receive


def find_placement(session: Session, ref: str) -> JobPlacement:
    number = code_number("P", ref.strip())
    placement = session.get(JobPlacement, number) if number is not None else None
    if placement is None:
        raise NotFound(
            _("no placement '{ref}'", ref=ref.strip()), hint=_("kunnan aid list --kind placement")
        )
    return placement


def member_or_head(household: Household, ref: str | None) -> Member:
    """The member named, or the head worker when none is."""
    return find_member(household, ref) if ref is not None else head_of(household)


def place(session: Session, *, data: PlacementCreate) -> JobPlacement:
    """Place a member of a registered household (not exited) in a job."""
    household = resolve_household(session, data.household, lock=True)
    check_may_receive(session, household, data.on_date, what=_("a placement"))
    member = member_or_head(household, data.member)
    check_present(member, data.on_date, what=_("a placement"))
    return place_member(
        session,
        household,
        member,
        employer=data.employer,
        job=data.job,
        monthly_wage_fen=data.monthly_wage_fen,
        channel=data.channel,
        on=data.on_date,
    )


def place_member(
    session: Session,
    household: Household,
    member: Member,
    *,
    employer: str,
    job: str,
    monthly_wage_fen: int,
    channel: PlacementChannel,
    on: dt.date,
    enrolment: TrainingEnrolment | None = None,
) -> JobPlacement:
    """Record the job and make it the member's work and income (placement and training share this)."""
    latest = session.scalar(
        select(func.max(JobPlacement.placed_on)).where(
            JobPlacement.member_id == member.id, JobPlacement.void_id.is_(None)
        )
    )
    if latest is not None and on < latest:
        raise RuleViolation(
            _(
                "{name} was placed in a job on {latest}; a placement dated {on} is older than "
                "that and cannot become their work now",
                name=member.name,
                latest=latest.isoformat(),
                on=on.isoformat(),
            )
        )
    previous = (member.employer, member.identity, member.monthly_income_fen)
    placement = JobPlacement(
        household_id=household.id,
        member_id=member.id,
        employer=employer,
        job=job,
        monthly_wage_fen=monthly_wage_fen,
        channel=channel.value,
        placed_on=on,
        year=on.year,
        enrolment_id=enrolment.id if enrolment is not None else None,
        previous_employer=previous[0],
        previous_identity=previous[1],
        previous_income_fen=previous[2],
        recorded_at=audit.context(session).at,
    )
    session.add(placement)
    session.flush()
    code = placement_code(placement.id)
    audit.record(
        session,
        action="create",
        entity="job_placement",
        entity_ref=code,
        household_id=household.id,
        changes={
            "member": member.name,
            "employer": employer,
            "job": job,
            "monthly_wage_fen": monthly_wage_fen,
            "channel": channel.value,
            "on_date": on,
            "training_enrolment": enrolment.id if enrolment is not None else None,
        },
    )
    edit_member(
        session,
        household,
        member,
        data=MemberUpdate(
            employer=employer,
            identity=WorkerIdentity.EMPLOYED,
            monthly_income_fen=monthly_wage_fen,
        ),
    )
    return placement


def describe(placement: JobPlacement, member: Member) -> str:
    return _(
        "{code}: {name} of {household} placed at {employer} as {job}, {wage} yuan a month "
        "(was {previous})",
        code=placement_code(placement.id),
        name=member.name,
        household=household_code(placement.household_id),
        employer=placement.employer,
        job=placement.job,
        wage=format_fen(placement.monthly_wage_fen),
        previous=format_fen(placement.previous_income_fen),
    )


@dataclass(frozen=True)
class ChannelRow:
    """Placements made in a year through one channel (for reports)."""

    year: int
    channel: str
    placements: int
    people: int
    households: int
    monthly_wages_fen: int


def placements_by_channel(session: Session, *, year: int | None = None) -> list[ChannelRow]:
    """Placements per year and channel: how many, of how many people and households, in SQL."""
    query = (
        select(
            JobPlacement.year,
            JobPlacement.channel,
            func.count(JobPlacement.id),
            func.count(func.distinct(JobPlacement.member_id)),
            func.count(func.distinct(JobPlacement.household_id)),
            func.coalesce(func.sum(JobPlacement.monthly_wage_fen), 0),
        )
        .where(JobPlacement.void_id.is_(None))
        .group_by(JobPlacement.year, JobPlacement.channel)
        .order_by(JobPlacement.year, JobPlacement.channel)
    )
    if year is not None:
        query = query.where(JobPlacement.year == year)
    return [
        ChannelRow(
            year=row[0],
            channel=row[1],
            placements=int(row[2]),
            people=int(row[3]),
            households=int(row[4]),
            monthly_wages_fen=int(row[5]),
        )
        for row in session.execute(query)
    ]
