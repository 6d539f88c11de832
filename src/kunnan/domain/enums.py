"""Every enumeration of the union's work: a stable English slug and a Chinese label.

Slugs are what the command line, JSON and the database use; labels are what
``--lang zh`` shows. Input accepts either form, so a caseworker may type
``--category dibao`` or ``--category 低保户``. Each member is written with its
label (``DIBAO = "dibao", "低保户"``) and each enumeration with the noun its
messages use (``class Category(Labelled, noun="category")``), so a new member
cannot be added without one.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from typing import Any, Self


class Labelled(StrEnum):
    """A StrEnum whose members carry a Chinese label and whose class names a noun for messages.

    A member is ``SLUG = "slug", "中文"``; a member that is another enumeration's member
    (``ENROLLED = TrainingStage.ENROLLED``) takes that member's slug and label.
    """

    _value_: str
    _zh: str
    _noun: str

    def __new__(cls, value: str, zh: str | None = None) -> Self:
        if zh is None:
            if not isinstance(value, Labelled):
                raise TypeError(f"{cls.__name__} member {value!r} has no Chinese label")
            zh = value.zh
        member = str.__new__(cls, value)
        member._value_ = str(value)
        member._zh = zh
        return member

    def __init_subclass__(cls, *, noun: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._noun = noun

    @classmethod
    def noun(cls) -> str:
        return cls._noun

    @property
    def zh(self) -> str:
        return self._zh

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.value

    @classmethod
    def choices(cls) -> str:
        """The accepted values, for help texts and error messages."""
        return ", ".join(f"{m.value} ({m.zh})" for m in cls)

    @classmethod
    def parse(cls, text: str) -> Self:
        """Return the member named by a slug or a Chinese label; ValueError otherwise."""
        known = _PARSED.get((cls, text))
        if known is not None:
            return known  # type: ignore[return-value]
        cleaned = unicodedata.normalize("NFKC", text).strip()
        slug = cleaned.lower().replace("-", "_").replace(" ", "_")
        by_slug, by_label = _names(cls)
        found = by_slug.get(slug) or by_label.get(cleaned)
        if found is None:
            raise ValueError(f"unknown {cls.noun()} '{text}': choose one of {cls.choices()}")
        member = cls(found)
        if len(_PARSED) < _PARSED_MAX:
            _PARSED[cls, text] = member
        return member


_NAMES: dict[type[Labelled], tuple[dict[str, Labelled], dict[str, Labelled]]] = {}
#: Texts already parsed, as typed: an import reads the same few spellings a million times.
_PARSED: dict[tuple[type[Labelled], str], Labelled] = {}
_PARSED_MAX = 10_000


def _names(enum: type[Labelled]) -> tuple[dict[str, Labelled], dict[str, Labelled]]:
    """Each member by slug and by Chinese label (built once per enum: imports parse a lot)."""
    found = _NAMES.get(enum)
    if found is None:
        found = ({m.value: m for m in enum}, {m.zh: m for m in enum})
        _NAMES[enum] = found
    return found


class HouseholdStatus(Labelled, noun="status"):
    CANDIDATE = "candidate", "候选"
    IDENTIFYING = "identifying", "识别中"
    ARCHIVED = "archived", "建档"
    EXITED = "exited", "已退出"
    REJECTED = "rejected", "未通过"


class Category(Labelled, noun="category"):
    DIBAO = "dibao", "低保户"
    MARGINAL = "marginal", "低保边缘户"
    ACCIDENT = "accident", "意外致困户"


class WorkerIdentity(Labelled, noun="worker identity"):
    EMPLOYED = "employed", "在岗"
    LAID_OFF = "laid_off", "下岗"
    UNEMPLOYED = "unemployed", "失业"
    RETIRED = "retired", "退休"
    SICK_LEAVE = "sick_leave", "病休"
    MIGRANT = "migrant", "农民工"


class Cause(Labelled, noun="cause"):
    ILLNESS = "illness", "因病"
    EDUCATION = "education", "因学"
    LOW_INCOME = "low_income", "收入低"
    DISABILITY = "disability", "因残"
    ACCIDENT = "accident", "意外事故"
    DISASTER = "disaster", "自然灾害"
    UNEMPLOYMENT = "unemployment", "下岗失业"
    OTHER = "other", "其他"


class Step(Labelled, noun="identification step"):
    VISIT = "visit", "一进"
    INSPECT = "inspect", "二看"
    CALCULATE = "calculate", "三算"
    DELIBERATE = "deliberate", "四议"
    APPRAISE = "appraise", "五评"
    PUBLICIZE = "publicize", "六公示"
    CONFIRM = "confirm", "七确认"


class PipelineStage(Labelled, noun="pipeline stage"):
    """Where a household stands in the identification funnel: at a step, or past them all."""

    VISIT = Step.VISIT
    INSPECT = Step.INSPECT
    CALCULATE = Step.CALCULATE
    DELIBERATE = Step.DELIBERATE
    APPRAISE = Step.APPRAISE
    PUBLICIZE = Step.PUBLICIZE
    CONFIRM = Step.CONFIRM
    ARCHIVED = "archived", "已建档"
    REJECTED = "rejected", "未通过"


class Guarantee(Labelled, noun="guarantee"):
    EMPLOYMENT = "employment", "就业"
    MEDICAL = "medical", "就医"
    EDUCATION = "education", "就学"
    HOUSING = "housing", "住房"
    LIVING = "living", "生活"
    RIGHTS = "rights", "维权"


class ExitKind(Labelled, noun="exit kind"):
    STABLE = "stable", "稳定脱困"
    SAFETY_NET = "safety_net", "转政府兜底"
    MOVED = "moved", "迁出"
    DECEASED = "deceased", "死亡"
    INELIGIBLE = "ineligible", "不再符合"
    WITHDREW = "withdrew", "自愿退出"


class FundSource(Labelled, noun="fund source"):
    UNION = "union", "工会"
    GOVERNMENT = "government", "财政"
    DONATION = "donation", "爱心企业捐赠"
    CHARITY = "charity", "公益组织"
    MUTUAL_AID = "mutual_aid", "互助保障"


class OrgKind(Labelled, noun="organisation kind"):
    """Unions form a tree (province → city → county/district → grassroots); units hang under any union."""

    PROVINCE = "province", "省总工会"
    CITY = "city", "市总工会"
    COUNTY = "county", "县区工会"
    GRASSROOTS = "grassroots", "基层工会"
    UNIT = "unit", "责任单位"


class Relation(Labelled, noun="relation"):
    """A member's relation to the head worker of the household."""

    HEAD = "head", "户主"
    SPOUSE = "spouse", "配偶"
    CHILD = "child", "子女"
    PARENT = "parent", "父母"
    GRANDCHILD = "grandchild", "孙子女"
    SIBLING = "sibling", "兄弟姐妹"
    OTHER = "other", "其他"


class Health(Labelled, noun="health"):
    HEALTHY = "healthy", "健康"
    CHRONIC = "chronic", "慢性病"
    SERIOUS = "serious", "大病"
    DISABLED = "disabled", "残疾"
    INCAPACITATED = "incapacitated", "丧失劳动能力"


class Schooling(Labelled, noun="schooling"):
    """What a member is studying now; ``none`` for anyone not in school."""

    NONE = "none", "非在校"
    PRESCHOOL = "preschool", "学前"
    PRIMARY = "primary", "小学"
    JUNIOR_HIGH = "junior_high", "初中"
    SENIOR_HIGH = "senior_high", "高中"
    VOCATIONAL = "vocational", "中职"
    JUNIOR_COLLEGE = "junior_college", "大专"
    UNDERGRADUATE = "undergraduate", "本科"
    POSTGRADUATE = "postgraduate", "研究生"


class HousingType(Labelled, noun="housing type"):
    OWNED = "owned", "自有住房"
    PUBLIC_RENTAL = "public_rental", "公租房"
    PRIVATE_RENTAL = "private_rental", "租住私房"
    LOW_RENT = "low_rent", "廉租房"
    SHANTY = "shanty", "棚户区"
    WITH_RELATIVES = "with_relatives", "借住亲友"
    OTHER = "other", "其他"


class ContactMethod(Labelled, noun="contact method"):
    PHONE = "phone", "电话"
    VISIT = "visit", "走访"
    DOOR = "door", "敲门"


class ContactOutcome(Labelled, noun="contact outcome"):
    REACHED = "reached", "已联系上"
    NO_ANSWER = "no_answer", "无人应答"
    MOVED = "moved", "已搬迁"
    REFUSED = "refused", "拒绝"
    NOT_FOUND = "not_found", "未找到"


class CaseStatus(Labelled, noun="case status"):
    """An identification case: one pass through the seven steps."""

    OPEN = "open", "进行中"
    ARCHIVED = "archived", "已建档"
    REJECTED = "rejected", "未通过"


class Decision(Labelled, noun="decision"):
    APPROVE = "approve", "同意"
    REJECT = "reject", "不同意"


class ObjectionStatus(Labelled, noun="objection status"):
    OPEN = "open", "待处理"
    UPHELD = "upheld", "异议成立"
    DISMISSED = "dismissed", "异议不成立"
    CLOSED = "closed", "已关闭"


class FollowupOutcome(Labelled, noun="follow-up outcome"):
    STABLE = "stable", "稳定"
    AT_RISK = "at_risk", "有返困风险"
    RELAPSED = "relapsed", "已返困"


class ArchiveLevel(Labelled, noun="archive level"):
    """The standard a household was archived under (建档标准)."""

    NATIONAL = "national", "全国级"
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"
    GRASSROOTS = "grassroots", "基层级"


class Sex(Labelled, noun="sex"):
    MALE = "male", "男"
    FEMALE = "female", "女"


class VisitKind(Labelled, noun="visit kind"):
    """How a paired household's contact person kept in touch (结对走访)."""

    HOME = "home", "入户走访"
    PHONE = "phone", "电话联系"


class PairingStatus(Labelled, noun="pairing status"):
    ACTIVE = "active", "帮扶中"
    ENDED = "ended", "已结束"


class TargetResult(Labelled, noun="target result"):
    """Whether a responsibility agreement's target (目标责任书) was reached."""

    MET = "met", "达标"
    NOT_MET = "not_met", "未达标"


class TargetMeasure(Labelled, noun="target"):
    """What a responsibility agreement sets a target for."""

    HELPED = "helped", "帮扶户数"
    EXITS = "exits", "退出户数"
    COVERAGE = "coverage", "结对覆盖率"


class CivilStatus(Labelled, noun="dibao list status"):
    """A person's standing on the civil-affairs bureau's dibao list (民政低保名单)."""

    ACTIVE = "active", "在保"
    STOPPED = "stopped", "停保"
    DECEASED = "deceased", "死亡"


class CivilFinding(Labelled, noun="comparison finding"):
    """A difference the civil-affairs data comparison (数据比对) reports."""

    DIBAO_NOT_ON_LIST = "dibao_not_on_list", "低保户不在民政名单"
    ON_LIST_MARGINAL = "on_list_marginal", "民政在保但登记为低保边缘户"
    ON_LIST_UNREGISTERED = "on_list_unregistered", "民政在保但未登记"
    DECEASED_MEMBER = "deceased_member", "名单显示成员死亡"
    NAME_MISMATCH = "name_mismatch", "姓名不一致"
    UNREADABLE_ROW = "unreadable_row", "名单行无法读取"


class EntryKind(Labelled, noun="ledger entry kind"):
    """What an entry of the aid ledger records; a reversal keeps the kind of what it reverses."""

    CONTRIBUTION = "contribution", "资金拨入"
    GRANT = "grant", "发放"
    LOAN = "loan", "借款发放"
    REPAYMENT = "repayment", "借款归还"


class AdmissionLevel(Labelled, noun="admission level"):
    """The school a member was newly admitted to (金秋助学 pays by level); ``none`` clears it."""

    UNDERGRADUATE = "undergraduate", "本科"
    JUNIOR_COLLEGE = "junior_college", "大专"
    HIGH_SCHOOL = "high_school", "高中"
    NONE = "none", "无"


class OncePer(Labelled, noun="once-a-year rule"):
    """Whom a once-a-year programme counts: each household, or each member (student)."""

    HOUSEHOLD = "household", "每户"
    MEMBER = "member", "每人"


class Trade(Labelled, noun="trade"):
    """The skill a training class teaches (技能培训工种)."""

    WELDING = "welding", "电焊"
    COMPUTER_OPERATION = "computer_operation", "计算机操作"
    HEALTH_MASSAGE = "health_massage", "保健按摩"
    COOKING = "cooking", "烹饪"
    HOUSEKEEPING = "housekeeping", "家政服务"
    ELECTRICIAN = "electrician", "电工"
    HAIRDRESSING = "hairdressing", "美容美发"
    OTHER = "other", "其他"


class TrainingStage(Labelled, noun="training stage"):
    """The 培训-鉴定-就业 one-stop, in order: each stage only after the one before."""

    ENROLLED = "enrolled", "已报名"
    COMPLETED = "completed", "已结业"
    CERTIFIED = "certified", "已取证"
    EMPLOYED = "employed", "已就业"


class PlacementChannel(Labelled, noun="placement channel"):
    """How a job was found: the union's job fairs (春风行动 …) or a direct recommendation."""

    SPRING_BREEZE = "spring_breeze", "春风行动"
    ASSISTANCE_MONTH = "assistance_month", "就业援助月"
    PRIVATE_RECRUITMENT_WEEK = "private_recruitment_week", "民营企业招聘周"
    DIRECT = "direct", "直接推荐"


class LoanStatus(Labelled, noun="loan status"):
    """A start-up loan's standing on a day (see services.loans for how each is decided)."""

    CURRENT = "current", "正常还款"
    OVERDUE = "overdue", "逾期"
    REPAID = "repaid", "已还清"
    DEFAULTED = "defaulted", "违约"
    CANCELLED = "cancelled", "已撤销"


class HousingKind(Labelled, noun="housing kind"):
    LOW_RENT = "low_rent", "廉租房"
    SHANTY_RENOVATION = "shanty_renovation", "棚户区改造"
    RENT_SUBSIDY = "rent_subsidy", "租赁补贴"
    OTHER = "other", "其他"


class HousingStatus(Labelled, noun="housing status"):
    """A housing case: applied, then allocated or refused."""

    APPLIED = "applied", "已申请"
    ALLOCATED = "allocated", "已分配"
    REFUSED = "refused", "未获批"


class LegalKind(Labelled, noun="legal case kind"):
    """Rights work (维权); each kind is also a programme of the catalogue."""

    LEGAL_AID = "legal_aid", "法律援助"
    WAGE_ARREARS = "wage_arrears", "欠薪追讨"
    INJURY_COMPENSATION = "injury_compensation", "工伤赔偿"
    LABOUR_DISPUTE = "labour_dispute", "劳动争议"


class LegalStatus(Labelled, noun="legal case status"):
    """A legal case: opened, then resolved and closed (or closed without resolution)."""

    OPENED = "opened", "已立案"
    RESOLVED = "resolved", "已解决"
    CLOSED = "closed", "已结案"


class ActionKind(Labelled, noun="kind of aid"):
    """What kind of help an action on a household's record is (kunnan aid list)."""

    GRANT = "grant", "现金救助"
    LOAN = "loan", "创业担保借款"
    TRAINING = "training", "技能培训"
    PLACEMENT = "placement", "就业援助"
    HOUSING = "housing", "住房保障"
    LEGAL = "legal", "法律维权"
    COUNSELING = "counseling", "心理疏导"


class ActionStatus(Labelled, noun="aid status"):
    """Where an action stands: every status of every kind of action, for lists."""

    PAID = "paid", "已发放"
    REVERSED = "reversed", "已冲正"
    REVERSAL = "reversal", "冲正"
    ENROLLED = TrainingStage.ENROLLED
    COMPLETED = TrainingStage.COMPLETED
    CERTIFIED = TrainingStage.CERTIFIED
    EMPLOYED = TrainingStage.EMPLOYED
    PLACED = "placed", "已上岗"
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
    HELD = "held", "已开展"


class TimelineEvent(Labelled, noun="timeline event"):
    """One thing done for a household, as its timeline (household show) lists it."""

    REGISTERED = "registered", "登记"
    CONTACT = "contact", "找寻联系"
    VISIT = "visit", "一进"
    INSPECT = "inspect", "二看"
    CALCULATE = "calculate", "三算"
    DELIBERATE = "deliberate", "四议"
    APPRAISE = "appraise", "五评"
    PUBLICIZE = "publicize", "六公示"
    CONFIRM = "confirm", "七确认"
    OBJECTION = "objection", "异议"
    OBJECTION_SETTLED = "objection_settled", "异议处理"
    REJECTED = "rejected", "未通过"
    INCOME_CHECK = "income_check", "收入核算"
    PAIRED = "paired", "结对"
    PAIRING_ENDED = "pairing_ended", "结对结束"
    PAIR_VISIT = "pair_visit", "结对走访"
    GRANT = "grant", "现金救助"
    REVERSAL = "reversal", "冲正"
    LOAN = "loan", "创业担保借款"
    REPAYMENT = "repayment", "借款归还"
    LOAN_DEFAULT = "loan_default", "借款违约"
    ENROLLED = "enrolled", "培训报名"
    COMPLETED = "completed", "培训结业"
    CERTIFIED = "certified", "技能鉴定取证"
    EMPLOYED = "employed", "培训后就业"
    PLACED = "placed", "就业安置"
    HOUSING = "housing", "住房保障"
    LEGAL = "legal", "法律维权"
    COUNSELING = "counseling", "心理疏导"
    EXITED = "exited", "退出"
    FOLLOWUP = "followup", "回访"
    RELAPSED = "relapsed", "返困"


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
)
