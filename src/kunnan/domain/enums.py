"""Every enumeration of the union's work: a stable English slug and a Chinese label.

Slugs are what the command line, JSON and the database use; labels are what
``--lang zh`` shows. Input accepts either form, so a caseworker may type
``--category dibao`` or ``--category 低保户``.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from typing import Self


class Labelled(StrEnum):
    """A StrEnum whose members carry a Chinese label and a noun for messages."""

    @classmethod
    def noun(cls) -> str:
        return _NOUNS[cls.__name__]

    @property
    def zh(self) -> str:
        return _LABELS[type(self).__name__][self.value]

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


class HouseholdStatus(Labelled):
    CANDIDATE = "candidate"
    IDENTIFYING = "identifying"
    ARCHIVED = "archived"
    EXITED = "exited"
    REJECTED = "rejected"


class Category(Labelled):
    DIBAO = "dibao"
    MARGINAL = "marginal"
    ACCIDENT = "accident"


class WorkerIdentity(Labelled):
    EMPLOYED = "employed"
    LAID_OFF = "laid_off"
    UNEMPLOYED = "unemployed"
    RETIRED = "retired"
    SICK_LEAVE = "sick_leave"
    MIGRANT = "migrant"


class Cause(Labelled):
    ILLNESS = "illness"
    EDUCATION = "education"
    LOW_INCOME = "low_income"
    DISABILITY = "disability"
    ACCIDENT = "accident"
    DISASTER = "disaster"
    UNEMPLOYMENT = "unemployment"
    OTHER = "other"


class Step(Labelled):
    VISIT = "visit"
    INSPECT = "inspect"
    CALCULATE = "calculate"
    DELIBERATE = "deliberate"
    APPRAISE = "appraise"
    PUBLICIZE = "publicize"
    CONFIRM = "confirm"


class Guarantee(Labelled):
    EMPLOYMENT = "employment"
    MEDICAL = "medical"
    EDUCATION = "education"
    HOUSING = "housing"
    LIVING = "living"
    RIGHTS = "rights"


class ExitKind(Labelled):
    STABLE = "stable"
    SAFETY_NET = "safety_net"
    MOVED = "moved"
    DECEASED = "deceased"
    INELIGIBLE = "ineligible"
    WITHDREW = "withdrew"


class FundSource(Labelled):
    UNION = "union"
    GOVERNMENT = "government"
    DONATION = "donation"
    CHARITY = "charity"
    MUTUAL_AID = "mutual_aid"


class OrgKind(Labelled):
    """Unions form a tree (province → city → county/district → grassroots); units hang under any union."""

    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    GRASSROOTS = "grassroots"
    UNIT = "unit"


class Relation(Labelled):
    """A member's relation to the head worker of the household."""

    HEAD = "head"
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    GRANDCHILD = "grandchild"
    SIBLING = "sibling"
    OTHER = "other"


class Health(Labelled):
    HEALTHY = "healthy"
    CHRONIC = "chronic"
    SERIOUS = "serious"
    DISABLED = "disabled"
    INCAPACITATED = "incapacitated"


class Schooling(Labelled):
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


class HousingType(Labelled):
    OWNED = "owned"
    PUBLIC_RENTAL = "public_rental"
    PRIVATE_RENTAL = "private_rental"
    LOW_RENT = "low_rent"
    SHANTY = "shanty"
    WITH_RELATIVES = "with_relatives"
    OTHER = "other"


class ContactMethod(Labelled):
    PHONE = "phone"
    VISIT = "visit"
    DOOR = "door"


class ContactOutcome(Labelled):
    REACHED = "reached"
    NO_ANSWER = "no_answer"
    MOVED = "moved"
    REFUSED = "refused"
    NOT_FOUND = "not_found"


class CaseStatus(Labelled):
    """An identification case: one pass through the seven steps."""

    OPEN = "open"
    ARCHIVED = "archived"
    REJECTED = "rejected"


class Decision(Labelled):
    APPROVE = "approve"
    REJECT = "reject"


class ObjectionStatus(Labelled):
    OPEN = "open"
    UPHELD = "upheld"
    DISMISSED = "dismissed"
    CLOSED = "closed"


class FollowupOutcome(Labelled):
    STABLE = "stable"
    AT_RISK = "at_risk"
    RELAPSED = "relapsed"


class ArchiveLevel(Labelled):
    """The standard a household was archived under (建档标准)."""

    NATIONAL = "national"
    PROVINCIAL = "provincial"
    CITY = "city"
    COUNTY = "county"
    GRASSROOTS = "grassroots"


class Sex(Labelled):
    MALE = "male"
    FEMALE = "female"


class VisitKind(Labelled):
    """How a paired household's contact person kept in touch (结对走访)."""

    HOME = "home"
    PHONE = "phone"


class PairingStatus(Labelled):
    ACTIVE = "active"
    ENDED = "ended"


class TargetResult(Labelled):
    """Whether a responsibility agreement's target (目标责任书) was reached."""

    MET = "met"
    NOT_MET = "not_met"


class TargetMeasure(Labelled):
    """What a responsibility agreement sets a target for."""

    HELPED = "helped"
    EXITS = "exits"
    COVERAGE = "coverage"


class CivilStatus(Labelled):
    """A person's standing on the civil-affairs bureau's dibao list (民政低保名单)."""

    ACTIVE = "active"
    STOPPED = "stopped"
    DECEASED = "deceased"


class CivilFinding(Labelled):
    """A difference the civil-affairs data comparison (数据比对) reports."""

    DIBAO_NOT_ON_LIST = "dibao_not_on_list"
    ON_LIST_MARGINAL = "on_list_marginal"
    ON_LIST_UNREGISTERED = "on_list_unregistered"
    DECEASED_MEMBER = "deceased_member"
    NAME_MISMATCH = "name_mismatch"
    UNREADABLE_ROW = "unreadable_row"


class EntryKind(Labelled):
    """What an entry of the aid ledger records; a reversal keeps the kind of what it reverses."""

    CONTRIBUTION = "contribution"
    GRANT = "grant"
    LOAN = "loan"
    REPAYMENT = "repayment"


class AdmissionLevel(Labelled):
    """The school a member was newly admitted to (金秋助学 pays by level); ``none`` clears it."""

    UNDERGRADUATE = "undergraduate"
    JUNIOR_COLLEGE = "junior_college"
    HIGH_SCHOOL = "high_school"
    NONE = "none"


class OncePer(Labelled):
    """Whom a once-a-year programme counts: each household, or each member (student)."""

    HOUSEHOLD = "household"
    MEMBER = "member"


class Trade(Labelled):
    """The skill a training class teaches (技能培训工种)."""

    WELDING = "welding"
    COMPUTER_OPERATION = "computer_operation"
    HEALTH_MASSAGE = "health_massage"
    COOKING = "cooking"
    HOUSEKEEPING = "housekeeping"
    ELECTRICIAN = "electrician"
    HAIRDRESSING = "hairdressing"
    OTHER = "other"


class TrainingStage(Labelled):
    """The 培训-鉴定-就业 one-stop, in order: each stage only after the one before."""

    ENROLLED = "enrolled"
    COMPLETED = "completed"
    CERTIFIED = "certified"
    EMPLOYED = "employed"


class PlacementChannel(Labelled):
    """How a job was found: the union's job fairs (春风行动 …) or a direct recommendation."""

    SPRING_BREEZE = "spring_breeze"
    ASSISTANCE_MONTH = "assistance_month"
    PRIVATE_RECRUITMENT_WEEK = "private_recruitment_week"
    DIRECT = "direct"


class LoanStatus(Labelled):
    """A start-up loan's standing on a day (see services.loans for how each is decided)."""

    CURRENT = "current"
    OVERDUE = "overdue"
    REPAID = "repaid"
    DEFAULTED = "defaulted"
    CANCELLED = "cancelled"


class HousingKind(Labelled):
    LOW_RENT = "low_rent"
    SHANTY_RENOVATION = "shanty_renovation"
    RENT_SUBSIDY = "rent_subsidy"
    OTHER = "other"


class HousingStatus(Labelled):
    """A housing case: applied, then allocated or refused."""

    APPLIED = "applied"
    ALLOCATED = "allocated"
    REFUSED = "refused"


class LegalKind(Labelled):
    """Rights work (维权); each kind is also a programme of the catalogue."""

    LEGAL_AID = "legal_aid"
    WAGE_ARREARS = "wage_arrears"
    INJURY_COMPENSATION = "injury_compensation"
    LABOUR_DISPUTE = "labour_dispute"


class LegalStatus(Labelled):
    """A legal case: opened, then resolved and closed (or closed without resolution)."""

    OPENED = "opened"
    RESOLVED = "resolved"
    CLOSED = "closed"


class ActionKind(Labelled):
    """What kind of help an action on a household's record is (kunnan aid list)."""

    GRANT = "grant"
    LOAN = "loan"
    TRAINING = "training"
    PLACEMENT = "placement"
    HOUSING = "housing"
    LEGAL = "legal"
    COUNSELING = "counseling"


class ActionStatus(Labelled):
    """Where an action stands: every status of every kind of action, for lists."""

    PAID = "paid"
    REVERSED = "reversed"
    REVERSAL = "reversal"
    ENROLLED = "enrolled"
    COMPLETED = "completed"
    CERTIFIED = "certified"
    EMPLOYED = "employed"
    PLACED = "placed"
    CURRENT = "current"
    OVERDUE = "overdue"
    REPAID = "repaid"
    DEFAULTED = "defaulted"
    CANCELLED = "cancelled"
    APPLIED = "applied"
    ALLOCATED = "allocated"
    REFUSED = "refused"
    OPENED = "opened"
    RESOLVED = "resolved"
    CLOSED = "closed"
    HELD = "held"


class TimelineEvent(Labelled):
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


_NOUNS: dict[str, str] = {
    "HouseholdStatus": "status",
    "Category": "category",
    "WorkerIdentity": "worker identity",
    "Cause": "cause",
    "Step": "identification step",
    "Guarantee": "guarantee",
    "ExitKind": "exit kind",
    "FundSource": "fund source",
    "OrgKind": "organisation kind",
    "Relation": "relation",
    "Health": "health",
    "Schooling": "schooling",
    "HousingType": "housing type",
    "Sex": "sex",
    "ContactMethod": "contact method",
    "ContactOutcome": "contact outcome",
    "CaseStatus": "case status",
    "Decision": "decision",
    "ObjectionStatus": "objection status",
    "ArchiveLevel": "archive level",
    "FollowupOutcome": "follow-up outcome",
    "VisitKind": "visit kind",
    "PairingStatus": "pairing status",
    "TargetResult": "target result",
    "TargetMeasure": "target",
    "CivilStatus": "dibao list status",
    "CivilFinding": "comparison finding",
    "EntryKind": "ledger entry kind",
    "AdmissionLevel": "admission level",
    "OncePer": "once-a-year rule",
    "Trade": "trade",
    "TrainingStage": "training stage",
    "PlacementChannel": "placement channel",
    "LoanStatus": "loan status",
    "HousingKind": "housing kind",
    "HousingStatus": "housing status",
    "LegalKind": "legal case kind",
    "LegalStatus": "legal case status",
    "ActionKind": "kind of aid",
    "ActionStatus": "aid status",
    "TimelineEvent": "timeline event",
}

_LABELS: dict[str, dict[str, str]] = {
    "HouseholdStatus": {
        "candidate": "候选",
        "identifying": "识别中",
        "archived": "建档",
        "exited": "已退出",
        "rejected": "未通过",
    },
    "Category": {"dibao": "低保户", "marginal": "低保边缘户", "accident": "意外致困户"},
    "WorkerIdentity": {
        "employed": "在岗",
        "laid_off": "下岗",
        "unemployed": "失业",
        "retired": "退休",
        "sick_leave": "病休",
        "migrant": "农民工",
    },
    "Cause": {
        "illness": "因病",
        "education": "因学",
        "low_income": "收入低",
        "disability": "因残",
        "accident": "意外事故",
        "disaster": "自然灾害",
        "unemployment": "下岗失业",
        "other": "其他",
    },
    "Step": {
        "visit": "一进",
        "inspect": "二看",
        "calculate": "三算",
        "deliberate": "四议",
        "appraise": "五评",
        "publicize": "六公示",
        "confirm": "七确认",
    },
    "Guarantee": {
        "employment": "就业",
        "medical": "就医",
        "education": "就学",
        "housing": "住房",
        "living": "生活",
        "rights": "维权",
    },
    "ExitKind": {
        "stable": "稳定脱困",
        "safety_net": "转政府兜底",
        "moved": "迁出",
        "deceased": "死亡",
        "ineligible": "不再符合",
        "withdrew": "自愿退出",
    },
    "FundSource": {
        "union": "工会",
        "government": "财政",
        "donation": "爱心企业捐赠",
        "charity": "公益组织",
        "mutual_aid": "互助保障",
    },
    "OrgKind": {
        "province": "省总工会",
        "city": "市总工会",
        "county": "县区工会",
        "grassroots": "基层工会",
        "unit": "责任单位",
    },
    "Relation": {
        "head": "户主",
        "spouse": "配偶",
        "child": "子女",
        "parent": "父母",
        "grandchild": "孙子女",
        "sibling": "兄弟姐妹",
        "other": "其他",
    },
    "Health": {
        "healthy": "健康",
        "chronic": "慢性病",
        "serious": "大病",
        "disabled": "残疾",
        "incapacitated": "丧失劳动能力",
    },
    "Schooling": {
        "none": "非在校",
        "preschool": "学前",
        "primary": "小学",
        "junior_high": "初中",
        "senior_high": "高中",
        "vocational": "中职",
        "junior_college": "大专",
        "undergraduate": "本科",
        "postgraduate": "研究生",
    },
    "HousingType": {
        "owned": "自有住房",
        "public_rental": "公租房",
        "private_rental": "租住私房",
        "low_rent": "廉租房",
        "shanty": "棚户区",
        "with_relatives": "借住亲友",
        "other": "其他",
    },
    "Sex": {"male": "男", "female": "女"},
    "ContactMethod": {"phone": "电话", "visit": "走访", "door": "敲门"},
    "ContactOutcome": {
        "reached": "已联系上",
        "no_answer": "无人应答",
        "moved": "已搬迁",
        "refused": "拒绝",
        "not_found": "未找到",
    },
    "CaseStatus": {"open": "进行中", "archived": "已建档", "rejected": "未通过"},
    "Decision": {"approve": "同意", "reject": "不同意"},
    "ObjectionStatus": {
        "open": "待处理",
        "upheld": "异议成立",
        "dismissed": "异议不成立",
        "closed": "已关闭",
    },
    "FollowupOutcome": {"stable": "稳定", "at_risk": "有返困风险", "relapsed": "已返困"},
    "ArchiveLevel": {
        "national": "全国级",
        "provincial": "省级",
        "city": "市级",
        "county": "县级",
        "grassroots": "基层级",
    },
    "VisitKind": {"home": "入户走访", "phone": "电话联系"},
    "PairingStatus": {"active": "帮扶中", "ended": "已结束"},
    "TargetResult": {"met": "达标", "not_met": "未达标"},
    "TargetMeasure": {"helped": "帮扶户数", "exits": "退出户数", "coverage": "结对覆盖率"},
    "CivilStatus": {"active": "在保", "stopped": "停保", "deceased": "死亡"},
    "CivilFinding": {
        "dibao_not_on_list": "低保户不在民政名单",
        "on_list_marginal": "民政在保但登记为低保边缘户",
        "on_list_unregistered": "民政在保但未登记",
        "deceased_member": "名单显示成员死亡",
        "name_mismatch": "姓名不一致",
        "unreadable_row": "名单行无法读取",
    },
    "EntryKind": {
        "contribution": "资金拨入",
        "grant": "发放",
        "loan": "借款发放",
        "repayment": "借款归还",
    },
    "AdmissionLevel": {
        "undergraduate": "本科",
        "junior_college": "大专",
        "high_school": "高中",
        "none": "无",
    },
    "OncePer": {"household": "每户", "member": "每人"},
    "Trade": {
        "welding": "电焊",
        "computer_operation": "计算机操作",
        "health_massage": "保健按摩",
        "cooking": "烹饪",
        "housekeeping": "家政服务",
        "electrician": "电工",
        "hairdressing": "美容美发",
        "other": "其他",
    },
    "TrainingStage": {
        "enrolled": "已报名",
        "completed": "已结业",
        "certified": "已取证",
        "employed": "已就业",
    },
    "PlacementChannel": {
        "spring_breeze": "春风行动",
        "assistance_month": "就业援助月",
        "private_recruitment_week": "民营企业招聘周",
        "direct": "直接推荐",
    },
    "LoanStatus": {
        "current": "正常还款",
        "overdue": "逾期",
        "repaid": "已还清",
        "defaulted": "违约",
        "cancelled": "已撤销",
    },
    "HousingKind": {
        "low_rent": "廉租房",
        "shanty_renovation": "棚户区改造",
        "rent_subsidy": "租赁补贴",
        "other": "其他",
    },
    "HousingStatus": {"applied": "已申请", "allocated": "已分配", "refused": "未获批"},
    "LegalKind": {
        "legal_aid": "法律援助",
        "wage_arrears": "欠薪追讨",
        "injury_compensation": "工伤赔偿",
        "labour_dispute": "劳动争议",
    },
    "LegalStatus": {"opened": "已立案", "resolved": "已解决", "closed": "已结案"},
    "ActionKind": {
        "grant": "现金救助",
        "loan": "创业担保借款",
        "training": "技能培训",
        "placement": "就业援助",
        "housing": "住房保障",
        "legal": "法律维权",
        "counseling": "心理疏导",
    },
    "TimelineEvent": {
        "registered": "登记",
        "contact": "找寻联系",
        "visit": "一进",
        "inspect": "二看",
        "calculate": "三算",
        "deliberate": "四议",
        "appraise": "五评",
        "publicize": "六公示",
        "confirm": "七确认",
        "objection": "异议",
        "objection_settled": "异议处理",
        "rejected": "未通过",
        "income_check": "收入核算",
        "paired": "结对",
        "pairing_ended": "结对结束",
        "pair_visit": "结对走访",
        "grant": "现金救助",
        "reversal": "冲正",
        "loan": "创业担保借款",
        "repayment": "借款归还",
        "loan_default": "借款违约",
        "enrolled": "培训报名",
        "completed": "培训结业",
        "certified": "技能鉴定取证",
        "employed": "培训后就业",
        "placed": "就业安置",
        "housing": "住房保障",
        "legal": "法律维权",
        "counseling": "心理疏导",
        "exited": "退出",
        "followup": "回访",
        "relapsed": "返困",
    },
}

#: Every status an action can have (aid list), with the label of the enum it comes from.
_LABELS["ActionStatus"] = {
    "paid": "已发放",
    "reversed": "已冲正",
    "reversal": "冲正",
    "placed": "已上岗",
    "held": "已开展",
    **_LABELS["TrainingStage"],
    **_LABELS["LoanStatus"],
    **_LABELS["HousingStatus"],
    **_LABELS["LegalStatus"],
}

#: Every labelled enumeration, for tests that check each has complete labels.
ALL_ENUMS: tuple[type[Labelled], ...] = (
    HouseholdStatus,
    Category,
    WorkerIdentity,
    Cause,
    Step,
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
