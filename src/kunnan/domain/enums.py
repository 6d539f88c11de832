"""Every enumeration of the union's work: a stable English slug and a Chinese label.

Slugs are what the command line, JSON and the database use; labels are what
``--lang zh`` shows. Input accepts either form, so a caseworker may type
``--category dibao`` or ``--category 低保户``, and also the other words union rosters
(困难职工花名册) write for a member (``WORDS``: 妻子 for ``spouse``, 因病致困 for ``illness``). Each member is written with its
label in the catalog (``kunnan/locale``) and each enumeration with the noun its
messages use (``class Category(Labelled, noun=N_("category"))``), so a new member
cannot be added without one.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from typing import Any, Self

from kunnan.i18n import N_, _, current, translate


class Labelled(StrEnum):
    """A StrEnum whose members have a Chinese label and whose class names a noun for messages.

    A member is ``SLUG = "slug"``; its label is the translation of the slug in the catalog,
    in the context of the enumeration's noun (``kunnan.i18n``: ``msgctxt "category"``,
    ``msgid "dibao"``, ``msgstr "低保户"``), and a test fails on a member without one. A member
    that is another enumeration's member (``ENROLLED = TrainingStage.ENROLLED``) takes that
    member's slug and label.
    """

    _value_: str
    _context: str | None
    _noun: str

    def __new__(cls, value: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = str(value)
        member._context = value.context if isinstance(value, Labelled) else None
        return member

    def __init_subclass__(cls, *, noun: str, **kwargs: Any) -> None:
        cls._noun = noun
        super().__init_subclass__(**kwargs)

    @classmethod
    def noun(cls) -> str:
        return cls._noun

    @property
    def context(self) -> str:
        """The catalog context of the member's label: its enumeration's noun."""
        return self._context or self._noun

    @property
    def zh(self) -> str:
        """The Chinese label, whatever the language shown (input is read by it)."""
        return translate(self.value, "zh", self.context)

    def label(self, lang: str) -> str:
        return translate(self.value, lang, self.context)

    @classmethod
    def choices(cls) -> str:
        """The accepted values, for help texts and error messages."""
        return ", ".join(f"{m.value} ({m.zh})" for m in cls)

    @classmethod
    def parse(cls, text: str) -> Self:
        """Return the member named by a slug, a Chinese label or one of the other words
        rosters write for it (``WORDS``); ValueError otherwise."""
        known = _PARSED.get((cls, text))
        if known is not None:
            return known  # type: ignore[return-value]
        cleaned = unicodedata.normalize("NFKC", text).strip()
        slug = cleaned.lower().replace("-", "_").replace(" ", "_")
        by_slug, by_label = _names(cls)
        found = by_slug.get(slug) or by_label.get(cleaned)
        if found is None:
            raise ValueError(
                _(
                    "unknown {noun} '{text}': choose one of {choices}",
                    noun=_(cls.noun()),
                    text=text,
                    choices=cls.choices(),
                )
            )
        member = cls(found)
        if len(_PARSED) < _PARSED_MAX:
            _PARSED[cls, text] = member
        return member


def shown(member: Labelled) -> str:
    """A member as a sentence names it: its slug in English (``archived``), its label in
    Chinese (``建档``)."""
    return member.label(current())


def named(member: Labelled) -> str:
    """A member with its label, as English sentences name it: ``visit (一进)``; in Chinese the
    label alone (``一进``)."""
    return _("{slug} ({label})", slug=member.value, label=member.zh)


_NAMES: dict[type[Labelled], tuple[dict[str, Labelled], dict[str, Labelled]]] = {}
#: Texts already parsed, as typed: an import reads the same few spellings a million times.
_PARSED: dict[tuple[type[Labelled], str], Labelled] = {}
_PARSED_MAX = 10_000


def _names(enum: type[Labelled]) -> tuple[dict[str, Labelled], dict[str, Labelled]]:
    """Each member by slug, and by Chinese label or roster word (built once per enum: imports
    parse a lot)."""
    found = _NAMES.get(enum)
    if found is None:
        words: dict[str, Labelled] = {m.zh: m for m in enum}
        for word, member in WORDS.get(enum, {}).items():
            words.setdefault(word, member)
        found = ({m.value: m for m in enum}, words)
        _NAMES[enum] = found
    return found


class HouseholdStatus(Labelled, noun=N_("status")):
    CANDIDATE = "candidate"
    IDENTIFYING = "identifying"
    ARCHIVED = "archived"
    EXITED = "exited"
    REJECTED = "rejected"


class Category(Labelled, noun=N_("category")):
    DIBAO = "dibao"
    MARGINAL = "marginal"
    ACCIDENT = "accident"


class WorkerIdentity(Labelled, noun=N_("worker identity")):
    EMPLOYED = "employed"
    LAID_OFF = "laid_off"
    UNEMPLOYED = "unemployed"
    RETIRED = "retired"
    SICK_LEAVE = "sick_leave"
    MIGRANT = "migrant"


class Cause(Labelled, noun=N_("cause")):
    ILLNESS = "illness"
    EDUCATION = "education"
    LOW_INCOME = "low_income"
    DISABILITY = "disability"
    ACCIDENT = "accident"
    DISASTER = "disaster"
    UNEMPLOYMENT = "unemployment"
    OTHER = "other"


class Step(Labelled, noun=N_("identification step")):
    VISIT = "visit"
    INSPECT = "inspect"
    CALCULATE = "calculate"
    DELIBERATE = "deliberate"
    APPRAISE = "appraise"
    PUBLICIZE = "publicize"
    CONFIRM = "confirm"


class PipelineStage(Labelled, noun=N_("pipeline stage")):
    """Where a household stands in the identification funnel: at a step, or past them all."""

    VISIT = Step.VISIT
    INSPECT = Step.INSPECT
    CALCULATE = Step.CALCULATE
    DELIBERATE = Step.DELIBERATE
    APPRAISE = Step.APPRAISE
    PUBLICIZE = Step.PUBLICIZE
    CONFIRM = Step.CONFIRM
    ARCHIVED = "archived"
    REJECTED = "rejected"


class Guarantee(Labelled, noun=N_("guarantee")):
    EMPLOYMENT = "employment"
    MEDICAL = "medical"
    EDUCATION = "education"
    HOUSING = "housing"
    LIVING = "living"
    RIGHTS = "rights"


class ExitKind(Labelled, noun=N_("exit kind")):
    STABLE = "stable"
    SAFETY_NET = "safety_net"
    MOVED = "moved"
    DECEASED = "deceased"
    INELIGIBLE = "ineligible"
    WITHDREW = "withdrew"


class FundSource(Labelled, noun=N_("fund source")):
    UNION = "union"
    GOVERNMENT = "government"
    DONATION = "donation"
    CHARITY = "charity"
    MUTUAL_AID = "mutual_aid"


class OrgKind(Labelled, noun=N_("organisation kind")):
    """Unions form a tree (province → city → county/district → grassroots); units hang under any union."""

    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    GRASSROOTS = "grassroots"
    UNIT = "unit"


class Relation(Labelled, noun=N_("relation")):
    """A member's relation to the head worker of the household."""

    HEAD = "head"
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    GRANDCHILD = "grandchild"
    SIBLING = "sibling"
    OTHER = "other"


class Health(Labelled, noun=N_("health")):
    HEALTHY = "healthy"
    CHRONIC = "chronic"
    SERIOUS = "serious"
    DISABLED = "disabled"
    INCAPACITATED = "incapacitated"


class Schooling(Labelled, noun=N_("schooling")):
    """What a member is studying now; ``none`` for anyone not in school."""

    NONE = "none"
    PRESCHOOL = "preschool"
    PRIMARY = "primary"
    JUNIOR_HIGH = "junior_high"
    SENIOR_HIGH = "senior_high"
    VOCATIONAL = "vocational"
    JUNIOR_COLLEGE = "junior_college"
    UNDERGRADUATE = "undergraduate"
    POSTGRADUATE = "postgraduate"


class HousingType(Labelled, noun=N_("housing type")):
    OWNED = "owned"
    PUBLIC_RENTAL = "public_rental"
    PRIVATE_RENTAL = "private_rental"
    LOW_RENT = "low_rent"
    SHANTY = "shanty"
    WITH_RELATIVES = "with_relatives"
    OTHER = "other"


class ContactMethod(Labelled, noun=N_("contact method")):
    PHONE = "phone"
    VISIT = "visit"
    DOOR = "door"


class ContactOutcome(Labelled, noun=N_("contact outcome")):
    REACHED = "reached"
    NO_ANSWER = "no_answer"
    MOVED = "moved"
    REFUSED = "refused"
    NOT_FOUND = "not_found"


class CaseStatus(Labelled, noun=N_("case status")):
    """An identification case: one pass through the seven steps."""

    OPEN = "open"
    ARCHIVED = "archived"
    REJECTED = "rejected"


class Decision(Labelled, noun=N_("decision")):
    APPROVE = "approve"
    REJECT = "reject"


class ObjectionStatus(Labelled, noun=N_("objection status")):
    OPEN = "open"
    UPHELD = "upheld"
    DISMISSED = "dismissed"
    CLOSED = "closed"


class FollowupOutcome(Labelled, noun=N_("follow-up outcome")):
    STABLE = "stable"
    AT_RISK = "at_risk"
    RELAPSED = "relapsed"


class ExitRule(Labelled, noun=N_("exit rule")):
    """How a stable exit is judged (policy ``exit_rule``, ``kunnan.domain.exits``)."""

    #: A recent calculation at or above ``exit_multiplier`` × the dibao line.
    MULTIPLE = "multiple"
    #: Every income figure at or above the line for ``exit_months`` months.
    MONTHS = "months"


class WatchGrade(Labelled, noun=N_("watch grade")):
    """防返困: how closely an exited household is watched (``kunnan.domain.watch``)."""

    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"


class ArchiveLevel(Labelled, noun=N_("archive level")):
    """The standard a household was archived under (建档标准)."""

    NATIONAL = "national"
    PROVINCIAL = "provincial"
    CITY = "city"
    COUNTY = "county"
    GRASSROOTS = "grassroots"


class Sex(Labelled, noun=N_("sex")):
    MALE = "male"
    FEMALE = "female"


class VisitKind(Labelled, noun=N_("visit kind")):
    """How a paired household's contact person kept in touch (结对走访)."""

    HOME = "home"
    PHONE = "phone"


class PairingStatus(Labelled, noun=N_("pairing status")):
    ACTIVE = "active"
    ENDED = "ended"


class TargetResult(Labelled, noun=N_("target result")):
    """Whether a responsibility agreement's target (目标责任书) was reached."""

    MET = "met"
    NOT_MET = "not_met"


class TargetMeasure(Labelled, noun=N_("target")):
    """What a responsibility agreement sets a target for."""

    HELPED = "helped"
    EXITS = "exits"
    COVERAGE = "coverage"


class CivilStatus(Labelled, noun=N_("dibao list status")):
    """A person's standing on the civil-affairs bureau's dibao list (民政低保名单)."""

    ACTIVE = "active"
    STOPPED = "stopped"
    DECEASED = "deceased"


class CivilFinding(Labelled, noun=N_("comparison finding")):
    """A difference the civil-affairs data comparison (数据比对) reports."""

    DIBAO_NOT_ON_LIST = "dibao_not_on_list"
    ON_LIST_MARGINAL = "on_list_marginal"
    ON_LIST_UNREGISTERED = "on_list_unregistered"
    DECEASED_MEMBER = "deceased_member"
    NAME_MISMATCH = "name_mismatch"
    UNREADABLE_ROW = "unreadable_row"


class EntryKind(Labelled, noun=N_("ledger entry kind")):
    """What an entry of the aid ledger records; a reversal keeps the kind of what it reverses."""

    CONTRIBUTION = "contribution"
    GRANT = "grant"
    LOAN = "loan"
    REPAYMENT = "repayment"


class AdmissionLevel(Labelled, noun=N_("admission level")):
    """The school a member was newly admitted to (金秋助学 pays by level); ``none`` clears it."""

    UNDERGRADUATE = "undergraduate"
    JUNIOR_COLLEGE = "junior_college"
    HIGH_SCHOOL = "high_school"
    NONE = "none"


class OncePer(Labelled, noun=N_("once-a-year rule")):
    """Whom a once-a-year programme counts: each household, or each member (student)."""

    HOUSEHOLD = "household"
    MEMBER = "member"


class Trade(Labelled, noun=N_("trade")):
    """The skill a training class teaches (技能培训工种)."""

    WELDING = "welding"
    COMPUTER_OPERATION = "computer_operation"
    HEALTH_MASSAGE = "health_massage"
    COOKING = "cooking"
    HOUSEKEEPING = "housekeeping"
    ELECTRICIAN = "electrician"
    HAIRDRESSING = "hairdressing"
    OTHER = "other"


class TrainingStage(Labelled, noun=N_("training stage")):
    """The 培训-鉴定-就业 one-stop, in order: each stage only after the one before."""

    ENROLLED = "enrolled"
    COMPLETED = "completed"
    CERTIFIED = "certified"
    EMPLOYED = "employed"


class PlacementChannel(Labelled, noun=N_("placement channel")):
    """How a job was found: the union's job fairs (春风行动 …) or a direct recommendation."""

    SPRING_BREEZE = "spring_breeze"
    ASSISTANCE_MONTH = "assistance_month"
    PRIVATE_RECRUITMENT_WEEK = "private_recruitment_week"
    DIRECT = "direct"


class LoanStatus(Labelled, noun=N_("loan status")):
    """A start-up loan's standing on a day (see services.loans for how each is decided)."""

    CURRENT = "current"
    OVERDUE = "overdue"
    REPAID = "repaid"
    DEFAULTED = "defaulted"
    CANCELLED = "cancelled"


class HousingKind(Labelled, noun=N_("housing kind")):
    LOW_RENT = "low_rent"
    SHANTY_RENOVATION = "shanty_renovation"
    RENT_SUBSIDY = "rent_subsidy"
    OTHER = "other"


class HousingStatus(Labelled, noun=N_("housing status")):
    """A housing case: applied, then allocated or refused."""

    APPLIED = "applied"
    ALLOCATED = "allocated"
    REFUSED = "refused"


class LegalKind(Labelled, noun=N_("legal case kind")):
    """Rights work (维权); each kind is also a programme of the catalogue."""

    LEGAL_AID = "legal_aid"
    WAGE_ARREARS = "wage_arrears"
    INJURY_COMPENSATION = "injury_compensation"
    LABOUR_DISPUTE = "labour_dispute"


class LegalStatus(Labelled, noun=N_("legal case status")):
    """A legal case: opened, then resolved and closed (or closed without resolution)."""

    OPENED = "opened"
    RESOLVED = "resolved"
    CLOSED = "closed"


class ActionKind(Labelled, noun=N_("kind of aid")):
    """What kind of help an action on a household's record is (kunnan aid list)."""

    GRANT = "grant"
    LOAN = "loan"
    TRAINING = "training"
    PLACEMENT = "placement"
    HOUSING = "housing"
    LEGAL = "legal"
    COUNSELING = "counseling"


class ActionStatus(Labelled, noun=N_("aid status")):
    """Where an action stands: every status of every kind of action, for lists."""

    PAID = "paid"
    REVERSED = "reversed"
    REVERSAL = "reversal"
    ENROLLED = TrainingStage.ENROLLED
    COMPLETED = TrainingStage.COMPLETED
    CERTIFIED = TrainingStage.CERTIFIED
    EMPLOYED = TrainingStage.EMPLOYED
    PLACED = "placed"
    CURRENT = LoanStatus.CURRENT
    OVERDUE = LoanStatus.OVERDUE
    REPAID = LoanStatus.REPAID
    DEFAULTED = LoanStatus.DEFAULTED
    CANCELLED = LoanStatus.CANCELLED
    APPLIED = HousingStatus.APPLIED
    ALLOCATED = HousingStatus.ALLOCATED
    REFUSED = HousingStatus.REFUSED
    OPENED = LegalStatus.OPENED
    RESOLVED = LegalStatus.RESOLVED
    CLOSED = LegalStatus.CLOSED
    HELD = "held"


class TimelineEvent(Labelled, noun=N_("timeline event")):
    """One thing done for a household, as its timeline (household show) lists it."""

    REGISTERED = "registered"
    CONTACT = "contact"
    VISIT = "visit"
    INSPECT = "inspect"
    CALCULATE = "calculate"
    DELIBERATE = "deliberate"
    APPRAISE = "appraise"
    PUBLICIZE = "publicize"
    CONFIRM = "confirm"
    OBJECTION = "objection"
    OBJECTION_SETTLED = "objection_settled"
    REJECTED = "rejected"
    INCOME_CHECK = "income_check"
    PAIRED = "paired"
    PAIRING_ENDED = "pairing_ended"
    PAIR_VISIT = "pair_visit"
    GRANT = "grant"
    REVERSAL = "reversal"
    LOAN = "loan"
    REPAYMENT = "repayment"
    LOAN_DEFAULT = "loan_default"
    ENROLLED = "enrolled"
    COMPLETED = "completed"
    CERTIFIED = "certified"
    EMPLOYED = "employed"
    PLACED = "placed"
    HOUSING = "housing"
    LEGAL = "legal"
    COUNSELING = "counseling"
    EXITED = "exited"
    FOLLOWUP = "followup"
    RELAPSED = "relapsed"
    MEMBER_JOINED = "member_joined"
    MEMBER_LEFT = "member_left"
    HEAD_CHANGED = "head_changed"
    REVIEW = "review"


class JoinReason(Labelled, noun=N_("reason a member joined")):
    """Why a member joined the household after it was registered."""

    BIRTH = "birth"
    MARRIAGE = "marriage"
    ADOPTION = "adoption"
    MOVED_IN = "moved_in"
    RETURNED = "returned"
    OTHER = "other"


class LeaveReason(Labelled, noun=N_("reason a member left")):
    """Why a member left the household: the member stays in its history, not in its count."""

    DEATH = "death"
    MARRIAGE = "marriage"
    MOVED_OUT = "moved_out"
    WORKING_ELSEWHERE = "working_elsewhere"
    DIVORCE = "divorce"
    OTHER = "other"


class HeadChangeReason(Labelled, noun=N_("reason the head changed")):
    """Why another member became the head worker (户主变更)."""

    DEATH = "death"
    DIVORCE = "divorce"
    MOVED = "moved"
    INCAPACITY = "incapacity"
    OTHER = "other"


class Role(Labelled, noun=N_("operator role")):
    """What an operator of the ledger does (三级工会分工)."""

    CASEWORKER = "caseworker"
    REVIEWER = "reviewer"
    APPROVER = "approver"
    FINANCE = "finance"
    AUDITOR = "auditor"
    ADMIN = "admin"


class Duty(Labelled, noun=N_("duty")):
    """The kind of work a command does, which the operator's role must include."""

    CASEWORK = "casework"
    REVIEW = "review"
    APPROVE = "approve"
    MONEY = "money"
    ADMINISTER = "administer"
    REVEAL = "reveal"
    READ = "read"


class PendingKind(Labelled, noun=N_("pending kind")):
    """An action that waits for a second operator's approval (maker-checker)."""

    OVERRIDE = "override"
    LARGE_GRANT = "large_grant"
    REVERSAL = "reversal"
    VOID = "void"


class PendingStatus(Labelled, noun=N_("pending status")):
    """Where a pending action stands: waiting, accepted, declined, or expired unaccepted."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"


class ReviewState(Labelled, noun=N_("review state")):
    """Why a household is on a review list."""

    OVERDUE = "overdue"
    NEVER = "never"
    NEVER_AIDED = "never_aided"
    STALE = "stale"
    DUE = "due"


class ReviewOutcome(Labelled, noun=N_("review outcome")):
    """What a yearly review (年审) decided for an archived household."""

    KEEP = "keep"
    CATEGORY = "category"
    CAUSES = "causes"
    EXIT = "exit"


#: Every labelled enumeration, for tests that check each has complete labels.
ALL_ENUMS: tuple[type[Labelled], ...] = (
    HouseholdStatus,
    Category,
    WorkerIdentity,
    Cause,
    Step,
    PipelineStage,
    Guarantee,
    ExitKind,
    FundSource,
    OrgKind,
    Relation,
    Health,
    Schooling,
    HousingType,
    Sex,
    ContactMethod,
    ContactOutcome,
    CaseStatus,
    Decision,
    ObjectionStatus,
    ArchiveLevel,
    FollowupOutcome,
    VisitKind,
    PairingStatus,
    TargetResult,
    TargetMeasure,
    CivilStatus,
    CivilFinding,
    EntryKind,
    AdmissionLevel,
    OncePer,
    Trade,
    TrainingStage,
    PlacementChannel,
    LoanStatus,
    HousingKind,
    HousingStatus,
    LegalKind,
    LegalStatus,
    ActionKind,
    ActionStatus,
    TimelineEvent,
    JoinReason,
    LeaveReason,
    HeadChangeReason,
    ReviewOutcome,
    ReviewState,
    Role,
    Duty,
)

#: The other words union rosters (困难职工花名册) write for a member, besides its slug and its
#: label: read as that member wherever input names one (``Labelled.parse``), in a file's cell
#: as on the command line. Relations follow the groups of the national code of family
#: relations (GB/T 4761): a child is 子 or 女 of any order (长子, 次女 …), a parent any 父母
#: (公公, 岳母 …), a sibling any of the 兄弟姐妹 group, which counts their spouses (嫂, 姐夫 …);
#: grandparents, children's spouses (儿媳, 女婿) and other relatives are ``other``. A word
#: names one member of its enumeration; a test checks none is another member's slug or label.
WORDS: dict[type[Labelled], dict[str, Labelled]] = {
    Relation: {
        **dict.fromkeys(("本人", "户主本人", "职工本人", "申请人"), Relation.HEAD),
        **dict.fromkeys(("妻子", "丈夫", "妻", "夫", "爱人", "老伴"), Relation.SPOUSE),
        **dict.fromkeys(
            (
                "儿子", "女儿", "子", "女", "儿", "孩子",
                "长子", "次子", "三子", "四子", "五子", "独子", "独生子",
                "长女", "次女", "三女", "四女", "五女", "独女", "独生女",
                "养子", "养女", "继子", "继女",
            ),
            Relation.CHILD,
        ),
        **dict.fromkeys(
            (
                "父亲", "母亲", "父", "母", "爸爸", "妈妈", "公公", "婆婆", "岳父", "岳母",
                "继父", "继母", "养父", "养母",
            ),
            Relation.PARENT,
        ),
        **dict.fromkeys(
            (
                "孙子", "孙女", "孙", "外孙", "外孙子", "外孙女", "曾孙", "曾孙子", "曾孙女",
                "外曾孙", "外曾孙子", "外曾孙女",
            ),
            Relation.GRANDCHILD,
        ),
        **dict.fromkeys(
            (
                "兄", "弟", "姐", "妹", "哥", "哥哥", "弟弟", "姐姐", "妹妹", "兄弟", "姐妹",
                "兄长", "嫂", "嫂子", "弟媳", "姐夫", "妹夫",
            ),
            Relation.SIBLING,
        ),
        **dict.fromkeys(
            (
                "其它", "儿媳", "儿媳妇", "女婿", "侄子", "侄女", "外甥", "外甥女", "祖父", "祖母",
                "外祖父", "外祖母", "爷爷", "奶奶", "外公", "外婆", "亲属", "其他亲属",
            ),
            Relation.OTHER,
        ),
    },
    Cause: {
        **dict.fromkeys(
            ("因病致困", "因病致贫", "疾病", "患病", "大病", "重病", "因大病"), Cause.ILLNESS
        ),
        **dict.fromkeys(
            ("因学致困", "因学致贫", "子女上学", "子女就学", "上学", "就学"), Cause.EDUCATION
        ),
        **dict.fromkeys(
            ("低收入", "收入较低", "收入低下", "因收入低", "收入低致困", "工资低", "工资收入低"),
            Cause.LOW_INCOME,
        ),
        **dict.fromkeys(("因残致困", "因残致贫", "残疾", "伤残"), Cause.DISABILITY),
        **dict.fromkeys(
            ("因意外事故", "意外", "因意外", "因意外致困", "意外事故致困", "因意外事故致困"),
            Cause.ACCIDENT,
        ),
        **dict.fromkeys(("因灾", "因灾致困", "因灾致贫", "灾害", "受灾"), Cause.DISASTER),
        **dict.fromkeys(
            ("失业", "下岗", "因失业", "因下岗", "失业致困", "下岗致困", "因失业致困"),
            Cause.UNEMPLOYMENT,
        ),
        "其它": Cause.OTHER,
    },
    Category: {
        **dict.fromkeys(
            ("低保", "低保家庭", "低保对象", "城市低保", "城市低保户"), Category.DIBAO
        ),
        **dict.fromkeys(("低保边缘", "低保边缘家庭", "边缘户"), Category.MARGINAL),
        **dict.fromkeys(("意外致困", "意外致困家庭"), Category.ACCIDENT),
    },
    HouseholdStatus: dict.fromkeys(("已建档", "建档立卡", "在档"), HouseholdStatus.ARCHIVED),
    WorkerIdentity: {
        **dict.fromkeys(("在职", "在岗职工", "在职职工"), WorkerIdentity.EMPLOYED),
        "下岗职工": WorkerIdentity.LAID_OFF,
        **dict.fromkeys(("失业人员", "失业职工"), WorkerIdentity.UNEMPLOYED),
        **dict.fromkeys(("已退休", "离退休", "退休职工", "退休人员"), WorkerIdentity.RETIRED),
        **dict.fromkeys(("长期病休", "病假"), WorkerIdentity.SICK_LEAVE),
        **dict.fromkeys(("进城务工", "进城务工人员"), WorkerIdentity.MIGRANT),
    },
    Health: {
        **dict.fromkeys(("良好", "正常", "身体健康"), Health.HEALTHY),
        **dict.fromkeys(("患慢性病", "慢病"), Health.CHRONIC),
        **dict.fromkeys(("重病", "重大疾病", "患大病"), Health.SERIOUS),
        "残疾人": Health.DISABLED,
        **dict.fromkeys(("完全丧失劳动能力", "失能"), Health.INCAPACITATED),
    },
    Schooling: {
        **dict.fromkeys(("无", "否", "不在校", "未上学", "未在读"), Schooling.NONE),
        **dict.fromkeys(("幼儿园", "学龄前"), Schooling.PRESCHOOL),
        "普通高中": Schooling.SENIOR_HIGH,
        **dict.fromkeys(
            ("中专", "职高", "技校", "职业高中", "中等职业学校"), Schooling.VOCATIONAL
        ),
        **dict.fromkeys(("专科", "高职", "大学专科"), Schooling.JUNIOR_COLLEGE),
        **dict.fromkeys(("大学", "大学本科"), Schooling.UNDERGRADUATE),
        **dict.fromkeys(("硕士", "博士", "硕士研究生", "博士研究生"), Schooling.POSTGRADUATE),
    },
    HousingType: {
        **dict.fromkeys(
            ("自有", "自有房", "自有产权", "自建房", "自购房"), HousingType.OWNED
        ),
        **dict.fromkeys(("租房", "租住", "租赁", "租赁私房"), HousingType.PRIVATE_RENTAL),
        **dict.fromkeys(("棚户", "棚户房", "棚户区住房"), HousingType.SHANTY),
        **dict.fromkeys(("借住", "寄住", "借住亲属"), HousingType.WITH_RELATIVES),
        "其它": HousingType.OTHER,
    },
    AdmissionLevel: {
        "大学本科": AdmissionLevel.UNDERGRADUATE,
        **dict.fromkeys(("专科", "高职"), AdmissionLevel.JUNIOR_COLLEGE),
    },
}  # fmt: skip
