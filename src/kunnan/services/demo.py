"""The Baiyin sample ledger, built through the same services the commands use.

The plan (``kunnan.sample.baiyin``) says what a union would have typed or
imported over five years; this module plays it into an empty ledger in one
transaction: its operators (each level's staff, ``Plan.operators``), unions and dibao lines, Baiyin's own programme standards (as
``kunnan program set`` records them), the households file (as ``kunnan import
households`` reads it), the seven identification steps, pairing and visits,
funds and grants, exits and follow-ups, and the article's stories. The batch
services apply the same rules as the one-at-a-time commands, so a rule the
sample broke would refuse the whole build. Each block of work is recorded by the operator
who would do it (``store.operators.acting_as``, which asks the same duty rules as the
command line): the households union's caseworker visits, the county union's reviewer
deliberates, the city union's approver confirms, finance pays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from kunnan import keys
from kunnan.domain.codes import household_code
from kunnan.domain.enums import (
    AdmissionLevel,
    ArchiveLevel,
    Cause,
    ContactMethod,
    ContactOutcome,
    Decision,
    ExitKind,
    FollowupOutcome,
    Role,
    Step,
    VisitKind,
)
from kunnan.domain.signing import fingerprint, public_bytes
from kunnan.i18n import N_
from kunnan.models import Household, Member
from kunnan.sample import baiyin
from kunnan.sample.baiyin import (
    AREAS,
    AS_OF,
    ENTERPRISES,
    HouseholdPlan,
    Plan,
    sample_key,
    sample_ledger_key,
)
from kunnan.schemas import validate
from kunnan.schemas.aid import ContributionCreate, FundCreate, RuleChange
from kunnan.schemas.org import OrgCreate
from kunnan.schemas.pairing import PairingCreate, VisitCreate
from kunnan.schemas.policy import PolicyLineSet
from kunnan.schemas.service_aid import (
    EmployCreate,
    HousingCreate,
    LoanCreate,
    PlacementCreate,
    RepaymentCreate,
    TrainingClassCreate,
)
from kunnan.services import training
from kunnan.services.aid import loan as loans
from kunnan.services.aid.casework import record_housing
from kunnan.services.aid.grant import GrantPlan, grant_many
from kunnan.services.aid.placement import place
from kunnan.services.exit import ExitPlan, FollowupPlan, exit_many, followup_many
from kunnan.services.fund import add_fund, contribute
from kunnan.services.household.contact import log_contact
from kunnan.services.identify import (
    ConfirmFacts,
    CostFacts,
    History,
    InspectFacts,
    PlannedStep,
    identify_many,
)
from kunnan.services.imports import ImportReport, run_import
from kunnan.services.imports.households import HOUSEHOLD_COLUMNS, HouseholdFileImporter
from kunnan.services.log import make_checkpoint, new_ledger_key
from kunnan.services.operator import add_operator
from kunnan.services.org import add_org
from kunnan.services.pair import PairingPlan, VisitPlan, pair_many
from kunnan.services.policy import set_line
from kunnan.services.program import find_program, set_rule
from kunnan.services.training import TraineePlan, train_many
from kunnan.sheets.columns import match_header
from kunnan.sheets.read import SourceRow
from kunnan.store.operators import acting_as
from kunnan.store.signatures import seal, sign_as

#: Called as each stage of the build finishes: (what was done, how many).
Progress = Callable[[str, int], None]

#: The stages of the build, in order, with what each counts (for a progress bar; each is a
#: message, shown translated).
STAGES = (
    N_("unions and dibao lines"),
    N_("operators"),
    N_("programme standards"),
    N_("households registered"),
    N_("contact attempts"),
    N_("identification histories"),
    N_("pairings"),
    N_("funds"),
    N_("grants"),
    N_("training and jobs"),
    N_("loans"),
    N_("exits"),
    N_("follow-ups"),
    N_("stories"),
    N_("yearly reviews"),
)

__all__ = ["AS_OF", "STAGES", "DemoSummary", "build_demo", "save_sample_keys"]

CITY = {"code": "baiyin", "name": "白银市总工会", "kind": "city", "area_code": "620400"}
#: Each union's name by its code (for the notice boards).
ORG_NAMES = (
    {CITY["code"]: CITY["name"]}
    | {code: f"{name}总工会" for name, code in AREAS.values()}
    | {code: name for code, name, _area, _employer in ENTERPRISES}
)


#: The city union's staff by role (白银市总工会): who does the work no one union's staff does.
CITY_STAFF = {o.role: o.name for o in baiyin.CITY_STAFF}
ADMIN, APPROVER, FINANCE = (
    CITY_STAFF[Role.ADMIN],
    CITY_STAFF[Role.APPROVER],
    CITY_STAFF[Role.FINANCE],
)
REVIEWER, CASEWORKER = CITY_STAFF[Role.REVIEWER], CITY_STAFF[Role.CASEWORKER]


@dataclass(frozen=True)
class DemoSummary:
    households: int
    archived: int
    grants: int
    exits: int


_SIGNER = "kunnan.demo.signer"


@contextmanager
def _acting(session: Session, name: str, command: str) -> Iterator[None]:
    """A block of the sample's work done and signed by operator ``name``: what was written
    since another operator's block is sealed as theirs first (``store.signatures.seal``), so
    each row is signed by whoever wrote it, in as few signatures as the story allows."""
    with acting_as(session, name, command):
        if session.info.get(_SIGNER) != name:
            if _SIGNER in session.info:
                seal(session)
            sign_as(session, name, sample_key(name))
            session.info[_SIGNER] = name
        yield


def save_sample_keys() -> int:
    """Keep the sample operators' private keys in this user's key folder (those not there
    yet), so the sample can be tried as any of its staff; the count saved."""
    saved = 0
    for key in [*(sample_key(o.name) for o in baiyin.plan().operators()), sample_ledger_key()]:
        if keys.load_private_key(fingerprint(public_bytes(key))) is None:
            keys.save_private_key(key, None)
            saved += 1
    return saved


def build_demo(
    session: Session, *, today: dt.date, progress: Progress | None = None
) -> DemoSummary:
    """Build the Baiyin sample in an empty ledger, every row signed by the sample operator
    who wrote it (the caller commits)."""
    tell = progress or (lambda _stage, _count: None)
    plan = baiyin.plan()
    first, *others = plan.operators()
    with _acting(session, first.name, "kunnan operator add"):  # the first, the administrator
        add_operator(
            session, name=first.name, role=first.role, org=first.org,
            public_key=public_bytes(sample_key(first.name)),
        )  # fmt: skip
    tell(STAGES[0], _unions(session, today))
    with _acting(session, first.name, "kunnan operator add"):
        for operator in others:
            add_operator(
                session, name=operator.name, role=operator.role, org=operator.org,
                public_key=public_bytes(sample_key(operator.name)),
            )  # fmt: skip
    tell(STAGES[1], len(others) + 1)
    with _acting(session, ADMIN, "kunnan program set"):
        tell(STAGES[2], _standards(session, today))
    with _acting(session, CASEWORKER, "kunnan import households"):
        ids = _register(session, plan, today)
    tell(STAGES[3], len(ids))
    tell(STAGES[4], _contacts(session, plan, ids))
    tell(STAGES[5], _identify(session, plan, ids))
    with _acting(session, CASEWORKER, "kunnan pair assign"):
        tell(STAGES[6], len(pair_many(session, list(_pairings(plan, ids, today)))))
    funds = _funds(session, plan, today)
    tell(STAGES[7], len(funds))
    members = _members(session)
    grants = list(_grants(plan, ids, members, funds))
    with _acting(session, FINANCE, "kunnan aid grant"):
        grant_many(session, grants)
    tell(STAGES[8], len(grants))
    tell(STAGES[9], _training(session, plan, ids, members, today))
    tell(STAGES[10], _loans(session, plan, ids, today))
    exits = _exit(session, plan, ids)
    tell(STAGES[11], exits)
    with _acting(session, CASEWORKER, "kunnan exit followup"):
        tell(STAGES[12], _followups(session, plan, ids))
    archived = sum(1 for h in plan.households if h.archived_on is not None)
    tell(STAGES[13], _stories(session, plan, ids, today))
    tell(STAGES[14], _reviews(session, plan, ids))
    _second_pair_of_eyes(session, plan, ids)
    with _acting(session, ADMIN, "kunnan ledger key"):
        new_ledger_key(
            session, origin=baiyin.LEDGER_ORIGIN, passphrase=None, given=sample_ledger_key()
        )
    with _acting(session, ADMIN, "kunnan ledger checkpoint"):
        make_checkpoint(session)
    seal(session)  # the last block's rows, as its operator's
    return DemoSummary(len(ids), archived, len(grants), exits)


def _unions(session: Session, today: dt.date) -> int:
    orgs = [CITY]
    for area, (_name, code) in AREAS.items():
        orgs.append({"code": code, "name": ORG_NAMES[code], "kind": "county", "parent": "baiyin",
                     "area_code": area})  # fmt: skip
    for code, name, area, _employer in ENTERPRISES:
        orgs.append({"code": code, "name": name, "kind": "grassroots", "parent": AREAS[area][1]})
    with _acting(session, ADMIN, "kunnan org add"):
        for org in orgs:
            add_org(session, data=validate(OrgCreate, org, today=today))
    with _acting(session, ADMIN, "kunnan policy set-line"):
        for area in AREAS:
            for year in baiyin.LINES:
                line = {
                    "area_code": area,
                    "year": year,
                    "dibao_line_fen": baiyin.dibao_line(area, year),
                }
                set_line(session, data=validate(PolicyLineSet, line, today=today))
    return len(orgs)


def _standards(session: Session, today: dt.date) -> int:
    """Baiyin's own standards, below the catalogue's defaults, as `program set` records them."""
    changes = [
        ("golden-autumn", dt.date(2016, 1, 1), RuleChange(
            level=AdmissionLevel.UNDERGRADUATE, standard_fen=baiyin.GOLDEN_AUTUMN_STANDARD * 100,
            ceiling=False, yearly_cap_fen=600000)),
        ("medical-aid", dt.date(2016, 1, 1), RuleChange(standard_fen=baiyin.MEDICAL_AID_STANDARD * 100)),
    ] + [
        ("insurance", since, RuleChange(standard_fen=yuan * 100))
        for since, yuan in baiyin.INSURANCE_PREMIUMS
    ]  # fmt: skip
    for code, since, change in changes:
        set_rule(session, program=find_program(session, code), change=change, effective_from=since)
    return len(changes)


def _register(session: Session, plan: Plan, today: dt.date) -> dict[int, int]:
    """Import the households file; return each planned household's id in the ledger."""
    header = match_header(baiyin.HOUSEHOLD_HEADER, HOUSEHOLD_COLUMNS)
    importer = HouseholdFileImporter(session, header=header, today=today)
    rows: Iterator[SourceRow] = (
        SourceRow(number=number, cells=cells)
        for number, cells in enumerate(baiyin.household_rows(plan.households), start=2)
    )
    report = ImportReport(file=baiyin.HOUSEHOLDS_FILE)
    run_import(importer=importer, rows=rows, report=report, max_problems=5)
    if report.problems:
        problems = "; ".join(problem.line(report.file) for problem in report.problems)
        raise RuntimeError(f"the sample's households file does not import: {problems}")
    heads = dict(
        session.execute(
            select(Member.id_number, Member.household_id).where(Member.relation == "head")
        ).all()
    )
    return {h.number: heads[h.head.id_number] for h in plan.households}


def _members(session: Session) -> dict[str, int]:
    """Member ids by ID number."""
    return dict(session.execute(select(Member.id_number, Member.id)).all())


def _contacts(session: Session, plan: Plan, ids: dict[int, int]) -> int:
    count = 0
    wanted = [ids[h.number] for h in plan.households if h.contact_attempts]
    households = {
        h.id: h for h in session.scalars(select(Household).where(Household.id.in_(wanted)))
    }
    for h in plan.households:
        if not h.contact_attempts:
            continue
        with _acting(session, plan.caseworker(h.org), "kunnan household contact"):
            for how, outcome, day in h.contact_attempts:
                log_contact(
                    session, households[ids[h.number]], method=ContactMethod(how),
                    outcome=ContactOutcome(outcome), on=day, caseworker=_caseworker(h),
                    note="电话无人接听" if how == "phone" else "上门未找到本人，向邻居留下联系方式",
                )  # fmt: skip
                count += 1
    return count


def _caseworker(h: HouseholdPlan) -> str:
    return h.visitors[0] or h.contact or "白银市总工会帮扶中心"


def _approver(h: HouseholdPlan) -> tuple[str, ArchiveLevel]:
    """The union one level up approves: a county union for its enterprises, the city for counties."""
    counties = {code for _name, code in AREAS.values()}
    if h.org in counties:
        return "baiyin", ArchiveLevel.CITY
    return AREAS[h.area][1], ArchiveLevel.COUNTY


#: The steps each level records: the household's own union visits, inspects and calculates,
#: the county or district union deliberates, appraises and publicizes, the city confirms.
CASEWORK_STEPS = (Step.VISIT, Step.INSPECT, Step.CALCULATE)
REVIEW_STEPS = (Step.DELIBERATE, Step.APPRAISE, Step.PUBLICIZE)


def _step_operator(plan: Plan, h: HouseholdPlan, step: Step) -> str:
    """Who records ``step`` of household ``h``: its union's caseworker, its county union's
    reviewer, or the city union's approver, above every union that visits."""
    if step in CASEWORK_STEPS:
        return plan.caseworker(h.org)
    if step in REVIEW_STEPS:
        return baiyin.COUNTY_STAFF[AREAS[h.area][1]][0]
    return APPROVER


def _identify(session: Session, plan: Plan, ids: dict[int, int]) -> int:
    """Every household's identification, step by step in order, each step recorded in one
    batch for each operator who records it (``_step_operator``); the confirmations in one
    batch, in the plan's order, as its archive numbers run."""
    histories = list(_histories(plan, ids))
    by_id = {ids[h.number]: h for h in plan.households}
    for step in Step:
        batches: dict[str, list[History]] = {}
        for history in histories:
            taken = tuple(p for p in history.steps if p.step is step)
            if taken:
                name = _step_operator(plan, by_id[history.household_id], step)
                batches.setdefault(name, []).append(History(history.household_id, taken))
        for name, batch in batches.items():
            with _acting(session, name, f"kunnan identify {step.value}"):
                identify_many(session, batch)
    return len(histories)


def _histories(plan: Plan, ids: dict[int, int]) -> Iterator[History]:
    for h in plan.households:
        if h.visit_on is None:
            continue
        day = {step: h.visit_on + dt.timedelta(days=n) for step, n in baiyin.STEP_DAYS.items()}
        rejected = h.rejected_at
        second_home = rejected == "inspect"
        steps = [
            PlannedStep(Step.VISIT, day["visit"], visitors=h.visitors, note="入户了解家庭收入、住房和就医情况"),
            PlannedStep(Step.INSPECT, day["inspect"], note="查看住房、车辆和经营情况",
                        inspect=InspectFacts(h.housing, h.housing_area, 0, second_home, False)),
            PlannedStep(Step.CALCULATE, day["calculate"], note="按当年低保标准核算家庭人均收入",
                        costs=CostFacts(accident_costs_fen=h.accident_costs_fen)),
            PlannedStep(Step.DELIBERATE, day["deliberate"], attendees=7,
                        decision=Decision.REJECT if rejected == "deliberate" else Decision.APPROVE,
                        minutes="工会小组会议评议" + ("：家庭另有经营收入，不予认定" if rejected == "deliberate" else "")),
            PlannedStep(Step.APPRAISE, day["appraise"],
                        votes_for=2 if rejected == "appraise" else 9,
                        votes_against=7 if rejected == "appraise" else 0),
            PlannedStep(Step.PUBLICIZE, day["publicize"], place=f"{ORG_NAMES[h.org]}公示栏"),
        ]  # fmt: skip
        if h.archived_on is not None:
            by, level = _approver(h)
            steps.append(
                PlannedStep(
                    Step.CONFIRM,
                    day["confirm"],
                    confirm=ConfirmFacts(
                        by_org=by,
                        category=None,
                        main_cause=h.cause,
                        secondary_causes=(Cause.EDUCATION,)
                        if h.cause is not Cause.EDUCATION and any(p.admitted_year for p in h.people)
                        else None,
                        level=level,
                        override=None,
                    ),
                )
            )
        taken = steps[: h.steps_done] if h.fate == "identifying" else steps
        if rejected is not None:
            taken = steps[: {"inspect": 2, "deliberate": 4, "appraise": 5}[rejected]]
        yield History(ids[h.number], tuple(taken))


def _pairings(plan: Plan, ids: dict[int, int], today: dt.date) -> Iterator[PairingPlan]:
    """Each pairing and its visits, validated as ``pair assign`` and ``pair visit`` take them.

    The models are frozen and the sample repeats its units, contacts and notes, so each
    distinct input is validated once.
    """

    @cache
    def pairing(unit: str, contact: str, phone: str) -> PairingCreate:
        data = {"unit": unit, "contact": contact, "phone": phone}
        return validate(PairingCreate, data, today=today)

    @cache
    def visit(by: str, kind: str, note: str, solved: str | None) -> VisitCreate:
        data = {"by": by, "kind": VisitKind(kind), "note": note, "solved": solved}
        return validate(VisitCreate, data, today=today)

    for h in plan.households:
        if h.paired_on is None:
            continue
        visits = tuple(
            VisitPlan(v.on, visit(h.contact, v.kind, v.note, v.solved)) for v in h.visits
        )
        data = pairing(h.org, h.contact, h.contact_phone)
        yield PairingPlan(ids[h.number], data, h.paired_on, visits)


def _funds(session: Session, plan: Plan, today: dt.date) -> dict[tuple[str, int], int]:
    """One fund a year for each programme, topped up with what its grants need and a margin."""
    need: dict[tuple[str, int], int] = {}
    first: dict[tuple[str, int], dt.date] = {}
    for grant in plan.grants:
        key = (grant.program, grant.year)
        need[key] = need.get(key, 0) + (grant.amount_fen or _premium(grant.on) * 100)
        first[key] = min(first.get(key, grant.on), grant.on)
    found = {}
    for (program, year), amount in sorted(need.items()):
        _label, source, donor = baiyin.PROGRAM_FUNDS[program]
        budget = -(-amount * 11 // 10 // 1_000_000) * 1_000_000  # a tenth spare, to 10,000 yuan
        with _acting(session, FINANCE, "kunnan fund add"):
            fund = add_fund(session, data=validate(FundCreate, {
                "name": baiyin.fund_name(program, year), "source": source, "year": year, "budget_fen": budget,
            }, today=today))  # fmt: skip
        on = min(first[(program, year)], dt.date(year, 1, 15))
        with _acting(session, FINANCE, "kunnan fund contribute"):
            contribute(session, fund=fund, data=validate(ContributionCreate, {
                "amount_fen": budget, "counterparty": donor, "on_date": on, "ref": f"BY-IN-{year}-{program}",
            }, today=today))  # fmt: skip
        found[(program, year)] = fund.id
    return found


def _premium(on: dt.date) -> int:
    return [yuan for since, yuan in baiyin.INSURANCE_PREMIUMS if since <= on][-1]


def _grants(
    plan: Plan, ids: dict[int, int], members: dict[str, int], funds: dict[tuple[str, int], int]
) -> Iterator[GrantPlan]:
    by_number = {h.number: h for h in plan.households}
    for serial, grant in enumerate(plan.grants, start=1):
        h = by_number[grant.household]
        member = members[h.people[grant.person].id_number] if grant.person is not None else None
        yield GrantPlan(
            household_id=ids[h.number], program=grant.program, fund_id=funds[(grant.program, grant.year)],
            on=grant.on, member_id=member, amount_fen=grant.amount_fen,
            ref=f"BY-{grant.year}-{serial:05d}",
        )  # fmt: skip


def _exit(session: Session, plan: Plan, ids: dict[int, int]) -> int:
    """The exits, decided by the city union's approver: one batch of each kind, in date order."""
    kinds: dict[ExitKind, list[ExitPlan]] = {}
    for exit_plan in _exits(plan, ids):
        kinds.setdefault(exit_plan.kind, []).append(exit_plan)
    for kind, batch in kinds.items():
        with _acting(session, APPROVER, f"kunnan exit {kind.value.replace('_', '-')}"):
            exit_many(session, batch)
    return sum(len(batch) for batch in kinds.values())


def _exits(plan: Plan, ids: dict[int, int]) -> Iterator[ExitPlan]:
    for h in sorted(plan.households, key=lambda h: (h.exit_on or dt.date.max, h.number)):
        if h.exit_kind is None or h.exit_on is None:
            continue
        if h.exit_kind is ExitKind.STABLE:
            yield ExitPlan(ids[h.number], h.exit_kind, h.exit_on, reason="家庭成员稳定就业，收入超过退出标准",
                           recalculate=CostFacts(other_income_fen=h.raised_income_fen))  # fmt: skip
        else:
            moved = "兰州市" if h.exit_kind.value == "moved" else None
            yield ExitPlan(
                ids[h.number], h.exit_kind, h.exit_on, reason=h.exit_reason, moved_to=moved
            )


def _followups(session: Session, plan: Plan, ids: dict[int, int]) -> int:
    return len(
        followup_many(
            session,
            [
                FollowupPlan(ids[h.number], on, h.contact, FollowupOutcome(outcome), note)
                for h in plan.households
                for on, outcome, note in h.followups
            ],
        )
    )


def _training(
    session: Session, plan: Plan, ids: dict[int, int], members: dict[str, int], today: dt.date
) -> int:
    """The classes, their cohorts in bulk, then each job (a placement that changes an income)."""
    with _acting(session, ADMIN, "kunnan training class add"):
        for klass in plan.classes:
            added = training.add_class(session, data=validate(TrainingClassCreate, {
                "name": klass.name, "trade": klass.trade, "starts_on": klass.starts_on,
                "ends_on": klass.ends_on, "capacity": klass.capacity, "org": klass.org,
            }, today=today))  # fmt: skip
            assert added.id == klass.number
    with _acting(session, CASEWORKER, "kunnan training enroll"):
        _enroll(session, plan, ids, members)
    with _acting(session, CASEWORKER, "kunnan training employ"):
        _employ(session, plan, ids, today)
    return len(plan.trainees)


def _enroll(session: Session, plan: Plan, ids: dict[int, int], members: dict[str, int]) -> None:
    by_number = {h.number: h for h in plan.households}
    train_many(session, [
        TraineePlan(
            t.klass, ids[t.household], members[by_number[t.household].people[t.person].id_number],
            t.enrolled_on, completed_on=t.completed_on, certified_on=t.certified_on,
            certificate_no=t.certificate_no,
        )
        for t in plan.trainees
    ])  # fmt: skip


def _employ(session: Session, plan: Plan, ids: dict[int, int], today: dt.date) -> None:
    by_number = {h.number: h for h in plan.households}
    for t in sorted(
        (t for t in plan.trainees if t.job), key=lambda t: t.job.on if t.job else AS_OF
    ):
        assert t.job is not None
        training.employ(session, data=validate(EmployCreate, {
            "training_class": f"C{t.klass:03d}", "household": household_code(ids[t.household]),
            "member": by_number[t.household].people[t.person].id_number, "employer": t.job.employer,
            "job": t.job.job, "monthly_wage_fen": t.job.wage_fen, "channel": t.job.channel,
            "on_date": t.job.on,
        }, today=today))  # fmt: skip


def _loans(session: Session, plan: Plan, ids: dict[int, int], today: dt.date) -> int:
    name, source, donor = baiyin.LOAN_FUND
    with _acting(session, FINANCE, "kunnan fund add"):
        fund = add_fund(session, data=validate(FundCreate, {
            "name": name, "source": source, "year": 2016, "budget_fen": baiyin.LOAN_FUND_YUAN * 100,
        }, today=today))  # fmt: skip
    with _acting(session, FINANCE, "kunnan fund contribute"):
        contribute(session, fund=fund, data=validate(ContributionCreate, {
            "amount_fen": baiyin.LOAN_FUND_YUAN * 100, "counterparty": donor,
            "on_date": dt.date(2016, 3, 1), "ref": "BY-IN-2016-loans",
        }, today=today))  # fmt: skip
    for number, loan in enumerate(sorted(plan.loans, key=lambda x: x.on), start=1):
        with _acting(session, FINANCE, "kunnan aid loan"):
            issued = loans.issue(session, data=validate(LoanCreate, {
                "household": household_code(ids[loan.household]), "fund": name,
                "amount_fen": loan.amount_fen, "term_months": loan.term_months, "on_date": loan.on,
                "purpose": loan.purpose, "ref": f"BY-LOAN-{number:03d}",
            }, today=today))  # fmt: skip
        if not loan.repayments:
            continue
        with _acting(session, FINANCE, "kunnan aid repay"):
            for index, (on, amount) in enumerate(loan.repayments, start=1):
                loans.repay(session, loan=issued, data=validate(RepaymentCreate, {
                    "repaid_fen": amount, "on_date": on, "ref": f"BY-LOAN-{number:03d}-{index}",
                }, today=today))  # fmt: skip
    return len(plan.loans)


def _stories(session: Session, plan: Plan, ids: dict[int, int], today: dt.date) -> int:
    """What the article tells beyond grants: a placement and a new home."""
    story = {h.story: household_code(ids[h.number]) for h in plan.households if h.story}
    union = {h.story: h.org for h in plan.households if h.story}
    with _acting(session, plan.caseworker(union["zhang"]), "kunnan aid place"):
        place(session, data=validate(PlacementCreate, {
            "household": story["zhang"], "employer": "白银市鑫源物业管理公司", "job": "保安",
            "monthly_wage_fen": 220000, "channel": "direct", "on_date": dt.date(2018, 4, 10),
        }, today=today))  # fmt: skip
    with _acting(session, plan.caseworker(union["wang"]), "kunnan aid housing"):
        for status, on in (("applied", dt.date(2017, 5, 10)), ("allocated", dt.date(2018, 3, 20))):
            record_housing(session, data=validate(HousingCreate, {
                "household": story["wang"], "kind": "low_rent", "status": status, "on_date": on,
                "area_m2": "70" if status == "allocated" else None,
                "note": "入住白银区廉租房小区" if status == "allocated" else "申请廉租住房",
            }, today=today))  # fmt: skip
    return len(story)


def _second_pair_of_eyes(session: Session, plan: Plan, ids: dict[int, int]) -> None:
    """A correction that waited for the city union: a phone call of 白银区总工会 logged on the
    wrong household, voided by the county's approver, held (P0001) and accepted by the city
    union's approver, as ``void`` and ``approve accept`` do."""
    from kunnan.domain.codes import contact_code
    from kunnan.schemas.approval import VoidAction
    from kunnan.services.approve import accept
    from kunnan.services.void import void_record

    union = "baiyin-qu"
    household = next(h for h in plan.households if h.org == union and h.archived_on)
    found = session.get(Household, ids[household.number])
    assert found is not None
    with _acting(session, plan.caseworker(union), "kunnan household contact"):
        attempt = log_contact(
            session, found, method=ContactMethod.PHONE, outcome=ContactOutcome.REACHED,
            on=dt.date(2018, 12, 20), caseworker=plan.caseworker(union),
            note="电话回访，告知明年年审安排",
        )  # fmt: skip
    with _acting(session, baiyin.COUNTY_STAFF[union][1], "kunnan void"):
        outcome = void_record(session, VoidAction(
            record=contact_code(attempt.id), reason="记错了户，应记在同楼另一户",
            on_date=dt.date(2018, 12, 21),
        ))  # fmt: skip
    assert outcome.held is not None
    with _acting(session, APPROVER, "kunnan approve accept"):
        accept(session, outcome.held.code)


#: The yearly reviews (年审) of the sample: each year the union reviews every household archived
#: that day and for more than half a year, from 1 November over six weeks.
REVIEW_YEARS = (2017, 2018)
REVIEW_SEASON = (dt.date(2017, 11, 1) - dt.date(2017, 1, 1)).days
REVIEW_WEEKS = 6
#: Households the 2018 review could not reach: the family was away (外出) through November and
#: December; two door-knocks found nobody. They are the ones ``review due`` lists on 2018-12-24.
UNREACHED_2018 = 5
#: The committee keeps each household's category: the sample's incomes are those of its
#: archive, and the article's figures for 2018 are the categories it kept. (Where the year's
#: line would place a household otherwise, keeping it needs a reason: this one.)
KEPT = "经年审评议，维持原类别"


def _reviews(session: Session, plan: Plan, ids: dict[int, int]) -> int:
    """Each archived household's yearly reviews of 2017 and 2018, as its history allows: on a
    day it was archived, at least half a year after its archive, outcome keep (the incomes
    of the sample do not change from year to year)."""
    from kunnan.domain.enums import HouseholdStatus, ReviewOutcome
    from kunnan.domain.review import ReviewAsked
    from kunnan.domain.status import status_on
    from kunnan.models import StatusChange
    from kunnan.services.review import ReviewPlan, review_many

    history: dict[int, list[tuple[dt.date, str]]] = {}
    for household_id, day, status in session.execute(
        select(StatusChange.household_id, StatusChange.changed_on, StatusChange.status)
        .where(StatusChange.void_id.is_(None))
        .order_by(StatusChange.id)
    ):
        history.setdefault(household_id, []).append((day, status))
    plans: list[ReviewPlan] = []
    away: list[Household] = []
    for year in REVIEW_YEARS:
        for h in plan.households:
            household_id = ids[h.number]
            changes = history.get(household_id, [])
            day = dt.date(year, 1, 1) + dt.timedelta(
                days=REVIEW_SEASON + h.number % (REVIEW_WEEKS * 7)
            )
            if status_on(changes, day) is not HouseholdStatus.ARCHIVED:
                continue
            archived = max(on for on, status in changes if on <= day and status == "archived")
            if (day - archived).days < 183:
                continue
            if year == 2018 and len(away) < UNREACHED_2018 and h.number % 97 == 0:
                away.append(session.get_one(Household, household_id))
                continue
            asked = ReviewAsked(on=day, outcome=ReviewOutcome.KEEP, reason=KEPT)
            costs = CostFacts(accident_costs_fen=h.accident_costs_fen)
            plans.append(ReviewPlan(household_id, asked, costs, note="年度复核，入户核实家庭收入"))
    plans.sort(key=lambda p: (p.household_id, p.asked.on))
    with _acting(session, REVIEWER, "kunnan review record"):
        review_many(session, plans)
    with _acting(session, CASEWORKER, "kunnan household contact"):
        for household in away:
            for how, on in (("visit", dt.date(2018, 11, 20)), ("visit", dt.date(2018, 12, 14))):
                log_contact(
                    session, household, method=ContactMethod(how),
                    outcome=ContactOutcome.NOT_FOUND, on=on, caseworker="白银市总工会帮扶中心",
                    note="年审入户未见本人，邻居称全家外出务工",
                )  # fmt: skip
    return len(plans)
